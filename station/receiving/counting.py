"""What the receiving bench holds between scans that is not a row (yet)."""

from dataclasses import dataclass

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
