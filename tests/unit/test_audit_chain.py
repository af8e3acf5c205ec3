"""The audit trail's hash chain: an entry changed, inserted or removed behind the station's
back (raw sqlite3) is named by the verification, and the verification is kept."""

import sqlite3
from datetime import datetime
from pathlib import Path

import pytest
from alembic import command
from alembic.config import Config

from station.audit_chain import verify
from station.errors import StoreError
from station.recording import audit
from station.store.engine import MIGRATIONS, Store, make_engine, open_store
from station.store.high_water import mark_file

NOON = datetime(2026, 12, 5, 12, 0)


def write_entries(store: Store, count: int) -> None:
    for number in range(1, count + 1):
        with store.unit() as session:
            audit(
                session,
                bench="RET-01",
                operator="1001",
                action="unit_decided",
                subject=f"U-{number}",
                grade="B",
                note={"why": "scratched", "cents": 1250 + number},
            )


def behind_its_back(store: Store, *statements: str) -> None:
    store.close()
    with sqlite3.connect(store.file) as raw:
        for statement in statements:
            raw.execute(statement)
    raw.close()


def test_a_sound_chain_holds_and_its_verification_is_kept(store: Store) -> None:
    write_entries(store, 5)
    verdict = verify(store, NOON)
    assert (verdict.ok, verdict.entries, verdict.head_id) == (True, 5, 5)
    from station.audit_chain import last_check  # noqa: PLC0415

    kept = last_check(store)
    assert kept is not None
    assert (kept.at, kept.entries, kept.broken) == (NOON, 5, None)


def test_an_edited_entry_is_named(tmp_path: Path) -> None:
    store = open_store(tmp_path / "station.db")
    write_entries(store, 5)
    behind_its_back(store, "UPDATE audit SET operator = '1002' WHERE id = 3")
    verdict = verify(open_store(store.file), NOON)
    assert verdict.broken == "entry #3 was changed"
    assert verdict.entries == 2


def test_an_edited_detail_is_named(tmp_path: Path) -> None:
    store = open_store(tmp_path / "station.db")
    write_entries(store, 5)
    behind_its_back(
        store, "UPDATE audit SET detail = json_set(detail, '$.note.cents', 1) WHERE id = 4"
    )
    assert verify(open_store(store.file), NOON).broken == "entry #4 was changed"


def test_a_removed_entry_is_named(tmp_path: Path) -> None:
    store = open_store(tmp_path / "station.db")
    write_entries(store, 5)
    behind_its_back(store, "DELETE FROM audit WHERE id = 3")
    assert verify(open_store(store.file), NOON).broken == "an entry before #4 was removed"


def test_an_inserted_entry_is_named(tmp_path: Path) -> None:
    store = open_store(tmp_path / "station.db")
    write_entries(store, 5)
    behind_its_back(
        store,
        # Room for one after #2: #3 to #5 become #4 to #6.
        "UPDATE audit SET id = id + 100 WHERE id > 2",
        "UPDATE audit SET id = id - 99 WHERE id > 100",
        "INSERT INTO audit SELECT 3, at, bench, '9999', 'override_approved', subject, detail, "
        "prev_hash, hash FROM audit WHERE id = 2",
    )
    verdict = verify(open_store(store.file), NOON)
    assert verdict.broken == "entry #3 was inserted"


def test_an_entry_added_at_the_end_is_named(tmp_path: Path) -> None:
    store = open_store(tmp_path / "station.db")
    write_entries(store, 5)
    behind_its_back(
        store,
        "INSERT INTO audit SELECT 6, at, bench, '9999', 'override_approved', subject, detail, "
        "hash, 'made up' FROM audit WHERE id = 5",
    )
    assert verify(open_store(store.file), NOON).broken == "entry #6 was changed"


def test_the_last_entries_removed_since_a_verification_are_caught(tmp_path: Path) -> None:
    store = open_store(tmp_path / "station.db")
    write_entries(store, 5)
    assert verify(store, NOON).ok
    behind_its_back(store, "DELETE FROM audit WHERE id >= 4")
    with pytest.raises(StoreError, match=r"audit ends at #3, #5 was written"):
        open_store(store.file)
    mark_file(store.file).unlink()  # the mark beside it taken out too
    verdict = verify(open_store(store.file), NOON)
    assert (
        verdict.broken == "entry #5, the last verified on 2026-12-05 12:00, was removed or changed"
    )


def test_the_migration_chains_the_entries_already_there(tmp_path: Path) -> None:
    store = open_store(tmp_path / "station.db")
    write_entries(store, 4)
    store.close()
    engine = make_engine(store.file)
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.downgrade(config, "0011")
    engine.dispose()
    upgraded = open_store(store.file)
    verdict = verify(upgraded, NOON)
    assert (verdict.ok, verdict.entries) == (True, 4)
    write_entries(upgraded, 1)  # and new entries chain on
    assert verify(upgraded, NOON).entries == 5
    upgraded.close()
