"""The staff desk's tickets: the case handed to staff, its messages both ways, and which
staff-chat post belongs to which ticket (so a staff reply to a post finds its ticket).
"""
from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from typing import Any, Callable, Dict, List, Optional

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from bot.storage.database import Database, utc_now
from bot.storage.schema import analytics_tickets, staff_posts, ticket_messages, tickets

OPEN_STATUSES = ("open", "taken")
CHANNEL = "telegram"  # the desk lives in Telegram


@dataclass(frozen=True)
class Ticket:
    id: int
    ref: str
    language: str
    reason: str
    case: Dict[str, Any]
    status: str
    taken_by: Optional[str]
    opened_at: dt.datetime

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES


class TicketStore:
    """Reads and writes of the ticket tables; each method is one transaction."""

    def __init__(self, database: Database, clock: Callable[[], dt.datetime] = utc_now) -> None:
        self.database = database
        self.clock = clock  # naive UTC

    # -- tickets ----------------------------------------------------------------------------

    def open_ticket(self, ref: str, language: str, reason: str, case: Dict[str, Any]) -> Ticket:
        """Opens a ticket, or returns the student's ticket that is already open."""
        existing = self.open_ticket_of(ref)
        if existing:
            return existing
        now = self.clock()
        with self.database.transaction() as db:
            result = db.execute(tickets.insert().values(ref=ref, language=language, reason=reason,
                                                        case=json.dumps(case, ensure_ascii=False), status="open",
                                                        posted=False, opened_at=now))
            ticket_id = int(result.inserted_primary_key[0])
            # The ticket's life for the office's report: kept after the ticket closes, erased by /forget.
            db.execute(analytics_tickets.insert().values(ticket_id=ticket_id, ref=ref, reason=reason,
                                                         language=language, channel=CHANNEL, opened_at=now))
        return Ticket(ticket_id, ref, language, reason, case, "open", None, now)

    def mark_posted(self, ticket_id: int, within: Optional[Connection] = None) -> None:
        with self.database.transaction(within) as db:
            db.execute(tickets.update().where(tickets.c.id == ticket_id).values(posted=True))

    def unposted_tickets(self) -> List[Ticket]:
        with self.database.connect() as db:
            rows = db.execute(sa.select(tickets).where(tickets.c.posted.is_(False),
                                                       tickets.c.status.in_(OPEN_STATUSES))
                              .order_by(tickets.c.id)).all()
        return [_ticket(row) for row in rows]

    def open_tickets(self) -> List[Ticket]:
        with self.database.connect() as db:
            rows = db.execute(sa.select(tickets).where(tickets.c.status.in_(OPEN_STATUSES))
                              .order_by(tickets.c.id)).all()
        return [_ticket(row) for row in rows]

    def ticket(self, ticket_id: int) -> Optional[Ticket]:
        with self.database.connect() as db:
            row = db.execute(sa.select(tickets).where(tickets.c.id == ticket_id)).first()
        return _ticket(row) if row else None

    def open_ticket_of(self, ref: str) -> Optional[Ticket]:
        with self.database.connect() as db:
            row = db.execute(sa.select(tickets).where(tickets.c.ref == ref, tickets.c.status.in_(OPEN_STATUSES))
                             .order_by(tickets.c.id.desc()).limit(1)).first()
        return _ticket(row) if row else None

    def tickets_of(self, ref: str) -> List[Ticket]:
        with self.database.connect() as db:
            rows = db.execute(sa.select(tickets).where(tickets.c.ref == ref).order_by(tickets.c.id)).all()
        return [_ticket(row) for row in rows]

    def take(self, ticket_id: int, staff_name: str) -> Optional[Ticket]:
        """Marks an open ticket as taken by a staff member; None when it is closed or unknown."""
        with self.database.transaction() as db:
            done = db.execute(tickets.update().where(tickets.c.id == ticket_id, tickets.c.status.in_(OPEN_STATUSES))
                              .values(status="taken", taken_by=staff_name))
            if done.rowcount:
                db.execute(analytics_tickets.update().where(analytics_tickets.c.ticket_id == ticket_id,
                                                            analytics_tickets.c.taken_at.is_(None))
                           .values(taken_at=self.clock()))
        return self.ticket(ticket_id) if done.rowcount else None

    def close_ticket(self, ticket_id: int) -> Optional[Ticket]:
        """Closes an open ticket; None when it was not open (closing twice changes nothing)."""
        with self.database.transaction() as db:
            now = self.clock()
            done = db.execute(tickets.update().where(tickets.c.id == ticket_id, tickets.c.status.in_(OPEN_STATUSES))
                              .values(status="closed", closed_at=now))
            if done.rowcount:
                db.execute(analytics_tickets.update().where(analytics_tickets.c.ticket_id == ticket_id)
                           .values(closed_at=now))
        return self.ticket(ticket_id) if done.rowcount else None

    def add_ticket_message(self, ticket_id: int, author: str, text: str,
                           within: Optional[Connection] = None) -> None:
        with self.database.transaction(within) as db:
            now = self.clock()
            db.execute(ticket_messages.insert().values(ticket_id=ticket_id, author=author, text=text, at=now))
            if author == "staff":
                db.execute(analytics_tickets.update().where(analytics_tickets.c.ticket_id == ticket_id,
                                                            analytics_tickets.c.first_reply_at.is_(None))
                           .values(first_reply_at=now))

    def ticket_messages(self, ticket_id: int) -> List[Dict[str, Any]]:
        with self.database.connect() as db:
            rows = db.execute(sa.select(ticket_messages).where(ticket_messages.c.ticket_id == ticket_id)
                              .order_by(ticket_messages.c.id)).all()
        return [{"author": row.author, "text": row.text, "at": row.at} for row in rows]

    def add_staff_post(self, chat_id: int, message_id: int, ticket_id: int,
                       within: Optional[Connection] = None) -> None:
        with self.database.transaction(within) as db:
            db.execute(staff_posts.insert().values(chat_id=chat_id, message_id=message_id, ticket_id=ticket_id))

    def ticket_of_post(self, chat_id: int, message_id: int) -> Optional[int]:
        with self.database.connect() as db:
            row = db.execute(sa.select(staff_posts.c.ticket_id).where(staff_posts.c.chat_id == chat_id,
                                                                      staff_posts.c.message_id == message_id)).first()
        return int(row.ticket_id) if row else None

    def staff_posts_of(self, ticket_id: int) -> List[tuple]:
        with self.database.connect() as db:
            rows = db.execute(sa.select(staff_posts.c.chat_id, staff_posts.c.message_id)
                              .where(staff_posts.c.ticket_id == ticket_id)).all()
        return [(row.chat_id, row.message_id) for row in rows]

    # -- GDPR -------------------------------------------------------------------------------

    def forget(self, ref: str, within: Optional[Connection] = None) -> List[tuple]:
        """Erases the student's tickets, their messages and their report rows; returns the staff posts
        to blank out."""
        with self.database.transaction(within) as db:
            db.execute(analytics_tickets.delete().where(analytics_tickets.c.ref == ref))
            ticket_ids = [row.id for row in db.execute(sa.select(tickets.c.id).where(tickets.c.ref == ref))]
            if not ticket_ids:
                return []
            posts = [(row.chat_id, row.message_id) for row in db.execute(
                sa.select(staff_posts.c.chat_id, staff_posts.c.message_id)
                .where(staff_posts.c.ticket_id.in_(ticket_ids)))]
            db.execute(staff_posts.delete().where(staff_posts.c.ticket_id.in_(ticket_ids)))
            db.execute(ticket_messages.delete().where(ticket_messages.c.ticket_id.in_(ticket_ids)))
            db.execute(tickets.delete().where(tickets.c.id.in_(ticket_ids)))
        return posts


def _ticket(row) -> Ticket:
    return Ticket(row.id, row.ref, row.language, row.reason, json.loads(row.case), row.status, row.taken_by,
                  row.opened_at)
