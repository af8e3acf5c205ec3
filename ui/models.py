"""Thin table models over the core's queries: the triage queue, label jobs and recent scans.

Each model copies the rows it shows into plain text when ``refresh`` is called (after every
action at the bench), so painting never touches the database. A model whose table is out
of sight (a tab behind another) only counts at a refresh and reads its rows when its tab
is opened: 200 rows read for nobody cost every scan 3 to 5 ms.
"""

from datetime import UTC, datetime
from typing import Any, ClassVar

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QObject, QPersistentModelIndex, Qt
from PySide6.QtGui import QBrush, QColor
from sqlalchemy.orm import Session

from station import label_jobs
from station.feedback import Tone
from station.recording import recent_scans, scanned
from station.returns.view import triage_count, triage_queue
from station.states import LabelJobState, ScanOutcome
from station.store.engine import Store
from ui.style import TONE_COLOURS

Row = tuple[str, ...]
# The tables show the recent past; the full history is in the store and its reports.
RECENT = 200
_NO_INDEX = QModelIndex()


def local_time(at: datetime | None, shape: str = "%H:%M:%S") -> str:
    """A stored UTC time as the bench's local clock time, which is what operators read
    (``shape``: with the day, say, for what may wait for days)."""
    if at is None:
        return ""
    return at.replace(tzinfo=UTC).astimezone().strftime(shape)


class TextTableModel(QAbstractTableModel):
    """Rows of text under fixed headers; ``show`` replaces them all."""

    headers: tuple[str, ...] = ()

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._rows: list[Row] = []

    def show(self, rows: list[Row]) -> None:
        self.beginResetModel()
        self._rows = rows
        self.endResetModel()

    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = _NO_INDEX) -> int:
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: QModelIndex | QPersistentModelIndex = _NO_INDEX) -> int:
        return 0 if parent.isValid() else len(self.headers)

    def data(
        self, index: QModelIndex | QPersistentModelIndex, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if not index.isValid() or index.row() >= len(self._rows):
            return None
        row = self._rows[index.row()]
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
            return row[index.column()]
        if role == Qt.ItemDataRole.ForegroundRole:
            return self.foreground(row)
        return None

    def foreground(self, row: Row) -> QBrush | None:  # noqa: ARG002 - plain rows by default
        return None

    def headerData(
        self,
        section: int,
        orientation: Qt.Orientation,
        role: int = Qt.ItemDataRole.DisplayRole,
    ) -> Any:
        if (
            orientation is Qt.Orientation.Horizontal
            and role == Qt.ItemDataRole.DisplayRole
            and 0 <= section < len(self.headers)
        ):
            return self.headers[section]
        return None


class StoreTableModel(TextTableModel):
    """Rows of text from one of the core's queries; subclasses name the columns and turn
    what it found into text."""

    def __init__(self, store: Store, bench: str, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.store = store
        self.bench = bench
        self.in_sight = True
        self.stale = False  # rows not read at the last refresh, while out of sight

    def refresh(self) -> None:
        with self.store.read() as session:
            self.tally(session)
            if self.in_sight:
                self.show(self.query(session))
        self.stale = not self.in_sight

    def sight(self, in_sight: bool) -> None:
        """Whether a table shows these rows now; coming into sight, they are read if stale."""
        self.in_sight = in_sight
        if in_sight and self.stale:
            self.refresh()

    def tally(self, session: Session) -> None:
        """Counts shown outside the table (a tab's title, a header light), kept current
        whether the table is in sight or not."""

    def query(self, session: Session) -> list[Row]:
        raise NotImplementedError


class TriageQueueModel(StoreTableModel):
    """Units sent to triage (no RMA found), newest first, for whoever works the shelf."""

    headers = ("Sent", "LPN", "Scanned", "SKU", "Operator", "Notes")

    def __init__(self, store: Store, bench: str, parent: QObject | None = None) -> None:
        super().__init__(store, bench, parent)
        self.waiting = 0

    def tally(self, session: Session) -> None:
        self.waiting = triage_count(session)

    def query(self, session: Session) -> list[Row]:
        return [
            (
                local_time(u.finished_at),
                u.lpn or "",
                u.identified_by,
                u.sku or "",
                u.operator,
                u.notes.replace("\n", " "),
            )
            for u in triage_queue(session, RECENT)
        ]


class LabelJobModel(StoreTableModel):
    """This bench's label jobs, newest first; ``queued`` counts the jobs waiting for the
    printer, ``unsure`` those that may or may not have printed."""

    headers = ("Queued at", "LPN", "Label", "Destination", "Status", "Attempts", "Last error")

    def __init__(
        self, store: Store, bench: str, printer_set: bool, parent: QObject | None = None
    ) -> None:
        super().__init__(store, bench, parent)
        self.queued = 0
        self.unsure = 0  # sent part way: a person checks the printer before they go again
        # A job that no printer will take says why it waits, not an empty last error.
        self.why_waiting = "" if printer_set else "no printer set"

    def tally(self, session: Session) -> None:
        self.queued = label_jobs.count(session, self.bench, LabelJobState.QUEUED)
        self.unsure = label_jobs.count(session, self.bench, LabelJobState.UNSURE)

    def query(self, session: Session) -> list[Row]:
        return [
            (
                local_time(job.created_at),
                str(job.data.get("lpn") or ""),
                job.template + (" (reprint)" if job.data.get("reprint") else ""),
                str(job.data.get("destination") or ""),
                job.status.value,
                str(job.attempts),
                job.last_error or (self.why_waiting if job.status is LabelJobState.QUEUED else ""),
            )
            for job in label_jobs.recent(session, self.bench, RECENT)
        ]

    def foreground(self, row: Row) -> QBrush | None:
        failed = row[4] == LabelJobState.FAILED
        return QBrush(QColor(TONE_COLOURS[Tone.BAD])) if failed else None


class ScanLogModel(StoreTableModel):
    """What this bench read lately and what became of each read. The outcome and its reason
    come first: a long code read (a GS1 string runs to 80 characters) would push the
    reason out of sight at the right of the table."""

    headers = ("Time", "Outcome", "Message", "Scanned", "Kind", "Operator")
    _OUTCOME_TONES: ClassVar[dict[str, Tone]] = {
        ScanOutcome.REJECTED: Tone.BAD,
        ScanOutcome.REFUSED: Tone.BAD,
        ScanOutcome.FAILED: Tone.BAD,
        ScanOutcome.DUPLICATE: Tone.DUPLICATE,
    }

    def query(self, session: Session) -> list[Row]:
        return [
            (local_time(s.at), s.outcome, s.message, scanned(s), s.kind, s.operator or "")
            for s in recent_scans(session, self.bench, RECENT)
        ]

    def foreground(self, row: Row) -> QBrush | None:
        tone = self._OUTCOME_TONES.get(row[1])
        return QBrush(QColor(TONE_COLOURS[tone])) if tone else None
