"""Which layout a label job prints with, by its purpose and the printer's stock."""

import pytest

from devices.label_jobs import LABEL_FOR_JOB, layout_for, sample_label, zpl_renderer
from station.setting_keys import LABEL_PURPOSES
from station.store.schema import LabelJob


def job(purpose: str, **data: object) -> LabelJob:
    return LabelJob(template=purpose, data=data)


def test_every_purpose_a_bench_can_route_has_a_label() -> None:
    assert set(LABEL_FOR_JOB) == set(LABEL_PURPOSES)
    assert layout_for("return-unit", "2x1").name == "unit-2x1"
    assert layout_for("triage", "4x6").name == "disposition_tag"


def test_each_stock_prints_its_own_layout() -> None:
    unit = {"lpn": "LPN-B01-000042", "sku": "AP-1001", "item": "Jumper", "destination": "X"}
    big = zpl_renderer(203, "4x6")(job("return-unit", **unit, gtin="7610912083911"))
    small = zpl_renderer(203, "2x1")(job("return-unit", **unit))
    assert b"^PW812" in big and b"^LL1218" in big  # 4 x 6 in at 203 dpi
    assert b"^PW406" in small and b"^LL203" in small  # 2 x 1 in


def test_a_label_with_no_layout_for_the_stock_fails_with_why() -> None:
    command = job("command", code="@CONFIRM", meaning="Confirm")
    assert b"@CONFIRM" in zpl_renderer(300, "2x1")(command)
    with pytest.raises(ValueError, match="no 3x2 layout for command labels"):
        zpl_renderer(300, "3x2")(command)
    with pytest.raises(ValueError, match="no label for jobs of kind 'mystery'"):
        zpl_renderer(300, "4x6")(job("mystery"))


def test_every_purpose_has_a_test_label_on_both_stocks() -> None:
    for purpose in LABEL_PURPOSES:
        assert sample_label(purpose, 203, "2x1" if purpose == "command" else "4x6").startswith(
            b"^XA"
        )
