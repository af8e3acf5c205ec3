"""A raw-9100 label printer on 127.0.0.1 for tests: it keeps every job it is sent."""

import socket
import threading
import time


class LoopbackPrinter:
    """A raw-9100 printer on 127.0.0.1 that keeps every job it is sent."""

    # ~HS answer as documented for a ready printer: 9600 8N1, no paper out, not paused, …
    READY = (
        b"\x02030,0,0,1218,000,0,0,0,000,0,0,0\x03\r\n"
        b"\x02001,0,0,0,1,2,6,0,00000000,1,000\x03\r\n"
        b"\x021234,0\x03\r\n"
    )

    def __init__(self, answer: bytes = READY, trickle: float = 0.0) -> None:
        """``trickle``: seconds between the bytes of the status answer (0: all at once),
        as a printer in trouble may dribble them out."""
        self.answer, self.trickle = answer, trickle
        self.jobs: list[bytes] = []
        self.server = socket.create_server(("127.0.0.1", 0))
        self.port = self.server.getsockname()[1]
        self._thread = threading.Thread(target=self._serve, daemon=True)
        self._thread.start()

    def _serve(self) -> None:
        while True:
            try:
                connection, _ = self.server.accept()
            except OSError:
                return
            with connection:
                chunks = []
                while chunk := connection.recv(65536):
                    if chunk == b"~HS":  # a status question, not a job
                        self._say(connection)
                        break
                    chunks.append(chunk)
                if chunks:
                    self.jobs.append(b"".join(chunks))

    def _say(self, connection: socket.socket) -> None:
        if not self.trickle:
            connection.sendall(self.answer)
            return
        for byte in self.answer:
            time.sleep(self.trickle)
            try:
                connection.sendall(bytes([byte]))
            except OSError:  # the station stopped listening
                return

    def close(self) -> None:
        if self.server.fileno() == -1:
            return  # switched off already
        self.server.shutdown(socket.SHUT_RDWR)  # wakes the accept() waiting in the thread
        self.server.close()
        self._thread.join(2)

    def wait_jobs(self, count: int, timeout: float = 2.0) -> list[bytes]:
        """The jobs received, once ``count`` have arrived or ``timeout`` has passed."""
        waited = threading.Event()
        for _ in range(int(timeout / 0.01)):
            if len(self.jobs) >= count:
                break
            waited.wait(0.01)
        return self.jobs
