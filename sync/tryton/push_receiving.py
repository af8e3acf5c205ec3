"""The receiving bench's events as Tryton records: the supplier shipment received with what
was counted, its goods put away to the confirmed bins, and done (notes/tryton.md 7c).

Tryton holds no stock in a bin before its supplier shipment is received, and receives a
shipment whole, so the receipt's close carries the putaways and does all three; each
``putaway_done`` is then checked against the shipment the ERP has done. Every step writes
the whole of its part in one call (the shipment's moves as one list) and reads first, so
a step sent again after a lost answer finds its target state and leaves it.
"""

from collections import Counter
from typing import Any

from station.outbox import EventKind, PutawayDone, ReceiptClosed
from station.states import DiscrepancyKind, ShipmentState
from sync.connector import Later, Outgoing, Rejected
from sync.tryton.erp_calls import Erp, Handler
from sync.tryton.erp_names import MoveState

RECEIPTS = "stock.shipment.in"
Key = tuple[str, str | None]  # item, lot
Placed = tuple[str, str | None, str]  # item, lot, location code
SHIPMENT_FIELDS = ["warehouse_input", "warehouse_storage.code", "supplier_location"]


def receipt_closed(erp: Erp, sending: Outgoing) -> None:
    event = sending.read(ReceiptClosed)
    reference = event.subject  # the ASN, or for a blind receipt the station's receipt id
    shipment = erp.by_reference(RECEIPTS, reference, SHIPMENT_FIELDS)
    arrived = _arrived(event)
    if shipment is None:
        if event.asn:
            raise Rejected("Missing", f"the ERP has no supplier shipment {reference}")
        shipment = _blind(erp, reference, event.supplier, arrived)
    state = shipment["state"]
    if state == ShipmentState.CANCELLED:
        raise Rejected("Cancelled", f"{reference} is cancelled in the ERP")
    placed = _placed(event, shipment["warehouse_storage."]["code"])
    lots = _lots(erp, set(arrived) | {(sku, lot) for sku, lot, _ in placed})
    if state == ShipmentState.DRAFT:
        _count_in(erp, shipment, arrived, lots)
        erp.button(RECEIPTS, shipment["id"], "receive")
        state = ShipmentState.RECEIVED
    if state == ShipmentState.RECEIVED:
        _put_away(erp, shipment, placed, lots)
        erp.button(RECEIPTS, shipment["id"], "do")


def _arrived(event: ReceiptClosed) -> Counter[Key]:
    """Every unit that came in, good or damaged, by item and lot."""
    units: Counter[Key] = Counter()
    for line in event.lines:
        for lot in line["lots"]:
            units[(line["sku"], lot["lot"])] += lot["quantity"]
    for found in event.discrepancies:
        if found["kind"] == DiscrepancyKind.DAMAGED:
            units[(found["sku"], found.get("lot"))] += found["quantity"]
    return +units


def _placed(event: ReceiptClosed, storage: str) -> Counter[Placed]:
    """Where every unit went: the bin it was put away to, the damaged goods' location (the
    storage zone where the station has none)."""
    units: Counter[Placed] = Counter()
    for row in event.putaways:
        units[(row["sku"], row["lot"], row["bin"])] += row["quantity"]
    for found in event.discrepancies:
        if found["kind"] == DiscrepancyKind.DAMAGED:
            where = found["location"] or storage
            units[(found["sku"], found.get("lot"), where)] += found["quantity"]
    return +units


def _lots(erp: Erp, keys: set[Key]) -> dict[Key, int]:
    """The ERP's lot of each item and lot counted, created where the ERP has none yet."""
    wanted = {(sku, lot) for sku, lot in keys if lot}
    if not wanted:
        return {}
    found = erp.call(
        "stock.lot",
        "search_read",
        [["number", "in", sorted({lot for _, lot in wanted})]],
        0,
        None,
        None,
        ["number", "product.code"],
    )
    lots: dict[Key, int] = {(row["product."]["code"], row["number"]): row["id"] for row in found}
    new = sorted(wanted - set(lots))
    if new:
        made = erp.call(
            "stock.lot",
            "create",
            [{"number": lot, "product": erp.product(sku)} for sku, lot in new],
        )
        lots.update(zip(new, made, strict=True))
    return lots


def _blind(erp: Erp, reference: str, supplier: str, arrived: Counter[Key]) -> dict[str, Any]:
    """A receipt nobody announced: a supplier shipment made for it, in draft, empty; the
    count fills it like any other."""
    party = erp.one("party.party", [["code", "=", supplier]], f"supplier {supplier}")
    if not arrived:
        raise Rejected("Empty", f"blind receipt {reference} received nothing")
    erp.call(
        RECEIPTS,
        "create",
        [
            {
                "supplier": party,
                "reference": reference,
                "warehouse": erp.location("WH"),
                "warehouse_input": erp.location("IN"),
                "warehouse_storage": erp.location("STO"),
            }
        ],
    )
    found = erp.by_reference(RECEIPTS, reference, SHIPMENT_FIELDS)
    assert found is not None
    return found


def _count_in(
    erp: Erp, shipment: dict[str, Any], arrived: Counter[Key], lots: dict[Key, int]
) -> None:
    """The incoming moves set to what was counted, in one write: an announced move keeps
    its line (and origin) with the quantity and lot found, an item or lot nobody announced
    gets a move of its own, and an announced move nothing came for goes."""
    moves = erp.moves_of(
        RECEIPTS,
        shipment["id"],
        [["to_location", "=", shipment["warehouse_input"]]],
        ["product.code", "quantity", "lot", "unit", "unit_price", "currency"],
    )
    by_item: dict[str, list[dict[str, Any]]] = {}
    for move in moves:
        by_item.setdefault(move["product."]["code"], []).append(move)
    writes: list[Any] = []
    creates: list[dict[str, Any]] = []
    for sku in sorted({sku for sku, _ in arrived} | set(by_item)):
        counted = sorted(((lot, n) for (s, lot), n in arrived.items() if s == sku), key=str)
        announced = by_item.get(sku, [])
        for move, (lot, n) in zip(announced, counted, strict=False):
            writes.append(
                ["write", [move["id"]], {"quantity": float(n), "lot": lots.get((sku, lot))}]
            )
        extra = announced[len(counted) :]
        if extra:
            writes.append(["delete", [m["id"] for m in extra]])
        model = announced[0] if announced else None
        creates += [
            {
                "product": erp.product(sku),
                "unit": model["unit"] if model else 1,
                "quantity": float(n),
                "lot": lots.get((sku, lot)),
                "from_location": shipment["supplier_location"],
                "to_location": shipment["warehouse_input"],
                "unit_price": model["unit_price"] if model else _cost(erp, sku),
                "currency": model["currency"] if model else erp.euro(),
            }
            for lot, n in counted[len(announced) :]
        ]
    if creates:
        writes.append(["create", creates])
    erp.call(RECEIPTS, "write", [shipment["id"]], {"incoming_moves": writes})


def _cost(erp: Erp, sku: str) -> Any:
    (row,) = erp.call("product.product", "read", [erp.product(sku)], ["cost_price"])
    return row["cost_price"]


def _put_away(
    erp: Erp, shipment: dict[str, Any], placed: Counter[Placed], lots: dict[Key, int]
) -> None:
    """The inventory moves replaced, in one write, by one per item, lot and place, unless
    they are so already (an earlier try got through)."""
    moves = erp.moves_of(
        RECEIPTS,
        shipment["id"],
        [["from_location", "=", shipment["warehouse_input"]]],
        ["product.code", "lot.number", "to_location.code", "quantity", "unit"],
    )
    now: Counter[Placed] = Counter()
    for move in moves:
        place = (move["product."]["code"], (move.get("lot.") or {}).get("number"))
        now[(*place, move["to_location."]["code"])] += int(move["quantity"])
    if now == placed:
        return
    units = {m["product."]["code"]: m["unit"] for m in moves}  # each item in its own unit
    erp.call(
        RECEIPTS,
        "write",
        [shipment["id"]],
        {
            "inventory_moves": [
                ["delete", [m["id"] for m in moves]],
                [
                    "create",
                    [
                        {
                            "product": erp.product(sku),
                            "unit": units.get(sku, 1),
                            "quantity": float(n),
                            "lot": lots.get((sku, lot)),
                            "from_location": shipment["warehouse_input"],
                            "to_location": erp.location(code),
                        }
                        for (sku, lot, code), n in sorted(placed.items(), key=str)
                    ],
                ],
            ]
        },
    )


def putaway_done(erp: Erp, sending: Outgoing) -> None:
    """Checks that the ERP has the plate's goods in its bin: they are put there by the
    receipt's close, which this event waits for."""
    event = sending.read(PutawayDone)
    reference = event.subject
    found = erp.by_reference(RECEIPTS, reference, [])
    if found is None or found["state"] in (ShipmentState.DRAFT, ShipmentState.RECEIVED):
        raise Later(f"{reference} is not closed in the ERP yet")
    if found["state"] == ShipmentState.CANCELLED:
        raise Rejected("Cancelled", f"{reference} is cancelled in the ERP")
    there: Counter[Key] = Counter()
    for move in erp.moves_of(
        RECEIPTS,
        found["id"],
        [["to_location.code", "=", event.bin], ["state", "=", MoveState.DONE]],
        ["product.code", "lot.number", "quantity"],
    ):
        there[(move["product."]["code"], (move.get("lot.") or {}).get("number"))] += int(
            move["quantity"]
        )
    short = [
        f"{row['sku']} lot {row['lot']}" if row["lot"] else row["sku"]
        for row in event.contents
        if there[(row["sku"], row["lot"])] < row["quantity"]
    ]
    if short:
        where = event.bin
        raise Rejected(
            "Putaway", f"the ERP's {reference} does not have {', '.join(short)} in {where}"
        )


HANDLERS: dict[str, Handler] = {
    EventKind.RECEIPT_CLOSED: receipt_closed,
    EventKind.PUTAWAY_DONE: putaway_done,
}
