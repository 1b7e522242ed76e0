"""The cheap prefilters in front of the amount grammar and the joined view."""

import pytest

from rules.amount import build_grammar
from rules.lexicon import default_lexicon
from rules.matcher import DIGITISH, default_matcher

GRAMMAR = build_grammar(default_lexicon().amount)


@pytest.mark.parametrize(
    ("text", "kinds"),
    [
        ("lost £5 today", [("sign", "£")]),
        ("50€ gone", [("sign", "€")]),
        ("20 quid and 3k", [("unit", "0 quid"), ("unit", "3k")]),
        ("backed at 5/2 then 10 to 1", [("odds", "5/"), ("odds", "0 to ")]),
        ("day 12 at 3pm", []),
        ("no digits at all", []),
    ],
)
def test_numeric_hint_finds_each_kind_at_its_last_digit_or_sign(
    text: str, kinds: list[tuple[str, str]]
) -> None:
    found = [(m.lastgroup, m.group()) for m in GRAMMAR.numeric_hint.finditer(text)]
    assert found == kinds


@pytest.mark.parametrize(
    ("text", "amount"),
    [("i'm 45 and lost £300", "£300"), ("day 12, put 20 quid in", "20 quid")],
)
def test_amount_after_an_earlier_digit_is_still_found(text: str, amount: str) -> None:
    hits = default_matcher().scan(text)
    assert [h.text for h in hits if h.category == "amount"] == [amount]


def test_digitish_covers_signs_and_symbol_leet() -> None:
    assert [bool(DIGITISH.search(t)) for t in ("a1", "£", "€", "$", "@", "abc")] == [
        True,
        True,
        True,
        True,
        True,
        False,
    ]
