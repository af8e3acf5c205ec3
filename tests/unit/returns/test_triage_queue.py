"""The triage shelf's list and the bench's scan log, as the screen asks the core for them."""

from station.gtin import with_check_digit
from station.recording import recent_scans
from station.returns.bench import ReturnsBench
from station.returns.view import triage_queue
from station.scans import Scan
from station.store.engine import Store


def send_to_triage(bench: ReturnsBench, code: str, at: float) -> None:
    for n, raw in enumerate((code, "@TRIAGE", "@CONFIRM")):
        bench.handle(Scan(raw, at=at + n))


def test_the_triage_queue_lists_units_sent_to_triage_latest_first(
    bench: ReturnsBench, store: Store
) -> None:
    bench.handle(Scan("BADGE-1001", at=0.0))
    first, second, third = (with_check_digit(f"40099999999{n}") for n in range(3))
    for n, code in enumerate((first, second, third)):
        send_to_triage(bench, code, at=10.0 * (n + 1))
    with store.read() as session:
        assert [u.identified_by for u in triage_queue(session, 10)] == [third, second, first]
        assert [u.identified_by for u in triage_queue(session, 2)] == [third, second]


def test_the_scan_log_is_the_bench_s_own_latest_first(bench: ReturnsBench, store: Store) -> None:
    for n, raw in enumerate(("BADGE-1001", "5901234123458", "@CANCEL")):
        bench.handle(Scan(raw, at=float(n)))
    with store.read() as session:
        assert [s.raw for s in recent_scans(session, "BENCH-01", 10)] == [
            "@CANCEL",
            "5901234123458",
            "BADGE-1001",
        ]
        assert [s.raw for s in recent_scans(session, "BENCH-01", 1)] == ["@CANCEL"]
        assert recent_scans(session, "BENCH-02", 10) == []
