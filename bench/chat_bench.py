"""Chat fan-out through the real Holdspace server, next to a bare python-socketio relay.

    python -m bench.chat_bench --seconds 5 [--rooms 3]

This process is the server: first the Holdspace app (SQLite in a temporary folder, in-process
live state, the default trigger lists scanning every message), then a bare python-socketio
relay on aiohttp that puts each connection in its room and re-emits every message to it. Both
listen on a free 127.0.0.1 port with websocket compression off. `--rooms` sessions of 10 people
each (the lead by cookie, nine peers by member token, admitted through the lobby) run in a child
process (bench.chat_clients), so ``getrusage`` here counts only the server. Every member sends
100-character messages without trigger words in a closed loop; deliveries/s, p50/p99 delivery
latency and server CPU are measured over the same window length on both servers, and the
ratio of deliveries/s is printed. Bounded by --seconds and --max-messages; stops by itself.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import resource
import sys
import tempfile
import time
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

import socketio
from aiohttp import web

from bench.chat_clients import message
from rules.matcher import default_matcher
from server.app import create_app
from server.realtime.engine_hooks import disable_websocket_compression
from server.settings import Settings
from tests.integration.helpers import join_as_peer, seed_group_with_session, signed_in

ROOM_SIZE = 10


def cpu_s() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


async def serve(app: web.Application) -> tuple[web.AppRunner, str]:
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
    return runner, f"http://127.0.0.1:{port}"


def bare_relay() -> web.Application:
    """python-socketio on aiohttp doing only the fan-out: join the room named in auth, re-emit."""
    sio = socketio.AsyncServer(async_mode="aiohttp", http_compression=False)
    disable_websocket_compression(sio)
    app = web.Application()
    sio.attach(app)

    @sio.event
    async def connect(sid: str, _environ: Any, auth: dict[str, Any]) -> None:
        await sio.save_session(sid, {"room": auth["room"]})
        await sio.enter_room(sid, auth["room"])

    @sio.on("chat:send")
    async def chat_send(sid: str, data: dict[str, Any]) -> dict[str, Any]:
        room = (await sio.get_session(sid))["room"]
        await sio.emit("chat:message", {"text": data["text"], "sender_id": sid}, to=room)
        return {"ok": True}

    return app


async def seed_rooms(app: web.Application, base_url: str, rooms: int) -> list[dict[str, Any]]:
    """One session per room: a lead signed in over HTTP and nine peers joined by invite."""
    plan = []
    for index in range(rooms):
        seed = await seed_group_with_session(app, tag=str(index), capacity=ROOM_SIZE)
        lead = await signed_in(base_url, seed.lead_email, seed.lead_password)
        cookie = f"hs_session={lead.session_token}"
        await lead.close()
        peers = []
        for number in range(ROOM_SIZE - 1):
            member, token = await join_as_peer(base_url, seed.invite_token, f"Peer {number}")
            peers.append({"id": member["id"], "token": token})
        plan.append({"session_id": seed.session_id, "lead_cookie": cookie, "peers": peers})
    return plan


async def drive_clients(plan: dict[str, Any], workdir: Path) -> dict[str, Any]:
    """Run the client process; measure this process's CPU between its START and STOP."""
    path = workdir / f"plan-{plan['mode']}.json"
    path.write_text(json.dumps(plan), encoding="utf-8")
    child = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bench.chat_clients", str(path), stdout=asyncio.subprocess.PIPE
    )
    assert child.stdout is not None
    cpu_start = cpu_end = 0.0
    result: dict[str, Any] = {}
    budget_s = plan["warmup_s"] + plan["seconds"] + 120
    deadline = time.monotonic() + budget_s
    while True:
        line = await asyncio.wait_for(child.stdout.readline(), deadline - time.monotonic())
        if not line:
            break
        text = line.decode().strip()
        if text == "START":
            cpu_start = cpu_s()
        elif text == "STOP":
            cpu_end = cpu_s()
        elif text.startswith("{"):
            result = json.loads(text)
    if await child.wait() != 0 or not result:
        raise RuntimeError(f"client process failed for {plan['mode']}")
    result["server_cpu"] = (cpu_end - cpu_start) / result["window_s"]
    result["per_s"] = result["deliveries"] / result["window_s"]
    return result


async def measure(
    mode: str,
    start: Callable[[], Awaitable[tuple[web.AppRunner, str, list[dict[str, Any]]]]],
    opts: argparse.Namespace,
    workdir: Path,
) -> dict[str, Any]:
    runner, url, rooms = await start()
    try:
        plan = {
            "mode": mode,
            "url": url,
            "rooms": rooms,
            "seconds": opts.seconds,
            "warmup_s": opts.warmup_s,
            "max_messages": opts.max_messages,
        }
        return await drive_clients(plan, workdir)
    finally:
        await runner.cleanup()


def report(name: str, r: dict[str, Any]) -> None:
    print(
        f"  {name:9s}: {r['per_s']:9,.0f} deliveries/s  p50 {r['p50_ms']:7.1f} ms  "
        f"p99 {r['p99_ms']:7.1f} ms  server CPU {r['server_cpu']:4.0%} "
        f"({r['server_cpu'] / max(r['per_s'], 1) * 1e6:5.1f} us a delivery)  "
        f"({r['members']} clients, {r['sent']} messages sent in {r['window_s']:.1f} s)"
    )


async def main(opts: argparse.Namespace) -> None:
    sample = message(99, 12345)
    assert len(sample) == 100 and not default_matcher().scan(sample), "bench text must be clean"
    with tempfile.TemporaryDirectory(prefix="chat-bench-") as tmp:
        workdir = Path(tmp)

        async def start_holdspace() -> tuple[web.AppRunner, str, list[dict[str, Any]]]:
            settings = Settings(
                host="127.0.0.1",
                port=0,
                data_dir=workdir / "data",
                secret_key="chat-bench",
                login_attempts_per_minute=10_000,
                log_level="WARNING",
            )
            settings.data_dir.mkdir(parents=True, exist_ok=True)
            app = create_app(settings)
            runner, url = await serve(app)
            return runner, url, await seed_rooms(app, url, opts.rooms)

        async def start_bare() -> tuple[web.AppRunner, str, list[dict[str, Any]]]:
            runner, url = await serve(bare_relay())
            return runner, url, [{"room": f"r{i}", "size": ROOM_SIZE} for i in range(opts.rooms)]

        ours = await measure("holdspace", start_holdspace, opts, workdir)
        bare = await measure("bare", start_bare, opts, workdir)
    print(f"chat fan-out: {opts.rooms} rooms of {ROOM_SIZE}, 100-character messages, websocket")
    report("holdspace", ours)
    report("bare", bare)
    print(f"  deliveries/s ratio holdspace/bare: {ours['per_s'] / bare['per_s']:.3f}")
    print("  (server CPU well under 100% means the client process, not the server, was the limit)")


def parse(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench.chat_bench")
    parser.add_argument("--seconds", type=float, default=5.0, help="measured window per server")
    parser.add_argument("--warmup-s", type=float, default=1.0)
    parser.add_argument("--rooms", type=int, default=3, help="sessions of 10 people")
    parser.add_argument("--max-messages", type=int, default=20_000, help="per client")
    return parser.parse_args(argv)


if __name__ == "__main__":
    asyncio.run(main(parse()))
