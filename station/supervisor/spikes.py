"""Return spikes: an item, a supplier or a stated reason coming back far more today than on
its own usual day, said with the numbers behind it.

The rule, which a supervisor can check by hand: over the ``window`` days before, the key
averaged ``mean`` returns a day with a spread ``sd`` (the sample standard deviation, but
never less than the square root of the mean, as counts this small scatter at least that
much, nor less than 1). Today's count is a spike when it is at least ``min_count`` and at
least ``z`` spreads above the mean.
"""

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, timedelta

import numpy as np

from station.supervisor.facts import NONE, Facts

KINDS = (("sku", "sku"), ("supplier", "supplier"), ("reason", "stated"))  # kind, dimension


@dataclass(frozen=True)
class Rule:
    window: int = 28
    min_count: int = 10
    z: float = 4.0


USUAL_RULE = Rule()


@dataclass(frozen=True)
class Spike:
    kind: str
    key: str
    day: date
    count: int
    mean: float
    sd: float

    @property
    def z(self) -> float:
        return (self.count - self.mean) / self.sd

    def why(self, rule: Rule) -> str:
        return (
            f"{self.kind} {self.key}: {self.count} returns on {self.day:%d %b} against "
            f"{self.mean:.1f} a day (spread {self.sd:.1f}) over the {rule.window} days "
            f"before, {self.z:.1f} spreads above (alert from {rule.z:g}, at {rule.min_count} "
            "returns or more)"
        )


def find_spikes(
    facts: Facts, day: date, rule: Rule = USUAL_RULE, narrow: Mapping[str, str] | None = None
) -> list[Spike]:
    """Today's (``day``'s) spikes, the strongest first; ``narrow`` keeps the units of one
    bench, operator, category or supplier, as the view's filters do."""
    window = facts.between(days_before(day, rule), day)  # those days' rows only
    columns = window.columns
    first = day.toordinal() - rule.window
    when = columns["day"]
    chosen = window.within(days_before(day, rule), day, narrow)
    found: list[Spike] = []
    for kind, dimension in KINDS:
        names = facts.codes.names(dimension)
        if not names:
            continue
        keys = columns[dimension][chosen]
        row = when[chosen] - first
        counts = np.bincount(row * len(names) + keys, minlength=(rule.window + 1) * len(names))
        by_day = counts.reshape(rule.window + 1, len(names))
        before, today = by_day[:-1], by_day[-1]
        mean = before.mean(axis=0)
        sd = np.maximum.reduce([before.std(axis=0, ddof=1), np.sqrt(mean), np.ones(len(names))])
        above = (today >= rule.min_count) & ((today - mean) / sd >= rule.z)
        found += [
            Spike(kind, names[code], day, int(today[code]), float(mean[code]), float(sd[code]))
            for code in np.flatnonzero(above)
            if names[code] != NONE
        ]
    return sorted(found, key=lambda s: s.z, reverse=True)


def days_before(day: date, rule: Rule) -> date:
    """The first day the rule looks at, to load the facts from."""
    return day - timedelta(days=rule.window)
