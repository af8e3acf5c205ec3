"""The label tests' own rules: under CI a missing renderer fails the run, and the tests'
helpers are imported from helper modules, never from a conftest."""

import ast
from pathlib import Path

import label_render
import pytest
from label_render import renderer_missing, without_renderer

TESTS = Path(__file__).resolve().parents[1]


@pytest.fixture
def no_node(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(label_render.shutil, "which", lambda _name: None)


@pytest.mark.usefixtures("no_node")
@pytest.mark.parametrize("ci", ["true", "1", "yes"])
def test_under_ci_a_missing_renderer_fails_the_test(
    monkeypatch: pytest.MonkeyPatch, ci: str
) -> None:
    monkeypatch.setenv("CI", ci)
    reason = renderer_missing()
    assert reason is not None and "`node` is not on PATH" in reason
    with pytest.raises(pytest.fail.Exception, match="CI is set"):
        without_renderer(reason)


@pytest.mark.usefixtures("no_node")
@pytest.mark.parametrize("ci", [None, "", "false", "0"])
def test_on_a_developers_machine_a_missing_renderer_skips(
    monkeypatch: pytest.MonkeyPatch, ci: str | None
) -> None:
    if ci is None:
        monkeypatch.delenv("CI", raising=False)
    else:
        monkeypatch.setenv("CI", ci)
    reason = renderer_missing()
    assert reason is not None
    with pytest.raises(pytest.skip.Exception, match="not on PATH"):
        without_renderer(reason)


def test_a_renderer_without_its_node_modules_is_missing(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setattr(label_render, "ZPL_DIR", tmp_path)
    monkeypatch.setattr(label_render.shutil, "which", lambda _name: "/usr/bin/node")
    assert "npm ci --prefix tests/zpl" in str(renderer_missing())


def test_no_test_imports_from_a_conftest() -> None:
    # Which conftest "conftest" names depends on what else is collected in the run.
    found = [
        f"{source.relative_to(TESTS)}:{node.lineno}"
        for source in sorted(TESTS.rglob("*.py"))
        if "node_modules" not in source.parts
        for node in ast.walk(ast.parse(source.read_text(encoding="utf-8")))
        if (isinstance(node, ast.ImportFrom) and node.module == "conftest")
        or (isinstance(node, ast.Import) and any(a.name == "conftest" for a in node.names))
    ]
    assert found == []
