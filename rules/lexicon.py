"""Word lists for trigger language: loading, validation, per-group overrides, YAML round trips.

A lexicon holds one term list per term category (brand, venue) and the data the amount grammar
is built from (amount). Every value is a frozen dataclass, so a compiled matcher can be keyed by
the lexicon's content and swapped atomically when an admin saves.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

TERM_CATEGORIES: tuple[str, ...] = ("brand", "venue")
CATEGORIES: tuple[str, ...] = ("amount", *TERM_CATEGORIES)
MAX_TERM_CHARS = 100
MAX_TERMS_PER_CATEGORY = 5000
DEFAULT_LISTS_DIR = Path(__file__).resolve().parent / "lists"

# Amount fields holding entries (term + aliases) versus plain word/phrase lists.
AMOUNT_ENTRY_FIELDS: tuple[str, ...] = (
    "units",
    "multipliers",
    "slang",
    "slang_needing_quantity",
    "slang_needing_context",
    "odds_words",
)
AMOUNT_WORD_FIELDS: tuple[str, ...] = (
    "odds_ladder",
    "money_context_before",
    "money_context_after",
    "odds_context_before",
    "odds_context_after",
    "not_money_before_k",
    "not_money_after_k",
    "weight_words",
    "date_words_before",
    "time_words_before",
    "odds_words_nearby",
    "rating_words",
)


@dataclass(frozen=True)
class Entry:
    """One listed term with its aliases; `*` at either end of a pattern is a wildcard."""

    term: str
    aliases: tuple[str, ...] = ()
    note: str = ""

    def patterns(self) -> tuple[str, ...]:
        """Return the term followed by its aliases: every pattern that should raise a hit."""
        return (self.term, *self.aliases)


@dataclass(frozen=True)
class TermList:
    """Terms of one category plus exception phrases that cancel only the hits they overlap."""

    entries: tuple[Entry, ...] = ()
    exceptions: tuple[str, ...] = ()


@dataclass(frozen=True)
class AmountRules:
    """Vocabulary of the amount grammar: units, slang, odds and the guard words, as data."""

    entries: Mapping[str, tuple[Entry, ...]] = field(default_factory=dict)
    words: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    exceptions: tuple[str, ...] = ()

    def entry_list(self, name: str) -> tuple[Entry, ...]:
        """Return the entries of one amount field, empty when the field is absent."""
        return self.entries.get(name, ())

    def word_list(self, name: str) -> tuple[str, ...]:
        """Return the words of one amount field, empty when the field is absent."""
        return self.words.get(name, ())

    def __hash__(self) -> int:
        return hash((tuple(sorted(self.entries.items())), tuple(sorted(self.words.items()))))


@dataclass(frozen=True)
class Lexicon:
    """All word lists the matcher is compiled from."""

    brand: TermList = TermList()
    venue: TermList = TermList()
    amount: AmountRules = AmountRules()

    def term_list(self, category: str) -> TermList:
        """Return the term list of a term category (brand or venue)."""
        if category == "brand":
            return self.brand
        if category == "venue":
            return self.venue
        raise LexiconError([Problem(category, "", "unknown term category")])


@dataclass(frozen=True)
class Problem:
    """One validation failure: which category and term, and why."""

    category: str
    term: str
    reason: str

    def __str__(self) -> str:
        return f"{self.category}: {self.term!r}: {self.reason}"


class LexiconError(ValueError):
    """Raised with every problem found, so an admin can fix a list in one pass."""

    def __init__(self, problems: Sequence[Problem]) -> None:
        self.problems: tuple[Problem, ...] = tuple(problems)
        super().__init__("; ".join(str(p) for p in self.problems) or "invalid lexicon")


def check_pattern(category: str, pattern: str) -> list[Problem]:
    """Enforce the pattern rules: non-empty, at most 100 characters, `*` only at either end,
    and at least one letter or digit once the wildcards are stripped."""
    if not isinstance(pattern, str):
        return [Problem(category, repr(pattern), "term must be text")]
    text = pattern.strip()
    if not text or text.strip("*").strip() == "":
        return [Problem(category, pattern, "empty term")]
    if len(text) > MAX_TERM_CHARS:
        return [Problem(category, pattern[:40], f"term over {MAX_TERM_CHARS} characters")]
    core = text.removeprefix("*").removesuffix("*")
    if "*" in core:
        return [Problem(category, pattern, "pattern does not compile: '*' only at start or end")]
    if not any(ch.isalnum() for ch in core):
        return [Problem(category, pattern, "pattern does not compile: no letter or digit")]
    if core != core.strip():
        return [Problem(category, pattern, "pattern does not compile: space next to wildcard")]
    return []


def check_entries(category: str, entries: Iterable[Entry]) -> list[Problem]:
    """Validate every pattern of a category and enforce the 5,000-term limit."""
    problems: list[Problem] = []
    count = 0
    for entry in entries:
        for pattern in entry.patterns():
            count += 1
            problems.extend(check_pattern(category, pattern))
    if count > MAX_TERMS_PER_CATEGORY:
        problems.append(Problem(category, "", f"{count} terms, more than {MAX_TERMS_PER_CATEGORY}"))
    return problems


def check_lexicon(lex: Lexicon) -> list[Problem]:
    """Return every problem in a lexicon (empty when it is valid)."""
    problems: list[Problem] = []
    for category in TERM_CATEGORIES:
        terms = lex.term_list(category)
        problems.extend(check_entries(category, terms.entries))
        problems.extend(p for e in terms.exceptions for p in check_pattern(category, e))
    amount_entries = [e for name in AMOUNT_ENTRY_FIELDS for e in lex.amount.entry_list(name)]
    problems.extend(check_entries("amount", amount_entries))
    for name in AMOUNT_WORD_FIELDS:
        problems.extend(p for w in lex.amount.word_list(name) for p in check_pattern("amount", w))
    problems.extend(p for e in lex.amount.exceptions for p in check_pattern("amount", e))
    return problems


def validate_lexicon(lex: Lexicon) -> Lexicon:
    """Return the lexicon unchanged, or raise LexiconError listing every problem."""
    problems = check_lexicon(lex)
    if problems:
        raise LexiconError(problems)
    return lex


def parse_entry(category: str, raw: Any, problems: list[Problem]) -> Entry | None:
    """Read one entry: a bare string or a mapping with term, aliases and an optional note."""
    if isinstance(raw, str):
        return Entry(term=raw.strip())
    if not isinstance(raw, Mapping) or "term" not in raw:
        problems.append(Problem(category, repr(raw)[:40], "entry needs a 'term'"))
        return None
    aliases = raw.get("aliases") or []
    if not isinstance(aliases, list) or not all(isinstance(a, str) for a in aliases):
        problems.append(Problem(category, str(raw["term"]), "aliases must be a list of text"))
        return None
    term = raw["term"]
    if not isinstance(term, str):
        problems.append(Problem(category, repr(term), "term must be text"))
        return None
    return Entry(term.strip(), tuple(a.strip() for a in aliases), str(raw.get("note") or ""))


def parse_words(category: str, name: str, raw: Any, problems: list[Problem]) -> tuple[str, ...]:
    """Read a plain list of words or phrases."""
    if raw is None:
        return ()
    if not isinstance(raw, list) or not all(isinstance(w, str) for w in raw):
        problems.append(Problem(category, name, "must be a list of text"))
        return ()
    return tuple(w.strip() for w in raw)


def parse_term_list(category: str, data: Mapping[str, Any], problems: list[Problem]) -> TermList:
    """Read a brand/venue list: `terms` (entries) and `exceptions` (phrases)."""
    raw_terms = data.get("terms") or []
    if not isinstance(raw_terms, list):
        problems.append(Problem(category, "terms", "must be a list"))
        raw_terms = []
    entries = [parse_entry(category, raw, problems) for raw in raw_terms]
    exceptions = parse_words(category, "exceptions", data.get("exceptions"), problems)
    return TermList(tuple(e for e in entries if e is not None), exceptions)


def parse_amount(data: Mapping[str, Any], problems: list[Problem]) -> AmountRules:
    """Read the amount grammar's vocabulary; unknown field names are problems."""
    known = {*AMOUNT_ENTRY_FIELDS, *AMOUNT_WORD_FIELDS, "exceptions", "category"}
    for key in data:
        if key not in known:
            problems.append(Problem("amount", str(key), "unknown amount field"))
    entries: dict[str, tuple[Entry, ...]] = {}
    for name in AMOUNT_ENTRY_FIELDS:
        raw = data.get(name) or []
        parsed = [parse_entry("amount", r, problems) for r in raw] if isinstance(raw, list) else []
        entries[name] = tuple(e for e in parsed if e is not None)
    words = {
        name: parse_words("amount", name, data.get(name), problems) for name in AMOUNT_WORD_FIELDS
    }
    exceptions = parse_words("amount", "exceptions", data.get("exceptions"), problems)
    return AmountRules(entries, words, exceptions)


def lexicon_from_dict(data: Mapping[str, Any]) -> Lexicon:
    """Build a validated lexicon from `{category: {...}}` (the shape the server stores).

    Categories other than amount, brand and venue are rejected; missing ones are empty."""
    problems: list[Problem] = []
    parts: dict[str, Any] = {}
    for category, body in data.items():
        if category not in CATEGORIES:
            problems.append(Problem(str(category), "", "unknown category"))
            continue
        if not isinstance(body, Mapping):
            problems.append(Problem(category, "", "category body must be a mapping"))
            continue
        if category == "amount":
            parts["amount"] = parse_amount(body, problems)
        else:
            parts[category] = parse_term_list(category, body, problems)
    if problems:
        raise LexiconError(problems)
    return validate_lexicon(Lexicon(**parts))


def dump_entry(entry: Entry) -> dict[str, Any]:
    """Serialise an entry, leaving out empty aliases and notes."""
    out: dict[str, Any] = {"term": entry.term}
    if entry.aliases:
        out["aliases"] = list(entry.aliases)
    if entry.note:
        out["note"] = entry.note
    return out


def dump_category(lex: Lexicon, category: str) -> dict[str, Any]:
    """Serialise one category to plain data (the inverse of the parse_* readers)."""
    if category == "amount":
        body: dict[str, Any] = {
            name: [dump_entry(e) for e in lex.amount.entry_list(name)]
            for name in AMOUNT_ENTRY_FIELDS
        }
        body.update({name: list(lex.amount.word_list(name)) for name in AMOUNT_WORD_FIELDS})
        body["exceptions"] = list(lex.amount.exceptions)
        return body
    terms = lex.term_list(category)
    return {
        "terms": [dump_entry(e) for e in terms.entries],
        "exceptions": list(terms.exceptions),
    }


def lexicon_to_dict(lex: Lexicon) -> dict[str, Any]:
    """Serialise a lexicon so that lexicon_from_dict(lexicon_to_dict(lex)) == lex."""
    return {category: dump_category(lex, category) for category in CATEGORIES}


def dump_yaml(lex: Lexicon, category: str) -> str:
    """Export one category as the YAML text of a list file."""
    if category not in CATEGORIES:
        raise LexiconError([Problem(category, "", "unknown category")])
    body = {"category": category, **dump_category(lex, category)}
    return yaml.safe_dump(body, allow_unicode=True, sort_keys=False, width=100)


def load_yaml(text: str, category: str, base: Lexicon | None = None) -> Lexicon:
    """Import one category's YAML, replacing that category in `base` (default: empty lexicon).

    The file's own `category:` field, when present, must name the same category."""
    try:
        data = yaml.safe_load(text) or {}
    except yaml.YAMLError as exc:
        raise LexiconError([Problem(category, "", f"YAML does not parse: {exc}")]) from exc
    if not isinstance(data, Mapping):
        raise LexiconError([Problem(category, "", "file must hold a mapping")])
    declared = data.get("category", category)
    if declared != category:
        raise LexiconError(
            [Problem(str(declared), "", f"file declares another category than {category}")]
        )
    body = {k: v for k, v in data.items() if k != "category"}
    part = lexicon_from_dict({category: body})
    start = base if base is not None else Lexicon()
    return validate_lexicon(replace(start, **{category: getattr(part, category)}))


def load_lexicon(directory: Path) -> Lexicon:
    """Load `<category>.yaml` files from a folder; any other YAML file is an unknown category."""
    problems: list[Problem] = []
    lex = Lexicon()
    for path in sorted(directory.glob("*.y*ml")):
        category = path.stem
        if category not in CATEGORIES:
            problems.append(Problem(category, path.name, "unknown category"))
            continue
        try:
            lex = load_yaml(path.read_text(encoding="utf-8"), category, lex)
        except LexiconError as exc:
            problems.extend(exc.problems)
    if problems:
        raise LexiconError(problems)
    return lex


@lru_cache(maxsize=1)
def default_lexicon() -> Lexicon:
    """Return the lexicon shipped in rules/lists/ (read once per process)."""
    return load_lexicon(DEFAULT_LISTS_DIR)


def as_entry(item: Entry | str) -> Entry:
    """Accept a bare term where an entry is expected."""
    return item if isinstance(item, Entry) else Entry(item.strip())


def apply_group_overrides(
    base: Lexicon,
    additions: Mapping[str, Sequence[Entry | str]],
    removals: Mapping[str, Sequence[str]],
    exceptions: Mapping[str, Sequence[str]],
) -> Lexicon:
    """Layer one group's edits on a base lexicon: removals drop whole entries whose term (or any
    alias) equals the removed text case-insensitively, additions append entries, exceptions
    append phrases. Amount accepts only exceptions; the result is validated."""
    problems: list[Problem] = []
    for mapping in (additions, removals):
        for category in mapping:
            if category not in TERM_CATEGORIES:
                problems.append(Problem(category, "", "unknown category for term overrides"))
    for category in exceptions:
        if category not in CATEGORIES:
            problems.append(Problem(category, "", "unknown category"))
    if problems:
        raise LexiconError(problems)
    lex = base
    for category in TERM_CATEGORIES:
        terms = lex.term_list(category)
        removed = {r.strip().casefold() for r in removals.get(category, ())}
        kept = [e for e in terms.entries if not removed & {p.casefold() for p in e.patterns()}]
        added = [as_entry(a) for a in additions.get(category, ())]
        extra = tuple(x.strip() for x in exceptions.get(category, ()))
        updated = TermList((*kept, *added), terms.exceptions + extra)
        lex = replace(lex, brand=updated) if category == "brand" else replace(lex, venue=updated)
    extra_amount = tuple(x.strip() for x in exceptions.get("amount", ()))
    lex = replace(lex, amount=replace(lex.amount, exceptions=lex.amount.exceptions + extra_amount))
    return validate_lexicon(lex)
