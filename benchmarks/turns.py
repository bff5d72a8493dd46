"""Turn benchmark (issue 12): where a student's turn spends its time, and how it scales.

    .venv/bin/python -m benchmarks.turns [--stores sqlite,postgresql] [--quick]
    .venv/bin/python -m benchmarks.turns --profile var/profile --stores sqlite   # py-spy on both servers

Prints, in one run and for each tracker store (SQLite, then PostgreSQL in a fresh database that
is dropped afterwards): NLU parse alone (`/model/parse`), a turn at conversation length 5, 50 and
200, then 5/20/50 students in a closed loop (each sends the next question as soon as the answer
came; 10 questions each, conversations from length 5 to 14), with throughput and percentiles;
and the resident memory of each server. Also what one turn costs in the tracker: events and slot
events per turn (and their bytes), custom actions (= action-server round trips), and the size of
the tracker Rasa serialises to the action server.

The timed message is a rules-core question answered from facts the conversation already gave
(the same as benchmarks.rasa_bench), through the standard REST channel, dated 2026-12-01.
Long conversations are built by appending copies of a real turn's events through Rasa's HTTP
API (one request per conversation): the events are those Rasa itself wrote for that turn.
Bounded in count and time (--time-limit per closed-loop run); loopback ports only.
"""
from __future__ import annotations

import argparse
import asyncio
import contextlib
import dataclasses
import json
import os
import statistics
import sys
import tempfile
import time
import uuid
from pathlib import Path
from typing import Dict, Iterator, List, Optional, Sequence

import httpx

from benchmarks.turn_servers import PG, ProfiledServers, postgres_database, rss_mib

QUESTION = "j'ai droit à une bourse ?"
FACTS = ("je suis en licence et je pars en Erasmus à Lisbonne, j'ai droit à une bourse ?", "Luxembourg", "non", "non")
METADATA = {"today": "2026-12-01"}
# (rasa port, action port) for each store: the benchmark's own, apart from the tests' and rasa_bench's.
PORTS = {"sqlite": (6105, 6155), "postgresql": (6205, 6255)}


def percentile(sorted_ms: Sequence[float], q: float) -> float:
    """Nearest-rank percentile of an already sorted list."""
    if not sorted_ms:
        return float("nan")
    rank = max(1, min(len(sorted_ms), int(round(q * len(sorted_ms) + 0.5))))
    return sorted_ms[rank - 1]


def summary(ms: List[float]) -> str:
    ms = sorted(ms)
    return (f"n={len(ms)} p50 {statistics.median(ms):.0f} ms, p95 {percentile(ms, 0.95):.0f} ms, "
            f"max {ms[-1]:.0f} ms")


class Bench:
    """One store's run: a REST client, Rasa's HTTP API with its token, the timings."""

    def __init__(self, base_url: str, token: str) -> None:
        self.http = httpx.Client(base_url=base_url, timeout=120)
        self.base_url = base_url
        self.token = token

    def send(self, sender: str, text: str) -> List[dict]:
        response = self.http.post("/webhooks/rest/webhook",
                                  json={"sender": sender, "message": text, "metadata": METADATA})
        response.raise_for_status()
        return response.json()

    def timed_send(self, sender: str, text: str = QUESTION) -> float:
        start = time.perf_counter()
        replies = self.send(sender, text)
        elapsed = (time.perf_counter() - start) * 1000
        if not replies or not replies[0].get("text", "").startswith("Oui."):
            raise RuntimeError(f"unexpected answer for the benchmark question: {replies!r:.200}")
        return elapsed

    def parse(self, text: str) -> float:
        start = time.perf_counter()
        self.http.post("/model/parse", params={"token": self.token}, json={"text": text}).raise_for_status()
        return (time.perf_counter() - start) * 1000

    def domain_actions(self) -> List[str]:
        try:
            response = self.http.get("/domain", params={"token": self.token}, headers={"Accept": "application/json"})
            response.raise_for_status()
            return response.json().get("actions", [])
        except (httpx.HTTPError, ValueError) as error:  # the round-trip count then omits the validation call
            print(f"warning: Rasa's domain not readable ({type(error).__name__})", file=sys.stderr)
            return []

    def events(self, sender: str) -> List[dict]:
        response = self.http.get(f"/conversations/{sender}/tracker", params={"token": self.token,
                                                                           "include_events": "ALL"})
        response.raise_for_status()
        return response.json()["events"]

    def append(self, sender: str, events: List[dict]) -> None:
        self.http.post(f"/conversations/{sender}/tracker/events", params={"token": self.token},
                       json=events).raise_for_status()

    def close(self) -> None:
        self.http.close()


def last_turn(events: List[dict]) -> List[dict]:
    """The events of the conversation's last turn, from its user message on."""
    start = max(i for i, event in enumerate(events) if event["event"] == "user")
    return events[start:]


def restamped(events: List[dict]) -> List[dict]:
    """Copies of events with strictly increasing timestamps ending just before now: the SQL tracker
    store orders a conversation's events by timestamp, so copies must neither tie nor come after
    the next real turn's events."""
    start = time.time() - 0.001 * (len(events) + 1)
    return [{**event, "timestamp": start + 0.001 * i} for i, event in enumerate(events)]


def user_turns(events: List[dict]) -> int:
    return sum(1 for event in events if event["event"] == "user")


def turn_anatomy(turn: List[dict], built_in: frozenset, domain_actions: Sequence[str] = ()) -> Dict[str, object]:
    """What one turn writes to the tracker, and how many times Rasa called the action server for it:
    each custom action, plus action_validate_slot_mappings, which Rasa's action_extract_slots runs
    on every user message when the domain lists it (that call leaves no action event)."""
    actions = [e["name"] for e in turn if e["event"] == "action"]
    size: Dict[str, int] = {}
    for event in turn:  # what each kind of event weighs in the JSON Rasa stores and sends
        key = f"slot {event['name']}" if event["event"] == "slot" else event["event"]
        size[key] = size.get(key, 0) + len(json.dumps(event).encode())
    return {"events": len(turn), "slot events": sum(1 for e in turn if e["event"] == "slot"), "bytes": size,
            "actions": actions,
            "custom actions": [a for a in actions if a not in built_in and not a.startswith("utter_")],
            "round trips": (sum(1 for a in actions if a not in built_in and not a.startswith("utter_"))
                            + ("action_validate_slot_mappings" in domain_actions))}


def grow(bench: Bench, sender: str, turn: List[dict], to_turns: int) -> None:
    """Pads a conversation to `to_turns` user messages with copies of a real turn."""
    missing = to_turns - user_turns(bench.events(sender))
    if missing > 0:
        bench.append(sender, restamped(turn * missing))


def session_block(carried: List[dict]) -> List[dict]:
    """What Rasa's own action_session_start writes when a student comes back after the session
    expired, with carry-over: the session start, every slot event of the session that ended (those it
    had carried over included: `ActionSessionStart._slot_set_events_from_tracker`), action_listen."""
    return ([{"event": "action", "name": "action_session_start", "policy": None, "confidence": 1.0},
             {"event": "session_started"}]
            + [{"event": "slot", "name": e["name"], "value": e["value"]} for e in carried]
            + [{"event": "action", "name": "action_listen", "policy": None, "confidence": None}])


def returning_student(bench: Bench, base: List[dict], turn: List[dict], to_turns: int, per_session: int) -> str:
    """A student whose `to_turns` - 1 earlier turns were spread over sessions of `per_session` turns,
    the last of them ended two hours ago; the next message starts a new session (Rasa's own session
    start, with the deployed carry-over). The earlier sessions' starts are written as Rasa 3.6's
    default carry-over writes them."""
    start = next(i for i, event in enumerate(base) if event["event"] == "action"
                 and event["name"] == "action_session_start")
    session = base[start:]
    history = list(session)
    missing = to_turns - 1 - user_turns(session)
    while missing > 0:
        session = session_block([e for e in session if e["event"] == "slot"]) + turn * min(per_session, missing)
        history += session
        missing -= per_session
    sender = f"bench-{uuid.uuid4().hex[:8]}"
    old = time.time() - 2 * 3600 - 0.001 * (len(history) + 1)  # beyond the 60-minute expiration
    bench.append(sender, [{**event, "timestamp": old + 0.001 * i} for i, event in enumerate(history)])
    return sender


def new_student(bench: Bench) -> str:
    """A student who gave their facts and got the benchmark question answered once (5 turns)."""
    sender = f"bench-{uuid.uuid4().hex[:8]}"
    for text in FACTS:
        bench.send(sender, text)
    bench.timed_send(sender)
    return sender


def clone(bench: Bench, events: List[dict]) -> str:
    """A new student with the same history (the same facts), built from a real conversation's events."""
    sender = f"bench-{uuid.uuid4().hex[:8]}"
    # From the session start on: given a list that begins otherwise, Rasa first starts a session of
    # its own, stamped now, which would sort after the copies and reset their slots.
    start = next(i for i, event in enumerate(events) if event["event"] == "action"
                 and event["name"] == "action_session_start")
    bench.append(sender, restamped(events[start:]))
    return sender


async def closed_loop(base_url: str, senders: List[str], per_student: int, time_limit_s: float) -> dict:
    """Each student sends the question, waits for the answer, sends again; per_student times."""
    timings: List[float] = []
    errors = 0
    deadline = time.monotonic() + time_limit_s
    limits = httpx.Limits(max_connections=len(senders), max_keepalive_connections=len(senders))
    async with httpx.AsyncClient(base_url=base_url, timeout=120, limits=limits) as http:
        async def student(sender: str) -> None:
            nonlocal errors
            for _ in range(per_student):
                if time.monotonic() > deadline:
                    return
                start = time.perf_counter()
                try:
                    response = await http.post("/webhooks/rest/webhook", json={
                        "sender": sender, "message": QUESTION, "metadata": METADATA})
                    response.raise_for_status()
                    ok = bool(response.json()) and response.json()[0].get("text", "").startswith("Oui.")
                except (httpx.HTTPError, ValueError):
                    ok = False
                if ok:
                    timings.append((time.perf_counter() - start) * 1000)
                else:
                    errors += 1

        start = time.perf_counter()
        await asyncio.gather(*(student(s) for s in senders))
        elapsed = time.perf_counter() - start
    timings.sort()
    return {"answers": len(timings), "errors": errors, "seconds": elapsed,
            "per_s": len(timings) / elapsed if elapsed else 0.0,
            "p50": statistics.median(timings) if timings else float("nan"),
            "p95": percentile(timings, 0.95), "p99": percentile(timings, 0.99),
            "max": timings[-1] if timings else float("nan")}


@dataclasses.dataclass
class Plan:
    parses: int = 50
    lengths: Sequence[int] = (5, 50, 200)
    # A returning student: turn 201 (the 2nd of a new session) after 200 turns over sessions of this many.
    returning_after: int = 200
    per_session: int = 10
    per_length: int = 10  # timed turns at each length (one per conversation, each at exactly that length)
    concurrency: Sequence[int] = (5, 20, 50)
    # Answers per student in a closed-loop run: the same for every run, so each run's conversations
    # span the same lengths (5 to 4 + per_student) and the runs differ in concurrency alone.
    per_student: int = 10
    time_limit_s: float = 120.0


def run_store(store: str, plan: Plan, profile_dir: Optional[Path], out=print, workers: int = 1) -> dict:
    """Starts the servers on this store, measures, stops them; returns the figures."""
    rasa_port, action_port = PORTS[store]
    with contextlib.ExitStack() as stack:
        tmp = Path(stack.enter_context(tempfile.TemporaryDirectory()))
        db = stack.enter_context(postgres_database()) if store == "postgresql" else None
        servers = ProfiledServers.for_store(tmp, rasa_port, action_port, db, profile_dir and profile_dir / store,
                                            workers)
        started = time.perf_counter()
        stack.enter_context(servers.running())
        layout = f", {workers} Sanic workers + Redis lock store" if workers > 1 else ""
        out(f"\n== {store}{layout}: servers up in {time.perf_counter() - started:.0f} s (Rasa :{rasa_port}, actions "
            f":{action_port}) ==")
        bench = Bench(servers.settings.rasa_url, servers.settings.rasa_auth_token)
        stack.callback(bench.close)
        figures: dict = {"store": store, "workers": workers, "load_before": os.getloadavg()}
        out(f"load average before: {' '.join(f'{x:.2f}' for x in figures['load_before'])} (2 cores)")

        bench.parse(QUESTION)  # the first parse warms the pipeline up; it is not counted
        figures["parse"] = [bench.parse(QUESTION) for _ in range(plan.parses)]
        out(f"parse alone (/model/parse): {summary(figures['parse'])}")

        first_started = time.perf_counter()
        reference = new_student(bench)
        out(f"first conversation (5 turns, first of this server): {time.perf_counter() - first_started:.1f} s")
        history = bench.events(reference)
        turn = last_turn(history)
        base = history[:len(history) - len(turn)]  # the 4 turns that gave the facts: the next turn is the 5th
        from rasa.shared.core.constants import DEFAULT_ACTION_NAMES
        anatomy = turn_anatomy(turn, frozenset(DEFAULT_ACTION_NAMES), bench.domain_actions())
        figures["anatomy"] = anatomy
        out(f"one turn writes {anatomy['events']} events ({anatomy['slot events']} slot events); actions "
            f"{anatomy['actions']}; action-server round trips: {anatomy['round trips']} "
            f"(the custom actions, and action_validate_slot_mappings from action_extract_slots)")
        out("bytes per event of that turn: " + ", ".join(
            f"{key} {size}" for key, size in sorted(anatomy["bytes"].items(), key=lambda kv: -kv[1])))

        figures["lengths"] = {}
        senders = [clone(bench, base) for _ in range(plan.per_length)]
        for length in plan.lengths:
            timings = []
            for sender in senders:
                grow(bench, sender, turn, length - 1)
                timings.append(bench.timed_send(sender))  # this is the conversation's turn number `length`
            events = bench.events(senders[0])
            size = len(json.dumps({"events": events}).encode())
            figures["lengths"][length] = {"ms": timings, "events": len(events), "tracker_bytes": size}
            out(f"turn at length {length:>3} ({len(events)} events, tracker {size / 1024:.0f} KiB): "
                f"{summary(timings)}")

        timings, starts = [], []
        for _ in range(plan.per_length):
            sender = returning_student(bench, base, turn, plan.returning_after, plan.per_session)
            starts.append(bench.timed_send(sender))  # starts the new session (untimed in the goal)
            timings.append(bench.timed_send(sender))
        events = bench.events(sender)
        sessions = sum(1 for event in events if event["event"] == "session_started")
        figures["returning"] = {"ms": timings, "first_ms": starts, "sessions": sessions, "events": len(events)}
        out(f"returning student, turn {plan.returning_after + 2} after {plan.returning_after} turns in "
            f"{sessions - 1} sessions of {plan.per_session}, 2nd message of a new session: {summary(timings)}; "
            f"its 1st message (session start): {summary(starts)}")

        figures["loops"] = {}
        for students in plan.concurrency:
            loop_senders = [clone(bench, base) for _ in range(students)]
            result = asyncio.run(closed_loop(servers.settings.rasa_url, loop_senders, plan.per_student,
                                             plan.time_limit_s))
            figures["loops"][students] = result
            out(f"{students:>2} students, closed loop: {result['answers']} answers in {result['seconds']:.1f} s = "
                f"{result['per_s']:.1f} answers/s; p50 {result['p50']:.0f} ms, p95 {result['p95']:.0f} ms, "
                f"p99 {result['p99']:.0f} ms, max {result['max']:.0f} ms; errors {result['errors']}")

        figures["memory"] = {"rasa": rss_mib(servers.rasa_pid()), "actions": rss_mib(servers.actions_pid())}
        out("memory: Rasa server RSS {rss:.0f} MiB (peak {hwm:.0f}), ".format(**figures["memory"]["rasa"])
            + "action server RSS {rss:.0f} MiB (peak {hwm:.0f})".format(**figures["memory"]["actions"]))
    if profile_dir:
        out(f"profiles (py-spy raw stacks): {profile_dir / store}/rasa.txt, actions.txt; "
            f"summary: python -m benchmarks.profile_summary {profile_dir / store}/rasa.txt")
    return figures


def main(argv: Optional[Sequence[str]] = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--stores", default="sqlite,postgresql", help="comma-separated: sqlite, postgresql")
    parser.add_argument("--quick", action="store_true", help="fewer requests (a smoke run, not figures)")
    parser.add_argument("--profile", type=Path, help="run both servers under py-spy, raw stacks into this folder")
    parser.add_argument("--time-limit", type=float, default=120.0, help="seconds at most per closed-loop run")
    parser.add_argument("--json", type=Path, help="also write the figures here")
    parser.add_argument("--workers", type=int, default=1,
                        help="Sanic workers of the Rasa server (SANIC_WORKERS), with a Redis lock store; "
                             "PostgreSQL only (SQLite takes one writer)")
    args = parser.parse_args(argv)
    stores = [s.strip() for s in args.stores.split(",") if s.strip()]
    unknown = [s for s in stores if s not in PORTS]
    if unknown:
        parser.error(f"unknown store(s) {', '.join(unknown)}; choose among {', '.join(PORTS)}")
    plan = Plan(time_limit_s=args.time_limit)
    if args.quick:
        plan = Plan(parses=5, per_length=2, concurrency=(5,), per_student=4, time_limit_s=args.time_limit)
    if args.workers > 1 and stores != ["postgresql"]:
        parser.error("--workers needs --stores postgresql")
    from bot.runtime.supervisor import StartupError

    results = []
    for store in stores:
        try:
            results.append(run_store(store, plan, args.profile, workers=args.workers))
        except (StartupError, httpx.HTTPError, RuntimeError) as error:
            print(f"error ({store}): {error}", file=sys.stderr)
            return 1
        except Exception as error:  # e.g. PostgreSQL not reachable (psycopg2.OperationalError)
            if type(error).__module__.split(".")[0] != "psycopg2":
                raise
            print(f"error ({store}): PostgreSQL at {PG['host']}:{PG['port']} refused the benchmark: "
                  f"{str(error).strip().splitlines()[0]}", file=sys.stderr)
            return 1
    if args.json:
        args.json.write_text(json.dumps(results, indent=1, default=str))
    return 0


if __name__ == "__main__":
    sys.exit(main())
