"""The reminder store and its timing: the atomic claim under concurrent schedulers (SQLite and
PostgreSQL), send times and quiet hours in Europe/Luxembourg, retention, settings."""
import datetime as dt
import threading

import pytest

from bot.relay.outbox import Outbox
from bot.reminders.scheduler import Scheduler
from bot.reminders.store import ReminderStore
from bot.reminders.timing import ReminderClock
from bot.runtime.settings import Settings, SettingsError
from bot.storage.database import Database
from bot.storage.students import Students
from rules_core import decide
from rules_core.render import offer_payload
from rules_core.situation import Situation

STEP = offer_payload(decide("ask_learning_agreement", Situation(level="bachelor", course_start_date="2027-01-04")))[0]
DUE_AT = dt.datetime(2027, 1, 25, 8, 0)
UTC = dt.timezone.utc


@pytest.fixture
def database(desk_db_url):
    db = Database(desk_db_url).migrate()
    yield db
    db.close()


def test_concurrent_schedulers_claim_each_reminder_exactly_once(database):
    store, students = ReminderStore(database), Students(database)
    for n in range(60):
        students.remember(f"s-{n}", 1000 + n)
        store.add(f"s-{n}", STEP, [(7, DUE_AT), (1, DUE_AT)], "fr")
    queued, errors = [], []

    def scheduler_process():
        scheduler = Scheduler(database, store, students, Outbox(database), ReminderClock(),
                              lambda: DUE_AT.replace(tzinfo=UTC), 1.0)
        try:
            for _ in range(5):
                queued.extend(scheduler.run_once())
        except Exception as error:  # noqa: BLE001 - SQLite may say "locked": the next round goes on
            errors.append(error)

    threads = [threading.Thread(target=scheduler_process) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    Scheduler(database, store, students, Outbox(database), ReminderClock(), lambda: DUE_AT.replace(tzinfo=UTC),
              1.0).run_once()  # whatever a locked round left, once
    outbox = Outbox(database)
    assert sorted(outbox.refs_waiting()) == sorted(f"s-{n}" for n in range(60))
    assert store.count_pending() == 0
    with database.connect() as db:
        assert db.exec_driver_sql("select count(*) from desk_outbox").scalar() == 120


def test_a_reminder_goes_out_at_nine_in_luxembourg_and_never_in_quiet_hours():
    clock = ReminderClock()
    assert clock.send_at(dt.date(2027, 1, 25)) == dt.datetime(2027, 1, 25, 8, 0)  # CET: UTC+1
    assert clock.send_at(dt.date(2027, 7, 5)) == dt.datetime(2027, 7, 5, 7, 0)  # CEST: UTC+2
    assert clock.is_quiet(dt.datetime(2027, 1, 25, 21, 30, tzinfo=UTC))  # 22:30 in Luxembourg
    assert clock.is_quiet(dt.datetime(2027, 1, 25, 6, 30, tzinfo=UTC))  # 07:30
    assert not clock.is_quiet(dt.datetime(2027, 1, 25, 7, 0, tzinfo=UTC))  # 08:00


def test_leads_already_past_are_skipped_and_a_close_date_gets_a_reminder_on_the_day():
    clock = ReminderClock()
    now = dt.datetime(2027, 1, 28, 12, 0, tzinfo=UTC)
    assert clock.plan(dt.date(2027, 2, 1), [7, 1], now) == [(1, dt.datetime(2027, 1, 31, 8, 0))]
    assert clock.plan(dt.date(2027, 1, 29), [7], now) == [(0, dt.datetime(2027, 1, 29, 8, 0))]
    assert clock.plan(dt.date(2027, 1, 28), [1], now) == []


def test_done_reminders_are_deleted_after_the_retention_period(database):
    store, students = ReminderStore(database), Students(database)
    students.remember("s-1", 1)
    first, second = store.add("s-1", STEP, [(7, DUE_AT), (1, DUE_AT + dt.timedelta(days=6))], "fr")
    store.cancel("s-1", first)
    assert store.purge(dt.datetime.utcnow() + dt.timedelta(days=1)) == 1
    assert [r.id for r in store.pending_of("s-1")] == [second]


def test_another_students_reminder_cannot_be_cancelled(database):
    store = ReminderStore(database)
    (mine,) = store.add("s-1", STEP, [(7, DUE_AT)], "fr")
    assert not store.cancel("s-2", mine)
    assert store.cancel("s-1", mine)


@pytest.mark.parametrize("env, named", [({"REMINDER_TIMEZONE": "Europe/Atlantis"}, "REMINDER_TIMEZONE"),
                                        ({"REMINDER_SEND_TIME": "9h"}, "REMINDER_SEND_TIME"),
                                        ({"REMINDER_SEND_TIME": "23:00"}, "REMINDER_QUIET_HOURS"),
                                        ({"REMINDER_QUIET_HOURS": "night"}, "REMINDER_QUIET_HOURS"),
                                        ({"REMINDER_POLL_S": "0"}, "REMINDER_POLL_S"),
                                        ({"REMINDER_KEEP_DAYS": "-3"}, "REMINDER_KEEP_DAYS")])
def test_a_wrong_reminder_setting_is_refused_with_its_name(env, named):
    with pytest.raises(SettingsError, match=named):
        Settings.from_env(env)


def test_a_step_the_student_already_has_a_reminder_of_is_not_offered_again(tmp_path):
    from bot.reminders.room import ReminderRoom

    database = Database(f"sqlite:///{tmp_path / 'desk.db'}").migrate()
    store, now = ReminderStore(database), lambda: dt.datetime(2026, 12, 7, 12, 0, tzinfo=UTC)
    room = ReminderRoom(store, None, ReminderClock(), now)
    custom = {"reminder_offer": {"language": "en", "steps": [STEP]}}
    assert room.offer(custom, "en", "s-1")[1], "offered while none is set"
    store.add("s-1", STEP, [(7, DUE_AT)], "en")
    assert room.offer(custom, "en", "s-1") == ("", [])
    assert room.offer(custom, "en", "s-2")[1], "another student is still offered it"
    database.close()
