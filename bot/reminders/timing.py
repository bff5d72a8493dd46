"""When a reminder goes out: a local send time on the chosen day, never in quiet hours
(Europe/Luxembourg by default, `REMINDER_*` settings)."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import List, Tuple
from zoneinfo import ZoneInfo


def parse_clock(text: str) -> dt.time:
    """'09:00' -> 09:00; ValueError otherwise."""
    hours, _, minutes = text.strip().partition(":")
    if not (hours.isdigit() and minutes.isdigit() and len(minutes) == 2):
        raise ValueError(text)
    return dt.time(int(hours), int(minutes))


def parse_span(text: str) -> Tuple[dt.time, dt.time]:
    """'21:00-08:00' -> (21:00, 08:00); an empty text is no quiet hours."""
    start, _, end = text.partition("-")
    return parse_clock(start), parse_clock(end)


@dataclass(frozen=True)
class ReminderClock:
    timezone: str = "Europe/Luxembourg"
    send_time: dt.time = dt.time(9, 0)
    quiet: Tuple[dt.time, dt.time] = (dt.time(21, 0), dt.time(8, 0))

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)

    def local(self, now_utc: dt.datetime) -> dt.datetime:
        return _aware(now_utc).astimezone(self.zone)

    def today(self, now_utc: dt.datetime) -> dt.date:
        return self.local(now_utc).date()

    def is_quiet(self, now_utc: dt.datetime) -> bool:
        """Whether `now` falls in the quiet hours (which may run over midnight)."""
        start, end = self.quiet
        if start == end:
            return False
        at = self.local(now_utc).time()
        return start <= at < end if start < end else (at >= start or at < end)

    def send_at(self, day: dt.date) -> dt.datetime:
        """The send time of a day, as naive UTC (the database's convention)."""
        local = dt.datetime.combine(day, self.send_time, tzinfo=self.zone)
        return local.astimezone(dt.timezone.utc).replace(tzinfo=None)

    def plan(self, due: dt.date, leads: List[int], now_utc: dt.datetime) -> List[Tuple[int, dt.datetime]]:
        """(lead days, send time) of each chosen lead still ahead; when none is, the day itself if
        its send time is still ahead; else nothing (the date is too close or gone)."""
        now = _aware(now_utc).astimezone(dt.timezone.utc).replace(tzinfo=None)
        ahead = [(lead, self.send_at(due - dt.timedelta(days=lead))) for lead in sorted(set(leads), reverse=True)]
        ahead = [(lead, at) for lead, at in ahead if at > now]
        if not ahead and self.send_at(due) > now:
            ahead = [(0, self.send_at(due))]
        return ahead


def _aware(moment: dt.datetime) -> dt.datetime:
    return moment if moment.tzinfo else moment.replace(tzinfo=dt.timezone.utc)
