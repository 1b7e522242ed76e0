"""What a cue or an alert says, in plain and kind words.

A cue goes privately to someone who is speaking: it must never shame, only invite them to make
room. An alert goes to facilitators: it says who and what, briefly, so they can decide.
"""

from __future__ import annotations

CUES: dict[str, str] = {
    "round_time": (
        "Your time in this round is up — there's no rush to stop mid-thought, "
        "but when you're ready, we'll move on to the next person."
    ),
    "long_turn": (
        "You've been speaking for a while — maybe check if someone else would like to come in."
    ),
    "large_share": (
        "Thank you for sharing so much today. When you're ready, it might be good "
        "to leave some space for others to come in."
    ),
}


def cue_message(reason: str) -> str:
    """The private words a speaker sees for a nudge reason (a gentle default otherwise)."""
    return CUES.get(reason, CUES["long_turn"])


def minutes(ms: int) -> str:
    """Whole minutes in words, never 'zero minutes'."""
    whole = max(1, round(ms / 60_000))
    return f"{whole} minute" + ("" if whole == 1 else "s")


def alert_message(
    kind: str, name: str, *, silent_for_ms: int = 0, share: float = 0.0, reason: str = ""
) -> str:
    """The facilitators' line for an alert about ``name``."""
    if kind == "quiet":
        return f"{name} has not spoken for {minutes(silent_for_ms)}."
    if kind == "dominance":
        return f"{name} holds {round(share * 100)}% of the talk in this room."
    if kind == "round_time_up":
        return f"{name} has passed their time in the round."
    if kind == "cue_sent":
        why = {
            "round_time": "round time",
            "long_turn": "a long turn",
            "large_share": "a large share of the talk",
        }.get(reason, reason)
        return f"A gentle cue was shown privately to {name} ({why})."
    return f"{name}: {kind}"
