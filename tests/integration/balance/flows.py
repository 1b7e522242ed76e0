"""A live session with the lead, the co and two admitted peers, all measured by talk time."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from server import context
from server.realtime.namespace import RUNTIME
from server.services.session_loop import SESSION_LOOP
from server.services.talk_time import TalkTime
from server.storage.models import Group, Session
from tests.integration.conftest import RunningServer, SteppedClock
from tests.integration.realtime.clients import Client
from tests.integration.realtime.conftest import Connect
from tests.integration.realtime.flows import admitted_peer, join_staff, lead_with_open_lobby
from tests.integration.realtime.seed import World


@dataclass
class Live:
    server: RunningServer
    world: World
    clock: SteppedClock
    lead: Client
    co: Client
    peers: list[Client]

    @property
    def sid(self) -> str:
        return self.world.session_id

    @property
    def talk(self) -> TalkTime:
        return TalkTime(self.server.app[RUNTIME])

    async def tick(self) -> list[str]:
        return await self.server.app[SESSION_LOOP].run_once()

    async def speak(self, index: int, seconds: float) -> None:
        """Peer `index` speaks for `seconds` of stepped time, then stops (turn settles later)."""
        member = self.world.peers[index].id
        await self.talk.speaking_changed(self.sid, member, "main", True, self.clock.ms)
        self.clock.step(seconds)
        await self.talk.speaking_changed(self.sid, member, "main", False, self.clock.ms)

    async def start_speaking(self, index: int) -> None:
        member = self.world.peers[index].id
        await self.talk.speaking_changed(self.sid, member, "main", True, self.clock.ms)


async def set_balancing(server: RunningServer, world: World, values: dict[str, Any]) -> None:
    async with server.app[context.DB]() as db, db.begin():
        session = await db.get(Session, world.session_id)
        assert session is not None
        group = await db.get(Group, session.group_id)
        assert group is not None
        group.settings = {**(group.settings or {}), "balancing": values}


async def live_session(
    server: RunningServer, world: World, connect: Connect, clock: SteppedClock, peers: int = 2
) -> Live:
    lead = await lead_with_open_lobby(connect, world)
    co = await join_staff(connect, world.session_id, world.co)
    clients = [await admitted_peer(connect, world, lead, p) for p in world.peers[:peers]]
    assert (await lead.call("session:go_live"))["ok"]
    live = Live(server, world, clock, lead, co, clients)
    await live.talk.entered(world.session_id, world.lead.id, "main", "lead")
    await live.talk.entered(world.session_id, world.co.id, "main", "co")
    for person in world.peers[:peers]:
        await live.talk.entered(world.session_id, person.id, "main", "peer")
    return live


async def marker(client: Client, live: Live) -> None:
    """Something the server sends `client` after everything emitted before it: a presence
    check for peers, a backchannel message for staff. Once it arrives, every earlier event has
    arrived too (socket.io keeps order per connection)."""
    if client in live.peers:
        person = live.world.peers[live.peers.index(client)]
        assert (await live.lead.call("presence:check", {"member_id": person.id}))["ok"]
        await client.next("presence:check")
    else:
        assert (await client.call("backchannel:send", {"text": "marker"}))["ok"]
        await client.next_matching("backchannel:message", lambda m: m["text"] == "marker")
