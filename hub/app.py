"""The hub's HTTP service: Starlette, served by uvicorn (``station hub serve``).

Starlette rather than FastAPI: the hub has a handful of routes whose bodies are the
station's own typed events, checked by the station's own readers (``station/site_batch``);
FastAPI's models would describe them a second time. The handlers (``Site``) run on
Starlette's thread pool, over SQLAlchemy's pool of PostgreSQL connections.

Every answer is JSON. A post is acknowledged only after its commit: a bench that loses
the answer sends the batch again, and the events' UUIDs make the resend change nothing.
"""

import asyncio
import dataclasses
import json
import logging
from collections.abc import Callable
from datetime import datetime
from typing import Any, ParamSpec, Protocol, TypeVar

from sqlalchemy import Engine
from sqlalchemy.exc import DataError, OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeout
from sqlalchemy.orm import sessionmaker
from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from hub import approvals, claims, conflicts, events, feed, tokens
from station import site_approvals, site_batch, site_claims, site_conflicts, site_feed
from station.recording import utcnow

log = logging.getLogger("station.hub")
P = ParamSpec("P")
T = TypeVar("T")


class FromBench(Protocol):
    @property
    def bench(self) -> str:
        """The bench the body says it is from."""


Sent = TypeVar("Sent", bound=FromBench)
LARGEST_BODY = 4 * 1024 * 1024  # bytes: 500 events of a generous 8 KB each
RETRY_AFTER_S = 2


def _refused(status: int, message: str, **headers: str) -> JSONResponse:
    return JSONResponse({"error": message}, status_code=status, headers=headers)


def _refused_event(status: int, message: str, place: int | None) -> JSONResponse:
    """A batch refused for one of its events (``place``, when the refusal is that event's):
    the bench sets that one aside and sends the others again."""
    if place is None:
        return _refused(status, message)
    return JSONResponse({"error": message, "event": place}, status_code=status)


def _no_constant(name: str) -> None:
    """NaN and Infinity are not JSON, and PostgreSQL's json type refuses them."""
    raise ValueError(f"{name} is not a number JSON knows")


def _token(request: Request) -> str | None:
    scheme, _, token = request.headers.get("authorization", "").partition(" ")
    return token.strip() if scheme.lower() == "bearer" and token.strip() else None


async def _body(request: Request) -> bytes | None:
    """The body, or None once it grows past ``LARGEST_BODY`` (read no further)."""
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > LARGEST_BODY:
        return None
    read = bytearray()
    async for chunk in request.stream():
        read += chunk
        if len(read) > LARGEST_BODY:
            return None
    return bytes(read)


def database_away(call: Callable[P, T]) -> Callable[P, T | JSONResponse]:
    """PostgreSQL restarting, unreachable or every connection busy: "retry later". A
    bench's events may have been stored before it went (their clashes not yet recorded,
    ``hub.events``): sent again, they change nothing and the clashes are recorded then. A
    value it refuses is the sender's: said, not a 500."""

    def guarded(*args: P.args, **kwargs: P.kwargs) -> T | JSONResponse:
        try:
            return call(*args, **kwargs)
        except (OperationalError, PoolTimeout) as exc:
            log.warning("the site's database is away: %s", exc)
            return _refused(
                503, "the site's database is away; send again later",
                **{"Retry-After": str(RETRY_AFTER_S)},
            )  # fmt: skip
        except DataError as exc:
            return _refused(400, f"the site's database refused a value: {exc.orig}")

    return guarded


async def health(_request: Request) -> JSONResponse:
    return JSONResponse({"ok": True})


class Site:
    """The hub's handlers over the site's database; the database's work runs on
    Starlette's thread pool, never on the event loop."""

    def __init__(self, engine: Engine) -> None:
        self.sessions = sessionmaker(engine, expire_on_commit=False)
        # A statement is its own transaction: no BEGIN and COMMIT around it (``events``).
        self.statements = engine.execution_options(isolation_level="AUTOCOMMIT")
        self.holders = tokens.Holders(self._look_up)
        self._renewals: set[asyncio.Task[object]] = set()  # held until done: not collected

    def _look_up(self, token: str, now: datetime) -> tokens.Holder:
        with self.sessions() as session:
            return tokens.holder(session, token, now)

    @database_away
    def whose(self, token: str) -> tokens.Holder:
        return self.holders.holder(token, utcnow())

    @database_away
    def renew(self, token: str) -> tokens.Holder:
        return self.holders.look_up(token, utcnow(), renewal=True)

    @staticmethod
    def read(body: bytes, reader: Callable[[Any], Sent], bench: str) -> Sent | JSONResponse:
        """The body as ``reader`` reads it, if it is the token's bench's own."""
        try:
            sent = reader(json.loads(body, parse_constant=_no_constant))
        except (ValueError, RecursionError) as exc:  # json's errors and Malformed
            if isinstance(exc, site_batch.Malformed):
                return _refused_event(400, str(exc), exc.place)
            return _refused(400, f"not JSON: {exc}")
        if sent.bench != bench:
            return _refused(403, f"this token is {bench}'s, not {sent.bench}'s")
        return sent

    @database_away
    def take_events(self, bench: str, body: bytes) -> JSONResponse:
        batch = self.read(body, site_batch.read_batch, bench)
        if isinstance(batch, JSONResponse):
            return batch
        try:
            taken = events.take(self.statements, self.sessions, batch, utcnow())
        except events.NotYours as exc:  # nothing of it stored (but see ``events._raced``)
            return _refused_event(409, str(exc), exc.place)
        # Committed: only now is the batch acknowledged.
        return JSONResponse({"acknowledged": taken.events, "new": taken.new})

    @database_away
    def put_waiting(self, bench: str, body: bytes) -> JSONResponse:
        asked = self.read(body, site_approvals.read_asked, bench)
        if isinstance(asked, JSONResponse):
            return asked
        with self.sessions.begin() as session:
            changed = approvals.put_waiting(session, asked)
        return JSONResponse({"changed": changed})

    @database_away
    def put_claims(self, bench: str, body: bytes) -> JSONResponse:
        claimed = self.read(body, site_claims.read_claims, bench)
        if isinstance(claimed, JSONResponse):
            return claimed
        with self.sessions.begin() as session:
            clashes = claims.put_claims(session, claimed, utcnow())
        return JSONResponse({"clashes": [dataclasses.asdict(c) for c in clashes]})

    @database_away
    def take_resolutions(self, bench: str, body: bytes) -> JSONResponse:
        given = self.read(body, site_conflicts.read_resolutions, bench)
        if isinstance(given, JSONResponse):
            return given
        with self.sessions.begin() as session:
            verdicts = [
                {"id": one.id, "refused": conflicts.resolve(session, bench, one, utcnow())}
                for one in given.resolutions
            ]
        return JSONResponse({"resolutions": verdicts})

    @database_away
    def take_answers(self, bench: str, body: bytes) -> JSONResponse:
        given = self.read(body, site_approvals.read_answers, bench)
        if isinstance(given, JSONResponse):
            return given
        with self.sessions.begin() as session:
            verdicts = [
                {"id": one.id, "refused": approvals.answer(session, bench, one, utcnow())}
                for one in given.answers
            ]
        return JSONResponse({"answers": verdicts})

    @database_away
    def pull(self, bench: str, marks: dict[str, str | None]) -> JSONResponse:
        try:
            after = {table: feed.read_mark(mark) for table, mark in marks.items()}
        except site_batch.Malformed as exc:
            return _refused(400, str(exc))
        with self.sessions() as session:
            found = feed.pages(session, bench, after)
        return JSONResponse({
            table: {"rows": page.rows, "mark": feed.mark_text(page.mark), "more": page.more}
            for table, page in found.items()
        })  # fmt: skip

    async def bench_of(self, request: Request) -> str | JSONResponse:
        """The bench whose token the request carries, or the refusal to send."""
        token = _token(request)
        if token is None:
            return _refused(401, "no token: send Authorization: Bearer <the bench's token>")
        # Whose the token is, before a byte of the body is read: a stranger costs no more.
        holder: tokens.Holder | JSONResponse | None = self.holders.remembered(token, utcnow())
        if holder is None:  # not seen in the last seconds: asked of the database
            holder = await run_in_threadpool(self.whose, token)
        elif self.holders.to_renew(token):  # asked again beside this post, not before it
            renewal = asyncio.create_task(run_in_threadpool(self.renew, token))
            self._renewals.add(renewal)
            renewal.add_done_callback(self._renewed)
        if isinstance(holder, JSONResponse):  # the database is away
            return holder
        if holder.bench is None:
            return _refused(401, holder.refused or "refused")
        return holder.bench

    def _renewed(self, renewal: asyncio.Task[object]) -> None:
        """A renewal ended: let go of it, and say what failed it (the database being
        away is said by ``database_away``; the next post asks again either way)."""
        self._renewals.discard(renewal)
        if not renewal.cancelled() and renewal.exception() is not None:
            log.error("looking a token up again failed", exc_info=renewal.exception())

    def posted(self, handle: Callable[[str, bytes], JSONResponse]) -> Callable[[Request], Any]:
        """A route taking a bench's JSON body: its token first, then its body, bounded."""

        async def route(request: Request) -> JSONResponse:
            bench = await self.bench_of(request)
            if isinstance(bench, JSONResponse):
                return bench
            body = await _body(request)
            if body is None:
                return _refused(413, f"the body is larger than {LARGEST_BODY} bytes")
            return await run_in_threadpool(handle, bench, body)

        return route

    async def get_feed(self, request: Request) -> JSONResponse:
        bench = await self.bench_of(request)
        if isinstance(bench, JSONResponse):
            return bench
        marks = {table: request.query_params.get(table) for table in site_feed.TABLES}
        return await run_in_threadpool(self.pull, bench, marks)


def site_app(engine: Engine) -> Starlette:
    site = Site(engine)
    return Starlette(
        routes=[
            Route("/v1/events", site.posted(site.take_events), methods=["POST"]),
            Route("/v1/approvals", site.posted(site.put_waiting), methods=["PUT"]),
            Route("/v1/answers", site.posted(site.take_answers), methods=["POST"]),
            Route("/v1/claims", site.posted(site.put_claims), methods=["PUT"]),
            Route("/v1/resolutions", site.posted(site.take_resolutions), methods=["POST"]),
            Route("/v1/feed", site.get_feed, methods=["GET"]),
            Route("/v1/health", health, methods=["GET"]),
        ]
    )
