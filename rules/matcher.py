"""Compile a lexicon once into a Matcher; scan chat messages into hits on the original text.

Terms (brand, venue) and every exception phrase live in one Aho-Corasick automaton keyed by their
leet-folded form, scanned over the leet view and, when the message has spaced-out letters, over
the joined view. Amounts come from the regex grammar in rules.amount over the base view.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Sequence, Set
from dataclasses import dataclass
from functools import lru_cache
from typing import Literal, NamedTuple

import ahocorasick
import regex

from rules.amount import (
    GUARDED_RULES,
    RULE_NAMES,
    AmountGuards,
    Grammar,
    build_grammar,
    build_guards,
    keep_candidate,
)
from rules.lexicon import (
    AMOUNT_ENTRY_FIELDS,
    TERM_CATEGORIES,
    Lexicon,
    default_lexicon,
    lexicon_to_dict,
)
from rules.normalise import (
    SPACED_HINT,
    View,
    fold_term,
    fold_text_leet,
    join_spaced,
    normalise,
    quick_base,
    quick_views,
)

Category = Literal["amount", "brand", "venue"]
ENGINE_VERSION = "1"
MASK_CHAR = "\u2587"
PRIORITY = {"brand": 0, "venue": 1, "amount": 2}
# A digit or sign (amounts), @ or $ (symbol leetspeak): with spaced-out letters (SPACED_HINT),
# all that needs more than the main automaton pass. Two searches, not one alternation: `re`
# skips ahead by a leading character class only when the pattern is a single one.
DIGITISH = re.compile(r"[0-9£$€@]")
GUARD_FIELDS = {"weight": "weight_words", "rating": "rating_words", "odds": "odds_words_nearby"}
WORDED_REACH = 80  # how far before a money word a worded amount may start
NUMBER_REACH = 24  # how far before a numeric hint its number may start ("£3,400,000 quid")
NUMBER_CHARS = "0123456789,. "  # what a number may hold
HINT = "hint"  # money words that wake the worded amount grammar
GUARD_LISTS = ("weight", "rating", "odds")  # amount guard words that matter anywhere in a message
# Characters of the leet view (no l, no 0/1/3/4/5/7) from the most to the least common in chat.
LETTER_FREQUENCY = " etaoinsrhdcumwfgypbvkjxqz'.,!?-"
FREQUENCY_RANK = {c: i for i, c in enumerate(LETTER_FREQUENCY)}
# Keys that never match chat (U+FFFF is a noncharacter) and stand for nothing (no rules), added
# first so the root's first children are these common characters that start no key: without
# them each of these characters costs a failed linear search over every child of the root.
# (Same matches otherwise; should one ever match, collect_terms finds no rule in it.)
SENTINEL_KEYS = (" \uffff", ",\uffff", ".\uffff")
NO_FLAGS: frozenset[str] = frozenset()  # no guard word list occurs in the message


class Hit(NamedTuple):
    """One trigger: `start`/`end` are str indices into the original message, end exclusive.

    A NamedTuple rather than a frozen dataclass: immutable alike, and several times cheaper to
    build (a frozen dataclass sets each field through object.__setattr__)."""

    category: Category
    start: int
    end: int
    text: str
    rule: str


# tuple.__new__(Hit, fields) builds a Hit without the Python-level __new__ that NamedTuple
# generates (one interpreter frame per hit): measured 2% faster on messages with an amount. mypy
# does not check the field types through it, so each use lists the fields in Hit's order.
new_hit = tuple.__new__


@dataclass(frozen=True)
class TermRule:
    """What an automaton key stands for: a term or exception of a category, or an amount hint."""

    category: str
    rule: str
    word_start: bool
    word_end: bool
    exception: bool = False
    # `category` as a Hit's, worked out once here rather than for every hit (terms only)
    hit_category: Category = "amount"


# An exception's span in original offsets: (category, start, end). Hits and exceptions are built
# in original offsets as soon as they are found, hits as the Hit they will be returned as: an
# intermediate candidate converted at the end cost a NamedTuple and a call per hit.
ExceptionSpan = tuple[str, int, int]


def split_wildcards(pattern: str) -> tuple[str, bool, bool]:
    """Return the core text and whether its start and end must fall on word boundaries.

    `term` is whole-word, `term*` a prefix, `*term` a suffix, `*term*` anywhere."""
    text = pattern.strip()
    return text.strip("*"), not text.startswith("*"), not text.endswith("*")


def describe(term: str, pattern: str) -> str:
    """Name the rule shown in the admin's 'try a message' box."""
    return term if pattern == term else f"{term} (as {pattern})"


def build_automaton(lex: Lexicon) -> ahocorasick.Automaton:
    """Index every term, exception and amount hint word under its leet-folded key."""
    keyed: dict[str, list[TermRule]] = {}

    def add(pattern: str, rule: TermRule) -> None:
        core, word_start, word_end = split_wildcards(pattern)
        key = fold_term(core)
        if key:
            keyed.setdefault(key, []).append(
                TermRule(
                    rule.category,
                    rule.rule,
                    word_start,
                    word_end,
                    rule.exception,
                    hit_category(rule.category),
                )
            )

    for category in TERM_CATEGORIES:
        terms = lex.term_list(category)
        for entry in terms.entries:
            for pattern in entry.patterns():
                add(pattern, TermRule(category, describe(entry.term, pattern), True, True))
        for phrase in terms.exceptions:
            add(phrase, TermRule(category, phrase, True, True, exception=True))
    for phrase in lex.amount.exceptions:
        add(phrase, TermRule("amount", phrase, True, True, exception=True))
    for name in AMOUNT_ENTRY_FIELDS:
        for entry in lex.amount.entry_list(name):
            for pattern in entry.patterns():
                if len(pattern) > 1:
                    add(pattern, TermRule(HINT, pattern, True, True))
    for guard in GUARD_LISTS:
        for word in lex.amount.word_list(GUARD_FIELDS[guard]):
            add(word, TermRule(guard, word, True, True))
    automaton = ahocorasick.Automaton()
    for key in SENTINEL_KEYS:
        if key not in keyed:
            automaton.add_word(key, (len(key), ()))
    # pyahocorasick finds a node's child by a linear search in insertion order: keys added in
    # order of letter frequency put common letters first (at the root most of all). Same
    # automaton, same matches, fewer steps per character.
    for key in sorted(keyed, key=frequency_order):
        automaton.add_word(key, (len(key), tuple(keyed[key])))
    automaton.make_automaton()
    return automaton


def frequency_order(key: str) -> list[int]:
    """Sort key for automaton keys: each character by its rank in LETTER_FREQUENCY (others by
    code point, after those)."""
    return [FREQUENCY_RANK.get(c, 64 + ord(c)) for c in key]


def fingerprint(lex: Lexicon) -> str:
    """Hash the lexicon's content (and the engine version) into the matcher's version string."""
    blob = json.dumps([ENGINE_VERSION, lexicon_to_dict(lex)], sort_keys=True, ensure_ascii=False)
    return hashlib.sha256(blob.encode("utf-8")).hexdigest()[:16]


class Matcher:
    """A compiled lexicon. Immutable once built; safe to share between requests."""

    def __init__(self, lex: Lexicon) -> None:
        self.version: str = fingerprint(lex)
        self._automaton = build_automaton(lex)
        self._grammar = build_grammar(lex.amount)
        self._guards: AmountGuards = build_guards(lex.amount)
        self._quick_guards: AmountGuards = build_guards(lex.amount, quick=True)

    def scan(self, text: str) -> list[Hit]:
        """Return the triggers in a message, sorted by start, never overlapping.

        An exception cancels only the hits of its category that it overlaps; of overlapping hits
        the longest span wins (so `Gala Casino` is one brand, not a brand plus a venue)."""
        quick = quick_views(text)
        base: View | None = None  # None: the base view's offsets are the text's own
        if quick is None:
            base = normalise(text)
            btext = base.text
            folded = fold_text_leet(btext)
            raw = [*self._automaton.iter(folded)]
            spaced = SPACED_HINT.search(btext) is not None
            # every numeric hint and both symbols DIGITISH looks for start with a digitish char
            digitish = DIGITISH.search(btext) is not None
            hint = self._grammar.numeric_hint.search(btext) if digitish else None
        else:
            raw_bytes, folded, digitish, spaced = quick
            raw = [*self._automaton.iter(folded)]
            if not raw and not digitish and not spaced:
                return []  # the common case, decided without a regex search
            btext = quick_base(raw_bytes)
            hint = self._grammar.numeric_hint.search(btext) if digitish else None
        symbols = digitish and ("@" in btext or "$" in btext)  # both are digitish
        if not raw and hint is None and not symbols and not spaced:
            return []  # no listed word, no numeric hint, no symbol leet or spaced letters
        found: list[Hit] = []
        if not raw and not symbols and not spaced:
            # a numeric hint alone (most amounts): no terms, exceptions, money words or guard
            # words to collect, so none of their containers or passes
            self._scan_amounts(btext, base, text, hint, (), NO_FLAGS, found)
            return resolve_overlaps(found) if len(found) > 1 else found
        excepted: list[ExceptionSpan] = []
        money_words: list[tuple[int, int]] = []
        flags: set[str] = set()
        if raw:
            collect_terms(raw, folded, base, text, found, excepted, money_words, flags)
        if symbols:
            folded = fold_text_leet(btext, symbols=True)
            raw = [*self._automaton.iter(folded)]
            collect_terms(raw, folded, base, text, found, excepted, None, flags)
        joined = join_spaced(base or View(btext)) if spaced else None
        if joined is not None:
            folded = fold_text_leet(joined.text)
            raw = [*self._automaton.iter(folded)]
            collect_terms(raw, folded, joined, text, found, excepted, None, flags)
        if money_words or hint is not None:
            self._scan_amounts(btext, base, text, hint, money_words, flags, found)
        if excepted and found:  # (a comprehension costs ~150 ns even over nothing)
            found = [c for c in found if not any(overlaps_same(c, e) for e in excepted)]
        if len(found) > 1:
            found = resolve_overlaps(found)
        return found

    def _scan_amounts(
        self,
        text: str,
        base: View | None,
        original: str,
        hint: re.Match[str] | None,
        money_words: Sequence[tuple[int, int]],
        flags: Set[str],
        found: list[Hit],
    ) -> None:
        """Add to `found` the amounts that survive the not-money guards, as hits on the
        `original` message: numeric ones near each numeric hint from the first one, `hint`
        (None: none in the text), worded ones backwards from each money word, in the base view's
        `text`. `base` is None when the text passed quick_views (offsets are the original's, and
        the stdlib `re` patterns apply)."""
        quick = base is None
        guards = self._quick_guards if quick else self._guards
        # Each match straight to its guard and candidate, no intermediate list of spans; only
        # the rules with a guard pay for a keep_candidate call (a "sign" amount, the commonest,
        # has none).
        if hint is not None:
            # odds candidates never survive a rating word in the message (keep_candidate)
            odds_dropped = "rating" in flags
            for m in find_numeric(self._grammar, text, 0, odds_dropped, quick, hint):
                rule = m.lastgroup or "amount"
                start, end = m.span()
                if rule in GUARDED_RULES and not keep_candidate(
                    rule, text, start, end, guards, flags
                ):
                    continue
                if base is not None:
                    start, end = base.to_original(start, end)
                fields = ("amount", start, end, original[start:end], RULE_NAMES.get(rule, rule))
                found.append(new_hit(Hit, fields))
        for word_start, word_end in money_words:
            lo = word_start - WORDED_REACH if word_start > WORDED_REACH else 0
            worded = match_worded(self._grammar, text, lo, word_end, quick)
            if worded is None:
                continue
            rule, start, end = worded
            if rule in GUARDED_RULES and not keep_candidate(rule, text, start, end, guards, flags):
                continue
            if base is not None:
                start, end = base.to_original(start, end)
            fields = ("amount", start, end, original[start:end], RULE_NAMES.get(rule, rule))
            found.append(new_hit(Hit, fields))


def match_worded(
    grammar: Grammar, text: str, lo: int, end: int, quick: bool
) -> tuple[str, int, int] | None:
    """The worded amount ending at `end` (a money word's end) and starting at or after `lo`, as
    (rule, start, end). The `regex` module matches right to left, anchored at `end`: one
    attempt, not one per position. On quick-path text the mirrored stdlib `re` pattern matches
    forwards over the reversed window instead, with the character before `lo` kept for the
    lookbehind that became a lookahead; should the match run into that character (an amount
    phrase longer than the window), the `regex` module decides, so the result is always its."""
    if quick:
        peek = lo - 1 if lo > 0 else 0
        window = text[peek:end][::-1]
        m = grammar.quick_worded.match(window)
        if m is None:
            return None
        if m.end() <= end - lo:
            return m.lastgroup or "amount", end - m.end(), end
    found = grammar.worded.match(text, lo, end)
    return None if found is None else (found.lastgroup or "amount", found.start(), found.end())


def find_numeric(
    grammar: Grammar,
    text: str,
    pos: int = 0,
    odds_dropped: bool = False,
    quick: bool = False,
    first: re.Match[str] | None = None,
) -> list[regex.Match[str] | re.Match[str]]:
    """Run the numeric grammar only at each prefilter hit, not over the whole text: the part
    the hit's kind calls for, first anchored where its number begins, else searched from there
    up to the hit. With `odds_dropped` (the caller drops every odds candidate) and only odds
    hints, nothing can come of it: return at once. (With a later hint of another kind the odds
    matches still run, as what they take up decides where the later search starts.) With
    `quick` (the text passed quick_views), the stdlib `re` patterns run: they match alike there.
    `first`: the first hint from `pos` when the caller has already found it."""
    matches: list[regex.Match[str] | re.Match[str]] = []
    done = 0
    # repeated searches, not finditer: a finditer scanner costs several times one search
    search = grammar.numeric_hint.search
    hint = first or search(text, pos)
    if odds_dropped:
        later = hint
        while later is not None and later.lastgroup == "odds":
            later = search(text, later.end())
        if later is None:
            return matches  # only odds hints
    patterns = grammar.quick_numeric_by_hint if quick else grammar.numeric_by_hint
    while hint is not None:
        hint_start, hint_end = hint.span()
        if hint_end > done:
            start = hint_start if hint_start > done else done
            floor = start - NUMBER_REACH  # (not max(): a call costs more than the test)
            if floor < done:
                floor = done
            # back over the number before the hint, then forwards over the spaces before it:
            # that lands back on `start` unless a digit, comma or point comes right before it or
            # before one space before it, so look at those one or two characters first (most
            # hints, as in "lost £300" or "at 5/2", then skip the slice and strip)
            prev = start - 1
            if prev >= floor and text[prev] == " ":
                prev -= 1
            if prev >= floor and text[prev] in NUMBER_CHARS:
                start = floor + len(text[floor:start].rstrip(NUMBER_CHARS))
                while start < hint_start and text[start] == " ":
                    start += 1
            pattern = patterns[hint.lastgroup or "sign"]
            # the amount almost always starts where its number does: try that position first
            m = pattern.match(text, start)
            while True:
                m = m or pattern.search(text, start)
                if m is None or m.start() >= hint_end:
                    break  # nothing of this kind here; a later hint will find what lies beyond
                matches.append(m)
                done = start = m.end()
                if done >= hint_end:
                    break
                m = None
        # The next hint from the end of the matches when they reach past this hint: hints that
        # start inside a match end inside it too (and are skipped above), or a unit or odds hint
        # reaches past it only by its unit word or separator, where no other hint can start and
        # no pattern of its kind (each starts with a digit) can match; so they would change
        # nothing, and searching past them saves a failed hint attempt at every digit of the
        # amount (0.3-0.4 us on "£300", "5/2"). Only while no unit word holds a digit or sign.
        hint = search(text, done if done > hint_end and grammar.hints_in_amounts_idle else hint_end)
    return matches


def collect_terms(
    raw: list[tuple[int, tuple[int, tuple[TermRule, ...]]]],
    folded: str,
    view: View | None,
    text: str,
    found: list[Hit],
    excepted: list[ExceptionSpan],
    money_words: list[tuple[int, int]] | None,
    flags: set[str],
) -> None:
    """Turn automaton matches on one view into term hits and exception spans (in offsets of the
    original `text`), note where money words sit and which guard lists occur."""
    size = len(folded)
    for last, (length, rules) in raw:
        end = last + 1
        start = end - length
        open_start = start == 0 or not folded[start - 1].isalnum()
        open_end = end == size or not folded[end].isalnum()
        for rule in rules:
            # the open side first: most matches are open on both, and then no rule's wildcard
            # flags need reading
            if (not open_start and rule.word_start) or (not open_end and rule.word_end):
                continue
            category = rule.category
            if category == HINT:
                if money_words is not None:
                    money_words.append((start, end))
                continue
            if category in GUARD_LISTS:
                flags.add(category)
                continue
            if rule.word_start and rule.word_end:
                o_start, o_end = start, end  # whole word: nothing to widen (and no call)
            else:
                o_start, o_end = widen(folded, start, end, rule)
            if view is not None:
                o_start, o_end = view.to_original(o_start, o_end)
            if rule.exception:
                excepted.append((category, o_start, o_end))
            else:
                fields = (rule.hit_category, o_start, o_end, text[o_start:o_end], rule.rule)
                found.append(new_hit(Hit, fields))


def widen(folded: str, start: int, end: int, rule: TermRule) -> tuple[int, int]:
    """Stretch a wildcard hit to the whole word it sits in (`spin*` flags all of `spinning`)."""
    if not rule.word_end:
        while end < len(folded) and folded[end].isalnum():
            end += 1
    if not rule.word_start:
        while start > 0 and folded[start - 1].isalnum():
            start -= 1
    return start, end


def overlaps_same(hit: Hit, exception: ExceptionSpan) -> bool:
    """An exception cancels a hit of its own category that it overlaps by a character."""
    category, start, end = exception
    return hit.category == category and hit.start < end and start < hit.end


def resolve_overlaps(hits: list[Hit]) -> list[Hit]:
    """Keep the longest of overlapping spans (brand before venue before amount on ties; then the
    first rule by name, so the reported rule never depends on hash order)."""
    ordered = sorted(
        set(hits),
        key=lambda h: (h.start - h.end, PRIORITY.get(h.category, 9), h.start, h.rule),
    )
    kept: list[Hit] = []
    for hit in ordered:
        if all(hit.end <= k.start or k.end <= hit.start for k in kept):
            kept.append(hit)
    return sorted(kept, key=lambda h: h.start)


def hit_category(category: str) -> Category:
    """The category a Hit reports for a term list's (or its exceptions') category."""
    return "brand" if category == "brand" else ("venue" if category == "venue" else "amount")


def compile_matcher(lexicon: Lexicon) -> Matcher:
    """Compile a lexicon once; keep one matcher per lexicon version and swap it atomically."""
    return Matcher(lexicon)


@lru_cache(maxsize=1)
def default_matcher() -> Matcher:
    """Return the matcher for the shipped lists (compiled once per process)."""
    return compile_matcher(default_lexicon())


def mask(text: str, hits: list[Hit]) -> str:
    """Replace every hit span with as many '▇' as it has characters; the rest stays as typed."""
    chars = list(text)
    for hit in hits:
        for index in range(max(0, hit.start), min(len(chars), hit.end)):
            chars[index] = MASK_CHAR
    return "".join(chars)
