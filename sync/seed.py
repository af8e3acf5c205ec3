"""The demo catalogue put into a fresh Tryton: company, station user, locations, items.

Everything is sent the way Tryton's RPC wants it (notes/tryton.md, section 6): typed
decimals, inline variants with their GTINs as ``ean`` identifiers, batches of at most 50
templates (SQLite's constraint checks overflow beyond), storage locations under the
warehouse's storage zone so that putaway moves may end there.
"""

import json
from decimal import Decimal
from typing import Any

import resources
from sync.rpc import Client, Login

BATCH = 50
STATION_GROUPS = ("Stock", "Quality")
UNIDENTIFIED = "Unidentified returns"  # the party unexpected returns come from


def seed(admin: Client, station: Login) -> None:
    """A company, the least-privileged station user, and the demo's locations and items."""
    data: dict[str, Any] = json.loads(
        resources.path("demo", "demo.json").read_text(encoding="utf-8")
    )
    company = _company(admin)
    _station_user(admin, station, company)
    _locations(admin, data["locations"])
    categories = _categories(admin, sorted({item["category"] for item in data["items"]}))
    _items(admin, data["items"], categories)
    _returns(admin, data["rmas"], {item["sku"]: item for item in data["items"]})


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


def _returns(admin: Client, rmas: list[dict[str, Any]], items: dict[str, dict[str, Any]]) -> None:
    """Each RMA as a customer return shipment in draft, its number as the reference."""
    names = sorted({rma["customer"] for rma in rmas})
    parties = dict(
        zip(names, admin.model("party.party", "create", [{"name": n} for n in names]), strict=True)
    )
    products = {
        row["code"]: row["id"]
        for row in admin.model("product.product", "search_read", [], 0, None, None, ["code"])
    }
    places = {
        row["code"]: row["id"]
        for row in admin.model(
            "stock.location",
            "search_read",
            [["code", "in", ["WH", "IN", "STO", "CUS"]]],
            0,
            None,
            None,
            ["code"],
        )
    }
    (euro,) = admin.model("currency.currency", "search", [["code", "=", "EUR"]], 0, 1, None)
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
                            {
                                "product": products[line["sku"]],
                                "unit": 1,
                                "quantity": float(line["quantity"]),
                                "from_location": places["CUS"],
                                "to_location": places["IN"],
                                "unit_price": Decimal(items[line["sku"]]["unit_value_cents"]) / 100,
                                "currency": euro,
                            }
                            for line in rma["lines"]
                        ],
                    ]
                ],
            }
            for rma in rmas
        ],
    )
