"""The one loop the print queue, a serial scanner and the sync cycle run on."""

import logging
import threading
import time

import pytest

from station.worker import Worker

log = logging.getLogger("station.test.worker")


def test_it_runs_the_step_over_and_over_until_stopped() -> None:
    rounds: list[float] = []
    three = threading.Event()

    def step() -> None:
        rounds.append(time.monotonic())
        if len(rounds) == 3:
            three.set()

    worker = Worker("test", step, interval=0.01, log=log, failed="round failed")
    worker.start()
    assert three.wait(2)
    assert worker.stop(2)
    after = len(rounds)
    time.sleep(0.05)
    assert len(rounds) == after, "no round after stop"


def test_a_worker_between_steps_stops_at_once_not_after_its_interval() -> None:
    started = threading.Event()
    worker = Worker("test", started.set, interval=60.0, log=log, failed="round failed")
    worker.start()
    assert started.wait(2)
    began = time.monotonic()
    assert worker.stop(5)
    assert time.monotonic() - began < 1


def test_a_step_that_hangs_is_waited_for_only_up_to_the_timeout() -> None:
    release = threading.Event()
    busy = threading.Event()

    def hang() -> None:
        busy.set()
        release.wait(10)

    worker = Worker("test", hang, interval=0.01, log=log, failed="round failed")
    worker.start()
    assert busy.wait(2)
    began = time.monotonic()
    assert not worker.stop(0.1), "still in its step"
    assert time.monotonic() - began < 1
    release.set()


def test_a_failing_step_is_logged_and_the_loop_goes_on(caplog: pytest.LogCaptureFixture) -> None:
    calls: list[int] = []
    third = threading.Event()

    def step() -> None:
        calls.append(1)
        if len(calls) >= 3:
            third.set()
        if len(calls) == 1:
            raise RuntimeError("a bug in one round")

    worker = Worker("test", step, interval=0.01, log=log, failed="round failed")
    with caplog.at_level(logging.ERROR, logger=log.name):
        worker.start()
        assert third.wait(2)
        assert worker.stop(2)
    failures = [r for r in caplog.records if r.message == "round failed"]
    assert len(failures) == 1
    assert failures[0].exc_info is not None and "a bug in one round" in str(failures[0].exc_info[1])


def test_a_step_may_ask_for_a_pause_of_its_own() -> None:
    """A scanner whose port went away opens it again at once, not after the retry pause."""
    times: list[float] = []
    twice = threading.Event()

    def step() -> float:
        times.append(time.monotonic())
        if len(times) == 2:
            twice.set()
        return 0.0

    worker = Worker("test", step, interval=60.0, log=log, failed="round failed")
    worker.start()
    assert twice.wait(2)
    assert worker.stop(2)
    assert times[1] - times[0] < 1


def test_stopping_says_when_a_long_step_should_end() -> None:
    seen = threading.Event()

    def step() -> None:
        while not worker.stopping():
            time.sleep(0.01)
        seen.set()

    worker = Worker("test", step, interval=0.01, log=log, failed="round failed")
    assert not worker.stopping()
    worker.start()
    assert worker.stop(2)
    assert seen.is_set()


def test_a_worker_never_started_stops_at_once() -> None:
    """A link set up but never started (its window closed first) is stopped all the same."""
    worker = Worker("never", lambda: None, interval=1, log=logging.getLogger("test"), failed="-")
    assert worker.stop(timeout=1)


def test_a_wake_runs_the_next_step_now_not_after_the_pause() -> None:
    ran = threading.Semaphore(0)

    def step() -> None:
        ran.release()

    worker = Worker("woken", step, interval=60, log=log, failed="-")
    worker.start()
    try:
        assert ran.acquire(timeout=5)  # the first step, at start
        worker.wake()
        assert ran.acquire(timeout=5)  # not 60 s later
    finally:
        assert worker.stop(timeout=5)
