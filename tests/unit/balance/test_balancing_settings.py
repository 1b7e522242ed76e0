"""A group's balancing thresholds: units, defaults, refusals; and the words of cues and alerts."""

from __future__ import annotations

import pytest

from facilitator.balancing import BalancingPolicy
from facilitator.balancing_settings import (
    policy_from_settings,
    settings_of_policy,
    validate_balancing_settings,
)
from facilitator.balancing_words import CUES, alert_message, cue_message, minutes
from facilitator.errors import DomainError


def test_nothing_stored_means_the_defaults() -> None:
    assert policy_from_settings(None) == BalancingPolicy()
    assert policy_from_settings({}) == BalancingPolicy()


def test_seconds_become_milliseconds_and_back() -> None:
    policy = policy_from_settings(
        {
            "round_turn_s": 240,
            "quiet_alert_s": 600,
            "dominance_share": 0.4,
            "nudge_facilitators": True,
            "min_peers_for_share": 2,
            "share_nudge_factor": 3,
        }
    )
    assert policy.round_turn_ms == 240_000 and policy.quiet_alert_ms == 600_000
    assert policy.dominance_share == 0.4 and policy.nudge_facilitators is True
    assert policy.min_peers_for_share == 2 and policy.share_nudge_factor == 3.0
    shown = settings_of_policy(policy)
    assert shown["round_turn_s"] == 240 and shown["long_turn_s"] == 360
    assert policy_from_settings(shown) == policy


@pytest.mark.parametrize(
    "bad",
    [
        {"round_turn_s": 10},
        {"round_turn_s": 4000},
        {"round_turn_s": 60.5},
        {"dominance_share": 0},
        {"dominance_share": 1.5},
        {"nudge_facilitators": 1},
        {"quiet_alert_s": True},
        {"min_peers_for_share": 1},
        {"share_nudge_factor": "2"},
        {"volume": 3},
    ],
)
def test_out_of_range_or_unknown_is_refused(bad: dict[str, object]) -> None:
    with pytest.raises(DomainError) as raised:
        validate_balancing_settings(bad)
    assert raised.value.code == "bad_balancing_setting"
    assert next(iter(bad)) in raised.value.message


def test_cues_are_gentle_and_never_name_others() -> None:
    assert "maybe check if someone else would like to come in" in cue_message("long_turn")
    assert cue_message("unknown") == CUES["long_turn"]
    for text in CUES.values():
        assert not any(word in text.lower() for word in ("you must", "too much", "stop talking"))


def test_alert_words() -> None:
    assert alert_message("quiet", "Sam", silent_for_ms=15 * 60_000) == (
        "Sam has not spoken for 15 minutes."
    )
    assert alert_message("dominance", "Ana", share=0.634) == (
        "Ana holds 63% of the talk in this room."
    )
    assert "round time" in alert_message("cue_sent", "Ana", reason="round_time")
    assert minutes(10_000) == "1 minute"
