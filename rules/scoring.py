"""Score predicted trigger spans against gold labels, exactly as shared/data/README.md describes.

A predicted span is correct when it has the same category as a gold span and overlaps it by at
least one character. Precision counts correct predictions, recall counts gold spans found; both
per category and micro-averaged. The false-positive message rate is the share of messages with
no gold label that get any predicted label at all.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

SCORED_CATEGORIES: tuple[str, ...] = ("amount", "brand", "venue")

Span = tuple[str, int, int]


@dataclass(frozen=True)
class Counts:
    """Tallies for one category (or the micro total)."""

    predicted: int = 0
    correct: int = 0
    gold: int = 0
    found: int = 0

    def precision(self) -> float:
        """Correct predictions over all predictions (1.0 when nothing was predicted)."""
        return self.correct / self.predicted if self.predicted else 1.0

    def recall(self) -> float:
        """Gold spans found over all gold spans (1.0 when there was nothing to find)."""
        return self.found / self.gold if self.gold else 1.0

    def f1(self) -> float:
        """Harmonic mean of precision and recall."""
        p, r = self.precision(), self.recall()
        return 2 * p * r / (p + r) if p + r else 0.0

    def add(self, other: Counts) -> Counts:
        """Sum two tallies."""
        return Counts(
            self.predicted + other.predicted,
            self.correct + other.correct,
            self.gold + other.gold,
            self.found + other.found,
        )


@dataclass(frozen=True)
class Score:
    """Per-category counts, their micro total and the false-positive message rate."""

    per_category: Mapping[str, Counts]
    micro: Counts
    clean_messages: int
    flagged_clean_messages: int

    def fp_message_rate(self) -> float:
        """Share of no-trigger messages that got any flag."""
        return self.flagged_clean_messages / self.clean_messages if self.clean_messages else 0.0


def spans_of(labels: Sequence[Mapping[str, Any]]) -> list[Span]:
    """Read (category, start, end) from label dicts; other fields are ignored."""
    return [(str(lab["category"]), int(lab["start"]), int(lab["end"])) for lab in labels]


def overlap(a: Span, b: Span) -> bool:
    """Same category and at least one shared character."""
    return a[0] == b[0] and a[1] < b[2] and b[1] < a[2]


def count_message(gold: Sequence[Span], predicted: Sequence[Span], category: str) -> Counts:
    """Tally one message for one category under the overlap rule."""
    g = [s for s in gold if s[0] == category]
    p = [s for s in predicted if s[0] == category]
    correct = sum(1 for s in p if any(overlap(s, t) for t in g))
    found = sum(1 for t in g if any(overlap(s, t) for s in p))
    return Counts(len(p), correct, len(g), found)


def score(gold: Mapping[str, Sequence[Span]], predicted: Mapping[str, Sequence[Span]]) -> Score:
    """Score predictions (by message id) against gold spans (by message id).

    Messages missing from the predictions count as predicted with no labels."""
    totals = {c: Counts() for c in SCORED_CATEGORIES}
    clean = flagged = 0
    for message_id, gold_spans in gold.items():
        pred_spans = predicted.get(message_id, ())
        for category in SCORED_CATEGORIES:
            totals[category] = totals[category].add(count_message(gold_spans, pred_spans, category))
        if not gold_spans:
            clean += 1
            flagged += 1 if pred_spans else 0
    micro = Counts()
    for counts in totals.values():
        micro = micro.add(counts)
    return Score(totals, micro, clean, flagged)


def format_score(result: Score) -> str:
    """Render the per-category and micro figures as a small table."""
    lines = [f"{'category':<9} {'P':>6} {'R':>6} {'F1':>6}  pred  gold"]
    rows = [*result.per_category.items(), ("micro", result.micro)]
    for name, c in rows:
        lines.append(
            f"{name:<9} {c.precision():6.3f} {c.recall():6.3f} {c.f1():6.3f} "
            f"{c.predicted:5d} {c.gold:5d}"
        )
    lines.append(
        f"false-positive message rate: {result.fp_message_rate():.3f} "
        f"({result.flagged_clean_messages}/{result.clean_messages})"
    )
    return "\n".join(lines)
