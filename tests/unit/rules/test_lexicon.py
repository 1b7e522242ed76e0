"""Word lists: validation, wildcards, exceptions, group overrides and YAML round trips."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from rules.lexicon import (
    Entry,
    Lexicon,
    LexiconError,
    apply_group_overrides,
    default_lexicon,
    dump_yaml,
    lexicon_from_dict,
    lexicon_to_dict,
    load_lexicon,
    load_yaml,
)
from rules.matcher import compile_matcher, mask


def lexicon(brand: list[Any], exceptions: list[str] | None = None) -> Lexicon:
    return lexicon_from_dict({"brand": {"terms": brand, "exceptions": exceptions or []}})


def spans(lex: Lexicon, text: str) -> list[str]:
    return [h.text for h in compile_matcher(lex).scan(text)]


@pytest.mark.parametrize(
    ("pattern", "text", "expected"),
    [
        ("spin", "spin spinning respin", ["spin"]),
        ("spin*", "spin spinning respin", ["spin", "spinning"]),
        ("*spin", "spin spinning respin", ["spin", "respin"]),
        ("*spin*", "spin spinning respin", ["spin", "spinning", "respin"]),
        ("lucky bet", "a lucky bet and a luckybet", ["lucky bet"]),
    ],
)
def test_wildcards(pattern: str, text: str, expected: list[str]) -> None:
    assert spans(lexicon([pattern]), text) == expected


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        ({"brand": {"terms": [""]}}, "empty term"),
        ({"brand": {"terms": ["*"]}}, "empty term"),
        ({"brand": {"terms": ["x" * 101]}}, "over 100 characters"),
        ({"brand": {"terms": ["be*t"]}}, "does not compile"),
        ({"brand": {"terms": ["***"]}}, "empty term"),
        ({"brand": {"terms": ["!!"]}}, "does not compile"),
        ({"venue": {"terms": [{"term": "ok", "aliases": ["a**b"]}]}}, "does not compile"),
        ({"brand": {"terms": [f"t{i}" for i in range(5001)]}}, "more than 5000"),
        ({"pokies": {"terms": ["x"]}}, "unknown category"),
        ({"brand": {"terms": [{"aliases": ["x"]}]}}, "needs a 'term'"),
        ({"amount": {"slang": ["x"], "nonsense": []}}, "unknown amount field"),
    ],
)
def test_validation_names_category_term_and_reason(data: dict[str, Any], reason: str) -> None:
    with pytest.raises(LexiconError) as info:
        lexicon_from_dict(data)
    assert any(reason in p.reason for p in info.value.problems)
    assert all(p.category for p in info.value.problems)


def test_validation_reports_every_problem_at_once() -> None:
    with pytest.raises(LexiconError) as info:
        lexicon_from_dict({"brand": {"terms": ["", "a*b", "fine"]}, "venue": {"terms": ["*"]}})
    assert [(p.category, p.term) for p in info.value.problems] == [
        ("brand", ""),
        ("brand", "a*b"),
        ("venue", "*"),
    ]


def test_dict_round_trip_of_default_lexicon() -> None:
    lex = default_lexicon()
    assert lexicon_from_dict(lexicon_to_dict(lex)) == lex


@pytest.mark.parametrize("category", ["brand", "venue", "amount"])
def test_yaml_round_trip(category: str) -> None:
    lex = default_lexicon()
    text = dump_yaml(lex, category)
    assert load_yaml(text, category, base=lex) == lex
    assert dump_yaml(load_yaml(text, category), category) == text


def test_yaml_category_mismatch_is_rejected() -> None:
    with pytest.raises(LexiconError):
        load_yaml("category: venue\nterms: [casino]\n", "brand")


def test_load_lexicon_rejects_unknown_file(tmp_path: Path) -> None:
    (tmp_path / "brand.yaml").write_text("terms: [acme bet]\n", encoding="utf-8")
    (tmp_path / "sports.yaml").write_text("terms: [football]\n", encoding="utf-8")
    with pytest.raises(LexiconError) as info:
        load_lexicon(tmp_path)
    assert info.value.problems[0].category == "sports"


def test_load_lexicon_from_folder(tmp_path: Path) -> None:
    (tmp_path / "brand.yaml").write_text("terms: [acme bet]\nexceptions: [acme bet ltd]\n")
    lex = load_lexicon(tmp_path)
    assert spans(lex, "acme bet and acme bet ltd") == ["acme bet"]


def test_group_overrides_add_remove_and_except() -> None:
    base = lexicon(["acme bet", {"term": "zed casino", "aliases": ["zeds"]}])
    lex = apply_group_overrides(
        base,
        additions={"venue": ["the snooker hall"], "brand": [Entry("newbet", ("nb",))]},
        removals={"brand": ["ZEDS"]},
        exceptions={"brand": ["acme bet free"]},
    )
    text = "acme bet, acme bet free, zed casino, newbet, nb, the snooker hall"
    assert [(h.category, h.text) for h in compile_matcher(lex).scan(text)] == [
        ("brand", "acme bet"),
        ("brand", "newbet"),
        ("brand", "nb"),
        ("venue", "the snooker hall"),
    ]
    assert base.brand.entries[1].term == "zed casino"  # the base is untouched


def test_group_overrides_reject_unknown_category() -> None:
    with pytest.raises(LexiconError):
        apply_group_overrides(default_lexicon(), {"pokies": ["x"]}, {}, {})


def test_group_additions_are_validated() -> None:
    with pytest.raises(LexiconError):
        apply_group_overrides(default_lexicon(), {"brand": ["x*y"]}, {}, {})


def test_version_follows_content() -> None:
    a = compile_matcher(lexicon(["acme bet"]))
    b = compile_matcher(lexicon(["acme bet"]))
    c = compile_matcher(lexicon(["acme bets"]))
    assert a.version == b.version != c.version


def test_default_lists_are_big_enough() -> None:
    lex = default_lexicon()
    assert len(lex.brand.entries) >= 120
    assert len(lex.venue.entries) >= 60


def test_mask_keeps_length_and_hides_spans() -> None:
    matcher = compile_matcher(default_lexicon())
    text = "I lost £500 at Coral 😎"
    masked = mask(text, matcher.scan(text))
    assert masked == "I lost ▇▇▇▇ at ▇▇▇▇▇ 😎"
    assert len(masked) == len(text)
