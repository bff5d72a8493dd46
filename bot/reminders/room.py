"""What the student sees of reminders: the offer after an answer with a date (its buttons are opaque
keys whose payloads the adapter, not Rasa, acts on), the choice, `/reminders` with a cancel button per
reminder, and the calendar file. Dates, kinds and articles come from the rules core, through the
answer's `custom.reminder_offer`; nothing here knows the regulation."""
from __future__ import annotations

import datetime as dt
import json
from typing import Any, Callable, Dict, List, Optional, Tuple

from sqlalchemy.engine import Connection
from telegram import InlineKeyboardMarkup

from bot import texts
from bot.reminders.calendar import CalendarStep, ics_bytes
from bot.reminders.store import ReminderStore
from bot.reminders.timing import ReminderClock
from bot.storage.students import Student
from bot.telegram.format import message_pieces, quick_replies
from bot.telegram.payloads import ButtonPayloads
from rules_core.render import format_date

# Payloads of the adapter's own buttons: only ever stored server-side behind a key, never typed, never
# sent to Rasa (Rasa's payloads start with "/").
PREFIX = "adapter:reminders:"
Piece = Tuple[str, Optional[Dict[str, Any]]]


def is_ours(payload: Optional[str]) -> bool:
    return bool(payload) and payload.startswith(PREFIX)


class ReminderRoom:
    def __init__(self, store: ReminderStore, payloads: Optional[ButtonPayloads], clock: ReminderClock,
                 now: Callable[[], dt.datetime]) -> None:
        self.store, self.payloads, self.clock, self.now = store, payloads, clock, now

    # -- the offer ------------------------------------------------------------------------------

    def offer_pieces(self, student: Student, custom: Dict[str, Any], db: Connection) -> List[Piece]:
        """The offer of a reply's `custom.reminder_offer` as a Telegram message with its keyboard."""
        offer = custom.get("reminder_offer") or custom.get("checklist")
        fallback = offer.get("language") if isinstance(offer, dict) else None
        lang = student.language or (fallback if fallback in ("fr", "en") else "fr")
        pieces: List[Piece] = []
        if isinstance(custom.get("checklist"), dict):  # the checklist ends with the reminders already set
            pieces += message_pieces(self.already_set(student.ref, lang, db))
        text, choices = self.offer(custom, lang, student.ref, db)
        if choices:
            keyboard = quick_replies(choices, lambda c: self.payloads.issue(student.ref, c, within=db))
            pieces += message_pieces(text, keyboard)
        return pieces

    def already_set(self, ref: str, lang: str, db: Optional[Connection] = None) -> str:
        pending = self.store.pending_of(ref, within=db)
        if not pending:
            return texts.text("reminders.checklist_none", lang)
        lines = [texts.text("reminders.checklist_set", lang)]
        for reminder in pending:
            when = self.clock.local(reminder.send_at)
            lines.append(texts.text("reminders.list_item", lang, label=reminder.label(lang), cite=reminder.cite(lang),
                                    when=f"{format_date(when.date(), lang)} {when.strftime('%H:%M')}",
                                    date=format_date(reminder.due_date, lang)))
        return "\n".join(lines)

    def offer(self, custom: Dict[str, Any], lang: str, ref: Optional[str] = None,
              db: Optional[Connection] = None) -> Tuple[str, List[Dict[str, str]]]:
        """The offer's text and choices (payloads the adapter keeps), for the steps a reminder can
        still precede and that the student (`ref`) has no reminder of yet; ("", []) when there is
        nothing to offer."""
        offer = custom.get("reminder_offer") if isinstance(custom, dict) else None
        if not isinstance(offer, dict) or not isinstance(offer.get("steps"), list):
            return "", []
        now = self.now()
        steps = [s for s in offer["steps"] if _valid(s) and self.clock.plan(dt.date.fromisoformat(s["date"]), [1], now)]
        if ref is not None:  # the same answer given again does not offer what is already set
            already = {(r.kind, r.due_date.isoformat()) for r in self.store.pending_of(ref, within=db)}
            steps = [s for s in steps if (s["kind"], s["date"]) not in already]
        if not steps:
            return "", []
        lines = [texts.text("reminders.offer_many" if len(steps) > 1 else "reminders.offer", lang)]
        lines += [texts.text("reminders.step", lang, label=s["label"][lang], cite=s["cite"][lang],
                             date=format_date(dt.date.fromisoformat(s["date"]), lang)) for s in steps]
        body = json.dumps({"language": lang, "steps": steps})
        return "\n".join(lines), [
            {"payload": PREFIX + "set:7,1:" + body, "title": texts.text("reminders.week_and_day", lang)},
            {"payload": PREFIX + "set:1:" + body, "title": texts.text("reminders.day", lang)},
            {"payload": PREFIX + "ics:" + body, "title": texts.text("reminders.calendar_button", lang)},
            {"payload": PREFIX + "no", "title": texts.text("reminders.no_thanks", lang)}]

    # -- a pressed button -------------------------------------------------------------------------

    def choose(self, ref: str, payload: str, lang: str) -> Tuple[str, Optional[bytes]]:
        """What the student's choice does: the text to say, and a calendar file to send (or None)."""
        action = payload[len(PREFIX):]
        if action == "no":
            return texts.text("reminders.declined", lang), None
        if action.startswith("cancel:"):
            done = self.store.cancel(ref, int(action.split(":", 1)[1]))
            return texts.text("reminders.cancelled" if done else "reminders.already_gone", lang), None
        if action.startswith("ics:"):
            body = json.loads(action[4:])
            steps = [CalendarStep(s["kind"], dt.date.fromisoformat(s["date"]), s["label"][lang], s["cite"][lang])
                     for s in body["steps"]]
            return texts.text("reminders.calendar_caption", lang), self._ics(ref, steps)
        leads_text, _, raw = action[len("set:"):].partition(":")
        body = json.loads(raw)
        leads = [int(x) for x in leads_text.split(",")]
        now = self.now()
        planned_all: List[dt.datetime] = []
        for step in body["steps"]:
            planned = self.clock.plan(dt.date.fromisoformat(step["date"]), leads, now)
            self.store.add(ref, step, planned, body.get("language") or lang)
            planned_all += [at for _, at in planned]
        if not planned_all:
            return texts.text("reminders.too_late", lang), None
        first = self.clock.local(min(planned_all))
        return texts.text("reminders.set", lang, count=len(planned_all), first=format_date(first.date(), lang),
                          time=first.strftime("%H:%M")), None

    # -- /reminders and the calendar ---------------------------------------------------------------

    def listing(self, ref: str, lang: str) -> Tuple[str, Optional[InlineKeyboardMarkup]]:
        text, choices = self.listing_choices(ref, lang)
        return text, (quick_replies(choices, lambda c: self.payloads.issue(ref, c)) if choices else None)

    def listing_choices(self, ref: str, lang: str) -> Tuple[str, List[Dict[str, str]]]:
        """The pending reminders, and a cancel choice for each."""
        pending = self.store.pending_of(ref)
        if not pending:
            return texts.text("reminders.none", lang), []
        lines, choices = [texts.text("reminders.list", lang)], []
        for reminder in pending:
            when = self.clock.local(reminder.send_at)
            when_words = f"{format_date(when.date(), lang)} {when.strftime('%H:%M')}"
            lines.append(texts.text("reminders.list_item", lang, when=when_words, label=reminder.label(lang),
                                    date=format_date(reminder.due_date, lang), cite=reminder.cite(lang)))
            choices.append({"payload": f"{PREFIX}cancel:{reminder.id}",
                            "title": texts.text("reminders.cancel_button", lang, label=reminder.label(lang),
                                                when=when.strftime("%d/%m %H:%M"))})
        return "\n".join(lines), choices

    def calendar(self, ref: str, lang: str) -> Optional[bytes]:
        """Every dated step the student set reminders for, as an .ics file (None: no date yet)."""
        steps = [CalendarStep(r.kind, r.due_date, r.label(lang), r.cite(lang)) for r in self.store.steps_of(ref)]
        return self._ics(ref, steps) if steps else None

    def _ics(self, ref: str, steps: List[CalendarStep]) -> bytes:
        return ics_bytes(steps, self.clock.timezone, self.clock.send_time, ref, self.now())


def _valid(step: Any) -> bool:
    try:
        dt.date.fromisoformat(step["date"])
        return all(isinstance(step[k], dict) and {"fr", "en"} <= set(step[k]) for k in ("label", "cite")) \
            and isinstance(step["kind"], str) and isinstance(step["article"], str)
    except (KeyError, TypeError, ValueError):
        return False
