"""The amount grammar: sums of money and betting odds, built from the amount list's vocabulary.

One `regex` pattern with a named group per rule finds candidates in the base view; guards that
need the surrounding words (weights, runs, dates, ratings, slang that needs a betting context)
are checked on the candidate afterwards. Idioms are exceptions in amount.yaml, cancelled by the
matcher like every other exception.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Set
from dataclasses import dataclass
from typing import NamedTuple, Protocol

import regex

from rules.lexicon import AmountRules, Entry

NUMBER_WORDS = [
    "zero",
    "one",
    "two",
    "three",
    "four",
    "five",
    "six",
    "seven",
    "eight",
    "nine",
    "ten",
    "eleven",
    "twelve",
    "thirteen",
    "fourteen",
    "fifteen",
    "sixteen",
    "seventeen",
    "eighteen",
    "nineteen",
    "twenty",
    "thirty",
    "forty",
    "fifty",
    "sixty",
    "seventy",
    "eighty",
    "ninety",
    "hundred",
    "thousand",
    "million",
    "billion",
]

# Words that follow odds but also follow match scores ("won 3-1 on saturday").
WEAK_ODDS = frozenset({"on", "odds", "price", "double", "treble"})

NUMBERS = re.compile(r"\d+")

ODDS_RULES = frozenset({"odds_fraction", "odds_to", "odds_dash"})
# The rules keep_candidate may turn down; every other candidate is kept as the grammar found it.
GUARDED_RULES = frozenset({"slang_ctx", "digits_mult", "digits_unit", "words_unit", *ODDS_RULES})

RULE_NAMES = {
    "sign": "currency sign and number",
    "sign_after": "number and currency sign",
    "digits_unit": "number and money word",
    "digits_mult": "number and multiplier (k, grand)",
    "words_unit": "number words and money word",
    "plural_unit": "hundreds/thousands of money word",
    "slang": "money slang",
    "slang_qty": "quantity and money slang",
    "slang_ctx": "money slang in a betting context",
    "odds_fraction": "fractional odds",
    "odds_to": "odds as 'N to M'",
    "odds_dash": "odds as 'N-M' in a betting context",
    "odds_word": "odds word",
}


def alternation(words: Iterable[str], grouped: bool = True) -> str:
    """Build a longest-first regex alternation in which spaces match any run of whitespace.

    `grouped` gathers the words under their first character (`t(?:housand|en)`): both regex
    engines try alternatives one by one, so a character that starts no word is turned away
    once per first character instead of once per word. Only words that start alike can match
    at the same place, and their order is kept, so matched left to right the first word that
    fits is the same. Right to left (`(?r)`), words that end alike could change order: those
    patterns pass grouped=False."""
    unique = sorted({w.casefold() for w in words if w}, key=len, reverse=True)
    if not unique:
        return "(?!)"
    if not grouped:
        return "(?:" + "|".join(map(escape_words, unique)) + ")"
    rests: dict[str, list[str]] = {}
    for word in unique:
        rests.setdefault(word[0], []).append(word[1:])
    parts = [
        escape_words(first + tails[0])
        if len(tails) == 1
        else escape_words(first) + "(?:" + "|".join(map(escape_words, tails)) + ")"
        for first, tails in rests.items()
    ]
    return "(?:" + "|".join(parts) + ")"


def escape_words(text: str) -> str:
    """A literal for a regex, in which spaces match any run of whitespace."""
    escaped: str = regex.escape(text)
    return escaped.replace(r"\ ", r"\s+")


def patterns_of(entries: Iterable[Entry]) -> list[str]:
    """Flatten entries to their patterns."""
    return [p for e in entries for p in e.patterns()]


@dataclass(frozen=True)
class Grammar:
    """The amount grammar in two parts, so that most messages skip most of it.

    `numeric` alternatives all start at a digit or currency sign; `numeric_hint` is a cheap
    prefilter whose named group (sign, unit, odds) picks the part of `numeric` worth trying.
    `worded` alternatives all end in a money word (quid, grand, tenner, evens...): it is
    compiled to match right to left, and the matcher matches it backwards from each money word
    it found, never over the whole text."""

    numeric: regex.Pattern[str]
    worded: regex.Pattern[str]
    numeric_hint: re.Pattern[str]
    numeric_by_hint: Mapping[str, regex.Pattern[str]]
    # The same parts as stdlib `re` patterns (two to three times faster on a match), for text
    # whose characters are all ASCII or quick_views' symbols: there `re` and `regex` agree on
    # \d, on \s once \x1c-\x1f (whitespace to `re` only) are left out, on \w once U+FE0F (a
    # word character to `regex` only) is added.
    quick_numeric_by_hint: Mapping[str, re.Pattern[str]]
    # `worded` mirrored as a stdlib `re` pattern, matched forwards over the reversed text from a
    # money word (quick-path text only; see Direction and quick_worded_match): several times
    # cheaper than the `regex` module's right-to-left match.
    quick_worded: re.Pattern[str]
    # No multiplier or unit word holds a digit or currency sign (true of the shipped lists): then
    # a numeric hint that starts inside an amount already matched is idle (see find_numeric).
    hints_in_amounts_idle: bool


@dataclass(frozen=True)
class Direction:
    """Writes the pieces of the worded grammar as they read (for the `regex` module, which
    matches them right to left from a money word) or mirrored: every sequence and literal
    reversed and lookbehinds turned into lookaheads and back, so that stdlib `re`, matching
    forwards over the reversed text, finds the same amounts (quick-path text only)."""

    mirror: bool = False

    def seq(self, *items: str) -> str:
        """Items in reading order (mirrored: last first)."""
        return "".join(reversed(items) if self.mirror else items)

    def lit(self, word: str) -> str:
        """A literal word (no regex metacharacters)."""
        return word[::-1] if self.mirror else word

    def choice(self, *items: str) -> str:
        """Alternatives in this order."""
        return "(?:" + "|".join(items) + ")"

    def words(self, words: Iterable[str]) -> str:
        """A longest-first alternation of list words (spaces match any run of whitespace)."""
        # the regex module matches the unmirrored pieces right to left: no grouping there
        if self.mirror:
            return alternation(w[::-1] for w in words)
        return alternation(words, grouped=False)

    def not_before(self, chars: str) -> str:
        """No character of the class `chars` right before this point of the text."""
        return f"(?!{chars})" if self.mirror else f"(?<!{chars})"

    def not_after(self, chars: str) -> str:
        """No character of the class `chars` right after this point of the text."""
        return f"(?<!{chars})" if self.mirror else f"(?!{chars})"

    @property
    def space_or_dash(self) -> str:
        """One or more whitespace characters or hyphens (quick_pattern rewrites \\s only
        outside a character class, so the mirror spells it as an alternation)."""
        return r"(?:\s|-)+" if self.mirror else r"[\s-]+"


def opt(item: str) -> str:
    """An optional group."""
    return f"(?:{item})?"


def worded_pattern(rules: AmountRules, d: Direction) -> str:
    """The worded part of the grammar: every alternative ends in a money word."""
    units = d.words(patterns_of(rules.entry_list("units")))
    mults = d.words(patterns_of(rules.entry_list("multipliers")))
    slang = d.words(patterns_of(rules.entry_list("slang")))
    slang_qty = d.words(patterns_of(rules.entry_list("slang_needing_quantity")))
    slang_ctx = d.words(patterns_of(rules.entry_list("slang_needing_context")))
    odds_words = d.words(patterns_of(rules.entry_list("odds_words")))
    nw = d.words(NUMBER_WORDS)
    decimals = opt(d.seq(r"\.", r"\d+"))
    digits = d.choice(
        d.seq(r"\d{1,3}", "(?:" + d.seq("[, ]", r"\d{3}") + ")+", decimals),
        d.seq(r"\d+", decimals),
        d.seq(r"\d", "(?:" + d.seq(r"\ ", r"\d") + "){1,6}", d.not_after(r"\d")),
    )
    words = d.seq(
        opt(d.seq(d.choice(d.lit("a"), d.lit("an")), r"\s+")),
        nw,
        "(?:" + d.seq(d.choice(d.seq(r"\s+", d.lit("and"), r"\s+"), d.space_or_dash), nw) + ")*",
    )
    scale = d.choice(*map(d.lit, ("hundred", "thousand", "million")))
    couple = d.seq(d.lit("couple"), opt(d.seq(r"\s+", d.lit("of"))))
    few = d.choice(d.lit("few"), couple, d.lit("several"))
    vague = "(?:" + d.seq(opt(d.seq(d.lit("a"), r"\s+")), few, opt(d.seq(r"\s+", scale))) + ")"
    # Right-to-left matching takes the first alternative that fits, so the longer ones go first.
    qty = d.choice(vague, words, digits, d.lit("a"), d.lit("an"), d.lit("one"))
    lead = d.not_before(r"[\w£$€.,/]")
    tail = d.not_after(r"[\w£$€]")
    plural = d.choice(*map(d.lit, ("hundreds", "thousands", "millions")))
    adjectives = d.choice(*map(d.lit, ("cheeky", "quick", "sneaky", "crafty", "measly", "few")))
    alternatives = {
        "words_unit": d.seq(
            lead, d.choice(vague, words), r"\s+", opt(d.seq(mults, r"\s+")), d.choice(units, mults)
        ),
        "plural_unit": d.seq(lead, plural, r"\s+", opt(d.seq(d.lit("of"), r"\s+")), units),
        "slang": d.seq(lead, opt(d.seq(qty, r"\s+", opt(d.seq(adjectives, r"\s+")))), slang),
        "slang_qty": d.seq(lead, qty, r"\s+", slang_qty),
        "slang_ctx": d.seq(lead, qty, r"\s+", slang_ctx),
        "odds_word": d.seq(lead, odds_words),
    }
    return "|".join(f"(?P<{name}>{d.seq(body, tail)})" for name, body in alternatives.items())


def build_grammar(rules: AmountRules) -> Grammar:
    """Compile the amount grammar from the lexicon's amount vocabulary."""
    units = alternation(patterns_of(rules.entry_list("units")))
    mults = alternation(patterns_of(rules.entry_list("multipliers")))
    bare_mults = alternation(
        patterns_of(e for e in rules.entry_list("multipliers") if e.term in ("k", "grand"))
    )
    digits = r"(?:\d{1,3}(?:[, ]\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?|\d(?:\ \d){1,6}(?!\d))"
    lead = r"(?<![\w£$€.,/])"
    tail = r"(?![\w£$€])"
    numeric_parts = {
        "sign": [
            rf"(?P<sign>[£$€]\s?{digits}(?:\s?{mults}{tail})?(?:\s?{units}{tail})?)",
            rf"(?P<sign_after>{lead}{digits}\s?[£$€])",
        ],
        "unit": [
            rf"(?P<digits_unit>{lead}{digits}\s?(?:{mults}\s?)?{units}{tail})",
            rf"(?P<digits_mult>{lead}{digits}\s?{bare_mults}{tail})",
        ],
        "odds": [
            r"(?P<odds_fraction>(?<![\w/.,:])\d{1,3}/\d{1,3}(?![\w/]|[.,]\d))",
            r"(?P<odds_to>(?<![\w/.,:])\d{1,3}\s+to\s+\d{1,3}(?![\w/:.]))",
            r"(?P<odds_dash>(?<![\w/.,:-])\d{1,3}-\d{1,3}(?![\w/:-]))",
        ],
    }
    numeric = "|".join(p for parts in numeric_parts.values() for p in parts)
    worded = worded_pattern(rules, Direction())
    # Every numeric amount has a currency sign, or a digit right before a money word or
    # multiplier, or two numbers joined by "/", "-" or "to": most digits in chat have none.
    # (stdlib re, and this runs on every message with a digit)
    # One character class first, not an alternation: only then does `re` skip straight to the
    # next digit or sign instead of trying every position (measured: about 1.5 us a message).
    # After a digit, one lookahead on the characters a unit, multiplier or odds separator can
    # start with, after any whitespace, turns most digits away ("45 and", "12 today") before
    # the alternatives are tried: the same hints, as both alternatives imply the lookahead,
    # found with far fewer steps.
    money = [*patterns_of(rules.entry_list("multipliers")), *patterns_of(rules.entry_list("units"))]
    starts = "".join(sorted({w.casefold()[0] for w in money if w} | {"/", "-", "t"}))
    numeric_hint = (
        rf"[0-9£$€](?:(?<=[£$€])(?P<sign>)|(?<=[0-9])(?=\s*[{re.escape(starts)}])"
        rf"(?:(?P<unit>\s?(?:{mults}|{units})(?!\w))"
        rf"|(?P<odds>\s*(?:/|-|to\s)\s*(?=[0-9]))))"
    )
    return Grammar(
        regex.compile(rf"(?=[\d£$€])(?:{numeric})"),
        regex.compile(rf"(?r)(?:{worded})"),
        re.compile(numeric_hint),
        {kind: regex.compile("|".join(parts)) for kind, parts in numeric_parts.items()},
        {kind: re.compile(quick_pattern("|".join(parts))) for kind, parts in numeric_parts.items()},
        re.compile(quick_pattern(worded_pattern(rules, Direction(mirror=True)))),
        not any(c.isdigit() or c in "£$€" for word in money for c in word),
    )


QUICK_SPACE = r"[^\S\x1c-\x1f]"  # `regex`'s \s on ASCII and quick_views' symbols
QUICK_WORD = r"[\w\ufe0f]"  # `regex`'s \w there: the variation selector is a mark to it
QUICK_NOT_WORD = r"[^\w\ufe0f]"  # and its \W


def quick_pattern(pattern: str) -> str:
    r"""Turn a `regex` pattern of the amount grammar into a stdlib `re` one that matches alike on
    quick-path text: \s loses \x1c-\x1f, \w gains U+FE0F and \W loses it. Raises ValueError for
    a class escape it cannot rewrite (\s, \W or a negated class escape inside a character
    class)."""
    out: list[str] = []
    in_class = False
    index = 0
    while index < len(pattern):
        ch = pattern[index]
        if ch == "\\":
            escape = pattern[index : index + 2]
            index += 2
            if escape == r"\w":
                out.append(r"\w\ufe0f" if in_class else QUICK_WORD)
            elif escape in (r"\s", r"\W") and not in_class:
                out.append(QUICK_SPACE if escape == r"\s" else QUICK_NOT_WORD)
            elif escape in (r"\s", r"\W", r"\S", r"\D"):
                raise ValueError(f"{escape} where quick_pattern cannot rewrite it")
            else:
                out.append(escape)
            continue
        if ch == "[" and not in_class:
            in_class = True
            # a `]` first in a class (after an optional `^`) is a literal
            if pattern[index + 1 : index + 2] == "^":
                out.append("[^")
                index += 2
                ch = "["
            else:
                out.append("[")
                index += 1
            if pattern[index : index + 1] == "]":
                out.append("]")
                index += 1
            continue
        if ch == "]" and in_class:
            in_class = False
        out.append(ch)
        index += 1
    return "".join(out)


class GuardBefore(Protocol):
    """A guard on the text before a candidate: it matches at that text's end."""

    def search(self, text: str, /) -> object:
        """Something true when the guard holds."""


class GuardAfter(Protocol):
    """A guard on the text after a candidate: it matches at that text's start."""

    def match(self, text: str, /) -> object:
        """Something true when the guard holds."""


class Mirrored(NamedTuple):
    """A guard anchored at the end of the text before a candidate, as its mirror image matched
    with stdlib `re` from the start of the reversed text (quick-path text only)."""

    pattern: re.Pattern[str]

    def search(self, text: str, /) -> re.Match[str] | None:
        """The mirror image matched at the start of the reversed text."""
        return self.pattern.match(text[::-1])


@dataclass(frozen=True)
class AmountGuards:
    """Context checks applied to grammar candidates, each compiled once: with the `regex`
    module (any text), or as stdlib `re` patterns that match alike on quick-path text."""

    money_before: GuardBefore
    money_before_wide: GuardBefore
    money_after: GuardAfter
    odds_before: GuardBefore
    odds_after: GuardAfter
    odds_after_strong: GuardAfter
    not_money_before_k: GuardBefore
    not_money_after_k: GuardAfter
    date_before: GuardBefore
    time_before: GuardBefore
    ladder: frozenset[str]
    pounds_words: frozenset[str]


def build_guards(rules: AmountRules, quick: bool = False) -> AmountGuards:
    """Compile the context guards from the amount vocabulary; with `quick`, as stdlib `re`
    patterns for quick-path text (the guards before a candidate mirrored, see Direction)."""
    w = rules.word_list
    pounds = next((e for e in rules.entry_list("units") if e.term == "pounds"), Entry("pounds"))
    d = Direction(mirror=quick)

    def before(words: str, gap: str = "") -> GuardBefore:
        """Listed words, then non-word characters (and up to `gap` words), ending the text."""
        body = d.seq(d.not_before(r"\w"), d.words(w(words)), r"\W+", gap)
        if quick:
            return Mirrored(re.compile(quick_pattern(body)))
        # anchored at the end: right to left, that is one attempt instead of one per position
        backwards: GuardBefore = regex.compile(rf"(?r){body}$")
        return backwards

    def after(pattern: str) -> GuardAfter:
        return re.compile(quick_pattern(pattern)) if quick else regex.compile(pattern)

    odds_after = w("odds_context_after")
    return AmountGuards(
        money_before=before("money_context_before", opt(d.seq(r"\w+", r"\W+"))),
        money_before_wide=before("money_context_before", "(?:" + d.seq(r"\w+", r"\W+") + "){0,2}"),
        money_after=after(rf"^\W+{alternation(w('money_context_after'))}(?!\w)"),
        odds_before=before("odds_context_before"),
        odds_after=after(rf"^\W*{alternation(odds_after)}(?!\w)"),
        odds_after_strong=after(
            rf"^\W*{alternation(x for x in odds_after if x not in WEAK_ODDS)}(?!\w)"
        ),
        not_money_before_k=before("not_money_before_k"),
        not_money_after_k=after(rf"^(?:\W*|/){alternation(w('not_money_after_k'))}"),
        date_before=before("date_words_before"),
        time_before=before("time_words_before"),
        ladder=frozenset(w("odds_ladder")),
        pounds_words=frozenset(p.casefold() for p in pounds.patterns()),
    )


def keep_candidate(
    rule: str, text: str, start: int, end: int, g: AmountGuards, flags: Set[str]
) -> bool:
    """Apply the not-money guards to one grammar candidate, `text[start:end]` in the base view
    `text`. `flags` says which guard word lists ("weight", "rating", "odds") occur anywhere in
    the message. Only rules in GUARDED_RULES have a guard (others are always kept).

    - slang that doubles as an ordinary word (pony, score, ton...) needs a betting context
    - k after a run/walk verb or before run/steps/tv words is a distance or a resolution
    - pounds with weight words in the message are body weight
    - odds need a ladder price or an odds context, and never follow a date word or a rating

    The context around the candidate is sliced only for the rules that read it."""
    if rule == "digits_unit" or rule == "words_unit":
        # without a weight word in the message there is nothing to check
        return "weight" not in flags or not g.pounds_words & set(text[start:end].split())
    if rule in ODDS_RULES and "rating" in flags:
        return False
    before = text[start - 40 if start > 40 else 0 : start]
    after = text[end : end + 30]
    if rule == "slang_ctx":
        return bool(g.money_after.match(after) or g.money_before.search(before))
    if rule == "digits_mult":
        return not (g.not_money_after_k.match(after) or g.not_money_before_k.search(before))
    if rule in ODDS_RULES:
        return keep_odds(rule, text[start:end], before, after, g, flags)
    return True


def keep_odds(
    rule: str, span: str, before: str, after: str, g: AmountGuards, flags: Set[str]
) -> bool:
    """Odds rule: a ladder price or a betting context, never a date, rating or puzzle score."""
    if not accept_odds(rule, span, before, after, g, flags):
        return False
    return not g.date_before.search(before)  # "on 5/2" is a date, whatever the price


def accept_odds(
    rule: str, span: str, before: str, after: str, g: AmountGuards, flags: Set[str]
) -> bool:
    """The positive half of the odds rule; the cheapest checks run first."""
    if rule == "odds_dash":
        # "won 3-1 on saturday" is a score: a dash needs a price word, not just "on"
        return bool(g.odds_after_strong.match(after) or g.odds_before.search(before))
    numbers = NUMBERS.findall(span)
    price = f"{int(numbers[0])}/{int(numbers[1])}"
    if rule == "odds_to":
        # "met at 10 to 1" is a time: without a betting word nearby, a preposition rules it out
        if "odds" in flags or g.odds_after_strong.match(after):
            return True
        if g.money_before_wide.search(before):
            return True
        plain = price in g.ladder and price.endswith("/1") and price != "1/1"
        return plain and not g.time_before.search(before)
    return price in g.ladder or bool(g.odds_after.match(after) or g.odds_before.search(before))
