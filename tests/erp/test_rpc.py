"""How every kind of answer is classified, against a scripted HTTP server on 127.0.0.1."""

import json
import threading
from collections.abc import Iterator
from datetime import date, datetime
from decimal import Decimal
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from sync.connector import LogInAgain, Rejected, RetryLater
from sync.tryton.rpc import Client, Login, decode, encode

Reply = tuple[int, dict[str, str], bytes]


class Scripted(ThreadingHTTPServer):
    replies: list[Reply]


class Handler(BaseHTTPRequestHandler):
    def do_POST(self) -> None:
        self.rfile.read(int(self.headers["Content-Length"]))
        assert isinstance(self.server, Scripted)
        status, headers, body = self.server.replies.pop(0)
        self.send_response(status)
        for name, value in headers.items():
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *_args: object) -> None:  # the tests say what matters
        pass


@pytest.fixture
def server() -> Iterator[Scripted]:
    running = Scripted(("127.0.0.1", 0), Handler)
    running.replies = []
    thread = threading.Thread(target=running.serve_forever, daemon=True)
    thread.start()
    yield running
    running.shutdown()
    running.server_close()


def client_of(server: Scripted) -> Client:
    client = Client(Login(f"http://127.0.0.1:{server.server_address[1]}", "station", "u", "p"))
    client.session = "Session test"  # as if logged in: these tests are about answers
    return client


def ok(result: object) -> Reply:
    return 200, {}, json.dumps({"id": 1, "result": encode(result)}).encode()


def error(kind: str, details: object) -> Reply:
    return 200, {}, json.dumps({"id": 1, "error": [kind, details]}).encode()


def test_typed_values_travel_both_ways() -> None:
    values = [
        Decimal("12.34"),
        date(2026, 11, 27),
        datetime(2026, 11, 27, 8, 3, 59, 922102),
        b"\x00",
    ]
    assert decode(json.loads(json.dumps(encode(values)))) == values


@pytest.mark.parametrize(
    ("reply", "expected"),
    [
        ((503, {}, b"parser stack overflow"), RetryLater),
        ((429, {"Retry-After": "7"}, b""), RetryLater),
        (error("UserError", ["The quantity is too big.", "", None]), Rejected),
        (error("ConcurrencyException", "Records were modified in the meanwhile"), RetryLater),
        ((403, {}, b"Forbidden"), Rejected),
    ],
)
def test_each_answer_is_done_retry_login_or_rejected(
    server: Scripted, reply: Reply, expected: type[Exception]
) -> None:
    server.replies = [reply]
    with pytest.raises(expected):
        client_of(server).model("stock.move", "search", [], 0, 1, None)


def test_a_retry_after_header_is_kept(server: Scripted) -> None:
    server.replies = [(429, {"Retry-After": "7"}, b"")]
    with pytest.raises(RetryLater) as later:
        client_of(server).model("stock.move", "search", [], 0, 1, None)
    assert later.value.after == 7.0


def test_an_expired_session_logs_in_again_once(server: Scripted) -> None:
    server.replies = [
        (401, {}, b""),  # the session expired
        ok([1, "new-key", None]),  # login
        ok({"company": 1}),  # preferences
        ok([42]),  # the call again
    ]
    assert client_of(server).model("stock.move", "search", [], 0, 1, None) == [42]
    assert server.replies == []  # four requests, no more


def test_a_wrong_password_is_not_retried(server: Scripted) -> None:
    server.replies = [(401, {}, b""), (401, {}, b"<html>wrong password</html>")]
    with pytest.raises(LogInAgain):
        client_of(server).model("stock.move", "search", [], 0, 1, None)


def test_an_unreachable_erp_is_retried_later() -> None:
    client = Client(Login("http://127.0.0.1:9", "station", "u", "p"))
    with pytest.raises(RetryLater, match="cannot be reached"):
        client.version()


def test_a_rejection_keeps_the_erps_message_short(server: Scripted) -> None:
    server.replies = [error("UserError", ["x" * 5000, "", None])]
    with pytest.raises(Rejected) as refused:
        client_of(server).model("stock.move", "create", [{}])
    assert refused.value.kind == "UserError" and len(refused.value.message) <= 501


def test_throttled_logins_ask_for_the_password_not_a_retry(server: Scripted) -> None:
    server.replies = [(429, {}, b"")]
    with pytest.raises(LogInAgain, match="throttles"):
        client_of(server).login()


def test_a_login_never_shows_its_password() -> None:
    assert "hunter2" not in repr(Login("http://127.0.0.1:1", "station", "u", "hunter2"))
