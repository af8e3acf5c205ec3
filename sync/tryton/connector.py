"""Tryton behind the ``Connector`` interface, and how the composition root makes one.

One JSON-RPC client and the ERP's lookups (locations, products, the currency), kept for as
long as the connector lives: the worker keeps one for the day, so each is looked up once.
"""

from collections.abc import Callable, Iterator, Sequence
from datetime import timedelta

from station.outbox import OutboxRecord, UnitEvent
from station.setting_keys import ERP_CA_BUNDLE, ERP_DATABASE, ERP_URL, ERP_USER
from station.settings import Settings
from sync.connector import Connector, Cursor, Likeness, Outgoing, Page
from sync.credentials import PasswordSource, erp_password
from sync.tryton import push_receiving, push_returns
from sync.tryton.erp_calls import Erp, alike
from sync.tryton.pull import ENTITIES, OVERLAP, Applied, pull_pages
from sync.tryton.rpc import Client, Login

HANDLERS = {**push_returns.HANDLERS, **push_receiving.HANDLERS}


class Tryton:
    """A ``Connector`` over one Tryton session; ``overlap`` is how far back a pull reads
    before its cursor (``sync.tryton.pull``)."""

    entities = tuple(entity.name for entity in ENTITIES)
    kinds = frozenset(HANDLERS)

    def __init__(self, client: Client, overlap: timedelta = OVERLAP) -> None:
        self.client = client
        self.erp = Erp(client)
        self.overlap = overlap
        self._entities = {entity.name: entity for entity in ENTITIES}
        self._applied = Applied()

    def log_in(self) -> None:
        if self.client.session is None:
            self.client.login()

    def pull(self, entity: str, after: Cursor, counting: bool) -> Iterator[Page]:
        return pull_pages(
            self.client,
            self._entities[entity],
            after,
            self.overlap,
            counting,
            last_applied=self._applied,
        )

    def likeness(self, event: OutboxRecord) -> Likeness | None:
        return alike(event)

    def expect(self, events: Sequence[OutboxRecord]) -> None:
        self.erp.expect_products(e.sku for e in events if isinstance(e, UnitEvent) and e.sku)

    def push(self, event: Outgoing) -> None:
        HANDLERS[event.record.kind](self.erp, event)


def tryton_connector(
    settings: Settings, sources: Sequence[PasswordSource]
) -> Callable[[], Connector]:
    """How to reach the configured ERP; called on the worker's thread, where a keyring
    that blocks on looking the password up cannot stall the window."""
    user, url, database = settings[ERP_USER], settings[ERP_URL], settings[ERP_DATABASE]
    ca_bundle = settings[ERP_CA_BUNDLE]

    def connect() -> Connector:
        password = erp_password(user, url, sources)
        return Tryton(Client(Login(url, database, user, password, ca_bundle)))

    return connect
