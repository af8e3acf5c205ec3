"""The site's operators, kept once at the hub by ``station hub operator`` and carried down
to every bench, which signs people in with its last copy when the hub is away."""

from hub_process import RunningHub, enrolled, site_operator, station

from station.operators import Role, by_badge, by_pin
from station.returns.bench import ReturnsBench
from sync.hub.exchange import Exchange
from sync.hub.wire import HubWire


def test_an_operator_added_at_the_hub_signs_in_at_a_bench_and_a_removed_one_does_not(
    bench: ReturnsBench, hub: RunningHub, site_url: str
) -> None:
    exchange = Exchange(bench.store, bench.bench_id, bench.inspection)
    wire = HubWire(hub.url, enrolled(bench.bench_id, site_url))
    site_operator(site_url, "badge-4001", "Olga Lead", Role.SUPERVISOR, "86420")
    assert exchange(wire).operators == 1
    with bench.store.read() as session:
        assert by_badge(session, "BADGE-4001") == by_pin(session, "86420")
        olga = by_badge(session, "BADGE-4001")
    assert olga is not None and (olga.name, olga.role) == ("Olga Lead", Role.SUPERVISOR)
    # Demoted: the bench hears it, and the PIN changed with it.
    site_operator(site_url, "BADGE-4001", "Olga Lead", Role.INSPECTOR, "97531")
    exchange(wire)
    with bench.store.read() as session:
        olga = by_pin(session, "97531")
        assert olga is not None and olga.role is Role.INSPECTOR
        assert by_pin(session, "86420") is None
    assert exchange(wire).operators == 0  # nothing new: nothing again
    removed = station("hub", "operator", "BADGE-4001", "--remove", database=site_url)
    assert removed.returncode == 0, removed.stderr
    assert "BADGE-4001 removed" in removed.stdout
    exchange(wire)
    with bench.store.read() as session:
        assert by_badge(session, "BADGE-4001") is None
        # The bench's own operators, from its demo data, stay.
        assert by_badge(session, "BADGE-1001") is not None


def test_the_operator_command_says_what_it_lacks_and_never_takes_a_pin_argument(
    site_url: str,
) -> None:
    lacking = station("hub", "operator", "BADGE-4001", database=site_url)
    assert lacking.returncode != 0
    assert "--name NAME --role ROLE" in lacking.stderr
    short = station(
        "hub", "operator", "BADGE-4001", "--name", "Olga", "--role", "clerk",
        database=site_url, typed="12\n",
    )  # fmt: skip
    assert short.returncode != 0 and "4 to 8 digits" in short.stderr
    unknown = station("hub", "operator", "BADGE-9999", "--remove", database=site_url)
    assert unknown.returncode != 0 and "not an operator of this site" in unknown.stderr
    with_pin = station(
        "hub", "operator", "BADGE-4001", "--name", "Olga", "--role", "clerk", "--pin", "1234",
        database=site_url,
    )  # fmt: skip
    assert with_pin.returncode != 0 and "unrecognized arguments: --pin" in with_pin.stderr
