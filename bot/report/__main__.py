"""`python -m bot.report`: the office's report as one HTML page and a CSV; `consume` reads Rasa's
Pika (RabbitMQ) event broker into the analytics tables, for production.

    python -m bot.report [--days 30 | --since 2026-11-01 --until 2026-11-30] [--out var/report] [--lang fr]
    python -m bot.report consume

Exit statuses: 0 done, 1 unexpected failure, 2 wrong arguments or settings.
"""
from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import signal
import sys
from pathlib import Path
from typing import List, Optional

from bot.runtime.settings import Settings, SettingsError


def _date(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a date (YYYY-MM-DD): {text!r}") from None


def _days(text: str) -> int:
    if not text.isdigit() or not 1 <= int(text) <= 3660:
        raise argparse.ArgumentTypeError(f"a number of days from 1 to 3660, not {text!r}")
    return int(text)


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="python -m bot.report", description="The mobility office's report.")
    p.add_argument("command", nargs="?", choices=("html", "consume"), default="html")
    p.add_argument("--days", type=_days, help="the last N days, today included (default 30)")
    p.add_argument("--since", type=_date, help="first day (local date, YYYY-MM-DD)")
    p.add_argument("--until", type=_date, help="last day, included (local date, YYYY-MM-DD)")
    p.add_argument("--out", type=Path, help="folder for report.html and report.csv (default var/report)")
    p.add_argument("--lang", choices=("fr", "en"), help="language of the page (default STAFF_LANGUAGE)")
    return p


def main(argv: Optional[List[str]] = None) -> int:
    args = parser().parse_args(argv)  # exits with status 2 on wrong arguments
    try:
        settings = Settings.from_env()
    except SettingsError as error:
        sys.stderr.write(f"error: {error}\n")
        return 2
    from bot.report import office
    from bot.storage.database import Database

    database = Database(settings.tickets_url)
    try:
        database.migrate()
        if args.command == "consume":
            return consume(settings, database)
        try:
            since, until = office.period(settings, args.days, args.since, args.until)
        except ValueError as error:
            sys.stderr.write(f"error: {error}\n")
            return 2
        office.refresh(settings, database)
        return write(settings, database, since, until, args.out or settings.var_dir / "report",
                     args.lang or settings.staff_language)
    finally:
        database.close()


def write(settings: Settings, database, since: dt.datetime, until: dt.datetime, out: Path, lang: str) -> int:
    from bot.report import office, render

    figures = office.figures(settings, database, since, until)
    out.mkdir(parents=True, exist_ok=True)
    page, table = out / "report.html", out / "report.csv"
    page.write_text(render.html_page(figures, lang), encoding="utf-8")
    table.write_text(render.csv_text(figures), encoding="utf-8")
    print(f"{page}\n{table}")
    if figures.empty:
        print("no data yet for this period")
    return 0


def consume(settings: Settings, database) -> int:
    from bot.report.ingest import Ingester
    from bot.report.sources import consume_rabbitmq

    if not settings.rabbitmq_url:
        sys.stderr.write("error: RABBITMQ_URL is not set (e.g. amqp://user:password@host:5672/)\n")
        return 2

    async def run() -> None:
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGINT, signal.SIGTERM):
            loop.add_signal_handler(sig, stop.set)
        await consume_rabbitmq(settings.rabbitmq_url, settings.analytics_queue,
                               Ingester(database, settings.analytics_text_days), stop)

    asyncio.run(run())
    return 0


if __name__ == "__main__":
    sys.exit(main())
