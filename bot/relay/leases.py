"""Which adapter process works on a student's conversation: several adapters in webhook mode share one
database, and each student's messages must still be answered one at a time, in order.

A worker holds the student's lease while it sends a message to Rasa and delivers the replies. The
lease row is claimed with `SELECT … FOR UPDATE SKIP LOCKED` on PostgreSQL (a row another adapter is
claiming at this instant is skipped, never waited for), then taken only if it is free, expired or
already ours. The holder renews its leases every third of their life; a killed adapter stops renewing
and its students are taken over by another adapter once the lease expires (`LEASE_S`)."""
from __future__ import annotations

import datetime as dt
import os
import socket
import uuid
from typing import Optional

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from bot.storage.database import Database, utc_now
from bot.storage.schema import leases


def new_owner() -> str:
    """This process, told apart from a restarted one with the same pid."""
    return f"{socket.gethostname()[:40]}:{os.getpid()}:{uuid.uuid4().hex[:8]}"


class Leases:
    def __init__(self, database: Database, ttl_s: float = 15.0, owner: Optional[str] = None) -> None:
        self.database = database
        self.ttl = dt.timedelta(seconds=ttl_s)
        self.owner = owner or new_owner()

    def acquire(self, ref: str) -> bool:
        """True when this process now holds the student's lease (it may have held it already)."""
        now = utc_now()
        with self.database.transaction() as db:
            claim = sa.select(leases.c.owner, leases.c.expires_at).where(leases.c.ref == ref)
            if db.dialect.name == "postgresql":
                claim = claim.with_for_update(skip_locked=True)
            row = db.execute(claim).first()
            if row is None:
                # No row, or one another adapter has locked right now: only a missing row can be inserted.
                return db.execute(_insert_if_absent(db, ref, self.owner, now + self.ttl)).rowcount == 1
            if row.owner != self.owner and row.expires_at > now:
                return False  # another adapter works on this student
            # Free, expired (its adapter died) or ours: taken, the condition repeated for SQLite's sake.
            return db.execute(leases.update().where(leases.c.ref == ref, sa.or_(
                leases.c.owner == self.owner, leases.c.expires_at <= now))
                .values(owner=self.owner, expires_at=now + self.ttl)).rowcount == 1

    def holds(self, ref: str, within: Optional[Connection] = None) -> bool:
        """Renews the lease and says whether it is still ours (checked in the transaction that delivers
        an answer, so a worker whose lease was taken over does not deliver twice)."""
        with self.database.transaction(within) as db:
            return db.execute(leases.update().where(leases.c.ref == ref, leases.c.owner == self.owner)
                              .values(expires_at=utc_now() + self.ttl)).rowcount == 1

    def renew_all(self) -> int:
        with self.database.transaction() as db:
            return db.execute(leases.update().where(leases.c.owner == self.owner)
                              .values(expires_at=utc_now() + self.ttl)).rowcount

    def release(self, ref: str) -> None:
        with self.database.transaction() as db:
            db.execute(leases.delete().where(leases.c.ref == ref, leases.c.owner == self.owner))

    def release_all(self) -> None:
        with self.database.transaction() as db:
            db.execute(leases.delete().where(leases.c.owner == self.owner))


def _insert_if_absent(db: Connection, ref: str, owner: str, expires_at: dt.datetime):
    values = dict(ref=ref, owner=owner, expires_at=expires_at)
    if db.dialect.name == "postgresql":
        from sqlalchemy.dialects.postgresql import insert
    else:
        from sqlalchemy.dialects.sqlite import insert
    return insert(leases).values(**values).on_conflict_do_nothing(index_elements=["ref"])
