"""The disposition engine and the policy: every outcome, with the trace that explains it."""

from dataclasses import replace
from datetime import date, timedelta
from pathlib import Path

import pytest
from sqlalchemy import select

import resources
from station.errors import ConfigError
from station.recording import utcnow
from station.returns.disposition import Facts, decide
from station.returns.policy import RepeatLimit, RuleVerdict, check_policy
from station.rulepack import RulePack, load_rulepack
from station.states import Verdict
from station.store.engine import Store
from station.store.schema import ReturnUnit, Rma, RmaLine

BASE = Facts(
    sku="AP-1002",
    category="apparel",
    grade="A",
    found_reason="SIZE_FIT",
    value_cents=4000,
    policy="pass",
    checklist="passed",
)


@pytest.mark.parametrize(
    ("changes", "disposition", "rule"),
    [
        ({}, "RESTOCK", "as-new"),
        ({"category": "electronics", "grade": "B"}, "REFURBISH", "open-box-electronics"),
        (
            {
                "category": "electronics",
                "found_reason": "DEFECTIVE",
                "grade": "C",
                "value_cents": 9000,
            },
            "RTV",
            "defective-vendor-claim",
        ),
        ({"grade": "C"}, "LIQUIDATE", "worn-apparel"),
        ({"grade": "E", "value_cents": 1000}, "DISPOSE", "scrap"),
        ({"policy": "fail"}, "QUARANTINE", "policy-fail-hold"),
        ({"grade": "E", "value_cents": 30000}, "WRITEOFF", "scrap-expensive"),
        ({"grade": "D"}, "DONATE", "damaged-apparel"),
        ({"category": "garden", "grade": "B"}, "QUARANTINE", "fallback"),
        (
            {"sku": "EL-2001", "category": "electronics", "grade": "C"},
            "RTV",
            "earbuds-supplier-takes-all",
        ),
        ({"checklist": "failed"}, "LIQUIDATE", "apparel-failed-check"),
    ],
)
def test_every_disposition_has_a_rule_and_a_trace(
    pack: RulePack, changes: dict[str, object], disposition: str, rule: str
) -> None:
    decision = decide(pack, replace(BASE, **changes))
    assert (decision.disposition, decision.trace[-1].rule) == (disposition, rule)
    assert decision.destination == pack.dispositions[disposition].destination
    assert decision.version == pack.version
    assert [step.matched for step in decision.trace] == [False] * (len(decision.trace) - 1) + [True]
    assert all(step.note for step in decision.trace)
    assert decision.why == next(r.why for r in (*pack.overrides, *pack.rules) if r.id == rule)


def test_a_forcing_checklist_answer_settles_it(pack: RulePack) -> None:
    facts = replace(BASE, category="health_beauty", forced=(("seal_intact", "DISPOSE"),))
    decision = decide(pack, facts)
    assert decision.disposition == "DISPOSE"
    assert decision.trace[0].rule == "checklist:seal_intact"
    assert len(decision.trace) == 1


def test_the_trace_says_why_a_rule_did_not_apply(pack: RulePack) -> None:
    decision = decide(pack, replace(BASE, grade="B"))
    notes = {step.rule: step.note for step in decision.trace}
    assert notes["as-new"] == "grade is B, rule wants A"
    assert notes["scrap-expensive"] == "grade is B, rule wants E"


def test_all_dispositions_of_the_issue_exist(pack: RulePack) -> None:
    assert set(pack.dispositions) == {
        "RESTOCK",
        "REFURBISH",
        "RTV",
        "LIQUIDATE",
        "DISPOSE",
        "QUARANTINE",
        "WRITEOFF",
        "DONATE",
    }


@pytest.mark.parametrize(
    ("edit", "words"),
    [
        (
            ('then = "QUARANTINE"\n\n# --- per-SKU', 'then = "BURN"\n\n# --- per-SKU'),
            "unknown disposition BURN",
        ),
        (('id = "fallback"\n', 'id = "fallback"\ngrade = ["A"]\n'), "must have no conditions"),
        (
            (
                'pass = "no"\nsuggests_reason = "DAMAGED"',
                'pass = "maybe"\nsuggests_reason = "DAMAGED"',
            ),
            "pass must be yes or no",
        ),
        (
            ('category = ["apparel"]\ngrade = ["C"]', 'colour = ["red"]\ngrade = ["C"]'),
            "unknown keys ['colour']",
        ),
        (
            ('found_reason = ["DEFECTIVE", "MISSING_PARTS"]', 'found_reason = "DEFECTIVE"'),
            "found_reason must be a list of texts",
        ),
        (
            ('grade = ["E"]\nthen = "DISPOSE"', 'grade = ["F"]\nthen = "DISPOSE"'),
            "grade can never be ['F']",
        ),
        (('policy = ["fail"]', 'policy = ["failed"]'), "policy can never be ['failed']"),
        (('id = "fallback"\n', 'id = "fallback"\nvalue_at_most = 10\n'), "must have no conditions"),
        (
            ('pass = "no"\nblocks_refund = true', 'pass = "no"\nblock_refund = true'),
            "unknown keys ['block_refund']",
        ),
    ],
)
def test_a_broken_rule_pack_is_refused_naming_the_rule(
    tmp_path: Path, edit: tuple[str, str], words: str
) -> None:
    text = resources.path("rulepacks", "returns.toml").read_text()
    assert edit[0] in text
    broken = tmp_path / "returns.toml"
    broken.write_text(text.replace(edit[0], edit[1], 1))
    with pytest.raises(ConfigError, match="is not valid") as refused:
        load_rulepack(broken)
    assert words in str(refused.value)


def _line(store: Store, category: str, serial: bool) -> tuple[int, str]:
    with store.read() as session:
        for line in session.scalars(select(RmaLine)):
            if line.item.category == category and (line.serial is not None) == serial:
                return line.id, line.rma_number
    raise AssertionError("demo data has such a line")


def _policy(
    store: Store, line_id: int, serial: str | None, today: date, limit: int = 3
) -> dict[str, str]:
    with store.read() as session:
        line = session.get(RmaLine, line_id)
        assert line is not None
        result = check_policy(
            session,
            line,
            serial=serial,
            unit_id="new",
            today=today,
            now=utcnow(),
            repeat=RepeatLimit(90, limit),
        )
        return {v.rule: v.outcome for v in result.trace} | {"verdict": result.verdict}


def test_policy_window_by_channel_and_category(store: Store) -> None:
    line_id, number = _line(store, "apparel", serial=False)
    with store.unit() as session:
        rma = session.get(Rma, number)
        assert rma is not None
        rma.channel, ship = "store", rma.ship_date
    assert _policy(store, line_id, None, ship + timedelta(days=14))["window"] == "pass"
    assert _policy(store, line_id, None, ship + timedelta(days=15))["window"] == "fail"


def test_policy_serial_must_be_the_shipped_one(store: Store) -> None:
    line_id, _ = _line(store, "electronics", serial=True)
    with store.read() as session:
        line = session.get(RmaLine, line_id)
        assert line is not None and line.serial is not None
        shipped, today = line.serial, line.rma.ship_date
    assert _policy(store, line_id, shipped, today)["serial"] == "pass"
    assert _policy(store, line_id, "SNOTHER", today)["serial"] == "fail"
    assert _policy(store, line_id, None, today)["verdict"] == "fail"


def test_policy_quantity_and_repeat_returner(store: Store) -> None:
    line_id, _ = _line(store, "apparel", serial=False)
    with store.unit() as session:
        line = session.get(RmaLine, line_id)
        assert line is not None
        line.quantity, today = 1, line.rma.ship_date
        session.add(
            ReturnUnit(
                id="earlier",
                status="decided",
                bench="B",
                operator="X",
                started_at=utcnow(),
                rma_line_id=line_id,
                sku=line.sku,
                identified_by="x",
            )
        )
    outcome = _policy(store, line_id, None, today, limit=1)
    assert outcome["quantity"] == "fail"
    assert outcome["repeat_returner"] == "warn"
    assert _policy(store, line_id, None, today, limit=2)["repeat_returner"] == "pass"


def test_policy_refuses_an_unreturnable_item(store: Store) -> None:
    line_id, _ = _line(store, "apparel", serial=False)
    with store.unit() as session:
        line = session.get(RmaLine, line_id)
        assert line is not None
        line.item.returnable, today = False, line.rma.ship_date
    assert _policy(store, line_id, None, today)["returnable"] == "fail"


def test_a_policy_line_keeps_its_verdict_as_data() -> None:
    """The screen colours a stored trace line by its outcome, whatever its sentence says."""
    said = RuleVerdict("serial", Verdict.WARN, "Fail: the shipped serial is unknown.")
    assert RuleVerdict.from_dict(said.as_dict()) == said
    assert (
        said.outcome == Verdict.WARN and said.line == "WARN: Fail: the shipped serial is unknown."
    )
    assert RuleVerdict("erp", Verdict.FAIL, "RMA-1 is done in the ERP.").line.startswith("FAIL: ")


def test_a_missing_rule_pack_is_refused() -> None:
    with pytest.raises(ConfigError, match="cannot be read"):
        load_rulepack(Path("/nonexistent/returns.toml"))
