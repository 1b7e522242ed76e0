"""The trigger policy: which message goes where, for each policy and sender, and the offsets a
browser needs."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from facilitator.errors import DomainError
from facilitator.trigger_policy import (
    DEFAULT_POLICY,
    PASS_THROUGH,
    Delivery,
    Policy,
    approved_delivery,
    categories_of,
    count_hits,
    decide,
    parse_policy,
    policy_of,
    spans_of,
    utf16_index,
)


@dataclass(frozen=True)
class FakeHit:
    category: str
    start: int
    end: int
    text: str
    rule: str


@pytest.mark.parametrize(
    ("policy", "facilitator", "delivery", "remind", "alert"),
    [
        (Policy.MASK, False, Delivery.MASKED, True, True),
        (Policy.MASK, True, Delivery.MASKED, True, True),
        (Policy.HOLD, False, Delivery.HELD, True, True),
        (Policy.HOLD, True, Delivery.MASKED, True, True),  # never held
        (Policy.ALERT, False, Delivery.AS_WRITTEN, False, True),
        (Policy.ALERT, True, Delivery.AS_WRITTEN, False, True),
    ],
)
def test_a_flagged_message_follows_the_group_policy(
    policy: Policy, facilitator: bool, delivery: Delivery, remind: bool, alert: bool
) -> None:
    decision = decide(policy, flagged=True, sender_is_facilitator=facilitator)
    assert decision.delivery is delivery
    assert decision.remind_sender is remind
    assert decision.alert_staff is alert
    assert decision.hold is (delivery is Delivery.HELD)


@pytest.mark.parametrize("policy", list(Policy))
@pytest.mark.parametrize("facilitator", [False, True])
def test_an_unflagged_message_passes_through_untouched(policy: Policy, facilitator: bool) -> None:
    assert decide(policy, flagged=False, sender_is_facilitator=facilitator) == PASS_THROUGH


def test_a_facilitators_message_is_never_held_under_any_policy() -> None:
    for policy in Policy:
        assert not decide(policy, flagged=True, sender_is_facilitator=True).hold


@pytest.mark.parametrize(
    ("settings", "expected"),
    [
        (None, Policy.MASK),
        ({}, Policy.MASK),
        ({"trigger_policy": "hold"}, Policy.HOLD),
        ({"trigger_policy": "alert"}, Policy.ALERT),
        ({"trigger_policy": "nonsense"}, Policy.MASK),
        ({"trigger_policy": 3}, Policy.MASK),
    ],
)
def test_a_missing_or_damaged_setting_means_mask(
    settings: dict[str, object] | None, expected: Policy
) -> None:
    assert policy_of(settings) is expected
    assert DEFAULT_POLICY is Policy.MASK


def test_parse_policy_refuses_unknown_values() -> None:
    assert parse_policy("hold") is Policy.HOLD
    with pytest.raises(DomainError) as caught:
        parse_policy("delete")
    assert caught.value.code == "bad_policy"


def test_approval_delivers_as_the_facilitator_chose() -> None:
    assert approved_delivery(as_masked=True) is Delivery.MASKED
    assert approved_delivery(as_masked=False) is Delivery.AS_WRITTEN


@pytest.mark.parametrize(
    ("text", "index", "expected"),
    [
        ("abc", 2, 2),
        ("😀abc", 1, 2),  # one emoji is two UTF-16 units
        ("😀😀 bet365", 3, 5),
        ("é£500", 2, 2),  # BMP characters count once
        ("𝐛𝐞𝐭365", 3, 6),  # mathematical letters are astral
    ],
)
def test_utf16_offsets_count_astral_characters_twice(text: str, index: int, expected: int) -> None:
    assert utf16_index(text, index) == expected
    # the same prefix, measured the way a browser does
    assert len(text[:index].encode("utf-16-le")) // 2 == expected


def test_spans_carry_both_offsets_and_categories_come_in_a_fixed_order() -> None:
    text = "😀 lost £500 on bet365"
    hits = [
        FakeHit("amount", 7, 11, "£500", "currency sign and number"),
        FakeHit("brand", 15, 21, "bet365", "bet365"),
    ]
    spans = spans_of(text, hits)
    assert [(s.start, s.end, s.start_utf16, s.end_utf16) for s in spans] == [
        (7, 11, 8, 12),
        (15, 21, 16, 22),
    ]
    assert spans[1].to_dict()["rule"] == "bet365"
    assert categories_of(spans) == ("amount", "brand")
    assert categories_of(spans[1:]) == ("brand",)


def test_hit_counts_add_per_category_and_count_flagged_messages() -> None:
    spans = spans_of(
        "£5 and £6 at coral",
        [
            FakeHit("amount", 0, 2, "£5", "r"),
            FakeHit("amount", 7, 9, "£6", "r"),
            FakeHit("brand", 13, 18, "coral", "coral"),
        ],
    )
    first = count_hits(None, spans)
    assert first == {"amount": 2, "brand": 1, "venue": 0, "messages": 1}
    second = count_hits(first, spans[:1])
    assert second == {"amount": 3, "brand": 1, "venue": 0, "messages": 2}
    assert count_hits(second, ()) == second
