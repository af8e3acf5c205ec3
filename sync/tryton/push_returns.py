"""The returns bench's events as Tryton records: return shipments, inspections, moves and
complaints (notes/tryton.md 7b, 7d, 7e).

Each handler reads before it writes, so an event sent again after a lost answer finds its
work done and changes nothing: a create is looked up by its reference first, a transition
checks the state, and a unit's move counts the units already at its destination.
"""

from decimal import Decimal
from typing import Any

from station.commands import GRADES
from station.outbox import (
    DispositionDecided,
    EventKind,
    InspectionRecorded,
    RefundEligible,
    ReturnReceived,
    UnexpectedReturn,
)
from station.states import ShipmentState
from sync.connector import Outgoing, Rejected
from sync.tryton.erp_calls import Erp, Handler, QualityGate
from sync.tryton.erp_names import (
    GRADE_POINT,
    RETURN_GATE,
    UNIDENTIFIED,
    AlertState,
    ComplaintState,
    InspectionState,
)

RETURNS = "stock.shipment.out.return"
# The operations whose controls inspect a customer return, the gate first.
RETURN_OPERATIONS = (RETURN_GATE, f"{RETURNS}:do")


def _shipment(erp: Erp, rma: str, fields: list[str] | None = None) -> dict[str, Any]:
    found = erp.by_reference(RETURNS, rma, fields or [])
    if found is None:
        raise Rejected("Missing", f"the ERP has no return shipment for {rma}")
    if found["state"] == ShipmentState.CANCELLED:
        raise Rejected("Cancelled", f"{rma} is cancelled in the ERP")
    return found


def unexpected_return(erp: Erp, sending: Outgoing) -> None:
    """A customer return shipment for a parcel with no RMA, in draft, for the office."""
    if not sending.fresh and erp.by_reference(RETURNS, sending.event_id, []) is not None:
        return  # made by an earlier try whose answer was lost
    event = sending.read(UnexpectedReturn)
    moves = []
    if event.sku:
        moves.append(
            {
                "product": erp.product(event.sku),
                "unit": 1,
                "quantity": 1.0,
                "from_location": erp.location("CUS"),
                "to_location": erp.location("IN"),
                "unit_price": Decimal(0),
                "currency": erp.euro(),
            }
        )
    erp.call(
        RETURNS,
        "create",
        [
            {
                "customer": erp.one("party.party", [["name", "=", UNIDENTIFIED]], UNIDENTIFIED),
                "reference": sending.event_id,
                "warehouse": erp.location("WH"),
                "warehouse_input": erp.location("IN"),
                "warehouse_storage": erp.location("STO"),
                "moves": [["create", moves]],
            }
        ],
    )


def return_received(erp: Erp, sending: Outgoing) -> None:
    """The RMA's return shipment received; received (or done) already counts as done. The
    unit's inspection, the event before, lets it through the ERP's quality gate."""
    rma = sending.read(ReturnReceived).rma
    shipment = _shipment(erp, rma)
    if shipment["state"] != ShipmentState.DRAFT:
        return
    try:
        _transition(erp, shipment["id"], "receive")
    except QualityGate as gate:
        raise Rejected(
            "QualityGate", f"{rma} waits at the ERP's quality gate: its inspection is not in"
        ) from gate


def _transition(erp: Erp, shipment: int, name: str) -> None:
    """A return shipment's button; one refused for the open alert of a failed inspection
    goes through once the alert is resolved."""
    try:
        erp.button(RETURNS, shipment, name)
    except Rejected:
        if not _resolve_alerts(erp, shipment):
            raise
        erp.button(RETURNS, shipment, name)


def _resolve_alerts(erp: Erp, shipment: int) -> bool:
    """Tryton moves a return on past no open alert of a failed inspection; the bench has
    inspected the unit and decided where it goes, which is what the alert asks for."""
    failed = erp.call(
        "quality.inspection",
        "search",
        [["origin", "=", f"{RETURNS},{shipment}"], ["state", "=", InspectionState.FAILED]],
        0,
        None,
        None,
    )
    alerts = erp.call(
        "quality.alert",
        "search_read",
        [
            ["origin", "in", [f"quality.inspection,{i}" for i in failed]],
            ["state", "!=", AlertState.RESOLVED],
        ],
        0,
        None,
        None,
        ["state"],
    )
    if not alerts:
        return False
    fresh = [a["id"] for a in alerts if a["state"] in (AlertState.OPEN, AlertState.DEFERRED)]
    if fresh:
        erp.call("quality.alert", "process", fresh)
    erp.call("quality.alert", "resolve", [a["id"] for a in alerts])
    return True


def inspection_recorded(erp: Erp, sending: Outgoing) -> None:
    """A quality inspection of the RMA's shipment under the control for the unit's
    category: the checklist's checks as its points (true when passed) and the grade, so
    Tryton passes or fails it as the bench graded it."""
    event = sending.read(InspectionRecorded)
    done = [] if sending.fresh else erp.call(
        "quality.inspection", "search_read", [["reference", "=", sending.event_id]], 0, 1, None,
        ["state"],
    )  # fmt: skip
    if done:
        if done[0]["state"] == InspectionState.PENDING:
            erp.call("quality.inspection", "process", [done[0]["id"]])
        return
    shipment = _shipment(erp, event.rma)
    control, points = _control(erp, event.category)
    values = _points(points, event)
    (inspection,) = erp.call(
        "quality.inspection",
        "create",
        [
            {
                "control": control,
                "origin": f"{RETURNS},{shipment['id']}",
                "points": values,
                "reference": sending.event_id,
            }
        ],
    )
    erp.call("quality.inspection", "process", [inspection])


def _control(erp: Erp, category: str) -> tuple[int, list[dict[str, Any]]]:
    """The category's control for returns, else one for returns of any category."""
    controls: list[dict[str, Any]] = erp.call(
        "quality.control",
        "search_read",
        [],
        0,
        None,
        [["id", "ASC"]],
        ["operations", "product_category.name", "points.name", "points.type_"],
    )
    for wanted in (category, None):
        for control in controls:
            named = (control.get("product_category.") or {}).get("name")
            if named == wanted and set(control["operations"]) & set(RETURN_OPERATIONS):
                return control["id"], control["points."]
    raise Rejected("NoControl", f"the ERP has no quality control for returns of {category}")


def _points(points: list[dict[str, Any]], event: InspectionRecorded) -> dict[str, Any]:
    checks = event.checks
    values: dict[str, Any] = {}
    missing = []
    for point in points:
        name = point["name"]
        if name == GRADE_POINT and point["type_"] == "integer":
            values[name] = GRADES.index(event.grade) + 1
        elif name in checks and point["type_"] == "boolean":
            values[name] = checks[name] is True  # a skipped check did not pass
        else:
            missing.append(name)
    if missing:
        raise Rejected(
            "Points", f"the ERP's control asks for {', '.join(missing)}, which the bench "
            "does not check for this category"
        )  # fmt: skip
    return values


def disposition_decided(erp: Erp, sending: Outgoing) -> None:
    """One unit's inventory move sent to its disposition's location, split off a move of
    several units in the same call; the shipment done once every move has left storage.
    The ERP holding as many units there as this and the alike events sent before it means
    an earlier try of this one got through."""
    event = sending.read(DispositionDecided)
    rma, sku, destination = event.rma, event.sku, event.destination
    # Counted now, not when the bench recorded it: alike events may have gone in any order
    # (one rejected, then sent again after the others).
    wanted = sending.sent_alike + 1
    shipment = _shipment(erp, rma, ["warehouse_storage", "warehouse_input"])
    if shipment["state"] == ShipmentState.DRAFT:
        raise Rejected("NotReceived", f"{rma} is draft in the ERP, not received")
    storage, target = shipment["warehouse_storage"], erp.location(destination)
    moves = erp.moves_of(
        RETURNS,
        shipment["id"],
        [["from_location", "=", shipment["warehouse_input"]]],
        ["product.code", "to_location", "quantity", "lot", "unit"],
    )
    mine = [m for m in moves if m["product."]["code"] == sku]
    there = sum(m["quantity"] for m in mine if m["to_location"] == target)
    in_storage = sum(m["quantity"] for m in moves if m["to_location"] == storage)
    if there < wanted:
        if shipment["state"] == ShipmentState.DONE:
            raise Rejected("Done", f"{rma} is done in the ERP with {sku} elsewhere")
        waiting = [m for m in mine if m["to_location"] == storage]
        if not waiting:
            raise Rejected(
                "NoUnit", f"{rma}: no unit of {sku} left in storage to send to {destination}"
            )
        _send_one(erp, shipment, waiting[0], target)
        in_storage -= 1
    # Also after an earlier try whose move went through but whose "do" did not.
    if shipment["state"] == ShipmentState.RECEIVED and in_storage == 0:
        _transition(erp, shipment["id"], "do")


def _send_one(erp: Erp, shipment: dict[str, Any], move: dict[str, Any], target: int) -> None:
    """One unit of a move in storage to ``target``: the move itself when it holds one
    unit, else split off it in one write of the shipment."""
    if move["quantity"] == 1:
        erp.call("stock.move", "write", [move["id"]], {"to_location": target})
        return
    erp.call(
        RETURNS,
        "write",
        [shipment["id"]],
        {
            "inventory_moves": [
                ["write", [move["id"]], {"quantity": move["quantity"] - 1}],
                [
                    "create",
                    [
                        {
                            "product": move["product."]["id"],
                            "unit": move["unit"],
                            "quantity": 1.0,
                            "lot": move["lot"],
                            "from_location": shipment["warehouse_input"],
                            "to_location": target,
                        }
                    ],
                ],
            ]
        },
    )


def refund_eligible(erp: Erp, sending: Outgoing) -> None:
    """The RMA's complaint approved, which makes its refund in Tryton; where the RMA has no
    complaint, one is recorded, waiting for the office, with what the bench found."""
    event = sending.read(RefundEligible)
    rma = event.rma
    complaint = erp.by_reference("sale.complaint", rma, [])
    if complaint is None:
        if not sending.fresh:
            complaint = erp.by_reference("sale.complaint", sending.event_id, [])
        if complaint is None:
            _record_refund(erp, sending.event_id, event)
            return
        if complaint["state"] == ComplaintState.DRAFT:
            erp.call("sale.complaint", "wait", [complaint["id"]])
        return  # recorded: the office approves it
    state = complaint["state"]
    if state in (ComplaintState.REJECTED, ComplaintState.CANCELLED):
        raise Rejected("Complaint", f"the complaint for {rma} is {state} in the ERP")
    if state == ComplaintState.DRAFT:
        erp.call("sale.complaint", "wait", [complaint["id"]])
    if state in (ComplaintState.DRAFT, ComplaintState.WAITING):
        erp.call("sale.complaint", "approve", [complaint["id"]])


def _record_refund(erp: Erp, event_id: str, event: RefundEligible) -> None:
    shipment = _shipment(erp, event.rma, ["customer"])
    kinds = erp.call("sale.complaint.type", "search", [], 0, 1, [["id", "ASC"]])
    if not kinds:
        raise Rejected("Missing", "the ERP has no complaint type to record a refund under")
    value = Decimal(event.value_cents) / 100
    (complaint,) = erp.call(
        "sale.complaint",
        "create",
        [
            {
                "customer": shipment["customer"],
                "type": kinds[0],
                "reference": event_id,
                "description": f"Refund eligible, verified at the bench: {event.rma} "
                f"line {event.line}, {event.quantity} unit(s) of "
                f"{event.sku}, value {value:.2f}.",
            }
        ],
    )
    erp.call("sale.complaint", "wait", [complaint])


HANDLERS: dict[str, Handler] = {
    EventKind.UNEXPECTED_RETURN: unexpected_return,
    EventKind.RETURN_RECEIVED: return_received,
    EventKind.INSPECTION_RECORDED: inspection_recorded,
    EventKind.DISPOSITION_DECIDED: disposition_decided,
    EventKind.REFUND_ELIGIBLE: refund_eligible,
}
