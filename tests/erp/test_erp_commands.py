"""``station erp-demo`` and ``station sync --once`` as a person runs them, in a shell."""

import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from demo import erp_server
from station.setting_keys import ERP_URL, ERP_USER
from station.settings import Settings

pytestmark = pytest.mark.erp


def station(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "app", *args],
        capture_output=True,
        text=True,
        check=False,
        env=env,
    )


@pytest.fixture
def bench_env(erp_template: Path, tmp_path: Path) -> Iterator[dict[str, str]]:
    """A bench whose data folder holds a copy of the seeded demo ERP, not yet started."""
    data = tmp_path / "data"
    erp_server.clone(erp_template, data / "erp-demo")
    config = tmp_path / "station.toml"
    config.write_text("", encoding="utf-8")
    env = {
        **os.environ,
        "STATION_DATA_DIR": str(data),
        "STATION_CONFIG": str(config),
        # The developer's own keyring is not the tests' to write into.
        "PYTHON_KEYRING_BACKEND": "keyring.backends.fail.Keyring",
    }
    env.pop("STATION_ERP_PASSWORD", None)
    yield env
    erp_server.stop(data / "erp-demo")


def test_the_demo_erp_comes_up_the_station_syncs_and_it_goes_down(
    bench_env: dict[str, str], tmp_path: Path
) -> None:
    up = station("erp-demo", "up", env=bench_env)
    assert up.returncode == 0, up.stderr
    assert "the station is set to use it" in up.stdout
    settings = Settings.load(tmp_path / "station.toml", required=True)
    assert settings[ERP_URL].startswith("http://127.0.0.1:")
    assert settings[ERP_USER] == "station"
    assert "password" not in (tmp_path / "station.toml").read_text(encoding="utf-8")

    status = station("erp-demo", "status", env=bench_env)
    assert status.returncode == 0 and settings[ERP_URL] in status.stdout

    # A second `make demo` finds the server running and uses it: no second Tryton.
    again = station("erp-demo", "up", env=bench_env)
    assert again.returncode == 0, again.stderr
    assert again.stdout.splitlines()[0] == up.stdout.splitlines()[0]

    # The window of this bench is in the middle of a cycle: the command waits for it.
    data = Path(bench_env["STATION_DATA_DIR"])
    window = subprocess.Popen(
        [sys.executable, "-c", SYNC_FOR_A_MOMENT, str(data / "sync.lock"), str(tmp_path / "done")],
        stdout=subprocess.PIPE,
    )
    assert window.stdout is not None and window.stdout.readline() == b"syncing\n"
    synced = station("sync", "--once", env=bench_env)
    assert (tmp_path / "done").exists()  # it went only once the window's cycle was over
    window.wait()
    window.stdout.close()
    assert synced.returncode == 0, synced.stderr + synced.stdout
    assert "pulled: location 62, item 220, rma 60, receipt 24" in synced.stdout

    down = station("erp-demo", "down", env=bench_env)
    assert down.returncode == 0 and "stopped" in down.stdout
    assert station("erp-demo", "status", env=bench_env).returncode == 1


SYNC_FOR_A_MOMENT = """
import fcntl, pathlib, sys, time
handle = open(sys.argv[1], "a")
fcntl.flock(handle, fcntl.LOCK_EX)
print("syncing", flush=True)
time.sleep(1.5)
pathlib.Path(sys.argv[2]).touch()
fcntl.flock(handle, fcntl.LOCK_UN)
"""


def test_a_wrong_password_is_said_plainly(bench_env: dict[str, str]) -> None:
    assert station("erp-demo", "up", env=bench_env).returncode == 0
    refused = station("sync", "--once", env={**bench_env, "STATION_ERP_PASSWORD": "guess-work"})
    assert refused.returncode == 2
    assert "refused the login of station" in refused.stdout
    assert "guess-work" not in refused.stdout + refused.stderr


def test_without_an_erp_sync_says_what_to_set(tmp_path: Path) -> None:
    config = tmp_path / "station.toml"
    config.write_text("", encoding="utf-8")
    env = {**os.environ, "STATION_DATA_DIR": str(tmp_path), "STATION_CONFIG": str(config)}
    done = station("sync", "--once", env=env)
    assert done.returncode == 2 and "set erp.url" in done.stderr
