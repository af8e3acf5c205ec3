"""Outbox events made the way an operator makes them: by scans at the returns and the
receiving bench; and what the ERP must show of them."""

import itertools
from collections.abc import Sequence
from typing import Any

from demo_lines import DemoLine, demo_lines
from sqlalchemy import func, select

from station.feedback import Feedback, Tone
from station.outbox import ReceiptClosed
from station.receiving.bench import ReceivingBench
from station.receiving.view import RStep
from station.returns.bench import ReturnsBench
from station.returns.view import Step
from station.scans import Scan
from station.store.engine import Store
from station.store.schema import OutboxEvent
from sync.tryton.connector import HANDLERS
from sync.tryton.push_returns import RETURNS
from sync.tryton.rpc import Client

INSPECTOR, SUPERVISOR = "BADGE-1001", "BADGE-3001"
CLERK, SUPERVISOR_PIN = "BADGE-2001", "3333"
# Scan times two seconds apart, so that no scan is taken for a double read of the last.
_clock = itertools.count(1000, 2)


def scan(bench: ReturnsBench | ReceivingBench, *codes: str) -> Feedback:
    """The codes scanned in turn; what the bench said to the last."""
    said = Feedback.bad("nothing scanned")
    for raw in codes:
        said = bench.handle(Scan(raw, at=float(next(_clock))))
    return said


def triage(bench: ReturnsBench, code: str) -> str:
    """A parcel with no RMA, sent to triage; returns its event's id."""
    scan(bench, INSPECTOR, code, "@TRIAGE", "@CONFIRM")
    with bench.store.read() as session:
        event = session.scalars(
            select(OutboxEvent)
            .where(OutboxEvent.kind == "unexpected_return")
            .order_by(OutboxEvent.seq.desc())
            .limit(1)
        ).one()
    return event.event_id


def record_return(bench: ReturnsBench, line: DemoLine) -> None:
    """One unit of an RMA line recorded as a careful inspector records it: each check
    answered the way that passes, grade A, the customer's reason confirmed, the rules'
    disposition accepted, and a supervisor's badge when the bench asks for one."""
    scan(bench, INSPECTOR, line.rma, line.gtin)
    for _ in range(20):
        view = bench.view()
        if view.step is Step.DECIDE:
            said = scan(bench, "@CONFIRM")
            assert said.tone is Tone.GOOD, said.message
            return
        if view.step is Step.CHECKLIST:
            assert view.unit is not None and view.unit.category is not None
            asked = next(n for n, c in enumerate(view.unit.checklist) if c.answer is None)
            code = "@" + bench.pack.checklist(view.unit.category)[asked].passing.upper()
        else:
            codes = {
                Step.SERIAL: line.serial,
                Step.GRADE: "@GRADE-A",
                Step.REASON: "@CONFIRM",
                Step.APPROVAL: SUPERVISOR,
            }
            found = codes.get(view.step)
            assert found is not None, f"{line.rma}: the bench waits at {view.step}: {view.prompt}"
            code = found
        scan(bench, code)
    raise AssertionError(f"{line.rma}: not recorded after 20 scans")


def blind_receipt(bench: ReceivingBench, supplier: str, goods: Sequence[str]) -> str:
    """A receipt nobody announced: the supplier's code, one plate of ``goods`` (a scan a
    unit), put away to the bin the bench suggests, closed; returns the station's receipt
    id, the reference the ERP's supplier shipment is made under."""
    for code in (CLERK, supplier, "@NEW-LPN", *goods, "@PUTAWAY"):
        said = scan(bench, code)
        assert said.tone is not Tone.BAD, f"{code!r}: {said.message}"
    suggested = bench.view().suggested_bin
    assert suggested is not None
    scan(bench, suggested)
    said = scan(bench, "@CLOSE")
    if bench.step() is RStep.APPROVAL:  # what nobody announced may be beyond the tolerance
        said = bench.approve_with_pin(SUPERVISOR_PIN)
    assert "closed" in said.message, said.message
    with bench.store.read() as session:
        closed = session.scalars(
            select(OutboxEvent)
            .where(OutboxEvent.kind == "receipt_closed")
            .order_by(OutboxEvent.seq.desc())
            .limit(1)
        ).one()
    event = ReceiptClosed.from_payload(closed.payload)
    assert not event.asn
    return event.subject


def loose_items(demo: dict[str, Any]) -> list[tuple[str, str]]:
    """(SKU, GTIN) of items on no RMA: a parcel of one is an unexpected return."""
    on_rmas = {line["sku"] for rma in demo["rmas"] for line in rma["lines"]}
    return [(item["sku"], item["gtins"][0]) for item in demo["items"] if item["sku"] not in on_rmas]


def single_units(demo: dict[str, Any]) -> list[DemoLine]:
    """Lines that are their RMA's only unit: once it is disposed of, the shipment is done."""
    alone = {r["number"] for r in demo["rmas"] if [li["quantity"] for li in r["lines"]] == [1]}
    return demo_lines(demo, lambda line, _item: line.rma in alone)


def assert_returned_once(admin: Client, line: DemoLine, events: dict[str, OutboxEvent]) -> None:
    """The RMA's shipment received and done with one move in and one out, where the bench
    sent the unit; one inspection, passed; one complaint, approved or recorded."""
    (shipment,) = admin.model(
        RETURNS, "search_read", [["reference", "=", line.rma]], 0, None, None, ["state"]
    )
    assert shipment["state"] == "done", f"{line.rma} is {shipment['state']}, all its events sent"
    of_rma = f"{RETURNS},{shipment['id']}"
    moves = admin.model(
        "stock.move", "search_read", [["shipment", "=", of_rma]], 0, None, [["id", "ASC"]],
        ["product.code", "from_location.code", "to_location.code", "quantity", "state"],
    )  # fmt: skip
    assert [
        (m["product."]["code"], m["from_location."]["code"], m["to_location."]["code"],
         m["quantity"], m["state"])
        for m in moves
    ] == [
        (line.sku, "CUS", "IN", 1, "done"),
        (line.sku, "IN", events["disposition_decided"].payload["destination"], 1, "done"),
    ]  # fmt: skip
    inspections = admin.model(
        "quality.inspection", "search_read", [["origin", "=", of_rma]], 0, None, None,
        ["state", "reference"],
    )  # fmt: skip
    assert [(i["reference"], i["state"]) for i in inspections] == [
        (events["inspection_recorded"].event_id, "passed")
    ]
    refund = events["refund_eligible"].event_id
    complaints = admin.model(
        "sale.complaint", "search_read", [["reference", "in", [line.rma, refund]]], 0, None,
        None, ["reference", "state"],
    )  # fmt: skip
    assert [(c["reference"], c["state"]) for c in complaints] in (
        [(line.rma, "approved")],  # the RMA's own complaint, approved by the verified return
        [(line.rma, "done")],  # ... and already processed by Tryton
        [(refund, "waiting")],  # no complaint on the RMA: the refund recorded for the office
    ), line.rma


def waiting(store: Store) -> int:
    """Events the pusher has a handler for that are still pending."""
    with store.read() as session:
        count = select(func.count()).select_from(OutboxEvent)
        return session.scalar(
            count.where(OutboxEvent.status == "pending", OutboxEvent.kind.in_(HANDLERS))
        ) or 0  # fmt: skip
