"""``station hub serve`` and ``station hub enrol BENCH-ID``: the site hub's commands."""

import logging
import sys

from sqlalchemy.orm import Session

from hub import tokens
from hub.database import open_site_database
from station.recording import utcnow

log = logging.getLogger("station.hub")


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
    engine = open_site_database(database)
    try:
        now = utcnow()
        with Session(engine) as session, session.begin():
            token = tokens.enrol(session, bench, now)
    finally:
        engine.dispose()
    # Shown once: the hub keeps only its hash.
    print(f"Token for {bench}, good until {now + tokens.LIFETIME:%Y-%m-%d} (shown only this once):")
    print(token)
    sys.stdout.flush()
    return 0
