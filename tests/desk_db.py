"""Ticket-store databases for tests: SQLite in a temporary folder, and the machine's PostgreSQL.

Under CI=true a missing PostgreSQL is a failure, not a skip.
"""
from __future__ import annotations

import os
import uuid

import pytest
import sqlalchemy as sa

POSTGRES_URL = os.environ.get("TEST_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/test")


def postgres_url() -> str:
    """A fresh PostgreSQL database for one test module (dropped by `drop_postgres`)."""
    name = f"desk_{uuid.uuid4().hex[:10]}"
    admin = sa.create_engine(POSTGRES_URL, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as db:
            db.execute(sa.text(f'CREATE DATABASE "{name}"'))
    except sa.exc.OperationalError as error:
        if os.environ.get("CI") == "true":
            pytest.fail(f"PostgreSQL is required under CI=true and is not reachable at {POSTGRES_URL}: {error}")
        pytest.skip(f"no PostgreSQL at {POSTGRES_URL}")
    finally:
        admin.dispose()
    return POSTGRES_URL.rsplit("/", 1)[0] + "/" + name


def drop_postgres(url: str) -> None:
    name = url.rsplit("/", 1)[1]
    admin = sa.create_engine(POSTGRES_URL, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as db:
            db.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    finally:
        admin.dispose()

