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
from typing import Any

from sqlalchemy import Engine
from sqlalchemy.exc import OperationalError
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
LARGEST_BODY = 4 * 1024 * 1024  # bytes: 500 events of a generous 8 KB each
RETRY_AFTER_S = 2


def _refused(status: int, message: str, **headers: str) -> JSONResponse:
    return JSONResponse({"error": message}, status_code=status, headers=headers)


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

    def database_away(call: Callable[..., JSONResponse]) -> Callable[..., JSONResponse]:
        """PostgreSQL restarting or unreachable: "retry later", and nothing was taken."""

        def guarded(*args: Any) -> JSONResponse:
            try:
                return call(*args)
            except OperationalError as exc:
                log.warning("the site's database is away: %s", exc.orig)
                return _refused(
                    503, "the site's database is away; send again later",
                    **{"Retry-After": str(RETRY_AFTER_S)},
                )  # fmt: skip

        return guarded

    @database_away
    def take_events(token: str, body: bytes) -> JSONResponse:
        try:
            batch = site_batch.read_batch(json.loads(body))
        except (ValueError, RecursionError) as exc:  # json's errors and Malformed
            message = str(exc) if isinstance(exc, site_batch.Malformed) else f"not JSON: {exc}"
            return _refused(400, message)
        now = utcnow()
        try:
            with sessions.begin() as session:
                holder = tokens.holder(session, token, now)
                if holder.bench is None:
                    return _refused(401, holder.refused or "refused")
                if holder.bench != batch.bench:
                    return _refused(403, f"this token is {holder.bench}'s, not {batch.bench}'s")
                taken = events.take(session, batch, now)
        except events.NotYours as exc:  # rolled back: nothing of the batch is kept
            return _refused(409, str(exc))
        # Committed: only now is the batch acknowledged.
        return JSONResponse({"acknowledged": taken.events, "new": taken.new})

    async def post_events(request: Request) -> JSONResponse:
        token = _token(request)
        if token is None:
            return _refused(401, "no token: send Authorization: Bearer <the bench's token>")
        body = await _body(request)
        if body is None:
            return _refused(413, f"the body is larger than {LARGEST_BODY} bytes")
        return await run_in_threadpool(take_events, token, body)

    async def health(_request: Request) -> JSONResponse:
        return JSONResponse({"ok": True})

    return Starlette(
        routes=[
            Route("/v1/events", post_events, methods=["POST"]),
            Route("/v1/health", health, methods=["GET"]),
        ]
    )
