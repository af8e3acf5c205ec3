"""``station hub serve``, ``station hub enrol BENCH-ID``, ``station hub operator BADGE``
and ``station hub rulepack FILE``: the site hub's commands."""

import getpass
import logging
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

from sqlalchemy.orm import Session

from hub import operators, rulepacks, tokens
from hub.database import open_site_database
from station.errors import ConfigError
from station.operators import Role
from station.recording import utcnow

log = logging.getLogger("station.hub")
T = TypeVar("T")


def serve(database: str, host: str, port: int) -> int:
    import uvicorn  # noqa: PLC0415 - only the serving process needs the server

    from hub.app import site_app  # noqa: PLC0415

    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(message)s")
    logging.getLogger("alembic").setLevel(logging.WARNING)
    engine = open_site_database(database)
    log.info("the site hub listens on http://%s:%d over %r", host, port, engine.url)
    try:
        # One process: the site's rules (claims, serials) are checked in PostgreSQL's
        # transactions, so more could be run, but one serves 20 benches (make bench).
        uvicorn.run(site_app(engine), host=host, port=port, log_level="warning")
    finally:
        engine.dispose()
    return 0


def enrol(database: str, bench: str) -> int:
    now = utcnow()
    token = _in_site(database, lambda session: tokens.enrol(session, bench, now))
    # Shown once: the hub keeps only its hash.
    print(f"Token for {bench}, good until {now + tokens.LIFETIME:%Y-%m-%d} (shown only this once):")
    print(token)
    sys.stdout.flush()
    return 0


def keep_operator(database: str, badge: str, name: str, role: Role) -> int:
    pin = _pin()
    new = _in_site(database, lambda session: operators.keep(session, badge, name, role, pin))
    said = "added" if new else "changed"
    print(f"{badge.upper()} ({name}, {role.value}) {said}: the benches have it at their next sync.")
    return 0


def remove_operator(database: str, badge: str) -> int:
    _in_site(database, lambda session: operators.remove(session, badge))
    print(f"{badge.upper()} removed: the benches take it off at their next sync.")
    return 0


def publish_rulepack(database: str, file: Path) -> int:
    try:
        text = file.read_text(encoding="utf-8")
    except OSError as exc:
        raise ConfigError(f"Rule pack {file} cannot be read: {exc.strerror}") from exc
    version, new = _in_site(
        database, lambda session: rulepacks.publish(session, text, str(file), utcnow())
    )
    if new:
        print(f"Rule pack {version} is in force: each bench adopts it between two units.")
    else:
        print(f"Rule pack {version} is already in force: nothing changed.")
    return 0


def _pin() -> str:
    """The PIN, never an argument (it would stay in the shell's history and ``ps``)."""
    if not sys.stdin.isatty():
        return sys.stdin.readline().strip()
    pin = getpass.getpass("PIN: ")
    if getpass.getpass("The same PIN again: ") != pin:
        raise ConfigError("the two PINs differ: nothing was changed")
    return pin


def _in_site(database: str, change: Callable[[Session], T]) -> T:
    engine = open_site_database(database)
    try:
        with Session(engine) as session, session.begin():
            return change(session)
    finally:
        engine.dispose()
