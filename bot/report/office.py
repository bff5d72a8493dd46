"""What the office asks for, end to end: bring the analytics up to date from Rasa's event broker,
apply retention, then compute the figures of a period (local dates of the office's time zone)."""
from __future__ import annotations

import datetime as dt
import logging
from typing import Optional, Tuple
from zoneinfo import ZoneInfo

from bot.desk.office_hours import OfficeHours
from bot.relay.rasa_endpoints import event_broker_db_url
from bot.report.figures import Figures, compute
from bot.report.ingest import Ingester
from bot.report.sources import SqlBrokerSource
from bot.runtime.settings import Settings
from bot.storage.database import Database, utc_now

log = logging.getLogger(__name__)


def period(settings: Settings, days: Optional[int] = None, since: Optional[dt.date] = None,
           until: Optional[dt.date] = None, now: Optional[dt.datetime] = None) -> Tuple[dt.datetime, dt.datetime]:
    """[since, until) in naive UTC from local dates; `until` is included, as a person says "to Friday".
    Without dates: the last `days` days (30 by default), today included."""
    zone = ZoneInfo(settings.office_timezone)
    today = (now or utc_now()).replace(tzinfo=dt.timezone.utc).astimezone(zone).date()
    last = until or today
    first = since or last - dt.timedelta(days=(days or 30) - 1)
    if first > last:
        raise ValueError(f"the period starts after it ends ({first} > {last})")

    def utc_midnight(day: dt.date) -> dt.datetime:
        return dt.datetime.combine(day, dt.time(), zone).astimezone(dt.timezone.utc).replace(tzinfo=None)

    return utc_midnight(first), utc_midnight(last + dt.timedelta(days=1))


def refresh(settings: Settings, database: Database) -> int:
    """Reads what Rasa's SQL event broker published since last time, then drops expired texts."""
    ingester = Ingester(database, settings.analytics_text_days)
    url = event_broker_db_url(settings)
    read = 0
    if url:
        source = SqlBrokerSource(url, ingester)
        try:
            read = source.ingest()
        finally:
            source.close()
    ingester.purge_expired()
    return read


def figures(settings: Settings, database: Database, since: dt.datetime, until: dt.datetime,
            now: Optional[dt.datetime] = None) -> Figures:
    hours = OfficeHours.parse(settings.office_hours, settings.office_timezone)
    return compute(database, since, until, hours, settings.office_timezone, now)
