"""The scheduler: every `REMINDER_POLL_S` it claims the reminders that are due and queues them in the
outbox, in one transaction (so each goes out once: a crash before the commit leaves them pending, after
it the outbox owns them and retries Telegram until it accepts).

A reminder that comes more than `LATE_AFTER` past its time (the adapter was down) is:
- dropped when its step lapses (a deadline: learning-agreement changes, the contract or the OLS test
  before departure) and the step's date has passed: a "one week before" note after the deadline
  helps nobody;
- otherwise sent at once with a note saying when it was due (e.g. the OLS test on return, still owed).
Of several late reminders of one step, only the nearest to the date is sent. Nothing is sent during
quiet hours: late reminders wait for the morning.
"""
from __future__ import annotations

import asyncio
import datetime as dt
import logging
from typing import Callable, Dict, List, Optional, Tuple

from bot import texts
from bot.relay.outbox import Outbox
from bot.reminders.store import Reminder, ReminderStore
from bot.reminders.timing import ReminderClock
from bot.storage.database import Database
from bot.storage.students import Students
from bot.telegram.format import message_pieces
from rules_core.render import format_date

log = logging.getLogger(__name__)

LATE_AFTER = dt.timedelta(hours=1)
BATCH = 500  # reminders claimed per transaction


def when_text(days: int, lang: str) -> str:
    if days > 1:
        return texts.text("reminders.in_days", lang, days=days)
    if days == 1:
        return texts.text("reminders.tomorrow", lang)
    if days == 0:
        return texts.text("reminders.today", lang)
    return texts.text("reminders.past", lang, days=-days)


def reminder_text(reminder: Reminder, lang: str, today: dt.date, late_since: Optional[dt.date]) -> str:
    text = texts.text("reminders.message", lang, label=reminder.label(lang), date=format_date(reminder.due_date, lang),
                      when=when_text((reminder.due_date - today).days, lang), cite=reminder.cite(lang))
    if late_since is not None:
        text += "\n" + texts.text("reminders.late_note", lang, date=format_date(late_since, lang))
    return text


class Scheduler:
    def __init__(self, database: Database, store: ReminderStore, students: Students, outbox: Outbox,
                 clock: ReminderClock, now: Callable[[], dt.datetime], poll_s: float,
                 notify: Callable[[str], None] = lambda ref: None, keep_days: int = 30) -> None:
        self.database, self.store, self.students, self.outbox = database, store, students, outbox
        self.keep_days = keep_days
        self.clock, self.now, self.poll_s, self.notify = clock, now, poll_s, notify

    def run_once(self) -> List[str]:
        """Queues every reminder due now; returns the student of each message queued."""
        now_aware = self.now()
        if self.clock.is_quiet(now_aware):
            return []
        now = now_aware.astimezone(dt.timezone.utc).replace(tzinfo=None)
        today = self.clock.today(now_aware)
        queued: List[str] = []
        while True:
            with self.database.transaction() as db:
                claimed = self.store.claim_due(now, BATCH, db)
                known = self.students.many([r.ref for r in claimed], within=db)
                messages = []
                for reminder in self._keep_nearest_late(claimed, now, db):
                    late = now - reminder.send_at > LATE_AFTER
                    student = known.get(reminder.ref)
                    if (late and reminder.lapses and today > reminder.due_date) or student is None:
                        self.store.mark_dropped(reminder.id, db)
                        continue
                    lang = student.language or reminder.language
                    late_since = self.clock.local(reminder.send_at).date() if late else None
                    messages.append((reminder.ref, student.chat_id,
                                     message_pieces(reminder_text(reminder, lang, today, late_since))))
                    queued.append(reminder.ref)
                self.outbox.add_many(messages, within=db)
            if len(claimed) < BATCH:
                break
        return queued

    def _keep_nearest_late(self, claimed: List[Reminder], now: dt.datetime, db) -> List[Reminder]:
        """Of several late reminders of one step, the one nearest its date; the others are dropped."""
        nearest: Dict[Tuple[str, str, dt.date], Reminder] = {}
        keep: List[Reminder] = []
        for reminder in claimed:
            if now - reminder.send_at <= LATE_AFTER:
                keep.append(reminder)
                continue
            step = (reminder.ref, reminder.kind, reminder.due_date)
            other = nearest.get(step)
            if other is None or reminder.lead_days < other.lead_days:
                if other is not None:
                    self.store.mark_dropped(other.id, db)
                nearest[step] = reminder
            else:
                self.store.mark_dropped(reminder.id, db)
        return keep + list(nearest.values())

    def purge(self) -> int:
        """Sent, dropped and cancelled reminders leave the table `keep_days` after they were done."""
        now = self.now().astimezone(dt.timezone.utc).replace(tzinfo=None)
        return self.store.purge(now - dt.timedelta(days=self.keep_days))

    async def run_forever(self) -> None:
        loop = asyncio.get_running_loop()
        purged_at = None
        while True:
            if purged_at is None or self.now() - purged_at > dt.timedelta(hours=1):
                try:
                    await loop.run_in_executor(None, self.purge)
                    purged_at = self.now()
                except Exception:  # noqa: BLE001 - retention catches up at the next hour
                    log.exception("reminder retention not applied")
            try:
                for ref in set(await loop.run_in_executor(None, self.run_once)):
                    self.notify(ref)  # the student's worker sends the outbox (in the loop, not the thread)
            except Exception:  # noqa: BLE001 - e.g. a database restarting: the next round catches up
                log.exception("reminder round failed")
            await asyncio.sleep(self.poll_s)
