"""Kill -9 a scanning bench at random moments: nothing it acknowledged may be lost."""

import random
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

CHILD = Path(__file__).with_name("scanning_child.py")
KILLS = 20


def run_until_killed(database: Path, first: int, rng: random.Random) -> list[str]:
    child = subprocess.Popen(
        [sys.executable, str(CHILD), str(database), str(first)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    assert child.stdout is not None
    assert child.stdout.readline().strip() == "READY", child.stderr.read() if child.stderr else ""
    time.sleep(rng.uniform(0.05, 0.6))
    child.send_signal(signal.SIGKILL)
    output, errors = child.communicate()
    assert child.returncode == -signal.SIGKILL, errors
    # A line cut by the kill is not an acknowledgement.
    return [
        line.split()[1]
        for line in output.splitlines()
        if line.startswith("ACK ") and len(line) == 18
    ]


@pytest.mark.slow
def test_every_acknowledged_return_survives_kill_9(template_db: Path, tmp_path: Path) -> None:
    database = tmp_path / "station.db"
    shutil.copyfile(template_db, database)
    rng = random.Random(9)
    acknowledged: list[str] = []
    for kill in range(KILLS):
        acknowledged += run_until_killed(database, first=kill * 1_000_000, rng=rng)
    assert len(acknowledged) > KILLS, "the child must have scanned between kills"
    print(f"{len(acknowledged)} returns acknowledged over {KILLS} kills")
    with sqlite3.connect(database) as connection:
        assert connection.execute("PRAGMA integrity_check").fetchone() == ("ok",)
        units = set(_column(connection, "SELECT serial FROM return_unit WHERE status = 'triage'"))
        labelled = set(_column(connection, "SELECT json_extract(data, '$.unit') FROM label_job"))
        events = _column(
            connection,
            "SELECT json_extract(payload, '$.serial') FROM outbox WHERE kind = 'unexpected_return'",
        )
        unit_ids = dict(
            connection.execute(
                "SELECT serial, id FROM return_unit WHERE status = 'triage'"
            ).fetchall()
        )
    connection.close()
    missing = set(acknowledged) - units
    assert not missing, f"{len(missing)} acknowledged returns lost: {sorted(missing)[:5]}"
    assert all(unit_ids[serial] in labelled for serial in acknowledged)
    assert sorted(events) == sorted(units), "one event per triaged unit, no more, no less"


def _column(connection: sqlite3.Connection, query: str) -> list[str]:
    return [row[0] for row in connection.execute(query)]
