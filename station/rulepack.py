"""The returns rule pack: checklists, reasons and disposition rules, loaded from TOML.

The pack is data the warehouse lead can change without a release; loading checks it
whole so a typo is refused at start with the rule named, not found at the bench.
"""

import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import resources
from station.commands import GRADES
from station.errors import ConfigError

CONDITIONS = ("category", "grade", "found_reason", "policy", "checklist", "sku")
QUESTION_KEYS = {"id", "question", "pass", "forces", "suggests_reason", "blocks_refund"}
RULE_KEYS = {"id", "why", "then", "value_above", "value_at_most", *CONDITIONS}
DISPOSITION_KEYS = {"label", "destination", "value_approval", "recovery"}
DEFAULT_LOSS = "default"  # [value_loss]'s rate for a category it does not name
PACK_KEYS = (
    "version",
    "reasons",
    "agreed_reasons",
    "dispositions",
    "triage",
    "value_loss",
    "checklist",
    "rule",
    "override",
)


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
    # The share of a waiting return's value lost each day, by category; "default" for the
    # others (none: nothing is lost by waiting, and the backlog is worked oldest first).
    value_loss: dict[str, float] = field(default_factory=dict)

    def checklist(self, category: str) -> tuple[Question, ...]:
        return self.checklists.get(category, ())

    def loss_per_day(self, category: str) -> float:
        return self.value_loss.get(category, self.value_loss.get(DEFAULT_LOSS, 0.0))


def load_rulepack(file: Path | None = None) -> RulePack:
    source = file or resources.path("rulepacks", "returns.toml")
    try:
        text = source.read_text(encoding="utf-8")
    except OSError as exc:
        raise ConfigError(f"Rule pack {source} cannot be read: {exc}") from exc
    return rulepack_from_text(text, str(source))


def rulepack_from_text(text: str, source: str) -> RulePack:
    """A rule pack from its TOML, as a file or the site's hub holds it; ``source`` names
    where it came from in what is said when it is refused."""
    try:
        raw = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"Rule pack {source} cannot be read: {exc}") from exc
    try:
        return _build(raw)
    except ValueError as exc:
        raise ConfigError(f"Rule pack {source} is not valid: {exc}") from exc


class _Table:
    """One table of the pack, read field by field.

    Every field's type and range is checked here, at load, so that a wrong value is
    refused naming its owner and field instead of failing at the bench when a rule is tried.
    """

    def __init__(self, owner: str, raw: object, known: set[str] | None = None) -> None:
        if not isinstance(raw, dict):
            raise ValueError(f"{owner} must be a table, not {raw!r}")
        unknown = set(raw) - (set(raw) if known is None else known)
        if unknown:
            raise ValueError(f"{owner} has unknown keys {sorted(unknown)}")
        self.owner = owner
        self.raw: dict[str, object] = raw

    def has(self, key: str) -> bool:
        return key in self.raw

    def text(self, key: str) -> str:
        value = self.optional_text(key)
        if value is None:
            raise ValueError(f"{self.owner}: {key} is missing")
        return value

    def optional_text(self, key: str) -> str | None:
        value = self.raw.get(key)
        if value is None:
            return None
        if not isinstance(value, str) or not value.strip():
            raise ValueError(f"{self.owner}: {key} must be a text, not {value!r}")
        return value

    def flag(self, key: str) -> bool:
        value = self.raw.get(key, False)
        if not isinstance(value, bool):
            raise ValueError(f"{self.owner}: {key} must be true or false, not {value!r}")
        return value

    def whole_units(self, key: str) -> int | None:
        value = self.raw.get(key)
        if value is None:
            return None
        # bool is an int to Python; a value of `true` is a typo, not 1.
        if not isinstance(value, int) or isinstance(value, bool) or value < 0:
            raise ValueError(
                f"{self.owner}: {key} must be a whole number of currency units from 0,"
                f" not {value!r}"
            )
        return value

    def share(self, key: str) -> float:
        value = self.raw.get(key, 0.0)
        if not isinstance(value, int | float) or isinstance(value, bool) or not 0 <= value <= 1:
            raise ValueError(f"{self.owner}: {key} must be a share from 0 to 1, not {value!r}")
        return float(value)

    def texts(self, key: str) -> tuple[str, ...]:
        values = self.raw[key]
        if not isinstance(values, list) or not all(isinstance(v, str) for v in values):
            raise ValueError(f"{self.owner}: {key} must be a list of texts")
        if not values:
            raise ValueError(f"{self.owner}: {key} is empty, so the rule could never apply")
        return tuple(values)

    def tables(self, key: str) -> dict[str, object]:
        value = self.raw.get(key, {})
        if not isinstance(value, dict):
            raise ValueError(f"{self.owner}: {key} must be a table, not {value!r}")
        return value

    def rows(self, key: str, required: bool) -> list[object]:
        if required and key not in self.raw:
            raise ValueError(f"{self.owner}: {key} is missing")
        value = self.raw.get(key, [])
        if not isinstance(value, list):
            raise ValueError(f"{self.owner}: {key} must be a list of [[{key}]] tables")
        return value


def _build(raw: dict[str, Any]) -> RulePack:
    pack = _Table("the pack", raw, set(PACK_KEYS))
    for key in ("reasons", "dispositions", "triage"):
        if not pack.has(key):
            raise ValueError(f"the pack: [{key}] is missing")
    dispositions = {
        code: _disposition(code, spec) for code, spec in pack.tables("dispositions").items()
    }
    reason_table = _Table("[reasons]", pack.tables("reasons"))
    reasons = {code: reason_table.text(code) for code in reason_table.raw}
    allowed = {
        "grade": set(GRADES),
        "found_reason": set(reasons),
        "policy": {"pass", "warn", "fail"},
        "checklist": {"passed", "failed"},
    }
    checklists = {
        category: _checklist(category, questions, dispositions, reasons)
        for category, questions in pack.tables("checklist").items()
    }
    rules = tuple(
        _rule("rule", n, r, dispositions, allowed)
        for n, r in enumerate(pack.rows("rule", required=True), 1)
    )
    overrides = tuple(
        _rule("override", n, r, dispositions, allowed)
        for n, r in enumerate(pack.rows("override", required=False), 1)
    )
    if not rules:
        raise ValueError("the pack has no [[rule]]: the last one must be a fallback")
    fallback = rules[-1]
    if (
        fallback.conditions
        or fallback.value_above is not None
        or fallback.value_at_most is not None
    ):
        raise ValueError(f"the last rule ('{fallback.id}') must have no conditions: a fallback")
    # A trace names the rule that decided; two rules of one name would make it ambiguous.
    _unique("rule id", [r.id for r in (*overrides, *rules)])
    return RulePack(
        version=pack.text("version"),
        reasons=reasons,
        dispositions=dispositions,
        triage_destination=_Table("[triage]", pack.raw["triage"], {"destination"}).text(
            "destination"
        ),
        checklists=checklists,
        rules=rules,
        overrides=overrides,
        agreement=_agreement(pack, allowed),
        value_loss=_value_loss(pack),
    )


def _value_loss(pack: _Table) -> dict[str, float]:
    spec = _Table("[value_loss]", pack.tables("value_loss"))
    return {category: spec.share(category) for category in spec.raw}


def _agreement(pack: _Table, allowed: dict[str, set[str]]) -> Agreement:
    spec = _Table("[agreed_reasons]", pack.tables("agreed_reasons"), {"reasons", "grades"})
    listed: dict[str, tuple[str, ...]] = {}
    for key, condition in (("reasons", "found_reason"), ("grades", "grade")):
        values = spec.raw.get(key, [])
        if not isinstance(values, list) or not all(isinstance(v, str) for v in values):
            raise ValueError(f"[agreed_reasons]: {key} must be a list of texts")
        strange = set(values) - allowed[condition]
        if strange:
            raise ValueError(f"[agreed_reasons]: {key} can never be {sorted(strange)}")
        listed[key] = tuple(values)
    return Agreement(frozenset(listed["reasons"]), frozenset(listed["grades"]))


def _unique(what: str, ids: list[str]) -> None:
    seen: set[str] = set()
    for one in ids:
        if one in seen:
            raise ValueError(f"{what} '{one}' is used twice")
        seen.add(one)


def _disposition(code: str, raw: object) -> Disposition:
    spec = _Table(f"disposition {code}", raw, DISPOSITION_KEYS)
    return Disposition(
        code,
        spec.text("label"),
        spec.text("destination"),
        spec.flag("value_approval"),
        spec.share("recovery"),
    )


def _checklist(
    category: str, questions: object, dispositions: dict[str, Disposition], reasons: dict[str, str]
) -> tuple[Question, ...]:
    if not isinstance(questions, list):
        raise ValueError(f"checklist {category} must be a list of [[checklist.{category}]]")
    checklist = tuple(_question(category, q, dispositions, reasons) for q in questions)
    # A forced disposition is traced as "checklist:<id>": the ids of one checklist are unique.
    _unique(f"checklist {category}: question id", [q.id for q in checklist])
    return checklist


def _question(
    category: str, raw: object, dispositions: dict[str, Disposition], reasons: dict[str, str]
) -> Question:
    name = raw.get("id") if isinstance(raw, dict) else None
    spec = _Table(f"question '{name}' of checklist {category}", raw, QUESTION_KEYS)
    question_id = spec.text("id")
    if spec.raw.get("pass") not in ("yes", "no"):
        raise ValueError(f"question '{question_id}': pass must be yes or no")
    forces = spec.optional_text("forces")
    if forces is not None and forces not in dispositions:
        raise ValueError(f"question '{question_id}' forces unknown disposition {forces}")
    suggests = spec.optional_text("suggests_reason")
    if suggests is not None and suggests not in reasons:
        raise ValueError(f"question '{question_id}' suggests unknown reason {suggests}")
    return Question(
        question_id,
        spec.text("question"),
        spec.text("pass"),
        forces,
        suggests,
        spec.flag("blocks_refund"),
    )


def _rule(
    kind: str,
    number: int,
    raw: object,
    dispositions: dict[str, Disposition],
    allowed: dict[str, set[str]],
) -> Rule:
    name = raw.get("id") if isinstance(raw, dict) else None
    owner = f"{kind} '{name}'" if isinstance(name, str) else f"{kind} number {number}"
    spec = _Table(owner, raw, RULE_KEYS)
    rule_id = spec.text("id")
    then = spec.text("then")
    if then not in dispositions:
        raise ValueError(f"{owner} leads to unknown disposition {then}")
    conditions = []
    for condition in CONDITIONS:
        if not spec.has(condition):
            continue
        values = spec.texts(condition)
        strange = set(values) - allowed.get(condition, set(values))
        if strange:
            raise ValueError(f"{owner}: {condition} can never be {sorted(strange)}")
        conditions.append((condition, values))
    value_above = spec.whole_units("value_above")
    value_at_most = spec.whole_units("value_at_most")
    if value_above is not None and value_at_most is not None and value_at_most <= value_above:
        raise ValueError(
            f"{owner}: value_at_most {value_at_most} is not above value_above {value_above},"
            " so the rule could never apply"
        )
    return Rule(
        id=rule_id,
        why=spec.text("why"),
        then=then,
        conditions=tuple(conditions),
        value_above=value_above,
        value_at_most=value_at_most,
    )
