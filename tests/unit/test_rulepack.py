"""The rule pack is checked whole at load: every field's type and range, and unique ids.

A wrong value must be refused before the bench opens, naming the rule (or question,
disposition) and the field, never found later when a rule is tried at CONFIRM.
"""

from pathlib import Path

import pytest

import resources
from station.errors import ConfigError
from station.rulepack import load_rulepack

SCRAP_EXPENSIVE = 'grade = ["E"]\nvalue_above = 250\n'
RESTOCK = 'RESTOCK = { label = "Restock", destination = "LOC-RESTOCK", recovery = 1.0 }'
WORN = 'id = "worn"\nquestion = "Signs of wear?"\npass = "no"\nblocks_refund = true'


def _load_edited(tmp_path: Path, old: str, new: str) -> None:
    text = resources.path("rulepacks", "returns.toml").read_text(encoding="utf-8")
    assert old in text
    edited = tmp_path / "returns.toml"
    edited.write_text(text.replace(old, new, 1), encoding="utf-8")
    load_rulepack(edited)


@pytest.mark.parametrize(
    ("old", "new", "words"),
    [
        # defect 2 of issue 13: this pack loaded, then every grade-E return crashed at CONFIRM
        (
            SCRAP_EXPENSIVE,
            'grade = ["E"]\nvalue_above = "lots"\n',
            "rule 'scrap-expensive': value_above must be a whole number of currency units"
            " from 0, not 'lots'",
        ),
        (
            SCRAP_EXPENSIVE,
            'grade = ["E"]\nvalue_above = -5\n',
            "rule 'scrap-expensive': value_above must be a whole number",
        ),
        (
            SCRAP_EXPENSIVE,
            'grade = ["E"]\nvalue_above = true\n',
            "rule 'scrap-expensive': value_above must be a whole number",
        ),
        (
            SCRAP_EXPENSIVE,
            'grade = ["E"]\nvalue_above = 250\nvalue_at_most = [300]\n',
            "rule 'scrap-expensive': value_at_most must be a whole number",
        ),
        (
            SCRAP_EXPENSIVE,
            'grade = ["E"]\nvalue_above = 250\nvalue_at_most = 250\n',
            "rule 'scrap-expensive': value_at_most 250 is not above value_above 250",
        ),
        (
            'id = "scrap"\nwhy = "Grade E is scrap"\n',
            'id = "scrap-expensive"\nwhy = "Grade E is scrap"\n',
            "rule id 'scrap-expensive' is used twice",
        ),
        (
            'id = "earbuds-supplier-takes-all"',
            'id = "as-new"',
            "rule id 'as-new' is used twice",
        ),
        ('id = "scrap"\n', "id = 7\n", "rule number 3: id must be a text, not 7"),
        (
            'id = "scrap"\nwhy = "Grade E is scrap"\n',
            'id = "scrap"\nwhy = ""\n',
            "rule 'scrap': why must be a text",
        ),
        (
            'id = "scrap"\nwhy = "Grade E is scrap"\n',
            'id = "scrap"\n',
            "rule 'scrap': why is missing",
        ),
        (
            'grade = ["E"]\nthen = "DISPOSE"',
            'grade = ["E"]\nthen = ["DISPOSE"]',
            "rule 'scrap': then must be a text",
        ),
        (
            'grade = ["E"]\nthen = "DISPOSE"',
            'grade = []\nthen = "DISPOSE"',
            "rule 'scrap': grade is empty",
        ),
        (
            WORN,
            'id = "worn"\nquestion = "Signs of wear?"\npass = "no"\nblocks_refund = "yes"',
            "question 'worn' of checklist apparel: blocks_refund must be true or false",
        ),
        (
            'id = "stains"\n',
            'id = "worn"\n',
            "checklist apparel: question id 'worn' is used twice",
        ),
        (
            WORN,
            'id = "worn"\nquestion = 3\npass = "no"\nblocks_refund = true',
            "question 'worn' of checklist apparel: question must be a text, not 3",
        ),
        (
            'pass = "yes"\nforces = "DISPOSE"',
            'pass = "yes"\nforces = true',
            "question 'seal_intact' of checklist health_beauty: forces must be a text",
        ),
        (
            RESTOCK,
            RESTOCK.replace("recovery = 1.0", "recovery = 1.5"),
            "disposition RESTOCK: recovery must be a share from 0 to 1",
        ),
        (
            RESTOCK,
            RESTOCK.replace("recovery = 1.0", "recovery = true"),
            "disposition RESTOCK: recovery must be a share",
        ),
        (
            RESTOCK,
            RESTOCK.replace("recovery = 1.0", 'value_approval = "no"'),
            "disposition RESTOCK: value_approval must be true or false",
        ),
        (RESTOCK, RESTOCK.replace('"Restock"', "12"), "disposition RESTOCK: label must be a text"),
        ("apparel = 0.010", "apparel = 10", "[value_loss]: apparel must be a share from 0 to 1"),
        (
            RESTOCK,
            RESTOCK.replace("recovery", "recover"),
            "disposition RESTOCK has unknown keys ['recover']",
        ),
        (RESTOCK, 'RESTOCK = "LOC-RESTOCK"', "disposition RESTOCK must be a table"),
        (
            'DEFECTIVE = "Defective / does not work"',
            "DEFECTIVE = 1",
            "[reasons]: DEFECTIVE must be a text",
        ),
        (
            'destination = "LOC-TRIAGE"',
            "destination = false",
            "[triage]: destination must be a text",
        ),
        ('version = "2026.11-1"', "version = 2026", "the pack: version must be a text"),
        (
            'grades = ["A", "B"]',
            'grades = ["A", "F"]',
            "[agreed_reasons]: grades can never be ['F']",
        ),
        (
            'reasons = ["SIZE_FIT", "NO_LONGER_NEEDED", "CHANGED_MIND"]',
            'reasons = ["SIZE_FIT", "BORED"]',
            "[agreed_reasons]: reasons can never be ['BORED']",
        ),
        (
            'reasons = ["SIZE_FIT", "NO_LONGER_NEEDED", "CHANGED_MIND"]',
            'reasons = "SIZE_FIT"',
            "[agreed_reasons]: reasons must be a list of texts",
        ),
        (
            'version = "2026.11-1"',
            'version = "2026.11-1"\nrulez = 1',
            "the pack has unknown keys ['rulez']",
        ),
    ],
)
def test_a_bad_field_is_refused_at_load_naming_its_owner_and_field(
    tmp_path: Path, old: str, new: str, words: str
) -> None:
    with pytest.raises(ConfigError, match="is not valid") as refused:
        _load_edited(tmp_path, old, new)
    assert words in str(refused.value)


@pytest.mark.parametrize(
    ("rules", "words"),
    [("", "the pack: rule is missing"), ('rule = "all"', "the pack: rule must be a list")],
)
def test_a_pack_without_a_list_of_rules_is_refused(tmp_path: Path, rules: str, words: str) -> None:
    text = resources.path("rulepacks", "returns.toml").read_text(encoding="utf-8")
    head = text[: text.index("[[rule]]")]
    bare = tmp_path / "returns.toml"
    bare.write_text(head.replace("version =", f"{rules}\nversion =", 1), encoding="utf-8")
    with pytest.raises(ConfigError, match=words):
        load_rulepack(bare)


def test_the_shipped_pack_loads_with_its_values_typed() -> None:
    pack = load_rulepack()
    scrap = next(rule for rule in pack.rules if rule.id == "scrap-expensive")
    assert scrap.value_above == 250
    assert pack.dispositions["WRITEOFF"].value_approval is True
    assert pack.agreement.grades == {"A", "B"}
    assert "DEFECTIVE" not in pack.agreement.reasons
