"""Command line: `python -m rules scan` (JSON lines in, labels out) and `python -m rules score`."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import IO, Any

from rules.lexicon import LexiconError, default_lexicon, load_lexicon
from rules.matcher import Matcher, compile_matcher
from rules.scoring import Span, format_score, score, spans_of


def build_matcher(lists: Path | None) -> Matcher:
    """Compile the default lists, or the lists in another folder."""
    return compile_matcher(load_lexicon(lists) if lists else default_lexicon())


def label_line(matcher: Matcher, line: str, number: int) -> tuple[dict[str, Any], bool]:
    """Scan one JSON line; a bad line yields an error object naming its id or line number."""
    try:
        record = json.loads(line)
    except json.JSONDecodeError as exc:
        return {"id": None, "line": number, "error": f"invalid JSON: {exc.msg}"}, False
    if not isinstance(record, dict):
        return {"id": None, "line": number, "error": "line is not a JSON object"}, False
    text = record.get("text")
    if not isinstance(text, str):
        return {"id": record.get("id"), "line": number, "error": "'text' must be a string"}, False
    labels = [
        {"category": h.category, "start": h.start, "end": h.end, "text": h.text}
        for h in matcher.scan(text)
    ]
    return {"id": record.get("id"), "labels": labels}, True


def run_scan(matcher: Matcher, lines: Iterable[str], out: IO[str]) -> int:
    """Write one JSON line per input line; exit status 1 if any line was bad, else 0."""
    bad = False
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        result, ok = label_line(matcher, line, number)
        bad = bad or not ok
        out.write(json.dumps(result, ensure_ascii=False) + "\n")
    return 1 if bad else 0


def read_gold(path: Path) -> tuple[dict[str, list[Span]], dict[str, str]]:
    """Read a labelled JSON-lines file into gold spans and texts by message id."""
    gold: dict[str, list[Span]] = {}
    texts: dict[str, str] = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.strip():
            record = json.loads(line)
            gold[str(record["id"])] = spans_of(record.get("labels", []))
            texts[str(record["id"])] = str(record["text"])
    return gold, texts


def run_score(matcher: Matcher, gold_path: Path, predictions: Path | None, out: IO[str]) -> int:
    """Score a predictions file (or the matcher itself) against a gold file and print figures."""
    gold, texts = read_gold(gold_path)
    if predictions is not None:
        predicted = read_predictions(predictions)
    else:
        predicted = {
            mid: [(h.category, h.start, h.end) for h in matcher.scan(text)]
            for mid, text in texts.items()
        }
    out.write(format_score(score(gold, predicted)) + "\n")
    return 0


def read_predictions(path: Path) -> dict[str, list[Span]]:
    """Read a predictions file: only id and labels are used."""
    predicted: dict[str, list[Span]] = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.strip():
            record = json.loads(line)
            predicted[str(record["id"])] = spans_of(record.get("labels", []))
    return predicted


def main(argv: Sequence[str] | None = None) -> int:
    """Parse arguments and run a subcommand; the return value is the exit status."""
    parser = argparse.ArgumentParser(prog="python -m rules")
    sub = parser.add_subparsers(dest="command", required=True)
    scan = sub.add_parser("scan", help="label JSON lines read from stdin")
    scan.add_argument("--lists", type=Path, help="folder of word lists (default: rules/lists)")
    grade = sub.add_parser("score", help="per-category P/R/F1 against a gold file")
    grade.add_argument("--gold", type=Path, required=True)
    grade.add_argument("--predictions", type=Path, help="JSON lines to score instead of scanning")
    grade.add_argument("--lists", type=Path)
    args = parser.parse_args(argv)
    try:
        matcher = build_matcher(args.lists)
    except LexiconError as exc:
        for problem in exc.problems:
            sys.stderr.write(f"{problem}\n")
        return 2
    if args.command == "scan":
        return run_scan(matcher, sys.stdin, sys.stdout)
    return run_score(matcher, args.gold, args.predictions, sys.stdout)


if __name__ == "__main__":
    sys.exit(main())
