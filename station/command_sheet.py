"""The bench command sheet: every command barcode, with its meaning and keyboard twin.

Printed once and taped to the bench, it lets an inspector finish a return, and a clerk a
receipt, by scanning alone. Barcodes are Code 128 with a module width of 0.25 mm (10 mil)
so a 1D imager at a hand's length reads them.
"""

from pathlib import Path

from reportlab.graphics.barcode.code128 import Code128
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas

from station.commands import (
    BASIC,
    DAMAGE_REASONS,
    GRADE_MEANINGS,
    MODES,
    RECEIVING,
    SHEET_COUNTS,
)
from station.rulepack import RulePack

_MARGIN: float = 15 * mm
_ROW: float = 21 * mm
_COLUMN: float = 90 * mm


def sheet_entries(pack: RulePack) -> list[tuple[str, list[tuple[str, str, str]]]]:
    """Sections of (barcode value, meaning, key) rows, in the order they are printed."""
    reasons = list(pack.reasons.items())
    return [
        ("Steps", [(f"@{c.code}", c.meaning, c.key) for c in BASIC]),
        ("Grades", [(f"@GRADE-{g}", f"Grade {g}: {m}", g) for g, m in GRADE_MEANINGS.items()]),
        (
            "Found reasons",
            [(f"@REASON-{code}", label, str(i)) for i, (code, label) in enumerate(reasons, 1)],
        ),
        (
            "Override the disposition (a supervisor approves)",
            [
                (f"@DISP-{d.code}", d.label, str(i))
                for i, d in enumerate(pack.dispositions.values(), 1)
            ],
        ),
        ("Bench mode", [(f"@{c.code}", c.meaning, c.key) for c in MODES]),
        ("Receiving", [(f"@{c.code}", c.meaning, c.key) for c in RECEIVING]),
        (
            "Receiving: count of the goods just scanned",
            [(f"@QTY-{n}", f"Count {n}", "digits, Enter") for n in SHEET_COUNTS],
        ),
        (
            "Receiving: damage reasons",
            [(f"@REASON-{r}", r.capitalize(), str(i)) for i, r in enumerate(DAMAGE_REASONS, 1)],
        ),
    ]


def write_command_sheet(target: Path, pack: RulePack) -> Path:
    canvas = Canvas(str(target), pagesize=A4)
    canvas.setTitle("Station bench command sheet")
    _width, height = A4
    y = height - _MARGIN
    y = _title(canvas, y, pack)
    for section, rows in sheet_entries(pack):
        if y - 10 * mm - _ROW < _MARGIN:
            canvas.showPage()
            y = height - _MARGIN
        canvas.setFont("Helvetica-Bold", 13)
        canvas.drawString(_MARGIN, y - 6 * mm, section)
        y -= 10 * mm
        for index, (value, meaning, key) in enumerate(rows):
            column = index % 2
            if column == 0 and y - _ROW < _MARGIN:
                canvas.showPage()
                y = height - _MARGIN
            _entry(canvas, _MARGIN + column * _COLUMN, y, (value, meaning, key))
            if column == 1 or index == len(rows) - 1:
                y -= _ROW
    canvas.showPage()
    canvas.save()
    return target


def _title(canvas: Canvas, y: float, pack: RulePack) -> float:
    canvas.setFont("Helvetica-Bold", 18)
    canvas.drawString(_MARGIN, y - 8 * mm, "Bench command sheet — returns and receiving")
    canvas.setFont("Helvetica", 9)
    canvas.drawString(
        _MARGIN,
        y - 14 * mm,
        f"Scan a code, or press the key in brackets. Rule pack {pack.version}.",
    )
    return y - 18.0 * float(mm)


def _entry(canvas: Canvas, x: float, y: float, entry: tuple[str, str, str]) -> None:
    value, meaning, key = entry
    barcode = Code128(value, barWidth=0.25 * mm, barHeight=10 * mm, humanReadable=False)
    barcode.drawOn(canvas, x, y - 12 * mm)
    canvas.setFont("Helvetica-Bold", 9)
    canvas.drawString(x, y - 15.5 * mm, f"{value}  [{key}]")
    canvas.setFont("Helvetica", 8)
    canvas.drawString(x, y - 19 * mm, meaning[:60])
