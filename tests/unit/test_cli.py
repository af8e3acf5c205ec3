"""The ``station`` command as an operator or a script would run it."""

import os
import re
import sqlite3
import subprocess
import sys
from pathlib import Path

import pypdfium2
import pytest
import zxingcpp
from sqlalchemy import select

from app.cli import main
from station.command_sheet import sheet_entries
from station.rulepack import RulePack
from station.store.engine import open_store
from station.store.schema import FactDay


def station(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "app", *args],
        capture_output=True,
        text=True,
        check=False,
        env=env,
    )


def test_help_lists_the_subcommands() -> None:
    done = station("--help")
    assert done.returncode == 0
    for command in ("gui", "demo-data", "command-sheet", "settings"):
        assert command in done.stdout


def test_a_bad_config_file_gets_a_message_not_a_traceback(tmp_path: Path) -> None:
    config = tmp_path / "station.toml"
    config.write_text("[scanner]\nduplicate_window_ms = 'soon'\n")
    done = station("--config", str(config), "settings")
    assert done.returncode == 2
    assert "scanner.duplicate_window_ms" in done.stderr
    assert "Traceback" not in done.stderr


def test_an_empty_store_file_is_refused_by_the_report(tmp_path: Path) -> None:
    (tmp_path / "station.db").touch()
    env = {**os.environ, "STATION_DATA_DIR": str(tmp_path)}
    env.pop("STATION_CONFIG", None)
    out = tmp_path / "report.csv"
    done = station(
        "report",
        "--from",
        "2026-11-01",
        "--to",
        "2026-11-30",
        "--format",
        "csv",
        "--out",
        str(out),
        env=env,
    )
    assert done.returncode == 2
    assert "it is empty" in done.stderr and "Traceback" not in done.stderr
    assert not out.exists()
    assert (tmp_path / "station.db").stat().st_size == 0


def test_a_data_folder_the_station_cannot_make_is_said_in_words(tmp_path: Path) -> None:
    (tmp_path / "disk").write_text("a file where the data folder should go")
    env = {**os.environ, "STATION_DATA_DIR": str(tmp_path / "disk" / "station")}
    env.pop("STATION_CONFIG", None)
    done = station("demo-data", "load", env=env)
    assert done.returncode == 2
    assert "cannot use its data folder" in done.stderr and "Traceback" not in done.stderr


def test_audit_verify_names_the_entry_changed_behind_the_stations_back(tmp_path: Path) -> None:
    from station.recording import audit  # noqa: PLC0415

    store = open_store(tmp_path / "station.db")
    for subject in ("U-1", "U-2", "U-3"):
        with store.unit() as session:
            audit(session, bench="RET-01", operator="1001", action="unit_decided", subject=subject)
    store.close()
    env = {**os.environ, "STATION_DATA_DIR": str(tmp_path)}
    env.pop("STATION_CONFIG", None)
    done = station("audit", "verify", env=env)
    assert done.returncode == 0, done.stderr
    assert "3 entries chained" in done.stdout
    with sqlite3.connect(tmp_path / "station.db") as raw:
        raw.execute("UPDATE audit SET subject = 'U-9' WHERE id = 2")
    raw.close()
    done = station("audit", "verify", env=env)
    assert done.returncode == 1
    assert "entry #2 was changed" in done.stderr and "Traceback" not in done.stderr


def test_demo_data_load_fills_the_data_directory(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("STATION_DATA_DIR", str(tmp_path))
    config = tmp_path / "station.toml"
    config.write_text('[bench]\nid = "RET-07"\n')
    monkeypatch.setenv("STATION_CONFIG", str(config))
    assert main(["demo-data", "load"]) == 0
    assert "rmas=60" in capsys.readouterr().out
    assert (tmp_path / "station.db").exists()


def test_demo_data_history_adds_past_returns(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("STATION_DATA_DIR", str(tmp_path))
    config = tmp_path / "station.toml"
    config.write_text("")
    monkeypatch.setenv("STATION_CONFIG", str(config))
    assert main(["demo-data", "load"]) == 0
    assert main(["demo-data", "history", "--days", "20", "--units", "400"]) == 0
    said = capsys.readouterr().out
    assert "over 20 days" in said and said.count("planted:") == 3
    store = open_store(tmp_path / "station.db")
    with store.read() as session:
        kept = session.scalars(select(FactDay)).all()
    store.close()
    assert len(kept) == 20  # every past day's facts built, ready for the supervisor
    written = re.search(r"History written into .*: (\d+) returned units", said)
    assert written is not None and sum(day.rows for day in kept) == int(written.group(1))
    assert main(["demo-data", "history", "--days", "0"]) == 2
    again = ["demo-data", "history", "--days", "20", "--units", "400"]
    assert main(again) == 2  # the same past twice: refused, nothing written
    assert main([*again, "--seed", "7"]) == 0  # another past is welcome


def test_the_command_sheet_scans_back(tmp_path: Path, pack: RulePack) -> None:
    out = tmp_path / "sheet.pdf"
    assert main(["command-sheet", "--out", str(out)]) == 0
    read = set()
    for page in pypdfium2.PdfDocument(out):
        image = page.render(scale=200 / 72).to_pil()
        read |= {barcode.text for barcode in zxingcpp.read_barcodes(image)}
    printed = {value for _section, rows in sheet_entries(pack) for value, _m, _k in rows}
    assert read == printed
    assert {"@CONFIRM", "@GRADE-E", "@REASON-DEFECTIVE", "@DISP-WRITEOFF", "@TRIAGE"} <= read
    first = pypdfium2.PdfDocument(out)[0].get_textpage()
    title = first.get_text_range().splitlines()[0]
    assert title == "Bench command sheet — returns and receiving"  # not returns alone


def test_a_config_named_in_the_environment_must_exist(tmp_path: Path) -> None:
    env = {**os.environ, "STATION_CONFIG": str(tmp_path / "typo.toml")}
    done = station("settings", env=env)
    assert done.returncode == 2
    assert "typo.toml does not exist" in done.stderr


@pytest.mark.parametrize(
    ("command", "said"),
    [
        ("report", ["--from YYYY-MM-DD", "--to YYYY-MM-DD", "e.g. 2026-11-01", "report file"]),
        ("command-sheet", ["the PDF to write"]),
        ("erp-demo", ["up: start it", "down: stop it", "status: where it runs"]),
    ],
)
def test_the_help_says_formats_and_what_each_choice_does(
    command: str, said: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit):
        main([command, "--help"])
    printed = " ".join(capsys.readouterr().out.split())  # argparse wraps its lines
    for words in said:
        assert words in printed
