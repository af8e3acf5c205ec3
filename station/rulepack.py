"""The returns rule pack: checklists, reasons and disposition rules, loaded from TOML.

The pack is data the warehouse lead can change without a release; loading checks it
whole so a typo is refused at start with the rule named, not found at the bench.
"""

import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import resources
from station.commands import GRADES
from station.errors import ConfigError

CONDITIONS = ("category", "grade", "found_reason", "policy", "checklist", "sku")
QUESTION_KEYS = {"id", "question", "pass", "forces", "suggests_reason", "blocks_refund"}


@dataclass(frozen=True)
class Question:
    id: str
    text: str
    passing: str  # "yes" or "no": the answer that passes
    forces: str | None = None
    suggests_reason: str | None = None
    blocks_refund: bool = False

    def passes(self, answer: str) -> bool:
        return answer == self.passing


@dataclass(frozen=True)
class Rule:
    id: str
    why: str
    then: str
    conditions: tuple[tuple[str, tuple[str, ...]], ...]
    value_above: int | None = None
    value_at_most: int | None = None


@dataclass(frozen=True)
class Disposition:
    code: str
    label: str
    destination: str
    value_approval: bool = False  # above the configured value, a supervisor approves it
    recovery: float = 0.0  # the share of a unit's value the disposition gets back


@dataclass(frozen=True)
class Agreement:
    """When the customer's stated reason stands as the found reason without asking the
    inspector to agree: it claims no fault (the customer's own choice), the checklist found
    nothing and the grade is this good. The inspector may still choose another (key R)."""

    reasons: frozenset[str] = frozenset()
    grades: frozenset[str] = frozenset()


@dataclass(frozen=True)
class RulePack:
    version: str
    reasons: dict[str, str]
    dispositions: dict[str, Disposition]
    triage_destination: str
    checklists: dict[str, tuple[Question, ...]]
    rules: tuple[Rule, ...]
    overrides: tuple[Rule, ...]
    agreement: Agreement = Agreement()

    def checklist(self, category: str) -> tuple[Question, ...]:
        return self.checklists.get(category, ())


def load_rulepack(file: Path | None = None) -> RulePack:
    source = file or resources.path("rulepacks", "returns.toml")
    try:
        raw = tomllib.loads(source.read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise ConfigError(f"Rule pack {source} cannot be read: {exc}") from exc
    try:
        return _build(raw)
    except (KeyError, TypeError, ValueError) as exc:
        raise ConfigError(f"Rule pack {source} is not valid: {exc}") from exc


def _build(raw: dict[str, Any]) -> RulePack:
    dispositions = {
        code: Disposition(
            code,
            spec["label"],
            spec["destination"],
            bool(spec.get("value_approval")),
            _share(code, spec.get("recovery", 0.0)),
        )
        for code, spec in raw["dispositions"].items()
    }
    reasons = {code: str(label) for code, label in raw["reasons"].items()}
    allowed = {
        "grade": set(GRADES),
        "found_reason": set(reasons),
        "policy": {"pass", "warn", "fail"},
        "checklist": {"passed", "failed"},
    }
    checklists = {
        category: tuple(_question(q, dispositions, reasons) for q in questions)
        for category, questions in raw.get("checklist", {}).items()
    }
    rules = tuple(_rule(r, dispositions, allowed) for r in raw["rule"])
    fallback = rules[-1]
    if (
        fallback.conditions
        or fallback.value_above is not None
        or fallback.value_at_most is not None
    ):
        raise ValueError(f"the last rule ('{fallback.id}') must have no conditions: a fallback")
    return RulePack(
        version=str(raw["version"]),
        reasons=reasons,
        dispositions=dispositions,
        triage_destination=raw["triage"]["destination"],
        checklists=checklists,
        rules=rules,
        overrides=tuple(_rule(r, dispositions, allowed) for r in raw.get("override", [])),
        agreement=_agreement(raw.get("agreed_reasons", {}), allowed),
    )


def _agreement(raw: dict[str, Any], allowed: dict[str, set[str]]) -> Agreement:
    names = {"reasons": "found_reason", "grades": "grade"}
    for key, known in names.items():
        listed = raw.get(key, [])
        if not isinstance(listed, list) or not all(isinstance(v, str) for v in listed):
            raise TypeError(f"[agreed_reasons] {key} must be a list of codes")
        unknown = sorted(set(listed) - allowed[known])
        if unknown:
            raise ValueError(f"[agreed_reasons] {key}: {', '.join(unknown)} not known")
    return Agreement(frozenset(raw.get("reasons", [])), frozenset(raw.get("grades", [])))


def _share(code: str, value: object) -> float:
    if not isinstance(value, int | float) or not 0 <= value <= 1:
        raise ValueError(f"the recovery of {code} must be a share from 0 to 1, not {value!r}")
    return float(value)


def _question(
    raw: dict[str, Any], dispositions: dict[str, Disposition], reasons: dict[str, str]
) -> Question:
    unknown = set(raw) - QUESTION_KEYS
    if unknown:
        raise ValueError(f"question '{raw.get('id')}' has unknown keys {sorted(unknown)}")
    if raw["pass"] not in ("yes", "no"):
        raise ValueError(f"question '{raw['id']}': pass must be yes or no")
    forces = raw.get("forces")
    if forces is not None and forces not in dispositions:
        raise ValueError(f"question '{raw['id']}' forces unknown disposition {forces}")
    suggests = raw.get("suggests_reason")
    if suggests is not None and suggests not in reasons:
        raise ValueError(f"question '{raw['id']}' suggests unknown reason {suggests}")
    return Question(
        raw["id"], raw["question"], raw["pass"], forces, suggests, bool(raw.get("blocks_refund"))
    )


def _rule(
    raw: dict[str, Any], dispositions: dict[str, Disposition], allowed: dict[str, set[str]]
) -> Rule:
    known = {"id", "why", "then", "value_above", "value_at_most", *CONDITIONS}
    unknown = set(raw) - known
    if unknown:
        raise ValueError(f"rule '{raw.get('id')}' has unknown keys {sorted(unknown)}")
    if raw["then"] not in dispositions:
        raise ValueError(f"rule '{raw['id']}' leads to unknown disposition {raw['then']}")
    conditions = []
    for name in CONDITIONS:
        if name not in raw:
            continue
        values = raw[name]
        if not isinstance(values, list) or not all(isinstance(v, str) for v in values):
            raise ValueError(f"rule '{raw['id']}': {name} must be a list of texts")
        strange = set(values) - allowed.get(name, set(values))
        if strange:
            raise ValueError(f"rule '{raw['id']}': {name} can never be {sorted(strange)}")
        conditions.append((name, tuple(values)))
    return Rule(
        id=raw["id"],
        why=raw["why"],
        then=raw["then"],
        conditions=tuple(conditions),
        value_above=raw.get("value_above"),
        value_at_most=raw.get("value_at_most"),
    )
