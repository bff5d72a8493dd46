"""Telegram adapter benchmark: overhead per message, and concurrent conversations with no lost or
reordered message. Bounded, on loopback only.

    .venv/bin/python -m benchmarks.telegram_bench [--messages 100] [--students 10,25,50]

Runs the real PTB application against the fake Bot API server of the tests, with the real Rasa
and action servers behind it (own ports, temporary SQLite databases).

- Overhead: one student sends messages one after another; for each, the time from the update
  being offered to Telegram's getUpdates until the reply's sendMessage reaches the fake server,
  minus the time the adapter spent waiting for Rasa's REST answer (measured around that call).
- Concurrency: N students each send three different questions at once, without waiting; every
  student must get the three expected answers, each once, in the order asked.
"""
from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Dict, List

# Three questions whose answers are told apart by one marker each, in the order they are sent.
QUESTIONS = [
    ("est-ce que j'aurai une bourse pour aller à Trèves en Erasmus ?", "Trier (Allemagne)"),
    ("/profile", "Voici ce que je sais de votre situation"),
    ("je suis en master, est-ce que je dois partir à l'étranger ?", "Master — Possibilité de mobilité"),
]


def percentile(values: List[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, int(round(q * len(ordered))) - 1))]


class TimedRasa:
    """Wraps the adapter's Rasa client to time each REST call (benchmark instrumentation only)."""

    def __init__(self, inner) -> None:
        self.inner = inner
        self.durations: List[float] = []

    def __getattr__(self, name):
        return getattr(self.inner, name)

    async def send(self, *args, **kwargs):
        start = time.perf_counter()
        try:
            return await self.inner.send(*args, **kwargs)
        finally:
            self.durations.append(time.perf_counter() - start)


async def overhead(fake, running, messages: int) -> Dict[str, float]:
    from tests.telegram_harness import said

    adapter = running.application.bot_data["adapter"]
    timed = TimedRasa(adapter.rasa)
    adapter.relay.rasa = timed
    user = 4242
    totals, rasa = [], []
    for index in range(messages):
        text, marker = QUESTIONS[index % len(QUESTIONS)]
        since = len(fake.sent(user))
        before = len(timed.durations)
        start = time.monotonic()
        fake.push_message(user, text)
        await said(fake, user, marker, since=since, timeout=60)
        # The fake server stamps each call when it arrives: the waiting loop's polling is not counted.
        answered = next(c.at for c in fake.calls if c.method == "sendMessage" and c.at >= start
                        and str(c.params.get("chat_id")) == str(user) and marker in str(c.params.get("text")))
        totals.append(answered - start)
        rasa.append(sum(timed.durations[before:]))
    adapter_ms = [(t - r) * 1000 for t, r in zip(totals, rasa)]
    return {"n": messages, "total_p50": statistics.median(totals) * 1000,
            "rasa_p50": statistics.median(rasa) * 1000, "overhead_p50": statistics.median(adapter_ms),
            "overhead_p95": percentile(adapter_ms, 0.95), "overhead_max": max(adapter_ms)}


async def concurrency(fake, students: int, first_user: int) -> Dict[str, float]:
    from tests.telegram_harness import until

    users = [first_user + i for i in range(students)]  # new users: no earlier messages to count
    start = time.perf_counter()
    for text, _ in QUESTIONS:  # everyone's first question, then everyone's second...
        for user in users:
            fake.push_message(user, text)

    def markers(user: int) -> List[str]:
        seen = []
        for message in fake.sent(user):
            for _, marker in QUESTIONS:
                if marker in (message.get("text") or ""):
                    seen.append(marker)
        return seen

    expected = [marker for _, marker in QUESTIONS]
    try:
        await until(lambda: all(len(markers(u)) >= len(expected) for u in users), timeout=30 + 3 * students,
                    what="every answer")
    except AssertionError:
        pass  # counted below as lost
    elapsed = time.perf_counter() - start
    lost = sum(max(0, len(expected) - len(markers(u))) for u in users)
    reordered = sum(1 for u in users if markers(u)[:len(expected)] != expected and len(markers(u)) >= len(expected))
    duplicated = sum(max(0, len(markers(u)) - len(expected)) for u in users)
    return {"students": students, "messages": students * len(expected), "seconds": elapsed, "lost": lost,
            "reordered": reordered, "duplicated": duplicated}


async def run(args) -> None:
    from tests.fake_telegram import FakeTelegram
    from tests.rasa_servers import Servers, isolated_settings
    from tests.telegram_harness import RunningAdapter, adapter_settings

    with tempfile.TemporaryDirectory() as tmp:
        servers = Servers(isolated_settings(Path(tmp), 5405, 5455))
        await asyncio.to_thread(servers.start)
        try:
            async with FakeTelegram() as fake:
                settings = adapter_settings(servers.settings, fake, f"sqlite:///{tmp}/tickets.db")
                async with RunningAdapter(settings, fake) as running:
                    figures = await overhead(fake, running, args.messages)
                    print(f"Overhead per message ({figures['n']} sequential messages, one student): "
                          f"end to end p50 {figures['total_p50']:.0f} ms, of which Rasa p50 "
                          f"{figures['rasa_p50']:.0f} ms; adapter overhead p50 {figures['overhead_p50']:.1f} ms, "
                          f"p95 {figures['overhead_p95']:.1f} ms, max {figures['overhead_max']:.1f} ms")
                    for run_number, students in enumerate(args.students):
                        result = await concurrency(fake, students, 700000 + 10000 * run_number)
                        print(f"{result['students']} students at once, {result['messages']} messages: all answered "
                              f"in {result['seconds']:.1f} s; lost {result['lost']}, reordered "
                              f"{result['reordered']}, duplicated {result['duplicated']}")
        finally:
            await asyncio.to_thread(servers.stop)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--messages", type=int, default=100)
    parser.add_argument("--students", type=lambda s: [int(x) for x in s.split(",")], default=[10, 25, 50])
    args = parser.parse_args(argv)
    asyncio.run(run(args))
    return 0


if __name__ == "__main__":
    sys.exit(main())
