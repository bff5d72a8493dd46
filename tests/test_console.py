"""The terminal chat (bot/runtime/console.py): typed text is the student's words, a numbered choice a payload."""
import io

from bot.runtime.console import chat


class RecordingClient:
    """Stands in for the Rasa REST client: records what the chat sends, answers with one button."""

    def __init__(self):
        self.sent = []

    def send(self, sender, text, metadata):
        self.sent.append(text)
        return [{"text": "Bachelor or Master?", "buttons": [{"title": "Master", "payload": '/inform{"level":"master"}'}]}]

    def resume(self, sender):
        pass


def test_a_typed_payload_reaches_rasa_as_words_and_a_numbered_choice_as_its_payload():
    client = RecordingClient()
    chat(client, "terminal-1", io.StringIO(' /inform{"level":"master"}\n1\n/quit\n'), io.StringIO())
    assert not client.sent[0].lstrip().startswith("/")
    assert client.sent[1] == '/inform{"level":"master"}'


def test_the_terminal_offers_reminders_lists_them_and_writes_the_calendar_file(tmp_path):
    import datetime as dt

    import icalendar

    from bot.reminders.console import ConsoleReminders
    from bot.reminders.timing import ReminderClock
    from bot.storage.database import Database
    from rules_core import decide, render
    from rules_core.render import offer_payload
    from rules_core.situation import Situation

    decision = decide("ask_learning_agreement", Situation(level="bachelor", course_start_date="2027-01-04"))

    class RulesClient(RecordingClient):
        def send(self, sender, text, metadata):
            self.sent.append(text)
            return [{"text": render(decision, "en")},
                    {"custom": {"reminder_offer": {"language": "en", "steps": offer_payload(decision)}}}]

    clock = {"now": dt.datetime(2026, 12, 1, 9, 0, tzinfo=dt.timezone.utc)}
    database = Database(f"sqlite:///{tmp_path}/t.db").migrate()
    reminders = ConsoleReminders(database, ReminderClock(), "console", tmp_path, lambda: clock["now"])
    client, out = RulesClient(), io.StringIO()
    chat(client, "console", io.StringIO("until when can I change my learning agreement?\n1\n/reminders\n/calendar\n/quit\n"),
         out, reminders)
    text = out.getvalue()
    assert "Would you like a reminder before this date?" in text
    assert "[1] 1 week and 1 day before" in text
    assert "Noted: 2 reminder(s), the first on Monday 25 January 2027 at 09:00." in text
    assert "[2] Cancel: last day to change your learning agreement (31/01 09:00)" in text
    assert client.sent == ["until when can I change my learning agreement?"]  # the choice stayed in the terminal
    calendar = icalendar.Calendar.from_ical((tmp_path / "calendar-console.ics").read_bytes())
    (event,) = calendar.walk("VEVENT")
    assert event.decoded("dtstart").date() == dt.date(2027, 2, 1)
    assert str(tmp_path / "calendar-console.ics") in text
    clock["now"] = dt.datetime(2027, 1, 25, 8, 0, tzinfo=dt.timezone.utc)
    out = io.StringIO()
    chat(client, "console", io.StringIO("/quit\n"), out, reminders)
    assert "⏰ Reminder: last day to change your learning agreement — Monday 1 February 2027 (in 7 days)" \
        in out.getvalue()
    out = io.StringIO()
    chat(client, "console", io.StringIO("/quit\n"), out, reminders)
    assert "⏰" not in out.getvalue()  # printed once
    database.close()
