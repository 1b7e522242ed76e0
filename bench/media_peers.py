"""The peer side of ``bench.media_bench``, run in its own process.

Keeping the simulated participants out of the server process is what makes the server's CPU
measurable.  The orchestrator starts this module, reads JSON lines from its stdout
(``ready`` -> ``window_start`` -> ``window_end``) and takes its own CPU readings at the same
moments.  Two modes:

* ``sfu``: headless aiortc peers (pre-encoded looping VP8 camera, WAV microphone, encoded
  receive taps so that peers do not spend CPU decoding) signalling over HTTP;
* ``bare``: plain UDP sockets sending the same packet rates through the bare relay.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import resource
import socket
import struct
import sys
import tempfile
import time
import wave
from pathlib import Path

import aiohttp
import numpy as np

from server.media.ice import LOOPBACK
from server.tools.media_peer import MediaPeer
from server.tools.media_sources import SyntheticCamera

SETTLE_S = 0.5
AUDIO_PT, VIDEO_PT = 96, 97  # what aiortc's answer assigns to Opus and VP8 (checked below)
BARE_HEADER = struct.Struct("!HHBId")  # room, participant, kind (0 audio, 1 video), seq, sent


def emit(event: str, **fields: object) -> None:
    print(json.dumps({"event": event, **fields}), flush=True)


def cpu_s() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def percentiles_ms(values: list[float]) -> dict[str, float]:
    if not values:
        return {}
    arr = np.array(values) * 1000
    return {f"p{q}": round(float(np.percentile(arr, q)), 1) for q in (50, 95, 99)}


class LightCounter:
    """Counts a subscriber's incoming RTP after SRTP, skipping aiortc's receive pipeline.

    One simulating process must stand in for ten subscribers, and aiortc's per-packet Python
    work (parse, statistics, NACK, jitter buffer) would make the simulator, not the server,
    the bottleneck.  The server does the same work either way.  Audio packets are frames;
    a video frame ends at the RTP marker bit.
    """

    def __init__(self, peer: MediaPeer) -> None:
        self.audio = 0
        self.video_frames = 0
        self.video_sources: set[int] = set()
        # per SSRC: [first extended sequence number, highest, packets received]
        self.streams: dict[int, list[int]] = {}
        transport = peer.pc.getTransceivers()[0].receiver.transport
        transport._handle_rtp_data = self._on_rtp  # type: ignore[method-assign]

    async def _on_rtp(self, data: bytes, arrival_time_ms: int) -> None:
        payload_type, marker = data[1] & 0x7F, data[1] >> 7
        if payload_type not in (AUDIO_PT, VIDEO_PT):
            return  # RTX: loss is counted before retransmission, like RTCP receiver reports
        ssrc = int.from_bytes(data[8:12], "big")
        seq = int.from_bytes(data[2:4], "big")
        stream = self.streams.get(ssrc)
        if stream is None:
            self.streams[ssrc] = [seq, seq, 1]
        else:
            ext = (stream[1] & ~0xFFFF) | seq
            if ext < stream[1] - 0x8000:
                ext += 0x10000
            elif ext > stream[1] + 0x8000:
                ext -= 0x10000
            stream[1] = max(stream[1], ext)
            stream[2] += 1
        if payload_type == AUDIO_PT:
            self.audio += 1
        elif marker:
            self.video_frames += 1
            self.video_sources.add(ssrc)

    def rtp_counts(self) -> tuple[int, int]:
        """(expected, received) RTP packets over all incoming streams so far."""
        expected = sum(high - low + 1 for low, high, _ in self.streams.values())
        return expected, sum(n for *_, n in self.streams.values())


async def rtp_counts(peer: MediaPeer) -> tuple[int, int]:
    """(expected, received) for a full aiortc subscriber, from its RTCP statistics."""
    expected = received = 0
    for stats in (await peer.pc.getStats()).values():
        if stats.type == "inbound-rtp":
            expected += stats.packetsReceived + stats.packetsLost
            received += stats.packetsReceived
    return expected, received


def write_voice_wav(path: Path, seconds: float = 4.0) -> None:
    """A loopable voiced hum with pauses: keeps speaking detection busy as real talk would."""
    rate = 48_000
    t = np.arange(int(seconds * rate)) / rate
    hum = sum(np.sin(2 * np.pi * 140 * k * t) / k for k in range(1, 12))
    gate = (np.sin(2 * np.pi * 0.5 * t) > 0).astype(float)
    samples = (hum / np.max(np.abs(hum)) * 8000 * gate).astype(np.int16)
    with wave.open(str(path), "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(rate)
        out.writeframes(samples.tobytes())


async def run_sfu(args: argparse.Namespace) -> None:
    wav = Path(tempfile.mkdtemp()) / "voice.wav"
    write_voice_wav(wav)
    peers: list[tuple[int, MediaPeer]] = []
    http = aiohttp.ClientSession()
    for room in range(args.rooms):
        cameras: dict[int, SyntheticCamera] = {}

        def sent_at(h: int, cameras: dict[int, SyntheticCamera] = cameras) -> float | None:
            for camera in cameras.values():
                if (t := camera.sent_at_s.get(h)) is not None:
                    return t
            return None

        for i in range(args.size):
            pid = f"r{room}p{i}"

            async def signal(sdp: str, pid: str = pid, room: int = room) -> str:
                body = {"participant_id": pid, "room_id": f"room-{room}", "sdp": sdp}
                async with http.post(f"{args.url}/join", json=body) as response:
                    return (await response.json())["sdp"]

            cameras[i] = SyntheticCamera(
                i,
                width=args.width,
                height=args.height,
                fps=args.fps,
                bitrate=args.bitrate,
                loop_frames=args.fps * 2,
            )
            peer = MediaPeer(
                pid,
                wav,
                signal,
                ice=LOOPBACK,
                slots=args.size - 1,
                decode=False,
                camera=cameras[i],
                sent_at=sent_at,
                loop_audio=True,
            )
            peers.append((room, peer))
    await asyncio.gather(*(p.start() for _, p in peers))
    # the first peer of each room is a full aiortc subscriber (latency, per-slot counts);
    # the others count cheaply
    light = {p.name: LightCounter(p) for _, p in peers if not p.name.endswith("p0")}
    for _, p in peers:
        assert f"a=rtpmap:{AUDIO_PT} opus" in p.pc.remoteDescription.sdp
        assert f"a=rtpmap:{VIDEO_PT} VP8" in p.pc.remoteDescription.sdp

    def receiving_all(p: MediaPeer) -> bool:
        if p.name in light:
            return len(light[p.name].video_sources) >= args.size - 1
        video_slots = [n for (kind, _), n in p.frames_by_slot.items() if kind == "video" and n]
        return len(video_slots) >= args.size - 1

    def all_receiving() -> bool:
        return all(receiving_all(p) for _, p in peers)

    with contextlib.suppress(TimeoutError):
        await asyncio.gather(
            *(p.wait_until(lambda p=p: receiving_all(p), args.warmup_s) for _, p in peers)
        )
    emit("ready", all_receiving=all_receiving())

    def received(p: MediaPeer, kind: str) -> int:
        if p.name in light:
            counter = light[p.name]
            return counter.audio if kind == "audio" else counter.video_frames
        return sum(n for (k, _), n in p.frames_by_slot.items() if k == kind)

    def sent() -> dict[str, dict[str, int]]:
        return {
            p.name: {
                "room": room,
                "sent_audio": p.microphone._pts // 960,
                "sent_video": p.camera._index if p.camera else 0,
            }
            for room, p in peers
        }

    def got() -> dict[str, dict[str, int]]:
        return {
            p.name: {"recv_audio": received(p, "audio"), "recv_video": received(p, "video")}
            for _, p in peers
        }

    async def rtp_total() -> tuple[int, int]:
        expected = received = 0
        for _, p in peers:
            e, r = light[p.name].rtp_counts() if p.name in light else await rtp_counts(p)
            expected, received = expected + e, received + r
        return expected, received

    for _, p in peers:
        p.latencies_s.clear()
    # Receive counters are read SETTLE_S after send counters, so that frames in flight at
    # either edge of the window are neither lost nor gained.
    sent_before, cpu_before, wall_before = sent(), cpu_s(), time.monotonic()
    rtp_before = await rtp_total()
    emit("window_start")
    await asyncio.sleep(SETTLE_S)
    got_before = got()
    await asyncio.sleep(args.seconds - SETTLE_S)
    sent_after = sent()
    rtp_after = await rtp_total()
    await asyncio.sleep(SETTLE_S)
    got_after = got()
    rtp_expected, rtp_received = (a - b for a, b in zip(rtp_after, rtp_before, strict=True))
    before = {name: sent_before[name] | got_before[name] for name in sent_before}
    after = {name: sent_after[name] | got_after[name] for name in sent_after}
    emit(
        "window_end",
        **loss_report(before, after, args.size),
        rtp_loss_down=round(1 - rtp_received / rtp_expected, 4) if rtp_expected else None,
        latency_ms=percentiles_ms([x for _, p in peers for x in p.latencies_s]),
        peers_cpu_core=round((cpu_s() - cpu_before) / (time.monotonic() - wall_before), 3),
    )
    for _, p in peers:
        await p.close()
    await http.close()


def loss_report(before: dict, after: dict, size: int) -> dict[str, object]:
    """Frames each subscriber should have received (the others' sends) against what it got."""
    delta = {
        name: {k: after[name][k] - before[name][k] for k in after[name] if k != "room"}
        | {"room": after[name]["room"]}
        for name in after
    }
    out: dict[str, object] = {}
    for kind in ("audio", "video"):
        expected = received = 0
        for name, d in delta.items():
            others = [o for o, e in delta.items() if e["room"] == d["room"] and o != name]
            expected += sum(delta[o][f"sent_{kind}"] for o in others)
            received += d[f"recv_{kind}"]
        out[f"{kind}_expected"] = expected
        out[f"{kind}_received"] = received
        out[f"{kind}_loss"] = round(1 - received / expected, 4) if expected else None
    return out


class BareReceiver(asyncio.DatagramProtocol):
    def __init__(self) -> None:
        self.received = {0: 0, 1: 0}
        self.latencies_s: list[float] = []

    def datagram_received(self, data: bytes, addr: tuple[str, int]) -> None:
        _room, _pid, kind, _seq, sent = BARE_HEADER.unpack_from(data)
        self.received[kind] += 1
        if kind == 1:
            self.latencies_s.append(time.monotonic() - sent)


async def run_bare(args: argparse.Namespace) -> None:
    """Send the SFU run's packet rates through the bare relay and count what comes back."""
    loop = asyncio.get_running_loop()
    members = []
    for room in range(args.rooms):
        for i in range(args.size):
            transport, proto = await loop.create_datagram_endpoint(
                BareReceiver, local_addr=("127.0.0.1", 0), family=socket.AF_INET
            )
            members.append((room, i, transport, proto))
    sent = {0: 0, 1: 0}
    seq = 0

    async def send_loop(kind: int, interval_s: float, size: int, packets: int) -> None:
        nonlocal seq
        start = time.monotonic()
        tick = 0
        while True:
            for room, i, transport, _ in members:
                for _ in range(packets):
                    header = BARE_HEADER.pack(room, i, kind, seq, time.monotonic())
                    transport.sendto(header.ljust(size, b"\0"), ("127.0.0.1", args.port))
                    seq += 1
                    sent[kind] += 1
            tick += 1
            await asyncio.sleep(max(0.0, start + tick * interval_s - time.monotonic()))

    tasks = [
        asyncio.ensure_future(send_loop(0, 0.02, args.audio_bytes, 1)),
        asyncio.ensure_future(
            send_loop(1, 1 / args.fps, args.video_bytes, args.video_packets_per_frame)
        ),
    ]
    await asyncio.sleep(args.warmup_s)
    emit("ready", all_receiving=True)
    sent_before, cpu_before, wall_before = dict(sent), cpu_s(), time.monotonic()
    for *_, p in members:
        p.latencies_s.clear()
    emit("window_start")
    await asyncio.sleep(SETTLE_S)
    got_before = [dict(p.received) for *_, p in members]
    await asyncio.sleep(args.seconds - SETTLE_S)
    sent_after = dict(sent)
    await asyncio.sleep(SETTLE_S)
    fanout = args.size - 1
    report: dict[str, object] = {}
    for kind, name in ((0, "audio"), (1, "video")):
        expected = (sent_after[kind] - sent_before[kind]) * fanout
        received = sum(
            p.received[kind] - b[kind] for (*_, p), b in zip(members, got_before, strict=True)
        )
        report |= {
            f"{name}_expected": expected,
            f"{name}_received": received,
            f"{name}_loss": round(1 - received / expected, 4) if expected else None,
        }
    emit(
        "window_end",
        **report,
        latency_ms=percentiles_ms([x for *_, p in members for x in p.latencies_s]),
        peers_cpu_core=round((cpu_s() - cpu_before) / (time.monotonic() - wall_before), 3),
    )
    for task in tasks:
        task.cancel()
    for _, _, transport, _ in members:
        transport.close()


def main(argv: list[str]) -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--mode", choices=("sfu", "bare"), required=True)
    parser.add_argument("--url", default="")
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument("--rooms", type=int, default=1)
    parser.add_argument("--size", type=int, default=10)
    parser.add_argument("--seconds", type=float, default=10)
    parser.add_argument("--warmup-s", type=float, default=20)
    parser.add_argument("--fps", type=int, default=30)
    parser.add_argument("--width", type=int, default=320)
    parser.add_argument("--height", type=int, default=240)
    parser.add_argument("--bitrate", type=int, default=500_000)
    parser.add_argument("--audio-bytes", type=int, default=100)
    parser.add_argument("--video-bytes", type=int, default=1100)
    parser.add_argument("--video-packets-per-frame", type=int, default=2)
    args = parser.parse_args(argv)
    asyncio.run(run_sfu(args) if args.mode == "sfu" else run_bare(args))


if __name__ == "__main__":
    main(sys.argv[1:])
