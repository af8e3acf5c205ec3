"""The supervisor's figures in a manager's words, each format on numbers worked out here."""

from datetime import date

from station.rulepack import RulePack
from station.store.engine import Store
from station.supervisor.kpis import Filters
from station.supervisor.report import build_report
from station.supervisor.site_facts import TRIAGE
from station.supervisor.wording import NOTHING, Wording, count, duration, receiving, share


def test_money_in_the_stations_currency_with_thousands_separators(pack: RulePack) -> None:
    assert Wording.of(pack, {}, "EUR").money(99823373) == "€998,233.73"
    assert Wording.of(pack, {}, "USD").money(5) == "$0.05"
    assert Wording.of(pack, {}, "CHF").money(123456) == "1,234.56 CHF"  # no symbol of its own


def test_rates_durations_and_counts() -> None:
    assert share(0.72994) == "73.0%" and share(None) == NOTHING
    assert duration(44.6) == "45 s"
    assert duration(84) == "1 min 24 s"
    assert duration(7500) == "2 h 05 min"
    assert duration(None) == NOTHING
    assert count(1234567) == "1,234,567"


def test_codes_are_named_from_the_rule_pack_and_the_operators(pack: RulePack) -> None:
    words = Wording.of(pack, {"BADGE-1001": "Ines Inspector"}, "EUR")
    assert words.name("found", "CHANGED_MIND") == "Changed mind"
    assert words.name("stated", "SIZE_FIT") == "Size or fit"
    assert words.name("disposition", "RTV") == "Vendor claim (RTV)"
    assert words.name("disposition", TRIAGE) == "Sent to triage"
    assert words.name("operator", "BADGE-1001") == "Ines Inspector"
    assert words.name("operator", "BADGE-9999") == "BADGE-9999"  # not known here: as it is
    assert words.name("category", "health_beauty") == "Health beauty"
    assert words.name("found", "") == "no reason recorded"
    assert words.names("grade", ["A", ""]) == {"A": "A", "": "not graded"}


def test_the_receiving_figures_read_as_sentences(store: Store, pack: RulePack) -> None:
    report = build_report(store, pack, Filters(date(2026, 11, 1), date(2026, 11, 30)))
    report.receiving.discrepancies = {"Alpine Audio": {"short": 2}}
    report.receiving.overrides_by_zone = {"BULK": (1, 12)}
    lines = dict(receiving(report))
    assert lines["Receipts closed"] == "0"
    assert lines["Short from Alpine Audio"] == "2"
    assert (lines["Putaway overrides in zone BULK"], lines["Putaways in zone BULK"]) == ("1", "12")
    assert "Rejected sync events" in lines
    assert not any(label[:1].islower() for label in lines)
