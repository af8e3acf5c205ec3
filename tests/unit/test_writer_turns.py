"""The store's writers take turns in the order they asked: a thread that releases the
lock and asks again at once waits behind the one that was already waiting."""

import threading

from station.store.writer_turns import WriterTurns


def test_a_release_hands_the_lock_to_the_thread_that_waited() -> None:
    turns = WriterTurns()
    order: list[str] = []
    asked = threading.Event()

    def window() -> None:
        asked.set()
        assert turns.acquire(timeout=5)
        order.append("window")
        turns.release()

    assert turns.acquire(timeout=5)  # the sync's unit
    waiting = threading.Thread(target=window)
    waiting.start()
    asked.wait()
    while not turns._waiting:  # the window is in line
        threading.Event().wait(0.001)
    turns.release()
    assert turns.acquire(timeout=5)  # the sync's next unit, asked at once
    order.append("sync")
    turns.release()
    waiting.join()
    assert order == ["window", "sync"]


def test_it_is_re_entrant_and_a_wait_past_its_timeout_gives_up_its_place() -> None:
    turns = WriterTurns()
    assert turns.acquire(timeout=1) and turns.acquire(timeout=1)
    got: list[bool] = []
    other = threading.Thread(target=lambda: got.append(turns.acquire(timeout=0.05)))
    other.start()
    other.join()
    assert got == [False]
    turns.release()
    turns.release()
    late = threading.Thread(target=lambda: got.append(turns.acquire(timeout=1)))
    late.start()
    late.join()
    assert got == [False, True]  # free again, and nobody left in line
