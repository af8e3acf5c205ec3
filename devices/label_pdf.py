"""Labels as PDF (reportlab), for office printers and for printing through CUPS.

The page is laid out on the same dot grid as the ZPL label: a label printed at ``dpi`` gets
bars exactly a whole number of dots wide, starting on a dot, because a barcode of 1.83-dot
bars that read fine at 300 dpi failed to scan once rasterised for a 203 dpi head.
"""

from collections.abc import Mapping
from pathlib import Path
from typing import NamedTuple

from reportlab.graphics.barcode.code128 import Code128
from reportlab.graphics.barcode.eanbc import Ean13BarcodeWidget
from reportlab.graphics.shapes import Rect
from reportlab.lib.units import mm
from reportlab.lib.utils import simpleSplit
from reportlab.pdfgen.canvas import Canvas

from devices.labels import (
    Element,
    Template,
    code128_of,
    dots,
    gs1_of,
    gtin_of,
    module_dots,
    needs_separator,
    text_of,
)

_FONT = "Helvetica-Bold"
_HRI_FONT = "Helvetica"
_FNC1 = "\xf1"  # reportlab's Code 128 spells FNC1 as "ñ"
# Bars are drawn this fraction of a dot inside their dots. PDF coordinates are written with
# seven significant digits, so a bar edge meant to sit on a dot boundary lands a hair beside
# it, and rasterisers that round edges outwards (pdfium does) then widen the bar by a dot.
_INSET = 0.05

# A run of bars in modules: (start, width), counted from the left of the symbol.
Bars = list[tuple[int, int]]


class _Place(NamedTuple):
    """Where an element goes, in PDF points, every value a whole number of dots."""

    x: float
    top: float  # PDF's y axis points up; templates measure down from the top edge
    height: float
    module: float
    dot: float


def render_pdf(template: Template, data: Mapping[str, object], dpi: int, target: Path) -> Path:
    """Write the label as a one-page PDF the size of the label stock."""
    dot = 72 / dpi  # one printer dot in PDF points
    size = (dots(template.width, dpi) * dot, dots(template.height, dpi) * dot)
    canvas = Canvas(str(target), pagesize=size)
    canvas.setTitle(f"Label {template.name}")
    for element in template.elements:
        place = _Place(
            dots(element.x, dpi) * dot,
            size[1] - dots(element.y, dpi) * dot,
            dots(element.height, dpi) * dot,
            module_dots(element, dpi) * dot,
            dot,
        )
        _draw(canvas, element, data, place, template.name)
    canvas.showPage()
    canvas.save()
    return target


def _draw(
    canvas: Canvas, element: Element, data: Mapping[str, object], place: _Place, label: str
) -> None:
    match element.kind:
        case "text":
            text = text_of(element, data, label)
            if text is not None:
                _text(canvas, text, place, element.width * mm, element.lines)
        case "code128":
            value = code128_of(element, data, label)
            if value is not None:
                _barcode(canvas, _code128_bars(value), value if element.hri else "", place)
        case "gs1_128":
            ais = gs1_of(element, data, label)
            if ais is not None:
                symbol = _FNC1 + "".join(
                    ai + value + (_FNC1 if needs_separator(ais, index) else "")
                    for index, (ai, value) in enumerate(ais)
                )
                hri = "".join(f"({ai}){value}" for ai, value in ais) if element.hri else ""
                _barcode(canvas, _code128_bars(symbol), hri, place)
        case "ean13":
            gtin = gtin_of(element, data, label)
            if gtin is not None:
                _barcode(canvas, _ean_bars(gtin), gtin if element.hri else "", place)


def _text(canvas: Canvas, text: str, place: _Place, width: float, lines: int) -> None:
    size = place.height
    canvas.setFont(_FONT, size)
    wrapped = simpleSplit(text, _FONT, size, width) if width else [text]
    for index, line in enumerate(wrapped[:lines]):
        # A ZPL field origin is the top of the character cell; a PDF string sits on its
        # baseline, about 0.8 of the size below the top of Helvetica's capitals.
        canvas.drawString(place.x, place.top - size * (index + 0.8), line)


def _code128_bars(symbol: str) -> Bars:
    # reportlab encodes (picking subsets, FNC1 as "ñ", the check character) and spells the
    # symbol as element widths: upper case A-D a bar of 1-4 modules, lower case a space.
    barcode = Code128(symbol, barWidth=1, quiet=0)
    barcode.validate()
    barcode.encode()
    barcode.decompose()
    bars, x = [], 0
    for letter in barcode.decomposed:
        width = "abcd".index(letter.lower()) + 1
        if letter.isupper():
            bars.append((x, width))
        x += width
    return bars


def _ean_bars(gtin: str) -> Bars:
    widget = Ean13BarcodeWidget(gtin, barWidth=1, barHeight=1, quiet=0, humanReadable=0)
    return [
        (int(shape.x), int(shape.width))
        for shape in widget.draw().contents
        if isinstance(shape, Rect) and shape.fillColor == widget.barFillColor
    ]


def _barcode(canvas: Canvas, bars: Bars, hri: str, place: _Place) -> None:
    """Bars from the place's top-left corner down, then the human-readable line if any."""
    x, top, height, module, dot = place
    # No quiet zone is added: the template's position is where the first bar goes, as in ZPL.
    for start, width in bars:
        left = x + start * module + _INSET * dot
        canvas.rect(left, top - height, width * module - 2 * _INSET * dot, height, 0, 1)
    if hri:
        size = max(6.0, module * 9)  # the printers scale their HRI line with the module
        canvas.setFont(_HRI_FONT, size)
        start, width = bars[-1]
        canvas.drawCentredString(x + (start + width) * module / 2, top - height - size * 1.1, hri)
