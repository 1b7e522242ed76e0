"""``python -m server.tools.talktime_eval FILE.wav [FILE.wav ...]``: how much speaking time and
how many turns the server measures for each recording.

It starts a Holdspace server on the embedded defaults (SQLite in a temporary data directory, a
free port on 127.0.0.1, media on loopback only), lets the first-run bootstrap create the admin,
facilitators and a session, signs in over HTTP as the lead, opens the lobby, joins one headless
peer per file through the real invite link and lobby (``sim_peer``), admits them, goes live,
plays every file at once and waits until they have ended and the last turns have closed. Then it
reads the talk-time JSON as the facilitator (``GET /api/sessions/{id}/talk-time``) and prints one
JSON line per file: ``{"file": ..., "speaking_s": float, "turns": int}``. Progress goes to
standard error. Any WAV works (mono or stereo, any sample rate).
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import sys
import time
from pathlib import Path
from typing import Any

import av

from server.realtime.namespace import RUNTIME
from server.services.talk_time import TalkTime
from server.tools.local_server import local_server, log
from server.tools.media_sources import load_wav_mono_48k
from server.tools.sim_peer import SimPeer

# A turn closes ~600 ms after speech stops and the ledger merges pauses shorter than 1 s:
# figures are read once nobody has been speaking for this long after the files ended.
SETTLE_S = 1.5


def _check_wav(path: Path) -> float:
    """Seconds of audio (any WAV ffmpeg reads: PCM or float, mono or stereo, any rate)."""
    try:
        samples = load_wav_mono_48k(path)
    except av.error.FFmpegError as exc:
        raise ValueError(f"{path}: not a readable audio file ({exc})") from None
    if len(samples) == 0:
        raise ValueError(f"{path}: no audio")
    return len(samples) / 48_000


def _someone_speaking(report: dict[str, Any], members: set[str]) -> bool:
    return any(
        m["speaking"] and m["member"] in members
        for room in report["rooms"].values()
        for m in room["members"]
    )


def _figures(report: dict[str, Any], member_id: str) -> tuple[float, int]:
    total_ms, turns = 0, 0
    for room in report["rooms"].values():
        for m in room["members"]:
            if m["member"] == member_id:
                total_ms += m["total_ms"]
                turns += m["turns"]
    return total_ms / 1000, turns


async def evaluate(
    files: list[Path], *, with_video: bool = False, timeout_s: float | None = None
) -> list[dict[str, Any]]:
    lengths = [_check_wav(f) for f in files]
    budget_s = timeout_s if timeout_s is not None else max(lengths) + 90.0
    deadline = time.monotonic() + budget_s
    peers: list[SimPeer] = []
    async with local_server() as local:
        app, first, lead = local.app, local.first, local.lead
        try:
            gate = asyncio.Event()
            names = [f"Voice {i + 1}" for i in range(len(files))]
            lead.admit_names.update(names)
            peers = [
                SimPeer(
                    first.invite_url,
                    name,
                    path,
                    session_id=first.session_id,
                    audio_only=not with_video,
                    badge=i + 1,
                    gate=gate,
                    emit=lambda line: log(json.dumps(line)),
                )
                for i, (name, path) in enumerate(zip(names, files, strict=True))
            ]

            def left() -> float:
                return max(0.1, deadline - time.monotonic())

            await asyncio.wait_for(asyncio.gather(*(p.join(left()) for p in peers)), left())
            await lead.call("session:go_live", {"solo_reason": "talk-time evaluation"})
            log(f"playing {len(files)} file(s) at once")
            gate.set()
            await asyncio.wait_for(
                asyncio.gather(*(p.media.microphone.finished.wait() for p in peers if p.media)),
                left(),
            )
            members = {p.member["id"] for p in peers}

            async def in_process() -> dict[str, Any]:
                return await TalkTime(app[RUNTIME]).report(first.session_id)

            ended_at = time.monotonic()
            while True:  # bounded by the deadline; the figures settle within ~1.5 s
                report = await lead.talk_time(in_process)
                quiet = not _someone_speaking(report, members)
                if quiet and time.monotonic() - ended_at >= SETTLE_S:
                    break
                if time.monotonic() > deadline:
                    raise TimeoutError("talk time did not settle before the time limit")
                await asyncio.sleep(0.2)
            results = []
            for path, peer in zip(files, peers, strict=True):
                speaking_s, turns = _figures(report, peer.member["id"])
                results.append(
                    {"file": str(path), "speaking_s": round(speaking_s, 3), "turns": turns}
                )
            return results
        finally:
            for peer in peers:
                with contextlib.suppress(Exception):
                    await peer.close()


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m server.tools.talktime_eval",
        description="Play WAV files as simultaneous headless peers in a fresh local Holdspace "
        "server and print the speaking time and turns the server measured for each, one JSON "
        "line per file.",
    )
    parser.add_argument("files", nargs="+", type=Path, help="WAV files (mono or stereo)")
    parser.add_argument(
        "--with-video", action="store_true", help="also send a synthetic camera from each peer"
    )
    parser.add_argument(
        "--timeout",
        type=float,
        default=None,
        help="give up after this many seconds (default: longest file + 90)",
    )
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    try:
        results = asyncio.run(
            evaluate(args.files, with_video=args.with_video, timeout_s=args.timeout)
        )
    except (OSError, ValueError) as exc:
        log(f"talktime_eval: {exc}")
        return 2
    for line in results:
        print(json.dumps(line), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
