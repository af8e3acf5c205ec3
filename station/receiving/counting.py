"""What the receiving bench holds between scans that is not a row (yet), and what its
parts (goods, plates) are given of it."""

from dataclasses import dataclass
from typing import Any, Protocol

from sqlalchemy.orm import Session

from station.operators import SignedIn
from station.scans import Classified


@dataclass(frozen=True)
class Counting:
    receipt_id: str | None = None
    last_receipt_id: str | None = None
    plate: str | None = None  # counted goods go onto this plate
    offered: Classified | None = None  # an item not on the receipt, waiting for ADD
    awaiting_serial: Classified | None = None  # a serial-tracked item's GTIN scan
    nesting: bool = False  # the next plate scanned is the outer one
    putaway: str | None = None  # the plate waiting for its bin scan
    suggested: str | None = None  # the bin the rules picked for it
    closing: bool = False  # CLOSE waits for a supervisor


class Desk(Protocol):
    """The receiving bench as its parts see it: its id, who works it, what it holds between
    scans (a part replaces it, and the bench puts the old one back if the scan fails) and
    its audit trail. The bench hands itself to each part."""

    bench_id: str
    operator: SignedIn | None
    mem: Counting

    def audit(
        self, session: Session, action: str, subject: str, *, by: str | None = None, **detail: Any
    ) -> None: ...
