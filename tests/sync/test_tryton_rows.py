"""Rows of Tryton's pull as they land in the store, without a server: a document in a
state the station does not know (a customised workflow) must not stop the pull."""

import logging
from typing import Any

import pytest
from sqlalchemy import select

from station.states import ExpectedStatus, ShipmentState
from station.store.engine import Store
from station.store.schema import ExpectedReceipt, Rma
from sync.tryton.pull_work import RECEIPTS, RETURNS


def receipt_row(state: str, reference: str = "ASN-200003") -> dict[str, Any]:
    return {
        "reference": reference,
        "state": state,
        "planned_date": None,
        "origins": "PO-700003",
        "supplier.": {"code": "SUP-ARDENNESLIVI", "name": "Ardennes Living"},
        "incoming_moves.": [],
    }


def test_a_state_the_station_does_not_know_leaves_the_document_and_the_page_goes_on(
    store: Store, caplog: pytest.LogCaptureFixture
) -> None:
    with store.read() as session:
        rma = session.get(Rma, "RMA-10004")
        assert rma is not None
        before = rma.erp_state
    with caplog.at_level(logging.WARNING, logger="station.sync"), store.unit() as session:
        RETURNS.apply(
            session,
            [
                {"reference": "RMA-10004", "state": "inspecting"},
                {"reference": "RMA-10005", "state": "cancelled"},
            ],
        )
        RECEIPTS.apply(session, [receipt_row("staging"), receipt_row("cancelled", "ASN-200004")])
    with store.read() as session:
        states = {r.number: r.erp_state for r in session.scalars(select(Rma))}
        assert states["RMA-10004"] == before
        assert states["RMA-10005"] == ShipmentState.CANCELLED
        kept = session.get(ExpectedReceipt, "ASN-200003")
        cancelled = session.get(ExpectedReceipt, "ASN-200004")
        assert kept is not None and kept.status == ExpectedStatus.OPEN
        assert cancelled is not None and cancelled.status == ExpectedStatus.CANCELLED
    said = [r.getMessage() for r in caplog.records]
    assert "RMA-10004 is 'inspecting' in the ERP, a state the station does not know" in said
    assert "ASN-200003 is 'staging' in the ERP, a state the station does not know" in said
