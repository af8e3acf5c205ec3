"""The hub's store: the station's own schema, on PostgreSQL, brought to this release's
head by the same migrations a bench's SQLite store runs."""

from sqlalchemy import Engine, create_engine, text
from sqlalchemy.exc import OperationalError

from station.errors import KnownError
from station.store.engine import alembic_config, head_revision

# No ping before each use: a connection PostgreSQL dropped fails its post with a 503 and
# is thrown away, and the bench sends again; a ping was a round trip on every post.
POOL = 20  # connections: one per bench pushing at once on a site of 20 benches
OVERFLOW = 20  # and as many more: Starlette's thread pool runs up to 40 handlers at once
CONNECT_S = 5


class SiteDatabaseError(KnownError):
    """The site's database cannot be reached, or is newer than this hub."""


def open_site_database(url: str) -> Engine:
    """An engine on the site's database, its schema at this release's head; refused when
    the database is not reachable or was written by a newer release."""
    engine = create_engine(
        url,
        pool_size=POOL,
        max_overflow=OVERFLOW,
        pool_use_lifo=True,  # the last used first: a few connections stay warm, the rest idle
        connect_args={"connect_timeout": CONNECT_S},
    )
    try:
        _upgrade(engine)
    except OperationalError as exc:
        engine.dispose()
        raise SiteDatabaseError(
            f"the site's database at {engine.url!r} cannot be reached: {exc.orig}"
        ) from exc
    except BaseException:
        engine.dispose()
        raise
    return engine


def _upgrade(engine: Engine) -> None:
    from alembic import command  # noqa: PLC0415 - as at the bench: only to migrate
    from alembic.script import ScriptDirectory  # noqa: PLC0415

    config = alembic_config()
    with engine.begin() as connection:
        known = connection.execute(text("SELECT to_regclass('alembic_version')")).scalar()
        current = (
            connection.execute(text("SELECT version_num FROM alembic_version")).scalar()
            if known
            else None
        )
        if current == head_revision():
            return
        scripts = ScriptDirectory.from_config(config)
        if current is not None and current not in {s.revision for s in scripts.walk_revisions()}:
            raise SiteDatabaseError(
                f"the site's database is at schema {current}, written by a newer release; "
                f"this hub knows schema {head_revision()} at most. Update the hub."
            )
        config.attributes["connection"] = connection
        command.upgrade(config, "head")
