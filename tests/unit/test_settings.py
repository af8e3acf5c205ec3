"""The settings registry and the TOML file: defaults, overrides, and refusals that name the key."""

from pathlib import Path

import pytest

from station import setting_keys
from station.errors import ConfigError, NotAllowed
from station.operators import Role, SignedIn
from station.setting_keys import (
    BENCH_ID,
    DUPLICATE_WINDOW_MS,
    MAX_SCAN_LENGTH,
    PRINTER2_LABELS,
    PRINTER_DPI,
    REGISTRY,
    SOUNDS,
    WEDGE_MAX_GAP_MS,
    WEDGE_PREFIX,
    Setting,
)
from station.settings import Settings, reference


def write(tmp_path: Path, body: str) -> Path:
    file = tmp_path / "station.toml"
    file.write_text(body, encoding="utf-8")
    return file


def test_defaults_without_a_file(tmp_path: Path) -> None:
    settings = Settings.load(tmp_path / "absent.toml")
    assert settings[DUPLICATE_WINDOW_MS] == 500
    assert settings[WEDGE_MAX_GAP_MS] == 40
    assert settings[BENCH_ID] == "BENCH-01"


def test_a_file_overrides_by_table_and_key(tmp_path: Path) -> None:
    file = write(
        tmp_path,
        '[bench]\nid = "RET-07"\n[scanner]\nwedge_prefix = "~"\nduplicate_window_ms = 800\n',
    )
    settings = Settings.load(file)
    assert (settings[BENCH_ID], settings[WEDGE_PREFIX], settings[DUPLICATE_WINDOW_MS]) == (
        "RET-07",
        "~",
        800,
    )
    assert settings[MAX_SCAN_LENGTH] == 512


@pytest.mark.parametrize(
    ("body", "words"),
    [
        ("[scanner]\nprefx = 1\n", "unknown setting 'scanner.prefx'"),
        (
            "[scanner]\nduplicate_window_ms = 'soon'\n",
            "'scanner.duplicate_window_ms' must be a whole number",
        ),
        ("[scanner]\nduplicate_window_ms = true\n", "must be a whole number"),
        ("[scanner]\nduplicate_window_ms = -5\n", "must be at least 0"),
        ("[scanner]\nwedge_prefix = '~~'\n", "single character"),
        # Past what the scan log keeps whole (and every device lets through).
        ("[scanner]\nmax_length = 50000\n", "'scanner.max_length' must be from 8 to 4096"),
        ("[patterns]\nrma = 'RMA-(\\\\d+'\n", "'patterns.rma' is not a valid pattern"),
        ("[ui]\nsounds = 'yes'\n", "'ui.sounds' must be true or false"),
        ("[bench\nid = 1\n", "is not valid TOML"),
    ],
)
def test_a_bad_file_is_refused_naming_the_key(tmp_path: Path, body: str, words: str) -> None:
    file = write(tmp_path, body)
    with pytest.raises(ConfigError) as refused:
        Settings.load(file)
    assert words in str(refused.value)
    assert str(file) in str(refused.value)


def test_an_explicit_file_must_exist(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="does not exist"):
        Settings.load(tmp_path / "missing.toml", required=True)


def test_the_reference_lists_every_key_once() -> None:
    rows = reference().splitlines()[2:]
    assert [row.split("`")[1] for row in rows] == list(REGISTRY)


def test_settings_saved_from_the_screen_read_back_the_same(tmp_path: Path) -> None:
    file = tmp_path / "conf" / "station.toml"
    loaded = Settings.load(file)
    changed = loaded.changed(
        {
            "bench.id": 'RCV-"2"',
            "scanner.wedge_prefix": "~",
            "printer.url": "serial:socket://127.0.0.1:9100",
            "printer2.labels": "bin,command",
            "ui.sounds": False,
        }
    )
    assert changed.save() == file
    again = Settings.load(file, required=True)
    assert again[BENCH_ID] == 'RCV-"2"'
    assert again[PRINTER2_LABELS] == "bin,command"
    assert again[SOUNDS] is False
    assert again[PRINTER_DPI] == 203  # defaults stay unwritten
    assert "dpi" not in file.read_text(encoding="utf-8")


def test_a_bad_value_from_the_screen_is_refused_and_nothing_written(tmp_path: Path) -> None:
    file = tmp_path / "station.toml"
    with pytest.raises(ConfigError, match=r"printer2\.labels"):
        Settings.load(file).changed({"printer2.labels": "bin,labels-of-doom"})
    assert not file.exists()


def test_a_saved_file_with_every_kind_of_value_loads_back_equal(tmp_path: Path) -> None:
    file = tmp_path / "station.toml"
    changed = Settings.load(file).changed(
        {
            "bench.id": 'Bä"7"\\\tw',  # quotes, backslash, tab, beyond ASCII
            "patterns.rma": r"RMA-\d{4,10}|R\.\d+",  # a pattern keeps its backslashes
            "scanner.duplicate_window_ms": 0,
            "erp.interval_s": 3600,
            "ui.sounds": False,
            "receiving.blind_counts": True,
        }
    )
    changed.save()
    again = Settings.load(file, required=True)
    assert {key: again[s] for key, s in REGISTRY.items()} == {
        key: changed[s] for key, s in REGISTRY.items()
    }
    assert again[BENCH_ID] == 'Bä"7"\\\tw'


def test_settings_that_are_all_defaults_save_an_empty_file(tmp_path: Path) -> None:
    file = tmp_path / "station.toml"
    Settings.load(file).save()
    assert file.read_text(encoding="utf-8") == ""


def test_every_key_declared_is_in_the_registry_once_under_its_own_name() -> None:
    declared = [value for value in vars(setting_keys).values() if isinstance(value, Setting)]
    assert len(declared) == len(REGISTRY)
    assert all(REGISTRY[key.key] is key for key in declared)
    assert REGISTRY["bench.id"] is BENCH_ID


def test_a_bench_id_too_long_for_its_lpns_labels_is_refused(tmp_path: Path) -> None:
    settings = Settings.load(tmp_path / "station.toml")
    assert settings.changed({"bench.id": "RCV-WEST"})[BENCH_ID] == "RCV-WEST"
    with pytest.raises(ConfigError, match=r"bench\.id.*at most 8 characters"):
        settings.changed({"bench.id": "RCV-WEST-2"})


@pytest.mark.parametrize(
    "who",
    [None, SignedIn("Carl Clerk", "BADGE-2001", Role.CLERK)],
    ids=["nobody", "a-clerk"],
)
def test_only_a_supervisor_saves_from_the_bench(tmp_path: Path, who: SignedIn | None) -> None:
    file = tmp_path / "station.toml"
    changed = Settings.load(file).changed({"scanner.wedge_prefix": "~"})
    with pytest.raises(NotAllowed, match="save the settings"):
        changed.save_at_bench(who)
    assert not file.exists()
    supervisor = SignedIn("Sam Supervisor", "BADGE-3001", Role.SUPERVISOR)
    assert changed.save_at_bench(supervisor) == file
