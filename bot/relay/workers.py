"""Each student's messages, in order, from the durable inbox to Rasa (or to staff while a ticket is
open), and the assistant's replies back to Telegram.

One worker per conversation keeps each student's messages in order while conversations run side
by side. A message leaves the inbox only once it has been answered: when Rasa is down the student
is told once, and the message is tried again until Rasa is back, restarts included.
"""
from __future__ import annotations

import asyncio
import datetime as dt
import logging
from dataclasses import dataclass
from typing import Any, Callable, Dict, List, Optional, Tuple

from sqlalchemy.engine import Connection
from telegram import Bot, InlineKeyboardMarkup

from bot import texts
from bot.desk.staff_desk import StaffDesk, is_staff_queue, staff_queue
from bot.pseudonym import rasa_sender
from bot.relay.rasa_client import AssistantUnavailable, AsyncRasaClient, MessageRejected
from bot.storage.database import utc_now
from bot.telegram.format import message_pieces, quick_replies
from bot.telegram.send import send_once
from bot.desk.tickets import Ticket, TicketStore
from bot.relay.inbox import HELD_TEXT_KEPT, HeldSummary, Inbox, InboxMessage, Replayed
from bot.relay.leases import Leases
from bot.relay.outbox import Outbox, Outgoing
from bot.storage.students import Student, Students
from bot.telegram.payloads import ButtonPayloads

log = logging.getLogger(__name__)


class LeaseLost(Exception):
    """This process no longer holds the student's lease (it was too slow to renew it)."""


REQUEST_HUMAN = "/request_human"
Piece = Tuple[str, Optional[Dict[str, Any]]]  # one Telegram message: HTML body, keyboard JSON
# A message a running Rasa keeps failing on is set aside after this many tries, so the
# student's later messages are not stuck behind it (an outage, by contrast, is waited out).
MAX_REJECTIONS = 5


@dataclass(frozen=True)
class DeliveryPolicy:
    """How the outbox tries again a reply Telegram did not accept (see `bot.telegram.send.send_once`)."""

    first_backoff_s: float = 1.0
    max_backoff_s: float = 300.0
    give_up_s: float = 172800.0
    send_timeout_s: float = 30.0
    staff_limit: int = 5  # messages of one ticket posted to the staff chat per window
    staff_window_s: float = 600.0

    def backoff(self, attempts: int) -> float:
        return min(self.first_backoff_s * 2 ** min(attempts, 30), self.max_backoff_s)


class Relay:
    def __init__(self, *, inbox: Inbox, students: Students, tickets: TicketStore, payloads: ButtonPayloads,
                 rasa: AsyncRasaClient, bot: Bot, desk: StaffDesk, retry_s: float = 5.0,
                 outbox: Optional[Outbox] = None, delivery: DeliveryPolicy = DeliveryPolicy(),
                 leases: Optional[Leases] = None,
                 extras: Optional[Callable[[Student, Dict[str, Any], Connection], List[Piece]]] = None,
                 on_blocked: Optional[Callable[[str], None]] = None) -> None:
        self.inbox = inbox
        self.leases = leases or Leases(inbox.database)
        # Hooks of other rooms: messages a reply's `custom` JSON asks for (a reminder offer), and what to
        # do when a student blocked the bot (cancel their reminders).
        self.extras = extras
        self.on_blocked = on_blocked
        self.outbox = outbox or Outbox(inbox.database)
        self.delivery = delivery
        self.students = students
        self.tickets = tickets
        self.payloads = payloads
        self.rasa = rasa
        self.bot = bot
        self.desk = desk
        desk.queue = self.queue  # the desk's messages go through the same outbox
        self.retry_s = retry_s
        self._workers: Dict[str, asyncio.Task] = {}
        self._timers: Dict[str, asyncio.TimerHandle] = {}  # when each waiting outbox is due again
        self._retry_task: Optional[asyncio.Task] = None
        self._renew_task: Optional[asyncio.Task] = None
        self._stopping = False

    # -- life -------------------------------------------------------------------------------

    def start(self) -> None:
        """Answers what was kept before a restart, then keeps retrying what Rasa could not take."""
        self._stopping = False
        self.retry_pending()
        self._retry_task = asyncio.create_task(self._retry_forever())
        self._renew_task = asyncio.create_task(self._renew_forever())

    async def stop(self, grace_s: float = 10.0) -> None:
        """Lets each worker finish the message in hand (so Rasa never gets it twice), then stops."""
        self._stopping = True
        for timer in self._timers.values():
            timer.cancel()
        self._timers.clear()
        if self._retry_task:
            self._retry_task.cancel()
        workers = [t for t in self._workers.values() if not t.done()]
        if workers:
            _, late = await asyncio.wait(workers, timeout=grace_s)
            for task in late:
                task.cancel()
        if self._renew_task:
            self._renew_task.cancel()
        await asyncio.gather(*[t for t in [self._retry_task, self._renew_task, *workers] if t],
                             return_exceptions=True)
        self._workers.clear()
        try:
            self.leases.release_all()  # another adapter may take these students at once
        except Exception:  # noqa: BLE001 - they expire anyway
            log.exception("leases not released")

    async def _renew_forever(self) -> None:
        """Keeps this process's leases alive while it works (a killed process stops renewing them)."""
        while True:
            await asyncio.sleep(self.leases.ttl.total_seconds() / 3)
            try:
                self.leases.renew_all()
            except Exception:  # noqa: BLE001 - the database restarting: the deliveries check the lease
                log.exception("leases not renewed")

    async def _retry_forever(self) -> None:
        while True:
            await asyncio.sleep(self.retry_s)
            try:
                await self.desk.post_unposted()
                for summary in self.inbox.held_to_summarise(dt.timedelta(seconds=self.delivery.staff_window_s)):
                    await self._post_held(summary)
                self.retry_pending()
                self.inbox.drop_old_updates()
            except Exception:  # noqa: BLE001 - e.g. the database restarting: try again next round
                log.exception("retry round failed")

    def retry_pending(self) -> None:
        refs = self.inbox.refs_with_pending()
        for ref in refs + [r for r in self.outbox.refs_waiting() if r not in refs]:
            self.submit(ref)

    # -- work -------------------------------------------------------------------------------

    def receive(self, ref: str, text: str, shown: Optional[str] = None,
                meta: Optional[Dict[str, Any]] = None, update_id: Optional[int] = None) -> None:
        """Keeps the message first (nothing is lost if anything fails later), then processes it. The
        Telegram update it came in is recorded as handled in the same transaction (`Inbox.handling`)."""
        try:
            with self.inbox.handling(update_id) as db:
                self.inbox.keep(ref, text, shown, meta, within=db)
        except Replayed:
            log.info("update %s seen before: not handled again", update_id)
            return
        self.submit(ref)

    def say(self, ref: str, chat_id: int, text: str, keyboard: Optional[InlineKeyboardMarkup] = None,
            update_id: Optional[int] = None) -> None:
        """Queues a message of the adapter's own (a command's answer) in `ref`'s outbox and sends it;
        the update that asked for it is recorded as handled in the same transaction."""
        try:
            with self.inbox.handling(update_id) as db:
                self.outbox.add(ref, chat_id, message_pieces(text, keyboard), within=db)
        except Replayed:
            log.info("update %s seen before: not answered again", update_id)
            return
        self.submit(ref)

    def queue(self, ref: str, chat_id: int, text: str, keyboard: Optional[InlineKeyboardMarkup] = None, *,
              bold_prefix: Optional[str] = None, ticket_id: Optional[int] = None, reply_in_ticket: bool = False,
              within: Optional[Connection] = None) -> None:
        """Queues a message in `ref`'s outbox (in the caller's transaction when given) and has it sent
        once control returns to the event loop, i.e. after that transaction committed."""
        self.outbox.add(ref, chat_id, message_pieces(text, keyboard, bold_prefix), within=within,
                        ticket_id=ticket_id, reply_in_ticket=reply_in_ticket)
        asyncio.get_running_loop().call_soon(self.submit, ref)

    def submit(self, ref: str) -> None:
        if self._stopping:
            return  # kept in the inbox: answered after the restart
        worker = self._workers.get(ref)
        if worker is None or worker.done():
            self._workers[ref] = asyncio.create_task(self._drain(ref))

    async def wait_idle(self, ref: str, timeout_s: float = 30.0) -> None:
        """Waits for the student's worker to finish what it is doing (Rasa included)."""
        worker = self._workers.get(ref)
        if worker is not None and not worker.done():
            await asyncio.wait([worker], timeout=timeout_s)

    async def _drain(self, ref: str) -> None:
        """Works on the student's conversation while this process holds its lease: another adapter
        sharing the database never has a message of the same student in flight at the same time."""
        try:
            while not self._stopping:
                if not self.leases.acquire(ref):
                    return  # another adapter works on this student; its worker (or our retry loop) goes on
                try:
                    idle = await self._drain_held(ref)
                finally:
                    self.leases.release(ref)
                # What another adapter stored while we held the lease (it could not take the lease then).
                if not idle or not self._work_waiting(ref):
                    return
        except asyncio.CancelledError:
            raise
        except Exception:  # noqa: BLE001 - e.g. the database is down: the message stays in the inbox
            log.exception("conversation %s stopped; the retry loop comes back to it", ref)

    def _work_waiting(self, ref: str) -> bool:
        return self.inbox.next_pending(ref) is not None or self.outbox.next_for(ref) is not None

    async def _drain_held(self, ref: str) -> bool:
        """Answers the student's messages in order; True when nothing is left to do."""
        while not self._stopping:
            if not await self._flush(ref):
                return False  # a reply still waits for Telegram: later answers go after it
            message = self.inbox.next_pending(ref)
            if message is None:
                return True
            student = self.students.get(ref)
            if student is None:
                return False  # no one to answer (erased meanwhile): not worth another round now
            try:
                done = await self._process(student, message)
            except asyncio.CancelledError:
                raise
            except LeaseLost:
                log.warning("conversation %s was taken over by another adapter", ref)
                return False
            except Exception:  # noqa: BLE001 - one conversation's failure must not stop the others
                log.exception("a message of %s failed", ref)
                done = await self._failed(student, message)
            if not done:
                return False  # Rasa is down, or the message is tried again: the retry loop comes back
            self.inbox.mark_done(message.id)
        return False

    async def _process(self, student: Student, message: InboxMessage) -> bool:
        """True when the message was dealt with; False when it must wait for Rasa."""
        ticket = self.tickets.open_ticket_of(student.ref)
        if ticket is not None:
            if message.text != REQUEST_HUMAN:
                await self._to_staff(student, ticket, message.shown or message.text)
            return True
        sender = rasa_sender(student.ref)
        try:
            if message.told_unavailable and not await self.rasa.ready():
                raise AssistantUnavailable("still down")  # not sent again: Rasa would store it again
            if student.resume_pending:
                await self.rasa.resume(sender)
                self.students.set_resume_pending(student.ref, False)
            replies = await self.rasa.send(sender, message.text, message.meta)
            if not replies:
                replies = await self._after_empty_reply(student, message)
        except MessageRejected as error:
            log.warning("Rasa failed on a message of %s: %s", student.ref, error)
            return await self._failed(student, message)
        except AssistantUnavailable as error:
            log.warning("Rasa unavailable for %s: %s", student.ref, error)
            return await self._while_unavailable(student, message)
        await self._deliver(student, message, replies)
        return True

    async def _to_staff(self, student: Student, ticket: Ticket, text: str) -> None:
        """A message of an open ticket goes to the staff chat, unless the student already sent the
        window's share: then it stays in the ticket, and staff get one summary when the window ends."""
        window = dt.timedelta(seconds=self.delivery.staff_window_s)
        turn = self.inbox.staff_turn(ticket.id, student.ref, text, self.delivery.staff_limit, window)
        if turn.summary is not None:
            await self._post_held(turn.summary)
        if turn.post:
            await self.desk.relay_to_staff(ticket, text)
            return
        self.tickets.add_ticket_message(ticket.id, "student", text)
        if turn.tell_student:
            await self._tell(student, texts.text("staff_flood_held", ticket.language))

    async def _post_held(self, summary: HeldSummary) -> None:
        """One staff-chat post for the messages held back in a window (a reply to it reaches the ticket)."""
        ticket = self.tickets.ticket(summary.ticket_id)
        if ticket is None or not ticket.is_open:
            return
        text = texts.text("staff_held_summary", self.desk.lang, id=ticket.id, count=summary.count) + "\n" + \
            summary.text + ("…" if len(summary.text) >= HELD_TEXT_KEPT else "")
        with self.inbox.database.transaction() as db:
            for chat_id in self.desk.destinations():
                self.queue(staff_queue(chat_id), chat_id, text, ticket_id=ticket.id, reply_in_ticket=True, within=db)

    async def _after_empty_reply(self, student: Student, message: InboxMessage) -> List[Dict[str, Any]]:
        """Rasa's REST channel answers `[]` when no action uttered anything: its action server is down
        (the custom action failed), the conversation is paused (`tracker.is_paused()`: no prediction
        at all), or it was just restarted or started afresh (`action_restart` / `action_session_start`
        utter nothing). Only the first is an outage; the others are answered here, not retried forever."""
        if not await self.rasa.ready():
            raise AssistantUnavailable("Rasa gave no reply and a health check fails (action server down?)")
        sender = rasa_sender(student.ref)
        await self.rasa.resume(sender)  # a pause left over (harmless otherwise): the bot listens again
        replies = await self.rasa.send(sender, message.text, message.meta)
        if replies:
            return replies
        log.warning("Rasa had nothing to say to a message of %s", student.ref)
        return [{"text": texts.text("no_reply", student.language or "fr")}]

    async def _failed(self, student: Student, message: InboxMessage) -> bool:
        """A message that fails while Rasa runs is tried a few times, then handed to staff: nothing is
        lost and the student's next messages are not stuck behind it. True when it was handed over."""
        self.inbox.count_rejection(message.id)
        if message.rejections + 1 < MAX_REJECTIONS:
            self.inbox.mark_told_unavailable(student.ref)
            if self.inbox.tell_outage_once(student.ref):
                await self._tell(student, texts.text("unavailable", student.language or "fr"))
            return False
        log.error("a message of %s failed %d times; handed to staff", student.ref, MAX_REJECTIONS)
        lang = student.language or "fr"
        case = {"language": lang, "transcript": [{"from": "student", "text": message.shown or message.text}]}
        await self.desk.open_ticket(student.ref, "assistant_failed", case, lang)
        await self._tell(student, texts.text("set_aside_to_staff", lang))
        return True

    async def _while_unavailable(self, student: Student, message: InboxMessage) -> bool:
        lang = student.language or "fr"
        if self.inbox.has_pending(student.ref, REQUEST_HUMAN):
            # A person does not need the assistant to be up: the ticket opens now, and the messages
            # waiting before the request go to staff with it.
            await self.desk.open_ticket(student.ref, "assistant_unavailable", {"language": lang}, lang)
            await self._tell(student, texts.text("handoff_while_unavailable", lang))
            return await self._process(student, message)
        self.inbox.mark_told_unavailable(student.ref)
        if self.inbox.tell_outage_once(student.ref):  # one notice per outage, however many messages wait
            await self._tell(student, texts.text("unavailable", lang))
        return False

    async def _deliver(self, student: Student, message: InboxMessage, replies: List[Dict[str, Any]]) -> None:
        """The replies go to the outbox and the message leaves the inbox in one transaction: a crash
        between the two neither loses the answer nor asks Rasa twice."""
        handoff: Optional[Dict[str, Any]] = None
        with self.inbox.database.transaction() as db:
            if not self.leases.holds(student.ref, within=db):
                raise LeaseLost(student.ref)  # another adapter took the student over: it answers instead
            for reply in replies:
                custom = reply.get("custom") or {}
                if isinstance(custom, dict) and isinstance(custom.get("handoff"), dict):
                    handoff = custom["handoff"]
                text, buttons = reply.get("text"), reply.get("buttons")
                if text or buttons:
                    keyboard = quick_replies(buttons, lambda choices: self.payloads.issue(student.ref, choices,
                                                                                            within=db)) \
                        if buttons else None
                    self.outbox.add(student.ref, student.chat_id, message_pieces(text or "…", keyboard), within=db)
                if isinstance(custom, dict) and custom and self.extras is not None:
                    self.outbox.add(student.ref, student.chat_id, self.extras(student, custom, db), within=db)
            self.inbox.mark_done(message.id, within=db)
        self.inbox.outage_over(student.ref)
        await self._flush(student.ref)
        if handoff is not None:
            language = handoff.get("language") if handoff.get("language") in ("fr", "en") else (student.language or "fr")
            self.students.set_language(student.ref, language)
            await self.desk.open_ticket(student.ref, str(handoff.get("reason") or "offer_accepted"), handoff, language)

    async def _tell(self, student: Student, text: str) -> None:
        """A notice of the relay's own, queued behind the replies already waiting (sent by this worker)."""
        self.outbox.add(student.ref, student.chat_id, message_pieces(text))
        await self._flush(student.ref)

    async def _flush(self, ref: str) -> bool:
        """Sends the student's queued messages in order; True when none is left waiting."""
        while not self._stopping:
            outgoing = self.outbox.next_for(ref)
            if outgoing is None:
                return True
            now = utc_now()
            if outgoing.next_at > now:
                self._come_back(ref, (outgoing.next_at - now).total_seconds())
                return False
            reply_to = self._first_post(outgoing) if outgoing.reply_in_ticket else None
            lease_s = self.delivery.send_timeout_s + 10.0
            if not self.outbox.lease(outgoing, now + dt.timedelta(seconds=lease_s)):
                self._come_back(ref, 0.5)  # another adapter process is sending it: look again shortly
                return False
            attempt = await send_once(self.bot, outgoing.chat_id, outgoing.html, outgoing.keyboard,
                                      self.delivery.send_timeout_s, reply_to)
            if attempt.outcome == "sent":
                self._sent(outgoing, attempt.message_id)
            elif attempt.outcome == "final" and not is_staff_queue(ref):
                log.warning("a reply to %s was refused by Telegram and dropped: %s", ref, attempt.reason)
                self.outbox.done(outgoing.id)
                if attempt.blocked and self.on_blocked is not None:
                    self.on_blocked(ref)
            elif (now - outgoing.created_at).total_seconds() > self.delivery.give_up_s:
                log.error("a reply to %s was dropped after %d attempts: %s", ref, outgoing.attempts + 1, attempt.reason)
                self.outbox.done(outgoing.id)
            else:
                wait = attempt.wait_s if attempt.wait_s is not None else self.delivery.backoff(outgoing.attempts)
                log.warning("a reply to %s not accepted by Telegram (%s); tried again in %.1f s (attempt %d)",
                            ref, attempt.reason, wait, outgoing.attempts + 1)
                self.outbox.retry_at(outgoing.id, utc_now() + dt.timedelta(seconds=wait))
        return False

    def _first_post(self, outgoing: Outgoing) -> Optional[int]:
        """The ticket's first post in that chat, which the message answers (so staff see the thread)."""
        posts = self.tickets.staff_posts_of(outgoing.ticket_id) if outgoing.ticket_id is not None else []
        return min((m for c, m in posts if c == outgoing.chat_id), default=None)

    def _sent(self, outgoing: Outgoing, message_id: Optional[int]) -> None:
        """Telegram accepted the message: it leaves the outbox and, for a staff post, becomes a post of
        its ticket (a staff reply to it reaches the ticket), in one transaction."""
        with self.outbox.database.transaction() as db:
            self.outbox.done(outgoing.id, within=db)
            if outgoing.ticket_id is not None and message_id is not None and \
                    self.tickets.ticket(outgoing.ticket_id) is not None:  # not erased by /forget meanwhile
                self.tickets.add_staff_post(outgoing.chat_id, message_id, outgoing.ticket_id, within=db)

    def _come_back(self, ref: str, delay_s: float) -> None:
        """The worker returns when the next try is due (the retry loop would too, less precisely);
        one timer per student, however often the retry loop finds the outbox waiting."""
        loop = asyncio.get_running_loop()
        when = loop.time() + max(delay_s, 0.0)
        timer = self._timers.get(ref)
        if timer is not None and not timer.cancelled() and timer.when() > loop.time() and timer.when() <= when:
            return
        if timer is not None:
            timer.cancel()
        self._timers[ref] = loop.call_at(when, self._due, ref)

    def _due(self, ref: str) -> None:
        self._timers.pop(ref, None)
        self.submit(ref)
