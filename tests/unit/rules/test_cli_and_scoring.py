"""`python -m rules scan|score` and the scoring rule from shared/data/README.md."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest

from rules.__main__ import main, run_scan
from rules.matcher import default_matcher
from rules.scoring import score


def test_scan_writes_one_line_per_input_with_original_offsets() -> None:
    lines = [
        json.dumps({"id": 1, "text": "£20 at Coral"}),
        json.dumps({"id": "b", "text": "nothing here"}),
    ]
    out = io.StringIO()
    assert run_scan(default_matcher(), lines, out) == 0
    first, second = (json.loads(x) for x in out.getvalue().splitlines())
    assert first == {
        "id": 1,
        "labels": [
            {"category": "amount", "start": 0, "end": 3, "text": "£20"},
            {"category": "brand", "start": 7, "end": 12, "text": "Coral"},
        ],
    }
    assert second == {"id": "b", "labels": []}


def test_scan_reports_bad_lines_and_keeps_going() -> None:
    lines = ["{not json", json.dumps({"id": 7, "text": 5}), json.dumps({"id": 8, "text": "£5"})]
    out = io.StringIO()
    assert run_scan(default_matcher(), lines, out) == 1
    results = [json.loads(x) for x in out.getvalue().splitlines()]
    assert [r.get("error") is not None for r in results] == [True, True, False]
    assert results[0]["line"] == 1 and results[1]["id"] == 7
    assert results[2]["labels"][0]["text"] == "£5"


def test_scan_with_other_lists(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "venue.yaml").write_text("terms: [snooker hall]\n", encoding="utf-8")
    monkeypatch.setattr("sys.stdin", io.StringIO('{"id": 1, "text": "the snooker hall, Coral"}\n'))
    assert main(["scan", "--lists", str(tmp_path)]) == 0
    labels = json.loads(capsys.readouterr().out)["labels"]
    assert [lab["text"] for lab in labels] == ["snooker hall"]


def test_score_command_prints_table(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    gold = tmp_path / "gold.jsonl"
    gold.write_text(
        json.dumps(
            {
                "id": "1",
                "text": "£5 at Coral",
                "labels": [
                    {"category": "amount", "start": 0, "end": 2},
                    {"category": "brand", "start": 6, "end": 11},
                ],
            }
        )
        + "\n"
        + json.dumps({"id": "2", "text": "hello", "labels": []})
        + "\n",
        encoding="utf-8",
    )
    assert main(["score", "--gold", str(gold)]) == 0
    printed = capsys.readouterr().out
    assert "micro      1.000  1.000  1.000" in printed
    assert "false-positive message rate: 0.000 (0/1)" in printed


def test_scoring_is_overlap_based_per_category() -> None:
    gold = {
        "a": [("amount", 0, 5), ("brand", 10, 15)],
        "b": [],
        "c": [],
        "d": [("venue", 0, 4)],
    }
    predicted = {
        "a": [("amount", 4, 6), ("venue", 10, 15)],  # overlap counts; wrong category does not
        "b": [("brand", 0, 1)],  # flags a clean message
        "d": [("venue", 4, 8)],  # touching is not overlapping
    }
    result = score(gold, predicted)
    amount, brand, venue = (result.per_category[c] for c in ("amount", "brand", "venue"))
    assert (amount.precision(), amount.recall()) == (1.0, 1.0)
    assert (brand.correct, brand.predicted, brand.found, brand.gold) == (0, 1, 0, 1)
    assert (venue.correct, venue.predicted, venue.found, venue.gold) == (0, 2, 0, 1)
    assert result.micro.precision() == pytest.approx(1 / 4)
    assert result.micro.recall() == pytest.approx(1 / 3)
    assert result.fp_message_rate() == pytest.approx(1 / 2)


def test_one_prediction_can_cover_two_gold_spans() -> None:
    result = score({"a": [("brand", 0, 3), ("brand", 4, 7)]}, {"a": [("brand", 0, 7)]})
    brand = result.per_category["brand"]
    assert (brand.precision(), brand.recall()) == (1.0, 1.0)


def test_score_command_reads_a_predictions_file(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    gold = tmp_path / "gold.jsonl"
    gold.write_text(
        json.dumps(
            {"id": "1", "text": "£5", "labels": [{"category": "amount", "start": 0, "end": 2}]}
        )
        + "\n",
        encoding="utf-8",
    )
    predictions = tmp_path / "pred.jsonl"
    predictions.write_text(json.dumps({"id": "1", "labels": []}) + "\n", encoding="utf-8")
    assert main(["score", "--gold", str(gold), "--predictions", str(predictions)]) == 0
    assert "amount     1.000  0.000  0.000" in capsys.readouterr().out


def test_scan_reports_invalid_lists(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "brand.yaml").write_text("terms: ['be*t']\n", encoding="utf-8")
    assert main(["scan", "--lists", str(tmp_path)]) == 2
    assert "does not compile" in capsys.readouterr().err
