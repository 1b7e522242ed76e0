"""Invite links and peers joining through them."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import aiohttp
from sqlalchemy import select

from server import context
from server.services import invites
from server.storage.models import Member, User
from tests.integration.helpers import PASSWORD, join_as_peer, seed_group_with_session, signed_in


async def _call(method: str, url: str, json=None) -> tuple[int, dict]:
    async with aiohttp.ClientSession() as http, http.request(method, url, json=json) as response:
        return response.status, await response.json()


async def test_invite_shows_group_rules_and_sessions(running_server):
    seed = await seed_group_with_session(running_server.app)
    assert seed.invite_url == f"{running_server.settings.base_url}/join/{seed.invite_token}"
    status, body = await _call("GET", f"{running_server.base_url}/api/invites/{seed.invite_token}")
    assert status == 200
    assert body["group"]["id"] == seed.group_id and body["group"]["ground_rules"]
    assert set(body["group"]) == {"id", "name", "description", "audience", "ground_rules"}
    assert [s["id"] for s in body["sessions"]] == [seed.session_id]


MANGLES = [
    lambda t: t[:-2] + ("AA" if not t.endswith("AA") else "BB"),
    lambda t: "0" * 32 + "." + t.split(".")[1],
    lambda t: t.split(".")[0],
    lambda t: "nonsense",
]


async def test_tampered_invite_is_invalid(running_server):
    seed = await seed_group_with_session(running_server.app)
    for mangle in MANGLES:
        token = mangle(seed.invite_token)
        status, body = await _call("GET", f"{running_server.base_url}/api/invites/{token}")
        assert (status, body["error"]["code"]) == (404, "invite_invalid"), token


async def test_expired_invite_is_gone(running_server):
    seed = await seed_group_with_session(running_server.app)
    app = running_server.app
    async with app[context.DB]() as session:
        admin = await session.get(User, seed.admin_id)
    long_ago = datetime.now(UTC) - timedelta(days=3)
    expired = await invites.create_invite(
        app[context.DB],
        app[context.SETTINGS],
        actor=admin,
        group_id=seed.group_id,
        ttl_s=86400,
        now=long_ago,
    )
    base = running_server.base_url
    status, body = await _call("GET", f"{base}/api/invites/{expired['token']}")
    assert (status, body["error"]["code"]) == (410, "invite_expired")
    status, body = await _call(
        "POST", f"{base}/api/invites/{expired['token']}/members", {"pseudonym": "Sam"}
    )
    assert (status, body["error"]["code"]) == (410, "invite_expired")


async def test_invite_ttl_and_revocation(running_server):
    seed = await seed_group_with_session(running_server.app)
    base = running_server.base_url
    async with await signed_in(base, seed.admin_email, PASSWORD) as admin:
        status, body = await admin.post(
            f"/api/groups/{seed.group_id}/invites", {"label": "Flyer", "ttl_days": 2}
        )
        assert status == 200
        invite = body["invite"]
        lifetime = datetime.fromisoformat(invite["expires_at"]) - datetime.now(UTC)
        assert timedelta(days=1, hours=23) < lifetime <= timedelta(days=2)
        token = invite["url"].rsplit("/", 1)[1]
        assert (await _call("GET", f"{base}/api/invites/{token}"))[0] == 200
        status, _ = await admin.delete(f"/api/invites/{invite['id']}")
        assert status == 200
        status, body = await _call("GET", f"{base}/api/invites/{token}")
        assert (status, body["error"]["code"]) == (410, "invite_revoked")
        status, body = await _call(
            "POST", f"{base}/api/invites/{token}/members", {"pseudonym": "Al"}
        )
        assert (status, body["error"]["code"]) == (410, "invite_revoked")
        status, body = await admin.get(f"/api/groups/{seed.group_id}/invites")
        revoked = [i for i in body["invites"] if i["id"] == invite["id"]]
        assert revoked[0]["revoked_at"] is not None
        # the other invite still works
        assert (await _call("GET", f"{base}/api/invites/{seed.invite_token}"))[0] == 200
        status, body = await admin.delete("/api/invites/doesnotexist")
        assert (status, body["error"]["code"]) == (404, "not_found")


async def test_member_joins_and_resumes(running_server):
    seed = await seed_group_with_session(running_server.app)
    base = running_server.base_url
    member, token = await join_as_peer(base, seed.invite_token, "  Sam  ")
    assert member["pseudonym"] == "Sam" and token
    async with running_server.app[context.DB]() as session:
        stored = await session.scalar(select(Member).where(Member.id == member["id"]))
    assert stored.token_hash != token and token not in stored.token_hash
    status, body = await _call("POST", f"{base}/api/members/resume", {"member_token": token})
    assert status == 200
    assert body["member"] == member and body["group_id"] == seed.group_id
    status, body = await _call("POST", f"{base}/api/members/resume", {"member_token": "x" + token})
    assert (status, body["error"]["code"]) == (404, "member_unknown")
    other, other_token = await join_as_peer(base, seed.invite_token, "Sam")
    assert other["id"] != member["id"] and other_token != token


BAD_PSEUDONYMS = [
    ("", "pseudonym_empty"),
    ("    ", "pseudonym_empty"),
    ("x" * 41, "pseudonym_too_long"),
    ("Sam\x00", "pseudonym_invalid"),
    ("Sam\u202eevil", "pseudonym_invalid"),
    ("sam@example.com", "pseudonym_contact"),
    ("see www.casino", "pseudonym_contact"),
    ("https://x.y", "pseudonym_contact"),
    ("bestbets.com", "pseudonym_contact"),
]


async def test_pseudonym_rules(running_server):
    seed = await seed_group_with_session(running_server.app)
    url = f"{running_server.base_url}/api/invites/{seed.invite_token}/members"
    for pseudonym, code in BAD_PSEUDONYMS:
        status, body = await _call("POST", url, {"pseudonym": pseudonym})
        assert (status, body["error"]["code"]) == (400, code), pseudonym
    for bad_body in ({}, {"pseudonym": 5}, {"pseudonym": "Sam", "email": "a@b.c"}):
        status, body = await _call("POST", url, bad_body)
        assert (status, body["error"]["code"]) == (400, "bad_request"), bad_body
    async with running_server.app[context.DB]() as session:
        assert (await session.scalars(select(Member))).all() == []
