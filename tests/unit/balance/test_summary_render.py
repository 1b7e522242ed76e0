"""The stored summary and its CSV and SVG forms (pure functions, no database)."""

from __future__ import annotations

import csv
import io
import xml.etree.ElementTree as ET

from server.services.summary import build_summary, render_csv, render_svg


def _member(member: str, kind: str, total_ms: int, share: float) -> dict[str, object]:
    return {
        "member": member,
        "kind": kind,
        "total_ms": total_ms,
        "turns": 2,
        "longest_turn_ms": total_ms // 2,
        "share": share,
        "not_yet_spoken": total_ms == 0,
        "interruptions_made": 0,
        "times_interrupted": 1,
    }


REPORT = {
    "rooms": {
        "main": {
            "members": [
                _member("a", "peer", 60_000, 0.5),
                _member("b", "peer", 0, 0.0),
                _member("f", "facilitator", 60_000, 0.5),
            ],
            "room_talk_ms": 120_000,
            "peer_talk_ms": 60_000,
            "facilitator_talk_ms": 60_000,
            "balance_gini": 0.5,
            "balance_explanation": "uneven",
            "longest_monologue_member": "a",
            "longest_monologue_ms": 30_000,
        }
    }
}
NAMES = {"a": '=HYPERLINK("x")', "b": "<Bo & Co>", "f": "Lena"}
RECORD = {
    "rounds": [
        {
            "room_id": "main",
            "kind": "check_in",
            "title": "",
            "per_person_ms": 1,
            "started_at_ms": 1,
            "ended_at_ms": 2,
            "outcomes": [{"member_id": "a", "outcome": "spoke"}],
        }
    ],
    "cues": [{"member_id": "a", "reason": "long_turn", "room_id": "main", "at_ms": 5}],
    "alerts": {"quiet": 2},
}


def test_summary_document() -> None:
    doc = build_summary("s1", REPORT, NAMES, RECORD, went_live_at_ms=0, ended_at_ms=10)
    rows = doc["rooms"]["main"]["members"]
    assert [r["member_id"] for r in rows] == ["a", "b", "f"]  # peers first, most talk first
    assert doc["cues"] == {
        "count": 1,
        "by_reason": {"long_turn": 1},
        "sent": [{**RECORD["cues"][0], "name": NAMES["a"]}],
    }
    assert doc["alerts"] == {"quiet": 2}
    assert doc["rounds"][0]["outcomes"][0]["name"] == NAMES["a"]
    empty = build_summary("s1", {"rooms": {}}, {}, None, went_live_at_ms=None, ended_at_ms=1)
    assert empty["rounds"] == [] and empty["cues"]["count"] == 0


def test_csv_defuses_formulas() -> None:
    doc = build_summary("s1", REPORT, NAMES, RECORD, went_live_at_ms=0, ended_at_ms=10)
    rows = list(csv.DictReader(io.StringIO(render_csv(doc))))
    assert rows[0]["name"] == "'" + NAMES["a"] and rows[0]["total_s"] == "60"
    assert rows[0]["share_pct"] == "50.0"


def test_svg_is_well_formed_with_escaped_names_and_words() -> None:
    doc = build_summary("s1", REPORT, NAMES, RECORD, went_live_at_ms=0, ended_at_ms=10)
    svg = render_svg(doc)
    root = ET.fromstring(svg)
    ns = "{http://www.w3.org/2000/svg}"
    assert root.find(f"{ns}title") is not None
    desc = root.find(f"{ns}desc")
    assert desc is not None and "<Bo & Co> (peer): 0 min 00 s" in (desc.text or "")
    assert "Fair share per peer: 0 min 30 s" in (desc.text or "")
    texts = [t.text for t in root.iter(f"{ns}text")]
    assert "Lena (facilitator)" in texts and "fair share 0 min 30 s" in texts
    ET.fromstring(render_svg(doc, "nowhere"))  # an unknown room is an empty chart, not an error
