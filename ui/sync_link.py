"""The ERP sync worker's news, handed from its thread to the GUI thread.

Signals:
    state_changed(object): a ``SyncState`` after each cycle.
"""

from PySide6.QtCore import QObject, Signal

from station import settings as S
from station.store.engine import Store
from sync.credentials import erp_password
from sync.cycle import SyncWorker
from sync.rpc import Client, Login

INTERVAL_S = 30.0


class SyncLink(QObject):
    state_changed = Signal(object)

    def __init__(self, store: Store, settings: S.Settings, parent: QObject | None = None) -> None:
        super().__init__(parent)
        user, url = settings[S.ERP_USER], settings[S.ERP_URL]
        login = Login(url, settings[S.ERP_DATABASE], user, erp_password(user, url))
        # Emitted from the worker thread; Qt queues it to this object's (GUI) thread.
        self.worker = SyncWorker(Client(login), store, self.state_changed.emit, INTERVAL_S)

    def start(self) -> None:
        self.worker.start()

    def stop(self) -> None:
        self.worker.stop()
