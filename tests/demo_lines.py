"""Picking RMA lines out of the demo data set by what a test needs of them."""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class DemoLine:
    rma: str
    line_no: int
    sku: str
    gtin: str
    serial: str | None
    category: str
    value_cents: int
    customer: str
    stated_reason: str


def window_days(demo: dict[str, Any], channel: str, category: str) -> int:
    windows = {(p["channel"], p["category"]): p["window_days"] for p in demo["policies"]}
    found: int = windows.get((channel, category), windows[(channel, None)])
    return found


def demo_lines(
    demo: dict[str, Any], keep: Callable[[DemoLine, dict[str, Any]], bool] = lambda _l, _i: True
) -> list[DemoLine]:
    """Lines inside their return window, of returnable items, one per customer."""
    items = {i["sku"]: i for i in demo["items"]}
    seen: set[str] = set()
    found = []
    for rma in demo["rmas"]:
        for raw in rma["lines"]:
            item = items[raw["sku"]]
            line = DemoLine(
                rma["number"],
                raw["line_no"],
                raw["sku"],
                item["gtins"][0],
                raw["serial"],
                item["category"],
                item["unit_value_cents"],
                rma["customer"],
                raw["stated_reason"],
            )
            inside = rma["ship_days_ago"] <= window_days(demo, rma["channel"], item["category"])
            if (
                inside
                and item["returnable"]
                and rma["customer"] not in seen
                and raw["sku"] != "AP-1001"
                and keep(line, item)
            ):
                seen.add(rma["customer"])
                found.append(line)
    return found


def a_line(demo: dict[str, Any], keep: Callable[[DemoLine, dict[str, Any]], bool]) -> DemoLine:
    return demo_lines(demo, keep)[0]
