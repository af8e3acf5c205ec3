"""The states the store's status columns hold, named as the warehouse says them.

Each is stored as its value, with a CHECK constraint in the store, so a typo in code is
caught by mypy and one in a row by the database. A leaf module, so that the schema can
type its columns with them while the modules that move rows from state to state (such as
``station.label_jobs``) import the schema.
"""

from enum import StrEnum


class UnitStatus(StrEnum):
    """A return unit at the bench: being worked, or how its work ended."""

    OPEN = "open"
    DECIDED = "decided"  # a disposition recorded, its LPN and label made
    TRIAGE = "triage"  # found no RMA: sent to triage
    CANCELLED = "cancelled"


class ReceiptStatus(StrEnum):
    """A receipt worked at the bench."""

    OPEN = "open"
    CLOSED = "closed"
    CANCELLED = "cancelled"


class ExpectedStatus(StrEnum):
    """An expected receipt's work as the ERP has it: open to receive, or not any more."""

    OPEN = "open"
    DONE = "done"
    CANCELLED = "cancelled"


class ShipmentState(StrEnum):
    """A shipment's state in the ERP (Tryton's customer return and supplier shipments)."""

    DRAFT = "draft"
    RECEIVED = "received"
    DONE = "done"
    CANCELLED = "cancelled"


class OutboxStatus(StrEnum):
    """An outbox event on its way to the ERP."""

    PENDING = "pending"
    SENT = "sent"
    REJECTED = "rejected"  # in the exception queue, for a supervisor
    HANDLED = "handled"  # a supervisor dealt with it another way: never sent


class RefusalStatus(StrEnum):
    """An outbox event the site's hub refused to take, in the exception queue."""

    REFUSED = "refused"  # waiting for a supervisor; the events after it went on
    AGAIN = "again"  # a supervisor sent it again: up at the next round of the site sync
    HANDLED = "handled"  # a supervisor dealt with it another way: never sent to the hub


class LabelJobState(StrEnum):
    """Where a label job is in its life; ``station.label_jobs`` moves it along."""

    QUEUED = "queued"  # waiting for its printer, perhaps until a next try after a miss
    SENDING = "sending"  # claimed: its bytes are going out now
    PRINTED = "printed"
    # Sent, but the printer never said it was done: a person decides whether to print it
    # again, so no retry prints a label twice.
    UNSURE = "unsure"
    FAILED = "failed"  # no label can carry its data: no retry will help


class Verdict(StrEnum):
    """A return policy rule's verdict on a unit, and the unit's (its rules' worst)."""

    PASS = "pass"
    WARN = "warn"  # recorded, and the inspector looks twice
    FAIL = "fail"


class LocationKind(StrEnum):
    """What a location is for: only bins take good stock; the others hold what must not be
    put away with it."""

    BIN = "bin"
    QUARANTINE = "quarantine"
    DAMAGED = "damaged"
    DISPOSITION = "disposition"  # where a disposition sends returned units
    TRIAGE = "triage"


class ScanOutcome(StrEnum):
    """What became of a scan, as the scan log keeps it."""

    ACCEPTED = "accepted"
    REJECTED = "rejected"  # unreadable or refused: logged, answered with the reason
    REFUSED = "refused"  # read, but not allowed now (a wrong PIN, a step out of turn)
    DUPLICATE = "duplicate"  # the same code again within the window: ignored
    FAILED = "failed"  # the station broke on it (a bug): logged with its traceback, red


class DiscrepancyKind(StrEnum):
    """How a receipt's count differs from what was announced, as the ERP is told it (in the
    ``receipt_closed`` event, not a column: no CHECK)."""

    OVER = "over"
    SHORT = "short"
    UNEXPECTED = "unexpected"  # an item nobody announced
    DAMAGED = "damaged"
    EXPIRY = "expiry"  # a lot short of shelf life, accepted by a supervisor


class ApprovalState(StrEnum):
    """An approval of one bench as the site knows it (``site_approval``)."""

    WAITING = "waiting"
    APPROVED = "approved"
    REFUSED = "refused"
    WITHDRAWN = "withdrawn"  # the bench moved on: answered there, or the work undone


class ConflictKind(StrEnum):
    """What two benches of the site did that cannot both stand (``site_conflict``)."""

    CLAIM = "claim"  # both worked the same RMA line or expected receipt
    SERIAL = "serial"  # both took in the same serial


class SerialUse(StrEnum):
    """How a serial came into the site: each is unique across the site (``site_serial``)."""

    RECEIVED = "received"  # from a supplier, at receiving
    RETURNED = "returned"  # from a customer, at a returns bench
