"""A PostgreSQL cluster of the site's own, in a folder, listening on 127.0.0.1 only.

The tests, the site demo and the benchmark each start one on a free port and stop it when
done. PostgreSQL refuses to run as root (and CI runs as root): a root caller starts the
server as an unprivileged user, ``postgres`` where Debian's package made one, else
``nobody``, owning the cluster's folder. The server comes from Debian's ``postgresql``
package (``make test`` installs it where it is missing), found beside ``initdb``.

Connections are trusted, as only this machine can reach the port; a site's production
hub points ``hub.database`` at a PostgreSQL its administrators run, with a password.
"""

import os
import pwd
import shutil
import socket
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

from station.errors import KnownError

DATABASE = "station"
ROLE = "station"
START_S = 60  # initdb and the first start take under a second here; a slow CI machine more
STOP_S = 30


class ClusterError(KnownError):
    """PostgreSQL is missing, or its cluster did not start or stop."""


def server_bin() -> Path:
    """The folder of PostgreSQL's server programs: Debian keeps them off PATH, one folder
    per major version (the newest is taken); elsewhere, the folder ``initdb`` is in, its
    links followed."""
    versions = sorted(
        Path("/usr/lib/postgresql").glob("*/bin/initdb"), key=lambda p: int(p.parent.parent.name)
    )
    on_path = shutil.which("initdb")
    if not versions and on_path:
        return Path(on_path).resolve().parent
    if not versions:
        raise ClusterError(
            "PostgreSQL's server is not installed (no initdb): `make test` installs Debian's "
            "postgresql package, or run `apt-get install postgresql`."
        )
    return versions[-1].parent


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def _runner() -> pwd.struct_passwd | None:
    """Who runs the server: the caller, unless the caller is root."""
    if os.geteuid() != 0:
        return None
    for name in ("postgres", "nobody"):
        try:
            return pwd.getpwnam(name)
        except KeyError:
            continue
    raise ClusterError("PostgreSQL refuses to run as root, and no other user is here to run it")


@dataclass
class Cluster:
    """A running cluster: its folder, port, and the database the station's schema lives in."""

    folder: Path
    port: int
    runner: pwd.struct_passwd | None

    @property
    def data(self) -> Path:
        return self.folder / "data"

    def url(self, database: str = DATABASE) -> str:
        return f"postgresql+psycopg://{ROLE}@127.0.0.1:{self.port}/{database}"

    def _run(self, *args: str, timeout: float) -> subprocess.CompletedProcess[str]:
        command = [str(server_bin() / args[0]), *args[1:]]
        try:
            return subprocess.run(
                command,
                capture_output=True,
                text=True,
                timeout=timeout,
                check=True,
                cwd=self.folder,
                user=self.runner.pw_uid if self.runner else None,
                group=self.runner.pw_gid if self.runner else None,
                env={**os.environ, "LC_ALL": "C"},
            )
        except subprocess.CalledProcessError as exc:
            raise ClusterError(f"{args[0]} failed: {exc.stderr.strip() or exc.stdout}") from exc
        except subprocess.TimeoutExpired as exc:
            raise ClusterError(f"{args[0]} did not finish within {timeout:.0f} s") from exc

    def start(self) -> None:
        options = (
            f"-c listen_addresses=127.0.0.1 -p {self.port} "
            f"-c unix_socket_directories={self.folder} -c fsync=on"
        )
        self._run(
            "pg_ctl", "-D", str(self.data), "-o", options, "-l", str(self.folder / "server.log"),
            "-w", "-t", str(START_S), "start", timeout=START_S + 5,
        )  # fmt: skip

    def stop(self) -> None:
        """A fast shutdown: sessions are ended, committed work is on disk."""
        if (self.data / "postmaster.pid").exists():
            self._run("pg_ctl", "-D", str(self.data), "-m", "fast", "-w", "stop", timeout=STOP_S)

    def kill(self) -> None:
        """The server killed outright (SIGKILL to the postmaster), as a power cut would."""
        pid = int((self.data / "postmaster.pid").read_text().split()[0])
        os.kill(pid, 9)

    def remove(self) -> None:
        self.stop()
        shutil.rmtree(self.folder, ignore_errors=True)


def new_cluster(port: int | None = None) -> Cluster:
    """A fresh cluster, started, with the station's role and database made. Its folder is
    made directly under the system's temporary folder: the unprivileged user who runs it
    must be able to reach it, which a root-only folder above it would forbid."""
    runner = _runner()
    folder = Path(tempfile.mkdtemp(prefix="station-site-"))
    if runner is not None:
        os.chown(folder, runner.pw_uid, runner.pw_gid)
    cluster = Cluster(folder, port or free_port(), runner)
    try:
        cluster._run(
            "initdb", "-D", str(cluster.data), "-U", ROLE, "--auth=trust", "-E", "UTF8",
            "--no-instructions", timeout=START_S,
        )  # fmt: skip
        cluster.start()
        cluster._run(
            "createdb", "-h", "127.0.0.1", "-p", str(cluster.port), "-U", ROLE, DATABASE,
            timeout=START_S,
        )  # fmt: skip
    except BaseException:
        cluster.remove()
        raise
    return cluster
