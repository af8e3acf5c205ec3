"""The ``station`` command: the GUI by default, and subcommands for the rest.

This is the composition root: it may import every package, plainly. Qt comes in only when
the operator asks for the window (``app.gui``, imported inside that branch), so that
``station --help`` and every other subcommand run on a machine without a screen or Qt.
Here too the demo's parts are handed in: its password source, its data and its server.
Each subcommand imports what only it needs, so that opening the window, the common case
(``make bench``'s cold_start), loads neither the report's PDF library nor the demo's
history generator.
"""

import argparse
import os
import sys
import time
from datetime import date
from pathlib import Path

from demo import erp_command, erp_server
from station import __version__, paths
from station.errors import ConfigError, KnownError
from station.operators import Role, operator_names
from station.rulepack import RulePack, load_rulepack
from station.setting_keys import CURRENCY, HUB_DATABASE, HUB_HOST, HUB_PORT, RULEPACK
from station.settings import Settings, reference
from station.site_rulepack import in_force
from station.store.engine import Store, open_store
from sync.credentials import OS_SOURCES, PasswordSource


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="station",
        description="Bench software for warehouse returns and receiving. "
        "With no subcommand, opens the bench window.",
    )
    parser.add_argument("--version", action="version", version=f"station {__version__}")
    parser.add_argument("--config", help="TOML settings file (else STATION_CONFIG, else per user)")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    sub.add_parser("gui", help="open the bench window (the default)")
    demo = sub.add_parser("demo-data", help="the demo data set")
    demo.add_argument(
        "action",
        choices=["load", "history"],
        help="load: replace master data with the demo set; history: add past returns",
    )
    demo.add_argument("--days", type=int, default=90, help="history: days before today")
    demo.add_argument("--units", type=int, default=100_000, help="history: returned units")
    demo.add_argument(
        "--seed", type=int, default=2026, help="history: the same seed, the same past"
    )
    sheet = sub.add_parser("command-sheet", help="write the bench command sheet as a PDF")
    sheet.add_argument(
        "--out",
        type=Path,
        default=Path("command-sheet.pdf"),
        help="the PDF to write (default: command-sheet.pdf)",
    )
    sub.add_parser("settings", help="print the configuration reference")
    devices = sub.add_parser("devices", help="see the bench's scanners")
    devices.add_argument(
        "action", choices=["list", "scan-test"], help="list: serial ports; scan-test: print scans"
    )
    devices.add_argument("--port", help="scanner port or URL (else scanner.serial_port)")
    devices.add_argument("--count", type=int, default=0, help="stop after this many scans")
    report = sub.add_parser("report", help="the supervisor's report over a date range")
    report.add_argument(
        "--from",
        dest="start",
        type=date.fromisoformat,
        required=True,
        metavar="YYYY-MM-DD",
        help="first day, e.g. 2026-11-01",
    )
    report.add_argument(
        "--to",
        dest="end",
        type=date.fromisoformat,
        required=True,
        metavar="YYYY-MM-DD",
        help="last day, included, e.g. 2026-11-30",
    )
    report.add_argument("--format", choices=["csv", "pdf"], required=True)
    report.add_argument("--out", type=Path, required=True, help="the report file to write")
    for narrowing in ("bench", "operator", "category", "supplier"):
        report.add_argument(f"--{narrowing}", help=f"only this {narrowing}")
    audit = sub.add_parser("audit", help="the audit trail")
    audit.add_argument(
        "action",
        choices=["verify"],
        help="verify: walk its hash chain and name the first entry changed, inserted or removed",
    )
    sync = sub.add_parser("sync", help="exchange data with the ERP")
    sync.add_argument("--once", action="store_true", required=True, help="one full cycle")
    hub = sub.add_parser("hub", help="the site hub that the benches of a site replicate to")
    hub.add_argument(
        "action",
        choices=["serve", "enrol", "operator", "rulepack"],
        help="serve: run the hub; enrol: a bench's token; operator: add, change or remove "
        "an operator of the site (the PIN is read from the terminal, or a line of stdin); "
        "rulepack: put a rule pack in force at every bench of the site",
    )
    hub.add_argument(
        "which",
        nargs="?",
        help="enrol: the bench's id, e.g. BENCH-07; operator: the badge; rulepack: the "
        "pack's TOML file",
    )
    hub.add_argument("--name", help="operator: the operator's name, as benches show it")
    hub.add_argument("--role", choices=[r.value for r in Role], help="operator: what they may do")
    hub.add_argument("--remove", action="store_true", help="operator: take the badge off")
    hub.add_argument(
        "--database",
        default=os.environ.get("STATION_HUB_DATABASE", ""),
        help="the site's PostgreSQL, e.g. postgresql+psycopg://hub@db.example/site "
        "(else STATION_HUB_DATABASE, else hub.database in the settings file)",
    )
    hub.add_argument("--host", help="serve: the address to listen on (else hub.host, 127.0.0.1)")
    hub.add_argument("--port", type=int, help="serve: the port to listen on (else hub.port, 8765)")
    sub.add_parser(
        "site-demo",
        help="a site on this machine: PostgreSQL, the hub and two bench windows; close both "
        "windows or press Ctrl+C to stop it all",
    )
    erp = sub.add_parser("erp-demo", help="the local demo Tryton server")
    erp.add_argument(
        "action",
        choices=["up", "down", "status"],
        help="up: start it and point the station at it; down: stop it; status: where it runs",
    )
    return parser


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    try:
        # A file named on purpose (flag or environment) must exist: a typo must not put a
        # bench to work as BENCH-01 with another bench's LPNs.
        named = bool(args.config or os.environ.get("STATION_CONFIG"))
        settings = Settings.load(paths.config_file(args.config), required=named)
        return _run(args, settings)
    except KnownError as exc:
        print(f"station: {exc}", file=sys.stderr)
        return 2


def _run(args: argparse.Namespace, settings: Settings) -> int:
    if args.command == "settings":
        print(reference())
        return 0
    if args.command == "command-sheet":
        from station.command_sheet import write_command_sheet  # noqa: PLC0415

        write_command_sheet(args.out, load_rulepack(_rulepack_file(settings)))
        print(f"Command sheet written to {args.out}")
        return 0
    if args.command == "demo-data":
        from demo.master_data import load_demo_data  # noqa: PLC0415

        store = open_store(paths.database_file(paths.data_dir()))
        try:
            if args.action == "history":
                return _history(store, args, settings)
            counts = load_demo_data(store, date.today())
        finally:
            store.close()
        print(f"Demo data loaded into {store.file}: {counts}")
        return 0
    if args.command == "report":
        return _report(args, settings)
    if args.command == "audit":
        return _verify_audit()
    if args.command == "sync":
        from sync import cli as sync_cli  # noqa: PLC0415
        from sync.tryton.connector import tryton_connector  # noqa: PLC0415

        return sync_cli.sync_once(settings, tryton_connector(settings, passwords()))
    if args.command == "erp-demo":
        return erp_command.erp_demo_command(args.action, settings)
    if args.command == "hub":
        return _hub(args, settings)
    if args.command == "site-demo":
        from app import site_demo  # noqa: PLC0415 - only the site demo needs the hub

        return site_demo.run()
    if args.command == "devices":
        from devices import cli as devices_cli  # noqa: PLC0415

        return devices_cli.run(args.action, args.port, args.count, settings)
    from app import gui  # noqa: PLC0415 - Qt only for the window

    return gui.run(settings, passwords())


def passwords() -> tuple[PasswordSource, ...]:
    """The ERP password: the environment, the OS keyring, then the demo server's folder
    (which answers only for the demo's own user at its own URL)."""
    return (*OS_SOURCES, erp_server.password_source(erp_command.server_folder()))


def _report(args: argparse.Namespace, settings: Settings) -> int:
    from station.supervisor.kpis import Filters  # noqa: PLC0415
    from station.supervisor.report import build_report, with_forecast, write_csv  # noqa: PLC0415
    from station.supervisor.report_pdf import write_pdf  # noqa: PLC0415
    from station.supervisor.site_facts import as_of  # noqa: PLC0415
    from station.supervisor.wording import Wording  # noqa: PLC0415

    if args.end < args.start:
        raise ConfigError(f"the report ends ({args.end}) before it starts ({args.start})")
    filters = Filters(args.start, args.end, args.bench, args.operator, args.category, args.supplier)
    store = open_store(paths.database_file(paths.data_dir()))
    try:
        pack = _pack_in_force(store, settings)
        report = build_report(store, pack, filters)
        report = with_forecast(report, store, date.today())
        with store.read() as session:
            words = Wording.of(pack, operator_names(session), settings[CURRENCY])
    finally:
        store.close()
    if args.format == "csv":
        write_csv(report, args.out)
    else:
        write_pdf(report, args.out, words)
    print(f"Report of {report.returns.units} returns written to {args.out}")
    if report.freshness:  # the site's other benches, as their last events reached this one
        print(f"Other benches of the site — {as_of(report.freshness, date.today())}.")
    return 0


def _verify_audit() -> int:
    from station.audit_chain import verify  # noqa: PLC0415
    from station.recording import utcnow  # noqa: PLC0415

    store = open_store(paths.database_file(paths.data_dir()))
    try:
        verdict = verify(store, utcnow())
    finally:
        store.close()
    if verdict.ok:
        print(
            f"The audit trail holds: {verdict.entries} entries chained, up to #{verdict.head_id}."
        )
        return 0
    print(
        f"station: the audit trail was tampered with: {verdict.broken} "
        f"({verdict.entries} entries hold before it). Call support.",
        file=sys.stderr,
    )
    return 1


def _history(store: Store, args: argparse.Namespace, settings: Settings) -> int:
    from demo.history import write_history  # noqa: PLC0415

    if args.days < 1 or args.units < 0:
        raise ConfigError("history needs --days of at least 1 and --units of at least 0")
    started = time.monotonic()
    written = write_history(
        store,
        load_rulepack(_rulepack_file(settings)),
        days=args.days,
        units=args.units,
        today=date.today(),
        seed=args.seed,
    )
    print(
        f"History written into {store.file}: {written.units} returned units and "
        f"{written.receipts} receipts over {written.days} days, "
        f"in {time.monotonic() - started:.0f} s."
    )
    for spike in written.spikes:
        print(f"  planted: {spike.extra} extra returns of {spike.kind} {spike.key} on {spike.day}")
    return 0


def _hub(args: argparse.Namespace, settings: Settings) -> int:
    from hub import cli as hub_cli  # noqa: PLC0415 - only the hub needs its server

    args.database = args.database or settings[HUB_DATABASE]
    if not args.database:
        raise ConfigError(
            "the hub needs its database: --database, STATION_HUB_DATABASE or hub.database"
        )
    if args.action == "serve":
        host = args.host or settings[HUB_HOST]
        return hub_cli.serve(args.database, host, args.port or settings[HUB_PORT])
    if args.action == "operator":
        if not args.which or not (args.remove or (args.name and args.role)):
            raise ConfigError(
                "station hub operator BADGE --name NAME --role ROLE, or BADGE --remove"
            )
        if args.remove:
            return hub_cli.remove_operator(args.database, args.which)
        return hub_cli.keep_operator(args.database, args.which, args.name, Role(args.role))
    if args.action == "rulepack":
        if not args.which:
            raise ConfigError("rulepack needs the pack's file: station hub rulepack FILE")
        return hub_cli.publish_rulepack(args.database, Path(args.which))
    if not args.which:
        raise ConfigError("enrol needs the bench's id: station hub enrol BENCH-07")
    return hub_cli.enrol(args.database, args.which)


def _pack_in_force(store: Store, settings: Settings) -> RulePack:
    """The site's rule pack once the hub put one in force, else the one the settings name."""
    with store.read() as session:
        return in_force(session, load_rulepack(_rulepack_file(settings)))


def _rulepack_file(settings: Settings) -> Path | None:
    chosen = settings[RULEPACK]
    return Path(chosen) if chosen else None
