"""The durable outbox: every reply to a student is kept here, already cut into Telegram messages,
and leaves only once Telegram accepted it. A Telegram outage or a restart loses no reply; each
student's replies leave in the order they were written."""
from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from typing import Any, Dict, List, Optional, Sequence, Tuple

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from bot.storage.database import Database, utc_now
from bot.storage.schema import outbox


@dataclass(frozen=True)
class Outgoing:
    id: int
    ref: str
    chat_id: int
    html: str
    keyboard: Optional[Dict[str, Any]]
    attempts: int
    created_at: dt.datetime
    next_at: dt.datetime
    ticket_id: Optional[int] = None  # a staff post of this ticket
    reply_in_ticket: bool = False  # sent as a reply to the ticket's first post in the chat


class Outbox:
    """Reads and writes of the outbox table; each method is one transaction (or the caller's)."""

    def __init__(self, database: Database) -> None:
        self.database = database

    def add(self, ref: str, chat_id: int, pieces: Sequence[Tuple[str, Optional[Dict[str, Any]]]],
            within: Optional[Connection] = None, ticket_id: Optional[int] = None,
            reply_in_ticket: bool = False) -> None:
        """Queues Telegram messages (HTML body, inline keyboard as Telegram JSON) in `ref`'s queue (a
        student, or a staff chat's `chat:<id>`)."""
        now = utc_now()
        with self.database.transaction(within) as db:
            for html, keyboard in pieces:
                db.execute(outbox.insert().values(ref=ref, chat_id=chat_id, html=html, created_at=now, attempts=0,
                                                  next_at=now, ticket_id=ticket_id, reply_in_ticket=reply_in_ticket,
                                                  keyboard=json.dumps(keyboard) if keyboard is not None else None))

    def add_many(self, messages: Sequence[Tuple[str, int, Sequence[Tuple[str, Optional[Dict[str, Any]]]]]],
                 within: Optional[Connection] = None) -> None:
        """Queues (ref, chat id, pieces) for many students in one statement (the reminder scheduler)."""
        now = utc_now()
        rows = [dict(ref=ref, chat_id=chat_id, html=html, created_at=now, attempts=0, next_at=now,
                     keyboard=json.dumps(keyboard) if keyboard is not None else None)
                for ref, chat_id, pieces in messages for html, keyboard in pieces]
        if rows:
            with self.database.transaction(within) as db:
                db.execute(outbox.insert(), rows)

    def next_for(self, ref: str) -> Optional[Outgoing]:
        with self.database.connect() as db:
            row = db.execute(sa.select(outbox).where(outbox.c.ref == ref).order_by(outbox.c.id).limit(1)).first()
        if row is None:
            return None
        return Outgoing(row.id, row.ref, row.chat_id, row.html, json.loads(row.keyboard) if row.keyboard else None,
                        row.attempts, row.created_at, row.next_at, row.ticket_id, bool(row.reply_in_ticket))

    def refs_waiting(self) -> List[str]:
        with self.database.connect() as db:
            return [row.ref for row in db.execute(sa.select(outbox.c.ref).distinct()).all()]

    def lease(self, outgoing: Outgoing, until: dt.datetime) -> bool:
        """Takes this try of a message for this process until `until` (compare-and-set on `next_at`):
        with several adapter processes on one database, only one sends it; if that one dies mid-send,
        the lease runs out and another tries again (at least once, as for a time-out)."""
        with self.database.transaction() as db:
            return db.execute(outbox.update().where(outbox.c.id == outgoing.id, outbox.c.next_at == outgoing.next_at)
                              .values(next_at=until)).rowcount == 1

    def done(self, message_id: int, within: Optional[Connection] = None) -> None:
        """Accepted by Telegram (or refused for good): the message leaves the outbox."""
        with self.database.transaction(within) as db:
            db.execute(outbox.delete().where(outbox.c.id == message_id))

    def retry_at(self, message_id: int, when: dt.datetime) -> None:
        with self.database.transaction() as db:
            db.execute(outbox.update().where(outbox.c.id == message_id)
                       .values(attempts=outbox.c.attempts + 1, next_at=when))

    def forget(self, ref: str, within: Optional[Connection] = None) -> None:
        with self.database.transaction(within) as db:
            db.execute(outbox.delete().where(outbox.c.ref == ref))
