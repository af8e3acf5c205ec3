"""A live Tryton for the ERP benches: started on 127.0.0.1 from a folder, always stopped.

The server runs in a session of its own (``demo.erp_server``), so neither Ctrl-C nor the end
of this process takes it down: it is stopped here by its pid whatever happens, SIGTERM
included, and a folder under a temporary directory leaves nothing behind.
"""

import signal
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from types import FrameType

from demo import erp_server


def _exit_on_sigterm(signum: int, _frame: FrameType | None) -> None:
    sys.exit(128 + signum)  # SystemExit unwinds through the ``finally`` that stops the server


@contextmanager
def running(folder: Path) -> Iterator[erp_server.Running]:
    """The server of ``folder``, initialised and seeded first if the folder is new."""
    signal.signal(signal.SIGTERM, _exit_on_sigterm)
    try:
        yield erp_server.start(folder)
    finally:
        erp_server.stop(folder)
