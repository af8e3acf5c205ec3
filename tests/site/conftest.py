"""A PostgreSQL cluster for the site's tests, started once per session on a free port on
127.0.0.1 (as an unprivileged user when the tests run as root), and a database of its
own for each test."""

import itertools
from collections.abc import Iterator

import pytest
from sqlalchemy import create_engine

from hub.cluster import Cluster, new_cluster

_names = itertools.count(1)


@pytest.fixture(scope="session")
def cluster() -> Iterator[Cluster]:
    made = new_cluster()
    try:
        yield made
    finally:
        made.remove()


@pytest.fixture
def site_url(cluster: Cluster) -> Iterator[str]:
    """An empty database of this test's own; dropped after, with whatever still holds it."""
    name = f"test_{next(_names)}"
    admin = create_engine(cluster.url("postgres"), isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as connection:
            connection.exec_driver_sql(f"CREATE DATABASE {name}")
        yield cluster.url(name)
        with admin.connect() as connection:
            connection.exec_driver_sql(f"DROP DATABASE {name} WITH (FORCE)")
    finally:
        admin.dispose()
