"""Where the station keeps its files, resolved once per run.

Per-user directories come from platformdirs; ``STATION_DATA_DIR`` and ``STATION_CONFIG``
point a run elsewhere (tests, support staff, a second bench on one PC).
"""

import os
from pathlib import Path

import platformdirs

from station.errors import StoreError

APP = "station"


def data_dir() -> Path:
    override = os.environ.get("STATION_DATA_DIR")
    folder = Path(override) if override else Path(platformdirs.user_data_dir(APP, appauthor=False))
    return usable(folder)


def usable(folder: Path) -> Path:
    """``folder``, made if missing; one that cannot be made is said in words, not a traceback."""
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise StoreError(
            f"The station cannot use its data folder {folder}: {exc.strerror}. "
            "Check that the folder is on a writable disk, or set STATION_DATA_DIR to one that is."
        ) from exc
    return folder


def config_file(explicit: str | None = None) -> Path:
    """The TOML file: ``--config`` first, then ``STATION_CONFIG``, then the per-user file."""
    chosen = explicit or os.environ.get("STATION_CONFIG")
    if chosen:
        return Path(chosen)
    return Path(platformdirs.user_config_dir(APP, appauthor=False)) / "station.toml"


def database_file(folder: Path) -> Path:
    return folder / "station.db"


def log_file(folder: Path) -> Path:
    return folder / "logs" / "station.log"


def photo_dir(folder: Path) -> Path:
    return usable(folder / "photos")


def backup_dir(folder: Path) -> Path:
    return usable(folder / "backups")
