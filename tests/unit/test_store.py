"""The local store: pragmas, whole units of work, migrations, backups, a newer database."""

import json
import shutil
import sqlite3
from pathlib import Path

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import func, select, text
from sqlalchemy.exc import IntegrityError

from station.errors import StoreError
from station.outbox import InspectionRecorded, ReturnReceived, RmaEvent, unsent_about
from station.recording import audit, emit
from station.states import OutboxStatus
from station.store.engine import MIGRATIONS, Store, head_revision, make_engine, open_store
from station.store.high_water import mark_file
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


def test_the_head_read_from_the_file_names_is_alembic_s_head() -> None:
    """A store at the head opens without Alembic, trusting the migrations' file names."""
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    assert head_revision() == ScriptDirectory.from_config(config).get_current_head()


def test_a_damaged_file_is_refused_with_a_message(tmp_path: Path) -> None:
    file = tmp_path / "station.db"
    file.write_bytes(b"this is not a database, it is a shopping list" * 100)
    with pytest.raises(StoreError, match="cannot be opened"):
        open_store(file)


def test_an_empty_file_is_refused_and_kept_not_taken_for_a_first_start(tmp_path: Path) -> None:
    file = tmp_path / "station.db"
    file.touch()
    with pytest.raises(StoreError, match="it is empty") as refused:
        open_store(file)
    assert "kept" in str(refused.value)
    assert file.exists() and file.stat().st_size == 0


def test_a_file_that_is_not_a_database_is_kept_as_it_is(tmp_path: Path) -> None:
    file = tmp_path / "station.db"
    file.write_bytes(b"PK\x03\x04 a zip someone saved here")
    with pytest.raises(StoreError, match="not a SQLite database"):
        open_store(file)
    assert file.read_bytes() == b"PK\x03\x04 a zip someone saved here"


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


def crash_image(store: Store, folder: Path) -> Path:
    """The store's files as a power cut would leave them: copied while it is open."""
    folder.mkdir()
    for name in ("station.db", "station.db-wal", "station.db-mark"):
        shutil.copyfile(store.file.with_name(name), folder / name)
    return folder / "station.db"


def test_a_store_that_lost_committed_events_in_its_wal_is_refused(tmp_path: Path) -> None:
    store = open_store(tmp_path / "station.db")
    with store.unit() as session:
        emit(session, ReturnReceived(unit="u0", rma="RMA-1"))
    with store.engine.connect() as connection:
        connection.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    for number in range(1, 10):  # each its own commit, in the WAL only
        with store.unit() as session:
            emit(session, ReturnReceived(unit=f"u{number}", rma="RMA-1"))
    file = crash_image(store, tmp_path / "crash")
    store.close()
    wal = bytearray(file.with_name("station.db-wal").read_bytes())
    page = int.from_bytes(wal[8:12], "big")
    frames = (len(wal) - 32) // (24 + page)
    middle = 32 + (frames // 2) * (24 + page) + 24 + 100  # in the page of a middle frame
    wal[middle] ^= 0x01
    file.with_name("station.db-wal").write_bytes(bytes(wal))
    with pytest.raises(StoreError, match=r"outbox ends at #\d, #10 was written") as refused:
        open_store(file)
    assert "write-ahead log was damaged" in str(refused.value)
    assert "station.db-mark" in str(refused.value)


def test_a_store_without_its_mark_opens_and_marks_anew(tmp_path: Path) -> None:
    store = open_store(tmp_path / "station.db")
    with store.unit() as session:
        emit(session, ReturnReceived(unit="u1", rma="RMA-1"))
    store.close()
    mark_file(store.file).unlink()
    open_store(store.file).close()
    assert json.loads(mark_file(store.file).read_bytes()) == {"audit": 0, "outbox": 1, "scan": 0}


def test_a_second_process_on_the_store_never_lowers_the_mark(tmp_path: Path) -> None:
    window, command_line = open_store(tmp_path / "station.db"), open_store(tmp_path / "station.db")
    for number in range(5):
        with window.unit() as session:
            emit(session, ReturnReceived(unit=f"u{number}", rma="RMA-1"))
    with command_line.unit() as session:
        audit(session, bench="RET-01", operator="1001", action="synced", subject="erp")
    window.close()
    command_line.close()
    assert json.loads(mark_file(window.file).read_bytes()) == {"audit": 1, "outbox": 5, "scan": 0}


def test_the_typed_states_migration_keeps_every_row_and_fills_the_subjects(
    tmp_path: Path,
) -> None:
    file = tmp_path / "station.db"
    engine = make_engine(file)
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    with engine.begin() as connection:  # a store as the release before 0011 left it
        config.attributes["connection"] = connection
        command.upgrade(config, "0010")
        for statement in (
            "INSERT INTO supplier VALUES ('SUP-1', 'Supplier', NULL, NULL)",
            "INSERT INTO expected_receipt VALUES ('ASN-1', 'PO-1', 'SUP-1', '2026-12-01', 'done')",
            "INSERT INTO rma VALUES ('RMA-1', 'Ada', 'ORD-1', 'web', '2026-11-20', NULL, "
            "'received'), ('RMA-2', 'Bo', 'ORD-2', 'web', '2026-11-21', NULL, 'inspecting')",
            "INSERT INTO return_unit (id, status, bench, operator, started_at, identified_by, "
            "policy_trace, notes, disposition_trace) VALUES ('u-1', 'triage', 'b', 'o', "
            "'2026-12-01 10:00:00', 'scan', '[]', '', '[]')",
            "INSERT INTO receipt (id, number, supplier_code, status, bench, operator, "
            "started_at, identified_by) VALUES ('r-1', 'ASN-1', 'SUP-1', 'closed', 'b', 'o', "
            "'2026-12-01 10:00:00', 'ASN-1')",
            "INSERT INTO receipt (id, number, supplier_code, status, bench, operator, "
            "started_at, identified_by) VALUES ('r-2', NULL, 'SUP-1', 'open', 'b', 'o', "
            "'2026-12-01 10:00:00', 'SUP-1')",
            "INSERT INTO sync_conflict VALUES (1, 'rma', 'RMA-1', 'cancelled', 'gone', "
            "'2026-12-01 10:00:00')",
            "INSERT INTO label_job (id, created_at, bench, template, data, status, attempts) "
            "VALUES (1, '2026-12-01 10:00:00', 'b', 'return-unit', '{}', 'unsure', 3)",
            "INSERT INTO label_job (id, created_at, bench, template, data, status, attempts) "
            "VALUES (2, '2026-12-01 10:00:00', 'b', 'bin', '{}', 'queued', 0)",
            "INSERT INTO location (code, name, kind) VALUES ('BIN-1', 'Bin 1', 'bin'), "
            "('Q-1', 'Quarantine', 'quarantine'), ('D-1', 'Damaged', 'damaged')",
            "INSERT INTO scan (id, at, bench, source, raw, kind, outcome, message) VALUES "
            "(1, '2026-12-01 10:00:00', 'b', 'wedge', 'X', 'unknown', 'rejected', 'bad'), "
            "(2, '2026-12-01 10:00:01', 'b', 'keyboard', 'PIN', 'badge', 'refused', 'no'), "
            "(3, '2026-12-01 10:00:02', 'b', 'wedge', 'X', 'unknown', 'duplicate', ''), "
            "(4, '2026-12-01 10:00:03', 'b', 'wedge', 'Y', 'gtin', 'accepted', 'ok')",
        ):
            connection.exec_driver_sql(statement)
        events = [
            ("inspection_recorded", {"unit": "u-1", "rma": "RMA-1", "grade": "A"}, "sent"),
            ("return_received", {"unit": "u-1", "rma": "RMA-1"}, "pending"),
            ("disposition_decided", {"rma": "RMA-1", "sku": "S", "destination": "B"}, "rejected"),
            ("refund_eligible", {"rma": "RMA-1", "value_cents": 100}, "handled"),
            ("unexpected_return", {"unit": "u-1", "sku": "S"}, "pending"),
            ("receipt_closed", {"receipt": "r-1", "asn": "ASN-1", "lines": []}, "sent"),
            ("putaway_done", {"receipt": "r-2", "asn": None, "bin": "B"}, "pending"),
            ("inspection_recorded", {"unit": "u-9", "grade": "A"}, "pending"),  # no RMA
        ]
        for n, (kind, payload, status) in enumerate(events):
            connection.execute(
                text(
                    "INSERT INTO outbox (event_id, kind, payload, created_at, status, attempts) "
                    "VALUES (:id, :kind, :payload, '2026-12-01 10:00:00', :status, 0)"
                ),
                {"id": f"e-{n}", "kind": kind, "payload": json.dumps(payload), "status": status},
            )
    engine.dispose()

    store = open_store(file)
    with store.engine.connect() as connection:
        rows = {
            table: connection.exec_driver_sql(f"SELECT {columns} FROM {table} ORDER BY 1").all()
            for table, columns in (
                ("expected_receipt", "number, status"),
                ("rma", "number, erp_state"),
                ("return_unit", "id, status"),
                ("receipt", "id, status"),
                ("sync_conflict", "key, erp_state"),
                ("label_job", "id, status, attempts"),
                ("location", "code, kind"),
                ("scan", "id, outcome"),
                ("outbox", "seq, kind, status, subject, payload"),
            )
        }
    assert rows["expected_receipt"] == [("ASN-1", "done")]
    assert rows["rma"] == [("RMA-1", "received"), ("RMA-2", None)]  # a state nobody knows
    assert rows["return_unit"] == [("u-1", "triage")]
    assert rows["receipt"] == [("r-1", "closed"), ("r-2", "open")]
    assert rows["sync_conflict"] == [("RMA-1", "cancelled")]
    assert rows["label_job"] == [(1, "unsure", 3), (2, "queued", 0)]
    assert rows["location"] == [("BIN-1", "bin"), ("D-1", "damaged"), ("Q-1", "quarantine")]
    assert rows["scan"] == [(1, "rejected"), (2, "refused"), (3, "duplicate"), (4, "accepted")]
    assert [
        (kind, status, json.loads(payload)) for _, kind, status, _, payload in rows["outbox"]
    ] == [(kind, status, payload) for kind, payload, status in events]
    assert [subject for _, _, _, subject, _ in rows["outbox"]] == [
        "RMA-1", "RMA-1", "RMA-1", "RMA-1", "u-1", "ASN-1", "r-2", None,
    ]  # fmt: skip
    for table, column in (
        ("expected_receipt", "status"),
        ("rma", "erp_state"),
        ("return_unit", "status"),
        ("return_unit", "policy_verdict"),
        ("receipt", "status"),
        ("sync_conflict", "erp_state"),
        ("label_job", "status"),
        ("location", "kind"),
        ("scan", "outcome"),
        ("outbox", "status"),
    ):
        with pytest.raises(IntegrityError, match="CHECK constraint failed"), store.unit() as s:
            s.execute(text(f"UPDATE {table} SET {column} = 'lost'"))
    with store.read() as session:  # and the ORM reads the rows as their records and states
        first = session.scalar(select(OutboxEvent.status).where(OutboxEvent.seq == 1))
        assert first is OutboxStatus.SENT
        assert unsent_about(session, RmaEvent, "RMA-1") == 1
    store.close()
    engine = make_engine(file)
    with engine.connect() as connection:  # and back: the release before reads its store again
        driver = connection.connection.driver_connection
        assert driver is not None
        driver.execute("PRAGMA foreign_keys=OFF")  # as the station migrates
        config.attributes["connection"] = connection
        with connection.begin():
            command.downgrade(config, "0010")
        outbox_columns = [c[1] for c in connection.exec_driver_sql("PRAGMA table_info(outbox)")]
        assert "subject" not in outbox_columns
        connection.exec_driver_sql("UPDATE label_job SET status = 'anything'")  # unchecked
        assert connection.exec_driver_sql("SELECT count(*) FROM outbox").scalar() == len(events)
    engine.dispose()


def test_a_mark_that_cannot_be_written_leaves_the_unit_committed(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    store = open_store(tmp_path / "station.db")

    def disk_error(*_args: object) -> None:
        raise OSError(5, "Input/output error")

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr("os.pwrite", disk_error)
        with store.unit() as session:
            emit(session, ReturnReceived(unit="u1", rma="RMA-1"))
    with store.read() as session:
        assert session.scalar(select(func.count()).select_from(OutboxEvent)) == 1
    assert "high-water mark could not be written" in caplog.text
    store.close()
    store.close()  # a second close is harmless
