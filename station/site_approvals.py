"""The site's approvals on the wire, both ends: what a bench waits for (sent up whole,
so the hub's queue is the bench's as it stands), and the answers a supervisor gives at one
bench to another bench's approvals. Checked whole before anything is written, as
``station.site_batch`` checks a batch of events.
"""

from dataclasses import dataclass
from typing import Any

from station.site_batch import MOST_EVENTS, Malformed, is_key, read_list, read_moment
from station.store.schema import SiteAnswer
from station.supervisor.approvals import KINDS, Waiting

LONGEST_TEXT = 2000  # what the supervisor reads of an item: a line, not a document


@dataclass(frozen=True)
class Asked:
    bench: str
    waiting: list[dict[str, Any]]


@dataclass(frozen=True)
class Answer:
    id: int  # the answer's row at the answering bench: the hub's verdict names it
    bench: str  # the bench that asked
    kind: str
    key: str
    basis: str
    approve: bool
    supervisor: str  # a badge


def asked_of(bench: str, waiting: list[Waiting]) -> dict[str, Any]:
    """The body a bench puts: everything of its own that waits, as its store has it."""
    return {
        "bench": bench,
        "waiting": [
            {
                "kind": w.kind, "key": w.key, "operator": w.operator,
                "since": w.since.isoformat(), "what": w.what, "basis": w.basis,
            }
            for w in waiting
            if w.bench == bench
        ][:MOST_EVENTS],
    }  # fmt: skip


def read_asked(body: Any) -> Asked:
    bench, items = read_list(body, "waiting", least=0)
    return Asked(bench, [_item(place, item) for place, item in enumerate(items)])


def _item(place: int, item: Any) -> dict[str, Any]:
    where = f"item {place}"
    fields = {"kind", "key", "operator", "since", "what", "basis"}
    if not isinstance(item, dict) or set(item) != fields:
        raise Malformed(f"{where} must have exactly {', '.join(sorted(fields))}")
    if item["kind"] not in KINDS or not is_key(item["key"]):
        raise Malformed(f"{where}: kind must be one of {', '.join(KINDS)}, key a key")
    for name in ("operator", "what", "basis"):
        if not _text(item[name]):
            raise Malformed(f"{where}: {name} must be text of up to {LONGEST_TEXT} characters")
    return {**item, "since": read_moment(item["since"], f"{where}: since")}


def answers_of(bench: str, answers: list[SiteAnswer]) -> dict[str, Any]:
    """The body a bench posts: the answers given here that the hub has not had yet."""
    return {
        "bench": bench,
        "answers": [
            {
                "id": a.id, "bench": a.bench, "kind": a.kind, "key": a.key,
                "basis": a.basis, "approve": a.approve, "supervisor": a.supervisor,
            }
            for a in answers
        ],
    }  # fmt: skip


@dataclass(frozen=True)
class Answers:
    bench: str  # the bench where they were given
    answers: list[Answer]


def read_answers(body: Any) -> Answers:
    bench, answers = read_list(body, "answers")
    return Answers(bench, [_answer(place, a) for place, a in enumerate(answers)])


def _answer(place: int, answer: Any) -> Answer:
    where = f"answer {place}"
    fields = {"id", "bench", "kind", "key", "basis", "approve", "supervisor"}
    if not isinstance(answer, dict) or set(answer) != fields:
        raise Malformed(f"{where} must have exactly {', '.join(sorted(fields))}")
    if not isinstance(answer["id"], int) or isinstance(answer["id"], bool):
        raise Malformed(f"{where}: id must be a whole number")
    if answer["kind"] not in KINDS or not all(
        is_key(answer[name]) for name in ("bench", "key", "supervisor")
    ):
        raise Malformed(f"{where}: bench, key and supervisor must be keys, kind a known one")
    if not _text(answer["basis"]) or not isinstance(answer["approve"], bool):
        raise Malformed(f"{where}: basis must be text, approve true or false")
    return Answer(**answer)


def _text(value: Any) -> bool:
    return isinstance(value, str) and 0 < len(value) <= LONGEST_TEXT and "\x00" not in value
