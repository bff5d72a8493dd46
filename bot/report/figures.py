"""The office's figures over a period, from the analytics tables only (aggregates, no identity).

Definitions (also printed in the report):

- a *conversation* is one Rasa session (a new one starts after a day without messages);
- a *question* is a student message understood as one of the regulation's questions (`ask_*`)
  or an FAQ topic;
- a question is *deflected* when no ticket was opened for that student between the start of the
  conversation it belongs to and the start of their next one: the assistant answered and nobody
  from the office had to. The *deflection rate* is deflected questions / questions;
- *not understood*: the assistant's NLU fell back (`nlu_fallback`); *out of scope*: understood as
  outside the regulation (other services, other languages). Rates are over all student messages;
- ticket times run from the ticket's opening to the first staff reply and to its closing, in
  minutes; "inside office hours" means the ticket was opened while the office was open.
"""
from __future__ import annotations

import bisect
import datetime as dt
import statistics
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from typing import Any, Dict, List, Optional, Tuple
from zoneinfo import ZoneInfo

import sqlalchemy as sa

from bot.desk.office_hours import OfficeHours
from bot.storage.database import Database, utc_now
from bot.storage.schema import (analytics_answers, analytics_messages, analytics_not_understood,
                                analytics_sessions, analytics_tickets, analytics_unknown_facts)

LANGUAGES = ("fr", "en")
ALL = "all"
OTHER = "other"
OUTCOMES = ("yes", "no", "conditional", "needs_staff")
TOP_NOT_UNDERSTOOD = 25


def language_group(language: Optional[str]) -> str:
    return language if language in LANGUAGES else OTHER


def percentile(values: List[float], p: float) -> Optional[float]:
    """Nearest-rank percentile; None without values."""
    if not values:
        return None
    ordered = sorted(values)
    rank = max(1, -(-len(ordered) * p // 100))  # ceil(n * p / 100)
    return ordered[int(rank) - 1]


def _median(values: List[float]) -> Optional[float]:
    return statistics.median(values) if values else None


@dataclass
class Figures:
    since: dt.datetime
    until: dt.datetime
    timezone: str
    granularity: str  # day or week
    totals: Dict[str, Dict[str, Any]] = field(default_factory=dict)  # per language group, and "all"
    series: Dict[str, Dict[str, Dict[str, Any]]] = field(default_factory=dict)  # bucket -> group -> figures
    questions: Dict[str, Dict[str, int]] = field(default_factory=dict)  # intent -> group -> count
    faq_topics: Dict[str, Dict[str, int]] = field(default_factory=dict)
    outcomes: Dict[str, Dict[str, int]] = field(default_factory=dict)  # question -> outcome -> count
    not_understood: List[Dict[str, Any]] = field(default_factory=list)  # top texts
    handoffs: Dict[str, int] = field(default_factory=dict)  # reason -> count
    ticket_times: Dict[str, Dict[str, Optional[float]]] = field(default_factory=dict)
    open_tickets: int = 0
    unknown_facts: Dict[str, Dict[str, int]] = field(default_factory=dict)  # question -> fact -> count

    @property
    def empty(self) -> bool:
        return not self.totals.get(ALL, {}).get("messages") and not sum(self.handoffs.values())


def _bucket(at: dt.datetime, zone: ZoneInfo, granularity: str) -> str:
    local = at.replace(tzinfo=dt.timezone.utc).astimezone(zone).date()
    if granularity == "week":
        local -= dt.timedelta(days=local.weekday())
    return local.isoformat()


def _blank() -> Dict[str, Any]:
    return {"conversations": 0, "students": 0, "messages": 0, "questions": 0, "deflected": 0,
            "deflection_rate": None, "not_understood": 0, "out_of_scope": 0, "not_understood_rate": None,
            "out_of_scope_rate": None, "handoffs": 0}


def compute(database: Database, since: dt.datetime, until: dt.datetime, hours: OfficeHours,
            timezone: str = "Europe/Luxembourg", now: Optional[dt.datetime] = None) -> Figures:
    """Every figure of the report for messages and tickets in [since, until) (naive UTC)."""
    zone = ZoneInfo(timezone)
    granularity = "day" if (until - since) <= dt.timedelta(days=62) else "week"
    figures = Figures(since, until, timezone, granularity)
    with database.connect() as db:
        messages = db.execute(sa.select(analytics_messages.c.ref, analytics_messages.c.seq, analytics_messages.c.at,
                                        analytics_messages.c.language, analytics_messages.c.intent,
                                        analytics_messages.c.faq_topic, analytics_messages.c.kind)
                              .where(analytics_messages.c.at >= since, analytics_messages.c.at < until)
                              .order_by(analytics_messages.c.at, analytics_messages.c.id)).all()
        refs = {m[0] for m in messages}
        sessions = db.execute(sa.select(analytics_sessions.c.ref, analytics_sessions.c.seq,
                                        analytics_sessions.c.started_at)).all() if refs else []
        tickets = db.execute(sa.select(analytics_tickets)).all()
        answers = db.execute(sa.select(analytics_answers.c.question, analytics_answers.c.outcome)
                             .where(analytics_answers.c.at >= since, analytics_answers.c.at < until)).all()
        unknown = db.execute(sa.select(analytics_unknown_facts.c.question, analytics_unknown_facts.c.fact)
                             .where(analytics_unknown_facts.c.at >= since, analytics_unknown_facts.c.at < until)).all()
        texts = db.execute(sa.select(analytics_not_understood.c.grouped, analytics_not_understood.c.text,
                                     analytics_not_understood.c.language, analytics_not_understood.c.kind,
                                     analytics_not_understood.c.at)
                           .where(analytics_not_understood.c.at >= since, analytics_not_understood.c.at < until)
                           .order_by(analytics_not_understood.c.at)).all()

    # When does each conversation end? At the student's next session start.
    starts: Dict[str, List[Tuple[int, dt.datetime]]] = defaultdict(list)
    for ref, seq, started in sessions:
        if ref in refs:
            starts[ref].append((seq, started))
    window: Dict[Tuple[str, int], Tuple[dt.datetime, Optional[dt.datetime]]] = {}
    for ref, seqs in starts.items():
        seqs.sort()
        for index, (seq, started) in enumerate(seqs):
            window[(ref, seq)] = (started, seqs[index + 1][1] if index + 1 < len(seqs) else None)
    opened: Dict[str, List[dt.datetime]] = defaultdict(list)
    for t in tickets:
        opened[t.ref].append(t.opened_at)
    for times in opened.values():
        times.sort()

    def handed_over(ref: str, seq: int, first_message: dt.datetime) -> bool:
        start, end = window.get((ref, seq), (first_message, None))
        times = opened.get(ref, [])
        index = bisect.bisect_left(times, start)
        return index < len(times) and (end is None or times[index] < end)

    hour_buckets: Dict[dt.datetime, str] = {}

    def bucket_of(at: dt.datetime) -> str:
        """The local day (or week) of a moment; time zones change on the hour, so hours are cached."""
        hour = at.replace(minute=0, second=0, microsecond=0)
        if hour not in hour_buckets:
            hour_buckets[hour] = _bucket(hour, zone, granularity)
        return hour_buckets[hour]

    groups = (ALL, *LANGUAGES, OTHER)
    totals = {g: _blank() for g in groups}
    series: Dict[str, Dict[str, Dict[str, Any]]] = defaultdict(lambda: {g: _blank() for g in groups})
    conversation_language: Dict[Tuple[str, int], str] = {}
    first_at: Dict[Tuple[str, int], dt.datetime] = {}
    # Plain tuples: reading a row's fields by name costs more than everything done with them.
    rows = [tuple(m) for m in messages]  # (ref, seq, at, language, intent, faq_topic, kind), by time
    for ref, seq, at, language, _, _, _ in rows:
        key = (ref, seq)
        if key not in first_at:
            first_at[key] = at
        if language and key not in conversation_language:
            conversation_language[key] = language_group(language)
    handoff_of = {key: handed_over(key[0], key[1], at) for key, at in first_at.items()}

    # One pass over the messages into a few counters; the figures are read from those.
    counted: Counter = Counter()  # (bucket, group, kind, handed over) -> messages
    students: Dict[str, set] = defaultdict(set)
    bucket_students: Dict[Tuple[str, str], set] = defaultdict(set)
    question_counts: Dict[str, Counter] = defaultdict(Counter)
    topic_counts: Dict[str, Counter] = defaultdict(Counter)
    for ref, seq, at, language, intent, topic, kind in rows:
        group = language if language in LANGUAGES else OTHER
        bucket = bucket_of(at)
        counted[(bucket, group, kind, handoff_of[(ref, seq)])] += 1
        students[group].add(ref)
        bucket_students[(bucket, group)].add(ref)
        if kind == "question":
            question_counts[intent][group] += 1
        elif kind == "faq":
            topic_counts[topic or "?"][group] += 1
    for (bucket, group, kind, handed), n in counted.items():
        for g in (ALL, group):
            for target in (totals[g], series[bucket][g]):
                target["messages"] += n
                if kind in ("question", "faq"):
                    target["questions"] += n
                    if not handed:
                        target["deflected"] += n
                elif kind in ("not_understood", "out_of_scope"):
                    target[kind] += n
    students[ALL] = set().union(*students.values()) if students else set()
    for (bucket, group), refs_ in list(bucket_students.items()):
        bucket_students[(bucket, ALL)] |= refs_
    for counts in (*question_counts.values(), *topic_counts.values()):
        counts[ALL] = sum(counts.values())
    bucket_conversations: Dict[Tuple[str, str], set] = defaultdict(set)
    for key, at in first_at.items():
        group = conversation_language.get(key, OTHER)
        bucket = bucket_of(at)
        for g in (ALL, group):
            bucket_conversations[(bucket, g)].add(key)
            totals[g]["conversations"] += 1
            if handoff_of[key]:
                totals[g]["handoffs"] += 1
    for (bucket, g), conversations in bucket_conversations.items():
        series[bucket][g]["conversations"] = len(conversations)
        series[bucket][g]["handoffs"] = sum(1 for k in conversations if handoff_of[k])
    for g in groups:
        totals[g]["students"] = len(students[g])
    for (bucket, g), refs_ in bucket_students.items():
        series[bucket][g]["students"] = len(refs_)
    for target in [*totals.values(), *(f for b in series.values() for f in b.values())]:
        if target["questions"]:
            target["deflection_rate"] = target["deflected"] / target["questions"]
        if target["messages"]:
            target["not_understood_rate"] = target["not_understood"] / target["messages"]
            target["out_of_scope_rate"] = target["out_of_scope"] / target["messages"]
    figures.totals = totals
    figures.series = {b: series[b] for b in sorted(series)}
    figures.questions = {k: dict(v) for k, v in sorted(question_counts.items(), key=lambda kv: -kv[1][ALL])}
    figures.faq_topics = {k: dict(v) for k, v in sorted(topic_counts.items(), key=lambda kv: -kv[1][ALL])}

    outcomes: Dict[str, Counter] = defaultdict(Counter)
    for a in answers:
        outcomes[a.question][a.outcome] += 1
    figures.outcomes = {q: {o: outcomes[q][o] for o in OUTCOMES} for q in sorted(outcomes)}

    unknown_counts: Dict[str, Counter] = defaultdict(Counter)
    for u in unknown:
        unknown_counts[u.question or "?"][u.fact] += 1
    figures.unknown_facts = {q: dict(c.most_common()) for q, c in sorted(unknown_counts.items())}

    grouped: Dict[Tuple[str, str, str], Dict[str, Any]] = {}
    for t in texts:
        key = (t.grouped, language_group(t.language) if t.language in LANGUAGES else (t.language or OTHER), t.kind)
        entry = grouped.setdefault(key, {"text": t.text, "language": key[1], "kind": t.kind, "count": 0})
        entry["count"] += 1
    figures.not_understood = sorted(grouped.values(), key=lambda e: (-e["count"], e["text"]))[:TOP_NOT_UNDERSTOOD]

    now = now or utc_now()
    in_period = [t for t in tickets if since <= t.opened_at < until]
    figures.handoffs = dict(Counter(t.reason for t in in_period).most_common())
    times: Dict[str, Dict[str, List[float]]] = {w: {"first_reply": [], "close": []}
                                                for w in ("all", "inside_hours", "outside_hours")}
    for t in in_period:
        inside = hours.is_open(t.opened_at.replace(tzinfo=dt.timezone.utc))
        for where in ("all", "inside_hours" if inside else "outside_hours"):
            if t.first_reply_at:
                times[where]["first_reply"].append((t.first_reply_at - t.opened_at).total_seconds() / 60)
            if t.closed_at:
                times[where]["close"].append((t.closed_at - t.opened_at).total_seconds() / 60)
    figures.ticket_times = {
        where: {"tickets": sum(1 for t in in_period if where == "all"
                               or hours.is_open(t.opened_at.replace(tzinfo=dt.timezone.utc)) == (where == "inside_hours")),
                "first_reply_median_min": _median(v["first_reply"]), "first_reply_p90_min": percentile(v["first_reply"], 90),
                "close_median_min": _median(v["close"]), "close_p90_min": percentile(v["close"], 90)}
        for where, v in times.items()}
    figures.open_tickets = sum(1 for t in tickets if t.opened_at <= now and (t.closed_at is None or t.closed_at > now))
    return figures
