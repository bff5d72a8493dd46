"""Reminders end to end: the real PTB Application against the fake Bot API server, a controllable
clock (no test sleeps for days), SQLite and PostgreSQL.

Rasa is a local server speaking its REST channel protocol; its answer is the rules core's own
decision with the `custom.reminder_offer` the action server attaches (`offer_payload`), so the date,
kind and article the adapter stores are the rules core's."""
import asyncio
import datetime as dt

import icalendar
import pytest
import sqlalchemy as sa

from bot.reminders.store import ReminderStore
from bot.runtime.settings import Settings
from bot.storage.database import Database
from bot.storage.schema import reminders
from bot.storage.students import Students
from rules_core import decide, render
from rules_core.render import offer_payload
from rules_core.situation import Situation
from tests.desk_db import drop_postgres, postgres_url
from tests.fake_telegram import FakeTelegram
from tests.telegram_harness import OTHER_STUDENT, STUDENT, RunningAdapter, adapter_settings, button, said, texts_to, until
from tests.fake_rasa import EchoRasa, free_port

# Tuesday 1 December 2026, 10:00 in Luxembourg. Courses start Monday 4 January 2027, so the learning
# agreement can be changed until Monday 1 February 2027 (Art. 8(2), 28 days).
START = dt.datetime(2026, 12, 1, 9, 0, tzinfo=dt.timezone.utc)
WEEK_BEFORE = dt.datetime(2027, 1, 25, 8, 0, tzinfo=dt.timezone.utc)  # 09:00 in Luxembourg (CET)
DAY_BEFORE = dt.datetime(2027, 1, 31, 8, 0, tzinfo=dt.timezone.utc)
SITUATION = Situation(level="bachelor", course_start_date="2027-01-04")
TRAVEL = Situation(mobility_type="erasmus_plus", departure_date="2027-01-02", return_date="2027-06-30")


class Clock:
    """The adapter's clock, moved by the test."""

    def __init__(self, now: dt.datetime) -> None:
        self.now = now

    def __call__(self) -> dt.datetime:
        return self.now


def rules_answer(sender, message):
    """What the action server sends for the learning-agreement question (the checklist for /ask_deadlines):
    the rules core's text, then the custom JSON with the dated steps."""
    checklist = message == "/ask_deadlines"
    decision = decide("ask_deadlines", TRAVEL) if checklist else decide("ask_learning_agreement", SITUATION)
    custom = {"reminder_offer": {"language": "fr", "steps": offer_payload(decision)}}
    if checklist:
        custom["checklist"] = {"language": "fr"}
    return [{"recipient_id": sender, "text": render(decision, "fr")}, {"recipient_id": sender, "custom": custom}]


def rules_rasa():
    return EchoRasa(answer=rules_answer).start()


def settings_for(tmp_path, fake, rasa, url=None, **overrides):
    values = dict(rasa_url=rasa.url, rasa_retry_s=0.2, analytics_ingest_s=0, outbox_first_backoff_s=0.05,
                  outbox_max_backoff_s=0.2, reminder_poll_s=0.05)
    return adapter_settings(Settings(project_dir=tmp_path), fake, url or f"sqlite:///{tmp_path}/t.db",
                            **{**values, **overrides})


def run(body, timeout=120):
    asyncio.run(asyncio.wait_for(body(), timeout))


def exact(message, title):
    """The callback data of the button titled exactly `title`."""
    return next(item["callback_data"] for row in message["reply_markup"]["inline_keyboard"] for item in row
                if item["text"] == title)


def count(fake, chat_id, needle):
    return len([t for t in texts_to(fake, chat_id) if needle in t])


async def set_reminders(fake, choice="1 semaine et 1 jour avant"):
    fake.push_message(STUDENT, "Jusqu'à quand puis-je modifier mon learning agreement ?")
    offer = await said(fake, STUDENT, "Voulez-vous un rappel avant cette date ?")
    assert "dernier jour pour modifier votre learning agreement : lundi 1 février 2027" in offer["text"]
    assert "(art. 8(2), circulaire mobilité du 11 février 2021)" in offer["text"]
    fake.push_callback(STUDENT, exact(offer, choice), message_id=offer["message_id"])
    return offer


def test_a_reminder_is_set_listed_cancelled_and_the_other_sent_once_at_its_time(tmp_path):
    async def main():
        rasa, clock = await rules_rasa(), Clock(START)
        try:
            async with FakeTelegram() as fake:
                async with RunningAdapter(settings_for(tmp_path, fake, rasa), fake, clock=clock) as adapter:
                    await set_reminders(fake)
                    await said(fake, STUDENT, "C'est noté : 2 rappel(s), le premier le lundi 25 janvier 2027 à 09:00")
                    fake.push_message(STUDENT, "/reminders")
                    listing = await said(fake, STUDENT, "Vos rappels :")
                    assert "le lundi 31 janvier 2027 09:00" not in listing["text"]  # 31 Jan 2027 is a Sunday
                    assert "dimanche 31 janvier 2027 09:00" in listing["text"]
                    fake.push_callback(STUDENT, button(listing, "31/01"), message_id=listing["message_id"])
                    await said(fake, STUDENT, "Rappel annulé.")
                    assert len(adapter.stores.reminders.store.pending_of(adapter.ref(STUDENT))) == 1

                    clock.now = WEEK_BEFORE - dt.timedelta(minutes=1)
                    await asyncio.sleep(0.3)
                    assert count(fake, STUDENT, "Rappel :") == 0  # not before its time
                    clock.now = WEEK_BEFORE
                    sent = await said(fake, STUDENT, "⏰ Rappel : dernier jour pour modifier votre learning agreement")
                    assert "lundi 1 février 2027 (dans 7 jours) (art. 8(2)" in sent["text"]
                    clock.now = DAY_BEFORE + dt.timedelta(hours=2)
                    await asyncio.sleep(0.5)
                    assert count(fake, STUDENT, "⏰ Rappel") == 1  # the cancelled one never comes
        finally:
            await rasa.stop()
    run(main)


def test_a_reminder_set_before_a_restart_is_sent_after_it_with_a_note_or_dropped_when_its_deadline_passed(tmp_path):
    async def main():
        rasa, clock = await rules_rasa(), Clock(START)
        try:
            async with FakeTelegram() as fake:
                settings = settings_for(tmp_path, fake, rasa)
                async with RunningAdapter(settings, fake, clock=clock):
                    await set_reminders(fake)
                    await said(fake, STUDENT, "C'est noté : 2 rappel(s)")
                # Down from before the week-before reminder until the evening before the deadline.
                clock.now = dt.datetime(2027, 1, 31, 12, 0, tzinfo=dt.timezone.utc)
                async with RunningAdapter(settings, fake, clock=clock):
                    late = await said(fake, STUDENT, "⏰ Rappel")
                    assert "(Ce rappel était prévu le dimanche 31 janvier 2027 ; l'assistant était arrêté.)" \
                        in late["text"]
                    assert "demain" in late["text"]
                    await asyncio.sleep(0.5)
                    assert count(fake, STUDENT, "⏰ Rappel") == 1  # the week-before one is not sent as well
                # A second student's reminders, then the adapter is down past the deadline: dropped.
                clock.now = START
                async with RunningAdapter(settings, fake, clock=clock) as adapter:
                    fake.push_message(OTHER_STUDENT, "learning agreement ?")
                    offer = await said(fake, OTHER_STUDENT, "Voulez-vous un rappel")
                    fake.push_callback(OTHER_STUDENT, exact(offer, "1 jour avant"), message_id=offer["message_id"])
                    await said(fake, OTHER_STUDENT, "C'est noté : 1 rappel(s)")
                    ref = adapter.ref(OTHER_STUDENT)
                clock.now = dt.datetime(2027, 2, 3, 9, 0, tzinfo=dt.timezone.utc)
                async with RunningAdapter(settings, fake, clock=clock):
                    await until(lambda: status_of(settings.tickets_url, ref) == ["dropped"], what="dropped")
                    assert count(fake, OTHER_STUDENT, "⏰ Rappel") == 0
        finally:
            await rasa.stop()
    run(main)


def status_of(url, ref):
    database = Database(url)
    try:
        with database.connect() as db:
            return [r.status for r in db.execute(sa.select(reminders).where(reminders.c.ref == ref)).all()]
    finally:
        database.close()


def test_quiet_hours_hold_a_late_reminder_until_the_morning(tmp_path):
    async def main():
        rasa, clock = await rules_rasa(), Clock(START)
        try:
            async with FakeTelegram() as fake:
                settings = settings_for(tmp_path, fake, rasa)
                async with RunningAdapter(settings, fake, clock=clock):
                    await set_reminders(fake, "1 jour avant")
                    await said(fake, STUDENT, "C'est noté : 1 rappel(s)")
                clock.now = dt.datetime(2027, 1, 31, 22, 30, tzinfo=dt.timezone.utc)  # 23:30 in Luxembourg
                async with RunningAdapter(settings, fake, clock=clock):
                    await asyncio.sleep(0.5)
                    assert count(fake, STUDENT, "⏰ Rappel") == 0
                    clock.now = dt.datetime(2027, 2, 1, 7, 0, tzinfo=dt.timezone.utc)  # 08:00: quiet hours over
                    sent = await said(fake, STUDENT, "⏰ Rappel")
                    assert "aujourd'hui" in sent["text"]
        finally:
            await rasa.stop()
    run(main)


def test_forget_erases_the_students_reminders(tmp_path):
    async def main():
        rasa, clock = await rules_rasa(), Clock(START)
        try:
            async with FakeTelegram() as fake:
                async with RunningAdapter(settings_for(tmp_path, fake, rasa), fake, clock=clock) as adapter:
                    await set_reminders(fake)
                    await said(fake, STUDENT, "C'est noté : 2 rappel(s)")
                    fake.push_message(STUDENT, "/forget")
                    confirm = await said(fake, STUDENT, "Effacer votre conversation")
                    fake.push_callback(STUDENT, "forget:yes", message_id=confirm["message_id"])
                    await until(lambda: not status_of(adapter.settings.tickets_url, adapter.ref(STUDENT)),
                                what="reminders erased")
                    clock.now = WEEK_BEFORE
                    await asyncio.sleep(0.5)
                    assert count(fake, STUDENT, "⏰ Rappel") == 0
        finally:
            await rasa.stop()
    run(main)


def test_a_blocked_bot_cancels_the_students_reminders(tmp_path):
    async def main():
        rasa, clock = await rules_rasa(), Clock(START)
        try:
            async with FakeTelegram() as fake:
                async with RunningAdapter(settings_for(tmp_path, fake, rasa), fake, clock=clock) as adapter:
                    await set_reminders(fake)
                    await said(fake, STUDENT, "C'est noté : 2 rappel(s)")
                    fake.fail_next("sendMessage", status=403, description="Forbidden: bot was blocked by the user")
                    clock.now = WEEK_BEFORE
                    ref = adapter.ref(STUDENT)
                    await until(lambda: status_of(adapter.settings.tickets_url, ref) == ["sent", "cancelled"],
                                what="the other reminder cancelled")
                    clock.now = DAY_BEFORE
                    await asyncio.sleep(0.5)
                    assert count(fake, STUDENT, "⏰ Rappel") == 0
        finally:
            await rasa.stop()
    run(main)


def test_the_calendar_file_parses_back_with_the_dates_in_luxembourg_time(tmp_path):
    async def main():
        rasa, clock = await rules_rasa(), Clock(START)
        try:
            async with FakeTelegram() as fake:
                async with RunningAdapter(settings_for(tmp_path, fake, rasa), fake, clock=clock):
                    fake.push_message(STUDENT, "/calendar")
                    await said(fake, STUDENT, "Je n'ai encore aucune date pour vous")
                    await set_reminders(fake)
                    await said(fake, STUDENT, "C'est noté")
                    fake.push_message(STUDENT, "/calendar")
                    await until(lambda: fake.uploads, what="a document")
        finally:
            await rasa.stop()
        upload = fake.uploads[0]
        assert upload["method"] == "sendDocument" and upload["filename"].endswith(".ics")
        calendar = icalendar.Calendar.from_ical(upload["content"])
        events = list(calendar.walk("VEVENT"))
        assert len(events) == 1
        start = events[0].decoded("dtstart")
        assert start.date() == dt.date(2027, 2, 1) and start.hour == 9
        assert str(start.tzinfo) == "Europe/Luxembourg"
        assert start.utcoffset() == dt.timedelta(hours=1)
        assert str(events[0]["summary"]) == "dernier jour pour modifier votre learning agreement"
        assert [tz["tzid"] for tz in calendar.walk("VTIMEZONE")] == ["Europe/Luxembourg"]
    run(main)


def test_the_checklist_gives_the_dated_steps_with_their_articles_and_the_reminders_already_set(tmp_path):
    async def main():
        rasa, clock = await rules_rasa(), Clock(START)
        try:
            async with FakeTelegram() as fake:
                async with RunningAdapter(settings_for(tmp_path, fake, rasa), fake, clock=clock):
                    await set_reminders(fake, "1 jour avant")
                    await said(fake, STUDENT, "C'est noté : 1 rappel(s)")
                    since = len(fake.sent(STUDENT))
                    fake.push_message(STUDENT, "/checklist")
                    steps = await said(fake, STUDENT, "Avant le départ, au plus tard le samedi 2 janvier 2027 : signez "
                                                      "le contrat de mobilité", since=since)
                    assert "(art. 10, circulaire mobilité du 11 février 2021)" in steps["text"]
                    assert "repassez le test OLS à votre retour, le mercredi 30 juin 2027" in steps["text"]
                    already = await said(fake, STUDENT, "Rappels déjà prévus", since=since)
                    assert "• le dimanche 31 janvier 2027 09:00 : dernier jour pour modifier votre learning agreement" \
                        in already["text"]
                    offer = await said(fake, STUDENT, "Voulez-vous des rappels avant ces dates ?", since=since)
                    assert "passer le test de langue OLS avant votre départ : samedi 2 janvier 2027 (art. 12(1)" \
                        in offer["text"]
            assert rasa.received[-1] == "/ask_deadlines"  # the command's internal payload, never typed text
        finally:
            await rasa.stop()
    run(main)


# -- several adapters on one PostgreSQL database --------------------------------------------------

@pytest.fixture
def pg_url():
    url = postgres_url()
    yield url
    drop_postgres(url)


def test_a_reminder_is_sent_once_across_two_adapters_on_one_postgresql_database(tmp_path, pg_url):
    students = list(range(3001, 3041))  # 40 students, 3 reminders each, all due at the same instant

    async def main():
        rasa, clock = await rules_rasa(), Clock(START)
        try:
            async with FakeTelegram() as fake:
                key = "one key for both adapters"
                # Several adapter processes take updates by webhook (long polling allows one poller per bot).
                settings, other = [settings_for(
                    tmp_path, fake, rasa, pg_url, pseudonym_key=key, webhook_secret="s3cret", webhook_port=port,
                    webhook_url=f"http://127.0.0.1:{port}/telegram") for port in (free_port(), free_port())]
                async with RunningAdapter(settings, fake, clock=clock) as first:
                    step = offer_payload(decide("ask_learning_agreement", SITUATION))[0]
                    store, known = ReminderStore(first.stores.database), Students(first.stores.database)
                    for user in students:
                        known.remember(first.ref(user), user)
                        store.add(first.ref(user), step, [(lead, WEEK_BEFORE.replace(tzinfo=None)) for lead in (7, 3, 1)],
                                  "fr")
                    async with RunningAdapter(other, fake, clock=clock):
                        clock.now = WEEK_BEFORE
                        await until(lambda: all(count(fake, u, "⏰ Rappel") == 3 for u in students), timeout=60,
                                    what="every reminder delivered")
                        await asyncio.sleep(1.0)
                assert all(count(fake, u, "⏰ Rappel") == 3 for u in students)  # exactly once each
                assert len([c for c in fake.calls if c.method == "sendMessage"]) == 3 * len(students)
        finally:
            await rasa.stop()
    run(main, timeout=180)
