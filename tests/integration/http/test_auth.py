"""Sign in, rate limit, CSRF, roles: over real HTTP against SQLite and PostgreSQL."""

from __future__ import annotations

import dataclasses

import aiohttp
import pytest

from tests.integration.conftest import start_server
from tests.integration.helpers import PASSWORD, seed_group_with_session, signed_in


async def _login(base_url: str, email: str, password: str) -> tuple[int, dict, str]:
    async with (
        aiohttp.ClientSession() as http,
        http.post(
            base_url + "/api/auth/login", json={"email": email, "password": password}
        ) as response,
    ):
        return response.status, await response.json(), response.headers.get("Set-Cookie", "")


async def test_login_sets_a_safe_cookie_and_me_answers(running_server):
    seed = await seed_group_with_session(running_server.app)
    status, body, cookie = await _login(running_server.base_url, seed.lead_email, PASSWORD)
    assert status == 200 and body["ok"] is True
    assert body["user"]["email"] == seed.lead_email and body["user"]["is_admin"] is False
    assert cookie.startswith("hs_session=")
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie and "Secure" not in cookie
    async with await signed_in(running_server.base_url, seed.lead_email, PASSWORD) as lead:
        status, me = await lead.get("/api/auth/me")
        assert status == 200 and me["user"]["id"] == seed.lead_id
        assert me["csrf_token"] == lead.csrf_token


async def test_bad_password_and_unknown_email_answer_the_same(running_server):
    seed = await seed_group_with_session(running_server.app)
    for email, password in ((seed.lead_email, "wrong"), ("nobody@example.test", PASSWORD)):
        status, body, cookie = await _login(running_server.base_url, email, password)
        assert status == 401 and body["error"]["code"] == "bad_credentials"
        assert cookie == ""


async def test_disabled_account_cannot_sign_in(running_server):
    seed = await seed_group_with_session(running_server.app)
    async with await signed_in(running_server.base_url, seed.admin_email, PASSWORD) as admin:
        status, _ = await admin.patch(f"/api/users/{seed.co_id}", {"disabled": True})
        assert status == 200
    status, body, _ = await _login(running_server.base_url, seed.co_email, PASSWORD)
    assert status == 401


async def test_login_rate_limited_per_email_and_ip(server_settings):
    server, running = await start_server(
        dataclasses.replace(server_settings, login_attempts_per_minute=3)
    )
    try:
        seed = await seed_group_with_session(running.app)
        for _ in range(3):
            status, _, _ = await _login(running.base_url, seed.lead_email, "wrong")
            assert status == 401
        # even the right password waits now
        status, body, _ = await _login(running.base_url, seed.lead_email, PASSWORD)
        assert status == 429 and body["error"]["code"] == "rate_limited"
        assert body["error"]["details"]["retry_after_s"] > 0
        # the same IP trying another account is limited too
        status, body, _ = await _login(running.base_url, seed.co_email, PASSWORD)
        assert status == 429
    finally:
        await server.close()


async def test_cookie_is_secure_when_configured(server_settings):
    server, running = await start_server(dataclasses.replace(server_settings, cookie_secure=True))
    try:
        seed = await seed_group_with_session(running.app)
        status, _, cookie = await _login(running.base_url, seed.lead_email, PASSWORD)
        assert status == 200 and "Secure" in cookie
    finally:
        await server.close()


async def test_state_changes_need_the_csrf_token(running_server):
    seed = await seed_group_with_session(running_server.app)
    async with await signed_in(running_server.base_url, seed.admin_email, PASSWORD) as admin:
        status, body = await admin.post("/api/groups", {"name": "No token"}, csrf=False)
        assert status == 403 and body["error"]["code"] == "csrf_failed"
        admin_token = admin.csrf_token
        admin.csrf_token = "forged"
        status, body = await admin.post("/api/groups", {"name": "Wrong token"})
        assert status == 403 and body["error"]["code"] == "csrf_failed"
        status, body = await admin.post("/api/auth/logout")
        assert status == 403
        admin.csrf_token = admin_token
        status, body = await admin.get("/api/groups")
        assert [g["name"] for g in body["groups"]] == ["Test group"]


async def test_logout_ends_the_auth_session(running_server):
    seed = await seed_group_with_session(running_server.app)
    async with await signed_in(running_server.base_url, seed.lead_email, PASSWORD) as lead:
        token = lead.session_token
        status, _ = await lead.post("/api/auth/logout")
        assert status == 200
        async with (
            aiohttp.ClientSession(headers={"Cookie": f"hs_session={token}"}) as http,
            http.get(running_server.base_url + "/api/auth/me") as response,
        ):
            assert response.status == 401
            assert (await response.json())["error"]["code"] == "not_signed_in"


async def test_change_password(running_server):
    seed = await seed_group_with_session(running_server.app)
    base = running_server.base_url
    async with await signed_in(base, seed.co_email, PASSWORD) as co:
        status, body = await co.post(
            "/api/auth/password", {"current_password": "nope", "new_password": "a-new-secret-1"}
        )
        assert status == 403
        status, body = await co.post(
            "/api/auth/password", {"current_password": PASSWORD, "new_password": "short"}
        )
        assert status == 400 and body["error"]["code"] == "password_too_short"
        status, body = await co.post(
            "/api/auth/password", {"current_password": PASSWORD, "new_password": "a-new-secret-1"}
        )
        assert status == 200
        status, me = await co.get("/api/auth/me")
        assert status == 200 and me["user"]["must_change_password"] is False
    assert (await _login(base, seed.co_email, PASSWORD))[0] == 401
    assert (await _login(base, seed.co_email, "a-new-secret-1"))[0] == 200


ADMIN_ONLY = [
    ("GET", "/api/users"),
    ("POST", "/api/users"),
    ("PATCH", "/api/users/{lead_id}"),
    ("POST", "/api/groups"),
    ("PATCH", "/api/groups/{group_id}"),
    ("PUT", "/api/groups/{group_id}/facilitators"),
    ("POST", "/api/groups/{group_id}/invites"),
    ("DELETE", "/api/invites/{invite_id}"),
    ("POST", "/api/groups/{group_id}/sessions"),
    ("PATCH", "/api/sessions/{session_id}"),
    ("GET", "/api/audit"),
]
STAFF_ONLY = ADMIN_ONLY + [
    ("GET", "/api/groups"),
    ("GET", "/api/groups/{group_id}"),
    ("GET", "/api/groups/{group_id}/sessions"),
    ("GET", "/api/groups/{group_id}/invites"),
    ("GET", "/api/sessions/{session_id}"),
    ("GET", "/api/me/sessions"),
    ("GET", "/api/auth/me"),
    ("POST", "/api/auth/logout"),
    ("POST", "/api/auth/password"),
]


async def test_admin_routes_refuse_facilitators_and_anonymous(running_server):
    seed = await seed_group_with_session(running_server.app)
    ids = dataclasses.asdict(seed)
    async with await signed_in(running_server.base_url, seed.lead_email, PASSWORD) as lead:
        for method, template in ADMIN_ONLY:
            status, body = await lead.request(method, template.format(**ids), {})
            assert (status, body["error"]["code"]) == (403, "forbidden"), (method, template)
    async with aiohttp.ClientSession() as http:
        for method, template in STAFF_ONLY:
            url = running_server.base_url + template.format(**ids)
            async with http.request(method, url, json={}) as response:
                body = await response.json()
                assert response.status == 401, (method, template)
                assert body == {
                    "ok": False,
                    "error": {"code": "not_signed_in", "message": "Please sign in."},
                }
    # nothing changed: the invite still works and the audit holds only the seeding
    async with await signed_in(running_server.base_url, seed.admin_email, PASSWORD) as admin:
        status, body = await admin.get(f"/api/groups/{seed.group_id}/invites")
        assert body["invites"][0]["revoked_at"] is None


@pytest.mark.parametrize("who", ["admin", "lead"])
async def test_users_are_listed_for_admins_only(running_server, who):
    seed = await seed_group_with_session(running_server.app)
    email = seed.admin_email if who == "admin" else seed.lead_email
    async with await signed_in(running_server.base_url, email, PASSWORD) as client:
        status, body = await client.get("/api/users")
    assert status == (200 if who == "admin" else 403)
    if who == "admin":
        assert len(body["users"]) == 4


async def test_one_time_password_must_be_changed_first(running_server):
    seed = await seed_group_with_session(running_server.app)
    base = running_server.base_url
    async with await signed_in(base, seed.admin_email, PASSWORD) as admin:
        status, body = await admin.post(
            "/api/users", {"email": "new@example.test", "display_name": "New"}
        )
        one_time = body["one_time_password"]
    async with await signed_in(base, "new@example.test", one_time) as new:
        status, body = await new.get("/api/me/sessions")
        assert (status, body["error"]["code"]) == (403, "password_change_required")
        status, body = await new.get("/api/auth/me")
        assert status == 200 and body["user"]["must_change_password"] is True
        status, _ = await new.post(
            "/api/auth/password", {"current_password": one_time, "new_password": "mine-at-last"}
        )
        assert status == 200
        status, body = await new.get("/api/me/sessions")
        assert status == 200 and body["sessions"] == []
