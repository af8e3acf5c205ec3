"""The station's schema on the site's PostgreSQL: the same migrations as a bench's SQLite
store build exactly the same models, go down and up again, and hold the bench's rows."""

from collections.abc import Iterator
from datetime import datetime

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from sqlalchemy import Engine, create_engine, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from station.states import OutboxStatus, ScanOutcome
from station.store.engine import MIGRATIONS, head_revision
from station.store.schema import Base, OutboxEvent, ScanRecord


@pytest.fixture
def engine(site_url: str) -> Iterator[Engine]:
    made = create_engine(site_url)
    yield made
    made.dispose()


def migrate(engine: Engine, to: str, *, down: bool = False) -> None:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        (command.downgrade if down else command.upgrade)(config, to)


def differences(engine: Engine) -> list[object]:
    with engine.connect() as connection:
        return list(compare_metadata(MigrationContext.configure(connection), Base.metadata))


def test_the_migrations_build_exactly_the_models_on_postgresql(engine: Engine) -> None:
    migrate(engine, "head")
    assert differences(engine) == []
    with engine.connect() as connection:
        assert MigrationContext.configure(connection).get_current_revision() == head_revision()
        # A partial index's condition, which compare_metadata does not look at.
        flagged = connection.exec_driver_sql(
            "SELECT indexdef FROM pg_indexes WHERE indexname = 'ix_received_flagged'"
        ).scalar()
        holding = connection.exec_driver_sql(
            "SELECT indexdef FROM pg_indexes WHERE indexname = 'ix_site_claim_holding'"
        ).scalar()
    assert flagged is not None and flagged.endswith("WHERE (damaged OR short_life)")
    # One claim at a time holds an RMA line or a receipt.
    assert holding is not None and "UNIQUE" in holding
    assert holding.endswith("WHERE (released_at IS NULL)")


def test_the_migrations_go_down_to_nothing_and_up_again_on_postgresql(engine: Engine) -> None:
    migrate(engine, "head")
    migrate(engine, "base", down=True)
    with engine.connect() as connection:
        left = connection.exec_driver_sql(
            "SELECT tablename FROM pg_tables WHERE schemaname = 'public'"
        ).scalars()
        assert list(left) == ["alembic_version"]
    migrate(engine, "head")
    assert differences(engine) == []


def test_an_event_and_a_scan_are_written_and_read_back_on_postgresql(engine: Engine) -> None:
    """Through the models: ``station.recording`` cannot write here, as it reads the new row's
    id from the driver's ``lastrowid``, which psycopg does not have."""
    migrate(engine, "head")
    at = datetime(2026, 12, 5, 13, 0, 0, 123456)
    payload = {"unit": "u1", "rma": "RMA-1"}
    with Session(engine) as session, session.begin():
        session.add(
            OutboxEvent(
                event_id="e-1",
                kind="return_received",
                payload=payload,
                subject="RMA-1",
                created_at=at,
                status=OutboxStatus.PENDING,
            )
        )
        session.add(
            ScanRecord(
                at=at,
                bench="RET-01",
                source="wedge",
                raw="RMA-1",
                kind="rma",
                outcome=ScanOutcome.ACCEPTED,
                message="",
            )
        )
    with Session(engine) as session:
        event = session.scalars(select(OutboxEvent)).one()
        scan = session.scalars(select(ScanRecord)).one()
    assert (event.seq, event.payload, event.status, event.attempts, event.created_at) == (
        1,
        payload,
        OutboxStatus.PENDING,
        0,
        at,
    )
    assert (scan.id, scan.outcome, scan.at) == (1, ScanOutcome.ACCEPTED, at)
    # The typed states' CHECK constraints, which compare_metadata does not look at.
    with pytest.raises(IntegrityError, match="ck_outbox_status"), engine.begin() as connection:
        connection.exec_driver_sql("UPDATE outbox SET status = 'lost'")
