"""The student's dated steps as an iCalendar file (RFC 5545, the `icalendar` package): one all-day
event per step, with an alarm at the send time of the day before, in the reminders' time zone."""
from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass
from typing import Sequence

from icalendar import Alarm, Calendar, Event, Timezone

PRODID = "-//Universite du Luxembourg//UL mobility assistant//FR"


@dataclass(frozen=True)
class CalendarStep:
    kind: str
    date: dt.date
    label: str  # in the student's language
    cite: str  # the article, rendered in the student's language


def ics_bytes(steps: Sequence[CalendarStep], timezone: str, send_time: dt.time, ref: str,
              now: dt.datetime) -> bytes:
    """The calendar; each event's UID is stable for (student, step, date), so importing it again
    updates the events instead of doubling them."""
    from zoneinfo import ZoneInfo

    zone = ZoneInfo(timezone)
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("x-wr-timezone", timezone)
    calendar.add_component(Timezone.from_tzinfo(zone))
    for step in steps:
        event = Event()
        uid = hashlib.sha256(f"{ref}|{step.kind}|{step.date.isoformat()}".encode()).hexdigest()[:32]
        event.add("uid", f"{uid}@ul-mobility")
        event.add("dtstamp", now.astimezone(dt.timezone.utc))
        # A timed event at the send time in Luxembourg time: the date and its zone travel together.
        start = dt.datetime.combine(step.date, send_time, tzinfo=zone)
        event.add("dtstart", start)
        event.add("dtend", start + dt.timedelta(minutes=30))
        event.add("summary", step.label)
        event.add("description", f"{step.label} {step.cite}")
        alarm = Alarm()
        alarm.add("action", "DISPLAY")
        alarm.add("description", step.label)
        alarm.add("trigger", dt.timedelta(days=-1))
        event.add_component(alarm)
        calendar.add_component(event)
    return calendar.to_ical()
