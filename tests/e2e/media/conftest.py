"""What the media contract tests share: an SFU backend, and a page served by a small aiohttp
app of the test's own routes, opened in headless Chromium (the same binary and flags as the
other browser tests) once the page says `window.ready`."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import pytest
from aiohttp import web

from server.media.ice import LOOPBACK
from server.media.sfu import AiortcMediaBackend
from tests.e2e.conftest import CHROMIUM, CHROMIUM_ARGS


@pytest.fixture
async def backend() -> AsyncIterator[AiortcMediaBackend]:
    media = AiortcMediaBackend(LOOPBACK)
    yield media
    await media.close()


@asynccontextmanager
async def page_on(app: web.Application) -> AsyncIterator[Any]:
    """Serve `app` on a free 127.0.0.1 port and open its `/` in Chromium; the Playwright page,
    once the page's script has set `window.ready`. Closes the browser and the app after."""
    from playwright.async_api import async_playwright

    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = runner.addresses[0][1]
    try:
        async with async_playwright() as pw:
            browser = await pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            try:
                page = await browser.new_page()
                await page.goto(f"http://127.0.0.1:{port}/")
                await page.wait_for_function("window.ready === true", timeout=15_000)
                yield page
            finally:
                await browser.close()
    finally:
        await runner.cleanup()
