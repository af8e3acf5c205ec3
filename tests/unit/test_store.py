"""The local store: pragmas, whole units of work, migrations, backups, a newer database."""

import sqlite3
from pathlib import Path

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from sqlalchemy import func, select, text

from station.errors import StoreError
from station.outbox import InspectionRecorded, ReturnReceived
from station.recording import emit
from station.store.engine import MIGRATIONS, Store, head_revision, make_engine, open_store
from station.store.schema import Base, OutboxEvent


def test_every_connection_is_durable_and_checked(store: Store) -> None:
    with store.engine.connect() as connection:
        pragmas = {
            name: connection.exec_driver_sql(f"PRAGMA {name}").scalar()
            for name in ("journal_mode", "synchronous", "foreign_keys", "busy_timeout")
        }
    assert pragmas == {
        "journal_mode": "wal",
        "synchronous": 2,
        "foreign_keys": 1,
        "busy_timeout": 5000,
    }


def test_a_unit_of_work_rolls_back_whole(store: Store) -> None:
    class Boom(Exception):
        pass

    with pytest.raises(Boom), store.unit() as session:
        emit(session, ReturnReceived(unit="u1", rma="RMA-1"))
        session.flush()
        emit(
            session, InspectionRecorded(unit="u1", rma="RMA-1", category="c", checks={}, grade="A")
        )
        session.flush()
        raise Boom
    with store.read() as session:
        assert session.scalar(select(func.count()).select_from(OutboxEvent)) == 0


def test_the_migrations_build_exactly_the_models(store: Store) -> None:
    with store.engine.connect() as connection:
        differences = compare_metadata(MigrationContext.configure(connection), Base.metadata)
    assert differences == []


def test_reopening_a_current_store_makes_no_backup(tmp_path: Path) -> None:
    open_store(tmp_path / "station.db").close()
    open_store(tmp_path / "station.db").close()
    assert not (tmp_path / "backups").exists() or not any((tmp_path / "backups").iterdir())


def test_an_older_store_is_backed_up_before_the_upgrade(tmp_path: Path) -> None:
    file = tmp_path / "station.db"
    open_store(file).close()
    engine = make_engine(file)
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.downgrade(config, "0001")
        connection.exec_driver_sql("CREATE TABLE marker (note TEXT)")
        connection.exec_driver_sql("INSERT INTO marker VALUES ('before upgrade')")
    engine.dispose()
    open_store(file).close()
    backups = list((tmp_path / "backups").iterdir())
    assert [b.name.split("-")[1] for b in backups] == ["0001"]
    with sqlite3.connect(backups[0]) as copy:
        assert copy.execute("SELECT note FROM marker").fetchone() == ("before upgrade",)
        assert copy.execute("SELECT version_num FROM alembic_version").fetchone() == ("0001",)
    copy.close()


def test_a_store_from_a_newer_station_is_refused(tmp_path: Path) -> None:
    file = tmp_path / "station.db"
    open_store(file).close()
    with sqlite3.connect(file) as connection:
        connection.execute("UPDATE alembic_version SET version_num = '9999_future'")
    connection.close()
    with pytest.raises(StoreError, match="newer version of the station"):
        open_store(file)
    with sqlite3.connect(file) as connection:
        assert connection.execute("SELECT version_num FROM alembic_version").fetchone() == (
            "9999_future",
        )
    connection.close()


def test_head_revision_is_what_a_new_store_records(tmp_path: Path) -> None:
    store = open_store(tmp_path / "station.db")
    with store.engine.connect() as connection:
        assert connection.execute(text("SELECT version_num FROM alembic_version")).scalar() == (
            head_revision()
        )
    store.close()


def test_a_damaged_file_is_refused_with_a_message(tmp_path: Path) -> None:
    file = tmp_path / "station.db"
    file.write_bytes(b"this is not a database, it is a shopping list" * 100)
    with pytest.raises(StoreError, match="cannot be opened"):
        open_store(file)


def test_a_file_with_damaged_pages_is_refused(tmp_path: Path) -> None:
    file = tmp_path / "station.db"
    store = open_store(file)
    with store.unit() as session:
        for number in range(300):
            emit(session, ReturnReceived(unit=f"u{number}", rma="RMA-1", customer="x" * 200))
    with store.engine.connect() as connection:
        connection.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    store.close()
    data = bytearray(file.read_bytes())
    page = 4096
    outbox_page = len(data) // page - 5  # the events were the last rows written
    # Scribble over the header of one of their b-tree pages.
    data[page * outbox_page : page * outbox_page + 64] = b"\xff" * 64
    file.write_bytes(bytes(data))
    with pytest.raises(StoreError) as refused:
        open_store(file)
    assert "is damaged" in str(refused.value)
    assert "backups" in str(refused.value)
