"""Incidents: breach policy per member per session, notes and listing by the group's staff."""

from __future__ import annotations

import pytest
from sqlalchemy.ext.asyncio import AsyncSession

from server.errors import ApiError
from server.services.incidents import (
    append_action,
    list_incidents,
    record_breach,
    record_incident,
    write_note,
)

from .conftest import NOW, World


async def test_breaches_escalate_per_member_per_session(db: AsyncSession, world: World) -> None:
    async def breach(member: str, pseudonym: str, session: str) -> str:
        outcome = await record_breach(
            db, world.group_a, session, member, pseudonym, 1, world.fac_a, now=NOW
        )
        return outcome.action

    assert await breach(world.sam, "Sam", world.session_a) == "remind"
    assert await breach(world.alex, "Alex", world.session_a) == "remind"
    assert await breach(world.sam, "Sam", world.session_a) == "mute"
    assert await breach(world.sam, "Sam", world.session_a2) == "remind"
    assert await breach(world.sam, "Sam", world.session_a) == "remove"
    incidents = await list_incidents(db, world.fac_a, world.group_a, session_id=world.session_a)
    assert len(incidents) == 4
    assert {i["kind"] for i in incidents} == {"breach"}
    assert all(i["rule"] == {"index": 1, "text": "No naming venues or brands"} for i in incidents)


async def test_group_without_breach_policy_only_reminds(db: AsyncSession, world: World) -> None:
    outcomes = [
        await record_breach(db, world.group_b, world.session_b, world.bo, "Bo", 0, None)
        for _ in range(4)
    ]
    assert [(o.action, o.breach_count) for o in outcomes] == [
        ("remind", 1),
        ("remind", 2),
        ("remind", 3),
        ("remind", 4),
    ]


async def test_breach_of_unknown_rule_is_refused(db: AsyncSession, world: World) -> None:
    with pytest.raises(ApiError) as caught:
        await record_breach(db, world.group_b, world.session_b, world.bo, "Bo", 1, None)
    assert caught.value.code == "invalid_rule"


async def test_notes_by_group_facilitators_and_admins_only(db: AsyncSession, world: World) -> None:
    incident = await record_incident(
        db, world.group_a, world.session_a, "distress", ["Sam"], [world.sam], "signal", None
    )
    for outsider in (world.fac_b, world.not_facilitator, world.disabled_fac_a, world.sam):
        with pytest.raises(ApiError) as caught:
            await write_note(db, outsider, incident.id, "I looked")
        assert caught.value.code == "forbidden"
    await write_note(db, world.fac_a, incident.id, "Called back, OK", now=NOW)
    await write_note(db, world.admin, incident.id, "Reviewed", now=NOW)
    [view] = await list_incidents(db, world.fac_a, world.group_a)
    assert (view["note"], view["note_by"]) == ("Reviewed", world.admin)
    assert [a["what"] for a in view["actions"]] == ["signal", "note written", "note written"]
    assert "member_ids" not in view


async def test_listing_is_for_the_group_staff_only(db: AsyncSession, world: World) -> None:
    await record_incident(
        db, world.group_a, world.session_a, "held_message", ["Sam"], [world.sam], "held", None
    )
    assert len(await list_incidents(db, world.admin, world.group_a)) == 1
    assert await list_incidents(db, world.fac_b, world.group_b) == []
    for outsider in (world.fac_b, world.not_facilitator, world.sam):
        with pytest.raises(ApiError) as caught:
            await list_incidents(db, outsider, world.group_a)
        assert caught.value.status == 403


async def test_actions_append_in_order(db: AsyncSession, world: World) -> None:
    incident = await record_incident(
        db, world.group_a, world.session_a, "breakout", ["Sam"], [world.sam], "opened", world.fac_a
    )
    await append_action(db, incident.id, "returned to main room", world.fac_a)
    [view] = await list_incidents(db, world.fac_a, world.group_a)
    assert [(a["what"], a["by"]) for a in view["actions"]] == [
        ("opened", world.fac_a),
        ("returned to main room", world.fac_a),
    ]


@pytest.mark.parametrize(
    ("kind", "session", "pseudonyms", "code"),
    [
        ("gossip", "session_a", ["Sam"], "invalid_kind"),
        ("distress", "session_b", ["Sam"], "not_found"),
        ("distress", "session_a", ["Sam", "Alex"], "invalid_incident"),
    ],
)
async def test_invalid_incidents_are_refused(
    db: AsyncSession, world: World, kind: str, session: str, pseudonyms: list[str], code: str
) -> None:
    with pytest.raises(ApiError) as caught:
        await record_incident(
            db, world.group_a, getattr(world, session), kind, pseudonyms, [world.sam], "x", None
        )
    assert caught.value.code == code
