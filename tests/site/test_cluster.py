"""The site's PostgreSQL: its own cluster, reachable from this machine only, never run as
root."""

import os
from pathlib import Path

from sqlalchemy import create_engine

from hub.cluster import Cluster


def test_the_cluster_listens_on_loopback_only_and_not_as_root(cluster: Cluster) -> None:
    engine = create_engine(cluster.url())
    try:
        with engine.connect() as connection:
            listens = connection.exec_driver_sql("SHOW listen_addresses").scalar()
            port = connection.exec_driver_sql("SHOW port").scalar()
    finally:
        engine.dispose()
    assert listens == "127.0.0.1"
    assert port == str(cluster.port)
    postmaster = int((cluster.data / "postmaster.pid").read_text().split()[0])
    owner = Path(f"/proc/{postmaster}").stat().st_uid
    assert owner != 0
    runner = cluster.runner
    assert owner == (runner.pw_uid if runner is not None else os.geteuid())


def test_each_test_has_a_database_of_its_own(site_url: str, cluster: Cluster) -> None:
    engine = create_engine(site_url)
    try:
        with engine.begin() as connection:
            connection.exec_driver_sql("CREATE TABLE mine (n int)")
    finally:
        engine.dispose()
    other = create_engine(cluster.url())
    try:
        with other.connect() as connection:
            tables = connection.exec_driver_sql(
                "SELECT count(*) FROM pg_tables WHERE tablename = 'mine'"
            ).scalar()
    finally:
        other.dispose()
    assert tables == 0
