"""What every table of the store is built on: one metadata, named constraints, and
typed status columns."""

from enum import StrEnum
from typing import Any, ClassVar

from sqlalchemy import (
    JSON,
    Enum,
    MetaData,
)
from sqlalchemy.orm import DeclarativeBase

# Named constraints: Alembic's batch mode on SQLite can only recreate what has a name.
NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


def state_of(enum: type[StrEnum], column: str) -> Enum:
    """A status column holding ``enum``'s values as text, as before it was typed, checked
    by a CHECK constraint named after the column (ck_<table>_<column>)."""
    return Enum(
        enum,
        name=column,
        native_enum=False,
        create_constraint=True,
        length=20,
        validate_strings=True,
        values_callable=lambda members: [m.value for m in members],
    )


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)
    type_annotation_map: ClassVar[dict[Any, Any]] = {dict[str, Any]: JSON, list[Any]: JSON}
