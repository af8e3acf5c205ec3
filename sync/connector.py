"""The one interface the sync cycle speaks to an upstream through: the ERP (Tryton), and
in time the site hub or a second ERP, each an implementation of ``Connector``.

What stays the cycle's, whatever the upstream: one cycle at a time per bench, every
entity pulled page by page with its cursor stored in the transaction that applies the
page, then the bench's due events pushed oldest first with backoff, the exception queue,
and their outcomes written in batches. What is the upstream's: its wire, its queries,
how its rows land in the store, and how it makes one event's effect at most once.

Every call ends in a result (for a push: done) or in one of the answers below, which the
cycle acts on, so an upstream classifies its own failures into them:

- ``RetryLater``: the upstream is away or asked to be asked later; the round stops, and
  the event waits with backoff (the ones behind it would meet the same).
- ``LogInAgain``: the login is refused; the whole round waits for one, no event is blamed.
- ``Rejected``: the upstream refused this request; sending it again cannot help, so the
  event goes to the exception queue and the round goes on with the next.
- ``Later`` (a push only): the event waits on one behind it in the outbox; it gets
  another pass once those went.
"""

from collections.abc import Callable, Collection, Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Protocol, TypeVar

from sqlalchemy.orm import Session

from station.outbox import OutboxRecord


class RetryLater(Exception):
    """The upstream could not be reached or asked to be asked later; ``after`` in seconds."""

    def __init__(self, message: str, after: float | None = None) -> None:
        super().__init__(message)
        self.after = after


class LogInAgain(Exception):
    """The session is gone (or the password is wrong, when logging in)."""


class Rejected(Exception):
    """The upstream refused the request itself; ``kind`` is its name for the refusal."""

    def __init__(self, kind: str, message: str) -> None:
        super().__init__(f"{kind}: {message}")
        self.kind = kind
        self.message = message


class Later(Exception):
    """The event waits on one behind it in the outbox (a receipt's putaways on its close):
    it stays pending, untried, for the next pass."""


R = TypeVar("R", bound=OutboxRecord)


@dataclass(frozen=True)
class Outgoing:
    """One bench event on its way upstream, as a connector is handed it: its UUID (the same
    on every try, for the upstream to find its effect by), its record, ``fresh`` when it was
    never set out to be sent before (so nothing of it can be there yet and a create needs
    no lookup first), and ``sent_alike``, the events alike to it (``likeness``) sent before
    it."""

    event_id: str
    record: OutboxRecord
    fresh: bool
    sent_alike: int = 0

    def read(self, kind: type[R]) -> R:
        """The record as the kind its handler takes (handlers are chosen by kind)."""
        if not isinstance(self.record, kind):
            raise Rejected("Payload", f"a {self.record.kind} event is not a {kind.__name__}")
        return self.record


# What makes events alike to a connector (a disposition's RMA, item and destination).
Likeness = tuple[object, ...]


@dataclass(frozen=True)
class Cursor:
    """How far the pulls of one entity got, as the store keeps it (``SyncCursor``):
    changes up to ``since`` (the upstream's clock) are in; within a pull cut off,
    ``last_id`` is the last row applied, and 0 between whole pulls; ``pulled_at`` is
    when the last whole pull started."""

    since: datetime | None = None
    last_id: int = 0
    pulled_at: datetime | None = None


@dataclass(frozen=True)
class Page:
    """Rows of one entity and the cursor after them: the cycle applies both in one
    transaction, so a pull cut off resumes after the last page it applied. The last page
    of a pull may have no rows: it carries the cursor the next pull starts from."""

    rows: list[Any]  # as the upstream sent them
    apply: Callable[[Session, list[Any]], None]  # how they land in the station's store
    after: Cursor
    total: int | None = None  # rows in the whole pull, once counted (longer than a page)


class Connector(Protocol):
    """An upstream as the cycle sees it. An instance lives as long as the cycles that use
    it (the worker's, or one ``sync --once``), so it may keep lookups between them; it is
    used from one thread at a time."""

    @property
    def entities(self) -> Sequence[str]:
        """What is pulled, in the order their references need (locations before items)."""

    @property
    def kinds(self) -> Collection[str]:
        """The outbox event kinds it takes; others stay pending for another upstream."""

    def likeness(self, event: OutboxRecord) -> Likeness | None:
        """For events whose effect upstream is counted, not created (a unit sent to its
        disposition adds one there): what makes two of a kind about the same subject
        alike, so a retry can tell its own effect from the ones of the alike events sent
        before; None for the events whose effect is created (and looked up)."""

    def log_in(self) -> None:
        """Logs in unless a session is open."""

    def pull(self, entity: str, after: Cursor, counting: bool) -> Iterator[Page]:
        """The rows of ``entity`` changed since ``after``, page by page: a pull's pages
        share what it saw (when it started, the newest change), which is why this is one
        iterator and not one call a page. ``counting``: someone watches a long pull, so
        count its rows once it proves longer than a page."""

    def expect(self, events: Sequence[OutboxRecord]) -> None:
        """The events about to be pushed, oldest first, for lookups they share to be made
        at once; nothing is sent (a failure here would not be any one event's)."""

    def push(self, event: Outgoing) -> None:
        """Makes the event's effect upstream at most once, however often it is sent.
        Returns when done, else raises one of the answers above."""
