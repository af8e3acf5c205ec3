"""Write demo/demo.json: a believable, reproducible returns day for demos and tests.

Seeded, so the file only changes when this script does. Ship dates are stored as days before
the load day, so the same RMAs stay inside (or outside) their return windows whenever loaded.
Run: ``.venv/bin/python tools/make_demo_data.py``.
"""

import json
import random
import string
from collections.abc import Callable
from functools import partial
from typing import Any

from demo.master_data import DEMO_FILE
from station.gtin import to_gtin14, with_check_digit

SEED = 20261127
RECEIVING_SEED = 20261128  # its own stream, so receipts never shift the returns day
RECEIPT_COUNT = 24
RMA_COUNT = 60
OUTSIDE_WINDOW = 6
MAX_LINES_PER_SKU = 3
SHARED_SKU = "AP-1001"  # on exactly two RMAs: a scan of its GTIN must offer a choice
FIRST_APPAREL = "Merino crew jumper, navy, M"

# Category code, SKU prefix, first SKU number, item count, value range in cents.
CATEGORIES = (
    ("apparel", "AP", 1001, 70, (1500, 15000)),
    ("electronics", "EL", 2001, 60, (2000, 120000)),
    ("health_beauty", "HB", 3001, 50, (500, 6000)),
    ("bulky", "BK", 4001, 40, (8000, 90000)),
)


def _listed(text: str) -> list[str]:
    """A table written as comma-separated text, so long vocabularies stay short on screen."""
    return [word.strip() for word in text.split(",")]


SUPPLIERS = {
    "apparel": _listed("""Nordic Knit AB, Lusitania Textiles, Atlas Garment Co., Baltic Linen,
        Hanse Outfitters, Milano Moda Srl, Pennine Woollens, Tagus Denim"""),
    "electronics": _listed("""Volt Distribution, Shenzhen Brightway, Eurotronic GmbH, Nordsound,
        Pixelhaus, Alpine Audio, Kestrel Devices, Benelux Components"""),
    "health_beauty": _listed("""Alpenkraut, Maison Lumière, Dermaline Labs, Vita Nord,
        Green Apothecary, Castile & Co., Aurora Cosmetics, Helix Care"""),
    "bulky": _listed("""Oakline Furniture, Tatra Home, Fjord Interiors, Castello Mobili,
        Vistula Wood, Ardennes Living, Brabant Bedding, Iberia Outdoor"""),
}
APPAREL = (  # garments, colours, sizes
    _listed("""Merino crew jumper, Organic cotton T-shirt, Slim chino trousers, Denim jacket,
        Linen shirt, Wool overcoat, Running shorts, Hooded sweatshirt, Quilted vest,
        Rain jacket"""),
    _listed("navy, black, grey, olive, cream, burgundy"),
    _listed("XS, S, M, L, XL"),
)
ELECTRONICS = [  # base name, variants, value range in cents
    ("Wireless earbuds ANC", ["black", "white", "sage"], (6000, 25000)),
    ("Over-ear headphones", ["black", "silver", "midnight blue"], (8000, 40000)),
    ("Bluetooth speaker", ["mini", "medium", "large"], (3000, 20000)),
    ("Smartwatch 44 mm", ["GPS", "LTE", "titanium"], (15000, 60000)),
    ("Tablet 11 inch", ["64 GB", "128 GB", "256 GB"], (30000, 90000)),
    ("Laptop 14 inch", ["8 GB", "16 GB", "32 GB"], (70000, 120000)),
    ("E-reader 6 inch", ["with ads", "no ads", "kids edition"], (9000, 20000)),
    ("Mirrorless camera", ["body only", "with 18-55 mm kit", "full frame"], (50000, 120000)),
    ("Mechanical keyboard", ["US", "DE", "UK"], (6000, 18000)),
    ("Wireless mouse", ["ergonomic", "compact", "vertical"], (2000, 8000)),
    ("USB-C hub", ["4-in-1", "7-in-1", "10-in-1"], (2500, 7000)),
    ("Power bank", ["10000 mAh", "20000 mAh", "MagSafe"], (2500, 6000)),
    ("27 inch monitor", ["FHD", "QHD", "4K"], (25000, 60000)),
    ("Robot vacuum", ["standard", "with mop", "self-emptying"], (25000, 80000)),
    ("Wi-Fi mesh router", ["1-pack", "2-pack", "3-pack"], (15000, 40000)),
    ("Portable SSD", ["500 GB", "1 TB", "2 TB"], (8000, 25000)),
    ("Electric toothbrush", ["sonic", "oscillating", "travel"], (3000, 15000)),
    ("Smart plug", ["1-pack", "2-pack", "4-pack"], (2000, 4900)),
    ("Drone with camera", ["mini", "standard", "pro"], (40000, 120000)),
    ("Soundbar", ["2.0", "2.1", "5.1"], (15000, 70000)),
]
HEALTH_BEAUTY = (  # products, sizes, separator in the name
    _listed("""Vitamin C serum, Hyaluronic moisturiser, Retinol night cream,
        Mineral sunscreen SPF 50, Argan hair oil, Charcoal face mask, Rosewater toner,
        Tea tree shampoo, Shea body butter, Collagen eye gel"""),
    _listed("15 ml, 30 ml, 50 ml, 100 ml, 200 ml"),
    " ",
)
BULKY = (  # products, finishes, separator in the name
    _listed("""Oak bookcase 5 shelves, Corner sofa, Memory foam mattress 160x200,
        Dining table extendable, Office chair ergonomic, Garden lounge set, Wardrobe 2 doors,
        Standing desk, Bunk bed pine, TV stand walnut"""),
    _listed("grey, oak, white, anthracite"),
    ", ",
)
GTIN13_PREFIXES = ("590", "400", "761", "871", "500")
REASONS = {  # each category's usual stated reasons, repeated by how often they come up
    "apparel": _listed("""SIZE_FIT, SIZE_FIT, SIZE_FIT, SIZE_FIT, SIZE_FIT, CHANGED_MIND,
        CHANGED_MIND, NOT_AS_DESCRIBED, DAMAGED, WRONG_ITEM, NO_LONGER_NEEDED"""),
    "electronics": _listed("""DEFECTIVE, DEFECTIVE, DEFECTIVE, DEFECTIVE, MISSING_PARTS,
        MISSING_PARTS, DAMAGED, NOT_AS_DESCRIBED, CHANGED_MIND, WRONG_ITEM"""),
    "health_beauty": _listed("""CHANGED_MIND, CHANGED_MIND, DAMAGED, NOT_AS_DESCRIBED,
        WRONG_ITEM, NO_LONGER_NEEDED"""),
    "bulky": _listed("""DAMAGED, DAMAGED, DAMAGED, DAMAGED, MISSING_PARTS, MISSING_PARTS,
        WRONG_ITEM, NOT_AS_DESCRIBED, NO_LONGER_NEEDED, DEFECTIVE"""),
}
CUSTOMERS = _listed("""Anna Kowalska, Ben Hughes, Clara Fischer, David Moreau, Elif Yilmaz,
    Finn Jansen, Greta Lindberg, Hugo Ferreira, Isla MacLeod, Jonas Weber, Katarzyna Nowak,
    Liam O'Brien, Marta García, Noah de Vries, Olivia Brown, Pablo Romero, Quentin Laurent,
    Rosa Bianchi, Stefan Novák, Tara Singh, Ugo Colombo, Vera Petrova, William Clarke,
    Xenia Popescu, Yusuf Demir, Zofia Wiśniewska, Amelie Bauer, Björn Svensson, Chiara Ricci,
    Dmitri Ivanov, Emma Dubois, Farah Haddad, Gabriel Costa, Hannah Schulz, Igor Horvat""")
REPEAT_RETURNS = (5, 4, 4, 3, 3, 3)  # RMAs of the first customers: the repeat returners
POLICIES = [
    ("web", None, 30),
    ("marketplace", None, 30),
    ("store", None, 14),
    ("web", "electronics", 14),
    ("marketplace", "electronics", 14),
    ("web", "health_beauty", 14),
    ("web", "bulky", 60),
    # RMAs made in the ERP (pulled by sync): counted from the day the ERP made them
    ("erp", None, 30),
]
DISPOSITIONS = [
    ("LOC-RESTOCK", "Restock"),
    ("LOC-REFURB", "Refurbishment"),
    ("LOC-RTV", "Vendor claims (RTV)"),
    ("LOC-LIQUIDATE", "Liquidation"),
    ("LOC-DISPOSE", "Disposal"),
    ("LOC-QUARANTINE", "Quarantine"),
    ("LOC-WRITEOFF", "Write-off cage"),
    ("LOC-DONATE", "Donations"),
]
OPERATORS = [  # name, badge, role, PIN (the loader stores only its hash)
    ("Ines Inspector", "BADGE-1001", "inspector", "1111"),
    ("Ibrahim Okafor", "BADGE-1002", "inspector", "482913"),
    ("Ida Lindqvist", "BADGE-1003", "inspector", "7305"),
    ("Carl Clerk", "BADGE-2001", "clerk", "2222"),
    ("Chloe Martin", "BADGE-2002", "clerk", "59184"),
    ("Sam Supervisor", "BADGE-3001", "supervisor", "3333"),
    ("Sofia Rossi", "BADGE-3002", "supervisor", "860412"),
]
ORDERS = {"web": ("WEB-", 7), "marketplace": ("MKT-", 10), "store": ("SO-", 6)}
SHELF_LIFE_DAYS = 180
# Zone of each aisle, the category it stores (None: any) and the units one bin holds.
ZONES = (
    ("A01", "APP", "apparel", 200),
    ("A02", "ELEC", "electronics", 60),
    ("A03", "HB", "health_beauty", 300),
    ("A04", "BULK", "bulky", 12),
    ("A05", "OVER", None, 500),
)
CATEGORY_TOLERANCES = (  # category, over %, short %
    ("apparel", 10.0, 5.0),
    ("electronics", 0.0, 0.0),
    ("health_beauty", 5.0, 5.0),
    ("bulky", 0.0, 0.0),
)
RECEIPT_QUANTITIES = {  # a category's usual inbound line, in units
    "apparel": (12, 60),
    "electronics": (2, 20),
    "health_beauty": (24, 144),
    "bulky": (1, 6),
}
ALNUM = string.ascii_uppercase + string.digits

Json = dict[str, Any]


def _code(rng: random.Random, prefix: str, alphabet: str, length: int) -> str:
    return prefix + "".join(rng.choice(alphabet) for _ in range(length))


def _fresh(seen: set[str], make: Callable[[], str], key: Callable[[str], str] = str) -> str:
    """Draw until new: GTINs, order numbers and serials identify things, so never repeat."""
    value = make()
    while key(value) in seen:
        value = make()
    seen.add(key(value))
    return value


def _names(
    rng: random.Random, category: str, count: int, span: tuple[int, int]
) -> list[tuple[str, tuple[int, int]]]:
    """Unique product names, each with a plausible value range; AP-1001 gets the classic."""
    if category == "electronics":
        return rng.sample([(f"{b}, {v}", r) for b, vs, r in ELECTRONICS for v in vs], count)
    if category == "apparel":
        garments, colours, sizes = APPAREL
        pool = [f"{g}, {c}, {s}" for g in garments for c in colours for s in sizes]
        pool.remove(FIRST_APPAREL)
        return [(name, span) for name in [FIRST_APPAREL, *rng.sample(pool, count - 1)]]
    products, variants, sep = HEALTH_BEAUTY if category == "health_beauty" else BULKY
    pairs = rng.sample([(p, v) for p in products for v in variants], count)
    return [(f"{p}{sep}{v}", span) for p, v in pairs]


def _gtin(rng: random.Random) -> str:
    """Mostly GTIN-13, some UPC (GTIN-12), a few GTIN-8, each with a correct check digit."""
    roll = rng.random()
    if roll < 0.75:
        return with_check_digit(_code(rng, rng.choice(GTIN13_PREFIXES), string.digits, 9))
    if roll < 0.93:
        return with_check_digit(_code(rng, rng.choice("08"), string.digits, 10))
    return with_check_digit(_code(rng, rng.choice(("40", "50", "59", "87")), string.digits, 5))


def make_items(rng: random.Random) -> list[Json]:
    seen: set[str] = set()
    items = []
    for category, prefix, first, count, span in CATEGORIES:
        share_blocked = 0.05 if category == "health_beauty" else 0.03
        blocked = set(rng.sample(range(count), round(count * share_blocked)))
        for n, (name, (low, high)) in enumerate(_names(rng, category, count, span)):
            value = rng.randint(low // 100, high // 100 - 1) * 100 + 99
            gtins = [
                _fresh(seen, partial(_gtin, rng), to_gtin14)
                for _ in range(2 if rng.random() < 0.15 else 1)
            ]
            items.append(
                {
                    "sku": f"{prefix}-{first + n}",
                    "name": name,
                    "category": category,
                    "unit_value_cents": value,
                    "supplier": rng.choice(SUPPLIERS[category]),
                    "serial_tracked": category == "electronics"
                    and value > 5000
                    and rng.random() < 0.9,
                    "returnable": n not in blocked,
                    "lot_tracked": category == "health_beauty",
                    "min_shelf_life_days": SHELF_LIFE_DAYS if category == "health_beauty" else None,
                    "gtins": gtins,
                }
            )
    return items


def window(channel: str, category: str) -> int:
    by_key = {(c, k): days for c, k, days in POLICIES}
    return by_key.get((channel, category), by_key[(channel, None)])


def _pick_skus(rng: random.Random, uses: dict[str, int], skus: list[str]) -> list[str]:
    """Mostly SKUs not yet returned, so a GTIN scan usually has one candidate line."""
    count = rng.choices([1, 2, 3], [60, 30, 10])[0]
    while len(skus) < count:
        fresh = [s for s, n in uses.items() if n == 0]
        again = [s for s, n in uses.items() if 0 < n < MAX_LINES_PER_SKU]
        sku = rng.choice(fresh if rng.random() < 0.8 or not again else again)
        if sku not in skus:
            uses[sku] += 1
            skus.append(sku)
    return skus


def make_rmas(rng: random.Random, items: list[Json]) -> list[Json]:
    customers = [c for c, n in zip(CUSTOMERS, REPEAT_RETURNS, strict=False) for _ in range(n)]
    singles = CUSTOMERS[len(REPEAT_RETURNS) :]
    customers += singles + rng.sample(singles, RMA_COUNT - len(customers) - len(singles))
    rng.shuffle(customers)
    outside = set(rng.sample(range(RMA_COUNT), OUTSIDE_WINDOW))
    shared = set(rng.sample([i for i in range(RMA_COUNT) if i not in outside], 2))
    by_sku = {item["sku"]: item for item in items}
    uses = {sku: 0 for sku in by_sku if sku != SHARED_SKU}
    orders: set[str] = set()
    serials: set[str] = set()
    rmas = []
    for i, customer in enumerate(customers):
        channel = rng.choices(["web", "marketplace", "store"], [60, 25, 15])[0]
        order = _fresh(
            orders, partial(_code, rng, ORDERS[channel][0], string.digits, ORDERS[channel][1])
        )
        skus = _pick_skus(rng, uses, [SHARED_SKU] if i in shared else [])
        lines = []
        for line_no, sku in enumerate(skus, start=1):
            item = by_sku[sku]
            serial = (
                _fresh(serials, partial(_code, rng, "SN", ALNUM, 10))
                if item["serial_tracked"]
                else None
            )
            quantity = 1 if serial or rng.random() < 0.85 else 2
            lines.append(
                {
                    "line_no": line_no,
                    "sku": sku,
                    "serial": serial,
                    "quantity": quantity,
                    "stated_reason": rng.choice(REASONS[item["category"]]),
                }
            )
        windows = [window(channel, by_sku[s]["category"]) for s in skus]
        if i in outside:
            days = rng.randint(max(40, max(windows) + 5), max(70, max(windows) + 15))
        else:
            days = rng.randint(3, min(25, min(windows) - 1))
        roll = rng.random()
        tracking = (
            _code(rng, "1Z", ALNUM, 16)
            if roll < 0.75
            else _code(rng, "TBA", string.digits, 12)
            if roll < 0.9
            else None
        )
        rmas.append(
            {
                "number": f"RMA-{10001 + i}",
                "customer": customer,
                "order_number": order,
                "channel": channel,
                "ship_days_ago": days,
                "tracking_number": tracking,
                "lines": lines,
            }
        )
    return rmas


def _area(code: str, name: str, kind: str) -> Json:
    return {"code": code, "name": name, "kind": kind, "zone": None, "category": None}


def make_locations() -> list[Json]:
    bins = [
        {
            "code": f"BIN-{aisle}-{b:02}",
            "name": f"Aisle {aisle}, bin {b:02}",
            "kind": "bin",
            "zone": zone,
            "category": category,
            "capacity": capacity,
        }
        for aisle, zone, category, capacity in ZONES
        for b in range(1, 11)
    ]
    held = [
        {**_area(f"BIN-Q01-{b:02}", f"Quarantine cage, bin {b:02}", "quarantine"), "zone": "QA"}
        for b in (1, 2)
    ]
    disposition = [_area(c, n, "disposition") for c, n in DISPOSITIONS]
    return [
        *bins,
        *held,
        *disposition,
        _area("LOC-DAMAGED", "Damaged goods (receiving)", "damaged"),
        _area("LOC-TRIAGE", "Triage shelf", "triage"),
    ]


def _supplier_code(name: str) -> str:
    return "SUP-" + "".join(ch for ch in name.upper() if ch.isalnum())[:12]


def make_suppliers(rng: random.Random) -> list[Json]:
    """Every supplier; a third set their own tolerances, the rest use their category's."""
    suppliers = []
    for name in sorted({n for names in SUPPLIERS.values() for n in names}):
        own = rng.random() < 0.33
        suppliers.append(
            {
                "code": _supplier_code(name),
                "name": name,
                "over_pct": rng.choice([2.0, 5.0, 10.0]) if own else None,
                "short_pct": rng.choice([0.0, 2.0, 5.0]) if own else None,
            }
        )
    return suppliers


def _sscc(rng: random.Random, seen: set[str]) -> str:
    """An 18-digit SSCC: extension digit, a GS1 company prefix, serial, check digit."""
    return _fresh(
        seen, lambda: with_check_digit("3" + "4012345" + _code(rng, "", string.digits, 9))
    )


def make_receipts(rng: random.Random, items: list[Json], suppliers: list[Json]) -> list[Json]:
    """Expected receipts over about a hundred items, each from one supplier of its items."""
    code_of = {s["name"]: s["code"] for s in suppliers}
    by_supplier: dict[str, list[Json]] = {}
    for item in items:
        by_supplier.setdefault(item["supplier"], []).append(item)
    names = sorted(n for n, its in by_supplier.items() if len(its) >= 3)
    pallets: set[str] = set()
    receipts = []
    for i in range(RECEIPT_COUNT):
        supplier = names[i % len(names)]
        chosen = rng.sample(
            by_supplier[supplier], min(len(by_supplier[supplier]), rng.randint(3, 6))
        )
        lines = []
        for line_no, item in enumerate(chosen, start=1):
            low, high = RECEIPT_QUANTITIES[item["category"]]
            lot = _code(rng, "L", ALNUM, 6) if item["lot_tracked"] and rng.random() < 0.7 else None
            lines.append(
                {
                    "line_no": line_no,
                    "sku": item["sku"],
                    "quantity": rng.randint(low, high),
                    "lot": lot,
                }
            )
        receipts.append(
            {
                "number": f"ASN-{200001 + i}",
                "po_number": f"PO-{700001 + i}",
                "supplier_code": code_of[supplier],
                "expected_days_ahead": rng.randint(-2, 5),
                "pallets": [_sscc(rng, pallets) for _ in range(rng.choice([1, 1, 2]))],
                "lines": lines,
            }
        )
    return receipts


def make_bin_stock(rng: random.Random, items: list[Json], receipts: list[Json]) -> list[Json]:
    """Some expected items already sit in a bin of their zone, some with the very lot."""
    zone_aisle = {category: aisle for aisle, _z, category, _c in ZONES if category}
    by_sku = {item["sku"]: item for item in items}
    stock: dict[tuple[str, str, str], int] = {}
    for receipt in receipts:
        for line in receipt["lines"]:
            if rng.random() < 0.3:
                item = by_sku[line["sku"]]
                where = f"BIN-{zone_aisle[item['category']]}-{rng.randint(1, 10):02}"
                key = (where, item["sku"], line["lot"] or "")
                stock[key] = stock.get(key, 0) + rng.randint(1, 10)
    return [
        {"bin": b, "sku": sku, "lot": lot, "quantity": n}
        for (b, sku, lot), n in sorted(stock.items())
    ]


def build() -> Json:
    rng = random.Random(SEED)
    items = make_items(rng)
    receiving = random.Random(RECEIVING_SEED)
    suppliers = make_suppliers(receiving)
    receipts = make_receipts(receiving, items, suppliers)
    return {
        "items": items,
        "locations": make_locations(),
        "policies": [{"channel": c, "category": k, "window_days": d} for c, k, d in POLICIES],
        "rmas": make_rmas(rng, items),
        "operators": [{"name": n, "badge": b, "role": r, "pin": p} for n, b, r, p in OPERATORS],
        "suppliers": suppliers,
        "category_tolerances": [
            {"category": c, "over_pct": o, "short_pct": s} for c, o, s in CATEGORY_TOLERANCES
        ],
        "putaway_rules": [
            {"category": category, "zone": zone, "rank": rank}
            for _a, zone, category, _c in ZONES
            if category
            for rank, zone in ((1, zone), (2, "OVER"))
        ],
        "receipts": receipts,
        "bin_stock": make_bin_stock(receiving, items, receipts),
    }


def main() -> None:
    target = DEMO_FILE
    target.write_text(
        json.dumps(build(), indent=1, sort_keys=True, ensure_ascii=False) + "\n", encoding="utf-8"
    )
    print(f"wrote {target}")


if __name__ == "__main__":
    main()
