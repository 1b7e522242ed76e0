"""Normalised views keep a map back to the original offsets."""

from __future__ import annotations

import pytest

from rules.normalise import fold_term, fold_text_leet, join_spaced, normalise


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Bet365", "bet365"),
        ("ＢＥＴ", "bet"),
        ("Lаdbrokes", "ladbrokes"),
        ("Café", "cafe"),
        ("Cafe\u0301", "cafe"),
        ("sky\u200bbet", "skybet"),
        ("bet\u00adfair", "betfair"),
        ("STRASSE", "strasse"),
        ("straße", "strasse"),
        ("\U0001d401\U0001d41e\U0001d42d", "bet"),
        ("it’s", "it's"),
    ],
)
def test_base_view(text: str, expected: str) -> None:
    assert normalise(text).text == expected


def test_offsets_map_back_through_removed_and_expanded_characters() -> None:
    text = "xß\u200bCafe\u0301!"
    view = normalise(text)
    assert view.text == "xsscafe!"
    start = view.text.index("cafe")
    assert view.to_original(start, start + 4) == (3, 8)  # accent kept with its e
    assert view.to_original(1, 3) == (1, 2)


def test_leet_view_keeps_length() -> None:
    assert fold_text_leet("p4ddy p0wer 1 5 7 3") == "paddy power i s t e"
    assert fold_text_leet("c@$ino", symbols=True) == "casino"


def test_terms_fold_like_text_so_digit_brands_survive() -> None:
    for term in ("bet365", "888poker", "32red"):
        assert fold_term(term) == fold_text_leet(normalise(term).text)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("b e t 3 6 5 app", "bet365 app"),
        ("B.E.T.F.A.I.R", "betfair"),
        ("p-a-d-d-y", "paddy"),
        ("w i l l i a m  h i l l", "william hill"),
        ("i a m", "iam"),
    ],
)
def test_joined_view(text: str, expected: str) -> None:
    joined = join_spaced(normalise(text))
    assert joined is not None
    assert joined.text == expected


def test_joined_view_maps_to_original_span() -> None:
    text = "x b.e.t y"
    joined = join_spaced(normalise(text))
    assert joined is not None
    start = joined.text.index("bet")
    assert joined.to_original(start, start + 3) == (2, 7)


@pytest.mark.parametrize("text", ["a b", "no runs here", "u.k."])
def test_no_joined_view_without_three_single_letters(text: str) -> None:
    assert join_spaced(normalise(text)) is None


def test_emoji_and_currency_signs_need_no_offset_map() -> None:
    text = "Lost £5 €6 → 🙏❤️"
    view = normalise(text)
    assert view.text == text.lower()
    assert view.starts == ()
