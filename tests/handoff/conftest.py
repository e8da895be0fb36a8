"""Fixtures of the handoff tests: a PostgreSQL cluster shared by the session (skipped where there is none)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.conftest import require
from tests.support import postgres


@pytest.fixture(scope="session")
def pg_cluster() -> Iterator[postgres.PostgresCluster]:
    require(postgres.available(), "PostgreSQL (initdb, pg_ctl)")
    cluster = postgres.PostgresCluster().start()
    try:
        yield cluster
    finally:
        cluster.stop()
