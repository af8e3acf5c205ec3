"""The supervisor's figures in a manager's words: names for codes (reasons, dispositions,
categories, operators), money in the station's currency with thousands separators, rates
as percentages, durations in minutes and seconds. The CSV keeps the codes and plain
numbers, for other tools; the view and the PDF say these."""

from collections.abc import Mapping
from dataclasses import dataclass

from station.money import money
from station.rulepack import RulePack
from station.supervisor.forecast import NO_ITEM
from station.supervisor.kpis import Spread
from station.supervisor.report import Report, figures
from station.supervisor.site_facts import TRIAGE

NOTHING = "–"  # a figure that has no value over the range (no unit timed, say)
NONE_SAID = {
    "stated": "no reason given",
    "found": "no reason recorded",
    "channel": "no order (triage)",
    "category": NO_ITEM,
    "grade": "not graded",
}


@dataclass(frozen=True)
class Wording:
    currency: str  # ISO 4217, as the station's settings say it
    reasons: Mapping[str, str]  # the rule pack's found and stated reasons, by code
    dispositions: Mapping[str, str]  # the rule pack's labels, by code
    operators: Mapping[str, str]  # names, by badge

    @classmethod
    def of(cls, pack: RulePack, operators: Mapping[str, str], currency: str) -> "Wording":
        labels = {code: d.label for code, d in pack.dispositions.items()}
        return cls(currency, pack.reasons, {**labels, TRIAGE: "Sent to triage"}, operators)

    def money(self, cents: int | float) -> str:
        return money(cents, self.currency)

    def name(self, dimension: str, value: str) -> str:
        """What a manager calls ``value`` of ``dimension``."""
        if not value:
            return NONE_SAID.get(dimension, "none")
        if dimension in ("stated", "found"):
            return self.reasons.get(value, value)
        if dimension == "disposition":
            return self.dispositions.get(value, value)
        if dimension == "operator":
            return self.operators.get(value, value)
        if dimension == "category":
            return category_name(value)
        return value

    def names(self, dimension: str, values: list[str]) -> dict[str, str]:
        return {value: self.name(dimension, value) for value in values}


def category_name(value: str) -> str:
    """ "health_beauty": "Health beauty"; none: the triage's."""
    return value.replace("_", " ").capitalize() if value else NONE_SAID["category"]


def share(rate: float | None) -> str:
    return NOTHING if rate is None else f"{rate:.1%}"


def duration(seconds: float | None) -> str:
    """ "45 s", "1 min 24 s", "2 h 05 min"."""
    if seconds is None:
        return NOTHING
    whole = round(seconds)
    if whole < 60:
        return f"{whole} s"
    if whole < 3600:
        return f"{whole // 60} min {whole % 60:02d} s"
    return f"{whole // 3600} h {whole % 3600 // 60:02d} min"


def count(value: int | float) -> str:
    return f"{value:,.0f}"


def headline(report: Report, wording: Wording) -> list[tuple[str, ...]]:
    """The returns' figures as the view's table and the PDF show them."""
    r = report.returns

    def spread(what: str, seconds: Spread) -> list[tuple[str, ...]]:
        return [
            (f"{what}, median", duration(seconds.median)),
            (f"{what}, 9 in 10 within", duration(seconds.p90)),
        ]

    return [
        ("Units decided or triaged", count(r.units)),
        ("Sent to triage", count(r.triaged)),
        ("Value returned", wording.money(r.value_cents)),
        ("Value recovered", wording.money(r.recovered_cents)),
        ("Recovery rate", share(r.recovery_rate)),
        ("Found reason not the customer's", share(r.mismatch_rate)),
        *spread("Time to decision", r.to_decision),
        ("Refunds released", count(r.refunds)),
        *spread("Time to refund", r.refund_latency),
        ("Rules overridden", count(r.overrides)),
        ("Supervisor approvals", count(r.approvals)),
    ]


def receiving(report: Report) -> list[tuple[str, ...]]:
    """The receiving and exception figures, each in a sentence's words: "Receipts closed",
    "Short from Alpine Audio", "Putaways in zone BULK"."""
    lines: list[tuple[str, ...]] = []
    for section, key, value in figures(report):
        said = _receiving_line(section, key)
        if said is not None:
            shown = f"{value:,.1f}" if isinstance(value, float) else f"{value:,}"
            lines.append((said, shown))
    return lines


def _receiving_line(section: str, key: str) -> str | None:
    if section in ("receiving", "exceptions"):
        return key[:1].upper() + key[1:]
    if section == "receiving per hour":
        return f"{key.capitalize()} per hour"
    if section == "units received by supplier":
        return f"Units received from {key}"
    if section.startswith("discrepancies of "):
        return f"{key.capitalize()} from {section.removeprefix('discrepancies of ')}"
    if section.startswith("putaway overrides in zone "):
        zone = section.removeprefix("putaway overrides in zone ")
        return (
            f"Putaway overrides in zone {zone}"
            if key == "overrides"
            else f"Putaways in zone {zone}"
        )
    return None
