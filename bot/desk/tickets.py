"""The staff desk's storage (SQL: SQLite by default, PostgreSQL by URL): students known to the
adapter, the durable inbox of their messages, tickets with their messages, and which staff-chat
post belongs to which ticket.

Students are known by a pseudonymous reference only; the chat id is kept because a staff reply
must reach the student after a restart, and `/forget` erases it with everything else.
"""
from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from typing import Any, Dict, List, Optional

import sqlalchemy as sa

metadata = sa.MetaData()

students = sa.Table(
    "desk_students", metadata,
    sa.Column("ref", sa.String(40), primary_key=True),
    sa.Column("chat_id", sa.BigInteger, nullable=False),
    sa.Column("language", sa.String(2)),
    sa.Column("resume_pending", sa.Boolean, nullable=False, default=False),  # Rasa still paused after a ticket
    sa.Column("created_at", sa.DateTime, nullable=False),
)

inbox = sa.Table(
    "desk_inbox", metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("ref", sa.String(40), nullable=False, index=True),
    sa.Column("text", sa.Text, nullable=False),  # what goes to Rasa (a typed text or a button payload)
    sa.Column("shown", sa.Text),  # what the student saw themselves send, for staff (a button's title)
    sa.Column("meta", sa.Text, nullable=False, default="{}"),
    sa.Column("received_at", sa.DateTime, nullable=False),
    sa.Column("told_unavailable", sa.Boolean, nullable=False, default=False),
    sa.Column("rejections", sa.Integer, nullable=False, default=0),  # HTTP errors from a running Rasa
)

tickets = sa.Table(
    "desk_tickets", metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("ref", sa.String(40), nullable=False, index=True),
    sa.Column("language", sa.String(2), nullable=False),
    sa.Column("reason", sa.String(40), nullable=False),
    sa.Column("case", sa.Text, nullable=False),  # the handoff payload: question, facts, decision, transcript
    sa.Column("status", sa.String(10), nullable=False),  # open, taken, closed
    sa.Column("posted", sa.Boolean, nullable=False, default=False),  # reached at least one staff chat
    sa.Column("taken_by", sa.String(200)),
    sa.Column("opened_at", sa.DateTime, nullable=False),
    sa.Column("closed_at", sa.DateTime),
)

ticket_messages = sa.Table(
    "desk_ticket_messages", metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("ticket_id", sa.Integer, sa.ForeignKey("desk_tickets.id", ondelete="CASCADE"), nullable=False,
              index=True),
    sa.Column("author", sa.String(10), nullable=False),  # student, staff
    sa.Column("text", sa.Text, nullable=False),
    sa.Column("at", sa.DateTime, nullable=False),
)

staff_posts = sa.Table(
    "desk_staff_posts", metadata,
    sa.Column("chat_id", sa.BigInteger, primary_key=True),
    sa.Column("message_id", sa.BigInteger, primary_key=True),
    sa.Column("ticket_id", sa.Integer, sa.ForeignKey("desk_tickets.id", ondelete="CASCADE"), nullable=False,
              index=True),
)

button_payloads = sa.Table(
    "desk_button_payloads", metadata,
    sa.Column("key", sa.String(40), primary_key=True),
    sa.Column("payload", sa.Text, nullable=False),
)

OPEN_STATUSES = ("open", "taken")


def _now() -> dt.datetime:
    return dt.datetime.now(dt.timezone.utc).replace(tzinfo=None)


@dataclass(frozen=True)
class Student:
    ref: str
    chat_id: int
    language: Optional[str]
    resume_pending: bool = False


@dataclass(frozen=True)
class InboxMessage:
    id: int
    ref: str
    text: str
    shown: Optional[str]
    meta: Dict[str, Any]
    told_unavailable: bool
    rejections: int = 0


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
    """Every read and write of the desk; each method is one transaction."""

    def __init__(self, url: str) -> None:
        options: Dict[str, Any] = {"future": True}
        if url.startswith("sqlite"):
            options["connect_args"] = {"check_same_thread": False}
        # pool_pre_ping: after a database restart the first query gets a fresh connection, not an error.
        self.engine = sa.create_engine(url, pool_pre_ping=True, **options)
        if url.startswith("sqlite"):
            sa.event.listen(self.engine, "connect", _sqlite_foreign_keys)

    def create(self) -> "TicketStore":
        metadata.create_all(self.engine)
        return self

    def close(self) -> None:
        self.engine.dispose()

    # -- students ---------------------------------------------------------------------------

    def remember_student(self, ref: str, chat_id: int) -> Student:
        with self.engine.begin() as db:
            row = db.execute(sa.select(students).where(students.c.ref == ref)).first()
            if row is None:
                db.execute(students.insert().values(ref=ref, chat_id=chat_id, resume_pending=False,
                                                    created_at=_now()))
                return Student(ref, chat_id, None)
            if row.chat_id != chat_id:
                db.execute(students.update().where(students.c.ref == ref).values(chat_id=chat_id))
            return Student(ref, chat_id, row.language, row.resume_pending)

    def student(self, ref: str) -> Optional[Student]:
        with self.engine.connect() as db:
            row = db.execute(sa.select(students).where(students.c.ref == ref)).first()
        return Student(row.ref, row.chat_id, row.language, row.resume_pending) if row else None

    def set_language(self, ref: str, language: str) -> None:
        with self.engine.begin() as db:
            db.execute(students.update().where(students.c.ref == ref).values(language=language))

    def set_resume_pending(self, ref: str, pending: bool) -> None:
        with self.engine.begin() as db:
            db.execute(students.update().where(students.c.ref == ref).values(resume_pending=pending))

    # -- the inbox: every student message is kept until it has been answered ------------------

    def keep(self, ref: str, text: str, shown: Optional[str] = None, meta: Optional[Dict[str, Any]] = None) -> int:
        with self.engine.begin() as db:
            result = db.execute(inbox.insert().values(ref=ref, text=text, shown=shown, meta=json.dumps(meta or {}),
                                                      received_at=_now(), told_unavailable=False,
                                                      rejections=0))
            return int(result.inserted_primary_key[0])

    def next_pending(self, ref: str) -> Optional[InboxMessage]:
        with self.engine.connect() as db:
            row = db.execute(sa.select(inbox).where(inbox.c.ref == ref)
                             .order_by(inbox.c.id).limit(1)).first()
        if row is None:
            return None
        return InboxMessage(row.id, row.ref, row.text, row.shown, json.loads(row.meta), row.told_unavailable,
                            row.rejections)

    def has_pending(self, ref: str, text: str) -> bool:
        with self.engine.connect() as db:
            return db.execute(sa.select(inbox.c.id).where(inbox.c.ref == ref, inbox.c.text == text).limit(1)) \
                .first() is not None

    def refs_with_pending(self) -> List[str]:
        with self.engine.connect() as db:
            rows = db.execute(sa.select(inbox.c.ref, sa.func.min(inbox.c.id).label("first"))
                              .group_by(inbox.c.ref).order_by("first")).all()
        return [row.ref for row in rows]

    def mark_done(self, message_id: int) -> None:
        """An answered message leaves the inbox (Rasa's tracker and the ticket keep what is needed)."""
        with self.engine.begin() as db:
            db.execute(inbox.delete().where(inbox.c.id == message_id))

    def count_rejection(self, message_id: int) -> None:
        with self.engine.begin() as db:
            db.execute(inbox.update().where(inbox.c.id == message_id).values(rejections=inbox.c.rejections + 1))

    def mark_told_unavailable(self, ref: str) -> int:
        """Marks every waiting message of the student as announced; returns how many were not yet."""
        with self.engine.begin() as db:
            return db.execute(inbox.update().where(inbox.c.ref == ref, inbox.c.told_unavailable.is_(False))
                              .values(told_unavailable=True)).rowcount

    # -- tickets ----------------------------------------------------------------------------

    def open_ticket(self, ref: str, language: str, reason: str, case: Dict[str, Any]) -> Ticket:
        """Opens a ticket, or returns the student's ticket that is already open."""
        existing = self.open_ticket_of(ref)
        if existing:
            return existing
        now = _now()
        with self.engine.begin() as db:
            result = db.execute(tickets.insert().values(ref=ref, language=language, reason=reason,
                                                        case=json.dumps(case, ensure_ascii=False), status="open",
                                                        posted=False, opened_at=now))
            ticket_id = int(result.inserted_primary_key[0])
        return Ticket(ticket_id, ref, language, reason, case, "open", None, now)

    def mark_posted(self, ticket_id: int) -> None:
        with self.engine.begin() as db:
            db.execute(tickets.update().where(tickets.c.id == ticket_id).values(posted=True))

    def unposted_tickets(self) -> List[Ticket]:
        with self.engine.connect() as db:
            rows = db.execute(sa.select(tickets).where(tickets.c.posted.is_(False),
                                                       tickets.c.status.in_(OPEN_STATUSES))
                              .order_by(tickets.c.id)).all()
        return [_ticket(row) for row in rows]

    def open_tickets(self) -> List[Ticket]:
        with self.engine.connect() as db:
            rows = db.execute(sa.select(tickets).where(tickets.c.status.in_(OPEN_STATUSES))
                              .order_by(tickets.c.id)).all()
        return [_ticket(row) for row in rows]

    def ticket(self, ticket_id: int) -> Optional[Ticket]:
        with self.engine.connect() as db:
            row = db.execute(sa.select(tickets).where(tickets.c.id == ticket_id)).first()
        return _ticket(row) if row else None

    def open_ticket_of(self, ref: str) -> Optional[Ticket]:
        with self.engine.connect() as db:
            row = db.execute(sa.select(tickets).where(tickets.c.ref == ref, tickets.c.status.in_(OPEN_STATUSES))
                             .order_by(tickets.c.id.desc()).limit(1)).first()
        return _ticket(row) if row else None

    def tickets_of(self, ref: str) -> List[Ticket]:
        with self.engine.connect() as db:
            rows = db.execute(sa.select(tickets).where(tickets.c.ref == ref).order_by(tickets.c.id)).all()
        return [_ticket(row) for row in rows]

    def take(self, ticket_id: int, staff_name: str) -> Optional[Ticket]:
        """Marks an open ticket as taken by a staff member; None when it is closed or unknown."""
        with self.engine.begin() as db:
            done = db.execute(tickets.update().where(tickets.c.id == ticket_id, tickets.c.status.in_(OPEN_STATUSES))
                              .values(status="taken", taken_by=staff_name))
        return self.ticket(ticket_id) if done.rowcount else None

    def close_ticket(self, ticket_id: int) -> Optional[Ticket]:
        """Closes an open ticket; None when it was not open (closing twice changes nothing)."""
        with self.engine.begin() as db:
            done = db.execute(tickets.update().where(tickets.c.id == ticket_id, tickets.c.status.in_(OPEN_STATUSES))
                              .values(status="closed", closed_at=_now()))
        return self.ticket(ticket_id) if done.rowcount else None

    def add_ticket_message(self, ticket_id: int, author: str, text: str) -> None:
        with self.engine.begin() as db:
            db.execute(ticket_messages.insert().values(ticket_id=ticket_id, author=author, text=text, at=_now()))

    def ticket_messages(self, ticket_id: int) -> List[Dict[str, Any]]:
        with self.engine.connect() as db:
            rows = db.execute(sa.select(ticket_messages).where(ticket_messages.c.ticket_id == ticket_id)
                              .order_by(ticket_messages.c.id)).all()
        return [{"author": row.author, "text": row.text, "at": row.at} for row in rows]

    def add_staff_post(self, chat_id: int, message_id: int, ticket_id: int) -> None:
        with self.engine.begin() as db:
            db.execute(staff_posts.insert().values(chat_id=chat_id, message_id=message_id, ticket_id=ticket_id))

    def ticket_of_post(self, chat_id: int, message_id: int) -> Optional[int]:
        with self.engine.connect() as db:
            row = db.execute(sa.select(staff_posts.c.ticket_id).where(staff_posts.c.chat_id == chat_id,
                                                                      staff_posts.c.message_id == message_id)).first()
        return int(row.ticket_id) if row else None

    def staff_posts_of(self, ticket_id: int) -> List[tuple]:
        with self.engine.connect() as db:
            rows = db.execute(sa.select(staff_posts.c.chat_id, staff_posts.c.message_id)
                              .where(staff_posts.c.ticket_id == ticket_id)).all()
        return [(row.chat_id, row.message_id) for row in rows]

    # -- button payloads too long for Telegram's 64-byte callback data ----------------------

    def keep_payload(self, key: str, payload: str) -> None:
        with self.engine.begin() as db:
            if db.execute(sa.select(button_payloads.c.key).where(button_payloads.c.key == key)).first() is None:
                db.execute(button_payloads.insert().values(key=key, payload=payload))

    def payload(self, key: str) -> Optional[str]:
        with self.engine.connect() as db:
            row = db.execute(sa.select(button_payloads.c.payload).where(button_payloads.c.key == key)).first()
        return row.payload if row else None

    # -- GDPR -------------------------------------------------------------------------------

    def forget(self, ref: str) -> List[tuple]:
        """Erases the student, their messages and tickets; returns the staff posts to blank out."""
        with self.engine.begin() as db:
            ticket_ids = [row.id for row in db.execute(sa.select(tickets.c.id).where(tickets.c.ref == ref))]
            posts = [(row.chat_id, row.message_id) for row in db.execute(
                sa.select(staff_posts.c.chat_id, staff_posts.c.message_id)
                .where(staff_posts.c.ticket_id.in_(ticket_ids)))] if ticket_ids else []
            if ticket_ids:
                db.execute(staff_posts.delete().where(staff_posts.c.ticket_id.in_(ticket_ids)))
                db.execute(ticket_messages.delete().where(ticket_messages.c.ticket_id.in_(ticket_ids)))
                db.execute(tickets.delete().where(tickets.c.id.in_(ticket_ids)))
            db.execute(inbox.delete().where(inbox.c.ref == ref))
            db.execute(students.delete().where(students.c.ref == ref))
        return posts


def _ticket(row) -> Ticket:
    return Ticket(row.id, row.ref, row.language, row.reason, json.loads(row.case), row.status, row.taken_by,
                  row.opened_at)


def _sqlite_foreign_keys(connection, _record) -> None:
    connection.execute("PRAGMA foreign_keys=ON")
