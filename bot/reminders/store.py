"""The reminders table: what a student asked to be reminded of, and the atomic claim that makes each
reminder go out exactly once, whichever adapter process (and however many) runs the scheduler."""
from __future__ import annotations

import datetime as dt
import json
import uuid
from dataclasses import dataclass
from typing import Any, Dict, List, Optional, Sequence, Tuple

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from bot.storage.database import Database, utc_now
from bot.storage.schema import reminders

PENDING, SENT, DROPPED, CANCELLED = "pending", "sent", "dropped", "cancelled"


@dataclass(frozen=True)
class Reminder:
    id: int
    ref: str
    kind: str
    due_date: dt.date
    lead_days: int
    send_at: dt.datetime
    lapses: bool
    article: str
    texts: Dict[str, Dict[str, str]]  # {"label": {"fr", "en"}, "cite": {"fr", "en"}}
    language: str
    status: str

    def label(self, lang: str) -> str:
        return self.texts["label"].get(lang) or self.texts["label"]["fr"]

    def cite(self, lang: str) -> str:
        return self.texts["cite"].get(lang) or self.texts["cite"]["fr"]


def _reminder(row: Any) -> Reminder:
    return Reminder(row.id, row.ref, row.kind, row.due_date, row.lead_days, row.send_at, row.lapses, row.article,
                    json.loads(row.texts), row.language, row.status)


class ReminderStore:
    """Reads and writes of the reminders table; each method is one transaction (or the caller's)."""

    def __init__(self, database: Database) -> None:
        self.database = database

    def add(self, ref: str, step: Dict[str, Any], planned: Sequence[Tuple[int, dt.datetime]], language: str,
            within: Optional[Connection] = None) -> List[int]:
        """One pending row per (lead days, send time) of a step (as the rules core gave it); a step
        already reminded at that lead is not added twice."""
        now = utc_now()
        texts = json.dumps({"label": step["label"], "cite": step["cite"]})
        due = dt.date.fromisoformat(step["date"])
        ids: List[int] = []
        with self.database.transaction(within) as db:
            for lead, send_at in planned:
                exists = db.execute(sa.select(reminders.c.id).where(
                    reminders.c.ref == ref, reminders.c.kind == step["kind"], reminders.c.due_date == due,
                    reminders.c.lead_days == lead, reminders.c.status == PENDING)).first()
                if exists:
                    ids.append(exists.id)
                    continue
                result = db.execute(reminders.insert().values(
                    ref=ref, kind=step["kind"], due_date=due, lead_days=lead, send_at=send_at,
                    lapses=bool(step["lapses"]), article=step["article"], texts=texts, language=language,
                    status=PENDING, created_at=now))
                ids.append(result.inserted_primary_key[0])
        return ids

    def pending_of(self, ref: str, within: Optional[Connection] = None) -> List[Reminder]:
        with self.database.transaction(within) as db:
            rows = db.execute(sa.select(reminders).where(reminders.c.ref == ref, reminders.c.status == PENDING)
                              .order_by(reminders.c.send_at, reminders.c.id)).all()
        return [_reminder(row) for row in rows]

    def steps_of(self, ref: str) -> List[Reminder]:
        """One reminder per dated step the student asked about (any status but cancelled), by date."""
        with self.database.connect() as db:
            rows = db.execute(sa.select(reminders).where(reminders.c.ref == ref, reminders.c.status != CANCELLED)
                              .order_by(reminders.c.due_date, reminders.c.id)).all()
        seen, steps = set(), []
        for row in rows:
            if (row.kind, row.due_date) not in seen:
                seen.add((row.kind, row.due_date))
                steps.append(_reminder(row))
        return steps

    def cancel(self, ref: str, reminder_id: int) -> bool:
        """Cancels one pending reminder of this student (another student's id does nothing)."""
        with self.database.transaction() as db:
            return db.execute(reminders.update().where(
                reminders.c.id == reminder_id, reminders.c.ref == ref, reminders.c.status == PENDING)
                .values(status=CANCELLED, done_at=utc_now())).rowcount == 1

    def cancel_all(self, ref: str) -> int:
        """Every pending reminder of the student (the bot was blocked: nothing could reach them)."""
        with self.database.transaction() as db:
            return db.execute(reminders.update().where(reminders.c.ref == ref, reminders.c.status == PENDING)
                              .values(status=CANCELLED, done_at=utc_now())).rowcount

    def forget(self, ref: str, within: Optional[Connection] = None) -> None:
        with self.database.transaction(within) as db:
            db.execute(reminders.delete().where(reminders.c.ref == ref))

    def purge(self, before: dt.datetime) -> int:
        """Rows done (sent, dropped, cancelled) before this time leave the table (retention)."""
        with self.database.transaction() as db:
            return db.execute(reminders.delete().where(reminders.c.status != PENDING,
                                                       reminders.c.done_at < before)).rowcount

    def claim_due(self, now: dt.datetime, limit: int, db: Connection, ref: Optional[str] = None) -> List[Reminder]:
        """Takes up to `limit` reminders due by `now` for this transaction, atomically: one UPDATE
        with the `status = 'pending'` guard, so two processes never take the same row. On PostgreSQL
        the inner SELECT skips rows another process is claiming (FOR UPDATE SKIP LOCKED) and the outer
        guard is re-checked on the row's newest version; SQLite runs one writer at a time. The caller
        queues the messages in the same transaction: claimed and queued commit together, or neither."""
        token = uuid.uuid4().hex
        due = sa.select(reminders.c.id).where(reminders.c.status == PENDING, reminders.c.send_at <= now) \
            .order_by(reminders.c.send_at, reminders.c.id).limit(limit)
        if ref is not None:  # the terminal chat: only its own conversation's
            due = due.where(reminders.c.ref == ref)
        if db.dialect.name == "postgresql":
            due = due.with_for_update(skip_locked=True)
        db.execute(reminders.update().where(reminders.c.id.in_(due.scalar_subquery()), reminders.c.status == PENDING)
                   .values(status=SENT, claim=token, done_at=now).execution_options(synchronize_session=False))
        rows = db.execute(sa.select(reminders).where(reminders.c.claim == token).order_by(reminders.c.send_at)).all()
        return [_reminder(row) for row in rows]

    def mark_dropped(self, reminder_id: int, db: Connection) -> None:
        db.execute(reminders.update().where(reminders.c.id == reminder_id).values(status=DROPPED))

    def count_pending(self) -> int:
        with self.database.connect() as db:
            return db.execute(sa.select(sa.func.count()).select_from(reminders)
                              .where(reminders.c.status == PENDING)).scalar()
