"""The adapter's pure parts: office hours, Telegram formatting, settings, pseudonyms."""
import dataclasses
import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from bot.desk.office_hours import OfficeHours, OfficeHoursError
from bot.pseudonym import load_key, student_ref
from bot.runtime.settings import Settings, SettingsError
from bot.telegram.format import html_message, quick_replies, split_text, utf16_len
from bot.relay.rasa_endpoints import TrackerStoreNotErasable, event_broker_db_url, tracker_db_url

LUX = ZoneInfo("Europe/Luxembourg")
HOURS = OfficeHours.parse("mon-thu 09:00-17:00; fri 09:00-12:00", "Europe/Luxembourg")


def at(text: str) -> dt.datetime:
    return dt.datetime.fromisoformat(text).replace(tzinfo=LUX)


# -- office hours ---------------------------------------------------------------------------

def test_the_office_is_open_on_a_weekday_afternoon_and_closed_at_the_closing_minute():
    assert HOURS.is_open(at("2026-12-01T14:00"))  # Tuesday
    assert not HOURS.is_open(at("2026-12-01T17:00"))


def test_a_friday_afternoon_message_is_answered_from_monday_morning():
    assert HOURS.next_opening(at("2026-12-04T13:00")) == at("2026-12-07T09:00")


def test_an_early_morning_message_is_answered_from_opening_the_same_day():
    assert HOURS.next_opening(at("2026-12-02T07:30")) == at("2026-12-02T09:00")


def test_no_next_opening_is_given_while_the_office_is_open():
    assert HOURS.next_opening(at("2026-12-02T10:00")) is None


def test_opening_hours_follow_the_office_time_zone_not_utc():
    # 08:30 UTC is 09:30 in Luxembourg in winter.
    assert HOURS.is_open(dt.datetime(2026, 12, 2, 8, 30, tzinfo=dt.timezone.utc))


@pytest.mark.parametrize("spec", ["", "monday 9-17", "mon-fri 17:00-09:00", "mon-fri 25:00-26:00", "xyz 09:00-10:00"])
def test_unreadable_office_hours_are_refused_with_an_example(spec):
    with pytest.raises(OfficeHoursError):
        OfficeHours.parse(spec, "Europe/Luxembourg")


def test_an_unknown_time_zone_is_refused():
    with pytest.raises(OfficeHoursError, match="time zone"):
        OfficeHours.parse("mon-fri 09:00-17:00", "Europe/Atlantis")


# -- Telegram formatting ----------------------------------------------------------------------

def test_a_short_text_is_sent_whole():
    assert split_text("Oui.\n- art. 3") == ["Oui.\n- art. 3"]


def test_a_long_answer_is_cut_at_line_boundaries_under_the_limit():
    lines = [f"- conclusion {i} " + "x" * 80 for i in range(200)]
    pieces = split_text("\n".join(lines))
    assert len(pieces) > 1
    assert all(utf16_len(p) <= 4096 for p in pieces)
    assert "\n".join(pieces) == "\n".join(lines)


def test_a_text_without_any_break_is_cut_without_splitting_an_emoji():
    text = "🎓" * 3000  # 6,000 UTF-16 code units
    pieces = split_text(text)
    assert all(utf16_len(p) <= 4096 for p in pieces) and "".join(pieces) == text


def test_student_text_cannot_inject_markup():
    assert html_message("<b>hi</b> & <a href='x'>") == "&lt;b&gt;hi&lt;/b&gt; &amp; &lt;a href='x'&gt;"
    assert html_message("<i>x</i>", bold_prefix="Office <1>:") == "<b>Office &lt;1&gt;:</b>\n&lt;i&gt;x&lt;/i&gt;"


def test_every_quick_reply_travels_as_an_opaque_key_under_64_bytes():
    issued = []

    def issue(choices):
        issued.extend(choices)
        return [f"b:{'x' * 22}{i}" for i in range(len(choices))]

    long = '/inform{"fact_value":"' + "é" * 40 + '"}'
    markup = quick_replies([{"title": "Licence", "payload": '/inform{"level":"bachelor"}'},
                            {"title": "Autre", "payload": long}, {"title": "sans payload"}], issue)
    data = [row[0].callback_data for row in markup.inline_keyboard]
    assert issued == [('/inform{"level":"bachelor"}', "Licence"), (long, "Autre")]
    assert all(d.startswith("b:") and len(d.encode()) <= 64 and "inform" not in d for d in data)


# -- settings and pseudonyms ------------------------------------------------------------------

def test_staff_ids_and_webhook_settings_come_from_the_environment():
    settings = Settings.from_env({"TELEGRAM_BOT_TOKEN": "1:secret", "STAFF_USER_IDS": "7, 8",
                                  "STAFF_CHAT_ID": "-100", "TELEGRAM_WEBHOOK_URL": "https://x/hook",
                                  "TELEGRAM_WEBHOOK_SECRET": "s3cr3t"})
    assert settings.staff_user_ids == {7, 8} and settings.staff_chat_id == -100
    assert "1:secret" not in repr(settings) and "s3cr3t" not in repr(settings)


@pytest.mark.parametrize("env, name", [({"STAFF_USER_IDS": "7,bob"}, "STAFF_USER_IDS"),
                                       ({"STAFF_CHAT_ID": "staff"}, "STAFF_CHAT_ID"),
                                       ({"STAFF_LANGUAGE": "de"}, "STAFF_LANGUAGE"),
                                       ({"TELEGRAM_WEBHOOK_URL": "https://x/hook"}, "TELEGRAM_WEBHOOK_SECRET")])
def test_a_bad_setting_is_named(env, name):
    with pytest.raises(SettingsError, match=name):
        Settings.from_env(env)


def test_a_student_reference_is_stable_keyed_and_hides_the_telegram_id(tmp_path):
    settings = dataclasses.replace(Settings(), project_dir=tmp_path)
    key = load_key(settings)
    assert load_key(settings) == key
    assert (tmp_path / "var" / "pseudonym.key").stat().st_mode & 0o077 == 0
    ref = student_ref(key, 123456789)
    assert ref == student_ref(key, 123456789) != student_ref(b"other key", 123456789)
    assert "123456789" not in ref


def test_the_tracker_store_database_is_read_from_the_endpoints_file(tmp_path):
    (tmp_path / "e.yml").write_text('tracker_store:\n  type: SQL\n  dialect: "sqlite"\n  db: "var/tracker.db"\n')
    settings = dataclasses.replace(Settings(), project_dir=tmp_path, endpoints_file="e.yml")
    assert tracker_db_url(settings) == f"sqlite:///{tmp_path / 'var' / 'tracker.db'}"


def test_the_shipped_databases_follow_var_dir_so_a_chat_with_its_own_var_dir_never_reads_another(tmp_path):
    moved = Settings.from_env({"VAR_DIR": str(tmp_path / "elsewhere")})
    assert tracker_db_url(moved) == f"sqlite:///{tmp_path / 'elsewhere' / 'tracker.db'}"
    assert event_broker_db_url(moved) == f"sqlite:///{tmp_path / 'elsewhere' / 'events.db'}"
    # and Rasa is told the same directory (endpoints.yml reads ${VAR_DIR})
    from bot.runtime import supervisor
    assert supervisor._rasa_env(moved, {})["VAR_DIR"] == str(tmp_path / "elsewhere")
    # and Rasa's own reader fills it in (an unquoted scalar: YAML resolves ${…} only in those)
    import os
    from unittest import mock
    from rasa.utils.endpoints import read_endpoint_config

    with mock.patch.dict(os.environ, {"VAR_DIR": str(tmp_path / "elsewhere")}):
        for section, name in (("tracker_store", "tracker.db"), ("event_broker", "events.db")):
            config = read_endpoint_config(str(moved.project_dir / "endpoints.yml"), section)
            assert config.kwargs["db"] == str(tmp_path / "elsewhere" / name)


def test_the_production_tracker_store_url_is_built_from_the_environment():
    settings = dataclasses.replace(Settings(), endpoints_file="endpoints.production.yml")
    url = tracker_db_url(settings, {"POSTGRES_HOST": "db", "POSTGRES_PORT": "5432", "POSTGRES_DB": "rasa",
                                    "POSTGRES_USER": "u", "POSTGRES_PASSWORD": "p"})
    assert url == "postgresql://u:p@db:5432/rasa"


def test_the_sql_event_broker_database_is_read_from_the_endpoints_file_and_a_message_broker_has_none(tmp_path):
    assert event_broker_db_url(Settings()) == f"sqlite:///{Settings().project_dir / 'var' / 'events.db'}"
    production = dataclasses.replace(Settings(), endpoints_file="endpoints.production.yml")
    assert event_broker_db_url(production, {"RABBITMQ_HOST": "mq"}) is None  # Pika: consumed from RabbitMQ


def test_the_retention_of_not_understood_texts_is_a_number_of_days():
    assert Settings.from_env({}).analytics_text_days == 90
    assert Settings.from_env({"ANALYTICS_TEXT_DAYS": "30"}).analytics_text_days == 30
    for wrong in ("0", "-5", "ninety", "1.5"):
        with pytest.raises(SettingsError, match="ANALYTICS_TEXT_DAYS"):
            Settings.from_env({"ANALYTICS_TEXT_DAYS": wrong})


def test_a_tracker_store_that_is_not_sql_cannot_be_erased(tmp_path):
    (tmp_path / "e.yml").write_text("tracker_store:\n  type: redis\n")
    with pytest.raises(TrackerStoreNotErasable):
        tracker_db_url(dataclasses.replace(Settings(), project_dir=tmp_path, endpoints_file="e.yml"))


def test_secrets_are_redacted_from_log_lines_and_tracebacks():
    import logging

    from bot.runtime.logs import RedactSecrets

    record = logging.LogRecord("x", logging.ERROR, __file__, 1, "GET %s failed", ("https://api/bot123:SECRET/getMe",),
                               None)
    try:
        raise RuntimeError("url https://api/bot123:SECRET/getMe")
    except RuntimeError:
        import sys
        record.exc_info = sys.exc_info()
    RedactSecrets(["123:SECRET"]).filter(record)
    line = logging.Formatter().format(record)
    assert "123:SECRET" not in line and "RuntimeError: url https://api/bot[REDACTED]/getMe" in line


def test_delivery_and_flood_settings_come_from_the_environment_and_bad_ones_are_named():
    settings = Settings.from_env({"STAFF_RELAY_LIMIT": "3", "OUTBOX_MAX_BACKOFF_S": "60", "BUTTON_TTL_DAYS": "7"})
    assert (settings.staff_relay_limit, settings.outbox_max_backoff_s, settings.button_ttl_days) == (3, 60.0, 7)
    assert Settings.from_env({}).telegram_send_timeout_s == 30.0
    for name, raw in (("STAFF_RELAY_LIMIT", "beaucoup"), ("STAFF_RELAY_LIMIT", "2.5"), ("OUTBOX_GIVE_UP_S", "-1")):
        with pytest.raises(SettingsError, match=name):
            Settings.from_env({name: raw})
