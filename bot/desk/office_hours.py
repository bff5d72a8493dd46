"""The mobility office's opening hours: whether it is open now, and when it next opens.

Written as "mon-fri 09:00-17:00" (several blocks separated by ";", e.g.
"mon-thu 09:00-17:00; fri 09:00-12:00"), in the office's time zone.
"""
from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import List, Optional, Tuple
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
_BLOCK = re.compile(r"^\s*(?P<first>[a-z]{3})(?:\s*-\s*(?P<last>[a-z]{3}))?\s+"
                    r"(?P<start>\d{1,2}:\d{2})\s*-\s*(?P<end>\d{1,2}:\d{2})\s*$")


class OfficeHoursError(ValueError):
    """OFFICE_HOURS or OFFICE_TIMEZONE cannot be read; the message says what was expected."""


@dataclass(frozen=True)
class OfficeHours:
    # (weekday 0=Monday, opening, closing) for each day the office opens.
    openings: Tuple[Tuple[int, dt.time, dt.time], ...]
    zone: ZoneInfo

    @classmethod
    def parse(cls, spec: str, timezone: str) -> "OfficeHours":
        try:
            zone = ZoneInfo(timezone)
        except (ZoneInfoNotFoundError, ValueError):
            raise OfficeHoursError(f"unknown time zone {timezone!r} (e.g. Europe/Luxembourg)") from None
        openings: List[Tuple[int, dt.time, dt.time]] = []
        for block in filter(str.strip, spec.lower().split(";")):
            match = _BLOCK.match(block)
            if not match or match["first"] not in DAYS or (match["last"] or match["first"]) not in DAYS:
                raise OfficeHoursError(f"cannot read office hours {block.strip()!r} (e.g. 'mon-fri 09:00-17:00')")
            try:
                start, end = dt.time.fromisoformat(match["start"].zfill(5)), dt.time.fromisoformat(match["end"].zfill(5))
            except ValueError:
                raise OfficeHoursError(f"impossible time in office hours {block.strip()!r}") from None
            if end <= start:
                raise OfficeHoursError(f"office hours {block.strip()!r} close before they open")
            first, last = DAYS.index(match["first"]), DAYS.index(match["last"] or match["first"])
            days = range(first, last + 1) if first <= last else [*range(first, 7), *range(0, last + 1)]
            openings.extend((day, start, end) for day in days)
        if not openings:
            raise OfficeHoursError("office hours are empty (e.g. 'mon-fri 09:00-17:00')")
        return cls(tuple(sorted(openings)), zone)

    def is_open(self, moment: dt.datetime) -> bool:
        local = moment.astimezone(self.zone)
        return any(day == local.weekday() and start <= local.time() < end for day, start, end in self.openings)

    def next_opening(self, moment: dt.datetime) -> Optional[dt.datetime]:
        """When the office next opens after `moment` (local time); None when it is open now."""
        if self.is_open(moment):
            return None
        local = moment.astimezone(self.zone)
        for ahead in range(0, 8):
            date = local.date() + dt.timedelta(days=ahead)
            for day, start, _ in self.openings:
                opening = dt.datetime.combine(date, start, tzinfo=self.zone)
                if day == date.weekday() and opening > local:
                    return opening
        return None  # unreachable: at least one opening a week
