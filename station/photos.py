"""Keeping a photo of a returned unit: a copy in the bench's photo folder, on disk for good.

The row that points at a photo is committed only after the file and the folder entry
that names it have both reached the disk, so a power cut cannot leave a row pointing
at nothing.

A photo is a file the image library opens as one of the formats a bench camera or phone
saves, no larger than ``PHOTO_LARGEST``; anything else (a text file, a device such as
``/dev/zero``, a film) is refused with the reason and nothing is kept. The copy goes in
chunks, so no photo is ever held in memory whole.
"""

import hashlib
import os
import stat
import uuid
import warnings
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from PIL import Image, UnidentifiedImageError

PHOTO_LARGEST = 25 * 1024 * 1024  # bytes: a bench camera's photo is a few megabytes
CHUNK = 1024 * 1024  # bytes copied at a time
# The formats a photo may be in, with the suffix it is kept under. Pillow's other readers
# (PostScript through Ghostscript, for one) are never given a file picked at the bench.
PHOTO_SUFFIXES = {"JPEG": ".jpg", "PNG": ".png", "WEBP": ".webp", "TIFF": ".tif", "BMP": ".bmp"}


class NotAPhoto(Exception):
    """The file picked is not taken as a photo; the message says why, for the operator."""


@dataclass(frozen=True)
class KeptPhoto:
    path: Path
    sha256: str


def keep_photo(folder: Path, source: Path) -> KeptPhoto:
    """Copy ``source`` into ``folder`` under a new name; raises NotAPhoto when it is not
    a photo, OSError when it cannot be read or kept."""
    if not stat.S_ISREG(source.stat().st_mode):
        raise NotAPhoto(f"{source.name} is not a file but a device or folder")
    with source.open("rb") as file:
        size = os.fstat(file.fileno()).st_size
        if size > PHOTO_LARGEST:
            raise NotAPhoto(f"{source.name} is {_megabytes(size)}, more than a photo's {_LARGEST}")
        suffix = PHOTO_SUFFIXES[_image_format(file, source.name)]
        file.seek(0)
        folder.mkdir(parents=True, exist_ok=True)
        target = folder / f"{uuid.uuid4()}{suffix}"
        digest = _copy(file, target, source.name)
    _sync_folder(folder)
    _sync_folder(folder.parent)  # the folder itself may be new
    return KeptPhoto(target, digest)


def _image_format(file: BinaryIO, name: str) -> str:
    """The photo's format, once the image library has read it through without fault."""
    try:
        with warnings.catch_warnings():
            # A picture of a billion pixels is a decompression bomb, not a photo.
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(file, formats=tuple(PHOTO_SUFFIXES)) as image:
                found = str(image.format)
                image.verify()
    except (UnidentifiedImageError, Image.DecompressionBombWarning) as exc:
        raise NotAPhoto(f"{name} is not a photo (JPEG, PNG, WebP, TIFF or BMP)") from exc
    except (OSError, SyntaxError, ValueError, Image.DecompressionBombError) as exc:
        raise NotAPhoto(f"{name} is a damaged image: {exc}") from exc
    return found


def _copy(file: BinaryIO, target: Path, name: str) -> str:
    """Copy in chunks to ``target`` and on to the disk; the sha256 of what was copied.
    Half a photo, or one refused on the way, is not left behind."""
    digest, copied = hashlib.sha256(), 0
    try:
        with target.open("wb") as kept:
            while chunk := file.read(CHUNK):
                copied += len(chunk)
                if copied > PHOTO_LARGEST:  # the file grew after its size was looked at
                    raise NotAPhoto(f"{name} grew past a photo's {_LARGEST} while copied")
                digest.update(chunk)
                kept.write(chunk)
            kept.flush()
            os.fsync(kept.fileno())
    except BaseException:
        target.unlink(missing_ok=True)
        raise
    return digest.hexdigest()


def _megabytes(size: int) -> str:
    return f"{size / 1024 / 1024:.0f} MB"


_LARGEST = _megabytes(PHOTO_LARGEST)


def _sync_folder(folder: Path) -> None:
    descriptor = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)
