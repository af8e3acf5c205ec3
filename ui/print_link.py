"""The print worker's news, handed from its thread to the GUI thread.

Signals:
    jobs_settled(int): that many label jobs were printed (or failed) in the last round.
"""

from PySide6.QtCore import QObject, Signal

from devices.label_jobs import zpl_renderer
from devices.print_queue import PrintQueue, PrintWorker
from devices.printers import printer_for
from station import settings as S
from station.store.engine import Store


class PrintLink(QObject):
    jobs_settled = Signal(int)

    def __init__(self, store: Store, settings: S.Settings, parent: QObject | None = None) -> None:
        super().__init__(parent)
        queue = PrintQueue(
            store,
            settings[S.BENCH_ID],
            printer_for(settings[S.PRINTER_URL], settings[S.PRINTER_BAUD]),
            zpl_renderer(settings[S.PRINTER_DPI]),
        )
        # Emitted from the worker thread; Qt queues it to this object's (GUI) thread.
        self.worker = PrintWorker(queue, on_printed=self.jobs_settled.emit)

    def start(self) -> None:
        self.worker.start()

    def stop(self) -> None:
        self.worker.stop()
