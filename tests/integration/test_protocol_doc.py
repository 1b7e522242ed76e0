"""docs/protocol.md is the contract: every socket.io event the server handles and every HTTP API
route it serves is documented there."""

from __future__ import annotations

import re
from pathlib import Path

from server import context
from server.app import create_app
from server.settings import Settings

DOC = (Path(__file__).resolve().parents[2] / "docs" / "protocol.md").read_text()
PLACEHOLDER = re.compile(r"\{[a-z_]+\}")


def _served(tmp_path: Path) -> tuple[set[str], set[str]]:
    app = create_app(Settings(secret_key="protocol-doc", data_dir=tmp_path))
    events = {
        name
        for handlers in app[context.SIO].handlers.values()
        for name in handlers
        if name not in ("connect", "disconnect")
    }
    routes = set()
    for route in app.router.routes():
        info = route.resource.get_info() if route.resource else {}
        path = info.get("path") or info.get("formatter") or ""
        if path.startswith("/api/") and "{tail" not in path and route.method != "HEAD":
            routes.add(f"{route.method} {PLACEHOLDER.sub('{id}', path)}")
    return events, routes


def test_every_socket_event_and_api_route_is_documented(tmp_path: Path) -> None:
    events, routes = _served(tmp_path)
    documented = PLACEHOLDER.sub("{id}", DOC)
    assert len(events) > 30 and len(routes) > 40
    assert sorted(e for e in events if f"`{e}`" not in DOC) == []
    undocumented = sorted(
        r for r in routes if not re.search(re.escape(f"`{r}") + r"[`?]", documented)
    )
    assert undocumented == []
