"""Label templates as data, and the checks that run before any label is drawn.

A template (``resources/labels/<name>.toml``) lists elements placed in millimetres. The ZPL
renderer (``devices.label_zpl``) and the PDF renderer (``devices.label_pdf``) both snap every
position and every barcode module to whole printer dots, because a thermal head cannot print
part of a dot: bars that straddle dots come out uneven and stop scanning.

Data is checked here, not left to the encoders: printers and python-barcode silently "fix" a
wrong GTIN check digit, which would print a valid barcode for a different product.
"""

import re
import string
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, fields
from typing import Any, Literal, get_args

import resources
from station.gtin import check_digit_problem, to_gtin14

Kind = Literal["text", "code128", "gs1_128", "ean13"]
KINDS: tuple[str, ...] = get_args(Kind)
DPIS = (203, 300, 600)

# GS1 General Specifications, "AIs with predefined length": keyed by the AI's first two
# digits, the length of the data after the AI. Only these may be followed by another AI
# without an FNC1 separator; every other AI is variable-length.
_PREDEFINED_LENGTH = {
    "00": 18, "01": 14, "02": 14, "03": 14, "04": 16, "11": 6, "12": 6, "13": 6, "14": 6,
    "15": 6, "16": 6, "17": 6, "18": 6, "19": 6, "20": 2, "31": 6, "32": 6, "33": 6, "34": 6,
    "35": 6, "36": 6, "41": 13,
}  # fmt: skip
# AIs whose data ends in a GS1 check digit: SSCC, GTIN, content GTIN, GLNs.
_CHECKED_AIS = ("00", "01", "02", "41")
# GS1 "CSET 82" minus what ZPL's GS1 mode (^BC mode D) would eat: it drops parentheses and
# reads ">" as the start of an invocation code.
_GS1_TEXT = re.compile(r"[!\"%&'*+,\-./0-9:;<=?A-Z_a-z]+")
_PRINTABLE_ASCII = re.compile(r"[\x20-\x7e]+")
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


@dataclass(frozen=True)
class Element:
    kind: Kind
    x: float  # mm from the left edge
    y: float  # mm from the top edge
    height: float  # text: character height; barcodes: bar height (mm)
    field: str = ""  # code128 / ean13: the data field encoded
    text: str = ""  # text: a format string over data fields, e.g. "RMA {rma}"
    ais: tuple[tuple[str, str], ...] = ()  # gs1_128: (AI, data field) in symbol order
    module: float = 0.33  # barcodes: narrow bar in mm, rounded to whole dots (at least one)
    width: float = 0.0  # text: wrap width in mm; 0 keeps it on one line
    lines: int = 1  # text: most lines after wrapping
    upper: bool = False  # text: print in capitals
    hri: bool = True  # barcodes: print the human-readable line under the bars
    optional: bool = False  # missing data skips the element instead of failing the label


@dataclass(frozen=True)
class Template:
    name: str
    width: float  # label stock, mm
    height: float
    elements: tuple[Element, ...]


def load_template(name: str) -> Template:
    """The shipped template ``resources/labels/<name>.toml``."""
    with resources.path("labels", f"{name}.toml").open("rb") as file:
        return parse_template(name, tomllib.load(file))


def parse_template(name: str, raw: Mapping[str, Any]) -> Template:
    known = {f.name for f in fields(Element)}
    elements = []
    for index, item in enumerate(raw.get("elements", [])):
        unknown = set(item) - known
        if unknown or item.get("kind") not in KINDS:
            raise ValueError(f"label {name}, element {index + 1}: bad kind or keys {unknown}")
        values = dict(item)
        if "ais" in values:
            values["ais"] = tuple((str(ai), str(field)) for ai, field in values["ais"])
        elements.append(Element(**values))
    return Template(name, float(raw["width_mm"]), float(raw["height_mm"]), tuple(elements))


def dots(mm: float, dpi: int) -> int:
    """Millimetres as a whole number of printer dots."""
    if dpi not in DPIS:
        raise ValueError(f"Label printers come in {DPIS} dpi, not {dpi}")
    return round(mm * dpi / 25.4)


def module_dots(element: Element, dpi: int) -> int:
    return max(1, dots(element.module, dpi))


def text_of(element: Element, data: Mapping[str, object], label: str) -> str | None:
    """The element's text with its fields filled in, or None when it is skipped."""
    values: dict[str, str] = {}
    for _literal, name, _spec, _conversion in string.Formatter().parse(element.text):
        if name is not None:
            value = _field(data, name, element, label)
            if value is None:
                return None
            values[name] = value
    # Scanned text can carry a scanner's CR/TAB/GS; on a label they would only garble lines.
    text = _CONTROL.sub(" ", element.text.format_map(values))
    return text.upper() if element.upper else text


def code128_of(element: Element, data: Mapping[str, object], label: str) -> str | None:
    value = _field(data, element.field, element, label)
    # Code 128 sets A/B carry printable ASCII; anything else would need FNC4 tricks that
    # neither ZPL mode N nor our scanners' decoding handle the same way.
    if value is not None and not _PRINTABLE_ASCII.fullmatch(value):
        raise ValueError(f"label {label}: {element.field} {value!r} is not printable ASCII")
    return value


def gtin_of(element: Element, data: Mapping[str, object], label: str) -> str | None:
    """The GTIN as the 13 digits of an EAN-13 symbol, checked; None when none is drawn.

    A GTIN-12 becomes an EAN-13 with a leading zero: the same bars as its UPC-A symbol.
    A GTIN-8 is checked but gets no symbol here, since the ZPL renderer the tests rely on
    cannot draw EAN-8 (``^B8``); the GS1-128 on the label carries it.
    """
    value = _field(data, element.field, element, label)
    if value is None:
        return None
    if not value.isdigit() or len(value) not in (8, 12, 13, 14):
        raise ValueError(f"label {label}: {value!r} is not a GTIN")
    _check(value, label)
    if len(value) == 8 or (len(value) == 14 and not value.startswith("0")):
        return None
    return value[-13:].rjust(13, "0")


def gs1_of(
    element: Element, data: Mapping[str, object], label: str
) -> list[tuple[str, str]] | None:
    """(AI, data) pairs, checked; None when the element is optional and some data is missing."""
    pairs = []
    for ai, name in element.ais:
        value = _field(data, name, element, label)
        if value is None:
            return None
        length = _PREDEFINED_LENGTH.get(ai[:2])
        if ai[:2] in ("01", "02") and value.isdigit() and len(value) in (8, 12, 13):
            value = to_gtin14(value)
        if length is not None and not (value.isdigit() and len(value) == length):
            raise ValueError(f"label {label}: AI ({ai}) needs {length} digits, got {value!r}")
        if not _GS1_TEXT.fullmatch(value):
            raise ValueError(f"label {label}: {value!r} cannot go in GS1 AI ({ai})")
        if ai[:2] in _CHECKED_AIS:
            _check(value, label)
        pairs.append((ai, value))
    return pairs


def needs_separator(ais: list[tuple[str, str]], index: int) -> bool:
    """Whether an FNC1 must follow the AI at ``index``: it is variable-length and not last."""
    return index < len(ais) - 1 and ais[index][0][:2] not in _PREDEFINED_LENGTH


def _field(data: Mapping[str, object], name: str, element: Element, label: str) -> str | None:
    value = data.get(name)
    text = "" if value is None else str(value).strip()
    if text:
        return text
    if element.optional:
        return None
    raise ValueError(f"label {label}: no {name!r} in the label data")


def _check(code: str, label: str) -> None:
    problem = check_digit_problem(code)
    if problem is not None:
        raise ValueError(f"label {label}: {problem}")
