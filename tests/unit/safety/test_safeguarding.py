"""The pure safeguarding rules: breach policy, group safety settings, contact validation."""

from __future__ import annotations

import pytest

from facilitator.errors import DomainError
from facilitator.safeguarding import (
    BreachPolicy,
    SafetySettings,
    decide_breach,
    read_breach_policy,
    read_safety_settings,
    scrub_pseudonym,
    validate_contact,
)


@pytest.mark.parametrize(
    ("mute_after", "remove_after", "expected"),
    [
        (None, None, ["remind", "remind", "remind", "remind"]),
        (2, None, ["remind", "mute", "mute", "mute"]),
        (None, 3, ["remind", "remind", "remove", "remove"]),
        (2, 3, ["remind", "mute", "remove", "remove"]),
        (1, 2, ["mute", "remove", "remove", "remove"]),
        (None, 1, ["remove", "remove", "remove", "remove"]),
    ],
)
def test_breach_outcome_by_count(
    mute_after: int | None, remove_after: int | None, expected: list[str]
) -> None:
    policy = BreachPolicy(mute_after=mute_after, remove_after=remove_after)
    actions = [decide_breach(count, policy).action for count in range(1, 5)]
    assert actions == expected


def test_breach_decision_carries_the_count() -> None:
    assert decide_breach(3, BreachPolicy(mute_after=2)).breach_count == 3


def test_breach_count_starts_at_one() -> None:
    with pytest.raises(DomainError) as caught:
        decide_breach(0, BreachPolicy())
    assert caught.value.code == "invalid_breach_count"


def test_defaults_when_group_has_no_safety_settings() -> None:
    assert read_safety_settings({}) == SafetySettings(
        contact_policy="off", breach_policy=BreachPolicy(None, None), retention_days=180
    )


def test_reads_full_safety_settings() -> None:
    settings = read_safety_settings(
        {
            "contact_policy": "required",
            "breach_policy": {"mute_after": 2, "remove_after": None},
            "retention_days": 30,
            "other_feature": True,
        }
    )
    assert settings == SafetySettings("required", BreachPolicy(2, None), 30)


@pytest.mark.parametrize(
    "raw",
    [
        {"contact_policy": "sometimes"},
        {"retention_days": 0},
        {"retention_days": 3651},
        {"retention_days": "30"},
        {"retention_days": True},
        {"breach_policy": [2, 3]},
        {"breach_policy": {"mute_after": 0}},
        {"breach_policy": {"mute_after": 2.5}},
        {"breach_policy": {"mute_after": 3, "remove_after": 3}},
        {"breach_policy": {"mute_after": 3, "remove_after": 2}},
        {"breach_policy": {"warn_after": 1}},
    ],
)
def test_invalid_safety_settings_are_refused(raw: dict[str, object]) -> None:
    with pytest.raises(DomainError) as caught:
        read_safety_settings(raw)
    assert caught.value.code == "invalid_settings"


def test_breach_policy_none_means_never() -> None:
    assert read_breach_policy(None) == BreachPolicy(None, None)


@pytest.mark.parametrize(
    ("phone", "email", "region", "expected"),
    [
        ("+44 7700 900-123", None, None, ("+447700900123", None, None)),
        ("(0808) 802.0133", "", "  ", ("08088020133", None, None)),
        (None, "sam@example.org", "North West", (None, "sam@example.org", "North West")),
        ("  ", " a@b.co ", None, (None, "a@b.co", None)),
    ],
)
def test_valid_contacts_are_normalised(
    phone: str | None, email: str | None, region: str | None, expected: tuple[object, ...]
) -> None:
    details = validate_contact(phone, email, region)
    assert (details.phone, details.email, details.region) == expected


@pytest.mark.parametrize(
    ("phone", "email", "region"),
    [
        (None, None, "Leeds"),
        ("", " ", None),
        ("12345", None, None),
        ("1234567890123456", None, None),
        ("07700 9OO123", None, None),
        ("++447700900123", None, None),
        (None, "sam@example", None),
        (None, "sam@@example.org", None),
        (None, "sam example@x.org", None),
        (None, "a@" + "b" * 250 + ".org", None),
        ("07700900123", None, "x" * 81),
        ("07700900123", None, "Leeds\nextra"),
    ],
)
def test_invalid_contacts_are_refused(
    phone: str | None, email: str | None, region: str | None
) -> None:
    with pytest.raises(DomainError) as caught:
        validate_contact(phone, email, region)
    assert caught.value.code == "invalid_contact"


def test_region_of_exactly_80_characters_is_accepted() -> None:
    assert validate_contact(None, "a@b.co", "x" * 80).region == "x" * 80


@pytest.mark.parametrize(
    ("text", "pseudonym", "expected"),
    [
        ("Sam left after distress", "Sam", "Erased member left after distress"),
        ("Sample text by Sam.", "Sam", "Sample text by Erased member."),
        ("moved (Jo.B) to breakout", "Jo.B", "moved (Erased member) to breakout"),
        ("nothing here", "", "nothing here"),
    ],
)
def test_scrub_pseudonym_whole_words_only(text: str, pseudonym: str, expected: str) -> None:
    assert scrub_pseudonym(text, pseudonym) == expected
