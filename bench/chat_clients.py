"""The client side of bench.chat_bench, in its own process so the server's CPU is its own.

    python -m bench.chat_clients PLAN.json

PLAN (written by bench.chat_bench): {"mode": "holdspace"|"bare", "url", "seconds",
"warmup_s", "max_messages", "rooms": [{"session_id", "lead_cookie", "peers": [{"id",
"token"}]} | {"room", "size"}]}. Every member of every room sends 100-character messages in
a closed loop (the next one after the server's ack); every member records the delivery latency
of each message it receives. Prints START and STOP around the measured window and then one JSON
line with the counts and latency percentiles.
"""

from __future__ import annotations

import asyncio
import json
import statistics
import sys
import time
from typing import Any

import socketio

MESSAGE_CHARS = 100
FILLER = (
    "thanks everyone for listening tonight, it really helps to hear how the week went for you all "
)
TIMEOUT_S = 20


def message(sender: int, seq: int) -> str:
    """A 100-character message with no trigger word that carries its send time."""
    head = f"{time.perf_counter():.6f} {sender} {seq} "
    return (head + FILLER * 2)[:MESSAGE_CHARS]


class Member:
    """One socket.io client that records when each chat message reaches it."""

    def __init__(self, stats: Stats) -> None:
        self.sio = socketio.AsyncClient(reconnection=False)
        self.stats = stats
        self.sio.on("chat:message", self.received)

    async def received(self, data: dict[str, Any]) -> None:
        now = time.perf_counter()
        if self.stats.measuring:
            self.stats.latencies_ms.append((now - float(data["text"].split(" ", 1)[0])) * 1e3)

    async def call(self, event: str, data: Any = None) -> Any:
        return await self.sio.call(event, {} if data is None else data, timeout=TIMEOUT_S)


class Stats:
    def __init__(self) -> None:
        self.measuring = False
        self.latencies_ms: list[float] = []
        self.sent = 0


async def connect(member: Member, url: str, auth: dict[str, Any], headers: dict[str, str]) -> None:
    await member.sio.connect(
        url, auth=auth, headers=headers, transports=["websocket"], wait_timeout=TIMEOUT_S
    )


async def join_holdspace_room(url: str, room: dict[str, Any], stats: Stats) -> list[Member]:
    """The lead opens the lobby; each peer accepts the rules, waits, and is admitted."""
    lead = Member(stats)
    session_id = room["session_id"]
    await connect(lead, url, {"session_id": session_id}, {"Cookie": room["lead_cookie"]})
    assert (await lead.call("session:join"))["ok"]
    assert (await lead.call("session:open_lobby"))["ok"]
    members = [lead]
    for peer in room["peers"]:
        member = Member(stats)
        await connect(member, url, {"session_id": session_id, "member_token": peer["token"]}, {})
        for event in ("session:join", "lobby:accept_rules", "lobby:enter"):
            answer = await member.call(event)
            assert answer["ok"], (event, answer)
        answer = await lead.call("lobby:admit", {"member_id": peer["id"]})
        assert answer["ok"], answer
        members.append(member)
    return members


async def join_bare_room(url: str, room: dict[str, Any], stats: Stats) -> list[Member]:
    members = []
    for _ in range(room["size"]):
        member = Member(stats)
        await connect(member, url, {"room": room["room"]}, {})
        members.append(member)
    return members


async def send_loop(
    member: Member, sender: int, stop_at: float, plan: dict[str, Any], stats: Stats
) -> None:
    seq = 0
    while time.perf_counter() < stop_at and seq < plan["max_messages"]:
        answer = await member.call("chat:send", {"text": message(sender, seq)})
        if not answer.get("ok"):
            raise RuntimeError(f"chat:send refused: {answer}")
        seq += 1
        if stats.measuring:
            stats.sent += 1


async def run(plan: dict[str, Any]) -> dict[str, Any]:
    stats = Stats()
    join = join_holdspace_room if plan["mode"] == "holdspace" else join_bare_room
    members: list[Member] = []
    for room in plan["rooms"]:
        members += await join(plan["url"], room, stats)
    await asyncio.sleep(0.5)  # let admissions and presence updates settle
    t0 = time.perf_counter()
    start_at = t0 + plan["warmup_s"]
    stop_at = start_at + plan["seconds"]

    async def window() -> tuple[float, float]:
        await asyncio.sleep(start_at - time.perf_counter())
        stats.measuring = True
        print("START", flush=True)
        began = time.perf_counter()
        await asyncio.sleep(stop_at - time.perf_counter())
        stats.measuring = False
        print("STOP", flush=True)
        return began, time.perf_counter()

    senders = [send_loop(m, i, stop_at, plan, stats) for i, m in enumerate(members)]
    (began, ended), *_ = await asyncio.gather(window(), *senders)
    for member in members:
        await member.sio.disconnect()
    lat = sorted(stats.latencies_ms)
    quantiles = statistics.quantiles(lat, n=100) if len(lat) >= 2 else [float("nan")] * 99
    return {
        "members": len(members),
        "window_s": ended - began,
        "sent": stats.sent,
        "deliveries": len(lat),
        "p50_ms": quantiles[49],
        "p99_ms": quantiles[98],
    }


def main(argv: list[str]) -> None:
    with open(argv[0], encoding="utf-8") as handle:
        plan = json.load(handle)
    result = asyncio.run(run(plan))
    print(json.dumps(result), flush=True)


if __name__ == "__main__":
    main(sys.argv[1:])
