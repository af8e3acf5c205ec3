"""Logging for a bench: a rotating file in the data directory, so support can ask for it."""

import logging
import logging.handlers
from pathlib import Path

from station.errors import StoreError
from station.paths import log_file, usable

FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"


def setup_logging(data_dir: Path, level: int = logging.INFO) -> Path:
    """Send every log line to a rotating file; returns the file's path for crash dialogs."""
    file = log_file(data_dir)
    usable(file.parent)
    try:
        handler = logging.handlers.RotatingFileHandler(
            file, maxBytes=2_000_000, backupCount=5, encoding="utf-8"
        )
    except OSError as exc:
        raise StoreError(
            f"The station cannot write its log file {file}: {exc.strerror}. "
            "Check that the data folder is on a writable disk."
        ) from exc
    handler.setFormatter(logging.Formatter(FORMAT))
    root = logging.getLogger()
    root.addHandler(handler)
    root.setLevel(level)
    logging.captureWarnings(True)
    return file
