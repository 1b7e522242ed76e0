"""What a peer and the facilitators are told around an "I need support" signal, a ground-rule
breach, and a peer leaving while someone was worried about them.

Pure: the words and the decisions; the server sends them.
"""

from __future__ import annotations

from typing import Final, Literal

FollowUpReason = Literal["left_after_distress", "left_during_breakout"]

SUPPORT_ACKNOWLEDGEMENT: Final = (
    "Thank you for letting us know. A facilitator has been told, privately, and will check in "
    "with you soon. No one else in the group can see this. If you need to talk to someone right "
    "now, the helpline below is free and open all day and night."
)

FOLLOW_UP_CHECKLIST: Final[tuple[str, ...]] = (
    "Try to reach them by phone, if they left a number.",
    "If they don't answer, leave a voicemail with no details: your first name and that you're "
    "from the group, nothing about gambling.",
    "If they left an email, send a short, kind message with the helpline number.",
    "Tell your co-facilitator what you are doing.",
    "Record what you did in the incident note.",
)

CHAT_MUTED_MESSAGE: Final = (
    "Your chat is paused for the rest of this session, after reminders about the group's "
    "ground rules. You can still listen, and support is always one tap away."
)

CONTACT_REQUIRED_MESSAGE: Final = (
    "This group asks for a way to reach you if the facilitators are worried about you. Please "
    "add a phone number or an email address before you wait to join."
)


def follow_up_reason(*, in_breakout: bool, distressed: bool) -> FollowUpReason | None:
    """A peer who leaves during a breakout, or after signalling distress, needs a follow-up;
    a breakout says more about the moment than the earlier signal, so it wins."""
    if in_breakout:
        return "left_during_breakout"
    if distressed:
        return "left_after_distress"
    return None


def breach_reminder(rule_text: str, action: str) -> str:
    """The private, kind words a peer sees when a facilitator marks a breach of a ground rule."""
    base = (
        "A gentle reminder from the facilitators about one of the group's ground rules: "
        f"\u201c{rule_text}\u201d. It helps everyone here feel safe."
    )
    if action == "mute":
        return base + " Your chat is paused for the rest of this session; you can still listen."
    if action == "remove":
        return base + " The facilitators have closed your place in this session."
    return base
