"""The window with a site hub set: its work goes up on a thread of its own, and the
header's Site light says how replication stands, to a real hub process."""

from collections.abc import Callable

import pytest
from bench_driver import Scanner
from hub_process import enrolled, running_hub
from pytestqt.qtbot import QtBot
from sqlalchemy import create_engine, func, select
from sqlalchemy.orm import Session

import resources
from app.gui import start_site
from hub.cluster import free_port
from station.operators import Role, SignedIn
from station.recording import utcnow
from station.returns.view import Step
from station.settings import Settings
from station.store.engine import Store
from station.store.schema import OutboxEvent, SiteEvent, SiteRulepack
from station.supervisor import approvals
from sync.cycle import SyncStatus
from sync.hub.replicate import SiteState
from ui.main_window import MainWindow
from ui.style import Light

pytestmark = pytest.mark.gui


def at_the_hub(site_url: str) -> int:
    engine = create_engine(site_url)
    try:
        with Session(engine) as session:
            return session.scalar(select(func.count()).select_from(SiteEvent)) or 0
    finally:
        engine.dispose()


def test_a_bench_with_a_hub_replicates_and_the_header_tells_how_it_stands(
    make_window: Callable[[Settings], MainWindow],
    qtbot: QtBot,
    store: Store,
    site_url: str,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("STATION_HUB_TOKEN", enrolled("BENCH-01", site_url))
    port = free_port()
    settings = Settings().with_values(hub__url=f"http://127.0.0.1:{port}")
    window = make_window(settings)
    assert not window.header.site.isVisible()  # no word of a site until it is heard from
    heard: list[SiteState] = []
    link = start_site(store, settings, window)
    assert link is not None
    link.state_changed.connect(heard.append)
    try:
        scanner = Scanner(qtbot, window, settings)
        for code in ("BADGE-1001", "SNSITE0000001", "@TRIAGE", "@CONFIRM"):
            scanner.scan(code)
        # No hub on that port yet: the bench works on, and the light says what waits.
        # A round may have begun before the event was written: the one after counts it.
        qtbot.waitUntil(
            lambda: (
                bool(heard) and heard[-1].state is SyncStatus.OFFLINE and heard[-1].waiting == 1
            ),
            timeout=30_000,  # the backoff after the misses, up to 16 s
        )
        site = window.header.site
        assert site.isVisible()
        assert site.text.text().startswith("Site: offline, 1 to send")
        assert "the hub is away" in site.toolTip()
        assert site.state is Light.BUSY
        with running_hub(site_url, port):
            qtbot.waitUntil(
                lambda: heard[-1].state is SyncStatus.ONLINE and heard[-1].waiting == 0,
                timeout=30_000,  # the backoff after the misses, up to 16 s
            )
        assert site.text.text().startswith("Site: online, 0 to send")
        with store.read() as session:
            assert at_the_hub(site_url) == session.scalar(
                select(func.count()).select_from(OutboxEvent)
            )
    finally:
        link.stop()


def test_an_answer_from_another_bench_is_shown_at_once_without_a_scan(
    make_window: Callable[[Settings], MainWindow],
    qtbot: QtBot,
    store: Store,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("STATION_HUB_TOKEN", "a-token")
    settings = Settings().with_values(hub__url=f"http://127.0.0.1:{free_port()}")
    window = make_window(settings)
    link = start_site(store, settings, window)
    assert link is not None
    try:
        scanner = Scanner(qtbot, window, settings)
        for code in ("BADGE-1001", "RMA-10004", "5907725452020", "@YES", "@NO", "@NO", "@NO",
                     "@GRADE-A", "@DISP-DONATE"):  # fmt: skip
            scanner.scan(code)
        assert window.bench.view().step is Step.APPROVAL
        # What the site sync does when the hub brings Sam's answer from BENCH-02.
        with store.read() as session:
            (item,) = approvals.waiting(session, window.bench.inspection)
        sam = SignedIn("Sam Supervisor", "BADGE-3001", Role.SUPERVISOR)
        said = approvals.answer(
            store, window.bench.inspection, item, sam, approve=True, at_bench="BENCH-02"
        )
        heard = SiteState(SyncStatus.ONLINE, 0, None, "", applied=(f"Sam at BENCH-02: {said}",))
        link.state_changed.emit(heard)
        assert window.feedback is not None
        assert window.feedback.message == f"Sam at BENCH-02: {said}"
        # The screen moved on from "Supervisor: scan your badge" by itself.
        assert window.returns.prompt.text() == "Donate: CONFIRM to record"
    finally:
        link.stop()


def test_a_rule_pack_from_the_site_is_taken_up_between_two_units(
    make_window: Callable[[Settings], MainWindow], qtbot: QtBot, store: Store
) -> None:
    settings = Settings()
    window = make_window(settings)
    scanner = Scanner(qtbot, window, settings)
    for code in ("BADGE-1001", "RMA-10004", "5907725452020"):
        scanner.scan(code)
    assert window.bench.busy()
    # The site sync brought a pack in force while the unit is open.
    text = resources.path("rulepacks", "returns.toml").read_text(encoding="utf-8")
    newer = text.replace('version = "2026.11-1"', 'version = "2026.12-1"')
    with store.unit() as session:
        session.add(SiteRulepack(id=1, version="2026.12-1", text=newer, published_at=utcnow()))
    window.heard_from_site(SiteState(SyncStatus.ONLINE, 0, None, "", rulepack="2026.12-1"))
    assert window.bench.pack.version == "2026.11-1"  # the open unit keeps its pack
    for code in ("@YES", "@NO", "@NO", "@NO", "@GRADE-A"):
        scanner.scan(code)
    assert window.bench.pack.version == "2026.11-1"
    scanner.scan("@CONFIRM")
    assert window.bench.pack.version == "2026.12-1"
    assert window.bench.inspection.pack.version == "2026.12-1"
    assert window.feedback is not None
    assert window.feedback.message.startswith("Recorded")
    assert window.feedback.message.endswith(
        "Rule pack 2026.12-1 from the site is in force from the next unit on."
    )


def test_a_rule_pack_from_the_site_is_taken_up_at_once_at_an_idle_bench(
    make_window: Callable[[Settings], MainWindow], store: Store
) -> None:
    window = make_window(Settings())
    text = resources.path("rulepacks", "returns.toml").read_text(encoding="utf-8")
    with store.unit() as session:
        session.add(
            SiteRulepack(
                id=1, version="2026.12-1", published_at=utcnow(),
                text=text.replace('version = "2026.11-1"', 'version = "2026.12-1"'),
            )
        )  # fmt: skip
    window.heard_from_site(SiteState(SyncStatus.ONLINE, 0, None, "", rulepack="2026.12-1"))
    assert window.bench.pack.version == "2026.12-1"
    assert window.feedback is not None
    assert window.feedback.message == (
        "Rule pack 2026.12-1 from the site is in force from the next unit on."
    )


def test_events_the_hub_refused_keep_the_site_light_red_until_settled(
    make_window: Callable[[Settings], MainWindow],
) -> None:
    window = make_window(Settings().with_values(hub__url="http://127.0.0.1:1"))
    window.header.show_site(SiteState(SyncStatus.ONLINE, 0, None, "", conflicts=1, refused=2))
    site = window.header.site
    assert site.text.text().startswith("Site: online, 0 to send, last never, 1 conflict, 2 refused")
    assert site.state is Light.BAD  # however well the link itself goes
    assert "2 event(s) the hub refused wait for a supervisor" in site.toolTip()
    window.header.show_site(SiteState(SyncStatus.ONLINE, 0, None, ""))
    assert site.state is Light.OK
