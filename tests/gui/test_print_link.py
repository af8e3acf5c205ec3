"""The print worker behind the window: a recorded return's label leaves the queue."""

from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot
from sqlalchemy import select

from station.label_jobs import queue_label
from station.settings import Settings
from station.states import LabelJobState
from station.store.engine import Store
from station.store.schema import LabelJob
from ui.print_link import PrintLink

pytestmark = pytest.mark.gui


def test_queued_labels_are_printed_and_the_window_is_told(
    qtbot: QtBot, store: Store, tmp_path: Path
) -> None:
    with store.unit() as session:
        queue_label(
            session,
            bench="BENCH-01",
            template="triage",
            data={
                "lpn": "LPN-BENCH-01-000009",
                "disposition": "Triage",
                "destination": "LOC-TRIAGE",
            },
        )
    settings = Settings().with_values(printer__url=f"folder:{tmp_path / 'labels'}")
    link = PrintLink(store, settings)
    with qtbot.waitSignal(link.jobs_settled, timeout=5000) as settled:
        link.start()
    link.stop()
    assert settled.args == [1]
    (written,) = (tmp_path / "labels").iterdir()
    assert "LPN-BENCH-01-000009" in written.read_text()
    with store.read() as session:
        assert session.scalars(select(LabelJob.status)).one() == LabelJobState.PRINTED
