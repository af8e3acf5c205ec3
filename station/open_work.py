"""The work the bench still has in hand on a document (an RMA, an expected receipt): what
is open at the bench, and the events about it not yet sent to the ERP.

A document the ERP finishes or cancels while the bench has work on it is a conflict to
show; one without is simply closed. This is that rule, for the sync to ask.
"""

from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from station.outbox import ReceiptEvent, RmaEvent, unsent_about
from station.states import ReceiptStatus, UnitStatus
from station.store.schema import Receipt, ReturnUnit, RmaLine


@dataclass(frozen=True)
class OpenWork:
    at_bench: int
    unsent: int
    kind: str  # what is open at the bench: units of an RMA, receipts of a delivery

    def __bool__(self) -> bool:
        return bool(self.at_bench or self.unsent)

    def __str__(self) -> str:
        return f"{self.at_bench} {self.kind}(s) open, {self.unsent} event(s) not yet sent"


def on_rma(session: Session, number: str) -> OpenWork:
    """Units of the RMA still being worked, and events naming it not yet sent."""
    units = session.scalar(
        select(func.count())
        .select_from(ReturnUnit)
        .join(RmaLine, ReturnUnit.rma_line_id == RmaLine.id)
        .where(RmaLine.rma_number == number, ReturnUnit.status == UnitStatus.OPEN)
    )
    return OpenWork(units or 0, unsent_about(session, RmaEvent, number), "unit")


def on_receipt(session: Session, number: str) -> OpenWork:
    """Receipts of the expected delivery still open at a bench, and events naming its ASN
    not yet sent."""
    receipts = session.scalar(
        select(func.count()).where(Receipt.number == number, Receipt.status == ReceiptStatus.OPEN)
    )
    return OpenWork(receipts or 0, unsent_about(session, ReceiptEvent, number), "receipt")
