"""Groups, sessions and who sees what."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from facilitator.session import DEFAULT_GROUND_RULES
from tests.integration.helpers import PASSWORD, seed_group_with_session, signed_in


def _iso(delta_min: int) -> str:
    return (datetime.now(UTC) + timedelta(minutes=delta_min)).isoformat()


async def test_group_defaults_and_capacity_limit(running_server):
    seed = await seed_group_with_session(running_server.app)
    async with await signed_in(running_server.base_url, seed.admin_email, PASSWORD) as admin:
        status, body = await admin.post("/api/groups", {"name": "  Evening group  "})
        assert status == 200
        group = body["group"]
        assert group["name"] == "Evening group" and group["capacity"] == 10
        assert group["ground_rules"] == list(DEFAULT_GROUND_RULES)
        assert group["audience"] == "mixed" and group["format"] == "drop_in"

        status, body = await admin.post("/api/groups", {"name": "Too big", "capacity": 15})
        assert status == 400 and body["error"]["code"] == "capacity_too_large"
        status, body = await admin.get("/api/groups")
        assert "Too big" not in [g["name"] for g in body["groups"]]

        status, body = await admin.patch(f"/api/groups/{group['id']}", {"capacity": 15})
        assert status == 400 and body["error"]["code"] == "capacity_too_large"
        status, body = await admin.patch(
            f"/api/groups/{group['id']}",
            {"capacity": 14, "ground_rules": ["  Be kind. ", ""], "audience": "women_only"},
        )
        assert status == 200
        assert body["group"]["capacity"] == 14
        assert body["group"]["ground_rules"] == ["Be kind."]
        assert body["group"]["audience"] == "women_only"
        status, body = await admin.patch(f"/api/groups/{group['id']}", {"ground_rules": [" "]})
        assert status == 400 and body["error"]["code"] == "rules_empty"
        status, body = await admin.get(f"/api/groups/{group['id']}")
        assert body["group"]["ground_rules"] == ["Be kind."] and body["group"]["capacity"] == 14


async def test_facilitators_assignment(running_server):
    seed = await seed_group_with_session(running_server.app)
    async with await signed_in(running_server.base_url, seed.admin_email, PASSWORD) as admin:
        url = f"/api/groups/{seed.group_id}/facilitators"
        status, body = await admin.put(url, {"user_ids": [seed.admin_id]})
        assert status == 400 and body["error"]["code"] == "not_a_facilitator"
        status, body = await admin.put(url, {"user_ids": [seed.lead_id, seed.co_id]})
        assert status == 200
        assert {f["id"] for f in body["group"]["facilitators"]} == {seed.lead_id, seed.co_id}


async def test_session_needs_two_different_assigned_facilitators(running_server):
    seed = await seed_group_with_session(running_server.app)
    other = await seed_group_with_session(running_server.app, tag="2")
    url = f"/api/groups/{seed.group_id}/sessions"
    good = {"scheduled_start": _iso(60), "scheduled_end": _iso(120), "theme": "Hope"}
    async with await signed_in(running_server.base_url, seed.admin_email, PASSWORD) as admin:
        status, body = await admin.post(
            url, good | {"lead_id": seed.lead_id, "co_id": seed.lead_id}
        )
        assert status == 400 and body["error"]["code"] == "lead_is_co"
        status, body = await admin.post(url, good | {"lead_id": seed.lead_id, "co_id": other.co_id})
        assert status == 400 and body["error"]["code"] == "not_group_facilitator"
        bad_times = good | {"scheduled_end": _iso(30), "lead_id": seed.lead_id, "co_id": seed.co_id}
        status, body = await admin.post(url, bad_times)
        assert status == 400 and body["error"]["code"] == "bad_schedule"
        naive = good | {
            "scheduled_start": "2030-01-01T10:00:00",
            "lead_id": seed.lead_id,
            "co_id": seed.co_id,
        }
        status, body = await admin.post(url, naive)
        assert status == 400 and body["error"]["code"] == "bad_request"
        status, body = await admin.post(
            url, good | {"lead_id": seed.co_id, "co_id": seed.standby_id}
        )
        assert status == 200
        session = body["session"]
        assert session["state"] == "scheduled" and session["group_name"] == "Test group"
        assert datetime.fromisoformat(session["scheduled_start"]).tzinfo is not None
        status, body = await admin.patch(f"/api/sessions/{session['id']}", {"co_id": seed.co_id})
        assert status == 400 and body["error"]["code"] == "lead_is_co"
        status, body = await admin.patch(
            f"/api/sessions/{session['id']}", {"co_id": seed.lead_id, "theme": "Hope again"}
        )
        assert status == 200 and body["session"]["co_id"] == seed.lead_id
        assert body["session"]["theme"] == "Hope again"
        status, body = await admin.get(f"/api/groups/{seed.group_id}/sessions")
        assert len(body["sessions"]) == 2


async def test_my_sessions_give_my_role(running_server):
    seed = await seed_group_with_session(running_server.app)
    roles = {}
    for email in (seed.lead_email, seed.co_email, seed.standby_email):
        async with await signed_in(running_server.base_url, email, PASSWORD) as client:
            status, body = await client.get("/api/me/sessions")
            assert status == 200 and [s["id"] for s in body["sessions"]] == [seed.session_id]
            roles[email] = body["sessions"][0]["my_role"]
    assert roles == {seed.lead_email: "lead", seed.co_email: "co", seed.standby_email: "standby"}


async def test_group_defaults_are_the_servers_own(running_server):
    seed = await seed_group_with_session(running_server.app)
    async with await signed_in(running_server.base_url, seed.admin_email, PASSWORD) as admin:
        status, body = await admin.get("/api/groups/defaults")
        assert status == 200
        assert body["defaults"] == {
            "capacity": 10,
            "min_capacity": 2,
            "max_capacity": 14,
            "ground_rules": list(DEFAULT_GROUND_RULES),
        }
        status, created = await admin.post("/api/groups", {"name": "Plain group"})
        assert created["group"]["ground_rules"] == body["defaults"]["ground_rules"]
        assert created["group"]["capacity"] == body["defaults"]["capacity"]
    async with await signed_in(running_server.base_url, seed.lead_email, PASSWORD) as lead:
        status, body = await lead.get("/api/groups/defaults")
        assert (status, body["error"]["code"]) == (403, "forbidden")


async def test_facilitator_cannot_see_another_groups_data(running_server):
    mine = await seed_group_with_session(running_server.app)
    theirs = await seed_group_with_session(running_server.app, tag="2")
    async with await signed_in(running_server.base_url, mine.lead_email, PASSWORD) as lead:
        status, body = await lead.get("/api/groups")
        assert [g["id"] for g in body["groups"]] == [mine.group_id]
        status, body = await lead.get("/api/me/sessions")
        assert [s["id"] for s in body["sessions"]] == [mine.session_id]
        for path in (
            f"/api/groups/{theirs.group_id}",
            f"/api/groups/{theirs.group_id}/sessions",
            f"/api/groups/{theirs.group_id}/invites",
            f"/api/sessions/{theirs.session_id}",
        ):
            status, body = await lead.get(path)
            assert (status, body["error"]["code"]) == (404, "not_found"), path
        status, body = await lead.get(f"/api/sessions/{mine.session_id}")
        assert status == 200 and body["session"]["lead_id"] == mine.lead_id
    async with await signed_in(running_server.base_url, mine.admin_email, PASSWORD) as admin:
        status, body = await admin.get("/api/groups")
        assert {g["id"] for g in body["groups"]} == {mine.group_id, theirs.group_id}


async def test_admin_changes_are_audited(running_server):
    seed = await seed_group_with_session(running_server.app)
    async with await signed_in(running_server.base_url, seed.admin_email, PASSWORD) as admin:
        status, body = await admin.post(
            "/api/users", {"email": "New@Example.test", "display_name": "New", "pronouns": "they"}
        )
        assert status == 200 and body["user"]["email"] == "new@example.test"
        assert body["user"]["must_change_password"] is True and body["one_time_password"]
        new_id = body["user"]["id"]
        status, body = await admin.post(
            "/api/users", {"email": "new@example.test", "display_name": "Again"}
        )
        assert status == 409 and body["error"]["code"] == "email_taken"
        status, body = await admin.patch(f"/api/users/{seed.admin_id}", {"is_admin": False})
        assert status == 409 and body["error"]["code"] == "cannot_demote_self"
        status, body = await admin.patch(f"/api/users/{new_id}", {"pronouns": None})
        assert status == 200 and body["user"]["pronouns"] is None
        status, body = await admin.get("/api/audit")
        assert status == 200
        newest = body["entries"][0]
        assert newest["action"] == "user.updated" and newest["target_id"] == new_id
        assert newest["actor_email"] == seed.admin_email and newest["at"]
        actions = [e["action"] for e in body["entries"]]
        assert "user.created" in actions and "group.created" in actions
        assert "session.created" in actions and "invite.created" in actions
