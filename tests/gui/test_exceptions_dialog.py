"""The exception queue screen: a supervisor settles what the ERP refused and conflicts
between benches of the site; nobody else."""

from datetime import timedelta

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QInputDialog, QPushButton
from pytestqt.modeltest import ModelTester
from pytestqt.qtbot import QtBot
from sqlalchemy import select, update

from station.operators import Role, SignedIn
from station.outbox import PutawayDone, UnexpectedReturn
from station.recording import emit, utcnow
from station.states import ConflictKind, RefusalStatus
from station.store.engine import Store
from station.store.schema import (
    OutboxEvent,
    SiteConflict,
    SiteRefusal,
    SiteResolution,
    SyncConflict,
)
from ui.exceptions_dialog import ExceptionsDialog

pytestmark = pytest.mark.gui
SAM = SignedIn("Sam Supervisor", "BADGE-3001", Role.SUPERVISOR)
CARL = SignedIn("Carl Clerk", "BADGE-2001", Role.CLERK)


@pytest.fixture
def two_rejected(store: Store) -> None:
    with store.unit() as session:
        emit(session, UnexpectedReturn(sku="GONE-1"))
        emit(session, PutawayDone(receipt="r-gone", bin="BIN-GONE", contents=[]))
        session.execute(update(OutboxEvent).values(status="rejected", last_error="gone in the ERP"))


def click(qtbot: QtBot, dialog: ExceptionsDialog, text: str) -> None:
    button = next(b for b in dialog.findChildren(QPushButton) if b.text().startswith(text))
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)


def statuses(store: Store) -> list[str]:
    with store.read() as session:
        return list(session.scalars(select(OutboxEvent.status).order_by(OutboxEvent.seq)))


@pytest.mark.usefixtures("two_rejected")
def test_a_supervisor_sends_one_again_and_marks_one_handled(
    qtbot: QtBot, store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    dialog = ExceptionsDialog(store, SAM, "BENCH-01")
    qtbot.addWidget(dialog)
    ModelTester(None).check(dialog.model)
    assert dialog.model.rowCount() == 2
    dialog.table.selectRow(0)
    with qtbot.waitSignal(dialog.settled):
        click(qtbot, dialog, "Send again")
    assert dialog.model.rowCount() == 1
    monkeypatch.setattr(QInputDialog, "getText", lambda *_a, **_k: ("rebooked by hand", True))
    dialog.table.selectRow(0)
    click(qtbot, dialog, "Mark handled")
    assert statuses(store) == ["pending", "handled"]
    assert dialog.model.rowCount() == 0


@pytest.mark.usefixtures("two_rejected")
def test_what_the_sites_hub_refused_is_in_the_same_queue_and_sent_again_to_the_hub(
    qtbot: QtBot, store: Store
) -> None:
    with store.unit() as session:
        emit(session, UnexpectedReturn(sku="LONG-1"))
        seq = max(session.scalars(select(OutboxEvent.seq)))
        session.add(
            SiteRefusal(
                seq=seq, why="subject must be text of 1 to 40 characters", refused_at=utcnow(),
                tries=1, status=RefusalStatus.REFUSED,
            )
        )  # fmt: skip
    dialog = ExceptionsDialog(store, SAM, "BENCH-01")
    qtbot.addWidget(dialog)
    shown = [
        [dialog.model.index(row, column).data() for column in (2, 4)]
        for row in range(dialog.model.rowCount())
    ]
    assert shown == [
        ["ERP", "gone in the ERP"],
        ["ERP", "gone in the ERP"],
        ["site hub", "subject must be text of 1 to 40 characters"],
    ]
    dialog.table.selectRow(2)
    with qtbot.waitSignal(dialog.settled):
        click(qtbot, dialog, "Send again")
    with store.read() as session:
        assert session.get(SiteRefusal, seq).status is RefusalStatus.AGAIN  # to the hub
    # The ERP's two are untouched; the new event's own way to the ERP too.
    assert statuses(store) == ["rejected", "rejected", "pending"]
    assert dialog.model.rowCount() == 2


@pytest.mark.usefixtures("two_rejected")
def test_a_clerk_is_told_it_takes_a_supervisor(qtbot: QtBot, store: Store) -> None:
    dialog = ExceptionsDialog(store, CARL, "BENCH-01")
    qtbot.addWidget(dialog)
    dialog.table.selectRow(0)
    click(qtbot, dialog, "Send again")
    assert "supervisor only" in dialog.result_line.text()
    assert statuses(store) == ["rejected", "rejected"]


def test_conflicts_found_by_a_pull_are_shown(qtbot: QtBot, store: Store) -> None:
    with store.unit() as session:
        session.add(
            SyncConflict(
                entity="rma",
                key="RMA-10004",
                erp_state="cancelled",
                detail="RMA-10004 was cancelled in the ERP while 1 unit(s) of it were at the bench",
                found_at=utcnow(),
            )
        )
    dialog = ExceptionsDialog(store, SAM, "BENCH-01")
    qtbot.addWidget(dialog)
    ModelTester(None).check(dialog.conflicts)
    assert dialog.conflicts.index(0, 1).data().startswith("RMA-10004 was cancelled")


def buttons(dialog: ExceptionsDialog) -> list[QPushButton]:
    return [
        b
        for b in dialog.findChildren(QPushButton)
        if b.text().startswith(("Send again", "Mark handled"))
    ]


def test_an_empty_queue_says_so_and_offers_nothing_to_press(qtbot: QtBot, store: Store) -> None:
    dialog = ExceptionsDialog(store, SAM, "BENCH-01")
    qtbot.addWidget(dialog)
    dialog.show()
    assert dialog.queue.nothing.isVisible() and not dialog.table.isVisible()
    assert dialog.queue.nothing.text().startswith("Nothing waiting")
    assert [b.isEnabled() for b in buttons(dialog)] == [False, False]


@pytest.mark.usefixtures("two_rejected")
def test_the_buttons_wait_for_an_event_to_be_picked(qtbot: QtBot, store: Store) -> None:
    dialog = ExceptionsDialog(store, SAM, "BENCH-01")
    qtbot.addWidget(dialog)
    dialog.show()
    assert dialog.table.isVisible() and not dialog.queue.nothing.isVisible()
    assert [b.isEnabled() for b in buttons(dialog)] == [False, False]
    table = dialog.table
    cell = table.visualRect(table.model().index(1, 1)).center()
    qtbot.mouseClick(table.viewport(), Qt.MouseButton.LeftButton, pos=cell)
    assert [b.isEnabled() for b in buttons(dialog)] == [True, True]
    with qtbot.waitSignal(dialog.settled):
        click(qtbot, dialog, "Send again")
    assert [b.isEnabled() for b in buttons(dialog)] == [False, False]


def test_a_conflict_between_benches_is_settled_and_one_from_the_erp_is_not(
    qtbot: QtBot, store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    with store.unit() as session:
        session.add(
            SiteConflict(
                id=7, kind=ConflictKind.CLAIM, subject="RMA-10004/1", bench="BENCH-02",
                other_bench="BENCH-01", detail="RMA-10004/1 was worked at BENCH-02 while "
                "BENCH-01 (BADGE-1001) held it: both benches' work is kept.",
                found_at=utcnow(),
            )
        )  # fmt: skip
        session.add(
            SyncConflict(
                entity="rma", key="RMA-10005", erp_state="cancelled",
                detail="RMA-10005 was cancelled in the ERP.", found_at=utcnow() - timedelta(1),
            )
        )  # fmt: skip
    dialog = ExceptionsDialog(store, SAM, "BENCH-01")
    qtbot.addWidget(dialog)
    assert dialog.conflicts.rowCount() == 2
    assert dialog.conflicts.index(0, 1).data().startswith("Site: RMA-10004/1 was worked")
    settle = next(b for b in dialog.findChildren(QPushButton) if b.text() == "Mark settled…")
    assert not settle.isEnabled()  # nothing picked
    monkeypatch.setattr(QInputDialog, "getText", lambda *_a, **_k: ("BENCH-02's undone", True))
    dialog.conflict_list.table.selectRow(1)  # the ERP's: not for the site to settle
    click(qtbot, dialog, "Mark settled")
    assert dialog.result_line.text() == (
        "Only an open conflict between benches of the site is settled here."
    )
    dialog.conflict_list.table.selectRow(0)
    click(qtbot, dialog, "Mark settled")
    assert dialog.result_line.text().startswith("Settled: RMA-10004/1.")
    assert (
        dialog.conflicts.index(0, 1)
        .data()
        .startswith("Site, settled here (on its way to the hub): RMA-10004/1")
    )
    with store.read() as session:
        (given,) = session.scalars(select(SiteResolution)).all()
    assert (given.conflict_id, given.resolution, given.supervisor) == (
        7, "BENCH-02's undone", SAM.badge,
    )  # fmt: skip
