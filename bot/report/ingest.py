"""Rasa's event stream into the analytics tables: what students asked, how it was answered, what
was not understood. The same ingestion serves every event broker (Rasa's SQL broker in the embedded
set-up, its Pika/RabbitMQ broker in production); each event is applied once, in the order Rasa
published it for its conversation.

Only not-understood and out-of-scope texts are kept, for a limited time (`text_retention_days`),
because they are the team's list of what to teach the assistant next.
"""
from __future__ import annotations

import datetime as dt
import re
import unicodedata
from dataclasses import dataclass
from typing import Any, Dict, Iterable, Optional

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from bot.pseudonym import ref_of_sender
from bot.storage.database import Database, utc_now
from bot.storage.schema import (analytics_answers, analytics_cursors, analytics_forgotten, analytics_messages,
                                analytics_not_understood, analytics_sessions, analytics_state,
                                analytics_unknown_facts)
from nlu_components.language import conversation_language

FORGOTTEN_KEPT = dt.timedelta(days=7)
MAX_TEXT = 1000  # a 5,000-character message is kept cut, not whole
QUESTION_PREFIX = "ask_"
# ask_* intents that are no question of the regulation: "why?" follows up on an answer already counted.
FOLLOW_UP_INTENTS = {"ask_why"}
FALLBACK_INTENTS = {"nlu_fallback"}
OUT_OF_SCOPE_INTENTS = {"out_of_scope"}
# The slot the action server sets when the student answers a pending question with "I don't know".
UNKNOWN_FACT_SLOT = "fact_not_known"


WRITERS = "__writers__"  # a row every writer of the analytics locks first (see `serialise`)


def serialise(db: Connection) -> None:
    """Makes concurrent ingestions and erasures take turns (a row lock on PostgreSQL, the write lock
    on SQLite): an erasure can then never be undone by an ingestion that read the events before it."""
    locked = db.execute(analytics_cursors.update().where(analytics_cursors.c.source == WRITERS)
                        .values(last_id=analytics_cursors.c.last_id)).rowcount
    if not locked:
        with db.begin_nested():  # a savepoint: another writer may create the row at the same time
            try:
                db.execute(analytics_cursors.insert().values(source=WRITERS, last_id=0))
            except sa.exc.IntegrityError:
                pass
        db.execute(analytics_cursors.update().where(analytics_cursors.c.source == WRITERS)
                   .values(last_id=analytics_cursors.c.last_id))


def message_kind(intent: Optional[str]) -> str:
    if not intent or intent in FALLBACK_INTENTS:
        return "not_understood"
    if intent in OUT_OF_SCOPE_INTENTS:
        return "out_of_scope"
    if intent.startswith(QUESTION_PREFIX) and intent not in FOLLOW_UP_INTENTS:
        return "question"
    if intent == "faq":
        return "faq"
    return "conversation"


def grouping_key(text: str) -> str:
    """Near-identical texts group together: case, accents, punctuation and spacing ignored."""
    folded = unicodedata.normalize("NFKD", text.casefold())
    folded = "".join(c for c in folded if not unicodedata.combining(c))
    return " ".join(re.sub(r"[^\w]+", " ", folded).split())[:200]


def _when(event: Dict[str, Any]) -> dt.datetime:
    stamp = event.get("timestamp")
    if isinstance(stamp, (int, float)):
        return dt.datetime.fromtimestamp(stamp, dt.timezone.utc).replace(tzinfo=None)
    return utc_now()


@dataclass
class _State:
    seq: int
    language: Optional[str]
    question: Optional[str]
    requested_fact: Optional[str]


class Ingester:
    """Applies Rasa events to the analytics tables; `apply` takes one batch in one transaction."""

    def __init__(self, database: Database, text_retention_days: int = 90) -> None:
        self.database = database
        self.retention = dt.timedelta(days=text_retention_days)

    def apply(self, events: Iterable[Dict[str, Any]], within: Optional[Connection] = None) -> int:
        """Applies the events; returns how many were recorded (others are of no interest)."""
        count = 0
        with self.database.transaction(within) as db:
            serialise(db)
            states: Dict[str, _State] = {}
            forgotten: Dict[str, Optional[dt.datetime]] = {}
            for event in events:
                sender = event.get("sender_id")
                if not isinstance(sender, str) or not sender:
                    continue
                ref = ref_of_sender(sender)
                if ref not in forgotten:
                    row = db.execute(sa.select(analytics_forgotten.c.at)
                                     .where(analytics_forgotten.c.ref == ref)).first()
                    forgotten[ref] = row.at if row else None
                at = _when(event)
                if forgotten[ref] is not None and at <= forgotten[ref]:
                    continue  # published before the student's /forget, delivered after it
                state = states.get(ref) or self._load_state(db, ref)
                states[ref] = state
                count += self._apply_one(db, ref, state, event, at)
            for ref, state in states.items():
                self._save_state(db, ref, state)
        return count

    def _apply_one(self, db: Connection, ref: str, state: _State, event: Dict[str, Any], at: dt.datetime) -> int:
        kind = event.get("event")
        if kind == "session_started":
            state.seq += 1
            state.requested_fact = None
            db.execute(analytics_sessions.insert().values(ref=ref, seq=state.seq, started_at=at))
            return 1
        if kind == "user":
            return self._user(db, ref, state, event, at)
        if kind == "slot":
            return self._slot(db, ref, state, event.get("name"), event.get("value"), at)
        return 0

    def _user(self, db: Connection, ref: str, state: _State, event: Dict[str, Any], at: dt.datetime) -> int:
        if state.seq == 0:  # a stream that began before this conversation's session start was seen
            state.seq = 1
            db.execute(analytics_sessions.insert().values(ref=ref, seq=1, started_at=at))
        parse = event.get("parse_data") or {}
        metadata = event.get("metadata") or {}
        intent = (parse.get("intent") or {}).get("name")
        detected = parse.get("language")
        language = detected if detected in ("de", "lb") else conversation_language(
            detected, state.language, metadata.get("language_code"), event.get("text") or "")
        channel = str(metadata.get("channel") or event.get("input_channel") or "")[:20] or None
        topic = None
        if intent == "faq":
            selected = ((parse.get("response_selector") or {}).get("faq") or {}).get("response") or {}
            topic = (selected.get("intent_response_key") or "").partition("/")[2] or None
        kind = message_kind(intent)
        db.execute(analytics_messages.insert().values(ref=ref, seq=state.seq, at=at, language=language,
                                                      channel=channel, intent=intent, faq_topic=topic, kind=kind))
        if channel:
            db.execute(analytics_sessions.update().where(analytics_sessions.c.ref == ref,
                                                         analytics_sessions.c.seq == state.seq,
                                                         analytics_sessions.c.channel.is_(None))
                       .values(channel=channel))
        text = (event.get("text") or "").strip()
        if kind in ("not_understood", "out_of_scope") and text and not text.startswith("/"):
            db.execute(analytics_not_understood.insert().values(
                ref=ref, at=at, language=language, kind=kind, text=text[:MAX_TEXT], grouped=grouping_key(text),
                expires_at=at + self.retention))
        return 1

    def _slot(self, db: Connection, ref: str, state: _State, name: Any, value: Any, at: dt.datetime) -> int:
        if name == "language" and value in ("fr", "en"):
            state.language = value
        elif name == "question":
            state.question = value if isinstance(value, str) else None
        elif name == "requested_fact":
            state.requested_fact = value if isinstance(value, str) else None
        elif name == "last_decision" and isinstance(value, dict) and value.get("question") and value.get("outcome"):
            db.execute(analytics_answers.insert().values(ref=ref, seq=state.seq, at=at, language=state.language,
                                                         question=str(value["question"])[:60],
                                                         outcome=str(value["outcome"])[:20]))
            return 1
        elif name == UNKNOWN_FACT_SLOT and isinstance(value, str) and value:
            db.execute(analytics_unknown_facts.insert().values(ref=ref, at=at, language=state.language,
                                                               question=state.question, fact=value[:60]))
            return 1
        return 0

    @staticmethod
    def _load_state(db: Connection, ref: str) -> _State:
        row = db.execute(sa.select(analytics_state).where(analytics_state.c.ref == ref)).first()
        if row is None:
            return _State(0, None, None, None)
        return _State(row.seq, row.language, row.question, row.requested_fact)

    @staticmethod
    def _save_state(db: Connection, ref: str, state: _State) -> None:
        values = dict(seq=state.seq, language=state.language, question=state.question,
                      requested_fact=state.requested_fact)
        done = db.execute(analytics_state.update().where(analytics_state.c.ref == ref).values(**values))
        if not done.rowcount:
            db.execute(analytics_state.insert().values(ref=ref, **values))

    # -- retention and erasure --------------------------------------------------------------

    def purge_expired(self, now: Optional[dt.datetime] = None) -> int:
        """Removes the not-understood texts past their retention period; returns how many went.
        Erasure marks go after a week: no broker holds an event that long."""
        now = now or utc_now()
        with self.database.transaction() as db:
            db.execute(analytics_forgotten.delete().where(analytics_forgotten.c.at <= now - FORGOTTEN_KEPT))
            return db.execute(analytics_not_understood.delete()
                              .where(analytics_not_understood.c.expires_at <= now)).rowcount


def forget(database: Database, ref: str, within: Optional[Connection] = None,
           now: Optional[dt.datetime] = None) -> None:
    """Erases a student's analytics rows and texts, and drops their events still on their way."""
    with database.transaction(within) as db:
        serialise(db)
        for table in (analytics_messages, analytics_answers, analytics_unknown_facts, analytics_not_understood,
                      analytics_sessions, analytics_state):
            db.execute(table.delete().where(table.c.ref == ref))
        db.execute(analytics_forgotten.delete().where(analytics_forgotten.c.ref == ref))
        db.execute(analytics_forgotten.insert().values(ref=ref, at=now or utc_now()))
