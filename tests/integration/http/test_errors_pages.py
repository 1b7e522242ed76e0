"""Every failure has the structured shape; pages and headers; the first-run bootstrap."""

from __future__ import annotations

import asyncio
import dataclasses
import os
import re
import sys

import aiohttp
from aiohttp import web
from aiohttp.test_utils import TestServer

from server.bootstrap import ensure_first_run
from server.http.middleware import add_security_headers, errors_middleware
from tests.integration.helpers import PASSWORD, seed_group_with_session, signed_in

BODY_ROUTES = [
    ("POST", "/api/auth/logout"),
    ("POST", "/api/auth/password"),
    ("POST", "/api/users"),
    ("PATCH", "/api/users/{lead_id}"),
    ("POST", "/api/groups"),
    ("PATCH", "/api/groups/{group_id}"),
    ("PUT", "/api/groups/{group_id}/facilitators"),
    ("POST", "/api/groups/{group_id}/invites"),
    ("POST", "/api/groups/{group_id}/sessions"),
    ("PATCH", "/api/sessions/{session_id}"),
]
PEER_BODY_ROUTES = [
    ("POST", "/api/auth/login"),
    ("POST", "/api/invites/{invite_token}/members"),
    ("POST", "/api/members/resume"),
]
MALFORMED = ["not json", "[1, 2]", '"text"', '{"surprise": 1}']


def _structured(status: int, body: dict, code: str = "bad_request") -> bool:
    return status == 400 and body["ok"] is False and body["error"]["code"] == code


async def test_every_route_answers_a_malformed_body_with_a_structured_error(running_server):
    seed = await seed_group_with_session(running_server.app)
    ids = dataclasses.asdict(seed)
    async with await signed_in(running_server.base_url, seed.admin_email, PASSWORD) as admin:
        for method, template in BODY_ROUTES:
            for raw in MALFORMED:
                status, body = await admin.request(method, template.format(**ids), data=raw)
                assert _structured(status, body), (method, template, raw, body)
        status, body = await admin.post("/api/groups", {"name": "x", "capacity": "ten"})
        assert _structured(status, body)
        assert body["error"]["details"]["fields"][0]["field"] == "capacity"
        status, _ = await admin.get("/api/auth/me")
        assert status == 200  # a malformed logout did not sign anyone out
    async with aiohttp.ClientSession() as http:
        for method, template in PEER_BODY_ROUTES:
            for raw in MALFORMED:
                async with http.request(
                    method,
                    running_server.base_url + template.format(**ids),
                    data=raw,
                    headers={"Content-Type": "application/json"},
                ) as response:
                    assert _structured(response.status, await response.json()), (template, raw)


async def test_unknown_api_routes_and_methods_are_structured(running_server):
    async with aiohttp.ClientSession() as http:
        for method, path, status, code in (
            ("GET", "/api/nothing/here", 404, "not_found"),
            ("POST", "/api/nothing", 404, "not_found"),
            ("PUT", "/api/auth/login", 405, "method_not_allowed"),
        ):
            async with http.request(method, running_server.base_url + path) as response:
                body = await response.json()
                assert response.status == status and body["error"]["code"] == code


async def test_unexpected_exceptions_become_500_internal_without_details():
    async def boom(_request: web.Request) -> web.Response:
        raise RuntimeError("database password is hunter2")

    app = web.Application(middlewares=[errors_middleware])
    app.on_response_prepare.append(add_security_headers)
    app.router.add_get("/api/boom", boom)
    server = TestServer(app, host="127.0.0.1", port=0)
    await server.start_server()
    try:
        async with (
            aiohttp.ClientSession() as http,
            http.get(str(server.make_url("/api/boom"))) as response,
        ):
            text = await response.text()
            assert response.status == 500 and "hunter2" not in text
            assert (await response.json())["error"]["code"] == "internal"
    finally:
        await server.close()


async def test_pages_static_files_and_security_headers(running_server):
    base = running_server.base_url
    async with aiohttp.ClientSession() as http:
        for path in ("/", "/join/some.token", "/healthz"):
            async with http.get(base + path) as response:
                assert response.status == 200, path
                csp = response.headers["Content-Security-Policy"]
                assert "frame-ancestors 'none'" in csp and "blob:" in csp
                assert f"ws://{base.split('//')[1]}" in csp
                assert response.headers["X-Content-Type-Options"] == "nosniff"
                assert response.headers["Referrer-Policy"] == "no-referrer"
        for path in ("/", "/join/some.token"):  # the tab icon each page names is served
            async with http.get(base + path) as response:
                icon = re.search(r'<link rel="icon" href="([^"]+)"', await response.text())
            assert icon is not None, path
            async with http.get(base + icon.group(1)) as response:
                assert response.status == 200
                assert response.content_type == "image/svg+xml"
        for path in (
            "/static/../server/settings.py",
            "/static/%2e%2e/server/settings.py",
            "/static/nope.js",
        ):
            async with http.get(base + path) as response:
                assert response.status == 404, path
                assert "SECRET_KEY" not in await response.text()


async def test_first_run_prints_a_working_login_and_only_once(running_server, capsys):
    first = await ensure_first_run(running_server.app)
    out = capsys.readouterr().out
    assert first is not None
    assert running_server.settings.base_url in out and first.invite_url in out
    password = re.search(r"admin@localhost\s+password: (\S+)", out).group(1)
    base = running_server.base_url
    async with await signed_in(base, "admin@localhost", password) as admin:
        assert admin.user["is_admin"] and admin.user["must_change_password"]
        status, body = await admin.get("/api/groups")
        assert (status, body["error"]["code"]) == (403, "password_change_required")
        status, _ = await admin.post(
            "/api/auth/password", {"current_password": password, "new_password": "my own pass 1"}
        )
        assert status == 200
        status, body = await admin.get("/api/groups")
        assert [g["name"] for g in body["groups"]] == ["Demo peer support group"]
    lead_password = re.search(r"lead@localhost\s+password: (\S+)", out).group(1)
    async with await signed_in(base, "lead@localhost", lead_password) as lead:
        status, _ = await lead.post(
            "/api/auth/password",
            {"current_password": lead_password, "new_password": "lead own pass 1"},
        )
        assert status == 200
        status, body = await lead.get("/api/me/sessions")
        assert [s["my_role"] for s in body["sessions"]] == ["lead"]
    token = first.invite_url.rsplit("/", 1)[1]
    async with aiohttp.ClientSession() as http, http.get(f"{base}/api/invites/{token}") as r:
        assert r.status == 200

    assert await ensure_first_run(running_server.app) is None
    again = capsys.readouterr().out
    assert "sign in as an existing admin" in again and "password" not in again


async def test_reset_password_command(running_server):
    await seed_group_with_session(running_server.app)
    env = dict(
        os.environ,
        DATABASE_URL=running_server.settings.database_url,
        HOLDSPACE_DATA_DIR=str(running_server.settings.data_dir),
    )
    proc = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "server.tools.admin",
        "reset-password",
        "Lead@example.test",
        env=env,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    out, err = await proc.communicate()
    assert proc.returncode == 0, err.decode()
    password = re.search(r"password for \S+: (\S+)", out.decode()).group(1)
    async with await signed_in(running_server.base_url, "lead@example.test", password) as lead:
        assert lead.user["must_change_password"] is True
    async with (
        aiohttp.ClientSession() as http,
        http.post(
            running_server.base_url + "/api/auth/login",
            json={"email": "lead@example.test", "password": PASSWORD},
        ) as response,
    ):
        assert response.status == 401
