"""The office's report: generation time at 10,000 and 100,000 recorded conversations, and the
latency the SQL event broker adds to each message.

    .venv/bin/python -m benchmarks.report_bench [--conversations 10000,100000] [--messages 200]

Generation: synthetic analytics rows (a seeded generator, both languages, handoffs, fallbacks) in a
temporary SQLite database, then figures + HTML page + CSV, timed. Broker latency: the real Rasa and
action servers, once without an event broker and once with the SQL broker on SQLite, the same
question answered from known facts through the REST channel, sequentially (loopback only).
"""
from __future__ import annotations

import argparse
import datetime as dt
import random
import statistics
import sys
import tempfile
import time
import uuid
from pathlib import Path
from typing import List


def populate(database, conversations: int, seed: int = 7) -> int:
    """Writes `conversations` conversations of 1-8 messages over 90 days; returns the message count."""
    import sqlalchemy as sa

    from bot.storage.schema import (analytics_answers, analytics_messages, analytics_not_understood,
                                    analytics_sessions, analytics_tickets)

    rng = random.Random(seed)
    start = dt.datetime(2026, 9, 1)
    intents = ["ask_funding", "ask_obligation", "ask_exemption", "ask_learning_agreement", "ask_validation",
               "ask_visa", "faq", "greet", "inform", "affirm", "nlu_fallback", "out_of_scope"]
    weights = [12, 6, 5, 6, 4, 3, 8, 6, 20, 8, 4, 3]
    kinds = {"faq": "faq", "nlu_fallback": "not_understood", "out_of_scope": "out_of_scope"}
    sessions, messages, answers, texts, tickets = [], [], [], [], []
    for n in range(conversations):
        ref = f"s-{n:016x}"
        when = start + dt.timedelta(seconds=rng.randrange(90 * 86400))
        language = "fr" if rng.random() < 0.55 else ("en" if rng.random() < 0.95 else "de")
        sessions.append({"ref": ref, "seq": 1, "started_at": when, "channel": "telegram"})
        for i in range(rng.randint(1, 8)):
            intent = rng.choices(intents, weights)[0]
            at = when + dt.timedelta(seconds=20 * i)
            kind = kinds.get(intent, "question" if intent.startswith("ask_") else "conversation")
            messages.append({"ref": ref, "seq": 1, "at": at, "language": language, "channel": "telegram",
                             "intent": intent, "faq_topic": "insurance" if intent == "faq" else None, "kind": kind})
            if kind == "question":
                answers.append({"ref": ref, "seq": 1, "at": at, "language": language, "question": intent,
                                "outcome": rng.choice(["yes", "no", "conditional", "needs_staff"])})
            elif kind in ("not_understood", "out_of_scope"):
                text = rng.choice(["blorp", "quel temps fait-il", "wifi password?", "cantine ouverte ?"])
                texts.append({"ref": ref, "at": at, "language": language, "kind": kind, "text": text,
                              "grouped": text, "expires_at": at + dt.timedelta(days=90)})
        if rng.random() < 0.08:
            opened = when + dt.timedelta(minutes=2)
            tickets.append({"ticket_id": len(tickets) + 1, "ref": ref, "reason": rng.choice(
                ["request_human", "needs_staff", "misunderstanding"]), "language": language, "channel": "telegram",
                "opened_at": opened, "first_reply_at": opened + dt.timedelta(minutes=rng.randint(5, 600)),
                "closed_at": opened + dt.timedelta(minutes=rng.randint(600, 3000))})
    with database.transaction() as db:
        for table, rows in ((analytics_sessions, sessions), (analytics_messages, messages),
                            (analytics_answers, answers), (analytics_not_understood, texts),
                            (analytics_tickets, tickets)):
            for i in range(0, len(rows), 20_000):
                db.execute(sa.insert(table), rows[i:i + 20_000])
    return len(messages)


def generation(conversations: int) -> dict:
    from bot.desk.office_hours import OfficeHours
    from bot.report import render
    from bot.report.figures import compute
    from bot.storage.database import Database

    with tempfile.TemporaryDirectory() as tmp:
        database = Database(f"sqlite:///{Path(tmp) / 'analytics.db'}").migrate()
        message_count = populate(database, conversations)
        hours = OfficeHours.parse("mon-fri 09:00-17:00", "Europe/Luxembourg")
        since, until = dt.datetime(2026, 9, 1), dt.datetime(2026, 12, 1)
        t0 = time.perf_counter()
        figures = compute(database, since, until, hours)
        t1 = time.perf_counter()
        page = render.html_page(figures, "fr")
        table = render.csv_text(figures)
        t2 = time.perf_counter()
        database.close()
    return {"conversations": conversations, "messages": message_count, "figures_s": t1 - t0,
            "page_and_csv_s": t2 - t1, "total_s": t2 - t0, "page_kib": len(page.encode()) / 1024,
            "csv_kib": len(table.encode()) / 1024}


def round_trips(broker_yaml: str, messages: int, ports) -> List[float]:
    import dataclasses

    from bot.relay.rasa_client import RasaClient
    from bot.runtime.settings import Settings
    from tests.rasa_servers import Servers

    with tempfile.TemporaryDirectory() as tmp:
        tmp_dir = Path(tmp)
        endpoints = tmp_dir / "endpoints.yml"
        endpoints.write_text(
            f'action_endpoint:\n  url: "http://127.0.0.1:{ports[1]}/webhook"\n'
            f'tracker_store:\n  type: SQL\n  dialect: "sqlite"\n  db: "{tmp_dir / "tracker.db"}"\n'
            + broker_yaml.format(tmp=tmp_dir))
        settings = dataclasses.replace(Settings(), rasa_port=ports[0], action_port=ports[1],
                                       rasa_url=f"http://127.0.0.1:{ports[0]}", endpoints_file=str(endpoints))
        servers = Servers(settings).start()
        try:
            client = RasaClient(settings.rasa_url, 60)
            timings = []
            # Fresh conversations, a few turns each, so the timing does not grow with one tracker's length.
            for index in range(messages):
                if index % 5 == 0:
                    sender = f"bench-{uuid.uuid4().hex[:8]}"
                    client.send(sender, "je suis en licence, Erasmus à Lisbonne, luxembourgeois, jamais parti")
                t0 = time.perf_counter()
                client.send(sender, "j'ai droit à une bourse ?")
                timings.append((time.perf_counter() - t0) * 1000)
            client.close()
        finally:
            servers.stop()
    return timings


def pct(values: List[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(p / 100 * (len(ordered) - 1))))]


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--conversations", default="10000,100000")
    parser.add_argument("--messages", type=int, default=200, help="REST messages per broker set-up (0: skip)")
    args = parser.parse_args(argv)
    print("| conversations | messages | figures | page + CSV | total | page | CSV |")
    print("|---|---|---|---|---|---|---|")
    for count in (int(c) for c in args.conversations.split(",")):
        r = generation(count)
        print(f"| {r['conversations']:,} | {r['messages']:,} | {r['figures_s']:.2f} s | {r['page_and_csv_s']:.2f} s "
              f"| {r['total_s']:.2f} s | {r['page_kib']:.0f} KiB | {r['csv_kib']:.0f} KiB |")
    sys.stdout.flush()
    if args.messages:
        without = round_trips("", args.messages, (5705, 5755))
        with_sql = round_trips('event_broker:\n  type: SQL\n  dialect: "sqlite"\n  db: "{tmp}/events.db"\n',
                               args.messages, (5705, 5755))
        print("\n| event broker | p50 | p95 | mean |")
        print("|---|---|---|---|")
        for name, values in (("none", without), ("SQL (SQLite)", with_sql)):
            print(f"| {name} | {statistics.median(values):.1f} ms | {pct(values, 95):.1f} ms "
                  f"| {statistics.mean(values):.1f} ms |")
        print(f"\nadded by the SQL broker: p50 {statistics.median(with_sql) - statistics.median(without):+.1f} ms, "
              f"mean {statistics.mean(with_sql) - statistics.mean(without):+.1f} ms per message")
    return 0


if __name__ == "__main__":
    sys.exit(main())
