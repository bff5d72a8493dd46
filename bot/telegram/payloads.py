"""Quick replies as opaque keys: Telegram carries a random key, the payload stays on the server.

Clients can send any callback data they like, so nothing in it is trusted: a key is honoured
only for the student it was issued to, before it expires, and once per keyboard (a keyboard is
one choice: a double tap, or a tap on an older copy, finds it used).
"""
from __future__ import annotations

import datetime as dt
import secrets
from dataclasses import dataclass
from typing import List, Optional, Sequence, Tuple

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from bot.storage.database import Database, utc_now
from bot.storage.schema import buttons

KEY_PREFIX = "b:"  # callback data of a quick reply: "b:" + 22 URL-safe characters (well under 64 bytes)


@dataclass(frozen=True)
class Choice:
    """What a pressed key stands for; `status` is ok, unknown (or another student's), expired or used."""

    status: str
    payload: Optional[str] = None
    title: Optional[str] = None


class ButtonPayloads:
    def __init__(self, database: Database, ttl: dt.timedelta = dt.timedelta(days=30)) -> None:
        self.database = database
        self.ttl = ttl

    def issue(self, ref: str, choices: Sequence[Tuple[str, str]], within: Optional[Connection] = None) -> List[str]:
        """One key per (payload, title) of one keyboard, bound to the student; expired keys are purged."""
        now = utc_now()
        keyboard = secrets.token_urlsafe(12)
        keys = [KEY_PREFIX + secrets.token_urlsafe(16) for _ in choices]
        with self.database.transaction(within) as db:
            db.execute(buttons.delete().where(buttons.c.created_at < now - self.ttl))
            for key, (payload, title) in zip(keys, choices):
                db.execute(buttons.insert().values(key=key, ref=ref, keyboard=keyboard, payload=payload, title=title,
                                                   created_at=now))
        return keys

    def redeem(self, ref: str, key: str) -> Choice:
        """The choice behind a pressed key, spent with the rest of its keyboard when it is valid."""
        now = utc_now()
        with self.database.transaction() as db:
            row = db.execute(sa.select(buttons).where(buttons.c.key == key)).first()
            if row is None or row.ref != ref:  # another student's key says nothing more than an unknown one
                return Choice("unknown")
            if row.created_at < now - self.ttl:
                return Choice("expired")
            spent = db.execute(buttons.update().where(buttons.c.keyboard == row.keyboard, buttons.c.used_at.is_(None))
                               .values(used_at=now)).rowcount
            if not spent:  # a second tap, or a tap racing the first: one choice per keyboard
                return Choice("used")
        return Choice("ok", row.payload, row.title)

    def forget(self, ref: str, within: Optional[Connection] = None) -> None:
        with self.database.transaction(within) as db:
            db.execute(buttons.delete().where(buttons.c.ref == ref))
