"""The words and decisions around support signals, breaches and follow-ups."""

from __future__ import annotations

import pytest

from facilitator.events import SupportRequested
from facilitator.support import FOLLOW_UP_CHECKLIST, breach_reminder, follow_up_reason


@pytest.mark.parametrize(
    ("in_breakout", "distressed", "reason"),
    [
        (False, False, None),
        (False, True, "left_after_distress"),
        (True, False, "left_during_breakout"),
        (True, True, "left_during_breakout"),
    ],
)
def test_follow_up_reason(in_breakout: bool, distressed: bool, reason: str | None) -> None:
    assert follow_up_reason(in_breakout=in_breakout, distressed=distressed) == reason


@pytest.mark.parametrize(
    ("action", "extra"),
    [("remind", None), ("mute", "chat is paused"), ("remove", "closed your place")],
)
def test_breach_reminder_names_the_rule_kindly(action: str, extra: str | None) -> None:
    text = breach_reminder("Be kind.", action)
    assert "\u201cBe kind.\u201d" in text and text.startswith("A gentle reminder")
    assert (extra in text) if extra else ("paused" not in text and "closed" not in text)


def test_checklist_asks_for_a_voicemail_without_details_and_a_record() -> None:
    assert any("voicemail" in step and "no details" in step for step in FOLLOW_UP_CHECKLIST)
    assert any("Record" in step for step in FOLLOW_UP_CHECKLIST)


def test_safety_events_serialise_with_their_name() -> None:
    event = SupportRequested("s", "m", "Sam", 5, "i")
    assert event.name == "support:requested" and event.audience == "facilitators"
    assert event.to_payload() == {
        "session_id": "s",
        "member_id": "m",
        "pseudonym": "Sam",
        "at_ms": 5,
        "incident_id": "i",
    }
