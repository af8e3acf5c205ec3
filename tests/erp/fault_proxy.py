"""A loopback HTTP proxy between the station's RPC client and Tryton that fails on purpose.

Each request meets one fault or none, drawn from a seeded ``random.Random`` so that a run
can be replayed. The faults are the ways a bench PC's link to the ERP fails, and the one
that matters most is ``DROP``: Tryton commits, and the answer never arrives, so the station
cannot tell a lost request from a lost answer and must be able to ask again harmlessly.
``heal`` lets everything through, as when the link comes back.
"""

import contextlib
import http.client
import json
import random
import select
import socket
import struct
import sys
import threading
import time
from collections import Counter
from collections.abc import Iterable
from email.message import Message
from enum import Enum
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import TracebackType
from typing import Any, Self
from urllib.parse import urlsplit


class Fault(Enum):
    DROP = "drop"  # forwarded and answered by Tryton; the answer thrown away, the link closed
    DELAY = "delay"  # answered late, well within the client's timeout
    STALL = "stall"  # forwarded, answered after the client stopped waiting
    RESET = "reset"  # the connection reset (RST) before the request goes anywhere
    BUSY = "busy"  # HTTP 503 from the proxy itself, nothing forwarded


# Calls that only read: losing their answer loses nothing. Every other call may commit.
READS = frozenset({"search", "search_read", "search_count", "read", "version", "get_preferences"})
# Per connection, not per message: not passed on from one side to the other.
HOP_BY_HOP = frozenset(
    {"connection", "keep-alive", "transfer-encoding", "content-length", "host", "proxy-connection"}
)


Answer = tuple[int, list[tuple[str, str]], bytes]  # status, headers, body


def commits(method: str) -> bool:
    """Whether the JSON-RPC ``method`` may change the database (a create, a button, a login)."""
    return method.rsplit(".", 1)[-1] not in READS


class FaultProxy(ThreadingHTTPServer):
    """Listens on 127.0.0.1 on a free port; ``url`` is what a ``Login`` should point at.

    ``rate`` is the chance that any request meets a fault of any kind; a call that may
    commit has its answer dropped with ``drop_rate`` on top, as that is the case to prove.
    ``stall`` must be longer than the client's read timeout.
    """

    daemon_threads = False  # server_close joins the handlers: no socket outlives the proxy
    block_on_close = True

    def __init__(
        self,
        upstream: str,
        rng: random.Random,
        *,
        rate: float = 0.2,
        drop_rate: float = 0.3,
        delay: tuple[float, float] = (0.2, 0.6),
        stall: float = 1.5,
    ) -> None:
        super().__init__(("127.0.0.1", 0), _Relay)
        where = urlsplit(upstream)
        assert where.hostname is not None and where.port is not None, upstream
        self.upstream = (where.hostname, where.port)
        self.rng, self.rate, self.drop_rate = rng, rate, drop_rate
        self.delay, self.stall = delay, stall
        self.healed = False
        self.injected: Counter[Fault] = Counter()
        self.dropped: Counter[str] = Counter()  # committing calls whose answer was dropped
        self.forwarded = 0
        self.outwaited = 0  # stalls the client gave up on before the answer came
        # Each request's method and fault, in order: the story of a failing run, to replay.
        self.history: list[tuple[str, Fault | None]] = []
        self.errors: list[str] = []  # what went wrong in the proxy itself, not on purpose
        self._lock = threading.Lock()
        self._resetting: set[socket.socket] = set()
        self._planned: dict[str, list[Fault]] = {}
        self._connected: set[socket.socket] = set()
        self._thread = threading.Thread(target=self.serve_forever, name="fault proxy")

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}"

    def plan(self, method: str, fault: Fault) -> None:
        """``fault`` for the next request calling ``method``, whatever the draw says."""
        with self._lock:
            self._planned.setdefault(method, []).append(fault)

    def heal(self) -> None:
        with self._lock:
            self.healed = True

    # --- lifecycle ------------------------------------------------------------------------

    def __enter__(self) -> Self:
        self._thread.start()
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        self.shutdown()
        with self._lock:
            connected = list(self._connected)
        for connection in connected:
            # A handler waits for a kept-alive link's next request until the client closes
            # it, which a client's pool may do late: hang up, so server_close joins at once.
            with contextlib.suppress(OSError):
                connection.shutdown(socket.SHUT_RDWR)
        self.server_close()
        self._thread.join()

    # --- what the handlers ask ----------------------------------------------------------

    def choose(self, method: str) -> tuple[Fault | None, float]:
        """The fault for this request, and how long to hold its answer."""
        with self._lock:
            fault, hold = self._draw(method)
            self.history.append((method, fault))
        return fault, hold

    def _draw(self, method: str) -> tuple[Fault | None, float]:
        planned = self._planned.get(method)
        if planned:
            fault = planned.pop(0)
        elif self.healed:
            return None, 0.0
        elif commits(method) and self.rng.random() < self.drop_rate:
            fault = Fault.DROP
        elif self.rng.random() < self.rate:
            fault = self.rng.choice(list(Fault))
        else:
            return None, 0.0
        if fault is Fault.DELAY:
            return fault, self.rng.uniform(*self.delay)
        return fault, self.stall if fault is Fault.STALL else 0.0

    def injected_one(self, fault: Fault, method: str) -> None:
        with self._lock:
            self.injected[fault] += 1
            if fault is Fault.DROP and commits(method):
                self.dropped[method] += 1

    def outwaited_one(self) -> None:
        with self._lock:
            self.outwaited += 1

    def connected(self, connection: socket.socket, now: bool) -> None:
        with self._lock:
            if now:
                self._connected.add(connection)
            else:
                self._connected.discard(connection)

    def reset_on_close(self, connection: socket.socket) -> None:
        with self._lock:
            self._resetting.add(connection)

    def forward(self, path: str, headers: Message, body: bytes) -> Answer:
        upstream = http.client.HTTPConnection(*self.upstream, timeout=60)
        try:
            upstream.request("POST", path, body, dict(_end_to_end(headers.items())))
            answer = upstream.getresponse()
            content = answer.read()
            with self._lock:
                self.forwarded += 1
            return answer.status, list(_end_to_end(answer.getheaders())), content
        finally:
            upstream.close()

    def shutdown_request(self, request: socket.socket | tuple[bytes, socket.socket]) -> None:
        if isinstance(request, socket.socket):
            with self._lock:
                reset = request in self._resetting
                self._resetting.discard(request)
            if reset:
                # Linger 0 and no FIN first: close() sends RST, as a crashed middlebox would.
                request.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
                self.close_request(request)
                return
        super().shutdown_request(request)

    def handle_error(
        self, request: socket.socket | tuple[bytes, socket.socket], client_address: Any
    ) -> None:
        error = sys.exc_info()[1]
        if isinstance(error, ConnectionError):
            return  # the client hung up, as after a stalled answer: part of the game
        with self._lock:
            self.errors.append(repr(error))
        super().handle_error(request, client_address)


class _Relay(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # kept alive, as requests keeps it: a drop hits a pooled link
    timeout = 10  # an idle kept-alive connection ends by itself

    def setup(self) -> None:
        super().setup()
        self._proxy().connected(self.connection, True)

    def finish(self) -> None:
        self._proxy().connected(self.connection, False)
        super().finish()

    def _proxy(self) -> FaultProxy:
        assert isinstance(self.server, FaultProxy)
        return self.server

    def do_POST(self) -> None:
        proxy = self._proxy()
        body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
        method = _method(body)
        fault, hold = proxy.choose(method)
        if fault is Fault.RESET:
            proxy.reset_on_close(self.connection)
            self.close_connection = True
        elif fault is Fault.BUSY:
            self._answer(503, [("Content-Type", "text/plain"), ("Retry-After", "1")], b"busy\n")
        else:
            status, headers, content = proxy.forward(self.path, self.headers, body)
            if fault is Fault.DROP:
                self.close_connection = True  # a FIN and no status line: the answer is lost
            else:
                time.sleep(hold)
                if fault is Fault.STALL and self._hung_up():
                    proxy.outwaited_one()
                    self.close_connection = True
                else:
                    self._answer(status, headers, content)
        if fault is not None:
            proxy.injected_one(fault, method)

    def _hung_up(self) -> bool:
        """Whether the client closed its end (its read timed out) while the answer waited."""
        readable, _, _ = select.select([self.connection], [], [], 0)
        if not readable:
            return False
        try:
            peeked: bytes = self.connection.recv(1, socket.MSG_PEEK)
        except ConnectionError:
            return True
        return peeked == b""

    def _answer(self, status: int, headers: list[tuple[str, str]], content: bytes) -> None:
        self.send_response_only(status)  # Tryton's own Date and Server headers go through
        for name, value in headers:
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(content)))
        self.end_headers()
        self.wfile.write(content)
        self.wfile.flush()

    def log_message(self, *_args: object) -> None:
        pass  # the test counts what matters; a line per request would bury pytest's output


def _method(body: bytes) -> str:
    try:
        method = json.loads(body).get("method")
    except (ValueError, AttributeError):
        return ""
    return method if isinstance(method, str) else ""


def _end_to_end(headers: Iterable[tuple[str, str]]) -> Iterable[tuple[str, str]]:
    return ((name, value) for name, value in headers if name.lower() not in HOP_BY_HOP)
