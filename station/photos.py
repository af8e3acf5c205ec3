"""Keeping a photo of a returned unit: a copy in the bench's photo folder, on disk for good.

The row that points at a photo is committed only after the file and the folder entry
that names it have both reached the disk, so a power cut cannot leave a row pointing
at nothing.
"""

import hashlib
import os
import uuid
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class KeptPhoto:
    path: Path
    sha256: str


def keep_photo(folder: Path, source: Path) -> KeptPhoto:
    """Copy ``source`` into ``folder`` under a new name; raises OSError when it cannot."""
    data = source.read_bytes()
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / f"{uuid.uuid4()}{source.suffix.lower()}"
    with target.open("wb") as file:
        file.write(data)
        file.flush()
        os.fsync(file.fileno())
    _sync_folder(folder)
    _sync_folder(folder.parent)  # the folder itself may be new
    return KeptPhoto(target, hashlib.sha256(data).hexdigest())


def _sync_folder(folder: Path) -> None:
    descriptor = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)
