"""What the operator perceives after an action: a tone and a sentence."""

from dataclasses import dataclass
from enum import StrEnum


class Tone(StrEnum):
    GOOD = "good"  # recorded: green flash, short high tone
    BAD = "bad"  # refused or not recorded: red flash, long low tone
    WARN = "warn"  # recorded, but look: amber flash
    DUPLICATE = "duplicate"  # the same code again within the window: ignored


@dataclass(frozen=True)
class Feedback:
    """``stored`` is False when the local database failed: the screen says so in red.

    ``switch_to`` names the bench mode (returns, receiving) the station should change to.
    """

    tone: Tone
    message: str
    stored: bool = True
    switch_to: str | None = None

    @classmethod
    def good(cls, message: str) -> "Feedback":
        return cls(Tone.GOOD, message)

    @classmethod
    def bad(cls, message: str) -> "Feedback":
        return cls(Tone.BAD, message)

    @classmethod
    def warn(cls, message: str) -> "Feedback":
        return cls(Tone.WARN, message)

    @classmethod
    def not_stored(cls, what: str, error: Exception) -> "Feedback":
        return cls(
            Tone.BAD,
            f"NOT RECORDED: {what} (the local database failed: {error}). "
            "Try again; call a supervisor if it repeats.",
            stored=False,
        )
