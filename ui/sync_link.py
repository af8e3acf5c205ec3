"""The ERP sync worker's news, handed from its thread to the GUI thread.

Signals:
    state_changed(object): a ``SyncState`` after each cycle.
    pull_progress(str, int, int): a long pull's entity, rows pulled, rows in all.
"""

from collections.abc import Callable

from PySide6.QtCore import QObject, Signal

from station.setting_keys import ERP_INTERVAL_S
from station.settings import Settings
from station.store.engine import Store
from sync.connector import Connector
from sync.cycle import SyncWorker


class SyncLink(QObject):
    state_changed = Signal(object)
    pull_progress = Signal(str, int, int)

    def __init__(
        self,
        store: Store,
        settings: Settings,
        connect: Callable[[], Connector],
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        # Emitted from the worker thread; Qt queues them to this object's (GUI) thread.
        self.worker = SyncWorker(
            connect,
            store,
            self.state_changed.emit,
            settings[ERP_INTERVAL_S],
            self.pull_progress.emit,
        )

    def start(self) -> None:
        self.worker.start()

    def stop(self) -> None:
        self.worker.stop()
