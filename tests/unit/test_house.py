"""The arrows of the house: the core runs without Qt, a network library or a serial port.

Each check runs in a fresh interpreter with the forbidden packages made unimportable, then
imports every module of the package under test.
"""

import subprocess
import sys
import textwrap

import pytest

BLOCKER = textwrap.dedent(
    """
    import importlib, pkgutil, sys

    class Blocked:
        def find_spec(self, name, path=None, target=None):
            if name.split(".")[0] in BLOCKED:
                raise ImportError(f"{name} is forbidden here")
            return None

    BLOCKED = set(sys.argv[2].split(","))
    sys.meta_path.insert(0, Blocked())
    package = importlib.import_module(sys.argv[1])
    for module in pkgutil.walk_packages(package.__path__, package.__name__ + "."):
        if not module.name.endswith("__main__"):  # running the command is not importing it
            importlib.import_module(module.name)
    print("imported", sys.argv[1])
    """
)


@pytest.mark.parametrize(
    ("package", "blocked"),
    [
        ("station", "PySide6,shiboken6,requests,serial,ui,sync,devices"),
        ("devices", "PySide6,shiboken6,ui,sync"),
        ("sync", "PySide6,shiboken6,ui,devices"),
    ],
)
def test_a_package_imports_with_what_it_must_not_use_blocked(package: str, blocked: str) -> None:
    done = subprocess.run(
        [sys.executable, "-c", BLOCKER, package, blocked],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == f"imported {package}"


def test_the_blocker_does_block() -> None:
    done = subprocess.run(
        [sys.executable, "-c", BLOCKER, "station", "sqlalchemy"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode != 0
    assert "sqlalchemy is forbidden here" in done.stderr


def test_station_help_runs_without_qt() -> None:
    script = BLOCKER.replace(
        "package = importlib",
        "from station.cli import main\nmain(['settings'])\npackage = importlib",
    )
    done = subprocess.run(
        [sys.executable, "-c", script, "station", "PySide6,shiboken6"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert "scanner.duplicate_window_ms" in done.stdout
