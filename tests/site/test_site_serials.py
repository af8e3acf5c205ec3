"""Serials are unique across the site: the same serial returned, or received, at two
benches is a conflict at the hub, both kept, found when the second bench's events arrive."""

import uuid
from datetime import date, datetime
from pathlib import Path
from typing import Any

import pytest
from hub_process import RunningHub, enrolled
from receiving_data import ASN, add_test_receipt
from sqlalchemy import create_engine, select
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session, sessionmaker
from test_hub import post

from hub import events
from hub.database import open_site_database
from station.feedback import Tone
from station.outbox import OutboxRecord, ReceiptClosed, ReturnReceived
from station.receiving.bench import ReceivingBench
from station.returns.inspection import Inspection
from station.rulepack import RulePack
from station.scans import Scan
from station.settings import Settings
from station.site_batch import read_batch
from station.states import ConflictKind, SerialUse
from station.store.engine import Store
from station.store.schema import SiteConflict, SiteSerial
from sync.hub.exchange import Exchange
from sync.hub.wire import HubWire

_seq = iter(range(1, 10_000))


def sent(record: OutboxRecord) -> dict[str, Any]:
    return {
        "event_id": str(uuid.uuid4()), "seq": next(_seq), "kind": record.kind.value,
        "subject": record.subject, "payload": record.to_payload(),
        "created_at": datetime(2026, 12, 5, 10, 41).isoformat(),
    }  # fmt: skip


def returned(bench: str, rma: str, serial: str) -> dict[str, Any]:
    return sent(ReturnReceived(rma=rma, unit=str(uuid.uuid4()), bench=bench, serial=serial))


def received(bench: str, asn: str, serials: list[str]) -> dict[str, Any]:
    line = {
        "line": 1, "sku": "EL-2001", "expected": len(serials), "received": len(serials),
        "damaged": 0, "lots": [], "serials": serials,
    }  # fmt: skip
    record = ReceiptClosed(
        receipt=str(uuid.uuid4()), asn=asn, supplier="SUP-1", bench=bench, lines=[line],
        discrepancies=[], putaways=[],
    )  # fmt: skip
    return sent(record)


def at_hub(site_url: str) -> tuple[list[tuple[str, str, str]], list[tuple[str, str, str, str]]]:
    engine = create_engine(site_url)
    try:
        with Session(engine) as session:
            serials = session.execute(
                select(SiteSerial.use, SiteSerial.serial, SiteSerial.bench).order_by(SiteSerial.id)
            )
            found = session.execute(
                select(
                    SiteConflict.kind, SiteConflict.subject, SiteConflict.bench,
                    SiteConflict.detail,
                ).order_by(SiteConflict.id)
            )  # fmt: skip
            return [tuple(s) for s in serials], [tuple(c) for c in found]  # type: ignore[misc]
    finally:
        engine.dispose()


@pytest.fixture
def tokens(site_url: str) -> dict[str, str]:
    return {bench: enrolled(bench, site_url) for bench in ("BENCH-01", "BENCH-02")}


def test_a_serial_returned_at_two_benches_is_a_conflict_once(
    hub: RunningHub, site_url: str, tokens: dict[str, str]
) -> None:
    first = {"bench": "BENCH-01", "events": [returned("BENCH-01", "RMA-10007", "SN-A1")]}
    assert post(hub, tokens["BENCH-01"], first).ok
    # The same bench's later events about the unit carry the serial again: no conflict.
    again = {"bench": "BENCH-01", "events": [returned("BENCH-01", "RMA-10007", "SN-A1")]}
    assert post(hub, tokens["BENCH-01"], again).ok
    second = {"bench": "BENCH-02", "events": [returned("BENCH-02", "RMA-10099", "SN-A1")]}
    assert post(hub, tokens["BENCH-02"], second).ok
    assert post(hub, tokens["BENCH-02"], second).ok  # a resend finds nothing new
    serials, found = at_hub(site_url)
    assert serials == [(SerialUse.RETURNED, "SN-A1", "BENCH-01")]
    assert found == [
        (
            ConflictKind.SERIAL, "SN-A1", "BENCH-02",
            "Serial SN-A1 was returned at BENCH-02 (RMA-10099) and already at BENCH-01 "
            "(RMA-10007): both are kept; find which unit bears it.",
        )
    ]  # fmt: skip


def test_a_clash_the_hub_could_not_record_is_recorded_when_the_batch_comes_again(
    site_url: str,
) -> None:
    """The events and serials are stored by one statement, the clash recorded after: the
    database gone between the two leaves the bench unanswered, and its resend records it."""
    engine = open_site_database(site_url)
    statements = engine.execution_options(isolation_level="AUTOCOMMIT")
    gone = create_engine("postgresql+psycopg://station@127.0.0.1:1/site")  # nothing listens
    now = datetime(2026, 12, 5, 10, 42)
    try:
        first = {"bench": "BENCH-01", "events": [returned("BENCH-01", "RMA-10007", "SN-B2")]}
        events.take(statements, sessionmaker(engine), read_batch(first), now)
        second = read_batch(
            {"bench": "BENCH-02", "events": [returned("BENCH-02", "RMA-10099", "SN-B2")]}
        )
        with pytest.raises(OperationalError):
            events.take(statements, sessionmaker(gone), second, now)
        assert [c for _, _, _, c in at_hub(site_url)[1]] == []  # stored, not yet recorded
        assert events.take(statements, sessionmaker(engine), second, now) == events.Taken(1, 0)
        assert [(k, s, b) for k, s, b, _ in at_hub(site_url)[1]] == [
            (ConflictKind.SERIAL, "SN-B2", "BENCH-02")
        ]
    finally:
        gone.dispose()
        engine.dispose()


def test_a_batch_refused_for_another_benchs_event_keeps_none_of_its_serials(
    hub: RunningHub, site_url: str, tokens: dict[str, str]
) -> None:
    theirs = returned("BENCH-01", "RMA-10007", "SN-C3")
    assert post(hub, tokens["BENCH-01"], {"bench": "BENCH-01", "events": [theirs]}).ok
    mine = returned("BENCH-02", "RMA-10099", "SN-C4")
    copied = {**theirs, "payload": {**theirs["payload"], "bench": "BENCH-02"}}
    answer = post(hub, tokens["BENCH-02"], {"bench": "BENCH-02", "events": [mine, copied]})
    assert answer.status_code == 409 and answer.json()["event"] == 1
    assert at_hub(site_url) == ([(SerialUse.RETURNED, "SN-C3", "BENCH-01")], [])


def test_serials_received_are_unique_apart_from_those_returned(
    hub: RunningHub, site_url: str, tokens: dict[str, str]
) -> None:
    closed = received("BENCH-01", "ASN-200001", ["SN-B1", "SN-B2"])
    assert post(hub, tokens["BENCH-01"], {"bench": "BENCH-01", "events": [closed]}).ok
    # A customer returning a unit received before is no clash: received and returned differ.
    back = returned("BENCH-02", "RMA-10007", "SN-B1")
    twice = received("BENCH-02", "ASN-200002", ["SN-B2", "SN-B3"])
    assert post(hub, tokens["BENCH-02"], {"bench": "BENCH-02", "events": [back, twice]}).ok
    serials, found = at_hub(site_url)
    assert sorted(serials) == [
        (SerialUse.RECEIVED, "SN-B1", "BENCH-01"),
        (SerialUse.RECEIVED, "SN-B2", "BENCH-01"),
        (SerialUse.RECEIVED, "SN-B3", "BENCH-02"),
        (SerialUse.RETURNED, "SN-B1", "BENCH-02"),
    ]
    assert [(kind, subject, bench) for kind, subject, bench, _ in found] == [
        (ConflictKind.SERIAL, "SN-B2", "BENCH-02")
    ]


def test_a_serial_received_elsewhere_on_the_site_is_refused_at_the_next_bench(
    hub: RunningHub, tokens: dict[str, str], store: Store, pack: RulePack, tmp_path: Path
) -> None:
    goods = add_test_receipt(store, date.today())
    serial = "SNT0000001"
    closed = received("BENCH-01", "ASN-200001", [serial])
    assert post(hub, tokens["BENCH-01"], {"bench": "BENCH-01", "events": [closed]}).ok
    settings = Settings({"bench.id": "BENCH-02"})
    exchange = Exchange(store, "BENCH-02", Inspection.configured(pack, settings))
    exchange(HubWire(hub.url, tokens["BENCH-02"]))
    receiving = ReceivingBench(store, settings, tmp_path / "photos")
    for code in ("BADGE-2001", ASN, "@NEW-LPN", goods.serial_item.gtin):
        receiving.handle(Scan(code, at=float(next(_seq))))
    refused = receiving.handle(Scan(serial, at=float(next(_seq))))
    assert refused.tone is Tone.BAD
    assert refused.message.startswith(
        f"Serial {serial} was already received at BENCH-01 on ASN-200001 ("
    )
    assert refused.message.endswith("): a serial comes in once.")
    # Its own next serial is taken: nothing else is held against the bench.
    assert receiving.handle(Scan("SNT0000002", at=float(next(_seq)))).tone is Tone.GOOD
