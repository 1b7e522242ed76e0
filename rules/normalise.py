"""Normalised views of a chat message that keep a map back to the original offsets.

Views:
- base: NFKC, casefold, accents stripped, zero-width characters and soft hyphens removed,
  Cyrillic/Greek look-alikes mapped to Latin letters. Used for every category.
- leet: base with 0->o, 3->e, 4->a, 1/l/|->i, 5->s, 7->t (and @->a, $->s when that view is
  asked for). One character in, one out, so it shares base's offsets. Brand and venue terms are
  folded the same way, so bet365, 888poker and 32red still match: both sides fold alike.
- joined: base with runs of single letters or digits split by one separator
  (`b e t 3 6 5`, `B.E.T.F.A.I.R`, `p-a-d-d-y`) joined into words. Brand and venue only.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache
from typing import NamedTuple

# Zero-width and invisible formatting characters people use to split words.
INVISIBLE = frozenset(
    "\u00ad\u034f\u061c\u115f\u1160\u17b4\u17b5\u180e\u200b\u200c\u200d\u200e"
    "\u200f\u202a\u202b\u202c\u202d\u202e\u2060\u2061\u2062\u2063\u2064\ufeff"
)

# Look-alikes that NFKC leaves alone (lower case; input is casefolded first).
HOMOGLYPHS = {
    "а": "a",
    "в": "b",
    "с": "c",
    "е": "e",
    "ё": "e",
    "һ": "h",
    "і": "i",
    "ї": "i",
    "ј": "j",
    "к": "k",
    "м": "m",
    "н": "h",
    "о": "o",
    "р": "p",
    "ԛ": "q",
    "ѕ": "s",
    "т": "t",
    "у": "y",
    "х": "x",
    "ԝ": "w",
    "ь": "b",
    "ɡ": "g",
    "ı": "i",
    "ȷ": "j",
    "α": "a",
    "β": "b",
    "ε": "e",
    "η": "n",
    "ι": "i",
    "κ": "k",
    "ν": "v",
    "ο": "o",
    "ρ": "p",
    "τ": "t",
    "υ": "u",
    "χ": "x",
    "γ": "y",
    "ω": "w",
    "μ": "u",
    "ς": "s",
    "σ": "o",
    "\u2018": "'",
    "\u2019": "'",
    "\u02bc": "'",
    "\u2032": "'",
    "`": "'",
    "\u2010": "-",
    "\u2011": "-",
    "\u2012": "-",
    "\u2013": "-",
    "\u2014": "-",
    "\u2212": "-",
    "\u00a0": " ",
    "\u2009": " ",
    "\u202f": " ",
    "\u2007": " ",
}

# The same folds as byte tables: translating ASCII bytes is several times faster than str.
LEET_BYTES = bytes.maketrans(b"0341l|57", b"oeaiiist")
LEET_SYMBOL_BYTES = bytes.maketrans(b"0341l|57@$", b"oeaiiistas")

# Three or more single letters/digits, each split from the next by exactly one separator.
SPACED_RUN = re.compile(r"(?<![^\W_])(?:[^\W_][ .\-_*/·+~]){2,}[^\W_](?![^\W_])")
# A run of three or more has a middle letter with a separator on each side; a character class
# first lets the regex engine skip ahead quickly.
SPACED_HINT = re.compile(r"[ .\-_*/·+~][^\W_][ .\-_*/·+~][^\W_](?:\W|$)")
# Characters outside ASCII, £, €, arrows, symbols and emoji (all checked to fold to themselves).
FOLD_FREE_OUTSIDE = re.compile(r"[^\x00-\x7f£€\u2600-\u27bf\ufe0f\U0001f300-\U0001faff]")
# The same less the dingbat digits ❶-➓ (letters or digits to the regex engine), searched in the
# UTF-8 bytes: a lead byte not starting £, €, U+2600-2775, U+2794-27BF, U+FE0F or
# U+1F300-1FAFF. Text without one has no letter or digit outside ASCII and folds to itself, so
# quick_views can classify it bytewise. (A byte pattern led by one byte class is several times
# cheaper than the same character class over the str.)
QUICK_OUTSIDE_UTF8 = re.compile(
    rb"[\xc0-\xff](?!(?<=\xc2)\xa3|(?<=\xef)\xb8\x8f|(?<=\xf0)\x9f[\x8c-\xab]"
    rb"|(?<=\xe2)(?:\x82\xac|[\x98-\x9c]|\x9d[\x80-\xb5]|\x9e[\x94-\xbf]))"
)
NON_ASCII = re.compile(r"[^\x00-\x7f]")
# The answer of QUICK_OUTSIDE_UTF8 for each multi-byte residue seen (a message's non-ASCII
# bytes: in chat a handful of emoji combinations recur), so most messages skip the search. A
# dict lookup is several times cheaper; cleared when full, so memory stays bounded.
QUICK_RESIDUES: dict[bytes, bool] = {}
QUICK_RESIDUES_MAX = 4096
ASCII_BYTES = bytes(range(128))
SPACED_SEPARATORS = frozenset(" .-_*/·+~")

# ASCII lower case and the leet fold in one byte table (ASCII text goes straight to the leet view).
LOWER_LEET_BYTES = bytes(range(256)).lower().translate(LEET_BYTES)


def _class_table() -> bytes:
    """Byte classes for quick_views: `a` an ASCII letter, `d` a digit, `c` `$`, `@` or the byte
    that stands for £ or € (£ is C2 A3, € is E2 82 AC: A3 and AC), `s` a spaced-letter
    separator, `o` anything else (other UTF-8 bytes included)."""
    table = bytearray(b"o" * 256)
    for byte in b"abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ":
        table[byte] = ord("a")
    for byte in b"0123456789":
        table[byte] = ord("d")
    for byte in b"$@" + "£€".encode()[1:2] + "€".encode()[2:]:
        table[byte] = ord("c")
    for byte in b" .-_*/+~":
        table[byte] = ord("s")
    return bytes(table)


CLASS_BYTES = _class_table()
# SPACED_RUN over the byte classes (digits as letters): three single letters or digits split by
# one separator each, with neither a letter nor a digit on either side. The literal comes first
# so that `re` skips ahead by it; the lookbehind then looks at the byte before the run.
SPACED_CLASSES = re.compile(r"asasa(?<!aasasa)(?!a)")


class View(NamedTuple):
    """A normalised text; starts[i]/ends[i] give the original span of character i.

    Empty starts means the view is character-for-character the original (the ASCII fast path).
    A NamedTuple rather than a frozen dataclass: one is built per message, and this is cheaper.
    """

    text: str
    starts: tuple[int, ...] = ()
    ends: tuple[int, ...] = ()

    def to_original(self, start: int, end: int) -> tuple[int, int]:
        """Map a half-open span of this view to the half-open span of the original text."""
        if not self.starts:
            return start, end
        return self.starts[start], self.ends[end - 1]


@lru_cache(maxsize=4096)
def fold_char(ch: str) -> str:
    """Apply NFKC, casefold, homoglyph mapping and accent stripping to one character."""
    out = []
    for c in unicodedata.normalize("NFKC", ch).casefold():
        c = HOMOGLYPHS.get(c, c)
        for d in unicodedata.normalize("NFD", c):
            if not unicodedata.combining(d):
                out.append(d)
    return "".join(out)


def normalise(text: str) -> View:
    """Build the base view: the rule every category is matched against.

    Pure ASCII text is only lower-cased (its offsets are the identity), everything else goes
    character by character so each output character remembers where it came from."""
    if text.isascii():
        return View(text.lower())
    if not FOLD_FREE_OUTSIDE.search(text) or all(
        ch not in INVISIBLE and fold_char(ch) == ch for ch in NON_ASCII.findall(text)
    ):
        return View(text.lower())  # e.g. emoji: nothing beyond ASCII needs folding
    chars: list[str] = []
    starts: list[int] = []
    ends: list[int] = []
    for index, ch in enumerate(text):
        folded = "" if ch in INVISIBLE else fold_char(ch)
        if not folded:
            if ends and ch not in INVISIBLE:
                ends[-1] = index + 1  # a dropped combining accent belongs to its letter
            continue
        for c in folded:
            chars.append(c)
            starts.append(index)
            ends.append(index + 1)
    return View("".join(chars), tuple(starts), tuple(ends))


# What quick_views tells about a message that needs no offset map: its UTF-8 bytes (quick_base
# turns them into the base view, the lower-cased text with identity offsets, when the caller
# gets past the automaton), its leet view, whether it has a digit, currency sign, `@` or `$`,
# whether it has spaced-out letters (exactly when SPACED_RUN finds a run, so join_spaced runs
# only where it joins something). A plain tuple: building a NamedTuple costs a Python-level
# call on every message.
QuickViews = tuple[bytes, str, bool, bool]


def quick_views(text: str) -> QuickViews | None:
    """Build the base and leet views and the two prefilter flags with byte-table translates
    instead of regex searches, for text whose characters are all ASCII, or emoji, symbols, £
    and € that fold to themselves and are neither letters nor digits (most chat). Returns None
    for other text: normalise() and the regex prefilters handle it."""
    # encode() and decode() with no arguments: UTF-8 without naming it takes CPython's fastest
    # path (50-80 ns a message less than naming the codec, measured)
    if text.isascii():
        raw = text.encode()
        folded = raw.translate(LOWER_LEET_BYTES).decode()
    else:
        try:
            raw = text.encode()
        except UnicodeEncodeError:
            return None  # a lone surrogate: never quick (it would fail the byte check below)
        # search only the multi-byte sequences: deleting the ASCII bytes keeps each one whole
        # (none holds an ASCII byte) and leaves a few bytes instead of the whole message
        rest = raw.translate(None, ASCII_BYTES)
        quick = QUICK_RESIDUES.get(rest)
        if quick is None:
            quick = QUICK_OUTSIDE_UTF8.search(rest) is None
            if len(QUICK_RESIDUES) >= QUICK_RESIDUES_MAX:
                QUICK_RESIDUES.clear()
            QUICK_RESIDUES[rest] = quick
        if not quick:
            return None
        # lower() leaves the characters left alone, so the byte table's ASCII folds suffice
        folded = raw.translate(LOWER_LEET_BYTES).decode()
    classes = raw.translate(CLASS_BYTES).decode()
    if "d" in classes:
        digitish = True
        classes = classes.replace("d", "a")  # a digit may be one of the spaced letters
    else:
        digitish = "c" in classes
    # exactly SPACED_RUN: no letter or digit beyond ASCII gets here, and every other byte is
    # neither (a multi-byte character becomes a run of `o`/`c`, never `a` or `s`)
    spaced = "asasa" in classes and SPACED_CLASSES.search(classes) is not None
    return raw, folded, digitish, spaced


def quick_base(raw: bytes) -> str:
    """The base view of a text quick_views took, from its UTF-8 bytes: the text lower-cased.
    (Its characters beyond ASCII have no case, so lower-casing the ASCII bytes is all of it, and
    cheaper than str.lower() once the text holds an emoji.)"""
    return raw.lower().decode()  # quick_views never takes a lone surrogate


def fold_term(pattern: str) -> str:
    """Fold a list term exactly as text is folded for the leet view, so both sides agree."""
    return fold_text_leet(normalise(pattern).text, symbols=True)


def fold_text_leet(base: str, symbols: bool = False) -> str:
    """Return the leet view of a base text (same length, same offsets)."""
    # UTF-8 bytes of non-ASCII characters are all >= 0x80, so an ASCII-only byte table is safe.
    table = LEET_SYMBOL_BYTES if symbols else LEET_BYTES
    return base.encode("utf-8", "surrogatepass").translate(table).decode("utf-8", "surrogatepass")


def has_spaced_run(base: str) -> bool:
    """Tell whether the text may have spaced-out or dotted single letters (a cheap prefilter:
    join_spaced decides exactly)."""
    return SPACED_HINT.search(base) is not None


def join_spaced(base: View) -> View | None:
    """Build the joined view: separators inside single-letter runs vanish, whitespace between
    two runs becomes one space. Returns None when there is no such run."""
    runs = [(m.start(), m.end()) for m in SPACED_RUN.finditer(base.text)]
    if not runs:
        return None
    keep: list[int] = []
    text = base.text
    cursor = 0
    for index, (start, end) in enumerate(runs):
        keep.extend(range(cursor, start))
        keep.extend(i for i in range(start, end) if text[i] not in SPACED_SEPARATORS)
        cursor = end
        gap_end = runs[index + 1][0] if index + 1 < len(runs) else -1
        if gap_end > end and text[end:gap_end].isspace():
            keep.append(end)  # several spaces between two runs count as one word break
            cursor = gap_end
    keep.extend(range(cursor, len(text)))
    joined = "".join(text[i] for i in keep)
    starts = tuple(base.starts[i] if base.starts else i for i in keep)
    ends = tuple(base.ends[i] if base.ends else i + 1 for i in keep)
    return View(joined, starts, ends)
