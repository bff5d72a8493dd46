"""The cached SQL tracker store gives Rasa what Rasa's own SQL store would, whoever else writes to
or erases from the database, and writes the same rows."""
from __future__ import annotations

import asyncio
import json
from pathlib import Path
from typing import Any, List

import pytest
import sqlalchemy as sa
from rasa.core.tracker_store import SQLTrackerStore, TrackerStore
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import ActionExecuted, BotUttered, SessionStarted, SlotSet, UserUttered
from rasa.utils.endpoints import EndpointConfig

from bot.relay.rasa_endpoints import erase_conversation
from rasa_extensions.tracker_cache import CachedSQLTrackerStore

DOMAIN = Domain.from_yaml("""
version: "3.1"
intents: [ask]
slots:
  city:
    type: text
    mappings: [{type: custom}]
  failures:
    type: float
    mappings: [{type: custom}]
""")


def run(coroutine: Any) -> Any:
    return asyncio.run(coroutine)  # a loop of its own: other tests may have closed the default one


class Broker:
    """Collects what a store publishes, as Rasa's event brokers receive it."""

    def __init__(self) -> None:
        self.published: List[dict] = []

    def publish(self, event: dict) -> None:
        self.published.append(event)


def stores(tmp_path: Path, **kwargs: Any):
    db = str(tmp_path / "tracker.db")
    return (CachedSQLTrackerStore(domain=DOMAIN, dialect="sqlite", db=db, **kwargs),
            SQLTrackerStore(domain=DOMAIN, dialect="sqlite", db=db))


def turn(tracker, text: str, city: str) -> None:
    """What one message adds to a tracker: the user's words, a slot, an answer, listening again."""
    tracker.update(UserUttered(text, {"name": "ask", "confidence": 1.0}))
    tracker.update(SlotSet("city", city))
    tracker.update(ActionExecuted("action_answer"))
    tracker.update(BotUttered(f"answer to {text}"))
    tracker.update(ActionExecuted("action_listen"))


def state(tracker) -> tuple:
    return ([e.as_dict() for e in tracker.events], tracker.current_slot_values())


def rows(tmp_path: Path) -> list:
    engine = sa.create_engine(f"sqlite:///{tmp_path / 'tracker.db'}")
    with engine.connect() as db:
        found = [(r.sender_id, r.type_name, r.intent_name, r.action_name, json.loads(r.data))
                 for r in db.execute(sa.text("SELECT * FROM events ORDER BY id"))]
    engine.dispose()
    return found


async def message(store, sender: str, text: str, city: str) -> None:
    """One message as Rasa's processor handles it: read (or create), update, save."""
    tracker = await store.get_or_create_tracker(sender)
    turn(tracker, text, city)
    await store.save(tracker)


def test_endpoints_yml_type_gives_this_store_with_its_cache_size(tmp_path):
    config = EndpointConfig(type="rasa_extensions.tracker_cache.CachedSQLTrackerStore", dialect="sqlite",
                            db=str(tmp_path / "t.db"), cache_size=7)
    store = TrackerStore.create(config, DOMAIN)
    assert isinstance(store, CachedSQLTrackerStore) and store.cache_size == 7


def test_a_conversation_is_read_from_memory_and_equals_what_rasas_store_reads(tmp_path):
    cached, plain = stores(tmp_path)
    for i in range(5):
        run(message(cached, "s1", f"question {i}", f"city {i}"))
    assert cached.hits >= 3  # the first messages create the conversation, then reads are hits
    assert state(run(cached.retrieve("s1"))) == state(run(plain.retrieve("s1")))
    assert run(cached.retrieve("s1")).get_slot("city") == "city 4"


def test_it_writes_the_rows_rasas_own_store_writes(tmp_path):
    cached_dir, plain_dir = tmp_path / "c", tmp_path / "p"
    cached_dir.mkdir(), plain_dir.mkdir()
    cached, _ = stores(cached_dir)
    _, plain = stores(plain_dir)
    for store in (cached, plain):
        for i in range(4):
            run(message(store, "s1", f"question {i}", "lisbon"))
    strip = [(s, t, i, a, {k: v for k, v in d.items() if k != "timestamp"}) for s, t, i, a, d in rows(cached_dir)]
    assert strip == [(s, t, i, a, {k: v for k, v in d.items() if k != "timestamp"})
                     for s, t, i, a, d in rows(plain_dir)]
    assert len(strip) == 1 + 4 * 5  # action_listen of the new tracker, then 5 events a message


def test_another_worker_writing_the_same_conversation_is_seen_on_the_next_read(tmp_path):
    first, plain = stores(tmp_path)
    second = CachedSQLTrackerStore(domain=DOMAIN, dialect="sqlite", db=str(tmp_path / "tracker.db"))
    run(message(first, "s1", "one", "lisbon"))
    run(message(first, "s1", "two", "porto"))  # first now holds a copy
    run(message(second, "s1", "three", "leuven"))  # the lock store hands the next message to another worker
    tracker = run(first.retrieve("s1"))
    assert tracker.get_slot("city") == "leuven"
    assert state(tracker) == state(run(plain.retrieve("s1")))
    turn(tracker, "four", "trier")
    run(first.save(tracker))
    assert state(run(second.retrieve("s1"))) == state(run(plain.retrieve("s1")))
    assert [e.text for e in run(plain.retrieve("s1")).events if isinstance(e, UserUttered)] == \
        ["one", "two", "three", "four"]


def test_a_conversation_erased_by_forget_is_gone_for_the_store_that_cached_it(tmp_path):
    cached, _ = stores(tmp_path)
    run(message(cached, "s1", "one", "lisbon"))
    run(message(cached, "s1", "two", "porto"))
    run(message(cached, "s2", "other", "leuven"))
    assert erase_conversation(f"sqlite:///{tmp_path / 'tracker.db'}", "s1") == 11
    assert run(cached.retrieve("s1")) is None
    run(message(cached, "s1", "again", "trier"))
    tracker = run(cached.retrieve("s1"))
    assert [e.text for e in tracker.events if isinstance(e, UserUttered)] == ["again"]
    assert tracker.get_slot("city") == "trier"


def test_a_copy_mutated_without_being_saved_is_not_served(tmp_path):
    cached, plain = stores(tmp_path)
    run(message(cached, "s1", "one", "lisbon"))
    run(message(cached, "s1", "two", "porto"))
    tracker = run(cached.retrieve("s1"))
    tracker.update(SlotSet("city", "never saved"))  # a failed message: read, changed, not saved
    again = run(cached.retrieve("s1"))
    assert again is not tracker and again.get_slot("city") == "porto"
    assert state(again) == state(run(plain.retrieve("s1")))


def test_a_copy_is_lent_to_one_reader_at_a_time(tmp_path):
    cached, _ = stores(tmp_path)
    run(message(cached, "s1", "one", "lisbon"))
    run(message(cached, "s1", "two", "porto"))
    held = run(cached.retrieve("s1"))
    other = run(cached.retrieve("s1"))  # e.g. GET /conversations/s1/tracker while a message is handled
    assert other is not held and state(other) == state(held)
    turn(held, "three", "leuven")
    run(cached.save(held))
    assert run(cached.retrieve("s1")) is held


def test_the_cache_is_bounded_and_a_dropped_conversation_is_read_from_the_database(tmp_path):
    cached, plain = stores(tmp_path, cache_size=2)
    for sender in ("a", "b", "c"):
        run(message(cached, sender, "one", sender))
        run(message(cached, sender, "two", sender))
    assert set(cached._idle) == {"b", "c"} and len(cached._lent) <= 2
    misses = cached.misses
    tracker = run(cached.retrieve("a"))
    assert cached.misses == misses + 1
    assert state(tracker) == state(run(plain.retrieve("a")))


def test_a_new_session_is_read_back_as_rasa_reads_it(tmp_path):
    cached, plain = stores(tmp_path)
    run(message(cached, "s1", "one", "lisbon"))
    run(message(cached, "s1", "two", "porto"))
    tracker = run(cached.retrieve("s1"))
    for event in (ActionExecuted("action_session_start"), SessionStarted(), SlotSet("city", "porto"),
                  ActionExecuted("action_listen")):
        tracker.update(event)
    turn(tracker, "three", "leuven")
    run(cached.save(tracker))
    again = run(cached.retrieve("s1"))
    assert state(again) == state(run(plain.retrieve("s1")))
    assert [e.text for e in again.events if isinstance(e, UserUttered)] == ["three"]


def test_the_event_broker_gets_each_new_event_once_as_from_rasas_store(tmp_path):
    published = {}
    for name, store_class in (("cached", CachedSQLTrackerStore), ("plain", SQLTrackerStore)):
        (tmp_path / name).mkdir()
        broker = Broker()
        store = store_class(domain=DOMAIN, dialect="sqlite", db=str(tmp_path / name / "t.db"), event_broker=broker)
        for i in range(3):
            run(message(store, "s1", f"q{i}", "lisbon"))
        published[name] = [{k: v for k, v in e.items() if k != "timestamp"} for e in broker.published]
    assert published["cached"] == published["plain"]
    assert len(published["cached"]) == 1 + 3 * 5


@pytest.mark.parametrize("size", [0])
def test_without_a_cache_it_is_rasas_store(tmp_path, size):
    cached, plain = stores(tmp_path, cache_size=size)
    for i in range(3):
        run(message(cached, "s1", f"q{i}", "lisbon"))
    assert cached.hits == 0 and not cached._idle and not cached._lent
    assert state(run(cached.retrieve("s1"))) == state(run(plain.retrieve("s1")))


def test_a_write_between_a_read_and_its_save_is_not_hidden_by_the_copy(tmp_path):
    """Without a lock store two workers can handle one conversation at once: the copy saved
    last must not be served as if it held the other worker's events."""
    first, plain = stores(tmp_path)
    second = CachedSQLTrackerStore(domain=DOMAIN, dialect="sqlite", db=str(tmp_path / "tracker.db"))
    run(message(first, "s1", "one", "lisbon"))
    run(message(first, "s1", "two", "porto"))
    held = run(first.retrieve("s1"))
    run(message(second, "s1", "meanwhile", "leuven"))
    turn(held, "three", "trier")
    run(first.save(held))
    assert state(run(first.retrieve("s1"))) == state(run(plain.retrieve("s1")))
    assert "meanwhile" in [e.text for e in run(first.retrieve("s1")).events if isinstance(e, UserUttered)]


@pytest.mark.parametrize("endpoints", ["endpoints.yml", "endpoints.production.yml"])
def test_the_shipped_endpoints_name_this_store_and_rasa_can_import_it(endpoints):
    """Rasa falls back to an in-memory store, with a warning only, when it cannot import the class."""
    from rasa.shared.utils.common import class_from_module_path
    import yaml

    store = yaml.safe_load((Path(__file__).resolve().parent.parent / endpoints).read_text())["tracker_store"]
    assert class_from_module_path(store["type"]) is CachedSQLTrackerStore
    assert store["cache_size"] > 0 and store["window_turns"] > 0

