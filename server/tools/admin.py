"""Admin commands:

- `python -m server.tools.admin reset-password EMAIL`: a new one-time password for a lost one.
- `python -m server.tools.admin rotate-contact-keys`: re-encrypt every safeguarding contact with
  the newest key in CONTACT_KEYS (see docs/safeguarding.md); safe to run again.
"""

from __future__ import annotations

import argparse
import asyncio
import sys

from server.errors import ApiError
from server.services import accounts, contacts
from server.settings import Settings
from server.storage.db import create_engine, make_sessionmaker, migrate


async def _reset(email: str) -> int:
    url = Settings.from_env().effective_database_url
    await migrate(url)
    engine = create_engine(url)
    try:
        password = await accounts.reset_password(make_sessionmaker(engine), email)
    except ApiError as exc:
        print(exc.message, file=sys.stderr)
        return 1
    finally:
        await engine.dispose()
    print(f"New one-time password for {email}: {password}")
    print("They will be asked to choose their own password after signing in.")
    return 0


async def _rotate() -> int:
    settings = Settings.from_env()
    url = settings.effective_database_url
    await migrate(url)
    engine = create_engine(url)
    try:
        async with make_sessionmaker(engine)() as db:
            rotated = await contacts.rotate_contacts(db, settings)
            stale = await contacts.count_stale_contacts(db, settings)
    except ApiError as exc:
        print(exc.message, file=sys.stderr)
        return 1
    finally:
        await engine.dispose()
    print(f"Re-encrypted {rotated} safeguarding contacts with the newest key.")
    print(f"Contacts still under an older key: {stale}.")
    if stale == 0:
        print("Older keys can now be removed from CONTACT_KEYS (restart every server process).")
    return 0 if stale == 0 else 1


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m server.tools.admin")
    commands = parser.add_subparsers(dest="command", required=True)
    reset = commands.add_parser("reset-password", help="give a user a new one-time password")
    reset.add_argument("email")
    commands.add_parser(
        "rotate-contact-keys",
        help="re-encrypt safeguarding contacts with the newest key in CONTACT_KEYS",
    )
    args = parser.parse_args(argv)
    if args.command == "reset-password":
        return asyncio.run(_reset(args.email))
    if args.command == "rotate-contact-keys":
        return asyncio.run(_rotate())
    return 2


if __name__ == "__main__":
    sys.exit(main())
