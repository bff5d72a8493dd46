"""The durable inbox: every student message is kept here before anything else happens, and leaves
only once it has been answered (or handed to staff). Restarts and Rasa outages lose nothing."""
from __future__ import annotations

import datetime as dt
import json
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any, Dict, Iterator, List, Optional, Set

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from bot.storage.database import Database, utc_now
from bot.storage.schema import inbox, outage_notices, seen_updates, staff_flow

# Telegram re-sends an update it got no answer for during 24 hours: two days of ids covers it.
SEEN_UPDATES_KEPT = dt.timedelta(days=2)


HELD_TEXT_KEPT = 3000  # characters of held messages quoted in the staff chat's summary (all stay in the ticket)


@dataclass(frozen=True)
class HeldSummary:
    """Messages of a ticket held back from the staff chat during a window: how many, and the start."""

    ticket_id: int
    count: int
    text: str


@dataclass(frozen=True)
class StaffTurn:
    """What to do with a student's message for the staff chat: post it, or hold it (telling the
    student once); and the summary of the previous window's held messages, to post first."""

    post: bool
    tell_student: bool = False
    summary: Optional[HeldSummary] = None


@dataclass(frozen=True)
class InboxMessage:
    id: int
    ref: str
    text: str
    shown: Optional[str]
    meta: Dict[str, Any]
    told_unavailable: bool
    rejections: int = 0


class Replayed(Exception):
    """The update was already recorded as handled (by this adapter before a crash, or by another one)."""


class Inbox:
    """Reads and writes of the inbox table; each method is one transaction."""

    def __init__(self, database: Database) -> None:
        self.database = database
        # Updates this process recorded while handling them (a handler may store more than once).
        self._recorded: Set[int] = set()

    def keep(self, ref: str, text: str, shown: Optional[str] = None, meta: Optional[Dict[str, Any]] = None,
             within: Optional[Connection] = None) -> int:
        with self.database.transaction(within) as db:
            result = db.execute(inbox.insert().values(ref=ref, text=text, shown=shown, meta=json.dumps(meta or {}),
                                                      received_at=utc_now(), told_unavailable=False,
                                                      rejections=0))
            return int(result.inserted_primary_key[0])

    def next_pending(self, ref: str) -> Optional[InboxMessage]:
        with self.database.connect() as db:
            row = db.execute(sa.select(inbox).where(inbox.c.ref == ref)
                             .order_by(inbox.c.id).limit(1)).first()
        if row is None:
            return None
        return InboxMessage(row.id, row.ref, row.text, row.shown, json.loads(row.meta), row.told_unavailable,
                            row.rejections)

    def has_pending(self, ref: str, text: str) -> bool:
        with self.database.connect() as db:
            return db.execute(sa.select(inbox.c.id).where(inbox.c.ref == ref, inbox.c.text == text).limit(1)) \
                .first() is not None

    def refs_with_pending(self) -> List[str]:
        with self.database.connect() as db:
            rows = db.execute(sa.select(inbox.c.ref, sa.func.min(inbox.c.id).label("first"))
                              .group_by(inbox.c.ref).order_by("first")).all()
        return [row.ref for row in rows]

    def mark_done(self, message_id: int, within: Optional[Connection] = None) -> None:
        """An answered message leaves the inbox (Rasa's tracker and the ticket keep what is needed)."""
        with self.database.transaction(within) as db:
            db.execute(inbox.delete().where(inbox.c.id == message_id))

    def count_rejection(self, message_id: int) -> None:
        with self.database.transaction() as db:
            db.execute(inbox.update().where(inbox.c.id == message_id).values(rejections=inbox.c.rejections + 1))

    def mark_told_unavailable(self, ref: str) -> int:
        """Marks every waiting message of the student as announced; returns how many were not yet."""
        with self.database.transaction() as db:
            return db.execute(inbox.update().where(inbox.c.ref == ref, inbox.c.told_unavailable.is_(False))
                              .values(told_unavailable=True)).rowcount

    def seen(self, update_id: int) -> bool:
        """Whether the update was already handled (a webhook retry, a poll after a crash, a replay)."""
        with self.database.connect() as db:
            return db.execute(sa.select(seen_updates.c.update_id)
                              .where(seen_updates.c.update_id == update_id)).first() is not None

    @contextmanager
    def handling(self, update_id: Optional[int]) -> Iterator[Connection]:
        """One transaction holding what handling the update stores (a message in the inbox, a reply in
        the outbox) AND the record that the update was handled: a crash or a failed write leaves
        neither, so Telegram's replay of the update is handled again; once committed, a replay is
        refused (`Replayed`), on this adapter or another one sharing the database."""
        first = update_id is not None and update_id not in self._recorded
        with self.database.transaction() as db:
            if first:
                try:
                    db.execute(seen_updates.insert().values(update_id=update_id, at=utc_now()))
                except sa.exc.IntegrityError as error:
                    raise Replayed(str(update_id)) from error
            yield db
        if first:
            self._recorded.add(update_id)

    def handling_failed(self, update_id: int) -> None:
        """The update's handler raised: whatever it committed stays, nothing more is recorded."""
        self._recorded.discard(update_id)

    def handled(self, update_id: int) -> None:
        """The update's handlers are done: recorded now if none of them stored anything (a staff
        command, a button already used), so a replay is not handled again."""
        if update_id in self._recorded:
            self._recorded.discard(update_id)
            return
        self.first_sighting(update_id)

    def first_sighting(self, update_id: int) -> bool:
        """True the first time a Telegram update id is seen (and now recorded); a replay is False."""
        try:
            with self.database.transaction() as db:
                db.execute(seen_updates.insert().values(update_id=update_id, at=utc_now()))
        except sa.exc.IntegrityError:
            return False
        return True

    def drop_old_updates(self) -> None:
        """Forgets update ids older than Telegram's replays (run by the retry loop)."""
        with self.database.transaction() as db:
            db.execute(seen_updates.delete().where(seen_updates.c.at < utc_now() - SEEN_UPDATES_KEPT))

    def tell_outage_once(self, ref: str) -> bool:
        """True when the student has not been told of the current outage yet (and now counts as told)."""
        try:
            with self.database.transaction() as db:
                db.execute(outage_notices.insert().values(ref=ref, at=utc_now()))
        except sa.exc.IntegrityError:
            return False
        return True

    def outage_over(self, ref: str) -> None:
        """The assistant answered the student again: a later outage gets its own notice."""
        with self.database.transaction() as db:
            db.execute(outage_notices.delete().where(outage_notices.c.ref == ref))

    def staff_turn(self, ticket_id: int, ref: str, text: str, limit: int, window: dt.timedelta) -> StaffTurn:
        """Counts a message of an open ticket towards the staff chat: at most `limit` are posted per
        `window`; the others are held (they stay in the ticket) and summarised once the window ends."""
        now = utc_now()
        with self.database.transaction() as db:
            row = db.execute(sa.select(staff_flow).where(staff_flow.c.ticket_id == ticket_id)).first()
            if row is None:
                db.execute(staff_flow.insert().values(ticket_id=ticket_id, ref=ref, window_start=now, posted=1, held=0,
                                                      held_text="", told=False))
                return StaffTurn(True)
            where = staff_flow.c.ticket_id == ticket_id
            if row.window_start <= now - window:  # a new window: what was held is summarised first
                db.execute(staff_flow.update().where(where)
                           .values(window_start=now, posted=1, held=0, held_text="", told=False))
                return StaffTurn(True, summary=HeldSummary(ticket_id, row.held, row.held_text) if row.held else None)
            if row.posted < limit:
                db.execute(staff_flow.update().where(where).values(posted=row.posted + 1))
                return StaffTurn(True)
            quoted = row.held_text if len(row.held_text) >= HELD_TEXT_KEPT else \
                (row.held_text + "\n" + text).lstrip("\n")[:HELD_TEXT_KEPT]
            db.execute(staff_flow.update().where(where).values(held=row.held + 1, held_text=quoted, told=True))
            return StaffTurn(False, tell_student=not row.told)

    def held_to_summarise(self, window: dt.timedelta) -> List[HeldSummary]:
        """The held messages of windows that ended without a later message to carry their summary;
        each is returned once (and cleared)."""
        now = utc_now()
        with self.database.transaction() as db:
            rows = db.execute(sa.select(staff_flow).where(staff_flow.c.held > 0,
                                                          staff_flow.c.window_start <= now - window)).all()
            for row in rows:
                db.execute(staff_flow.update().where(staff_flow.c.ticket_id == row.ticket_id)
                           .values(window_start=now, posted=0, held=0, held_text="", told=False))
        return [HeldSummary(row.ticket_id, row.held, row.held_text) for row in rows]

    def forget(self, ref: str, within: Optional[Connection] = None) -> None:
        with self.database.transaction(within) as db:
            db.execute(inbox.delete().where(inbox.c.ref == ref))
            db.execute(outage_notices.delete().where(outage_notices.c.ref == ref))
            db.execute(staff_flow.delete().where(staff_flow.c.ref == ref))
