"""The supervisor's report: the CSV reads back with the same totals, the PDF renders with
its charts, and the command refuses a range that ends before it starts."""

import csv
from collections import defaultdict
from datetime import date, timedelta
from pathlib import Path

import numpy as np
import pypdfium2
import pytest

from app.cli import main
from demo.history import write_history
from station.rulepack import RulePack
from station.store.engine import Store
from station.supervisor.kpis import Filters
from station.supervisor.report import build_report, with_forecast, write_csv
from station.supervisor.report_pdf import write_pdf
from station.supervisor.wording import Wording

TODAY = date(2026, 11, 27)
RANGE = Filters(TODAY - timedelta(days=20), TODAY - timedelta(days=1))
BAR_BLUE = (0x1F, 0x5F, 0xA8)


@pytest.fixture
def past(store: Store, pack: RulePack) -> Store:
    write_history(store, pack, days=20, units=3_000, today=TODAY)
    return store


def test_the_csv_reads_back_with_the_same_totals(
    past: Store, pack: RulePack, tmp_path: Path
) -> None:
    report = build_report(past, pack, RANGE, today=TODAY)
    out = tmp_path / "report.csv"
    write_csv(report, out)
    sections: dict[str, dict[str, str]] = defaultdict(dict)
    with out.open(encoding="utf-8", newline="") as file:
        for row in csv.DictReader(file):
            sections[row["section"]][row["key"]] = row["value"]
    units = int(sections["returns"]["units"])
    assert units == report.returns.units > 3_000  # the planted spikes come on top
    for split in ("disposition", "category", "grade", "channel", "sku", "stated"):
        assert sum(int(v) for v in sections[f"units by {split}"].values()) == units, split
    assert sum(int(v) for v in sections["units by hour of day"].values()) == units
    assert float(sections["returns"]["recovered"]) == report.returns.recovered_cents / 100
    assert sections["range"] == {"from": RANGE.start.isoformat(), "to": RANGE.end.isoformat()}


def test_the_pdf_renders_with_its_charts(past: Store, pack: RulePack, tmp_path: Path) -> None:
    out = tmp_path / "report.pdf"
    write_pdf(build_report(past, pack, RANGE, today=TODAY), out, Wording.of(pack, {}, "EUR"))
    document = pypdfium2.PdfDocument(out)
    try:
        assert len(document) >= 2
        first = document[0]
        text = first.get_textpage().get_text_range()
        image = first.render(scale=1).to_pil().convert("RGB")
    finally:
        document.close()
    assert "Units by disposition" in text and "Units by hour of day" in text
    # Names and the currency, as the view says them; each chart has its legend.
    assert "Value returned" in text and "€" in text and "Restock" in text
    assert "RESTOCK" not in text and "units" in text
    bars = int((np.asarray(image) == BAR_BLUE).all(axis=2).sum())
    assert bars > 2_000  # the bars of the charts are drawn, not only their titles


def test_the_report_command_writes_the_file_and_refuses_a_backward_range(
    past: Store, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("STATION_DATA_DIR", str(past.file.parent))
    config = tmp_path / "station.toml"
    config.write_text("")
    monkeypatch.setenv("STATION_CONFIG", str(config))
    out = tmp_path / "r.csv"
    span = ["--from", RANGE.start.isoformat(), "--to", RANGE.end.isoformat()]
    assert main(["report", *span, "--format", "csv", "--out", str(out), "--bench", "BENCH-02"]) == 0
    with out.open(encoding="utf-8", newline="") as file:
        benches = [
            r["key"] for r in csv.DictReader(file) if r["section"] == "units per hour by bench"
        ]
    assert benches == ["BENCH-02"]
    backward = ["--from", "2026-11-20", "--to", "2026-11-01", "--format", "pdf", "--out", "x.pdf"]
    assert main(["report", *backward]) == 2


def test_the_history_receives_goods_too_so_suppliers_are_scored(
    past: Store, pack: RulePack
) -> None:
    report = build_report(past, pack, RANGE, today=TODAY)
    receiving = report.receiving
    assert receiving.receipts_closed > 0 and receiving.putaways >= receiving.receipts_closed
    assert sum(receiving.units_by_supplier.values()) > 0
    assert any(s.rate is not None for s in report.scorecard)
    rated = [s.rate for s in report.scorecard if s.rate is not None]
    assert rated == sorted(rated, reverse=True)  # the worst supplier first
    assert sum(n for kinds in receiving.discrepancies.values() for n in kinds.values()) > 0


def test_the_forecast_is_in_the_csv_and_drawn_with_its_legend_in_the_pdf(
    past: Store, pack: RulePack, tmp_path: Path
) -> None:
    report = with_forecast(build_report(past, pack, RANGE, today=TODAY), past, TODAY)
    assert report.forecast is not None
    out = tmp_path / "report.csv"
    write_csv(report, out)
    with out.open(encoding="utf-8", newline="") as file:
        rows = [r for r in csv.DictReader(file) if r["section"].startswith("forecast ")]
    days = sorted({r["section"] for r in rows})
    assert days[0] == f"forecast {(TODAY + timedelta(days=1)).isoformat()}" and len(days) == 14
    first = [r for r in rows if r["section"] == days[0]]
    hours = next(float(r["value"]) for r in first if r["key"] == "inspector-hours")
    units = sum(float(r["value"]) for r in first if r["key"] != "inspector-hours")
    assert units > 0 and hours > 0
    pdf = tmp_path / "report.pdf"
    write_pdf(report, pdf, Wording.of(pack, {}, "EUR"))
    document = pypdfium2.PdfDocument(pdf)
    try:
        text = "".join(page.get_textpage().get_text_range() for page in document)
    finally:
        document.close()
    assert "Returns expected per day, by category" in text
    assert "inspector-hours" in text
    for category in report.forecast.methods:  # the legend names every category
        assert Wording.of(pack, {}, "EUR").name("category", category) in text
