"""The reminder scheduler's delivery delay with 10,000 pending reminders (issue 13).

    .venv/bin/python -m benchmarks.reminders_bench [--pending 10000] [--due 100] [--postgres URL] [--no-e2e]

Two measures on SQLite (a temporary file) and, when reachable, PostgreSQL (a temporary database):
- a round with `--due` reminders due among `--pending` pending ones (the everyday case): the time the
  scheduler takes to claim them and queue their messages in the outbox;
- a burst: all `--pending` due at the same instant (e.g. a deadline every student set a reminder for),
  the time until the last is in the outbox.
A reminder's delay is the wait for the next round (up to REMINDER_POLL_S, 30 s) plus the round; the
outbox then sends as fast as Telegram accepts (about 30 messages per second per bot).

End to end (SQLite): the real adapter (PTB Application) with the local fake Bot API server
(tests/fake_telegram.py, which answers at once, unlike Telegram's rate limits), `--due` of `--pending`
reminders due when the clock is moved; measured from the clock's move to the last sendMessage received
(REMINDER_POLL_S 0.5 s here, so up to 0.5 s of it is the wait for the round).
"""
from __future__ import annotations

import argparse
import datetime as dt
import statistics
import sys
import tempfile
import time
from typing import List


def populate(database, pending: int, due: int, at: dt.datetime) -> None:
    """`pending` reminders for pending/10 students; `due` of them due at `at`, the others a month later."""
    import json

    from bot.storage.schema import reminders, students

    texts = json.dumps({"label": {"fr": "dernier jour pour modifier votre learning agreement",
                                  "en": "last day to change your learning agreement"},
                        "cite": {"fr": "(art. 8(2), circulaire mobilité du 11 février 2021)",
                                 "en": "(Art. 8(2), mobility circular of 11 February 2021)"}})
    refs = [f"s-{n:016x}" for n in range(max(pending // 10, 1))]
    with database.transaction() as db:
        db.execute(students.insert(), [dict(ref=r, chat_id=100000 + i, language="fr", resume_pending=False,
                                            created_at=at) for i, r in enumerate(refs)])
        rows = [dict(ref=refs[n % len(refs)], kind="learning_agreement_change_deadline",
                     due_date=(at + dt.timedelta(days=7 if n < due else 37)).date(), lead_days=7,
                     send_at=at if n < due else at + dt.timedelta(days=30), lapses=True, article="Art. 8(2)",
                     texts=texts, language="fr", status="pending", created_at=at) for n in range(pending)]
        for start in range(0, len(rows), 2000):
            db.execute(reminders.insert(), rows[start:start + 2000])


def one_round(url: str, pending: int, due: int) -> float:
    from bot.relay.outbox import Outbox
    from bot.reminders.scheduler import Scheduler
    from bot.reminders.store import ReminderStore
    from bot.reminders.timing import ReminderClock
    from bot.storage.database import Database
    from bot.storage.students import Students

    at = dt.datetime(2027, 1, 25, 8, 0)
    database = Database(url).migrate()
    try:
        populate(database, pending, due, at)
        scheduler = Scheduler(database, ReminderStore(database), Students(database), Outbox(database),
                              ReminderClock(), lambda: at.replace(tzinfo=dt.timezone.utc), 30.0)
        started = time.perf_counter()
        queued = scheduler.run_once()
        elapsed = time.perf_counter() - started
        assert len(queued) == due, (len(queued), due)
        assert scheduler.run_once() == []  # nothing twice
        return elapsed
    finally:
        database.close()


def measure(make_url, drop, label: str, pending: int, due: int, repeats: int) -> List[str]:
    lines = []
    for name, n_due in (("everyday round", due), ("burst, all due at once", pending)):
        times = []
        for _ in range(repeats if n_due == due else 1):
            url = make_url()
            try:
                times.append(one_round(url, pending, n_due))
            finally:
                drop(url)
        lines.append(f"| {label} | {name}: {n_due} due of {pending} pending | {statistics.median(times) * 1000:.0f} ms "
                     f"| {n_due / statistics.median(times):.0f} reminders/s |")
    return lines


def end_to_end(folder: str, pending: int, due: int) -> str:
    import asyncio

    from bot.runtime.settings import Settings
    from bot.storage.database import Database
    from tests.fake_telegram import FakeTelegram
    from tests.telegram_harness import RunningAdapter, adapter_settings

    at = dt.datetime(2027, 1, 25, 8, 0)
    url = f"sqlite:///{folder}/e2e.db"
    database = Database(url).migrate()
    populate(database, pending, due, at)
    database.close()
    clock = {"now": at.replace(tzinfo=dt.timezone.utc) - dt.timedelta(hours=1)}

    async def main() -> float:
        async with FakeTelegram() as fake:
            settings = adapter_settings(Settings(project_dir=__import__("pathlib").Path(folder)), fake, url,
                                        rasa_url="http://127.0.0.1:9", analytics_ingest_s=0, reminder_poll_s=0.5)
            async with RunningAdapter(settings, fake, clock=lambda: clock["now"]):
                await asyncio.sleep(1.0)
                started = time.perf_counter()
                clock["now"] = at.replace(tzinfo=dt.timezone.utc)
                while len([c for c in fake.calls if c.method == "sendMessage"]) < due:
                    await asyncio.sleep(0.01)
                    if time.perf_counter() - started > 600:
                        raise TimeoutError("reminders not all delivered in 10 minutes")
                return time.perf_counter() - started

    elapsed = asyncio.run(main())
    return (f"| SQLite, end to end (adapter + fake Bot API) | {due} due of {pending} pending, until the last "
            f"sendMessage | {elapsed * 1000:.0f} ms | {due / elapsed:.0f} reminders/s |")


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pending", type=int, default=10000)
    parser.add_argument("--due", type=int, default=100)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--postgres", default="postgresql://postgres@127.0.0.1:5432/test")
    parser.add_argument("--no-e2e", action="store_true", help="skip the end-to-end measure")
    args = parser.parse_args(argv)
    if args.pending < 1 or not 0 < args.due <= args.pending:
        print("error: --due must be between 1 and --pending", file=sys.stderr)
        return 2
    folder = tempfile.mkdtemp(prefix="reminders-bench-")
    counter = iter(range(1000))
    lines = ["| database | round | time (median) | rate |", "|---|---|---|---|"]
    lines += measure(lambda: f"sqlite:///{folder}/r{next(counter)}.db", lambda url: None, "SQLite", args.pending,
                     args.due, args.repeats)
    try:
        import os

        os.environ.setdefault("TEST_POSTGRES_URL", args.postgres)
        from tests.desk_db import drop_postgres, postgres_url

        lines += measure(postgres_url, drop_postgres, "PostgreSQL", args.pending, args.due, args.repeats)
    except Exception as error:  # noqa: BLE001 - a missing PostgreSQL: SQLite alone, said plainly
        lines.append(f"| PostgreSQL | not measured: {type(error).__name__} | | |")
    if not args.no_e2e:
        lines.append(end_to_end(folder, args.pending, args.due))
        lines.append(end_to_end(tempfile.mkdtemp(prefix="reminders-bench-"), args.pending, min(args.pending, 1000)))
    print("\n".join(lines))
    return 0


if __name__ == "__main__":
    sys.exit(main())
