"""The Telegram adapter: students talk to the assistant, staff answer tickets, in one bot.

`build_application(settings)` wires every handler; `serve(application, stop)` runs it (long
polling, or a webhook that checks Telegram's secret-token header) until `stop` is set.
"""
from __future__ import annotations

import asyncio
import datetime as dt
import logging
import re
import signal
from dataclasses import dataclass
from typing import Any, Callable, Dict, Optional
from urllib.parse import urlparse

from telegram.error import TelegramError
from telegram import BotCommand, InlineKeyboardButton, InlineKeyboardMarkup, Update, User
from telegram.ext import (Application, ApplicationBuilder, ApplicationHandlerStop, CallbackQueryHandler,
                          CommandHandler, ContextTypes, MessageHandler, TypeHandler, filters)

from bot import texts
from bot.desk.staff_desk import StaffDesk, staff_queue
from nlu_components.language import SUPPORTED, detect
from bot.desk.office_hours import OfficeHours
from bot.pseudonym import load_key, rasa_sender, student_ref
from bot.relay.inbox import Inbox, Replayed
from bot.relay.leases import Leases
from bot.relay.outbox import Outbox
from bot.relay.workers import REQUEST_HUMAN, DeliveryPolicy, Relay
from bot.relay.rasa_client import AssistantUnavailable, AsyncRasaClient
from bot.runtime.settings import Settings
from bot.storage.database import Database
from bot.storage.students import Student, Students
from bot.telegram.payloads import ButtonPayloads
from bot.telegram.send import DeliveryFailed, send_text, with_retries
from bot.telegram.typed import as_typed_text, clean, is_blank
from bot.telegram.webhook import Webhook
from bot.desk.tickets import TicketStore
from bot.relay.rasa_endpoints import action_health_url, erase_conversation, event_broker_db_url, tracker_db_url
from bot.report import ingest as analytics
from bot.reminders.room import ReminderRoom, is_ours
from bot.reminders.scheduler import Scheduler
from bot.reminders.store import ReminderStore

log = logging.getLogger(__name__)

ADAPTER = "adapter"
CHANNEL = "telegram"
STUDENT_COMMANDS = ("start", "help", "lang", "profile", "checklist", "reminders", "calendar", "forget", "human")
CHECKLIST = "/ask_deadlines"  # the internal payload of /checklist: the rules core's steps for this student
TICKET_NUMBER = re.compile(r"^#?([0-9]{1,9})$")  # ASCII digits only: int() must accept it, SQL must hold it


@dataclass
class Adapter:
    """What the handlers share: settings, storage, the Rasa client, the desk and the relay."""

    settings: Settings
    database: Database
    students: Students
    inbox: Inbox
    tickets: TicketStore
    payloads: ButtonPayloads
    rasa: AsyncRasaClient
    desk: StaffDesk
    relay: Relay
    key: bytes
    reminders: Optional[ReminderRoom] = None
    scheduler: Optional[Scheduler] = None
    _ingesting: Optional[asyncio.Task] = None
    _scheduling: Optional[asyncio.Task] = None

    async def start(self) -> None:
        self.database.migrate()
        if self.settings.analytics_ingest_s > 0:
            self._ingesting = asyncio.create_task(self._ingest_forever())
        detect("bonjour")  # loads spaCy's stop-word lists now rather than during a student's first message
        await self._set_commands()
        self.relay.start()
        if self.scheduler is not None:
            self._scheduling = asyncio.create_task(self.scheduler.run_forever())
        log.info("Telegram adapter ready (%s mode)", "webhook" if self.settings.webhook_url else "polling")

    async def stop(self) -> None:
        for task in (self._ingesting, self._scheduling):
            if task:
                task.cancel()
                await asyncio.gather(task, return_exceptions=True)
        await self.relay.stop()
        await self.rasa.close()
        self.database.close()

    async def refresh_analytics(self) -> int:
        """Reads Rasa's event broker into the analytics tables (in a thread: it is blocking SQL)."""
        from bot.report import office

        return await asyncio.get_running_loop().run_in_executor(None, office.refresh, self.settings, self.database)

    async def _ingest_forever(self) -> None:
        while True:
            try:
                await self.refresh_analytics()
            except Exception:  # noqa: BLE001 - e.g. a database restarting: the next round catches up
                log.exception("analytics not brought up to date")
            await asyncio.sleep(self.settings.analytics_ingest_s)

    async def _set_commands(self) -> None:
        for lang in ("fr", "en"):
            commands = [BotCommand(name, texts.text(f"commands.{name}", lang)) for name in STUDENT_COMMANDS]
            try:
                await with_retries(lambda: self.desk.bot.set_my_commands(
                    commands, language_code=None if lang == "en" else lang), "setMyCommands")
            except DeliveryFailed as error:  # the menu is a comfort; the bot works without it
                log.warning("bot commands not set: %s", error)

    def student(self, update: Update) -> Student:
        """The student behind an update, known by their pseudonymous reference only."""
        user, chat = update.effective_user, update.effective_chat
        return self.students.remember(student_ref(self.key, user.id), chat.id)

    def forget(self, ref: str) -> list:
        """Erases the student's tickets, waiting messages and row in one transaction (GDPR);
        returns the staff posts to blank out."""
        with self.database.transaction() as db:
            posts = self.tickets.forget(ref, within=db)
            self.inbox.forget(ref, within=db)
            Outbox(self.database).forget(ref, within=db)
            self.payloads.forget(ref, within=db)
            if self.reminders is not None:
                self.reminders.store.forget(ref, within=db)
            self.students.forget(ref, within=db)
            analytics.forget(self.database, ref, within=db)
        return posts

    def forget_broker_events(self, ref: str) -> int:
        """Events of the student Rasa's SQL event broker holds that were not read into analytics yet."""
        from bot.report.sources import SqlBrokerSource

        url = event_broker_db_url(self.settings)
        if not url:
            return 0  # a message broker: the erasure mark drops them on arrival
        source = SqlBrokerSource(url, analytics.Ingester(self.database))
        try:
            return source.forget(rasa_sender(ref))
        finally:
            source.close()

    def meta(self, student: Student, user: Optional[User]) -> Dict[str, Any]:
        """What Rasa may use to pick the language of a message with no clue of its own, and the
        channel, for the office's report."""
        code = student.language or (user.language_code if user else None)
        return {"language_code": code, "channel": CHANNEL} if code else {"channel": CHANNEL}


def _lang(student: Optional[Student], user: Optional[User]) -> Optional[str]:
    if student and student.language in SUPPORTED:
        return student.language
    code = (user.language_code or "")[:2].lower() if user else ""
    return code if code in SUPPORTED else None


def _say(key: str, lang: Optional[str], **params: Any) -> str:
    """In the student's language, or in both when it is not known yet."""
    return texts.text(key, lang, **params) if lang else texts.both(key, **params)


def _adapter(context: ContextTypes.DEFAULT_TYPE) -> Adapter:
    return context.bot_data[ADAPTER]


async def _reply(update: Update, context: ContextTypes.DEFAULT_TYPE, text: str,
                 keyboard: Optional[InlineKeyboardMarkup] = None) -> None:
    """Queues the answer in the outbox, behind what the chat is still owed: it leaves only once
    Telegram accepted it, and a retried send does not hold up other updates."""
    adapter = _adapter(context)
    adapter.relay.say(_queue_of(adapter, update), update.effective_chat.id, text, keyboard, update_id=update.update_id)


def _queue_of(adapter: Adapter, update: Update) -> str:
    """A student's own outbox queue (their replies stay in order); any other chat (staff) has its own."""
    chat, user = update.effective_chat, update.effective_user
    return student_ref(adapter.key, user.id) if chat.type == chat.PRIVATE and user else staff_queue(chat.id)


async def _answer(query, text: Optional[str] = None, alert: bool = False) -> None:
    """Stops the button's spinner; a query too old to answer is no reason to drop what it asked."""
    try:
        await query.answer(text, show_alert=alert)
    except TelegramError as error:
        log.info("callback query not answered: %s", error.message)


# -- students ---------------------------------------------------------------------------------

async def on_start(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Welcomes the student and says what the assistant can do."""
    adapter = _adapter(context)
    await _reply(update, context, _say("start", _lang(adapter.student(update), update.effective_user)))


async def on_help(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Lists the commands."""
    adapter = _adapter(context)
    await _reply(update, context, _say("help", _lang(adapter.student(update), update.effective_user)))


async def on_lang(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Sets the language the assistant answers in."""
    adapter = _adapter(context)
    student = adapter.student(update)
    choice = (context.args[0].lower() if context.args else "")[:2]
    if choice not in SUPPORTED:
        await _reply(update, context, _say("lang_usage", _lang(student, update.effective_user)))
        return
    adapter.students.set_language(student.ref, choice)
    await _reply(update, context, texts.text("lang_set", choice))
    try:
        await adapter.rasa.set_language(rasa_sender(student.ref), choice)
    except AssistantUnavailable:  # the choice still travels with every message's metadata
        log.warning("language slot not set for %s: Rasa unavailable", student.ref)


async def _command_to_rasa(update: Update, context: ContextTypes.DEFAULT_TYPE, payload: str, shown: str) -> None:
    """A command answered by the assistant itself, as an internal payload (never from the student's text);
    while staff have the case, the student is told so instead."""
    adapter = _adapter(context)
    student = adapter.student(update)
    if adapter.tickets.open_ticket_of(student.ref):  # the assistant is paused while staff have the case
        await _reply(update, context, _say("ticket_already_open", _lang(student, update.effective_user)))
        return
    adapter.relay.receive(student.ref, payload, shown, adapter.meta(student, update.effective_user), update.update_id)


async def on_profile(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Shows what the assistant knows of the student's situation (asked of the assistant itself)."""
    await _command_to_rasa(update, context, "/ask_profile", "/profile")


async def on_checklist(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """The steps before, during and after the mobility for the student's facts, with dates and articles."""
    await _command_to_rasa(update, context, CHECKLIST, "/checklist")


async def on_human(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Hands the conversation to the mobility office, with everything gathered so far."""
    await _command_to_rasa(update, context, REQUEST_HUMAN, "/human")


async def on_forget(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Asks the student to confirm the erasure of everything kept about them."""
    adapter = _adapter(context)
    lang = _lang(adapter.student(update), update.effective_user) or "fr"
    keyboard = InlineKeyboardMarkup([[InlineKeyboardButton(texts.text("forget_yes", lang), callback_data="forget:yes")],
                                     [InlineKeyboardButton(texts.text("forget_no", lang), callback_data="forget:no")]])
    await _reply(update, context, texts.text("forget_confirm", lang), keyboard)


async def on_text(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """A text: a staff answer when it replies to a ticket post, else a student's message to the assistant."""
    adapter = _adapter(context)
    message, chat = update.effective_message, update.effective_chat
    text = clean(message.text)  # a NUL or a lone surrogate would make the database refuse the message
    replied = message.reply_to_message
    ticket_id = adapter.tickets.ticket_of_post(chat.id, replied.message_id) if replied else None
    if ticket_id is not None:
        await _staff_answer(update, context, ticket_id, text)
        return
    if chat.type != chat.PRIVATE:
        return  # staff talking among themselves, or a group the bot should not be in
    student = adapter.student(update)
    if is_blank(text):  # e.g. " / ": nothing to understand, and never a payload
        await _reply(update, context, _say("help", _lang(student, update.effective_user)))
        return
    detected = detect(text)
    if detected in SUPPORTED and detected != student.language:
        adapter.students.set_language(student.ref, detected)
    words = as_typed_text(text)  # never a Rasa payload: a student cannot set a fact or trigger an intent
    adapter.relay.receive(student.ref, words, text if words != text else None,
                          adapter.meta(student, update.effective_user), update.update_id)


async def on_not_text(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Stickers, photos, voice, documents...: a polite word, nothing breaks."""
    adapter = _adapter(context)
    student = adapter.student(update)
    key = "not_text_ticket" if adapter.tickets.open_ticket_of(student.ref) else "not_text"
    await _reply(update, context, _say(key, _lang(student, update.effective_user)))


async def on_edited(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """An edited message is not re-read; the student is told to send a new one."""
    adapter = _adapter(context)
    await _reply(update, context, _say("edited", _lang(adapter.student(update), update.effective_user)))


async def on_button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """A quick reply pressed: the choice its key stands for goes to the assistant like a typed answer."""
    adapter, query = _adapter(context), update.callback_query
    if update.effective_chat is None or update.effective_chat.type != update.effective_chat.PRIVATE:
        await _answer(query)
        return
    student = adapter.student(update)
    lang = _lang(student, update.effective_user)
    # Callback data is whatever the client sends: only a key issued to this student stands for a choice.
    choice = adapter.payloads.redeem(student.ref, query.data) if query.data else None
    if choice is None or choice.status in ("unknown", "expired"):
        await _answer(query, _say("button_expired", lang))
        await _reply(update, context, _say("button_expired", lang))
        return
    await _answer(query)
    if choice.status == "used":
        return  # a double tap, or an older copy of a keyboard already answered: one choice per keyboard
    if query.message is not None:
        try:  # a choice is made once: the keyboard goes (the key is spent even if this fails)
            await with_retries(lambda: query.edit_message_reply_markup(reply_markup=None), "editMessageReplyMarkup")
        except DeliveryFailed as error:
            log.info("keyboard not removed after a choice: %s", error)
    if is_ours(choice.payload) and adapter.reminders is not None:  # a reminder choice: the adapter's, not Rasa's
        await _reminder_choice(update, context, student, choice.payload, lang or "fr")
        return
    adapter.relay.receive(student.ref, choice.payload, choice.title, adapter.meta(student, update.effective_user),
                          update.update_id)


async def on_button_without_data(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """A callback query that carries no data (a modified client, a game): a clear word, nothing else."""
    query = update.callback_query
    lang = _lang(None, update.effective_user)
    await _answer(query, _say("button_expired", lang))


async def on_forget_answer(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Erases the student's conversation, tickets and facts once they confirmed."""
    adapter, query = _adapter(context), update.callback_query
    await _answer(query)
    if update.effective_chat.type != update.effective_chat.PRIVATE:
        return
    student = adapter.student(update)
    lang = _lang(student, update.effective_user) or "fr"
    try:
        await with_retries(lambda: query.edit_message_reply_markup(reply_markup=None), "editMessageReplyMarkup")
    except DeliveryFailed as error:
        log.info("keyboard not removed: %s", error)
    if query.data != "forget:yes":
        await _reply(update, context, texts.text("forget_cancelled", lang))
        return
    await adapter.relay.wait_idle(student.ref)  # what Rasa is answering now is erased too
    posts = adapter.forget(student.ref)
    try:
        erased = erase_conversation(tracker_db_url(adapter.settings), rasa_sender(student.ref))
        erased += adapter.forget_broker_events(student.ref)
    except Exception:  # noqa: BLE001 - the student must hear that the erasure is incomplete
        log.exception("conversation of %s not erased from the tracker store", student.ref)
        await _reply(update, context, texts.text("forget_failed", lang))
        return
    context.application.create_task(adapter.desk.erase_posts(posts), update=update)
    log.info("student %s forgotten (%d tracker events, %d staff posts)", student.ref, erased, len(posts))
    await _reply(update, context, texts.text("forgotten", lang))


async def _reminder_choice(update: Update, context: ContextTypes.DEFAULT_TYPE, student: Student, payload: str,
                           lang: str) -> None:
    adapter = _adapter(context)
    text, calendar = adapter.reminders.choose(student.ref, payload, lang)
    if calendar is not None:
        await _send_calendar(update, context, calendar, text)
        return
    await _reply(update, context, text)
    if payload.startswith("adapter:reminders:cancel:"):
        await on_reminders(update, context)  # the list again, with the buttons still valid


async def _send_calendar(update: Update, context: ContextTypes.DEFAULT_TYPE, calendar: bytes, caption: str) -> None:
    chat_id = update.effective_chat.id
    try:
        await with_retries(lambda: context.bot.send_document(chat_id, calendar, filename="mobilite-ul.ics",
                                                             caption=caption), "sendDocument")
    except DeliveryFailed as error:
        log.warning("calendar file not delivered: %s", error)


async def on_reminders(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Lists the student's pending reminders, each with a button to cancel it."""
    adapter = _adapter(context)
    student = adapter.student(update)
    lang = _lang(student, update.effective_user) or "fr"
    text, keyboard = adapter.reminders.listing(student.ref, lang)
    await _reply(update, context, text, keyboard)


async def on_calendar(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Sends the student's dated steps as an .ics calendar file."""
    adapter = _adapter(context)
    student = adapter.student(update)
    lang = _lang(student, update.effective_user) or "fr"
    calendar = adapter.reminders.calendar(student.ref, lang)
    if calendar is None:
        await _reply(update, context, texts.text("reminders.calendar_empty", lang))
        return
    await _send_calendar(update, context, calendar, texts.text("reminders.calendar_caption", lang))


# -- staff ------------------------------------------------------------------------------------

async def _refused_unless_staff(update: Update, context: ContextTypes.DEFAULT_TYPE) -> bool:
    """Tells a non-staff user that this is for staff; True when refused."""
    adapter = _adapter(context)
    if adapter.desk.is_staff(update.effective_user.id, update.effective_chat.id):
        return False
    await _reply(update, context, texts.text("staff_only", adapter.settings.staff_language))
    return True


def _staff_name(user: Optional[User]) -> str:
    return clean(user.full_name if user else "") or "staff"


async def _staff_answer(update: Update, context: ContextTypes.DEFAULT_TYPE, ticket_id: int, text: str) -> None:
    adapter = _adapter(context)
    lang = adapter.settings.staff_language
    if await _refused_unless_staff(update, context):
        return
    ticket = await adapter.desk.ready_to_reply(ticket_id, _staff_name(update.effective_user))
    chat = update.effective_chat
    try:  # the answer, its confirmation and the update's record: one transaction (a replay sends nothing twice)
        with adapter.inbox.handling(update.update_id) as db:
            delivered = ticket is not None and adapter.desk.staff_reply(ticket, text, within=db)
            adapter.relay.queue(_queue_of(adapter, update), chat.id,
                                texts.text("reply_delivered" if delivered else "no_such_ticket", lang, id=ticket_id),
                                within=db)
    except Replayed:
        log.info("update %d seen before: staff answer not sent again", update.update_id)


async def on_reply_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """`/reply <ticket> <text>`: a staff answer without replying to the ticket's post."""
    adapter = _adapter(context)
    lang = adapter.settings.staff_language
    if await _refused_unless_staff(update, context):
        return
    parts = clean(update.effective_message.text or "").split(maxsplit=2)
    number = _ticket_number(parts[1] if len(parts) > 1 else "")
    if len(parts) < 3 or number is None:
        await _reply(update, context, texts.text("reply_usage", lang))
        return
    await _staff_answer(update, context, number, parts[2])


def _ticket_number(text: str) -> Optional[int]:
    """'12' or '#12' -> 12; anything else (words, '²', 30 digits) -> None."""
    match = TICKET_NUMBER.match(text)
    return int(match.group(1)) if match else None


async def on_close_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """`/close <ticket>`: closes a ticket without its post (e.g. when the post could not be made)."""
    adapter = _adapter(context)
    lang = adapter.settings.staff_language
    if await _refused_unless_staff(update, context):
        return
    number = _ticket_number(context.args[0] if context.args else "")
    if number is None:
        await _reply(update, context, texts.text("close_usage", lang))
        return
    if await adapter.desk.close(number, _staff_name(update.effective_user)) is None:
        await _reply(update, context, texts.text("no_such_ticket", lang, id=number))


async def on_tickets_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """`/tickets`: the open tickets, for staff."""
    adapter = _adapter(context)
    if await _refused_unless_staff(update, context):
        return
    await _reply(update, context, adapter.desk.open_tickets_text())


async def on_report_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """`/report [days]`: the office's figures of the last days and one chart, for staff."""
    from bot.report import office, render

    adapter = _adapter(context)
    lang = adapter.settings.staff_language
    if await _refused_unless_staff(update, context):
        return
    days = context.args[0] if context.args else "7"
    if len(context.args or []) > 1 or not (days.isascii() and days.isdigit() and 1 <= int(days) <= 366):
        await _reply(update, context, texts.text("report_usage", lang))
        return
    try:
        await adapter.refresh_analytics()
    except Exception:  # noqa: BLE001 - the figures already read are still worth sending
        log.exception("analytics not brought up to date before /report")
    loop = asyncio.get_running_loop()
    since, until = office.period(adapter.settings, int(days))
    figures = await loop.run_in_executor(None, office.figures, adapter.settings, adapter.database, since, until)
    chat_id = update.effective_chat.id
    try:
        await send_text(context.bot, chat_id, render.summary_text(figures, lang))
        if not figures.empty:
            chart = await loop.run_in_executor(None, render.chart_png, "trend", figures, lang)
            await with_retries(lambda: context.bot.send_photo(chat_id, chart, caption=texts.text(
                "report.chart_trend", lang), filename="report.png"), "sendPhoto")
    except DeliveryFailed as error:
        log.warning("report not delivered: %s", error)


async def on_staff_button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Take or Close on a ticket post, for staff only."""
    adapter, query = _adapter(context), update.callback_query
    lang = adapter.settings.staff_language
    if not adapter.desk.is_staff(update.effective_user.id, update.effective_chat.id):
        await _answer(query, texts.text("staff_only", lang), alert=True)
        return
    action, _, number = query.data.partition(":")
    ticket = adapter.tickets.ticket(int(number))
    if ticket is None or not ticket.is_open:
        await _answer(query, texts.text("no_such_ticket", lang, id=number))
        return
    await _answer(query)
    await (adapter.desk.take if action == "take" else adapter.desk.close)(int(number), _staff_name(update.effective_user))


async def on_any_update(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Lets each Telegram update through once: a replayed `update_id` is not answered again. The id is
    recorded with what the handler stores (`Inbox.handling`), so a crash before that loses nothing."""
    if _adapter(context).inbox.seen(update.update_id):
        log.info("update %d seen before: not handled again", update.update_id)
        raise ApplicationHandlerStop


async def on_update_handled(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Records an update whose handler stored nothing (a staff command, a used button) as handled."""
    _adapter(context).inbox.handled(update.update_id)


async def on_error(update: object, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Logs the exception (with the update's number only: no student data in logs)."""
    log.error("update %s failed", getattr(update, "update_id", "?"), exc_info=context.error)
    if isinstance(update, Update):
        _adapter(context).inbox.handling_failed(update.update_id)
        raise ApplicationHandlerStop  # not recorded as handled (group 1): Telegram's replay is handled again


def keep_token_out_of_logs() -> None:
    """PTB (at DEBUG) and httpx (at INFO) log Bot API URLs, which hold the token: they log less.
    PTB's updater logs the raw body of an update it cannot read (ids, names, text) at CRITICAL:
    that record is redacted."""
    for name, level in (("telegram", logging.INFO), ("httpx", logging.WARNING), ("httpcore", logging.WARNING)):
        logger = logging.getLogger(name)
        if logger.getEffectiveLevel() < level:
            logger.setLevel(level)
    updater = logging.getLogger("telegram.ext.Updater")
    if not any(isinstance(f, RedactUpdateBodies) for f in updater.filters):
        updater.addFilter(RedactUpdateBodies())


class RedactUpdateBodies(logging.Filter):
    """Keeps PTB's word that an update was dropped, without the update's body or its traceback."""

    BODY_MESSAGES = ("Received data was", "Webhook received data")

    def filter(self, record: logging.LogRecord) -> bool:
        message = str(record.msg)
        if any(part in message for part in self.BODY_MESSAGES):
            error = record.exc_info[1] if record.exc_info else None
            record.msg = "an update from Telegram could not be read and was dropped (%s; body not logged)"
            record.args = (type(error).__name__ if error else "no error",)
            record.exc_info = record.exc_text = None
            if "Webhook received data" in message:
                record.msg, record.args = "webhook update received (body not logged)", ()
        return True


def _utc_now() -> dt.datetime:
    return dt.datetime.now(dt.timezone.utc)


# -- wiring -----------------------------------------------------------------------------------

def build_application(settings: Settings, database: Optional[Database] = None,
                      clock: Callable[[], dt.datetime] = _utc_now) -> Application:
    """The bot with every handler wired; storage and clients are created here, opened at start."""
    if not settings.telegram_token:
        raise ValueError("TELEGRAM_BOT_TOKEN is not set")
    keep_token_out_of_logs()
    application = (ApplicationBuilder().token(settings.telegram_token).base_url(settings.telegram_base_url)
                   .base_file_url(settings.telegram_base_file_url)
                   .job_queue(None).build())  # no scheduled jobs: the relay has its own retry loop
    database = database or Database(settings.tickets_url)
    students, inbox, tickets = Students(database), Inbox(database), TicketStore(database)
    payloads = ButtonPayloads(database, dt.timedelta(days=settings.button_ttl_days))
    hours = OfficeHours.parse(settings.office_hours, settings.office_timezone)
    try:
        health = action_health_url(settings)
    except OSError:  # no endpoints file: Rasa's own /status is the only probe
        health = None
    rasa = AsyncRasaClient(settings.rasa_urls, settings.request_timeout_s, health, token=settings.rasa_auth_token,
                          max_in_flight=settings.rasa_concurrency)
    desk = StaffDesk(settings, tickets, students, application.bot, hours, clock)
    delivery = DeliveryPolicy(settings.outbox_first_backoff_s, settings.outbox_max_backoff_s,
                              settings.outbox_give_up_s, settings.telegram_send_timeout_s,
                              settings.staff_relay_limit, settings.staff_relay_window_s)
    reminder_store, reminder_clock = ReminderStore(database), settings.reminder_clock()
    room = ReminderRoom(reminder_store, payloads, reminder_clock, clock)
    relay = Relay(inbox=inbox, students=students, tickets=tickets, payloads=payloads, rasa=rasa,
                  bot=application.bot, desk=desk, retry_s=settings.rasa_retry_s, outbox=Outbox(database),
                  delivery=delivery, leases=Leases(database, settings.lease_s), extras=room.offer_pieces,
                  on_blocked=reminder_store.cancel_all)
    scheduler = Scheduler(database, reminder_store, students, relay.outbox, reminder_clock, clock,
                          settings.reminder_poll_s, notify=relay.submit, keep_days=settings.reminder_keep_days)
    application.bot_data[ADAPTER] = Adapter(settings, database, students, inbox, tickets, payloads, rasa, desk,
                                            relay, load_key(settings), room, scheduler)

    # Before any handler: an update already seen (a webhook replay, a poll after a crash) stops here.
    application.add_handler(TypeHandler(Update, on_any_update), group=-1)
    application.add_handler(TypeHandler(Update, on_update_handled), group=1)
    new = filters.UpdateType.MESSAGE  # edits of a command are not run again (an edited /reply is not resent)
    private = filters.ChatType.PRIVATE & new
    # Edited messages first: a handler group stops at its first match, so they reach nothing else.
    application.add_handler(MessageHandler(filters.UpdateType.EDITED & filters.ChatType.PRIVATE, on_edited))
    application.add_handler(CommandHandler("start", on_start, filters=private))
    application.add_handler(CommandHandler("help", on_help, filters=private))
    application.add_handler(CommandHandler("lang", on_lang, filters=private))
    application.add_handler(CommandHandler("profile", on_profile, filters=private))
    application.add_handler(CommandHandler("human", on_human, filters=private))
    application.add_handler(CommandHandler("forget", on_forget, filters=private))
    application.add_handler(CommandHandler("checklist", on_checklist, filters=private))
    application.add_handler(CommandHandler("reminders", on_reminders, filters=private))
    application.add_handler(CommandHandler("calendar", on_calendar, filters=private))
    application.add_handler(CommandHandler("reply", on_reply_command, filters=new))
    application.add_handler(CommandHandler("close", on_close_command, filters=new))
    application.add_handler(CommandHandler("tickets", on_tickets_command, filters=new))
    application.add_handler(CommandHandler("report", on_report_command, filters=new))
    # PTB hands a callback query without data (and without a game) to every CallbackQueryHandler,
    # whatever its pattern: this one, whose pattern matches no data, takes exactly those first.
    application.add_handler(CallbackQueryHandler(on_button_without_data, pattern=lambda _data: False))
    application.add_handler(CallbackQueryHandler(on_staff_button, pattern=r"^(take|close):\d{1,9}$"))
    application.add_handler(CallbackQueryHandler(on_forget_answer, pattern=r"^forget:(yes|no)$"))
    application.add_handler(CallbackQueryHandler(on_button))
    application.add_handler(MessageHandler(filters.TEXT & ~filters.COMMAND & filters.UpdateType.MESSAGE, on_text))
    application.add_handler(MessageHandler(private & filters.COMMAND, on_unknown_command))
    application.add_handler(MessageHandler(private & ~filters.TEXT, on_not_text))
    application.add_error_handler(on_error)
    return application


async def on_unknown_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """A command the bot does not have: the list of those it has."""
    await on_help(update, context)


def webhook_path(settings: Settings) -> str:
    return urlparse(settings.webhook_url or "").path.strip("/") or "telegram"


async def serve(application: Application, stop: asyncio.Event) -> None:
    """Runs the adapter until `stop` is set; messages kept before a restart are answered first."""
    settings: Settings = application.bot_data[ADAPTER].settings
    adapter: Adapter = application.bot_data[ADAPTER]
    webhook: Optional[Webhook] = None
    async with application:
        await adapter.start()
        try:
            await application.start()
            if settings.webhook_url:
                # Our own webhook server: it answers Telegram once the update is recorded (see webhook.py).
                webhook = Webhook(application, settings.webhook_listen, settings.webhook_port,
                                  webhook_path(settings), settings.webhook_secret, adapter.inbox.seen)
                await webhook.start()
                await with_retries(lambda: application.bot.set_webhook(
                    settings.webhook_url, secret_token=settings.webhook_secret,
                    allowed_updates=Update.ALL_TYPES), "setWebhook")
            else:
                await application.updater.start_polling(allowed_updates=Update.ALL_TYPES)
            await stop.wait()
        finally:
            if webhook is not None:
                await webhook.stop()
            if application.updater.running:
                await application.updater.stop()
            if application.running:
                await application.stop()
            await adapter.stop()


def run(settings: Settings) -> int:
    """`python -m bot` in Telegram mode: serves until SIGINT or SIGTERM."""
    async def main() -> None:
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGINT, signal.SIGTERM):
            loop.add_signal_handler(sig, stop.set)
        await serve(build_application(settings), stop)

    asyncio.run(main())
    return 0

