"""The hub's HTTP service: Starlette, served by uvicorn (``station hub serve``).

Starlette rather than FastAPI: the hub has a handful of routes whose bodies are the
station's own typed events, checked by the station's own readers (``station/site_batch``);
FastAPI's models would describe them a second time. Handlers are plain functions, run on
Starlette's thread pool, over SQLAlchemy's pool of PostgreSQL connections.

Every answer is JSON. A post is acknowledged only after its commit: a bench that loses
the answer sends the batch again, and the events' UUIDs make the resend change nothing.
"""

import json
import logging
from collections.abc import Callable
from datetime import datetime
from typing import ParamSpec, TypeVar

from sqlalchemy import Engine
from sqlalchemy.exc import DataError, OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeout
from sqlalchemy.orm import sessionmaker
from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from hub import events, tokens
from station import site_batch
from station.recording import utcnow

log = logging.getLogger("station.hub")
P = ParamSpec("P")
T = TypeVar("T")
LARGEST_BODY = 4 * 1024 * 1024  # bytes: 500 events of a generous 8 KB each
RETRY_AFTER_S = 2


def _refused(status: int, message: str, **headers: str) -> JSONResponse:
    return JSONResponse({"error": message}, status_code=status, headers=headers)


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


def site_app(engine: Engine) -> Starlette:
    sessions = sessionmaker(engine, expire_on_commit=False)

    def database_away(call: Callable[P, T]) -> Callable[P, T | JSONResponse]:
        """PostgreSQL restarting, unreachable or every connection busy: "retry later",
        and nothing was taken. A value it refuses is the sender's: said, not a 500."""

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

    def look_up(token: str, now: datetime) -> tokens.Holder:
        with sessions() as session:
            return tokens.holder(session, token, now)

    holders = tokens.Holders(look_up)

    @database_away
    def whose(token: str) -> tokens.Holder:
        return holders.holder(token, utcnow())

    @database_away
    def take_events(bench: str, body: bytes) -> JSONResponse:
        try:
            batch = site_batch.read_batch(json.loads(body, parse_constant=_no_constant))
        except (ValueError, RecursionError) as exc:  # json's errors and Malformed
            message = str(exc) if isinstance(exc, site_batch.Malformed) else f"not JSON: {exc}"
            return _refused(400, message)
        if batch.bench != bench:
            return _refused(403, f"this token is {bench}'s, not {batch.bench}'s")
        try:
            with sessions.begin() as session:
                taken = events.take(session, batch, utcnow())
        except events.NotYours as exc:  # rolled back: nothing of the batch is kept
            return _refused(409, str(exc))
        # Committed: only now is the batch acknowledged.
        return JSONResponse({"acknowledged": taken.events, "new": taken.new})

    async def post_events(request: Request) -> JSONResponse:
        token = _token(request)
        if token is None:
            return _refused(401, "no token: send Authorization: Bearer <the bench's token>")
        # Whose the token is, before a byte of the body is read: a stranger costs no more.
        holder: tokens.Holder | JSONResponse | None = holders.remembered(token, utcnow())
        if holder is None:  # not seen in the last seconds: asked of the database
            holder = await run_in_threadpool(whose, token)
        if isinstance(holder, JSONResponse):  # the database is away
            return holder
        if holder.bench is None:
            return _refused(401, holder.refused or "refused")
        body = await _body(request)
        if body is None:
            return _refused(413, f"the body is larger than {LARGEST_BODY} bytes")
        return await run_in_threadpool(take_events, holder.bench, body)

    async def health(_request: Request) -> JSONResponse:
        return JSONResponse({"ok": True})

    return Starlette(
        routes=[
            Route("/v1/events", post_events, methods=["POST"]),
            Route("/v1/health", health, methods=["GET"]),
        ]
    )
