"""The after-session summary for the facilitators: who spoke for how long, rounds run, cues sent
and alert counts, kept for reflective practice and supervision.

Built from live state when the session ends (``store_summary``, called by the end-session use
case just before live state is cleared) and stored in ``session_summaries``. Pseudonyms only,
never chat text. Served as JSON, CSV and an SVG chart (``render_csv``, ``render_svg``).
"""

from __future__ import annotations

import csv
import io
import logging
from typing import Any
from xml.sax.saxutils import escape

from facilitator.ids import MAIN_ROOM
from server.services import balancing
from server.services.runtime import Runtime
from server.services.talk_time import TalkTime
from server.storage.models import SessionSummary

log = logging.getLogger("holdspace.summary")

SUMMARY_VERSION = 1


def build_summary(
    session_id: str,
    report: dict[str, Any],
    names: dict[str, str],
    record: dict[str, Any] | None,
    *,
    went_live_at_ms: int | None,
    ended_at_ms: int,
) -> dict[str, Any]:
    """The stored summary document from a talk-time report, names and the balance record."""
    record = record or {"rounds": [], "cues": [], "alerts": {}}
    rooms = {}
    for room_id, snap in report["rooms"].items():
        rows = [
            {
                "member_id": m["member"],
                "name": names.get(m["member"], ""),
                "kind": m["kind"],
                "total_ms": m["total_ms"],
                "turns": m["turns"],
                "longest_turn_ms": m["longest_turn_ms"],
                "share": m["share"],
                "not_yet_spoken": m["not_yet_spoken"],
                "interruptions_made": m["interruptions_made"],
                "times_interrupted": m["times_interrupted"],
            }
            for m in snap["members"]
        ]
        rows.sort(key=lambda r: (r["kind"] != "peer", -r["total_ms"], r["name"].casefold()))
        rooms[room_id] = {
            "room_id": room_id,
            "members": rows,
            "room_talk_ms": snap["room_talk_ms"],
            "peer_talk_ms": snap["peer_talk_ms"],
            "facilitator_talk_ms": snap["facilitator_talk_ms"],
            "balance_gini": snap["balance_gini"],
            "balance_explanation": snap["balance_explanation"],
            "longest_monologue_member": snap["longest_monologue_member"],
            "longest_monologue_ms": snap["longest_monologue_ms"],
        }
    cues_by_reason: dict[str, int] = {}
    for cue in record["cues"]:
        cues_by_reason[cue["reason"]] = cues_by_reason.get(cue["reason"], 0) + 1
    return {
        "v": SUMMARY_VERSION,
        "session_id": session_id,
        "went_live_at_ms": went_live_at_ms,
        "ended_at_ms": ended_at_ms,
        "rooms": rooms,
        "rounds": [
            {**r, "outcomes": [{**o, "name": names.get(o["member_id"], "")} for o in r["outcomes"]]}
            for r in record["rounds"]
        ],
        "cues": {
            "count": len(record["cues"]),
            "by_reason": cues_by_reason,
            "sent": [{**c, "name": names.get(c["member_id"], "")} for c in record["cues"]],
        },
        "alerts": dict(record["alerts"]),
    }


async def store_summary(
    rt: Runtime, session_id: str, group_id: str, went_live_at_ms: int | None
) -> dict[str, Any]:
    """Build the summary from live state and store it (replacing an earlier one)."""
    report = await TalkTime(rt).report(session_id)
    names = await balancing.names(rt, session_id)
    record = await rt.live.get_json(session_id, balancing.RECORD)
    doc = build_summary(
        session_id,
        report,
        names,
        record,
        went_live_at_ms=went_live_at_ms,
        ended_at_ms=rt.clock.now_ms(),
    )
    async with rt.db() as db, db.begin():
        row = await db.get(SessionSummary, session_id)
        if row is None:
            db.add(
                SessionSummary(
                    session_id=session_id, group_id=group_id, data=doc, created_at=rt.now()
                )
            )
        else:
            row.data = doc
    return doc


# --- rendering ----------------------------------------------------------------------------------

CSV_COLUMNS = (
    "room_id",
    "member_id",
    "name",
    "kind",
    "total_s",
    "turns",
    "longest_turn_s",
    "share_pct",
    "interruptions_made",
    "times_interrupted",
)


def _cell(value: object) -> object:
    # a pseudonym starting with = + - @ would run as a formula in a spreadsheet
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + value
    return value


def render_csv(doc: dict[str, Any]) -> str:
    """One row per person and room."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(CSV_COLUMNS)
    for room_id, room in doc["rooms"].items():
        for r in room["members"]:
            writer.writerow(
                [
                    _cell(v)
                    for v in (
                        room_id,
                        r["member_id"],
                        r["name"],
                        r["kind"],
                        round(r["total_ms"] / 1000),
                        r["turns"],
                        round(r["longest_turn_ms"] / 1000),
                        round(r["share"] * 100, 1),
                        r["interruptions_made"],
                        r["times_interrupted"],
                    )
                ]
            )
    return out.getvalue()


def _duration(ms: int) -> str:
    seconds = round(ms / 1000)
    return f"{seconds // 60} min {seconds % 60:02d} s"


def render_svg(doc: dict[str, Any], room_id: str = MAIN_ROOM) -> str:
    """A horizontal bar chart of talk time per person in a room, with the peers' fair share as
    a dashed line. Names are escaped; the <title> and <desc> say the same in words."""
    room = doc["rooms"].get(room_id) or {"members": [], "peer_talk_ms": 0}
    rows = room["members"]
    peers = [r for r in rows if r["kind"] == "peer"]
    fair = room["peer_talk_ms"] // len(peers) if peers else 0
    longest = max([r["total_ms"] for r in rows] + [fair, 1])
    label_w, bar_w, row_h, top = 180, 460, 28, 50
    height = top + row_h * max(1, len(rows)) + 40
    width = label_w + bar_w + 120
    desc = (
        "; ".join(
            f"{r['name'] or r['member_id']} ({'peer' if r['kind'] == 'peer' else 'facilitator'}): "
            f"{_duration(r['total_ms'])}, {r['turns']} turns"
            for r in rows
        )
        or "Nobody spoke."
    )
    desc += f". Fair share per peer: {_duration(fair)}."
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}" role="img" aria-labelledby="t d">',
        f'<title id="t">Talk time per person ({escape(room_id)} room)</title>',
        f'<desc id="d">{escape(desc)}</desc>',
        f'<rect width="{width}" height="{height}" fill="#ffffff"/>',
        f'<text x="10" y="28" font-family="sans-serif" font-size="16" fill="#1a1a1a">'
        f"Talk time per person ({escape(room_id)} room)</text>",
    ]
    for i, r in enumerate(rows):
        y = top + i * row_h
        w = round(bar_w * r["total_ms"] / longest)
        colour = "#2f6f8f" if r["kind"] == "peer" else "#8a8a8a"
        name = r["name"] or r["member_id"]
        if r["kind"] != "peer":
            name += " (facilitator)"
        parts += [
            f'<text x="{label_w - 8}" y="{y + 18}" text-anchor="end" font-family="sans-serif" '
            f'font-size="13" fill="#1a1a1a">{escape(name)}</text>',
            f'<rect x="{label_w}" y="{y + 5}" width="{w}" height="{row_h - 10}" fill="{colour}"/>',
            f'<text x="{label_w + w + 6}" y="{y + 18}" font-family="sans-serif" font-size="12" '
            f'fill="#1a1a1a">{escape(_duration(r["total_ms"]))}</text>',
        ]
    if fair:
        x = label_w + round(bar_w * fair / longest)
        bottom = top + row_h * max(1, len(rows))
        parts += [
            f'<line x1="{x}" y1="{top}" x2="{x}" y2="{bottom}" stroke="#b3261e" '
            f'stroke-width="2" stroke-dasharray="6 4"/>',
            f'<text x="{x}" y="{bottom + 18}" text-anchor="middle" font-family="sans-serif" '
            f'font-size="12" fill="#b3261e">fair share {escape(_duration(fair))}</text>',
        ]
    parts.append("</svg>")
    return "\n".join(parts) + "\n"
