"""The demo put into a fresh Tryton: company, station user, locations, items and the work.

Everything is sent the way Tryton's RPC wants it (notes/tryton.md, section 6): typed
decimals, inline variants with their GTINs as ``ean`` identifiers, batches of at most 50
templates (SQLite's constraint checks overflow beyond), storage locations under the
warehouse's storage zone so that putaway moves may end there. The work: RMAs as customer
return shipments (every other one behind a complaint on its sale, which a verified return
approves), expected receipts as supplier shipments, and a quality control per category
that holds each return at the gate until the bench's inspection is in.
"""

import json
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from demo.master_data import DEMO_FILE
from station.commands import GRADES
from station.rulepack import load_rulepack
from sync.tryton.erp_names import GRADE_POINT, RETURN_GATE, UNIDENTIFIED
from sync.tryton.rpc import Client, Login

BATCH = 50
STATION_GROUPS = ("Stock", "Quality", "Sales")
# Approving a complaint is a Sales Administrator's button; the station gets a group of its
# own for just that (and the processing approval starts), not the whole administration.
REFUNDS_GROUP = "Station refunds"
REFUND_BUTTONS = ("approve", "process")
COMPLAINT_TYPE = "Customer return"
PASSING_GRADES = 3  # A to C pass in the demo: D and E fail the inspection


def seed(admin: Client, station: Login) -> None:
    """A company, the least-privileged station user, and the demo's locations and items."""
    data: dict[str, Any] = json.loads(DEMO_FILE.read_text(encoding="utf-8"))
    company = _company(admin)
    _station_user(admin, station, company)
    _locations(admin, data["locations"])
    categories = _categories(admin, sorted({item["category"] for item in data["items"]}))
    _items(admin, data["items"], categories)
    _quality_controls(admin, categories)
    items = {item["sku"]: item for item in data["items"]}
    places = _places(admin)
    _returns(admin, data["rmas"], items, places)
    _receipts(admin, data["receipts"], data["suppliers"], items, places)


def _company(admin: Client) -> int:
    (euro,) = admin.model(
        "currency.currency",
        "create",
        [{"name": "Euro", "code": "EUR", "symbol": "€", "rounding": Decimal("0.01"), "digits": 2}],
    )
    party, _unidentified = admin.model(
        "party.party", "create", [{"name": "Station Demo Warehouse"}, {"name": UNIDENTIFIED}]
    )
    (company,) = admin.model(
        "company.company", "create", [{"party": party, "currency": euro, "timezone": "UTC"}]
    )
    user_id = admin.model("res.user", "search", [["login", "=", "admin"]], 0, 1, None)
    admin.model(
        "res.user", "write", user_id, {"companies": [["add", [company]]], "company": company}
    )
    admin.login()  # the context now carries the company
    return int(company)


def _station_user(admin: Client, station: Login, company: int) -> None:
    groups = admin.model(
        "res.group", "search", [["name", "in", list(STATION_GROUPS)]], 0, None, None
    )
    if len(groups) != len(STATION_GROUPS):
        raise ValueError(f"the ERP lacks the groups {STATION_GROUPS}")
    (refunds,) = admin.model("res.group", "create", [{"name": REFUNDS_GROUP}])
    buttons = admin.model(
        "ir.model.button",
        "search",
        [["model.name", "=", "sale.complaint"], ["name", "in", list(REFUND_BUTTONS)]],
        0,
        None,
        None,
    )
    admin.model("ir.model.button", "write", buttons, {"groups": [["add", [refunds]]]})
    groups.append(refunds)
    admin.model(
        "res.user",
        "create",
        [
            {
                "name": "Station benches",
                "login": station.user,
                "password": station.password,
                "groups": [["add", groups]],
                "companies": [["add", [company]]],
                "company": company,
            }
        ],
    )


def _locations(admin: Client, locations: list[dict[str, Any]]) -> None:
    (storage,) = admin.model("stock.location", "search", [["code", "=", "STO"]], 0, 1, None)
    admin.model(
        "stock.location",
        "create",
        [
            {"name": row["name"], "code": row["code"], "type": "storage", "parent": storage}
            for row in locations
        ],
    )


def _categories(admin: Client, names: list[str]) -> dict[str, int]:
    ids = admin.model("product.category", "create", [{"name": name} for name in names])
    return dict(zip(names, ids, strict=True))


def _items(admin: Client, items: list[dict[str, Any]], categories: dict[str, int]) -> None:
    unit = 1  # "Unit", made by the product module
    for first in range(0, len(items), BATCH):
        admin.model(
            "product.template",
            "create",
            [
                {
                    "name": item["name"],
                    "code": item["sku"],
                    "type": "goods",
                    "default_uom": unit,
                    "cost_price_method": "fixed",
                    "list_price": Decimal(item["unit_value_cents"]) / 100,
                    "salable": True,
                    "sale_uom": unit,
                    "purchasable": True,
                    "purchase_uom": unit,
                    "categories": [["add", [categories[item["category"]]]]],
                    "products": [
                        [
                            "create",
                            [
                                {
                                    "identifiers": [
                                        [
                                            "create",
                                            [{"type": "ean", "code": g} for g in item["gtins"]],
                                        ]
                                    ]
                                }
                            ],
                        ]
                    ],
                }
                for item in items[first : first + BATCH]
            ],
        )


def _quality_controls(admin: Client, categories: dict[str, int]) -> None:
    """One control per category for returns, on receive: its points are the category's
    checklist (a boolean each, true when the check passed) and the grade."""
    pack = load_rulepack()
    admin.model(
        "quality.control",
        "create",
        [
            {
                "name": f"Return inspection: {category}",
                "operations": [RETURN_GATE],
                "frequency": 1,
                "product_category": categories[category],
                "points": [
                    [
                        "create",
                        [
                            *(
                                {
                                    "name": q.id,
                                    # ticked when the check passed, whatever the answer
                                    "string": f"{q.text} (passes: {q.passing})",
                                    "type_": "boolean",
                                }
                                for q in pack.checklist(category)
                            ),
                            {
                                "name": GRADE_POINT,
                                "string": f"Grade (1={GRADES[0]} .. {len(GRADES)}={GRADES[-1]})",
                                "type_": "integer",
                                "tolerance_lower": 1,
                                "tolerance_upper": PASSING_GRADES,
                            },
                        ],
                    ]
                ],
            }
            for category in categories
        ],
    )


def _places(admin: Client) -> dict[str, int]:
    return {
        row["code"]: row["id"]
        for row in admin.model(
            "stock.location",
            "search_read",
            [["code", "in", ["WH", "IN", "STO", "CUS", "SUP"]]],
            0,
            None,
            None,
            ["code"],
        )
    }


def _move(
    product: int, quantity: float, *, source: int, target: int, price: Decimal, euro: int
) -> dict[str, Any]:
    return {
        "product": product,
        "unit": 1,
        "quantity": quantity,
        "from_location": source,
        "to_location": target,
        "unit_price": price,
        "currency": euro,
    }


def _products(admin: Client) -> dict[str, int]:
    return {
        row["code"]: row["id"]
        for row in admin.model("product.product", "search_read", [], 0, None, None, ["code"])
    }


def _euro(admin: Client) -> int:
    (euro,) = admin.model("currency.currency", "search", [["code", "=", "EUR"]], 0, 1, None)
    return int(euro)


def _price(item: dict[str, Any]) -> Decimal:
    return Decimal(item["unit_value_cents"]) / 100


def _returns(
    admin: Client,
    rmas: list[dict[str, Any]],
    items: dict[str, dict[str, Any]],
    places: dict[str, int],
) -> None:
    """Each RMA as a customer return shipment in draft, its number as the reference."""
    names = sorted({rma["customer"] for rma in rmas})
    created = admin.model(
        "party.party", "create", [{"name": n, "addresses": [["create", [{}]]]} for n in names]
    )
    parties = dict(zip(names, created, strict=True))
    products, euro = _products(admin), _euro(admin)
    admin.model(
        "stock.shipment.out.return",
        "create",
        [
            {
                "customer": parties[rma["customer"]],
                "reference": rma["number"],
                "warehouse": places["WH"],
                "warehouse_input": places["IN"],
                "warehouse_storage": places["STO"],
                "moves": [
                    [
                        "create",
                        [
                            _move(
                                products[line["sku"]],
                                float(line["quantity"]),
                                source=places["CUS"],
                                target=places["IN"],
                                price=_price(items[line["sku"]]),
                                euro=euro,
                            )
                            for line in rma["lines"]
                        ],
                    ]
                ],
            }
            for rma in rmas
        ],
    )
    _complaints(
        admin, rmas[1::2], items=items, parties=parties, products=products, places=places, euro=euro
    )


def _complaints(
    admin: Client,
    rmas: list[dict[str, Any]],
    *,
    items: dict[str, dict[str, Any]],
    parties: dict[str, int],
    products: dict[str, int],
    places: dict[str, int],
    euro: int,
) -> None:
    """The sale each RMA came from and a complaint on it, waiting: the office approves it
    once the bench says the return may be refunded."""
    addresses = {
        row["id"]: row["addresses"][0]
        for row in admin.model("party.party", "read", list(parties.values()), ["addresses"])
    }
    sales = admin.model(
        "sale.sale",
        "create",
        [
            {
                "party": parties[rma["customer"]],
                "invoice_address": addresses[parties[rma["customer"]]],
                "shipment_address": addresses[parties[rma["customer"]]],
                "warehouse": places["WH"],
                "currency": euro,
                "invoice_method": "manual",
                "shipment_method": "manual",
                "reference": rma["order_number"],
                "lines": [
                    [
                        "create",
                        [
                            {
                                "type": "line",
                                "product": products[line["sku"]],
                                "quantity": float(line["quantity"]),
                                "unit": 1,
                                "unit_price": _price(items[line["sku"]]),
                            }
                            for line in rma["lines"]
                        ],
                    ]
                ],
            }
            for rma in rmas
        ],
    )
    admin.model("sale.sale", "quote", sales)
    admin.model("sale.sale", "confirm", sales)
    (sale_model,) = admin.model("ir.model", "search", [["name", "=", "sale.sale"]], 0, 1, None)
    (kind,) = admin.model(
        "sale.complaint.type", "create", [{"name": COMPLAINT_TYPE, "origin": sale_model}]
    )
    complaints = admin.model(
        "sale.complaint",
        "create",
        [
            {
                "customer": parties[rma["customer"]],
                "type": kind,
                "origin": f"sale.sale,{sale}",
                "reference": rma["number"],
                "description": ", ".join(sorted({line["stated_reason"] for line in rma["lines"]})),
                "actions": [["create", [{"action": "sale_return"}]]],
            }
            for rma, sale in zip(rmas, sales, strict=True)
        ],
    )
    admin.model("sale.complaint", "wait", complaints)


def _receipts(
    admin: Client,
    receipts: list[dict[str, Any]],
    suppliers: list[dict[str, Any]],
    items: dict[str, dict[str, Any]],
    places: dict[str, int],
) -> None:
    """Each expected receipt as a supplier shipment in draft, its ASN as the reference and
    the supplier's code as its party's code; the announced lots as lots."""
    used = {receipt["supplier_code"] for receipt in receipts}
    wanted = [row for row in suppliers if row["code"] in used]
    created = admin.model(
        "party.party", "create", [{"name": row["name"], "code": row["code"]} for row in wanted]
    )
    parties = {row["code"]: party for row, party in zip(wanted, created, strict=True)}
    products, euro = _products(admin), _euro(admin)
    announced = sorted(
        {(line["sku"], line["lot"]) for r in receipts for line in r["lines"] if line["lot"]}
    )
    lots = dict(
        zip(
            announced,
            admin.model(
                "stock.lot",
                "create",
                [{"number": lot, "product": products[sku]} for sku, lot in announced],
            ),
            strict=True,
        )
    )
    today = date.today()
    admin.model(
        "stock.shipment.in",
        "create",
        [
            {
                "supplier": parties[receipt["supplier_code"]],
                "reference": receipt["number"],
                "planned_date": today + timedelta(days=receipt["expected_days_ahead"]),
                "warehouse": places["WH"],
                "warehouse_input": places["IN"],
                "warehouse_storage": places["STO"],
                "incoming_moves": [
                    [
                        "create",
                        [
                            {
                                **_move(
                                    products[line["sku"]],
                                    float(line["quantity"]),
                                    source=places["SUP"],
                                    target=places["IN"],
                                    price=_price(items[line["sku"]]),
                                    euro=euro,
                                ),
                                "lot": lots.get((line["sku"], line["lot"])),
                            }
                            for line in receipt["lines"]
                        ],
                    ]
                ],
            }
            for receipt in receipts
        ],
    )
