"""Turning a raw scan into what it is: a command, a GS1 string, a GTIN, an RMA, ...

Classification is a pure function of the text and the settings. Bad input is not an
exception: it is a ``REJECTED`` classification with a reason the operator can act on,
and the raw text stays with it so it can be stored.
"""

import re
import time
from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum

import biip
from biip.gs1_element_strings import GS1ElementString
from biip.gs1_messages import GS1Message

from station.commands import CommandCode, parse_command
from station.gtin import check_digit_problem, to_gtin14
from station.setting_keys import (
    ASN_PATTERN,
    BADGE_PATTERN,
    BIN_PATTERN,
    GS1_SEPARATOR,
    LPN_PATTERN,
    MAX_SCAN_LENGTH,
    ORDER_PATTERN,
    PARCEL_PATTERN,
    PO_PATTERN,
    RMA_PATTERN,
    SERIAL_PATTERN,
    SUPPLIER_PATTERN,
    TRACKING_PATTERN,
)
from station.settings import Settings

GS = "\x1d"
# AIM symbology identifiers that say "this is GS1 data" (GS1-128, DataMatrix, QR, DataBar).
GS1_AIM = ("]C1", "]d2", "]Q3", "]e0")
AIM = re.compile(r"\][A-Za-z][0-9A-Za-z]")
_PRINTABLE = {"\\": "\\\\"}
_SURROGATE = re.compile("[\ud800-\udfff]")
# An AI in brackets with nothing before the next one or the end: "(01)…(10)(21)X".
_EMPTY_HRI = re.compile(r"\((\d{2,4})\)\s*(?=\(|$)")


class ScanKind(StrEnum):
    COMMAND = "command"
    GS1 = "gs1"
    GTIN = "gtin"
    RMA = "rma"
    ORDER = "order"
    TRACKING = "tracking"
    LPN = "lpn"
    PARCEL = "parcel"
    BIN = "bin"
    BADGE = "badge"
    ASN = "asn"
    PO = "po"
    SUPPLIER = "supplier"
    SERIAL = "serial"
    REJECTED = "rejected"


# What each kind of code is called in a sentence said to an operator.
SAID = {
    ScanKind.COMMAND: "a command",
    ScanKind.GS1: "a GS1 code",
    ScanKind.GTIN: "an item barcode",
    ScanKind.RMA: "an RMA",
    ScanKind.ORDER: "an order number",
    ScanKind.TRACKING: "a tracking number",
    ScanKind.LPN: "a license plate",
    ScanKind.PARCEL: "a parcel tag",
    ScanKind.BIN: "a bin",
    ScanKind.BADGE: "a badge",
    ScanKind.ASN: "an ASN",
    ScanKind.PO: "a purchase order",
    ScanKind.SUPPLIER: "a supplier code",
    ScanKind.SERIAL: "a serial",
    ScanKind.REJECTED: "an unreadable code",
}


def not_expected(kind: ScanKind, prompt: str) -> str:
    """A code of the wrong kind for the step, and what the step wants instead."""
    said = SAID[kind]
    return f"{said[0].upper()}{said[1:]} is not expected now. {prompt}."


@dataclass(frozen=True)
class Scan:
    """One read from a device, as it arrived.

    ``at`` is a monotonic time in seconds, used only to spot the same code read twice.
    """

    raw: str
    source: str = "wedge"
    symbology: str | None = None
    at: float = field(default_factory=time.monotonic)


@dataclass(frozen=True)
class Classified:
    scan: Scan
    kind: ScanKind
    value: str
    gtin: str | None = None
    serial: str | None = None
    lot: str | None = None
    expiry: date | None = None
    quantity: int | None = None  # GS1 AI 30 (count of items) or 37 (of trade items)
    sscc: str | None = None  # GS1 AI 00: a pallet or case, not an item
    command: CommandCode | None = None  # a command barcode's word and argument
    problem: str | None = None

    @property
    def rejected(self) -> bool:
        return self.kind is ScanKind.REJECTED


def as_scanned(scan: Classified) -> str:
    """The code as the operator knows it: an item barcode as printed (the EAN-13 on the
    box, not the GTIN-14 the bench reads it as), anything else as the bench read it."""
    raw = scan.scan.raw.strip()
    return raw if scan.kind is ScanKind.GTIN and raw.isdigit() else scan.value


def read_limit(max_length: int) -> int:
    """Where every device (the serial framer, the wedge, the code field) cuts a read: one
    character past the longest scan, so an over-long read still reaches the bench, whose
    classifier rejects it aloud, but never with megabytes behind it."""
    return max_length + 1


def printable(raw: str) -> str:
    """The raw text with control characters written as ``\\xNN``, for logs and screens.

    A backslash is doubled, so a scanned ``\\x1d`` (four characters) stays apart from a GS.
    A lone surrogate (Qt text can carry one) is written ``\\udNNN``: as itself it cannot be
    encoded, so no store, log or screen could take the text.
    """
    return "".join(_printable_char(ch) for ch in raw)


def _printable_char(ch: str) -> str:
    code = ord(ch)
    if code < 32 or 127 <= code <= 159:
        return f"\\x{code:02x}"
    if _SURROGATE.match(ch):
        return f"\\u{code:04x}"
    return _PRINTABLE.get(ch, ch)


def storable(text: str) -> str:
    """Text from anywhere (a message quoting a scan, an exception's words) that an encoder
    takes: each lone surrogate becomes U+FFFD."""
    return _SURROGATE.sub("\ufffd", text)


class Classifier:
    def __init__(self, settings: Settings) -> None:
        self.max_length = settings[MAX_SCAN_LENGTH]
        separator = settings[GS1_SEPARATOR]
        self.separators = (GS, separator) if separator else (GS,)
        self.gs1_config = biip.ParseConfig(separator_chars=self.separators)
        self.patterns: tuple[tuple[ScanKind, re.Pattern[str]], ...] = tuple(
            (kind, re.compile(settings[setting], re.IGNORECASE))
            for kind, setting in (
                (ScanKind.PARCEL, PARCEL_PATTERN),
                (ScanKind.RMA, RMA_PATTERN),
                (ScanKind.ORDER, ORDER_PATTERN),
                (ScanKind.TRACKING, TRACKING_PATTERN),
                (ScanKind.LPN, LPN_PATTERN),
                (ScanKind.BIN, BIN_PATTERN),
                (ScanKind.BADGE, BADGE_PATTERN),
                (ScanKind.ASN, ASN_PATTERN),
                (ScanKind.PO, PO_PATTERN),
                (ScanKind.SUPPLIER, SUPPLIER_PATTERN),
                (ScanKind.SERIAL, SERIAL_PATTERN),
            )
        )

    def classify(self, scan: Scan) -> Classified:
        text = scan.raw.strip(" \r\n\t")
        problem = self._bad_characters(text)
        if problem:
            # A read of megabytes is named by its start: its whole is in no one's interest.
            cut = "…" if len(text) > self.max_length else ""
            shown = printable(text[: self.max_length]) + cut
            return Classified(scan, ScanKind.REJECTED, shown, problem=problem)
        if AIM.match(text):
            if text[:3] in GS1_AIM:
                return self._gs1(scan, text)
            text = text[3:]  # the symbology says nothing more that a bench needs
        if text.startswith("@"):
            command = parse_command(text)
            if isinstance(command, str):
                return Classified(scan, ScanKind.REJECTED, text, problem=command)
            return Classified(scan, ScanKind.COMMAND, command.code, command=command)
        if self._looks_gs1(text):
            return self._gs1(scan, text)
        if text.isdigit() and len(text) in (8, 12, 13, 14):
            problem = check_digit_problem(text)
            if problem:
                return Classified(scan, ScanKind.REJECTED, text, problem=problem)
            return Classified(scan, ScanKind.GTIN, to_gtin14(text), gtin=to_gtin14(text))
        upper = text.upper()
        for kind, pattern in self.patterns:
            if pattern.fullmatch(upper):
                serial = upper if kind is ScanKind.SERIAL else None
                return Classified(scan, kind, upper, serial=serial)
        return Classified(
            scan,
            ScanKind.REJECTED,
            text,
            problem=f"Unknown code '{text}': not an item, RMA, "
            "order, tracking number, serial or command this bench knows.",
        )

    def _bad_characters(self, text: str) -> str | None:
        if not text:
            return "Empty scan."
        if len(text) > self.max_length:
            return (
                f"Scan too long ({len(text)} characters, at most {self.max_length}): "
                "several codes read at once?"
            )
        controls = {ch for ch in text if (ord(ch) < 32 or ord(ch) == 127) and ch != GS}
        if controls:
            shown = ", ".join(sorted(f"\\x{ord(ch):02x}" for ch in controls))
            return f"Control characters in the scan ({shown}): check the scanner's setup."
        if not text.isascii():
            return "Characters a barcode cannot hold: check the scanner's keyboard layout."
        return None

    def _looks_gs1(self, text: str) -> bool:
        if any(sep in text for sep in self.separators) or text.startswith("("):
            return True
        if not text.isascii() or not text[:16].isdigit():
            return False
        # An SSCC (AI 00) alone, or an element string that starts with a GTIN (AI 01, or 02
        # for the contents of a case) and carries more after it.
        return (text[:2] == "00" and len(text) == 20) or (
            text[:2] in ("01", "02") and len(text) > 16
        )

    def _gs1(self, scan: Scan, text: str) -> Classified:
        try:
            if text.startswith("("):
                empty = _EMPTY_HRI.search(text)
                if empty:  # biip would leave such an AI out, and the code read as whole
                    raise ValueError(f"AI {empty[1]} has no value.")
                message = GS1Message.parse_hri(text)
            else:
                result = biip.parse(text, config=self.gs1_config)
                if result.gs1_message is None:
                    raise ValueError(result.gs1_message_error or "not a GS1 element string")
                message = result.gs1_message
        except (ValueError, biip.ParseError) as exc:
            unreadable = f"Unreadable GS1 code: {exc}"
            if text[:3] in GS1_AIM:
                # A scanner set to send GS1's AIM prefix for every Code 128 marks plain codes
                # (a serial, an RMA) as GS1 too.
                unreadable += (
                    f" The scanner marked it GS1 ({text[:3]}), but a plain code may be"
                    " sent so by mistake: check the scanner's AIM / FNC1 setting."
                )
            return Classified(scan, ScanKind.REJECTED, printable(text), problem=unreadable)
        found = {es.ai.ai: es for es in message.element_strings}
        problem = _gs1_problem(found)
        if problem:
            return Classified(scan, ScanKind.REJECTED, printable(text), problem=problem)
        identifier = found.get("01") or found.get("02")
        count = found.get("30") or found.get("37")
        return Classified(
            scan,
            ScanKind.GS1,
            message.as_hri(),
            gtin=identifier.gtin.as_gtin_14() if identifier and identifier.gtin else None,
            serial=found["21"].value.upper() if "21" in found else None,
            lot=found["10"].value if "10" in found else None,
            expiry=found["17"].date if "17" in found else None,
            quantity=int(count.value) if count else None,
            sscc=found["00"].value if "00" in found else None,
        )


def _gs1_problem(found: dict[str, GS1ElementString]) -> str | None:
    """What is wrong inside a well-formed element string: an empty value, a check digit, a
    zero count."""
    for ai, element in found.items():
        if not element.value:
            # biip lets an AI stand with nothing before its separator (``30|10X``).
            return f"Unreadable GS1 code: AI {ai} has no value."
    for ai in ("01", "02"):
        if ai in found and found[ai].gtin is None:
            return f"GTIN in the GS1 code is wrong: {found[ai].gtin_error}"
    if "00" in found and found["00"].sscc is None:
        return f"SSCC in the GS1 code is wrong: {found['00'].sscc_error}"
    count = found.get("30") or found.get("37")
    if count is not None and int(count.value) == 0:
        return "The GS1 code counts zero items."
    return None
