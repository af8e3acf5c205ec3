"""The whole loop, at the real window with its background sync against a live Tryton.

Returns are recorded by wedge scans (a restock, a quarantine, a vendor claim and a parcel
with no RMA), then a receipt (a lot, a short, two plates put away to bins); the window's
sync worker pushes it all. In Tryton the shipments are received or done, the inspections
exist and passed or failed as graded, and the stock sits where the bench sent it.
"""

from collections.abc import Callable, Iterator
from typing import Any

import pytest
from bench_driver import Scanner
from pytestqt.qtbot import QtBot
from sqlalchemy import select

from app.gui import start_sync
from demo import erp_server
from station.feedback import Tone
from station.gtin import to_gtin14
from station.receiving.view import RStep
from station.returns.view import Step
from station.settings import Settings
from station.store.engine import Store
from station.store.schema import OutboxEvent, ReturnUnit
from sync.credentials import OS_SOURCES
from sync.cycle import SyncState, SyncStatus
from sync.push import pending
from sync.tryton.rpc import Client
from ui.main_window import MainWindow

pytestmark = [pytest.mark.gui, pytest.mark.erp]
GS = "|"  # what a wedge scanner types for the GS1 group separator (scanner.gs1_separator)
INSPECTOR, SUPERVISOR, CLERK = "BADGE-1001", "BADGE-3001", "BADGE-2001"


def record(window: MainWindow, scanner: Scanner, *codes: str, grade: str = "A") -> ReturnUnit:
    """The codes scanned, then each check answered the way that passes, the grade, the
    stated reason confirmed, and the rules' disposition taken (a supervisor's badge when the
    bench asks); returns the unit recorded."""
    for code in (INSPECTOR, *codes):
        scanner.scan(code)
    for _ in range(20):
        view = window.bench.view()
        if view.step is Step.DECIDE:
            assert scanner.scan("@CONFIRM").tone is not Tone.BAD
            break
        if view.step is Step.CHECKLIST:
            assert view.unit is not None and view.unit.category is not None
            questions = window.bench.pack.checklist(view.unit.category)
            asked = next(n for n, c in enumerate(view.unit.checklist) if c.answer is None)
            scanner.scan("@" + questions[asked].passing.upper())
            continue
        code = {Step.GRADE: f"@GRADE-{grade}", Step.REASON: "@CONFIRM", Step.APPROVAL: SUPERVISOR}
        assert view.step in code, f"the bench waits at {view.step}: {view.prompt}"
        scanner.scan(code[view.step])
    with window.bench.store.read() as session:
        return session.scalars(
            select(ReturnUnit).where(ReturnUnit.status.in_(["decided", "triage"]))
            .order_by(ReturnUnit.finished_at.desc()).limit(1)
        ).one()  # fmt: skip


def put_away(window: MainWindow, scanner: Scanner) -> str:
    scanner.scan("@PUTAWAY")
    suggested = window.receiving_bench.view().suggested_bin
    assert suggested is not None
    assert scanner.scan(suggested).tone is Tone.GOOD
    return suggested


def gs1(gtin: str, lot: str, count: int) -> str:
    return f"01{to_gtin14(gtin)}17301231" + f"10{lot}{GS}30{count}"


def shipment_of(admin: Client, model: str, reference: str) -> dict[str, Any]:
    (found,) = admin.model(
        model, "search_read", [["reference", "=", reference]], 0, 1, None, ["state"]
    )
    inspections = admin.model(
        "quality.inspection", "search_read", [["origin", "=", f"{model},{found['id']}"]],
        0, None, [["id", "ASC"]], ["state"],
    )  # fmt: skip
    moves = admin.model(
        "stock.move", "search_read", [["shipment", "=", f"{model},{found['id']}"]], 0, None, None,
        ["product.code", "lot.number", "from_location.code", "to_location.code", "quantity"],
    )  # fmt: skip
    return {
        "state": found["state"],
        "moves": sorted(
            (
                m["product."]["code"],
                (m.get("lot.") or {}).get("number"),
                m["from_location."]["code"],
                m["to_location."]["code"],
                m["quantity"],
            )
            for m in moves
        ),
        "inspections": [i["state"] for i in inspections],
    }


@pytest.fixture
def synced_window(
    make_window: Callable[[Settings], MainWindow],
    qtbot: QtBot,
    store: Store,
    erp: erp_server.Running,
    monkeypatch: pytest.MonkeyPatch,
) -> Iterator[tuple[MainWindow, Scanner, list[SyncState]]]:
    """The window with its sync worker started as the app starts it, once a second."""
    monkeypatch.setenv("STATION_ERP_PASSWORD", erp.station.password)
    settings = Settings().with_values(erp__url=erp.url, erp__interval_s=1)
    window = make_window(settings)
    heard: list[SyncState] = []
    link = start_sync(store, settings, window, OS_SOURCES)
    assert link is not None
    link.state_changed.connect(heard.append)
    try:  # stopped even when it never comes online: a worker left running spoils later tests
        qtbot.waitUntil(
            lambda: bool(heard) and heard[-1].state == SyncStatus.ONLINE, timeout=30_000
        )
        yield window, Scanner(qtbot, window, settings), heard
    finally:
        link.stop()


def receive_asn(window: MainWindow, scanner: Scanner) -> tuple[str, str]:
    """ASN-200001 with its lots, line 3 three short, on two plates; returns their bins."""
    assert scanner.scan("@MODE-RECEIVING").tone is not Tone.BAD
    for code in (CLERK, "ASN-200001", "@NEW-LPN"):
        assert scanner.scan(code).tone is not Tone.BAD
    scanner.scan(gs1("87422146", "LHAZASZ", 101))
    scanner.scan(gs1("4005181171095", "LXUKCOG", 93))
    first = put_away(window, scanner)
    scanner.scan("@NEW-LPN")
    scanner.scan(gs1("4005142447566", "LNY80Z4", 27))
    second = put_away(window, scanner)
    closing = scanner.scan("@CLOSE")
    if window.receiving_bench.step() is RStep.APPROVAL:
        closing = scanner.scan(SUPERVISOR)
    assert "closed" in closing.message
    return first, second


def test_returns_and_a_receipt_at_the_window_land_in_tryton(
    synced_window: tuple[MainWindow, Scanner, list[SyncState]],
    qtbot: QtBot,
    store: Store,
    admin_client: Client,
) -> None:
    window, scanner, heard = synced_window
    restocked = record(window, scanner, "RMA-10004", "5907725452020")
    held = record(window, scanner, "RMA-10010", "4001862545117")  # 55 days: out of policy
    claimed = record(window, scanner, "RMA-10012", "4001954833795", "SNDL80MB9VSI")
    for code in (INSPECTOR, "5907284338711", "@TRIAGE", "@CONFIRM"):  # on no RMA
        scanner.scan(code)
    assert (restocked.disposition, held.disposition, claimed.disposition) == (
        "RESTOCK",
        "QUARANTINE",
        "RTV",
    )
    first, second = receive_asn(window, scanner)

    # Only what the worker says after the last scan counts: an earlier cycle's "0 pending"
    # was said before these events were written.
    said_before = len(heard)
    qtbot.waitUntil(
        lambda: (
            pending(store) == 0
            and any(s.pending == 0 and s.state == SyncStatus.ONLINE for s in heard[said_before:])
        ),
        timeout=60_000,
    )
    assert window.header.erp.state == "ok"
    with store.read() as session:
        unsent = session.scalars(select(OutboxEvent).where(OutboxEvent.status != "sent"))
        assert [(e.kind, e.status, e.last_error) for e in unsent] == []
        (triage_id,) = session.scalars(
            select(OutboxEvent.event_id).where(OutboxEvent.kind == "unexpected_return")
        )

    returns = "stock.shipment.out.return"
    restock = shipment_of(admin_client, returns, "RMA-10004")
    assert restock["state"] == "done" and restock["inspections"] == ["passed"]
    assert ("AP-1007", None, "IN", "LOC-RESTOCK", 1.0) in restock["moves"]
    quarantine = shipment_of(admin_client, returns, "RMA-10010")
    assert quarantine["state"] == "received"  # one of its two units is still to come
    assert quarantine["inspections"] == ["passed"]
    assert ("AP-1052", None, "IN", "LOC-QUARANTINE", 1.0) in quarantine["moves"]
    assert ("AP-1052", None, "IN", "STO", 1.0) in quarantine["moves"]
    claim = shipment_of(admin_client, returns, "RMA-10012")
    assert claim["state"] == "done" and claim["inspections"] == ["passed"]
    assert ("EL-2039", None, "IN", "LOC-RTV", 1.0) in claim["moves"]
    unexpected = shipment_of(admin_client, returns, triage_id)
    assert unexpected["state"] == "draft"
    assert unexpected["moves"] == [("AP-1004", None, "CUS", "IN", 1.0)]

    receipt = shipment_of(admin_client, "stock.shipment.in", "ASN-200001")
    assert receipt["state"] == "done"
    assert [m for m in receipt["moves"] if m[2] == "IN"] == sorted(
        [
            ("HB-3010", "LHAZASZ", "IN", first, 101.0),
            ("HB-3047", "LXUKCOG", "IN", first, 93.0),
            ("HB-3042", "LNY80Z4", "IN", second, 27.0),
        ]
    )
    assert ("HB-3042", "LNY80Z4", "SUP", "IN", 27.0) in receipt["moves"]
