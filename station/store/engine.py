"""Opening the local store: pragmas, migrations, a backup before an upgrade.

Every connection gets WAL, ``synchronous=FULL`` (a confirmed scan is a physical fact and
must survive a power cut), foreign keys and a busy timeout. The window's store folds its
write-ahead log back into the database on a thread of its own (``checkpoints.py``) rather
than at whichever commit crosses SQLite's threshold. The stdlib driver's own
transaction handling is switched off so that SQLAlchemy's ``BEGIN`` is the only one
(SQLAlchemy's SQLite dialect notes, "Serializable isolation / Savepoints").
"""

import logging
import sqlite3
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy import Engine, create_engine, event, text
from sqlalchemy.exc import DatabaseError
from sqlalchemy.orm import Session, sessionmaker

from station.errors import StoreError
from station.paths import backup_dir
from station.store import high_water
from station.store.writer_turns import WriterTurns

if TYPE_CHECKING:
    from alembic.config import Config

log = logging.getLogger("station.store")

MIGRATIONS = Path(__file__).resolve().parent / "migrations"
WRITE = "station_write"  # execution option: this transaction will write
BUSY_TIMEOUT_S = 5  # how long a writer waits for another before the store says it is locked
PRAGMAS = (
    "PRAGMA journal_mode=WAL",
    "PRAGMA synchronous=FULL",
    "PRAGMA foreign_keys=ON",
    f"PRAGMA busy_timeout={BUSY_TIMEOUT_S * 1000}",
)
# SQLite's own checkpoint runs in the thread whose commit takes the log past 1,000 pages:
# at the bench, the window's, for up to 80 ms once every few dozen scans (scan_to_screen).
CHECKPOINTS_ASIDE = "PRAGMA wal_autocheckpoint=0"
# The first 16 bytes of every SQLite database file (sqlite.org/fileformat.html, 1.3).
SQLITE_HEADER = b"SQLite format 3\x00"
_HAS_VERSION_TABLE = "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'alembic_version'"


class Store:
    """The bench's database. One ``unit()`` per operator action, never shared by threads."""

    def __init__(self, engine: Engine, file: Path, mark: high_water.HighWater) -> None:
        self.engine = engine
        self.file = file
        self._mark = mark
        self._sessions = sessionmaker(engine, expire_on_commit=False)
        self._committed: list[Callable[[dict[str, int]], None]] = []
        # The threads of this process write one at a time, taking turns here: the lock is
        # handed over the moment a unit ends, where SQLite's busy handler sleeps and looks
        # again (1, 2, 5, 10… up to 100 ms apart), so the window's scan could wait for the
        # sync's unit well past its end (seen in scan_to_screen's stalls).
        self._writer = WriterTurns()

    @contextmanager
    def unit(self) -> Iterator[Session]:
        """A unit of work: everything inside commits together or not at all.

        It takes the write lock when it begins (``BEGIN IMMEDIATE``): a unit that read
        first and wrote later would otherwise fail at once, without waiting, if another
        thread (the print or sync worker) committed in between.
        """
        written: dict[str, int] = {}
        # Past the busy timeout the unit goes on to SQLite, whose own wait then says the
        # store is locked, as it would without this lock.
        waited = self._writer.acquire(timeout=BUSY_TIMEOUT_S)
        try:
            with self._sessions.begin() as session:
                session.connection(execution_options={WRITE: True})
                yield session
                written = session.info.pop(high_water.WRITTEN, written)
        finally:
            if waited:
                self._writer.release()
        if written:  # on disk now: the mark may say so, and whoever waits on such rows
            self._mark.reach(written)
            for heard in self._committed:
                heard(written)

    def on_committed(self, heard: Callable[[dict[str, int]], None]) -> None:
        """``heard`` is called, on the committing thread, after each unit that wrote
        outbox events, scans or audit entries, with the highest id of each it wrote: the
        site's replication starts at once instead of at its next round. It must be quick."""
        self._committed.append(heard)

    def read(self) -> Session:
        """A session for queries only; the caller closes it (``with store.read() as s``)."""
        return self._sessions()

    def checkpoint(self) -> tuple[int, int]:
        """Fold the write-ahead log into the database as far as no reader still needs it,
        waiting on no one (PASSIVE): the log's frames, and how many of them are folded."""
        with self.engine.connect() as connection:
            row = connection.exec_driver_sql("PRAGMA wal_checkpoint(PASSIVE)").one()
        return row[1], row[2]

    def close(self) -> None:
        self.engine.dispose()
        self._mark.close()


def _on_connect(pragmas: tuple[str, ...]) -> Callable[[Any, Any], None]:
    def connected(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        for pragma in pragmas:
            cursor.execute(pragma)
        cursor.close()

    return connected


def _on_begin(connection: Any) -> None:
    immediate = connection.get_execution_options().get(WRITE, False)
    connection.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")


def make_engine(file: Path, *, checkpoints_aside: bool = False) -> Engine:
    engine = create_engine(f"sqlite:///{file}")
    pragmas = (*PRAGMAS, CHECKPOINTS_ASIDE) if checkpoints_aside else PRAGMAS
    event.listen(engine, "connect", _on_connect(pragmas))
    event.listen(engine, "begin", _on_begin)
    return engine


def alembic_config() -> "Config":
    from alembic.config import Config  # noqa: PLC0415 - see _upgrade

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    return config


def open_store(file: Path, *, checkpoints_aside: bool = False) -> Store:
    """Open (creating or upgrading) the store at ``file``; refuse one newer than this app.
    With ``checkpoints_aside`` no commit checkpoints: a ``checkpoints.Checkpointer`` must."""
    file.parent.mkdir(parents=True, exist_ok=True)
    _check_file(file)
    engine = make_engine(file, checkpoints_aside=checkpoints_aside)
    try:
        _check_integrity(engine, file)
        _migrate(engine, file)
        mark = _check_high_water(engine, file)
    except DatabaseError as exc:
        engine.dispose()
        if "malformed" in str(exc.orig):  # so damaged that even the check could not run
            raise _damaged(file, str(exc.orig)) from exc
        raise StoreError(f"The local database {file} cannot be opened: {exc.orig}") from exc
    except BaseException:
        engine.dispose()
        raise
    return Store(engine, file, mark)


def _check_file(file: Path) -> None:
    """Only a missing file is a first start. SQLite would take an empty file for a new
    database and the migrations would build a store with no operators and no outbox over
    it, so an empty file, or one that is not a database, is refused and left as it is."""
    try:
        with file.open("rb") as stored:
            header = stored.read(len(SQLITE_HEADER))
    except FileNotFoundError:
        return
    except OSError as exc:
        raise StoreError(f"The local database {file} cannot be opened: {exc.strerror}") from exc
    if header != SQLITE_HEADER:
        what = "it is empty" if not header else "it is not a SQLite database"
        raise StoreError(
            f"The local database {file} cannot be opened: {what}. The file is kept as it is "
            "for support to look at; the station starts afresh only where there is no file "
            "at all. Call support before scanning on."
        )


def _check_integrity(engine: Engine, file: Path) -> None:
    """Refuse a damaged file at start rather than fail in the middle of a return."""
    with engine.connect() as connection:
        verdict = connection.exec_driver_sql("PRAGMA quick_check").scalar()
    if verdict != "ok":
        raise _damaged(file, str(verdict))


def _check_high_water(engine: Engine, file: Path) -> high_water.HighWater:
    """Refuse a store that lost committed rows (a damaged write-ahead log): its LPN numbers
    would be handed out again and its lost returns, acknowledged at the bench, would never
    reach the ERP; better a bench stopped with a call to support than one working on as if
    nothing happened."""
    with engine.connect() as connection:
        now = high_water.highest(connection)
    marked = high_water.read(file)
    lost = high_water.behind(marked, now) if marked is not None else {}
    if lost:
        said = "; ".join(
            f"{t} ends at #{has}, #{had} was written" for t, (has, had) in lost.items()
        )
        log.error("store %s is behind its high-water mark: %s", file, said)
        raise StoreError(
            f"The local database {file} lost work it had recorded ({said}): its write-ahead "
            "log was damaged. The returns and receipts of the last minutes must be checked "
            "and scanned again. Call support before scanning on; once the loss is dealt "
            f"with, support removes {high_water.mark_file(file)} to open the store again."
        )
    return high_water.HighWater(file, now)


def _damaged(file: Path, verdict: str) -> StoreError:
    return StoreError(
        f"The local database {file} is damaged ({verdict}). Copies made before each "
        f"upgrade are in {file.parent / 'backups'}; call support before scanning on."
    )


def head_revision() -> str:
    """The newest schema this station knows: its migrations are numbered, and each file's
    name starts with its revision (a test holds this against Alembic's own answer)."""
    return max(script.name.split("_", 1)[0] for script in (MIGRATIONS / "versions").glob("*.py"))


def _stored_revision(engine: Engine) -> str | None:
    """The schema the store is at; None for a new store (no Alembic table yet)."""
    with engine.connect() as connection:
        if connection.execute(text(_HAS_VERSION_TABLE)).first() is None:
            return None
        return connection.execute(text("SELECT version_num FROM alembic_version")).scalar()


def _migrate(engine: Engine, file: Path) -> None:
    # A store already at the head opens without Alembic: importing it and reading every
    # migration script was a fifth of the window's start.
    current = _stored_revision(engine)
    if current == head_revision():
        return
    _upgrade(engine, file, current)


def _upgrade(engine: Engine, file: Path, current: str | None) -> None:
    from alembic import command  # noqa: PLC0415 - only when the schema must change
    from alembic.script import ScriptDirectory  # noqa: PLC0415
    from alembic.util.exc import CommandError  # noqa: PLC0415

    config = alembic_config()
    scripts = ScriptDirectory.from_config(config)
    head = scripts.get_current_head()
    if current is not None:
        try:
            scripts.get_revision(current)
        except CommandError as exc:
            raise StoreError(
                f"The local database {file} was written by a newer version of the station "
                f"(schema {current}); this one knows schema {head} at most. Update the station."
            ) from exc
        backup = _backup(file, current)
        log.info("upgrading store %s from %s to %s (backup %s)", file, current, head, backup)
    with engine.connect() as connection:
        # SQLite rebuilds a table to alter it; with foreign keys on, dropping the old table
        # would cascade or fail (Alembic, "batch" docs). The pragma only takes effect
        # outside a transaction, so it is set on the driver's connection first.
        driver = connection.connection.driver_connection
        assert driver is not None
        driver.execute("PRAGMA foreign_keys=OFF")
        try:
            with connection.begin():
                config.attributes["connection"] = connection
                command.upgrade(config, "head")
            broken = driver.execute("PRAGMA foreign_key_check").fetchall()
        finally:
            driver.execute("PRAGMA foreign_keys=ON")
    if broken:
        raise StoreError(
            f"Upgrading {file} left {len(broken)} broken references; restore the backup."
        )


def _backup(file: Path, revision: str) -> Path:
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S")
    target = backup_dir(file.parent) / f"{file.stem}-{revision}-{stamp}.db"
    # The backup API copies a consistent snapshot even with a WAL beside the file.
    with sqlite3.connect(file) as source, sqlite3.connect(target) as copy:
        source.backup(copy)
    source.close()
    copy.close()
    return target
