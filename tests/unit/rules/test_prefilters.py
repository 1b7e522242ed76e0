"""The cheap prefilters in front of the amount grammar and the joined view."""

import dataclasses
import random
import re
from typing import Any
from unittest.mock import patch

import pytest
import regex

from rules.amount import alternation, build_grammar, build_guards, quick_pattern
from rules.lexicon import AMOUNT_ENTRY_FIELDS, AMOUNT_WORD_FIELDS, Entry, default_lexicon
from rules.matcher import DIGITISH, Matcher, default_matcher, find_numeric, match_worded
from rules.normalise import (
    INVISIBLE,
    QUICK_OUTSIDE_UTF8,
    SPACED_RUN,
    SPACED_SEPARATORS,
    fold_char,
    fold_text_leet,
    normalise,
    quick_base,
    quick_views,
)

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


QUICK_SAMPLES = [
    "no digits at all",
    "Lost £5 at Coral 🙏",
    "b e t 3 6 5 app ❤️",
    "B.E.T.F.A.I.R",
    "p-a-d-d-y p0wer",
    "x a_b_c",
    "wordle 5/6 today",
    "scored 2-1 at football",
    "at 5/2 and",
    "1 2 3",
    "x 1.2.3 y",
    "£1 2 3$",
    "a b c",
    "i a m",
    "c@$ino €20 💪",
    "day 12 at 3pm ☕ done",
    "BET365!",
    "",
]


@pytest.mark.parametrize("text", QUICK_SAMPLES)
def test_quick_views_agree_with_the_full_views(text: str) -> None:
    quick = quick_views(text)
    assert quick is not None
    raw, folded, digitish, spaced = quick
    base = normalise(text)
    assert base.starts == ()
    assert quick_base(raw) == base.text == text.lower()
    assert folded == fold_text_leet(base.text)
    assert digitish == (DIGITISH.search(base.text) is not None)
    assert spaced == (SPACED_RUN.search(base.text) is not None)  # exact: join_spaced joins


@pytest.mark.parametrize(
    "text",
    ["Ｂｅｔ", "Lаdbrokes", "sky\u200bbet", "Café", "❶ ❷ ❸", "x·y·z", "£5 \ud83d bet", "\udfff🙏"],
)
def test_quick_views_leave_text_that_needs_folding_or_has_letters_beyond_ascii(text: str) -> None:
    assert quick_views(text) is None


def test_a_lone_surrogate_takes_the_full_path_and_still_flags() -> None:
    text = "lost £5 at \ud83d bet365"
    assert quick_views(text) is None
    assert [h.text for h in default_matcher().scan(text)] == ["£5", "bet365"]


def test_quick_byte_check_matches_the_character_class_for_every_code_point() -> None:
    quick_free = re.compile(r"[^\x00-\x7f£€\u2600-\u2775\u2794-\u27bf\ufe0f\U0001f300-\U0001faff]")
    for code in range(0x80, 0x110000):
        ch = chr(code)
        found = QUICK_OUTSIDE_UTF8.search(ch.encode("utf-8", "surrogatepass")) is not None
        assert found == (quick_free.search(ch) is not None), hex(code)


def test_quick_characters_are_neither_letters_nor_changed_by_folding() -> None:
    for code in range(0x80, 0x20000):
        ch = chr(code)
        if QUICK_OUTSIDE_UTF8.search(ch.encode("utf-8", "surrogatepass")) is None:
            assert not re.match(r"\w", ch) and ch not in SPACED_SEPARATORS, hex(code)
            assert fold_char(ch) == ch and ch not in INVISIBLE, hex(code)


@pytest.mark.parametrize("seed", range(20))
def test_quick_prefilters_never_miss_on_random_text(seed: int) -> None:
    rng = random.Random(seed)
    alphabet = "abcXYZ0123456789 .-_*/+~@$!|£€?'🙏❤\ufe0f☕"
    for _ in range(300):
        text = "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 20)))
        quick = quick_views(text)
        assert quick is not None
        raw, folded, digitish, spaced = quick
        assert quick_base(raw) == normalise(text).text
        assert folded == fold_text_leet(normalise(text).text)
        assert digitish == (DIGITISH.search(text.lower()) is not None)
        assert spaced == (SPACED_RUN.search(text.lower()) is not None)


def test_scan_is_the_same_on_the_quick_and_the_full_path() -> None:
    matcher = default_matcher()
    for text in QUICK_SAMPLES + ["lost 20 quid on the dogs", "w i l l i a m  h i l l 🙏"]:
        quick = matcher.scan(text)
        with patch("rules.matcher.quick_views", lambda _text: None):
            assert matcher.scan(text) == quick


def test_the_reported_rule_does_not_depend_on_hash_order() -> None:
    """Two rules giving the same span: the same one is named in every interpreter."""
    import subprocess
    import sys
    from pathlib import Path

    code = (
        "from rules.matcher import default_matcher;"
        "print([(h.category, h.start, h.end, h.rule) for h in"
        " default_matcher().scan('I owed 2 grand and lost a monkey at evens')])"
    )
    outputs = {
        subprocess.run(
            [sys.executable, "-c", code],
            env={"PYTHONHASHSEED": str(seed), "PATH": ""},
            capture_output=True,
            text=True,
            check=True,
            cwd=str(Path(__file__).resolve().parents[3]),
        ).stdout
        for seed in range(6)
    }
    assert len(outputs) == 1


@pytest.mark.parametrize(
    ("text", "kept"),
    [
        ("wordle 3/6 today", []),
        ("scored 2-1 and 3/1", []),
        ("3/6 quid", ["3/6"]),  # the odds match still takes up the 6 a later hint would see
        ("scored 2-1 then 5k", ["2-1", "5k"]),
    ],
)
def test_odds_hints_are_skipped_only_when_no_other_hint_follows(text: str, kept: list[str]) -> None:
    every = [m.group() for m in find_numeric(GRAMMAR, text, 0)]
    skipped = [m.group() for m in find_numeric(GRAMMAR, text, 0, odds_dropped=True)]
    assert skipped == (kept and every)


def test_rating_words_drop_odds_but_not_other_amounts() -> None:
    scan = default_matcher().scan
    assert scan("wordle 3/6 today") == []
    assert [h.text for h in scan("wordle 3/6 and lost 20 quid")] == ["20 quid"]


@pytest.mark.parametrize(
    "text", ["day 12 today", "meeting at 3pm on thursday", "since 2019", "I'm 45 and 🙏", "ok 5 6"]
)
def test_digits_without_a_numeric_hint_or_listed_word_skip_the_amount_grammar(text: str) -> None:
    def fail(*_args: object) -> None:
        raise AssertionError("amount grammar ran")

    with patch.object(Matcher, "_scan_amounts", fail):
        assert default_matcher().scan(text) == []
        with patch("rules.matcher.quick_views", lambda _text: None):
            assert default_matcher().scan(text) == []


@pytest.mark.parametrize("pos", [0, 3, 5])
def test_find_numeric_walks_every_hint_from_the_first(pos: int) -> None:
    text = "lost £5, 20 quid, 3k and 3/1 then 10 to 1 and 2-1 fav"
    every = [m.group() for m in find_numeric(GRAMMAR, text, pos)]
    assert every == ["£5", "20 quid", "3k", "3/1", "10 to 1", "2-1"]


@pytest.mark.parametrize("seed", range(5))
def test_next_hint_searched_from_the_end_of_the_matches_finds_the_same_amounts(seed: int) -> None:
    assert GRAMMAR.hints_in_amounts_idle  # no unit or multiplier word holds a digit or sign
    from_each_hint = dataclasses.replace(GRAMMAR, hints_in_amounts_idle=False)
    rng = random.Random(seed)
    words = ["5", "12", "300", "1,000", "3 000", "2.5", "£", "€", "$", " ", "  ", "\t", "/", "-"]
    words += ["to ", "k", "quid", "pounds sterling", "grand", "pm", "mil", "on", "odds", ",", "."]
    for _ in range(2000):
        text = "".join(rng.choice(words) for _ in range(rng.randint(1, 12)))
        for quick in (False, True):
            ours = [(m.span(), m.lastgroup) for m in find_numeric(GRAMMAR, text, 0, False, quick)]
            theirs = find_numeric(from_each_hint, text, 0, False, quick)
            assert ours == [(m.span(), m.lastgroup) for m in theirs], text


def test_a_unit_word_with_a_digit_keeps_every_hint_searched() -> None:
    amount = default_lexicon().amount
    entries = {**amount.entries, "units": (*amount.entry_list("units"), Entry("kilo", ("k2",)))}
    assert not build_grammar(dataclasses.replace(amount, entries=entries)).hints_in_amounts_idle


def test_numeric_hint_lookahead_finds_what_the_plain_hint_finds() -> None:
    plain = re.compile(GRAMMAR.numeric_hint.pattern.replace("(?=\\s*[\\-/", "(?=(?s:.)|[", 1))
    assert plain.pattern != GRAMMAR.numeric_hint.pattern
    rng = random.Random(3)
    words = ["5", "12", "£", "€", "$", " ", "  ", "/", "-", "to ", "k", "quid", "pm", "mil", "\n"]
    words += ["and", "today", "t", "years", "p", "bn", "e"]
    for _ in range(3000):
        text = "".join(rng.choice(words) for _ in range(rng.randint(1, 10)))
        found = [(m.span(), m.lastgroup) for m in GRAMMAR.numeric_hint.finditer(text)]
        assert found == [(m.span(), m.lastgroup) for m in plain.finditer(text)], text


@pytest.mark.parametrize("engine", [re, regex])
def test_grouped_alternations_match_like_flat_ones_left_to_right(engine: Any) -> None:
    lex = default_lexicon().amount
    entries = [e for name in ("units", "multipliers", "slang") for e in lex.entry_list(name)]
    words = [p for e in entries for p in e.patterns()] + ["a", "ab", "a b", "abc", "b", "ba"]
    grouped, flat = alternation(words), alternation(words, grouped=False)
    assert grouped != flat
    pieces = [*words, " ", "  ", "x", "s", "1"]
    rng = random.Random(9)
    for suffix in ("", r"(?!\w)", r"\s+\d"):
        both = engine.compile(grouped + suffix), engine.compile(flat + suffix)
        for _ in range(300):
            text = "".join(rng.choice(pieces) for _ in range(rng.randint(1, 6)))
            for pos in range(len(text)):
                spans = [(m and m.span()) for m in (p.match(text, pos) for p in both)]
                assert spans[0] == spans[1], (text, pos, suffix)


@pytest.mark.parametrize("seed", range(5))
def test_quick_views_refuse_exactly_what_the_full_byte_search_refuses(seed: int) -> None:
    rng = random.Random(seed)
    alphabet = "ab 1£€🙏❤\ufe0f☕éаＢ\u200b❶➔ß\u00a0"
    for _ in range(500):
        text = "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 12)))
        refused = not text.isascii() and QUICK_OUTSIDE_UTF8.search(text.encode()) is not None
        assert (quick_views(text) is None) == refused, text


def test_automaton_in_frequency_order_matches_like_one_in_list_order() -> None:
    import ahocorasick

    built = default_matcher()._automaton
    plain = ahocorasick.Automaton()
    for key, value in sorted(built.items(), reverse=True):  # another insertion order
        plain.add_word(key, value)
    plain.make_automaton()
    rng = random.Random(9)
    alphabet = "etaoinsrhdcumwfgypbvkjxqz 2689'.£€🙏"
    texts = ["coral sent me a free bet", "i put 2o quid in at the arcade"]
    texts += ["".join(rng.choice(alphabet) for _ in range(rng.randint(0, 40))) for _ in range(500)]
    for text in texts:
        assert list(built.iter(text)) == list(plain.iter(text)), text


def test_quick_numeric_patterns_see_character_classes_as_regex_does() -> None:
    import regex

    from rules.amount import QUICK_SPACE, QUICK_WORD

    quick_chars = [chr(c) for c in range(0x80)] + [
        chr(c)
        for c in range(0x80, 0x20000)
        if QUICK_OUTSIDE_UTF8.search(chr(c).encode("utf-8", "surrogatepass")) is None
    ]
    for ch in quick_chars:
        for ours, theirs in ((QUICK_WORD, r"\w"), (r"\d", r"\d"), (QUICK_SPACE, r"\s")):
            assert bool(re.match(ours, ch)) == bool(regex.match(theirs, ch)), (hex(ord(ch)), theirs)


@pytest.mark.parametrize("seed", range(10))
def test_quick_numeric_patterns_match_like_the_regex_ones(seed: int) -> None:
    rng = random.Random(seed)
    words = ["£", "$", "€", "k", "grand", "quid", "p", "pounds sterling", "m", "bn", "to", "/"]
    words += ["-", ",", ".", " ", "  ", "\t", "\x1c", "\x1f", "🙏", "\ufe0f", "a", "1", "12", "0.5"]
    words += ["3,400", "1 000"]
    for _ in range(300):
        text = "".join(rng.choice(words) for _ in range(rng.randint(1, 14)))
        text += f" {rng.randint(0, 2000)}"
        for kind, pattern in GRAMMAR.numeric_by_hint.items():
            quick = GRAMMAR.quick_numeric_by_hint[kind]
            for pos in range(len(text)):
                slow_m, quick_m = pattern.match(text, pos), quick.match(text, pos)
                assert (slow_m and (slow_m.span(), slow_m.lastgroup)) == (
                    quick_m and (quick_m.span(), quick_m.lastgroup)
                ), (text, pos)
        assert [m.span() for m in find_numeric(GRAMMAR, text, 0)] == [
            m.span() for m in find_numeric(GRAMMAR, text, 0, quick=True)
        ], text


@pytest.mark.parametrize("seed", range(10))
def test_mirrored_worded_grammar_matches_like_the_right_to_left_one(seed: int) -> None:
    rng = random.Random(seed)
    amount = default_lexicon().amount
    vocabulary = [
        p for name in AMOUNT_ENTRY_FIELDS for e in amount.entry_list(name) for p in e.patterns()
    ]
    words = vocabulary + [
        "a",
        "an",
        "one",
        "few",
        "couple of",
        "several",
        "hundred",
        "hundreds",
        "of",
        "and",
        "-",
        "twenty",
        "three",
        "thousand",
        "cheeky",
        "1",
        "12",
        "3,400",
        "1 000",
        "0.5",
        "£",
        "x",
        ".",
        ",",
        "/",
        "🙏",
        "\ufe0f",
        "\x1c",
    ]
    numbers = ["one", "two", "twenty", "three", "hundred", "thousand", "fifty", "a", "an"]
    joins = [" and ", " ", "-", "  and  ", " - "]

    def phrase() -> str:
        """Number words joined as people write them, then a money word."""
        out = rng.choice(["", "a ", "an ", "a few ", "a couple of ", "several "])
        out += rng.choice(numbers)
        for _ in range(rng.randint(0, 3)):
            out += rng.choice(joins) + rng.choice(numbers)
        return out + rng.choice([" ", "  "]) + rng.choice(vocabulary)

    for _ in range(200):
        parts = [
            rng.choice(words) if rng.random() < 0.7 else phrase() for _ in range(rng.randint(1, 8))
        ]
        text = "".join(p + rng.choice([" ", "  ", "", "\t", " "]) for p in parts).rstrip()
        for end in range(1, len(text) + 1):
            for lo in {0, max(0, end - 80), rng.randint(0, end), max(0, end - 6)}:
                slow = GRAMMAR.worded.match(text, lo, end)
                expected = slow and (slow.lastgroup, slow.start(), slow.end())
                assert match_worded(GRAMMAR, text, lo, end, quick=True) == (expected or None), (
                    text,
                    lo,
                    end,
                )


@pytest.mark.parametrize("seed", range(10))
def test_quick_guards_decide_like_the_regex_ones(seed: int) -> None:
    amount = default_lexicon().amount
    slow, quick = build_guards(amount), build_guards(amount, quick=True)
    rng = random.Random(seed)
    words = [word for name in AMOUNT_WORD_FIELDS for word in amount.word_list(name)]
    words += ["x", "on", "the", "at", "5", "🙏", "\ufe0f", "\x1c", ".", ",", "/", "-", "£", "'"]
    fields = [
        f.name
        for f in dataclasses.fields(slow)
        if f.name.endswith(("_before", "_after", "_strong", "_k"))
    ]
    for _ in range(400):
        parts = [rng.choice(words) for _ in range(rng.randint(0, 6))]
        text = "".join(p + rng.choice([" ", "  ", "", "\t", ", ", "\x1c"]) for p in parts)
        for name in fields:
            ours, theirs = getattr(quick, name), getattr(slow, name)
            if "_before" in name:
                assert bool(ours.search(text)) == bool(theirs.search(text)), (name, text)
            else:
                assert bool(ours.match(text)) == bool(theirs.match(text)), (name, text)


def test_quick_pattern_refuses_class_escapes_it_cannot_rewrite() -> None:
    assert quick_pattern(r"[\w.]\s\W") == r"[\w\ufe0f.][^\S\x1c-\x1f][^\w\ufe0f]"
    assert quick_pattern(r"[]\w]") == r"[]\w\ufe0f]"
    for pattern in (r"[\s-]", r"[^\W]", r"[\S]", r"[\D]"):
        with pytest.raises(ValueError):
            quick_pattern(pattern)
