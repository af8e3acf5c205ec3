"""The print worker's news, handed from its thread to the GUI thread.

Signals:
    printer_tried(object): a ``Tried`` after each try at a label job, printed or not.
"""

from PySide6.QtCore import QObject, Signal

from devices.label_jobs import zpl_renderer
from devices.print_queue import PrintQueue, PrintWorker
from devices.printers import printer_for
from station.setting_keys import (
    BENCH_ID,
    PRINTER2_DPI,
    PRINTER2_LABELS,
    PRINTER2_STOCK,
    PRINTER2_URL,
    PRINTER_BAUD,
    PRINTER_DPI,
    PRINTER_STOCK,
    PRINTER_URL,
)
from station.settings import Settings
from station.store.engine import Store


def printer_set(settings: Settings) -> bool:
    """Whether this bench has a printer for its labels at all."""
    return bool(settings[PRINTER_URL] or settings[PRINTER2_URL])


class PrintLink(QObject):
    printer_tried = Signal(object)

    def __init__(self, store: Store, settings: Settings, parent: QObject | None = None) -> None:
        super().__init__(parent)
        bench = settings[BENCH_ID]
        second = frozenset(p.strip() for p in settings[PRINTER2_LABELS].split(",") if p.strip())
        if not settings[PRINTER2_URL]:
            second = frozenset()
        queues = []
        if settings[PRINTER_URL]:
            queues.append(
                PrintQueue(
                    store,
                    bench,
                    printer_for(settings[PRINTER_URL], settings[PRINTER_BAUD]),
                    zpl_renderer(settings[PRINTER_DPI], settings[PRINTER_STOCK]),
                    leaving=second,
                )
            )
        if second:
            queues.append(
                PrintQueue(
                    store,
                    bench,
                    printer_for(settings[PRINTER2_URL], settings[PRINTER_BAUD]),
                    zpl_renderer(settings[PRINTER2_DPI], settings[PRINTER2_STOCK]),
                    purposes=second,
                )
            )
        # One worker per printer, so a printer that is away holds up only its own labels.
        # Emitted from the worker threads; Qt queues it to this object's (GUI) thread.
        self.workers = [PrintWorker(q, on_tried=self.printer_tried.emit) for q in queues]
        self.printers = [q.printer.name for q in queues]

    def start(self) -> None:
        for worker in self.workers:
            worker.start()

    def stop(self) -> None:
        for worker in self.workers:
            worker.stop()
