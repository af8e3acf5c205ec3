"""Two kinds of failure: the environment's (shown to the operator) and our own bugs."""


class KnownError(Exception):
    """A condition of the environment or of the input the operator can act on.

    The message is written for the operator: it says what happened and what to do.
    """


class ConfigError(KnownError):
    """The configuration file is unreadable or holds a bad value."""


class StoreError(KnownError):
    """The local database cannot be opened or written (disk full, too new, locked)."""


class NotAllowed(KnownError):
    """The operator's role does not permit this action; ``who`` is the badge that tried."""

    def __init__(self, message: str, who: str | None = None) -> None:
        super().__init__(message)
        self.who = who


class Refusal(KnownError):
    """A valid code the bench cannot take at this step; the message says what it expects."""
