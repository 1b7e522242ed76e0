"""A real Holdspace server process and a headless Chromium for the browser tests.

The server is started as `python -m server` on a free port with a fresh data directory. On its
first run it prints its URL and the first admin's login; `parse_first_run` below is the one place
that knows that format, so adjust it there if the printout changes.
"""

from __future__ import annotations

import os
import queue
import re
import socket
import subprocess
import sys
import threading
import time
import urllib.request
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS_DIR = REPO_ROOT / "test-artifacts"  # gitignored; CI uploads it
SCREENSHOT_TIMEOUT_MS = 10_000
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--use-fake-device-for-media-stream",
    "--use-fake-ui-for-media-stream",
    # WebRTC between the browser and the server's SFU on 127.0.0.1 (docs/media.md)
    "--allow-loopback-in-peer-connection",
    "--disable-features=WebRtcHideLocalIpsWithMdns",
]
STARTUP_TIMEOUT_S = 60.0

_URL = re.compile(r"https?://[\w.\-\[\]:]+(?::\d+)?/?")
_EMAIL = re.compile(r"[\w.+\-]+@[\w\-]+(?:\.[\w\-]+)*")
_PASSWORD = re.compile(r"password\W*?[:=]\s*(\S+)", re.IGNORECASE)


_PHASE_REPORTS = pytest.StashKey[dict[str, pytest.TestReport]]()


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> Iterator[None]:
    """Keep each phase's report on the item so fixtures can tell, on teardown, that it failed."""
    report = yield
    item.stash.setdefault(_PHASE_REPORTS, {})[report.when] = report
    return report


def _test_failed(request: pytest.FixtureRequest) -> bool:
    reports = request.node.stash.get(_PHASE_REPORTS, {})
    return any(report.failed for report in reports.values())


def _artifact_stem(request: pytest.FixtureRequest) -> str:
    return re.sub(r"[^\w.-]+", "_", request.node.nodeid.split("::", 1)[-1])


async def save_screenshots(browser: object, directory: Path, stem: str) -> list[Path]:
    """A full-page screenshot of every open page of every context, for diagnosing a failure.
    Best effort: a page that cannot be captured is skipped, never raising over the real error."""
    saved = []  # Playwright creates the directory
    for c, context in enumerate(browser.contexts):  # type: ignore[attr-defined]
        for p, page in enumerate(context.pages):
            path = directory / f"{stem}-context{c}-page{p}.png"
            try:
                await page.screenshot(path=str(path), full_page=True, timeout=SCREENSHOT_TIMEOUT_MS)
            except Exception as error:  # noqa: BLE001 - diagnostics must not mask the failure
                print(f"could not capture {page.url}: {error}", file=sys.stderr)
                continue
            saved.append(path)
    return saved


@dataclass
class FirstRun:
    base_url: str
    admin_email: str
    admin_password: str


def parse_first_run(lines: list[str]) -> FirstRun | None:
    """Find the server URL and the first admin's login in the first-run printout.

    Expected (order of lines free, other lines ignored), for example::

        Holdspace is running at http://127.0.0.1:8123
        Admin login: admin@holdspace.local  one-time password: Xy7-...
    or the password on a following line of its own::

        First admin: admin@holdspace.local
        One-time password: Xy7-...

    Rules: the base URL is the first http(s) URL printed (without any path such as /join/...);
    the admin email is the first email on a line that mentions "admin"; the admin password is the
    first "password: <value>" on that line or on the lines after it, before another email appears.
    Returns None until all three are known.
    """
    base_url = None
    admin_email = None
    admin_password = None
    for line in lines:
        if base_url is None:
            url = _URL.search(line)
            if url:
                base_url = url.group(0).rstrip("/")
        email = _EMAIL.search(line)
        if admin_email is None:
            if email and "admin" in line.lower():
                admin_email = email.group(0)
                password = _PASSWORD.search(line[email.end() :])
                if password:
                    admin_password = password.group(1)
            continue
        if admin_password is None:
            if email:  # another account's line: the admin's password was not printed
                return None
            password = _PASSWORD.search(line)
            if password:
                admin_password = password.group(1)
    if base_url and admin_email and admin_password:
        return FirstRun(base_url, admin_email, admin_password)
    return None


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _healthy(base_url: str) -> bool:
    try:
        with urllib.request.urlopen(f"{base_url}/healthz", timeout=2) as response:
            return response.status == 200
    except OSError:
        return False


@dataclass
class LiveServer:
    base_url: str
    admin_email: str
    admin_password: str
    output: list[str]


@pytest.fixture
def live_server(tmp_path: Path, request: pytest.FixtureRequest) -> Iterator[LiveServer]:
    port = _free_port()
    env = {
        **os.environ,
        "HOST": "127.0.0.1",
        "PORT": str(port),
        "HOLDSPACE_DATA_DIR": str(tmp_path / "data"),
        "PYTHONUNBUFFERED": "1",
        "MEDIA_HOST_ADDRESSES": "127.0.0.1",  # aioice skips loopback unless told
    }
    env.pop("DATABASE_URL", None)
    env.pop("REDIS_URL", None)
    proc = subprocess.Popen(
        [sys.executable, "-m", "server"],
        cwd=REPO_ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        bufsize=1,
    )
    lines: list[str] = []
    incoming: queue.Queue[str | None] = queue.Queue()

    def pump() -> None:
        assert proc.stdout is not None
        for line in proc.stdout:
            incoming.put(line.rstrip("\n"))
        incoming.put(None)

    threading.Thread(target=pump, daemon=True).start()
    try:
        deadline = time.monotonic() + STARTUP_TIMEOUT_S
        first_run = None
        while first_run is None:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                pytest.fail(
                    "server did not print its URL and admin login in time:\n" + "\n".join(lines)
                )
            try:
                line = incoming.get(timeout=remaining)
            except queue.Empty:
                continue
            if line is None:
                pytest.fail(f"server exited with {proc.wait()}:\n" + "\n".join(lines))
            lines.append(line)
            first_run = parse_first_run(lines)
        # The printout may come before the port listens: poll readiness (bounded).
        while not _healthy(first_run.base_url):
            if time.monotonic() > deadline or proc.poll() is not None:
                pytest.fail("server never answered /healthz:\n" + "\n".join(lines))
            time.sleep(0.2)
        yield LiveServer(first_run.base_url, first_run.admin_email, first_run.admin_password, lines)
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        if _test_failed(request):
            ARTIFACTS_DIR.mkdir(parents=True, exist_ok=True)
            while not incoming.empty():
                line = incoming.get_nowait()
                if line is not None:
                    lines.append(line)
            log = ARTIFACTS_DIR / f"{_artifact_stem(request)}-server.log"
            log.write_text("\n".join(lines) + "\n", encoding="utf-8")


@pytest.fixture
async def browser(require_chromium: None, request: pytest.FixtureRequest) -> AsyncIterator[object]:
    """Headless Chromium. When the test fails, every open page is saved as a full-page
    screenshot in test-artifacts/ before the browser closes."""
    from playwright.async_api import async_playwright

    async with async_playwright() as playwright:
        chromium = await playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            yield chromium
        finally:
            if _test_failed(request):
                await save_screenshots(chromium, ARTIFACTS_DIR, _artifact_stem(request))
            await chromium.close()
