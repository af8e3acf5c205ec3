"""The site's rule pack: put in force once at the hub (``station hub rulepack``), carried
down to every bench, which judges by it from then on and keeps it when the hub is away."""

from pathlib import Path

from hub_process import RunningHub, enrolled, station

import resources
from station.returns.bench import ReturnsBench
from station.site_rulepack import in_force
from sync.hub.exchange import Exchange
from sync.hub.wire import HubWire

SHIPPED = resources.path("rulepacks", "returns.toml").read_text(encoding="utf-8")
OLD = 'version = "2026.11-1"'


def pack_file(folder: Path, version: str, donate: str = "Donate") -> Path:
    """The station's own pack as a site would change it: a version, a label."""
    assert OLD in SHIPPED and 'label = "Donate"' in SHIPPED
    text = SHIPPED.replace(OLD, f'version = "{version}"').replace(
        'label = "Donate"', f'label = "{donate}"'
    )
    file = folder / f"{version}-{donate}.toml"
    file.write_text(text, encoding="utf-8")
    return file


def test_a_rule_pack_put_in_force_at_the_hub_reaches_a_bench(
    bench: ReturnsBench, hub: RunningHub, site_url: str, tmp_path: Path
) -> None:
    exchange = Exchange(bench.store, bench.bench_id, bench.inspection)
    wire = HubWire(hub.url, enrolled(bench.bench_id, site_url))
    assert exchange(wire).rulepack is None  # none put in force: the bench's own stands
    newer = pack_file(tmp_path, "2026.12-1", donate="Donate to charity")
    done = station("hub", "rulepack", str(newer), database=site_url)
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("Rule pack 2026.12-1 is in force")
    assert exchange(wire).rulepack == "2026.12-1"
    assert exchange.inspection.pack.version == "2026.12-1"  # approvals judged by it
    with bench.store.read() as session:
        pack = in_force(session, bench.pack)
    assert (pack.version, pack.dispositions["DONATE"].label) == ("2026.12-1", "Donate to charity")
    assert exchange(wire).rulepack is None  # nothing new: nothing again


def test_the_rulepack_command_refuses_what_is_not_one_pack_per_version(
    site_url: str, tmp_path: Path
) -> None:
    first = pack_file(tmp_path, "2026.12-1")
    assert station("hub", "rulepack", str(first), database=site_url).returncode == 0
    again = station("hub", "rulepack", str(first), database=site_url)
    assert again.returncode == 0 and "already in force: nothing changed" in again.stdout
    changed = pack_file(tmp_path, "2026.12-1", donate="Give away")
    refused = station("hub", "rulepack", str(changed), database=site_url)
    assert refused.returncode != 0
    assert "2026.12-1 was published with other rules" in refused.stderr
    broken = tmp_path / "broken.toml"
    broken.write_text('version = "2026.12-2"\n[reasons\n', encoding="utf-8")
    unreadable = station("hub", "rulepack", str(broken), database=site_url)
    assert unreadable.returncode != 0 and "cannot be read" in unreadable.stderr
    missing = station("hub", "rulepack", str(tmp_path / "none.toml"), database=site_url)
    assert missing.returncode != 0 and "cannot be read" in missing.stderr
    # Back to an older pack after a newer one: in force again, then already in force.
    newer = pack_file(tmp_path, "2026.12-2")
    assert station("hub", "rulepack", str(newer), database=site_url).returncode == 0
    back = station("hub", "rulepack", str(first), database=site_url)
    assert back.stdout.startswith("Rule pack 2026.12-1 is in force")
    still = station("hub", "rulepack", str(first), database=site_url)
    assert "2026.12-1 is already in force" in still.stdout
