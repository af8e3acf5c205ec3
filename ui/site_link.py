"""The site replication's news, handed from its thread to the GUI thread.

Signals:
    state_changed(object): a ``SiteState`` after each round.
"""

from collections.abc import Callable

from PySide6.QtCore import QObject, Signal

from station.returns.inspection import Inspection
from station.store.engine import Store
from sync.hub.exchange import Exchange
from sync.hub.replicate import SiteWorker
from sync.hub.wire import HubWire


class SiteLink(QObject):
    state_changed = Signal(object)

    def __init__(
        self,
        store: Store,
        bench: str,
        connect: Callable[[], HubWire],
        inspection: Inspection,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        # Emitted from the worker thread; Qt queues it to this object's (GUI) thread.
        self.worker = SiteWorker(
            connect, store, bench, self.state_changed.emit,
            exchange=Exchange(store, bench, inspection),
        )  # fmt: skip

    def start(self) -> None:
        self.worker.start()

    def stop(self) -> None:
        self.worker.stop()
