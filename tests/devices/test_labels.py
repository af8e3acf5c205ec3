"""Every label, as ZPL and as PDF, must scan back to exactly the data it carries."""

import itertools
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path

import pypdfium2
import pytest
import zxingcpp
from PIL import Image

import resources
from devices.label_pdf import _code128_bars, render_pdf
from devices.label_zpl import render_zpl
from devices.labels import (
    Element,
    Template,
    dots,
    gs1_of,
    load_template,
    module_dots,
    needs_separator,
    parse_template,
)
from station.command_sheet import sheet_entries
from station.rulepack import load_rulepack
from station.setting_keys import BENCH_ID_LONGEST, BIN_CODE_LONGEST

LPN = "LPN-B01-000042"
GTIN = "7610912083911"
DATA: dict[str, object] = {
    "lpn": LPN,
    "destination": "LOC-RTV",
    "disposition": "Vendor claim (RTV)",
    "sku": "AP-1001",
    "item": "Merino crew jumper, navy, M — Größe",
    "rma": "RMA-10001",
    "grade": "B",
    "unit": 7,
    "gtin": GTIN,
    "reason": "Defective: zip broken",
    "date": "2026-11-27",
    "customer": "Zofia Wiśniewska",
    "order": "WEB-0684112",
    "items": "1 × AP-1001 Merino crew jumper, navy, M; 2 × HB-3010 Collagen eye gel 15 ml",
    "bin": "BIN-A01-07",
    "zone": "APP",
    "receipt": "ASN-200001",
    "supplier": "SUP-ALPENKRAUT",
    "code": "@MODE-RECEIVING",
    "meaning": "Switch the bench to receiving",
    "tag": "PCL-BENCH-01-000042",
    "note": "No RMA found: to triage",
    "scanned": "1Z999AA10123456784",
    "arrived": "2026-12-06 10:41",
    "bench": "BENCH-01",
}
HOSTILE = "Jumper ^XA^FO0,0^FDgotcha^FS~JR ^XZ_5E"
# Codes from the ERP that ZPL's Code 128 field would take for commands unless escaped:
# "^" ends the field, "~" runs a command, ">" followed by a character is an invocation
# (">8" an FNC1, ">5" code set C, ">:" code set B); "_" is the ^FH escape elsewhere.
HOSTILE_CODES = {
    "rma": "RMA-1>8^XA~JR_5E",
    "bin": "BIN>:A^FS~01_7E",
    "lpn": "LPN>5>0^FD~_1",
}
# (symbology identifier, text) per label; "]C1" is Code 128 starting with FNC1, i.e. GS1-128,
# and zxing-cpp gives GS1 content as "(AI)data" only when the AIs parse.
LABEL_CODES = {
    "unit": {("]E0", GTIN), ("]C1", f"(01)0{GTIN}(91){LPN}"), ("]C0", LPN), ("]C0", "LOC-RTV")},
    "disposition_tag": {("]C0", LPN)},
    "lpn": {("]C0", LPN)},
    "plate": {("]C0", LPN)},
    "rma": {("]C0", "RMA-10001")},
    "bin": {("]C0", "BIN-A01-07")},
    # 2x1 in stock: one symbol each, on 1- or 2-dot modules.
    "unit-2x1": {("]C0", LPN)},
    "lpn-2x1": {("]C0", LPN)},
    "plate-2x1": {("]C0", LPN)},
    "disposition_tag-2x1": {("]C0", LPN)},
    "bin-2x1": {("]C0", "BIN-A01-07")},
    "command-2x1": {("]C0", "@MODE-RECEIVING")},
    "command": {("]C0", "@MODE-RECEIVING")},
    "rma-2x1": {("]C0", "RMA-10001")},
}
# A lot (variable length) followed by a serial: ZPL needs ">8" between them, PDF an FNC1.
TRACED = parse_template(
    "traced",
    {
        "width_mm": 101.6,
        "height_mm": 50.8,
        "elements": [
            {
                "kind": "gs1_128",
                "ais": [["01", "gtin"], ["10", "lot"], ["21", "serial"]],
                "x": 6,
                "y": 6,
                "height": 20,
                "module": 0.25,
            }
        ],
    },
)
TRACED_DATA = {"gtin": "09501101020917", "lot": "LOT-A7", "serial": "SN12345"}
TRACED_CODES = {("]C1", "(01)09501101020917(10)LOT-A7(21)SN12345")}


@dataclass(frozen=True)
class Case:
    name: str
    template: Template
    dpi: int
    data: Mapping[str, object]
    expected: set[tuple[str, str]]  # what a scanner reads: (symbology identifier, text)


UNIT = load_template("unit")
CASES = [
    Case(f"{name}-{dpi}", load_template(name), dpi, DATA, codes)
    for name, codes in LABEL_CODES.items()
    for dpi in (203, 300)
] + [
    # A UPC-A symbol is an EAN-13 with a leading zero, and zxing-cpp reports it as such.
    Case(
        "unit-upca-203",
        UNIT,
        203,
        {**DATA, "gtin": "036000291452"},
        {
            ("]E0", "0036000291452"),
            ("]C1", f"(01)00036000291452(91){LPN}"),
            ("]C0", LPN),
            ("]C0", "LOC-RTV"),
        },
    ),
    # A GTIN-8 travels in the GS1-128 only (see devices.labels.gtin_of).
    Case(
        "unit-gtin8-300",
        UNIT,
        300,
        {**DATA, "gtin": "96385074"},
        {("]C1", f"(01)00000096385074(91){LPN}"), ("]C0", LPN), ("]C0", "LOC-RTV")},
    ),
    Case("traced-203", TRACED, 203, TRACED_DATA, TRACED_CODES),
    Case("hostile-unit-203", UNIT, 203, {**DATA, "item": HOSTILE}, LABEL_CODES["unit"]),
    *(
        Case(
            f"hostile-{name}-{dpi}",
            load_template(name),
            dpi,
            {**DATA, field: HOSTILE_CODES[field]},
            {("]C0", HOSTILE_CODES[field])},
        )
        for name, field, dpi in (
            ("rma", "rma", 203),
            ("bin", "bin", 300),
            ("lpn", "lpn", 203),
            ("plate-2x1", "lpn", 300),
        )
    ),
]


def codes(image: Image.Image) -> set[tuple[str, str]]:
    return {(code.symbology_identifier, code.text) for code in zxingcpp.read_barcodes(image)}


@pytest.fixture(scope="module")
def zpl_codes(
    zpl_to_png: Callable[[list[tuple[str, float, float, int]]], list[Image.Image]],
) -> dict[str, set[tuple[str, str]]]:
    """What the scanner reads off every case's ZPL label; they render together, in parallel."""
    jobs = [
        (render_zpl(c.template, c.data, c.dpi), c.template.width, c.template.height, c.dpi)
        for c in CASES
    ]
    images = zpl_to_png(jobs)
    return {case.name: codes(image) for case, image in zip(CASES, images, strict=True)}


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_the_zpl_label_scans_back_to_its_data(
    zpl_codes: dict[str, set[tuple[str, str]]], case: Case
) -> None:
    assert zpl_codes[case.name] == case.expected


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_the_pdf_label_scans_back_to_its_data(tmp_path: Path, case: Case) -> None:
    image = render_pdf_image(case.template, case.data, case.dpi, tmp_path / "label.pdf")
    assert codes(image) == case.expected


def test_the_zpl_chains_a_variable_length_ai_with_fnc1() -> None:
    zpl = render_zpl(TRACED, TRACED_DATA, 203)
    assert "^BCN,160,Y,N,N,D^FD(01)09501101020917(10)LOT-A7>8(21)SN12345^FS" in zpl


def test_scanned_text_cannot_inject_zpl_commands() -> None:
    zpl = render_zpl(UNIT, {**DATA, "item": HOSTILE}, 203)
    assert zpl.count("^XA") == 1
    assert zpl.count("^XZ") == 1
    assert "~" not in zpl
    assert zpl.count("^FD") == zpl.count("^FS") == zpl.count("^FO")
    assert "^FH^FDJumper _5EXA_5EFO0,0_5EFDgotcha_5EFS_7EJR _5EXZ_5F5E^FS" in zpl


@pytest.mark.parametrize("dpi", [203, 300])
def test_pdf_bars_are_whole_printer_dots(tmp_path: Path, dpi: int) -> None:
    template = load_template("lpn")
    image = render_pdf_image(template, DATA, dpi, tmp_path / "lpn.pdf")
    row = round(40 * dpi / 25.4)  # through the middle of the LPN bars
    pixels = [image.getpixel((x, row)) for x in range(image.width)]
    assert set(pixels) <= {0, 255}, "a bar edge falls between dots"
    module = round(0.375 * dpi / 25.4)
    runs = [len(list(run)) for _colour, run in itertools.groupby(pixels)]
    bars_and_spaces = runs[1:-1]  # between the white margins
    assert len(bars_and_spaces) > 50
    assert all(run % module == 0 for run in bars_and_spaces)


@pytest.mark.parametrize("gtin", ["7610912083912", "036000291453", "96385075"])
def test_a_wrong_gtin_check_digit_is_refused(tmp_path: Path, gtin: str) -> None:
    data = {**DATA, "gtin": gtin}
    with pytest.raises(ValueError, match="Check digit wrong"):
        render_zpl(UNIT, data, 203)
    with pytest.raises(ValueError, match="Check digit wrong"):
        render_pdf(UNIT, data, 203, tmp_path / "unit.pdf")
    assert not (tmp_path / "unit.pdf").exists()


def test_a_triaged_unit_leaves_out_what_it_does_not_know(tmp_path: Path) -> None:
    data = {"lpn": LPN, "sku": "UNKNOWN", "item": "Unidentified item", "destination": "LOC-TRIAGE"}
    image = render_pdf_image(UNIT, data, 203, tmp_path / "triage.pdf")
    assert codes(image) == {("]C0", LPN), ("]C0", "LOC-TRIAGE")}
    assert "^BE" not in render_zpl(UNIT, data, 203)


@pytest.mark.parametrize(
    ("name", "change", "problem"),
    [
        ("lpn", {"lpn": None}, "no 'lpn'"),
        ("lpn", {"lpn": "LPN-Größe"}, "not printable ASCII"),
        ("rma", {"rma": "RMA-№1"}, "not printable ASCII"),
        ("bin", {"bin": "BIN-\u00a0A01"}, "not printable ASCII"),
        ("bin-2x1", {"bin": "BIN-A01\n^XZ"}, "not printable ASCII"),
        ("unit", {"gtin": "12345"}, "not a GTIN"),
        ("unit", {"lpn": "LPN(1)"}, "cannot go in GS1"),
    ],
)
def test_data_a_barcode_cannot_carry_is_refused(
    name: str, change: dict[str, object], problem: str
) -> None:
    with pytest.raises(ValueError, match=problem):
        render_zpl(load_template(name), {**DATA, **change}, 300)


def test_a_printer_resolution_that_does_not_exist_is_refused() -> None:
    with pytest.raises(ValueError, match="dpi"):
        render_zpl(load_template("lpn"), DATA, 200)


def render_pdf_image(
    template: Template, data: Mapping[str, object], dpi: int, target: Path
) -> Image.Image:
    render_pdf(template, data, dpi, target)
    pdf = pypdfium2.PdfDocument(target)
    try:
        # Rendered at the printer's resolution, one pixel is one printer dot.
        return pdf[0].render(scale=dpi / 72).to_pil().convert("L")
    finally:
        pdf.close()


# The longest value each barcoded field may carry: an LPN of the longest bench id the
# settings accept, bins and destinations as long as patterns.bin allows, an RMA as long as
# patterns.rma allows, the longest code on the command sheet. "W" and "9": Code 128 set B
# gives every character 11 modules, so letters are as wide as any.
LONGEST: dict[str, str] = {
    "lpn": f"LPN-{'W' * BENCH_ID_LONGEST}-999999",
    "tag": f"PCL-{'W' * BENCH_ID_LONGEST}-999999",
    "bin": f"LOC-{'W' * BIN_CODE_LONGEST}",
    "destination": f"LOC-{'W' * BIN_CODE_LONGEST}",
    "rma": "RMA-9999999999",
    "code": max(
        (code for _title, rows in sheet_entries(load_rulepack()) for code, _m, _k in rows),
        key=len,
    ),
    "gtin": GTIN,
}


def _code128_modules(value: str) -> int:
    """Start, one symbol character per data character (ZPL mode N stays in set B), check
    character: 11 modules each; the stop pattern 13."""
    return 11 * (len(value) + 2) + 13


def _extent(element: Element) -> tuple[int, int, int]:
    """(modules before the bars, modules of bars, modules after) the element needs."""
    match element.kind:
        case "code128":
            return 10, _code128_modules(LONGEST[element.field]), 10
        case "gs1_128":
            # As the PDF encodes it (FNC1s, digit pairs in set C); ZPL's mode D does the same.
            gs1 = gs1_of(element, LONGEST, "longest")
            assert gs1 is not None
            symbol = "\xf1" + "".join(
                ai + value + ("\xf1" if needs_separator(gs1, i) else "")
                for i, (ai, value) in enumerate(gs1)
            )
            start, width = _code128_bars(symbol)[-1]
            return 10, start + width, 10
        case _:
            return 11, 95, 7  # EAN-13: GS1's quiet zones are 11 and 7 modules


# Every shipped layout: one per purpose and stock (devices.label_jobs picks among them),
# and the plain LPN labels.
LAYOUTS = [
    (name, dpi)
    for name in sorted(file.stem for file in resources.path("labels").glob("*.toml"))
    for dpi in (203, 300)
]
LONGEST_DATA = {**DATA, **LONGEST}


def _quiet_zone_problems(
    template: Template, dpi: int, drawn: Callable[[Element, int], tuple[int, int]]
) -> list[str]:
    """Each barcode's bars, from ``drawn(element, x)`` as (first dot, end dot), against the
    quiet zones its module asks for on either side, inside the label's width."""
    width = dots(template.width, dpi)
    problems = []
    for element in template.elements:
        if element.kind == "text":
            continue
        before, _bars, after = (m * module_dots(element, dpi) for m in _extent(element))
        left, right = drawn(element, dots(element.x, dpi))
        if left < before or right + after > width:
            problems.append(
                f"{element.field or element.ais}: bars from dot {left} to {right}, quiet zones "
                f"{before} and {after}, on a label {width} dots wide"
            )
    return problems


@pytest.mark.parametrize(("name", "dpi"), LAYOUTS)
def test_every_barcode_keeps_its_quiet_zones_on_the_label(name: str, dpi: int) -> None:
    """The widths worked out from each module for the longest values; ZPL and PDF put the
    bars on the same dot grid, and the next two tests measure what each draws."""
    template = load_template(name)

    def computed(element: Element, x: int) -> tuple[int, int]:
        return x, x + _extent(element)[1] * module_dots(element, dpi)

    assert _quiet_zone_problems(template, dpi, computed) == []


def _measured(image: Image.Image, dpi: int) -> Callable[[Element, int], tuple[int, int]]:
    """The dark run across the middle of an element's bars, as printed."""

    def drawn(element: Element, _x: int) -> tuple[int, int]:
        row = dots(element.y, dpi) + dots(element.height, dpi) // 2
        dark = [x for x in range(image.width) if image.getpixel((x, row)) < 128]  # type: ignore[operator]
        return dark[0], dark[-1] + 1

    return drawn


@pytest.fixture(scope="module")
def longest_zpl_images(
    zpl_to_png: Callable[[list[tuple[str, float, float, int]]], list[Image.Image]],
) -> dict[tuple[str, int], Image.Image]:
    templates = {name: load_template(name) for name, _dpi in LAYOUTS}
    jobs = [
        (render_zpl(templates[n], LONGEST_DATA, d), templates[n].width, templates[n].height, d)
        for n, d in LAYOUTS
    ]
    return dict(zip(LAYOUTS, zpl_to_png(jobs), strict=True))


@pytest.mark.parametrize(("name", "dpi"), LAYOUTS)
def test_the_zpl_label_keeps_the_quiet_zones_of_its_longest_values(
    longest_zpl_images: dict[tuple[str, int], Image.Image], name: str, dpi: int
) -> None:
    image = longest_zpl_images[name, dpi]
    assert _quiet_zone_problems(load_template(name), dpi, _measured(image, dpi)) == []


@pytest.mark.parametrize(("name", "dpi"), LAYOUTS)
def test_the_pdf_label_keeps_the_quiet_zones_of_its_longest_values(
    tmp_path: Path, name: str, dpi: int
) -> None:
    template = load_template(name)
    image = render_pdf_image(template, LONGEST_DATA, dpi, tmp_path / "label.pdf")
    assert _quiet_zone_problems(template, dpi, _measured(image, dpi)) == []


@pytest.mark.parametrize(("name", "size"), [("unit", 80), ("unit-2x1", 40)])
def test_the_unit_label_says_where_the_unit_goes_in_its_largest_type(name: str, size: int) -> None:
    zpl = render_zpl(load_template(name), DATA, 203)
    heights = [int(field.split(",")[1]) for field in zpl.split("^A0N")[1:]]
    assert f"^A0N,{size},{size}^FB" in zpl.split("^FDLOC-RTV^FS")[0].splitlines()[-1]
    assert size == max(heights)
