"""Names the push relies on finding in the ERP: set up once at a site (the demo's seed
makes them too), then looked up by name rather than by id, which differs per database;
and the states of the ERP's own documents the handlers act on."""

from enum import StrEnum

UNIDENTIFIED = "Unidentified returns"  # the party unexpected returns come from
RETURN_GATE = "stock.shipment.out.return:receive"  # the operation a return waits at
GRADE_POINT = "grade"  # the inspection's point: A=1 .. E=5; the control's tolerance says which pass


class ComplaintState(StrEnum):
    """A sale complaint's states in Tryton (sale_complaint), as the refund handler meets them."""

    DRAFT = "draft"
    WAITING = "waiting"
    APPROVED = "approved"
    REJECTED = "rejected"
    DONE = "done"
    CANCELLED = "cancelled"


class AlertState(StrEnum):
    """A quality alert's states in Tryton (quality)."""

    OPEN = "open"
    PROCESSING = "processing"
    DEFERRED = "deferred"
    RESOLVED = "resolved"


class InspectionState(StrEnum):
    """A quality inspection's states in Tryton (quality)."""

    PENDING = "pending"
    PASSED = "passed"
    FAILED = "failed"


class MoveState(StrEnum):
    """A stock move's states in Tryton (stock)."""

    STAGING = "staging"
    DRAFT = "draft"
    ASSIGNED = "assigned"
    DONE = "done"
    CANCELLED = "cancelled"
