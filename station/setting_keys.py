"""Every setting the station reads, declared once: key, type, default, meaning and check.

The order of declaration is the order of the README's table and of a saved file. Import a
key by name (``from station.setting_keys import BENCH_ID``) and read its value from the
``Settings`` in force (``station.settings``).
"""

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Generic, TypeVar
from urllib.parse import urlsplit

T = TypeVar("T", str, int, bool)


@dataclass(frozen=True)
class Setting(Generic[T]):
    key: str
    kind: type[T]
    default: T
    meaning: str
    check: Callable[[T], str | None] | None = None


REGISTRY: dict[str, Setting[Any]] = {}


def _declare(
    key: str,
    kind: type[T],
    default: T,
    meaning: str,
    check: Callable[[T], str | None] | None = None,
) -> Setting[T]:
    setting = Setting(key, kind, default, meaning, check)
    REGISTRY[key] = setting
    return setting


def _regex(value: str) -> str | None:
    try:
        re.compile(value)
    except re.error as exc:
        return f"is not a valid pattern ({exc})"
    return None


def _between(lowest: int, highest: int) -> Callable[[int], str | None]:
    def check(value: int) -> str | None:
        return None if lowest <= value <= highest else f"must be {lowest} to {highest}"

    return check


def _no_password(value: str) -> str | None:
    """A database address without a password in it: a settings file is read by many."""
    userinfo = urlsplit(value).netloc.rpartition("@")[0]
    return "must not hold a password: use ~/.pgpass or PGPASSWORD" if ":" in userinfo else None


def _at_least(lowest: int) -> Callable[[int], str | None]:
    def check(value: int) -> str | None:
        return None if value >= lowest else f"must be at least {lowest}"

    return check


def _one_char_or_empty(value: str) -> str | None:
    return None if len(value) <= 1 else "must be a single character or empty"


# The bench id goes into every LPN the bench makes (LPN-<bench>-NNNNNN), and that LPN into
# bars 3 dots wide on a 4x6 in label at 203 dpi, read from a distance at putaway: with its
# quiet zones such a symbol holds 19 characters, which leaves 8 for the bench.
BENCH_ID_LONGEST = 8


def _bench_id(value: str) -> str | None:
    if not value.strip():
        return "must not be empty"
    if len(value) > BENCH_ID_LONGEST:
        return f"must be at most {BENCH_ID_LONGEST} characters (it is printed in every LPN)"
    return None


BENCH_ID = _declare(
    "bench.id",
    str,
    "BENCH-01",
    f"Name of this bench, stamped on every record; at most {BENCH_ID_LONGEST} characters.",
    _bench_id,
)


def _currency(value: str) -> str | None:
    if re.fullmatch(r"[A-Z]{3}", value) is None:
        return "must be a currency's three capital letters (ISO 4217), e.g. EUR or USD"
    return None


CURRENCY = _declare(
    "bench.currency",
    str,
    "EUR",
    "The currency of the items' values and of the supervisor's money figures (ISO 4217).",
    _currency,
)

WEDGE_PREFIX = _declare(
    "scanner.wedge_prefix",
    str,
    "",
    "Character the keyboard-wedge scanner sends before each scan. Empty: scans are told "
    "from typing by their speed alone.",
    _one_char_or_empty,
)
WEDGE_MAX_GAP_MS = _declare(
    "scanner.wedge_max_gap_ms",
    int,
    40,
    "Longest pause between two keys of one wedge scan, in milliseconds.",
    _at_least(1),
)
WEDGE_MIN_LENGTH = _declare(
    "scanner.wedge_min_length",
    int,
    3,
    "Fewest characters a fast key burst needs to count as a scan.",
    _at_least(1),
)
DUPLICATE_WINDOW_MS = _declare(
    "scanner.duplicate_window_ms",
    int,
    500,
    "The same code read again within this many milliseconds counts once.",
    _at_least(0),
)
GS1_SEPARATOR = _declare(
    "scanner.gs1_separator",
    str,
    "|",
    "Printable character a scanner sends in place of the GS1 group separator (FNC1).",
    _one_char_or_empty,
)
SERIAL_PORT = _declare(
    "scanner.serial_port",
    str,
    "",
    "Serial or USB-CDC scanner: a device path (best a stable one under /dev/serial/by-id) "
    "or a pyserial URL. Empty: no serial scanner.",
)
SERIAL_BAUD = _declare(
    "scanner.serial_baud", int, 9600, "Baud rate of the serial scanner.", _at_least(300)
)
SERIAL_FRAME_GAP_MS = _declare(
    "scanner.serial_frame_gap_ms",
    int,
    50,
    "A serial scanner sending no CR or LF after a scan: the pause that ends it.",
    _at_least(5),
)
# No symbology holds more than a few thousand characters (a QR code at most 4,296); the
# scan log keeps a read of up to this many (and one more, where a device cut it) whole.
LONGEST_SCAN = 4096


def _scan_length(value: int) -> str | None:
    if not 8 <= value <= LONGEST_SCAN:
        return f"must be from 8 to {LONGEST_SCAN}"
    return None


MAX_SCAN_LENGTH = _declare(
    "scanner.max_length", int, 512, "Longest scan accepted, in characters.", _scan_length
)

RMA_PATTERN = _declare("patterns.rma", str, r"RMA-\d{4,10}", "RMA numbers.", _regex)
ORDER_PATTERN = _declare(
    "patterns.order", str, r"(SO|WEB|MKT)-\d{4,12}", "Customer order numbers.", _regex
)
TRACKING_PATTERN = _declare(
    "patterns.tracking",
    str,
    r"1Z[0-9A-Z]{16}|TBA\d{12}|JD\d{18}",
    "Carrier tracking numbers.",
    _regex,
)
LPN_PATTERN = _declare("patterns.lpn", str, r"LPN-[A-Z0-9-]{4,24}", "License plates.", _regex)
# Bins and locations are printed in bars on bin labels and, as a unit's destination, on
# its label: this many characters after BIN- or LOC- still fit a 2x1 in label.
BIN_CODE_LONGEST = 12
BIN_PATTERN = _declare(
    "patterns.bin",
    str,
    rf"(BIN|LOC)-[A-Z0-9-]{{2,{BIN_CODE_LONGEST}}}",
    "Bins, totes and locations.",
    _regex,
)
PARCEL_PATTERN = _declare(
    "patterns.parcel",
    str,
    r"PCL-[A-Z0-9-]{1,24}-\d{6}",
    "Parcel tags printed at the dock check-in.",
    _regex,
)
BADGE_PATTERN = _declare("patterns.badge", str, r"BADGE-\d{3,10}", "Operator badges.", _regex)
ASN_PATTERN = _declare(
    "patterns.asn", str, r"ASN-\d{4,10}", "Advance shipping notices (expected receipts).", _regex
)
PO_PATTERN = _declare("patterns.po", str, r"PO-\d{4,10}", "Purchase order numbers.", _regex)
SUPPLIER_PATTERN = _declare(
    "patterns.supplier", str, r"SUP-[A-Z0-9]{2,20}", "Supplier codes (blind receipts).", _regex
)
SERIAL_PATTERN = _declare(
    "patterns.serial",
    str,
    r"[A-Z0-9][A-Z0-9-]{3,39}",
    "Serial numbers: what is left after every other kind of code.",
    _regex,
)

WRITEOFF_APPROVAL_ABOVE = _declare(
    "returns.writeoff_approval_above",
    int,
    100,
    "A write-off of a unit worth more than this (whole currency units) needs a supervisor.",
    _at_least(0),
)
REPEAT_RETURNER_DAYS = _declare(
    "returns.repeat_returner_days",
    int,
    90,
    "Window in days over which a customer's returns are counted.",
    _at_least(1),
)
REPEAT_RETURNER_LIMIT = _declare(
    "returns.repeat_returner_limit",
    int,
    3,
    "A customer with more returns than this in the window is flagged as a repeat returner.",
    _at_least(1),
)
RULEPACK = _declare(
    "returns.rulepack",
    str,
    "",
    "Path of a returns rule pack (TOML) to use instead of the one shipped with the station.",
)
BLIND_COUNTS = _declare(
    "receiving.blind_counts",
    bool,
    False,
    "Hide expected quantities at the bench until the receipt is closed (blind counting).",
)
DEFAULT_TOLERANCE_PCT = _declare(
    "receiving.default_tolerance_pct",
    int,
    0,
    "Over and short allowed, in whole percent of the expected quantity, when neither the "
    "supplier nor the category sets one.",
    _at_least(0),
)


PRINTER_SCHEMES = ("tcp://", "serial:", "cups:", "folder:")


def _printer_url(value: str) -> str | None:
    if not value or value.startswith(PRINTER_SCHEMES):
        return None
    return "must be tcp://host:port, serial:PORT, cups:QUEUE or folder:/path (or empty)"


PRINTER_URL = _declare(
    "printer.url",
    str,
    "",
    "The label printer: tcp://host:9100 for a raw network printer, serial:/dev/ttyUSB0 (or "
    "any pyserial URL, e.g. serial:socket://host:9100) for a serial one, cups:QUEUE for a "
    "CUPS queue (sent raw), folder:/path to leave ZPL files for another system. Empty: "
    "label jobs wait in the queue.",
    _printer_url,
)
PRINTER_BAUD = _declare(
    "printer.baud", int, 9600, "Speed of a serial label printer (8N1).", _at_least(1200)
)


def _dpi(value: int) -> str | None:
    return None if value in (203, 300) else "must be 203 or 300"


PRINTER_DPI = _declare(
    "printer.dpi",
    int,
    203,
    "The label printer's resolution: 203 or 300 dots per inch.",
    _dpi,
)
STOCKS = ("4x6", "2x1")
# What the benches print labels for; a bench routes each to its printer (printer2.labels).
LABEL_PURPOSES = ("return-unit", "triage", "receiving-plate", "rma", "bin", "command", "parcel")


def _stock(value: str) -> str | None:
    return None if value in STOCKS else f"must be one of {', '.join(STOCKS)} (inches)"


def _purposes(value: str) -> str | None:
    unknown = {p.strip() for p in value.split(",") if p.strip()} - set(LABEL_PURPOSES)
    if not unknown:
        return None
    return f"names unknown labels {sorted(unknown)}: use {', '.join(LABEL_PURPOSES)}"


PRINTER_STOCK = _declare(
    "printer.stock", str, "4x6", "The label stock loaded in the printer: 4x6 or 2x1 (in).", _stock
)
PRINTER2_URL = _declare(
    "printer2.url",
    str,
    "",
    "A second label printer at this bench (same forms as printer.url), for the labels "
    "listed in printer2.labels.",
    _printer_url,
)
PRINTER2_DPI = _declare(
    "printer2.dpi",
    int,
    203,
    "The second printer's resolution: 203 or 300 dots per inch.",
    _dpi,
)
PRINTER2_STOCK = _declare(
    "printer2.stock", str, "2x1", "The label stock in the second printer: 4x6 or 2x1.", _stock
)
PRINTER2_LABELS = _declare(
    "printer2.labels",
    str,
    "",
    "Labels the second printer prints, comma-separated: " + ", ".join(LABEL_PURPOSES) + ".",
    _purposes,
)


def _http_url(value: str) -> str | None:
    if not value or value.startswith(("http://", "https://")):
        return None
    return "must be an http:// or https:// address (or empty)"


ERP_URL = _declare(
    "erp.url",
    str,
    "",
    "The Tryton server, e.g. http://erp.example:8000. Empty: the station works alone. "
    "The password comes from the OS keyring or STATION_ERP_PASSWORD, never from this file.",
    _http_url,
)
ERP_DATABASE = _declare("erp.database", str, "station", "The Tryton database.")
ERP_USER = _declare("erp.user", str, "station", "The Tryton user the station logs in as.")
ERP_CA_BUNDLE = _declare(
    "erp.ca_bundle",
    str,
    "",
    "For an https:// ERP whose certificate a site's own CA signed: the PEM file of that CA. "
    "Empty: the system's trusted CAs. The certificate is always checked.",
)
ERP_INTERVAL_S = _declare(
    "erp.interval_s",
    int,
    30,
    "Seconds between sync cycles: pull what changed, push what the benches recorded.",
    _at_least(1),
)
HUB_URL = _declare(
    "hub.url",
    str,
    "",
    "The site hub this bench replicates to, e.g. http://hub.example:8765. Empty: a standalone "
    "bench. The bench's token (`station hub enrol`) comes from the OS keyring or "
    "STATION_HUB_TOKEN, never from this file.",
    _http_url,
)
HUB_DATABASE = _declare(
    "hub.database",
    str,
    "",
    "On the hub's server only: the site's PostgreSQL, e.g. postgresql+psycopg://hub@db/site "
    "(`station hub ... --database` or STATION_HUB_DATABASE win over it). No password here: "
    "PostgreSQL reads it from ~/.pgpass or PGPASSWORD.",
    _no_password,
)
HUB_HOST = _declare(
    "hub.host",
    str,
    "127.0.0.1",
    "On the hub's server: the address `station hub serve` listens on (0.0.0.0: every one).",
)
HUB_PORT = _declare(
    "hub.port", int, 8765, "On the hub's server: the port `station hub serve` listens on.",
    _between(1, 65535),
)  # fmt: skip
SOUNDS = _declare("ui.sounds", bool, True, "Play the good, bad and warning tones.")
FLASH_MS = _declare(
    "ui.flash_ms", int, 400, "How long the window flashes green, red or amber.", _at_least(0)
)
