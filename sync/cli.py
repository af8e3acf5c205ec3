"""``station sync``: the ERP from the command line.

``sync --once`` runs one cycle headless and prints what it did; its exit status is 0 when
nothing was rejected.
"""

from collections.abc import Callable

from station import paths
from station.errors import ConfigError
from station.setting_keys import ERP_URL, ERP_USER
from station.settings import Settings
from station.store.engine import open_store
from sync.connector import Connector, LogInAgain, Rejected, RetryLater
from sync.cycle import run_cycle
from sync.lock import Busy
from sync.push import Pusher

LOCK_WAIT_S = 60.0


def sync_once(settings: Settings, connect: Callable[[], Connector]) -> int:
    url = settings[ERP_URL]
    if not url:
        raise ConfigError("No ERP is configured: set erp.url (and erp.database, erp.user).")
    user = settings[ERP_USER]
    connector = connect()
    store = open_store(paths.database_file(paths.data_dir()))
    try:
        # A window syncing the same bench finishes its cycle in seconds: wait for it.
        cycle = run_cycle(Pusher(connector), store, wait_s=LOCK_WAIT_S)
    except Busy as exc:
        print(f"station: {exc}; try again once it is done")
        return 1
    except LogInAgain as exc:
        print(f"station: the ERP refused the login of {user}: {exc}")
        return 2
    except (RetryLater, Rejected) as exc:
        print(f"station: the sync stopped: {exc}")
        return 1
    finally:
        store.close()
    counts = ", ".join(f"{p.entity} {p.rows}" for p in cycle.pulled)
    pushed = cycle.pushed
    print(
        f"pulled: {counts}; pushed: {pushed.sent}; rejected: {pushed.rejected}; "
        f"pending: {cycle.pending}"
        + ("; the ERP went away: the rest waits" if pushed.waiting else "")
    )
    for problem in pushed.problems:
        print(f"rejected: {problem}")
    return 1 if pushed.rejected else 0
