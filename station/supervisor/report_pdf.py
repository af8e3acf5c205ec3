"""The supervisor's report as a PDF: the headline figures, the charts a supervisor reads
first (disposition mix, returns by hour, throughput by bench, reasons stated and found,
the items returned most), the alerts with their numbers, the supplier scorecard, the
receiving figures and the forecast of the next two weeks, drawn with reportlab."""

from collections.abc import Sequence
from pathlib import Path

from reportlab.graphics.charts.barcharts import HorizontalBarChart, VerticalBarChart
from reportlab.graphics.charts.legends import Legend
from reportlab.graphics.shapes import Drawing, String
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import getSampleStyleSheet
from reportlab.lib.units import mm
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from station.supervisor.forecast import Forecast
from station.supervisor.report import Report
from station.supervisor.wording import Wording, headline, receiving

WIDTH = A4[0] - 30 * mm
BAR = colors.HexColor("#1f5fa8")
SECOND = colors.HexColor("#e39b2d")
# A colour per category in the forecast's stacked bars, told apart in its legend.
CATEGORY_COLOURS = ("#1f5fa8", "#e39b2d", "#2e9e4f", "#8e44ad", "#c0392b", "#16a085", "#7f8c8d")


def write_pdf(report: Report, out: Path, words: Wording) -> None:
    """The report in ``words``: names for codes, money in the station's currency."""
    styles = getSampleStyleSheet()
    r = report.returns
    f = report.filters
    chosen = ", ".join(f"{k} {v}" for k, v in f.chosen().items()) or "all benches and people"
    story = [
        Paragraph(
            f"Returns and receiving, {f.start:%d %b %Y} to {f.end:%d %b %Y}", styles["Title"]
        ),
        Paragraph(f"Filters: {chosen}.", styles["Normal"]),
        Spacer(1, 4 * mm),
        _table(headline(report, words)),
        Spacer(1, 4 * mm),
        _bars("Units by disposition", _named(words, "disposition", r.by.get("disposition", {}))),
        _bars("Units by hour of day", {f"{h:02d}": n for h, n in enumerate(r.by_hour_of_day)}),
        _bars("Units per hour worked, by bench", r.per_hour.get("bench", {})),
        _pairs(
            "Reasons: stated by the customer and found at the bench",
            _named(words, "stated", r.by.get("stated", {})),
            _named(words, "found", r.by.get("found", {})),
        ),
        _across("Items returned most", r.by.get("sku", {})),
        Paragraph("Alerts", styles["Heading2"]),
        *(
            [Paragraph(s.why(report.rule), styles["Normal"]) for s in report.spikes]
            or [Paragraph("No return spike on the last day of the range.", styles["Normal"])]
        ),
        Paragraph(
            "Supplier scorecard: defect-driven returns per unit received", styles["Heading2"]
        ),
        _table(
            [("supplier", "defective or damaged", "units received", "rate")]
            + [
                (
                    s.supplier,
                    str(s.defects),
                    str(s.received),
                    "" if s.rate is None else f"{s.rate:.2%}",
                )
                for s in report.scorecard
            ],
        ),
        Paragraph("Receiving", styles["Heading2"]),
        _table(receiving(report)),
    ]
    if report.forecast is not None:
        story += [
            Paragraph("Returns expected, the next two weeks", styles["Heading2"]),
            _forecast_bars(report.forecast, words),
            _table(
                [("day", "returns expected", "of them announced", "inspector-hours")]
                + [
                    (f"{day:%a %d %b}", f"{units:.0f}", str(announced), f"{hours:.1f}")
                    for day, units, announced, hours in report.forecast.per_day()
                ]
            ),
        ]
    SimpleDocTemplate(str(out), pagesize=A4, leftMargin=15 * mm, rightMargin=15 * mm,
                      title="Supervisor report").build(story)  # fmt: skip


def _table(rows: Sequence[tuple[str, ...]]) -> Table:
    table = Table(rows or [("(nothing)",)], hAlign="LEFT")
    table.setStyle(
        TableStyle(
            [
                ("FONTSIZE", (0, 0), (-1, -1), 8),
                ("GRID", (0, 0), (-1, -1), 0.25, colors.lightgrey),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
            ]
        )
    )
    return table


def _chart_frame(title: str, height: float) -> Drawing:
    drawing = Drawing(WIDTH, height)
    drawing.add(String(0, height - 12, title, fontName="Helvetica-Bold", fontSize=10))
    return drawing


def _bars(title: str, counts: dict[str, int] | dict[str, float]) -> Drawing:
    drawing = _chart_frame(title, 55 * mm)
    chart = VerticalBarChart()
    chart.x, chart.y, chart.width, chart.height = 30, 25, WIDTH - 40, 55 * mm - 50
    chart.data = [list(counts.values()) or [0]]
    chart.categoryAxis.categoryNames = [k or "(none)" for k in counts] or [""]
    chart.categoryAxis.labels.fontSize = 6
    chart.categoryAxis.labels.angle = 30 if len(counts) > 8 else 0
    chart.valueAxis.valueMin = 0
    chart.valueAxis.labels.fontSize = 7
    chart.bars[0].fillColor = BAR
    _labelled(chart)
    drawing.add(chart)
    drawing.add(_legend([(BAR, "units")], WIDTH - 80, drawing.height - 10))
    return drawing


def _pairs(title: str, first: dict[str, int], second: dict[str, int]) -> Drawing:
    drawing = _chart_frame(title, 60 * mm)
    keys = sorted((set(first) | set(second)) - {""})
    chart = VerticalBarChart()
    chart.x, chart.y, chart.width, chart.height = 30, 30, WIDTH - 40, 60 * mm - 55
    chart.data = [[first.get(k, 0) for k in keys] or [0], [second.get(k, 0) for k in keys] or [0]]
    chart.categoryAxis.categoryNames = keys or [""]
    chart.categoryAxis.labels.fontSize = 6
    chart.categoryAxis.labels.angle = 20
    chart.valueAxis.valueMin = 0
    chart.bars[0].fillColor, chart.bars[1].fillColor = BAR, SECOND
    _labelled(chart)
    drawing.add(chart)
    pairs = [(BAR, "stated by the customer"), (SECOND, "found at the bench")]
    drawing.add(_legend(pairs, WIDTH - 220, drawing.height - 10))
    return drawing


def _across(title: str, counts: dict[str, int]) -> Drawing:
    shown = {k: v for k, v in counts.items() if k != "others"}
    height = max(30 * mm, 6 * len(shown) + 40)
    drawing = _chart_frame(title, height)
    chart = HorizontalBarChart()
    chart.x, chart.y, chart.width, chart.height = 70, 10, WIDTH - 90, height - 35
    chart.data = [list(reversed(list(shown.values()))) or [0]]
    chart.categoryAxis.categoryNames = list(reversed(list(shown))) or [""]
    chart.categoryAxis.labels.fontSize = 6
    chart.valueAxis.valueMin = 0
    chart.bars[0].fillColor = BAR
    _labelled(chart)
    drawing.add(chart)
    drawing.add(_legend([(BAR, "units returned")], WIDTH - 100, drawing.height - 10))
    return drawing


def _forecast_bars(expected: Forecast, words: Wording) -> Drawing:
    """Each day's returns expected, stacked by category, with a legend of the categories."""
    categories = sorted(expected.methods)
    height = 75 * mm
    drawing = _chart_frame("Returns expected per day, by category", height)
    chart = VerticalBarChart()
    chart.x, chart.y, chart.width, chart.height = 30, 40, WIDTH - 40, height - 65
    units = {(r.day, r.category): r.units for r in expected.rows}
    chart.data = [[round(units.get((d, c), 0.0)) for d in expected.days] for c in categories]
    chart.categoryAxis.style = "stacked"
    chart.categoryAxis.categoryNames = [f"{d:%a %d}" for d in expected.days]
    chart.categoryAxis.labels.fontSize = 6
    chart.valueAxis.valueMin = 0
    chart.valueAxis.labels.fontSize = 7
    shades = [
        colors.HexColor(CATEGORY_COLOURS[n % len(CATEGORY_COLOURS)]) for n in range(len(categories))
    ]
    for n, shade in enumerate(shades):
        chart.bars[n].fillColor = shade
    drawing.add(chart)
    names = [words.name("category", c) for c in categories]
    drawing.add(_legend(list(zip(shades, names, strict=True)), 30, 12))
    return drawing


def _named(words: Wording, dimension: str, counts: dict[str, int]) -> dict[str, int]:
    return {words.name(dimension, code): n for code, n in counts.items()}


def _labelled(chart: VerticalBarChart | HorizontalBarChart) -> None:
    """Every bar says its number."""
    chart.barLabelFormat = "%.0f"
    chart.barLabels.fontSize = 6
    chart.barLabels.nudge = 6


def _legend(pairs: list[tuple[colors.Color, str]], x: float, y: float) -> Legend:
    legend = Legend()
    legend.x, legend.y = x, y
    legend.fontSize = 7
    legend.alignment = "right"
    legend.columnMaximum = 1
    legend.deltax = 110
    legend.colorNamePairs = pairs
    return legend
