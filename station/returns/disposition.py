"""The disposition engine: where a returned unit goes, and why.

A decision is a pure function of the facts and the rule pack. It keeps the trace of every
rule it tried, so the bench can show "why" and an auditor can replay it later.
"""

from dataclasses import dataclass

from station.rulepack import Rule, RulePack


@dataclass(frozen=True)
class Facts:
    sku: str
    category: str
    grade: str
    found_reason: str
    value_cents: int
    policy: str  # pass, warn, fail
    checklist: str  # passed, failed
    forced: tuple[tuple[str, str], ...] = ()  # (question id, disposition) from failed answers

    def condition(self, name: str) -> str:
        value: str = getattr(self, name)
        return value


@dataclass(frozen=True)
class TraceStep:
    rule: str
    matched: bool
    note: str

    def as_dict(self) -> dict[str, str | bool]:
        return {"rule": self.rule, "matched": self.matched, "note": self.note}


@dataclass(frozen=True)
class Decision:
    disposition: str
    destination: str
    version: str
    trace: tuple[TraceStep, ...]

    @property
    def why(self) -> str:
        return next(step.note for step in self.trace if step.matched)


def decide(pack: RulePack, facts: Facts) -> Decision:
    trace: list[TraceStep] = []
    if facts.forced:
        # A failed hygiene seal is not weighed against other rules: it settles the matter.
        question, disposition = facts.forced[0]
        label = pack.dispositions[disposition].label
        trace.append(
            TraceStep(f"checklist:{question}", True, f"Checklist '{question}' failed: {label}")
        )
        return _decision(pack, disposition, trace)
    for rule in (*pack.overrides, *pack.rules):
        miss = _first_miss(rule, facts)
        trace.append(TraceStep(rule.id, miss is None, rule.why if miss is None else miss))
        if miss is None:
            return _decision(pack, rule.then, trace)
    raise AssertionError("the rule pack's loader guarantees a fallback rule")


def _decision(pack: RulePack, disposition: str, trace: list[TraceStep]) -> Decision:
    target = pack.dispositions[disposition]
    return Decision(disposition, target.destination, pack.version, tuple(trace))


def _first_miss(rule: Rule, facts: Facts) -> str | None:
    """Why ``rule`` does not apply to ``facts``, or None when it does."""
    for name, allowed in rule.conditions:
        value = facts.condition(name)
        if value not in allowed:
            return f"{name} is {value}, rule wants {' or '.join(allowed)}"
    value_units = facts.value_cents / 100
    if rule.value_above is not None and value_units <= rule.value_above:
        return f"value {value_units:.2f} is not above {rule.value_above}"
    if rule.value_at_most is not None and value_units > rule.value_at_most:
        return f"value {value_units:.2f} is above {rule.value_at_most}"
    return None
