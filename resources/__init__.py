"""Data the station ships: rule packs, label templates, sounds. No logic lives here."""

from pathlib import Path

ROOT = Path(__file__).resolve().parent


def path(*parts: str) -> Path:
    """The path of a shipped resource file, e.g. ``path("sounds", "good.wav")``."""
    return ROOT.joinpath(*parts)
