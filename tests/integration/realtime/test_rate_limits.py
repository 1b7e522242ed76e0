"""Per-connection rate limits on socket events, against a server whose clock the test steps:
a flood is refused after the burst with `rate_limited`, the room gets only what was accepted,
other connections and other families are untouched, and sending works again once the clock
has moved on. Nothing here waits on time."""

from __future__ import annotations

import asyncio
import re
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest

from server import context
from server.app import create_app
from server.realtime import payloads as p
from server.realtime.namespace import EVENT_LIMITS, EVENT_SPECS, EventSpec
from server.services.event_limits import FAMILY_LIMITS, GENERAL
from server.settings import Settings
from tests.integration.conftest import RunningServer, SteppedClock, stepped_server
from tests.integration.realtime.clients import Client
from tests.integration.realtime.conftest import Connect
from tests.integration.realtime.flows import admitted_peer, join_staff, lead_with_open_lobby
from tests.integration.realtime.seed import World

REFUSED = "You're sending too quickly \u2014 wait a moment and try again."
PROTOCOL = (Path(__file__).resolve().parents[3] / "docs" / "protocol.md").read_text()
EVENT = re.compile(r"`([a-z_]+:[a-z_]+)`")


@pytest.fixture
async def running_server(
    server_settings: Settings, clock: SteppedClock
) -> AsyncIterator[RunningServer]:
    async with stepped_server(server_settings, clock) as running:
        yield running


def refused(answer: dict[str, Any], retry_after_ms: int) -> bool:
    return answer == {
        "ok": False,
        "error": {
            "code": "rate_limited",
            "message": REFUSED,
            "details": {"retry_after_ms": retry_after_ms},
        },
    }


async def chat_until(client: Client, marker: str) -> list[str]:
    """The texts of the chat messages `client` got before `marker` (which arrives last)."""
    texts = []
    while (text := (await client.next("chat:message"))["text"]) != marker:
        texts.append(text)
    return texts


async def test_a_chat_flood_is_refused_after_the_burst_and_the_room_gets_only_what_was_accepted(
    world: World, connect: Connect, clock: SteppedClock
) -> None:
    lead = await lead_with_open_lobby(connect, world)
    co = await join_staff(connect, world.session_id, world.co)
    peer = await admitted_peer(connect, world, lead, world.peers[0])

    flood = [f"flood {i}" for i in range(12)]
    answers = await asyncio.gather(*(peer.call("chat:send", {"text": t}) for t in flood))
    accepted = [a["message"]["text"] for a in answers if a["ok"]]
    assert len(accepted) == 5  # the burst; the clock has not moved, so nothing refilled
    assert all(refused(a, 1000) for a in answers if not a["ok"])

    # another connection is not limited by this one
    assert (await lead.call("chat:send", {"text": "lead marker"}))["ok"]
    for receiver in (co, lead, peer):
        assert sorted(await chat_until(receiver, "lead marker")) == sorted(accepted)

    # a second later there is room for one more, and the wait of the next is exact
    clock.step_ms(1000)
    assert (await peer.call("chat:send", {"text": "after a second"}))["ok"]
    assert refused(await peer.call("chat:send", {"text": "too soon"}), 1000)
    clock.step_ms(400)
    assert refused(await peer.call("chat:send", {"text": "still too soon"}), 600)
    clock.step_ms(600)
    assert (await peer.call("chat:send", {"text": "peer marker"}))["ok"]
    assert await chat_until(co, "peer marker") == ["after a second"]

    # everything accepted is kept, nothing refused is: a late joiner's history
    late = await connect(world.session_id, headers=world.co.cookie)
    history = [m["text"] for m in (await late.call("session:join"))["room"]["chat"]]
    assert sorted(history) == sorted([*accepted, "lead marker", "after a second", "peer marker"])


async def test_families_are_apart_and_an_event_without_ack_hears_about_its_limit(
    world: World, connect: Connect
) -> None:
    lead = await lead_with_open_lobby(connect, world)
    peer = await admitted_peer(connect, world, lead, world.peers[0])
    for i in range(5):
        assert (await peer.call("chat:send", {"text": f"m{i}"}))["ok"]
    assert refused(await peer.call("chat:send", {"text": "one more"}), 1000)

    # a peer who used up the chat can still ask for support, raise a hand, switch media
    assert (await peer.call("support:request"))["ok"]
    assert (await peer.call("hand:raise"))["ok"]
    assert (await peer.call("media:state", {"camera_on": False, "mic_on": False}))["ok"]

    # sent without an ack: the refusal comes back as an `error` event
    await peer.sio.emit("chat:send", {"text": "no ack"})
    error = await peer.next("error")
    assert refused(error, 1000)


async def test_staff_get_more_and_their_moderation_is_never_limited(
    world: World, connect: Connect
) -> None:
    lead = await lead_with_open_lobby(connect, world)
    answers = [await lead.call("chat:send", {"text": f"m{i}"}) for i in range(11)]
    assert [a["ok"] for a in answers] == [True] * 10 + [False]
    assert refused(answers[-1], 500)
    # more hand:take than any limit allows: every one is answered by the service itself
    takes = await asyncio.gather(*(lead.call("hand:take") for _ in range(50)))
    assert {a["error"]["code"] for a in takes} == {"no_hands"}


async def test_a_closed_connection_leaves_no_buckets_behind(
    running_server: RunningServer, world: World, connect: Connect
) -> None:
    lead = await lead_with_open_lobby(connect, world)
    peer = await admitted_peer(connect, world, lead, world.peers[0])
    assert (await peer.call("chat:send", {"text": "hello"}))["ok"]
    sid = peer.sio.get_sid()
    limits = running_server.app[EVENT_LIMITS]
    assert sid in limits.tracked()
    await peer.close()

    # the server forgets the buckets before it tells the room the peer's connection dropped
    def dropped(update: dict[str, Any]) -> bool:
        return any(
            p["id"] == world.peers[0].id and not p["connected"] for p in update["participants"]
        )

    await lead.next_matching("room:participants", dropped)
    assert sid not in limits.tracked()


def _documented_limits() -> tuple[dict[str, str], set[str], set[str]]:
    """From docs/protocol.md, "Rate limits": the family of each event its table names, the
    events it says are never limited for staff, and the families of the table. An event the
    table's staff column calls never limited must be in that list too."""
    section = PROTOCOL.split("### Rate limits\n", 1)[1].split("\n### ", 1)[0]
    families: dict[str, str] = {}
    table: set[str] = set()
    staff_column: set[str] = set()
    for row in section.splitlines():
        if not row.startswith("| ") or row.startswith(("| family ", "| ---")):
            continue
        family, events, _peers, staff = (cell.strip() for cell in row.strip("|").split("|"))
        family = family.replace(" ", "_")
        table.add(family)
        families.update((event, family) for event in EVENT.findall(events))
        staff_column.update(EVENT.findall(staff))
    never = re.search(r"never limited for staff:(.*?)\.\s", section, re.S)
    assert never is not None
    staff_unlimited = set(EVENT.findall(never.group(1)))
    assert staff_column <= staff_unlimited
    return families, staff_unlimited, table


def test_each_events_limit_is_declared_once_and_the_docs_agree(tmp_path: Path) -> None:
    app = create_app(Settings(secret_key="limits", data_dir=tmp_path))
    specs = app[EVENT_SPECS]
    handled = {name for handlers in app[context.SIO].handlers.values() for name in handlers}
    assert set(specs) == handled - {"connect", "disconnect"}

    families, staff_unlimited, table = _documented_limits()
    assert table == set(FAMILY_LIMITS)
    assert {n: s.family for n, s in specs.items() if s.family != GENERAL} == families
    assert {n for n, s in specs.items() if s.staff_unlimited} == staff_unlimited


def test_an_event_cannot_name_a_family_without_a_limit() -> None:
    with pytest.raises(ValueError, match="chatter"):
        EventSpec(p.Empty, None, lambda rt, c, _: _, family="chatter")
