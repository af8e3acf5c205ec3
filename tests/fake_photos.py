"""Photos for tests: small real images, as a bench camera would save them."""

from pathlib import Path

from PIL import Image


def photo_at(path: Path, colour: str = "red") -> Path:
    """A 16 by 12 picture at ``path``, in the format its suffix names (.jpg, .png, …)."""
    Image.new("RGB", (16, 12), colour).save(path)
    return path
