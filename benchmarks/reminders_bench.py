"""The reminder scheduler's delivery delay with 10,000 pending reminders (issue 13).

    .venv/bin/python -m benchmarks.reminders_bench [--pending 10000] [--due 100] [--postgres URL]

Two measures on SQLite (a temporary file) and, when reachable, PostgreSQL (a temporary database):
- a round with `--due` reminders due among `--pending` pending ones (the everyday case): the time the
  scheduler takes to claim them and queue their messages in the outbox;
- a burst: all `--pending` due at the same instant (e.g. a deadline every student set a reminder for),
  the time until the last is in the outbox.
A reminder's delay is the wait for the next round (up to REMINDER_POLL_S, 30 s) plus the round; the
outbox then sends as fast as Telegram accepts (about 30 messages per second per bot).
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


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pending", type=int, default=10000)
    parser.add_argument("--due", type=int, default=100)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--postgres", default="postgresql://postgres@127.0.0.1:5432/test")
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
    print("\n".join(lines))
    return 0


if __name__ == "__main__":
    sys.exit(main())
