"""The states the store's status columns hold, named as the warehouse says them.

A leaf module, so that the schema can type its columns with them while the modules that
move rows from state to state (``station.label_jobs``) import the schema.
"""

from enum import StrEnum


class LabelJobState(StrEnum):
    """Where a label job is in its life; ``station.label_jobs`` moves it along."""

    QUEUED = "queued"  # waiting for its printer, perhaps until a next try after a miss
    SENDING = "sending"  # claimed: its bytes are going out now
    PRINTED = "printed"
    # Sent, but the printer never said it was done: a person decides whether to print it
    # again, so no retry prints a label twice.
    UNSURE = "unsure"
    FAILED = "failed"  # no label can carry its data: no retry will help
