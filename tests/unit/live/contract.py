"""One contract for every LiveState adapter; each adapter's test module provides `live`."""

from __future__ import annotations

import asyncio

from server.live.history import History
from server.live.roster import Roster
from server.live.state import LiveState


class LiveStateContract:
    async def test_missing_value_is_none(self, live: LiveState) -> None:
        assert await live.get_json("s1", "nothing") is None

    async def test_set_get_and_delete(self, live: LiveState) -> None:
        await live.set_json("s1", "k", {"a": [1, 2], "b": None})
        assert await live.get_json("s1", "k") == {"a": [1, 2], "b": None}
        await live.set_json("s1", "k", None)
        assert await live.get_json("s1", "k") is None

    async def test_values_are_per_session(self, live: LiveState) -> None:
        await live.set_json("s1", "k", 1)
        await live.set_json("s2", "k", 2)
        assert await live.get_json("s1", "k") == 1
        assert await live.get_json("s2", "k") == 2

    async def test_returned_values_are_copies(self, live: LiveState) -> None:
        await live.set_json("s1", "k", {"n": 1})
        value = await live.get_json("s1", "k")
        value["n"] = 99
        assert await live.get_json("s1", "k") == {"n": 1}

    async def test_update_json_starts_from_none_and_can_delete(self, live: LiveState) -> None:
        assert await live.update_json("s1", "n", lambda v: (v or 0) + 1) == 1
        assert await live.update_json("s1", "n", lambda v: (v or 0) + 1) == 2
        assert await live.update_json("s1", "n", lambda v: None) is None
        assert await live.get_json("s1", "n") is None

    async def test_concurrent_updates_lose_nothing(self, live: LiveState) -> None:
        async def bump(i: int) -> None:
            await asyncio.sleep(0)
            await live.update_json("s1", "ledger", lambda v: {**(v or {}), str(i): i})

        await asyncio.gather(*(bump(i) for i in range(25)))
        assert await live.get_json("s1", "ledger") == {str(i): i for i in range(25)}

    async def test_log_is_bounded_and_ordered(self, live: LiveState) -> None:
        for i in range(7):
            await live.append("s1", "log", {"i": i}, keep=5)
        assert await live.tail("s1", "log", 10) == [{"i": i} for i in range(2, 7)]
        assert await live.tail("s1", "log", 2) == [{"i": 5}, {"i": 6}]
        assert await live.tail("s1", "other", 10) == []

    async def test_clear_session_forgets_only_that_session(self, live: LiveState) -> None:
        await live.set_json("s1", "k", 1)
        await live.append("s1", "log", "x", keep=5)
        await live.set_json("s2", "k", 2)
        await live.clear_session("s1")
        assert await live.get_json("s1", "k") is None
        assert await live.tail("s1", "log", 5) == []
        assert await live.get_json("s2", "k") == 2

    async def test_roster_tracks_connections_and_rooms(self, live: LiveState) -> None:
        roster = Roster(live)
        await roster.connect("s1", person_id="m1", name="Ash", role="peer", room_id="main", sid="a")
        await roster.connect("s1", person_id="m1", name="Ash", role="peer", room_id="main", sid="b")
        await roster.connect("s1", person_id="u1", name="Lee", role="lead", room_id="main", sid="c")
        await roster.connect("s1", person_id="m2", name="Bo", role="peer", room_id=None, sid="d")
        in_room = await roster.in_room("s1", "main")
        assert [(p.id, p.sids) for p in in_room] == [("u1", ("c",)), ("m1", ("a", "b"))]
        after = await roster.disconnect("s1", person_id="m1", sid="a")
        assert after is not None and after.sids == ("b",) and after.connected
        after = await roster.disconnect("s1", person_id="m1", sid="b")
        assert after is not None and not after.connected
        assert [p.to_participant() for p in await roster.in_room("s1", "main")][1] == {
            "id": "m1",
            "name": "Ash",
            "role": "peer",
            "connected": False,
        }
        dropped = await roster.drop("s1", "u1")
        assert dropped is not None and dropped.sids == ("c",)
        assert await roster.get("s1", "u1") is None
        assert await roster.get("s2", "m1") is None

    async def test_lobby_keeps_first_since_and_orders_by_it(self, live: LiveState) -> None:
        roster = Roster(live)
        await roster.wait("s1", member_id="m2", pseudonym="Bo", since_ms=20)
        await roster.wait("s1", member_id="m1", pseudonym="Ash", since_ms=10)
        await roster.wait("s1", member_id="m2", pseudonym="Bo", since_ms=30)
        assert await roster.waiting("s1") == [
            {"member_id": "m1", "pseudonym": "Ash", "since_ms": 10},
            {"member_id": "m2", "pseudonym": "Bo", "since_ms": 20},
        ]
        assert await roster.stop_waiting("s1", "m1") is True
        assert await roster.stop_waiting("s1", "m1") is False
        assert [w["member_id"] for w in await roster.waiting("s1")] == ["m2"]

    async def test_history_keeps_the_newest_messages_per_room(self, live: LiveState) -> None:
        history = History(live, keep=3)
        for i in range(5):
            await history.add_chat("s1", "main", {"id": str(i)})
        await history.add_chat("s1", "b1", {"id": "x"})
        await history.add_backchannel("s1", {"id": "bc"})
        assert [m["id"] for m in await history.chat("s1", "main")] == ["2", "3", "4"]
        assert [m["id"] for m in await history.chat("s1", "b1")] == ["x"]
        assert [m["id"] for m in await history.backchannel("s1")] == ["bc"]
        assert await history.chat("s2", "main") == []
