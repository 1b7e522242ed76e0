"""Whatever is typed, hits are sorted, disjoint and point at the original text."""

from __future__ import annotations

import random

import pytest

from rules.matcher import default_matcher, mask

ALPHABET = (
    "abcdefghijklmnopqrstuvwxyz ABCDEFGHIJ 0123456789 £$€@ .,-/*'!? "
    "\u200b\u00ad\u200d аеорсух ΑΒΕ ß ﬁ é\u0301 😎🙏❤️ 𝐁𝐞𝐭 ＢＥＴ３６５"
)
WORDS = [
    "bet365",
    "b e t 3 6 5",
    "coral",
    "coral reef",
    "£5",
    "5/2",
    "quid",
    "a tenner",
    "the dogs",
    "walking the dogs",
    "casino",
    "Gala Casino",
    "2 grand",
    "p4ddy p0wer",
    "the bingo",
    "k",
]


def random_message(rng: random.Random) -> str:
    parts = []
    for _ in range(rng.randint(1, 12)):
        if rng.random() < 0.4:
            parts.append(rng.choice(WORDS))
        else:
            parts.append("".join(rng.choice(ALPHABET) for _ in range(rng.randint(1, 8))))
    return rng.choice([" ", "", "  ", "."]).join(parts)


@pytest.mark.parametrize("seed", range(40))
def test_hits_are_sorted_disjoint_and_exact(seed: int) -> None:
    rng = random.Random(seed)
    matcher = default_matcher()
    for _ in range(25):
        text = random_message(rng)
        hits = matcher.scan(text)
        for hit in hits:
            assert 0 <= hit.start < hit.end <= len(text)
            assert hit.text == text[hit.start : hit.end]
            assert hit.category in ("amount", "brand", "venue")
            assert hit.rule
        for left, right in zip(hits, hits[1:], strict=False):
            assert left.end <= right.start
        assert len(mask(text, hits)) == len(text)


def test_scan_is_deterministic() -> None:
    text = "£5 at b e t 3 6 5 then the dogs and Gala Casino"
    assert default_matcher().scan(text) == default_matcher().scan(text)
