"""The arrows of the house (DESIGN.md, "The house"): ``app`` on top, then ``ui``, then
``sync``, ``devices`` and ``hub`` side by side, the core ``station`` below them all; the
core runs without Qt, a network library or a serial port, and no product package imports
the demo.

Each import check runs in a fresh interpreter with the forbidden packages made
unimportable, then imports every module of the package under test. Reaching a layer above
by name (``importlib.import_module``, ``__import__``) would slip past that, so the source
of every product package is read for it too.
"""

import ast
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

BLOCKER = textwrap.dedent(
    """
    import importlib, pkgutil, sys

    class Blocked:
        def find_spec(self, name, path=None, target=None):
            if any(name == b or name.startswith(b + ".") for b in BLOCKED):
                raise ImportError(f"{name} is forbidden here")
            return None

    BLOCKED = set(sys.argv[2].split(","))
    sys.meta_path.insert(0, Blocked())
    package = importlib.import_module(sys.argv[1])
    walk = pkgutil.iter_modules if sys.argv[3] == "top" else pkgutil.walk_packages
    for module in walk(package.__path__, package.__name__ + "."):
        if module.name.endswith("__main__"):  # running the command is not importing it
            continue
        if not (sys.argv[3] == "top" and module.ispkg):
            importlib.import_module(module.name)
    print("imported", sys.argv[1], *sorted(sys.modules))
    """
)
ROOT = Path(__file__).resolve().parents[2]
QT = "PySide6,shiboken6"
ABOVE_THE_CORE = "app,ui,sync,devices,hub,demo"
NETWORK = "requests,http.client,urllib.request,serial,keyring"
DEMO_ERP = "trytond"  # the demo's server; the product speaks to an ERP over the wire only
PRODUCT = ("app", "ui", "sync", "devices", "hub", "station")
# Ways to import a module named at run time, which the import checks above cannot see.
BY_NAME = ("import_module", "__import__", "spec_from_file_location", "run_module", "run_path")


def imported(
    package: str, blocked: str, *, first: str = "", modules: str = "all"
) -> tuple[set[str], str]:
    """Every module of ``package`` (or only its ``top`` ones) imported in a fresh
    interpreter with ``blocked`` unimportable, after running ``first``: the modules then
    loaded, and what the run printed."""
    script = BLOCKER.replace("package = importlib", f"{first}\npackage = importlib")
    done = subprocess.run(
        [sys.executable, "-c", script, package, blocked, modules],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    words = done.stdout.splitlines()[-1].split()
    assert words[:2] == ["imported", package]
    return set(words[2:]), done.stdout


@pytest.mark.parametrize(
    ("package", "blocked"),
    [
        ("station", f"{QT},{NETWORK},{DEMO_ERP},{ABOVE_THE_CORE}"),
        ("devices", f"{QT},{DEMO_ERP},app,ui,sync,hub,demo"),
        ("sync", f"{QT},{DEMO_ERP},app,ui,devices,hub,demo"),
        ("ui", f"{DEMO_ERP},app,demo"),
        ("demo", f"{QT},{DEMO_ERP},app,ui,devices,hub"),
        ("hub", f"{QT},{DEMO_ERP},app,ui,sync,devices,demo"),
    ],
)
def test_a_package_imports_with_what_it_must_not_use_blocked(package: str, blocked: str) -> None:
    assert package in imported(package, blocked)[0]


def test_the_sync_cycle_knows_no_upstream_but_its_connector() -> None:
    loaded, _ = imported("sync", "sync.tryton,requests", modules="top")
    assert {"sync.cycle", "sync.push", "sync.pull", "sync.connector"} <= loaded


def test_the_blocker_does_block() -> None:
    for package, blocked, modules in (
        ("station", "sqlalchemy", "all"),
        ("sync", "sync.tryton", "all"),
    ):
        done = subprocess.run(
            [sys.executable, "-c", BLOCKER, package, blocked, modules],
            capture_output=True,
            text=True,
            check=False,
        )
        assert done.returncode != 0
        assert f"{blocked}" in done.stderr and "is forbidden here" in done.stderr


def test_station_help_runs_without_qt() -> None:
    _, said = imported("station", QT, first="from app.cli import main\nmain(['settings'])")
    assert "scanner.duplicate_window_ms" in said


def _by_name_imports(folder: Path) -> list[str]:
    """Places in a package's source that import a module by a name given at run time."""
    found = []
    for source in sorted(folder.rglob("*.py")):
        for node in ast.walk(ast.parse(source.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call):
                called = node.func
                name = (
                    called.attr if isinstance(called, ast.Attribute) else getattr(called, "id", "")
                )
                if name in BY_NAME:
                    found.append(f"{source.name}:{node.lineno}")
    return found


@pytest.mark.parametrize("package", [p for p in (*PRODUCT, "demo") if (ROOT / p).is_dir()])
def test_no_package_imports_by_name(package: str) -> None:
    assert _by_name_imports(ROOT / package) == []


def test_the_by_name_check_finds_each_way(tmp_path: Path) -> None:
    (tmp_path / "wiring.py").write_text(
        "import importlib, importlib.util, runpy\n\n"
        "gui = importlib.import_module('ui.app')\n"
        "sync = __import__('sync')\n"
        "spec = importlib.util.spec_from_file_location('ui', 'ui/app.py')\n"
        "runpy.run_module('ui.app')\n"
    )
    assert _by_name_imports(tmp_path) == [
        "wiring.py:3",
        "wiring.py:4",
        "wiring.py:5",
        "wiring.py:6",
    ]


def test_the_composition_root_wires_every_layer() -> None:
    loaded, _ = imported("app", "nothing", first="from app import cli, gui")
    assert {
        "ui.main_window",
        "sync.cycle",
        "devices.print_queue",
        "demo.erp_server",
        "station",
    } <= loaded
