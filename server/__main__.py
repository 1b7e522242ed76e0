"""`python -m server`: run Holdspace on the settings from the environment."""

from __future__ import annotations

import logging

from aiohttp import web

from server.app import create_app
from server.bootstrap import on_startup as first_run
from server.settings import Settings


def main() -> None:
    settings = Settings.from_env()
    logging.basicConfig(level=settings.log_level, format="%(asctime)s %(levelname)s %(message)s")
    app = create_app(settings)
    # after the database context (migrations) has started: seed the first admin, print logins
    app.on_startup.append(first_run)
    web.run_app(app, host=settings.host, port=settings.port, print=None)


if __name__ == "__main__":
    main()
