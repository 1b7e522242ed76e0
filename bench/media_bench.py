"""Server CPU, loss and latency of the in-process SFU, next to a bare UDP relay.

    python -m bench.media_bench --seconds 10 [--max-rooms 3]

This process is the server: it runs ``AiortcMediaBackend`` (with speaking detection, as in
production) behind a tiny HTTP signalling endpoint, and a bare relay that forwards plain UDP
datagrams to the other members of a room (no ICE, DTLS, SRTP or RTP handling: the floor any
Python forwarder pays).  Simulated participants run in a child process
(``bench.media_peers``), so ``getrusage`` here counts only the server.

Steps, each bounded in time, loopback only:
1. one 10-person video room through the SFU;
2. the same packet rates (measured in step 1) through the bare relay;
3. more 10-person rooms through the SFU, one more at a time, until loss exceeds
   ``--max-loss`` or ``--max-rooms`` is reached.

``--compare-queued`` adds one 10-person room through aiortc's own sender tasks (the slower
path ``AiortcMediaBackend(direct_send=False)``), to compare against in the same run.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import resource
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field

from aiohttp import web

from server.media.ice import LOOPBACK
from server.media.sfu import AiortcMediaBackend


def machine_ticks() -> tuple[int, int]:
    """(busy, total) jiffies of the whole machine, from /proc/stat."""
    with open("/proc/stat") as stat:
        values = [int(v) for v in stat.readline().split()[1:]]
    idle = values[3] + values[4]
    return sum(values) - idle, sum(values)


def cpu_s() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


@dataclass
class Result:
    label: str
    rooms: int
    size: int
    server_cpu_core: float = 0.0
    report: dict[str, object] = field(default_factory=dict)
    inbound_kbps: float = 0.0
    video_frame_bytes: float = 0.0
    # video frames the server got from publishers / frames publishers sent: separates
    # upstream loss (peers -> server) from downstream loss (server -> subscribers)
    upstream_delivery: float | None = None
    rtp_loss_up: float | None = None  # publisher -> server, before retransmission
    server_drops: int = 0  # frames the SFU dropped for slow subscribers
    keyframe_requests: int = 0  # PLIs the SFU sent to publishers during the window
    # frames the SFU forwarded per second (all subscribers): the peers' share of a loaded
    # machine changes how much traffic there is, so CPU per forwarded frame compares runs
    forwarded_fps: float = 0.0
    # how late a 20 ms timer fires on the server loop: high lag at low CPU means the process
    # was waiting for a core (other work on the machine), not busy
    loop_lag_ms: list[float] = field(default_factory=list)

    @property
    def worst_loss(self) -> float:
        """RTP packet loss (before retransmission) on the worse side of the server."""
        down = self.report.get("rtp_loss_down")
        losses = (
            [self.rtp_loss_up, down]
            if isinstance(down, float)
            else [self.report.get(k) for k in ("audio_loss", "video_loss")]
        )
        return max((x for x in losses if isinstance(x, float)), default=1.0)

    @property
    def lag_p95_ms(self) -> float:
        return sorted(self.loop_lag_ms)[int(len(self.loop_lag_ms) * 0.95)]

    def traffic(self) -> str:
        per_frame_us = self.server_cpu_core / max(self.forwarded_fps, 1) * 1e6
        return (
            f"       inbound {self.inbound_kbps:.0f} kbit/s, "
            f"mean video frame {self.video_frame_bytes:.0f} B, "
            f"forwarded {self.forwarded_fps:.0f} frames/s, "
            f"server CPU {per_frame_us:.0f} us per forwarded frame"
        )

    def row(self) -> str:
        participants = self.rooms * self.size
        latency = self.report.get("latency_ms", {}) or {}
        p50, p95, p99 = (latency.get(k) for k in ("p50", "p95", "p99"))
        return (
            f"{self.label:<6} rooms={self.rooms:<2} server={self.server_cpu_core:6.1%} of a core"
            f"  per room={self.server_cpu_core / self.rooms:6.1%}"
            f"  per participant={self.server_cpu_core / participants:6.2%}"
            f"  rtp loss up={self.rtp_loss_up} down={self.report.get('rtp_loss_down')}"
            f" drops={self.server_drops} plis={self.keyframe_requests}"
            f"  frame delivery shortfall audio={self.report.get('audio_loss')}"
            f" video={self.report.get('video_loss')}"
            f"  latency p50/p95/p99 ms={p50}/{p95}/{p99}"
            f"  peers={self.report.get('peers_cpu_core', 0):.0%}"
            + (f"  upstream={self.upstream_delivery}" if self.upstream_delivery else "")
            + (f"  loop lag p95={self.lag_p95_ms:.0f} ms" if self.loop_lag_ms else "")
            + f"  machine busy={self.report.get('machine_busy', 0):.0%} of {os.cpu_count()} cores"
        )


def upstream_rtp(backend: AiortcMediaBackend) -> tuple[int, int]:
    """(expected, received) RTP packets on the server's publish receivers, RTX excluded.

    Reads aiortc's per-SSRC receive statistics, as its RTCP receiver reports do.
    """
    expected = received = 0
    for p in backend._participants.values():
        for transceiver in p.publish.values():
            receiver = transceiver.receiver
            rtx = receiver._RTCRtpReceiver__rtx_ssrc  # type: ignore[attr-defined]
            for ssrc, stream in receiver._RTCRtpReceiver__remote_streams.items():  # type: ignore[attr-defined]
                if ssrc not in rtx:
                    expected += stream.packets_expected
                    received += stream.packets_received
    return expected, received


async def measure_loop_lag(samples: list[float]) -> None:
    while True:
        start = time.monotonic()
        await asyncio.sleep(0.02)
        samples.append((time.monotonic() - start - 0.02) * 1000)


class BareRelay(asyncio.DatagramProtocol):
    """Forwards each datagram to every other member of the sender's room."""

    def __init__(self) -> None:
        self.transport: asyncio.DatagramTransport | None = None
        self.members: dict[int, dict[int, tuple[str, int]]] = {}

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self.transport = transport  # type: ignore[assignment]

    def datagram_received(self, data: bytes, addr: tuple[str, int]) -> None:
        room, participant = int.from_bytes(data[0:2], "big"), int.from_bytes(data[2:4], "big")
        members = self.members.setdefault(room, {})
        members[participant] = addr
        for other, other_addr in members.items():
            if other != participant and self.transport is not None:
                self.transport.sendto(data, other_addr)


async def run_worker(
    args: list[str], budget_s: float, on_window: Callable[[str], None] = lambda _: None
) -> tuple[dict[str, object], float]:
    """Run the peer process; returns its window report and the server CPU over that window.

    The report also gets ``machine_busy``: how busy all cores were meanwhile.
    """
    ticks: dict[str, tuple[int, int]] = {}

    def on_edge(edge: str) -> None:
        ticks[edge] = machine_ticks()
        on_window(edge)

    report, cpu = await _run_worker(args, budget_s, on_edge)
    (b0, t0), (b1, t1) = ticks["start"], ticks["end"]
    report["machine_busy"] = (b1 - b0) / max(t1 - t0, 1)
    return report, cpu


async def _run_worker(
    args: list[str], budget_s: float, on_window: Callable[[str], None]
) -> tuple[dict[str, object], float]:
    proc = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bench.media_peers", *args, stdout=asyncio.subprocess.PIPE
    )
    assert proc.stdout is not None
    cpu_start = wall_start = 0.0
    try:
        async with asyncio.timeout(budget_s):
            while line := await proc.stdout.readline():
                message = json.loads(line)
                if message["event"] == "ready" and not message["all_receiving"]:
                    print("  warning: not every peer received every other before the window")
                elif message["event"] == "window_start":
                    on_window("start")
                    cpu_start, wall_start = cpu_s(), time.monotonic()
                elif message["event"] == "window_end":
                    cpu = (cpu_s() - cpu_start) / (time.monotonic() - wall_start)
                    on_window("end")
                    await proc.wait()
                    return message, cpu
    finally:
        if proc.returncode is None:
            proc.kill()
            await proc.wait()
    raise RuntimeError("peer process ended without a report")


async def measure_sfu(
    rooms: int, size: int, opts: argparse.Namespace, *, direct_send: bool = True
) -> Result:
    backend = AiortcMediaBackend(LOOPBACK, direct_send=direct_send)

    async def join(request: web.Request) -> web.Response:
        body = await request.json()
        answer = await backend.join(body["participant_id"], body["room_id"], body["sdp"])
        return web.json_response({"sdp": answer})

    app = web.Application()
    app.router.add_post("/join", join)
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
    result = Result("sfu" if direct_send else "queued", rooms, size)
    lag = asyncio.ensure_future(measure_loop_lag(result.loop_lag_ms))
    totals: dict[str, tuple[int, int, float, int]] = {}

    upstream: dict[str, tuple[int, int, int]] = {}

    def on_window(edge: str) -> None:
        stats = [backend.stats(pid) for pid in backend.participant_ids()]
        totals[edge] = (
            sum(s.bytes_received for s in stats),
            sum(s.video_frames_received for s in stats),
            time.monotonic(),
            sum(s.frames_forwarded for s in stats),
        )
        upstream[edge] = (
            *upstream_rtp(backend),
            sum(s.frames_dropped for s in stats),
            sum(s.keyframe_requests_upstream for s in stats),
        )

    try:
        result.report, result.server_cpu_core = await run_worker(
            ["--mode", "sfu", "--url", f"http://127.0.0.1:{port}", *common_args(rooms, size, opts)],
            budget_s=opts.seconds + 90,
            on_window=on_window,
        )
        (b0, v0, t0, f0), (b1, v1, t1, f1) = totals["start"], totals["end"]
        result.inbound_kbps = (b1 - b0) * 8 / 1000 / (t1 - t0)
        result.forwarded_fps = (f1 - f0) / (t1 - t0)
        # audio frames are ~100x smaller; attributing all bytes to video overestimates a bit
        result.video_frame_bytes = (b1 - b0) / max(v1 - v0, 1)
        sent = int(result.report.get("video_expected") or 0) / max(size - 1, 1)
        result.upstream_delivery = round((v1 - v0) / sent, 3) if sent else None
        (e0, r0, d0, k0), (e1, r1, d1, k1) = upstream["start"], upstream["end"]
        result.rtp_loss_up = round(1 - (r1 - r0) / (e1 - e0), 4) if e1 > e0 else None
        result.server_drops = d1 - d0
        result.keyframe_requests = k1 - k0
    finally:
        lag.cancel()
        await backend.close()
        await runner.cleanup()
    return result


async def measure_bare(
    rooms: int, size: int, video_bytes: float, opts: argparse.Namespace
) -> Result:
    loop = asyncio.get_running_loop()
    transport, _relay = await loop.create_datagram_endpoint(BareRelay, local_addr=("127.0.0.1", 0))
    port = transport.get_extra_info("sockname")[1]
    packets = max(1, int(-(-video_bytes // 1100)))
    result = Result("bare", rooms, size)
    try:
        result.report, result.server_cpu_core = await run_worker(
            [
                "--mode",
                "bare",
                "--port",
                str(port),
                "--warmup-s",
                "2",
                "--video-bytes",
                str(int(video_bytes / packets) + 40),
                "--video-packets-per-frame",
                str(packets),
                *common_args(rooms, size, opts),
            ],
            budget_s=opts.seconds + 30,
        )
    finally:
        transport.close()
    return result


def common_args(rooms: int, size: int, opts: argparse.Namespace) -> list[str]:
    return [
        "--rooms",
        str(rooms),
        "--size",
        str(size),
        "--seconds",
        str(opts.seconds),
        "--fps",
        str(opts.fps),
        "--width",
        str(opts.width),
        "--height",
        str(opts.height),
    ]


async def main(opts: argparse.Namespace) -> None:
    print(
        f"10-person rooms, video {opts.width}x{opts.height}@{opts.fps} VP8, Opus audio, "
        f"{opts.seconds:g} s windows; server = this process, peers = a child process"
    )
    first = await measure_sfu(1, opts.size, opts)
    print(first.row())
    print(first.traffic())
    bare = await measure_bare(1, opts.size, first.video_frame_bytes or 1100, opts)
    print(bare.row())
    if opts.compare_queued:
        queued = await measure_sfu(1, opts.size, opts, direct_send=False)
        print(queued.row())
        print(queued.traffic())
    carried = 1 if first.worst_loss <= opts.max_loss else 0
    for rooms in range(2, opts.max_rooms + 1):
        if carried < rooms - 1:
            break
        result = await measure_sfu(rooms, opts.size, opts)
        print(result.row())
        print(result.traffic())
        if result.worst_loss <= opts.max_loss:
            carried = rooms
    print(
        f"most {opts.size}-person rooms carried with loss <= {opts.max_loss:.1%}: "
        f"{carried} (searched up to {opts.max_rooms}; peers share this machine's cores)"
    )


def parse(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=float, default=10)
    parser.add_argument("--size", type=int, default=10)
    parser.add_argument("--max-rooms", type=int, default=3)
    parser.add_argument("--max-loss", type=float, default=0.01)
    parser.add_argument("--compare-queued", action="store_true")
    # Defaults keep the simulated peers (which do as much SRTP work as the server) within one
    # core of a shared 2-core machine: ~1 RTP packet per video frame.
    parser.add_argument("--fps", type=int, default=15)
    parser.add_argument("--bitrate", type=int, default=250_000)
    parser.add_argument("--width", type=int, default=320)
    parser.add_argument("--height", type=int, default=240)
    return parser.parse_args(argv)


if __name__ == "__main__":
    asyncio.run(main(parse(sys.argv[1:])))
