"""What the pull needs to know of one kind of ERP record: where to read it, which fields,
what counts as changed since the cursor, and how a row lands in the station's store."""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session


def _own_change(since: datetime) -> list[Any]:
    return ["last_modified_at", ">", since]


def _own_stamp(row: dict[str, Any]) -> list[datetime]:
    return [row["last_modified_at"]]


@dataclass(frozen=True)
class Entity:
    name: str
    model: str
    fields: tuple[str, ...]
    apply: Callable[[Session, list[dict[str, Any]]], None]  # one page of rows
    # The domain "changed since", and a row's modification times: by default the row's own.
    changed: Callable[[datetime], list[Any]] = _own_change
    stamps: Callable[[dict[str, Any]], list[datetime]] = _own_stamp
    scope: tuple[Any, ...] = ()


def each(
    apply: Callable[[Session, dict[str, Any]], None],
) -> Callable[[Session, list[dict[str, Any]]], None]:
    """A page applied one row at a time."""

    def apply_page(session: Session, rows: list[dict[str, Any]]) -> None:
        for row in rows:
            apply(session, row)

    return apply_page


def changed_with(*parts: str) -> Callable[[datetime], list[Any]]:
    """A record changed when it or one of the records under ``parts`` did (a product's
    template and GTINs, a shipment's moves)."""

    def changed(since: datetime) -> list[Any]:
        return [
            "OR",
            ["last_modified_at", ">", since],
            *([f"{part}.last_modified_at", ">", since] for part in parts),
        ]

    return changed


def stamped_with(*parts: str) -> Callable[[dict[str, Any]], list[datetime]]:
    """The modification times of a row and of the records read with it under ``parts``."""

    def stamps(row: dict[str, Any]) -> list[datetime]:
        found = [row["last_modified_at"]]
        for part in parts:
            read = row.get(f"{part}.") or []
            for record in read if isinstance(read, list) else [read]:
                found.append(record.get("last_modified_at"))
        return found

    return stamps
