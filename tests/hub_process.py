"""A real hub for the site's tests: ``station hub serve`` in a process of its own, on a
free port on 127.0.0.1, over a test's own PostgreSQL database."""

import os
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import IO

import requests

from hub.cluster import free_port
from station.operators import Role

READY_WITHIN_S = 30


@dataclass(frozen=True)
class RunningHub:
    url: str
    process: subprocess.Popen[str]


def station(*args: str, database: str, typed: str = "") -> subprocess.CompletedProcess[str]:
    """The ``station`` command, as an administrator runs it, ``typed`` on its stdin."""
    return subprocess.run(
        [sys.executable, "-m", "app", *args, "--database", database],
        input=typed,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
        # A crash says where (a once-seen exit with nothing on stderr said nothing).
        env={**os.environ, "STATION_CONFIG": "", "PYTHONFAULTHANDLER": "1"},
    )


def enrolled(bench: str, database: str) -> str:
    """A new token for ``bench``, as ``station hub enrol`` prints it."""
    done = station("hub", "enrol", bench, database=database)
    assert done.returncode == 0, f"exit {done.returncode}: {done.stderr!r} {done.stdout!r}"
    return done.stdout.splitlines()[-1].strip()


@contextmanager
def running_hub(database: str, port: int | None = None) -> Iterator[RunningHub]:
    port = port or free_port()
    # Its log goes to a file: a pipe nobody reads would fill and stop the hub mid-test.
    with tempfile.TemporaryFile("w+") as said:
        process = subprocess.Popen(
            [sys.executable, "-m", "app", "hub", "serve", "--database", database,
             "--port", str(port)],
            stdout=said, stderr=subprocess.STDOUT, text=True,
        )  # fmt: skip
        try:
            _wait_ready(f"http://127.0.0.1:{port}", process, said)
            yield RunningHub(f"http://127.0.0.1:{port}", process)
        finally:
            process.terminate()
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


def _wait_ready(url: str, process: subprocess.Popen[str], said: IO[str]) -> None:
    deadline = time.monotonic() + READY_WITHIN_S
    while True:
        if process.poll() is not None:
            said.seek(0)
            raise AssertionError(f"the hub stopped: {said.read()}")
        try:
            if requests.get(f"{url}/v1/health", timeout=1).ok:
                return
        except requests.ConnectionError:
            pass
        assert time.monotonic() < deadline, "the hub did not answer"
        time.sleep(0.05)


def site_operator(database: str, badge: str, name: str, role: Role, pin: str) -> None:
    """An operator of the site, kept at the hub as its administrator keeps them."""
    done = station(
        "hub", "operator", badge, "--name", name, "--role", role.value,
        database=database, typed=f"{pin}\n",
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
