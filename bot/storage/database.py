"""The adapter's one SQL database (SQLite by default, PostgreSQL by URL) and its migration path.

Every store of the adapter works on the same `Database`, so a student's erasure (`/forget`) can
span them all in one transaction. `migrate()` is the only place tables are created.
"""
from __future__ import annotations

import datetime as dt
from contextlib import contextmanager
from typing import Any, Dict, Iterator, Optional

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from bot.storage.schema import RETIRED_TABLES, metadata


MIGRATION_LOCK = 7_311_001  # PostgreSQL advisory lock held while the schema is created


def utc_now() -> dt.datetime:
    """Naive UTC, as every timestamp column holds it (SQLite keeps no time zone)."""
    return dt.datetime.now(dt.timezone.utc).replace(tzinfo=None)


class Database:
    """An engine on the adapter's database; nothing is opened until the first query."""

    def __init__(self, url: str) -> None:
        # hide_parameters: a database error's message would otherwise quote the row (a student's text)
        # into the logs.
        options: Dict[str, Any] = {"future": True, "hide_parameters": True}
        if url.startswith("sqlite"):
            options["connect_args"] = {"check_same_thread": False}
        # pool_pre_ping: after a database restart the first query gets a fresh connection, not an error.
        self.engine = sa.create_engine(url, pool_pre_ping=True, **options)
        if url.startswith("sqlite"):
            sa.event.listen(self.engine, "connect", _sqlite_foreign_keys)

    def migrate(self) -> "Database":
        """Creates the tables of `schema` that are missing (a new table needs nothing else) and drops
        the retired ones."""
        with self.engine.begin() as db:
            if db.dialect.name == "postgresql":  # adapters starting together: one migrates, the others wait
                db.execute(sa.text("SELECT pg_advisory_xact_lock(:key)"), {"key": MIGRATION_LOCK})
            metadata.create_all(db)
            _add_missing_columns(db)
            existing = set(sa.inspect(db).get_table_names())
            for name in RETIRED_TABLES:
                if name in existing:
                    db.execute(sa.text(f'DROP TABLE "{name}"'))
        return self

    def close(self) -> None:
        self.engine.dispose()

    @contextmanager
    def transaction(self, within: Optional[Connection] = None) -> Iterator[Connection]:
        """A new transaction, or the caller's when one is given (several stores in one commit)."""
        if within is not None:
            yield within
            return
        with self.engine.begin() as db:
            yield db

    def connect(self) -> Connection:
        return self.engine.connect()


def _add_missing_columns(db: Connection) -> None:
    """A nullable column added to an existing table (e.g. `desk_outbox.ticket_id`) is added to the
    database too; anything else needs a migration of its own."""
    inspector = sa.inspect(db)
    for table in metadata.sorted_tables:
        present = {column["name"] for column in inspector.get_columns(table.name)}
        for column in table.columns:
            if column.name not in present and column.nullable:
                kind = column.type.compile(dialect=db.dialect)
                db.execute(sa.text(f'ALTER TABLE "{table.name}" ADD COLUMN "{column.name}" {kind}'))


def _sqlite_foreign_keys(connection, _record) -> None:
    connection.execute("PRAGMA foreign_keys=ON")
