"""The staff desk: tickets posted to staff with the whole case, relay both ways, take and close.

Staff read everything the assistant gathered (facts, last decision with its citations, how the rules
core reached it, the conversation), so the student never repeats themselves. Only configured staff act on tickets.
"""
from __future__ import annotations

import datetime as dt
import json
import logging
from typing import Any, Callable, Dict, List, Optional

from sqlalchemy.engine import Connection

from babel.dates import format_datetime
from telegram import Bot, InlineKeyboardButton, InlineKeyboardMarkup
from telegram.constants import ParseMode

from bot import texts
from bot.desk.office_hours import OfficeHours
from bot.runtime.settings import Settings
from bot.telegram.format import html_message
from bot.telegram.send import DeliveryFailed, with_retries
from bot.desk.tickets import Ticket, TicketStore
from bot.storage.students import Students

log = logging.getLogger(__name__)

# Queues a Telegram message in the durable outbox and has it sent (`Relay.queue`, wired by the relay):
# queue(ref, chat_id, text, keyboard=, bold_prefix=, ticket_id=, reply_in_ticket=, within=)
Queue = Callable[..., None]


def staff_queue(chat_id: int) -> str:
    """The outbox queue of a staff chat (a student's queue is their reference)."""
    return f"chat:{chat_id}"


def is_staff_queue(ref: str) -> bool:
    """A staff chat's queue: a refusal there (the bot not yet in the group, a wrong STAFF_CHAT_ID) is
    the office's to fix, so its posts are tried again with back-off rather than dropped."""
    return ref.startswith("chat:")


class StaffDesk:
    def __init__(self, settings: Settings, tickets: TicketStore, students: Students, bot: Bot, hours: OfficeHours,
                 clock: Callable[[], dt.datetime]) -> None:
        self.settings = settings
        self.clock = clock
        self.tickets = tickets
        self.students = students
        self.bot = bot
        self.hours = hours
        self.queue: Queue = _not_wired

    # -- who is staff, where tickets go -----------------------------------------------------

    def is_staff(self, user_id: Optional[int], chat_id: Optional[int]) -> bool:
        """Configured staff users anywhere; when no user is configured, anyone in the staff chat."""
        if self.settings.staff_user_ids:
            return user_id in self.settings.staff_user_ids
        return self.settings.staff_chat_id is not None and chat_id == self.settings.staff_chat_id

    def destinations(self) -> List[int]:
        if self.settings.staff_chat_id is not None:
            return [self.settings.staff_chat_id]
        return sorted(self.settings.staff_user_ids)

    @property
    def lang(self) -> str:
        return self.settings.staff_language

    # -- what staff read --------------------------------------------------------------------

    def header(self, ticket: Ticket) -> str:
        lang = self.lang
        case = ticket.case
        reason = texts.text(f"reasons.{ticket.reason}", lang) if texts.has(f"reasons.{ticket.reason}") \
            else ticket.reason
        lines = [texts.text("ticket_header", lang, id=ticket.id, ref=ticket.ref, language=ticket.language,
                            reason=reason)]
        question = case.get("question")
        if question:
            label = texts.text(f"questions.{question}", lang) if texts.has(f"questions.{question}") else question
            lines.append(texts.text("ticket_question", lang, question=label))
        facts = case.get("facts") or {}
        if facts:
            from rules_core.render import render_fact_value

            lines.append(texts.text("ticket_facts", lang))
            lines += [f"- {_safe(lambda: render_fact_value(name, value, lang), f'{name}: {value}')}"
                      for name, value in facts.items()]
        else:
            lines.append(texts.text("ticket_no_facts", lang))
        if ticket.status == "taken" and ticket.taken_by:
            lines.append(texts.text("ticket_taken_by", lang, name=ticket.taken_by))
        lines.append(texts.text("ticket_how_to_reply", lang, id=ticket.id))
        return "\n".join(lines)

    def details(self, ticket: Ticket) -> str:
        lang = self.lang
        parts: List[str] = []
        decision = ticket.case.get("decision")
        if decision:
            parts.append(texts.text("ticket_decision", lang) + "\n" + _render_decision(decision, lang))
        explanation = ticket.case.get("explanation")
        if explanation:  # how the rules core reached that answer, and what single change would flip it
            parts.append(texts.text("ticket_explanation", lang) + "\n" + _render_explanation(explanation, lang))
        transcript = ticket.case.get("transcript") or []
        if transcript:
            who = {"student": texts.text("transcript_student", lang),
                   "assistant": texts.text("transcript_assistant", lang)}
            parts.append(texts.text("ticket_transcript", lang) + "\n" + "\n".join(
                f"{who.get(turn.get('from'), turn.get('from'))}: {_readable(turn.get('text', ''))}"
                for turn in transcript))
        return "\n\n".join(parts)

    def buttons(self, ticket: Ticket) -> Optional[InlineKeyboardMarkup]:
        if not ticket.is_open:
            return None
        row = [] if ticket.status == "taken" else [
            InlineKeyboardButton(texts.text("button_take", self.lang), callback_data=f"take:{ticket.id}")]
        row.append(InlineKeyboardButton(texts.text("button_close", self.lang), callback_data=f"close:{ticket.id}"))
        return InlineKeyboardMarkup([row])

    # -- the ticket's life ------------------------------------------------------------------

    async def open_ticket(self, ref: str, reason: str, case: Dict[str, Any], language: str) -> Ticket:
        """Opens (or finds) the student's ticket, posts it to staff, tells the student when to expect an answer."""
        existing = self.tickets.open_ticket_of(ref)
        if existing:
            return existing
        ticket = self.tickets.open_ticket(ref, case.get("language") or language, reason, case)
        log.info("ticket #%d opened for %s (%s)", ticket.id, ref, reason)
        await self.post(ticket)
        when = self.expected_answer(ticket.language)
        if when:
            self.tell_student(ref, texts.text("ticket_opened_closed_office", ticket.language, when=when))
        return ticket

    async def post(self, ticket: Ticket) -> bool:
        """Queues the ticket's posts where staff work (the outbox sends them, retried until Telegram
        accepts; each post is recorded as the ticket's once sent). Queued and marked posted in one
        transaction; a ticket opened but not queued (a crash between) is posted by the retry loop."""
        if not self.destinations():
            log.warning("ticket #%d is stored but no staff chat or staff user is configured", ticket.id)
            return False
        details = self.details(ticket)
        with self.tickets.database.transaction() as db:
            for chat_id in self.destinations():
                self.queue(staff_queue(chat_id), chat_id, self.header(ticket), keyboard=self.buttons(ticket),
                           ticket_id=ticket.id, within=db)
                if details:
                    self.queue(staff_queue(chat_id), chat_id, details, ticket_id=ticket.id, reply_in_ticket=True,
                               within=db)
            self.tickets.mark_posted(ticket.id, within=db)
        return True

    async def post_unposted(self) -> None:
        for ticket in self.tickets.unposted_tickets():
            if not await self.post(ticket):
                return  # the staff chat still fails: wait for the next round

    def open_tickets_text(self) -> str:
        """The `/tickets` list for staff."""
        open_ = self.tickets.open_tickets()
        if not open_:
            return texts.text("no_open_tickets", self.lang)
        return "\n".join(texts.text("ticket_line", self.lang, id=t.id, ref=t.ref, opened=f"{t.opened_at:%Y-%m-%d %H:%M}",
                                    who=t.taken_by or "—") for t in open_)

    def expected_answer(self, lang: str) -> Optional[str]:
        """When the office next opens, in the student's language; None while it is open."""
        opening = self.hours.next_opening(self.clock())
        if opening is None:
            return None
        return format_datetime(opening, "EEEE d MMMM, HH:mm", locale=lang if lang in ("fr", "en") else "fr")

    async def relay_to_staff(self, ticket: Ticket, text: str) -> None:
        """A student message while the ticket is open: stored with the ticket and queued under its post."""
        with self.tickets.database.transaction() as db:
            self.tickets.add_ticket_message(ticket.id, "student", text, within=db)
            for chat_id in self.destinations():
                self.queue(staff_queue(chat_id), chat_id, text, ticket_id=ticket.id, reply_in_ticket=True,
                           bold_prefix=texts.text("ticket_student_says", self.lang, id=ticket.id), within=db)

    async def ready_to_reply(self, ticket_id: int, staff_name: str) -> Optional[Ticket]:
        """The open ticket a staff answer goes to (taken by the one answering if nobody had); None when
        it is not open."""
        ticket = self.tickets.ticket(ticket_id)
        if ticket is None or not ticket.is_open:
            return None
        if ticket.status == "open":
            ticket = self.tickets.take(ticket_id, staff_name) or ticket
            await self.refresh_posts(ticket)
        return ticket

    def staff_reply(self, ticket: Ticket, text: str, within: Connection) -> bool:
        """Stores a staff answer with the ticket and queues it to the student, in the caller's
        transaction (which also records the staff member's update as handled); False without student."""
        student = self.students.get(ticket.ref)
        if student is None:
            return False
        self.tickets.add_ticket_message(ticket.id, "staff", text, within=within)
        self.queue(student.ref, student.chat_id, text, bold_prefix=texts.text("office_prefix", ticket.language),
                   within=within)
        log.info("staff answered ticket #%d", ticket.id)
        return True

    async def take(self, ticket_id: int, staff_name: str) -> Optional[Ticket]:
        """Marks the ticket as someone's; the student learns that a person is on it (not who)."""
        already = self.tickets.ticket(ticket_id)
        ticket = self.tickets.take(ticket_id, staff_name)
        if ticket:
            await self.refresh_posts(ticket)
            if already is not None and already.status == "open":
                self.tell_student(ticket.ref, texts.text("ticket_taken", ticket.language))
        return ticket

    async def close(self, ticket_id: int, staff_name: str) -> Optional[Ticket]:
        """Closes the ticket, gives the conversation back to the assistant and tells the student."""
        ticket = self.tickets.close_ticket(ticket_id)
        if ticket is None:
            return None
        self.students.set_resume_pending(ticket.ref, True)  # done before the student's next message reaches Rasa
        await self.refresh_posts(ticket)
        with self.tickets.database.transaction() as db:
            for chat_id in self.destinations():
                self.queue(staff_queue(chat_id), chat_id, texts.text("ticket_closed_by", self.lang, id=ticket_id,
                                                                     name=staff_name), within=db)
            self.tell_student(ticket.ref, texts.text("ticket_closed", ticket.language), within=db)
        log.info("ticket #%d closed", ticket_id)
        return ticket

    async def refresh_posts(self, ticket: Ticket) -> None:
        """Shows who took the ticket and which buttons still apply on its first post in each chat."""
        posts = self.tickets.staff_posts_of(ticket.id)
        for chat_id in {c for c, _ in posts}:
            first = min(m for c, m in posts if c == chat_id)
            try:
                await with_retries(lambda: self.bot.edit_message_text(
                    html_message(self.header(ticket)), chat_id=chat_id, message_id=first, parse_mode=ParseMode.HTML,
                    reply_markup=self.buttons(ticket)), "editMessageText")
            except DeliveryFailed as error:
                log.warning("ticket #%d post not updated: %s", ticket.id, error)

    async def erase_posts(self, posts: List[tuple]) -> None:
        """After `/forget`: the staff copies of the student's tickets are blanked out."""
        erased = texts.text("ticket_erased", self.lang)
        for chat_id, message_id in posts:
            try:
                await with_retries(lambda: self.bot.edit_message_text(
                    erased, chat_id=chat_id, message_id=message_id, reply_markup=None), "editMessageText")
            except DeliveryFailed as error:
                log.warning("a staff post could not be erased: %s", error)

    def tell_student(self, ref: str, text: str, within: Optional[Connection] = None) -> None:
        """A word of the desk to the student, queued behind what the student is still owed."""
        student = self.students.get(ref)
        if student is not None:
            self.queue(student.ref, student.chat_id, text, within=within)


def _not_wired(*_args: Any, **_kwargs: Any) -> None:
    raise RuntimeError("the desk's outbox queue is not wired (Relay sets StaffDesk.queue)")


def _readable(text: str) -> str:
    """A button payload as staff can read it: '/inform{"level":"master"}' -> '[inform: master]'."""
    if not text.startswith("/") or " " in text.split("{", 1)[0]:
        return text
    intent, _, raw = text[1:].partition("{")
    try:
        values = json.loads("{" + raw).values() if raw else []
    except ValueError:
        return text
    return f"[{intent}: {', '.join(str(v) for v in values)}]" if values else f"[{intent}]"


def _render_decision(record: Dict[str, Any], lang: str) -> str:
    from rules_core.decision import Decision
    from rules_core.render import render

    return _safe(lambda: render(Decision.parse_obj(record), lang), json.dumps(record, ensure_ascii=False))


def _render_explanation(record: Dict[str, Any], lang: str) -> str:
    from rules_core.render import render_explanation

    return _safe(lambda: render_explanation(record, lang), json.dumps(record, ensure_ascii=False))


def _safe(make, fallback: str) -> str:
    """Staff must get the ticket even when one part cannot be rendered nicely."""
    try:
        return make()
    except Exception:  # noqa: BLE001 - a rendering problem must not lose the ticket
        log.exception("a ticket part could not be rendered")
        return fallback
