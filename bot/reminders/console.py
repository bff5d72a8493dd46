"""Reminders in the terminal chat: the offer as numbered choices, `/reminders` (cancel by number),
`/calendar` (an .ics file written under var/, its path printed), and due reminders printed at the
next prompt. The terminal's conversation is its own reference (`CONSOLE_SENDER_ID`)."""
from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any, Callable, Dict, List, Tuple

from bot import texts
from bot.reminders.room import ReminderRoom
from bot.reminders.scheduler import reminder_text
from bot.reminders.store import ReminderStore
from bot.reminders.timing import ReminderClock
from bot.storage.database import Database


class ConsoleReminders:
    def __init__(self, database: Database, clock: ReminderClock, ref: str, folder: Path,
                 now: Callable[[], dt.datetime] = lambda: dt.datetime.now(dt.timezone.utc)) -> None:
        self.database, self.ref, self.folder, self.now = database, ref, folder, now
        self.store = ReminderStore(database)
        self.room = ReminderRoom(self.store, None, clock, now)  # no Telegram keys: the terminal numbers choices
        self.clock = clock

    def offer(self, custom: Dict[str, Any], lang: str) -> Tuple[str, List[Dict[str, str]]]:
        return self.room.offer(custom, lang, self.ref)

    def already_set(self, lang: str) -> str:
        return self.room.already_set(self.ref, lang)

    def choose(self, payload: str, lang: str) -> str:
        text, calendar = self.room.choose(self.ref, payload, lang)
        if calendar is not None:
            text += "\n" + str(self._write(calendar))
        return text

    def listing(self, lang: str) -> Tuple[str, List[Dict[str, str]]]:
        return self.room.listing_choices(self.ref, lang)

    def calendar(self, lang: str) -> str:
        calendar = self.room.calendar(self.ref, lang)
        return str(self._write(calendar)) if calendar else texts.text("reminders.calendar_empty", lang)

    def due_now(self, lang: str) -> List[str]:
        """Reminders of this conversation that are due, claimed (so printed once) and rendered."""
        now_aware = self.now()
        now = now_aware.astimezone(dt.timezone.utc).replace(tzinfo=None)
        with self.database.transaction() as db:
            claimed = self.store.claim_due(now, 100, db, ref=self.ref)
        today = self.clock.today(now_aware)
        return [reminder_text(r, r.language or lang, today, None) for r in claimed]  # the language of the offer

    def _write(self, calendar: bytes) -> Path:
        self.folder.mkdir(parents=True, exist_ok=True)
        path = self.folder / f"calendar-{self.ref}.ics"
        path.write_bytes(calendar)
        return path.resolve()
