"""The window the cached tracker store keeps of a long session gives Rasa's policy and every action
that reads the conversation's events what the whole session gives them; its premises (what the
policy and the actions read) are checked on the project's files, so a change there fails here."""
from __future__ import annotations

import asyncio
import random
from pathlib import Path
from typing import List

import pytest
import yaml
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import (ActionExecuted, BotUttered, ConversationPaused, Event, SessionStarted,
                                     SlotSet, UserUttered)
from rasa_sdk import Tracker

from actions import answer, conversation, extract, slots, staff_desk
from actions.slots import FACT_SLOTS
from rasa.core.tracker_store import SQLTrackerStore
from rasa_extensions import history_window
from rasa_extensions.history_window import cut_events, window_start
from rasa.shared.core.trackers import DialogueStateTracker
from rasa_extensions.tracker_cache import CachedSQLTrackerStore

ROOT = Path(__file__).resolve().parent.parent
FACTS = sorted(FACT_SLOTS)[:4]

DOMAIN = Domain.from_yaml("""
version: "3.1"
intents: [ask_funding, inform, greet]
slots:
  requested_fact: {type: any, mappings: [{type: custom}]}
  question: {type: any, mappings: [{type: custom}]}
""" + "".join(f"  {fact}: {{type: any, mappings: [{{type: custom}}]}}\n" for fact in FACTS))


def conversation_events(seed: int, turns: int, ask_rate: float = 0.4) -> List[Event]:
    """A long session of random turns: questions set or cleared, facts asked again and again or
    answered, one or two bot texts or none, some turns with facts."""
    rng = random.Random(seed)
    events: List[Event] = [ActionExecuted("action_session_start"), SessionStarted(), ActionExecuted("action_listen")]
    for n in range(turns):
        events.append(UserUttered(f"message {n}", {"name": rng.choice(["ask_funding", "inform", "greet"]),
                                                   "confidence": 1.0}))
        if rng.random() < 0.3:
            events.append(SlotSet(rng.choice(FACTS), rng.choice(["a", "b", None])))
        if rng.random() < 0.15:
            events.append(SlotSet("question", rng.choice([f"q{n}", None, ""])))
        events.append(ActionExecuted("action_answer"))
        if rng.random() < ask_rate:  # ask (often the same fact again), or stop asking
            events.append(SlotSet("requested_fact", rng.choice([FACTS[0], FACTS[0], FACTS[1], None])))
        for _ in range(rng.choice([0, 1, 1, 2])):
            events.append(BotUttered(rng.choice([f"answer {n}", ""])))
        events.append(ActionExecuted("action_listen"))
    return events


def sdk_tracker(events: List[Event]) -> Tracker:
    """The tracker the action server builds from what Rasa sends it."""
    dicts = [event.as_dict() for event in events]
    latest = next(e for e in reversed(dicts) if e["event"] == "user")
    return Tracker("s", {"requested_fact": None}, {"text": latest["text"], "intent": latest["parse_data"]["intent"]},
                   dicts, False, None, {}, "action_listen")


def readings(events: List[Event]) -> tuple:
    """What every history-reading function of the actions reads from these events."""
    tracker = sdk_tracker(events)
    # times_asked is asked about the fact the answer misses: a name, never None (actions/answer.py)
    return (tuple(answer.times_asked(tracker, fact) for fact in FACTS), answer.question_text(tracker),
            tuple(map(tuple, (sorted(t.items()) for t in staff_desk.transcript(tracker)))),
            conversation.situation_facts_set_by_this_message(tracker), slots.facts_set_by_this_message(tracker),
            tuple(extract.earlier_messages(tracker)), conversation.language_set_by_this_message(tracker))


@pytest.mark.parametrize("seed", range(40))
@pytest.mark.parametrize("turns", [5, 20])
@pytest.mark.parametrize("ask_rate", [0.4, 0.02])  # rare asks: a run of the same ask long ago
def test_every_action_reads_in_the_window_what_it_reads_in_the_whole_session(seed, turns, ask_rate):
    events = conversation_events(seed, 150, ask_rate)
    for end in range(60, len(events) + 1, 37):  # the session as it stands at several points
        whole = events[:end]
        start = window_start(whole, turns)
        cut = cut_events(DialogueStateTracker.from_events("s", whole, DOMAIN.slots), 0, turns)
        window = cut[0] if cut else whole
        assert readings(window) == readings(whole)
        assert cut is None or window[cut[2]:] == whole[start:]
        # the window starts a user turn, and holds at least `turns` of them
        assert start == 0 or (isinstance(whole[start], ActionExecuted) and isinstance(whole[start + 1], UserUttered))
        assert start == 0 or sum(isinstance(e, UserUttered) for e in whole[start:]) >= turns


@pytest.mark.parametrize("seed", range(10))
def test_a_tracker_rebuilt_from_the_window_has_the_whole_sessions_state(seed):
    """Rasa rebuilds trackers from their events (`copy()` before every action): the window's
    summary must rebuild the slots and the pause the cut events had set."""
    events = conversation_events(seed, 120)
    events.insert(len(events) // 3, ConversationPaused())
    whole = DialogueStateTracker.from_events("s", events, DOMAIN.slots)
    window, dropped, summary = cut_events(whole, 0, 10)
    rebuilt = DialogueStateTracker.from_events("s", window, DOMAIN.slots)
    assert rebuilt.current_slot_values() == whole.current_slot_values()
    assert rebuilt.is_paused() and whole.is_paused()
    assert dropped > 0 and len(window) - summary == len(events) - dropped
    # cut again later: the summary is replaced, not stacked
    again = DialogueStateTracker.from_events("s", window + events[-7:], DOMAIN.slots)
    cut = cut_events(again, summary, 10)
    if cut is not None:
        assert DialogueStateTracker.from_events("s", cut[0], DOMAIN.slots).current_slot_values() == \
            again.current_slot_values()


def test_the_window_is_bounded_in_an_ordinary_long_session():
    events = conversation_events(7, 400)
    start = window_start(events, 20)
    assert sum(isinstance(e, UserUttered) for e in events[start:]) < 120 < 400


def test_what_the_window_knows_of_the_actions_is_what_the_actions_read():
    assert history_window.TRANSCRIPT_TEXTS == staff_desk.TRANSCRIPT_TURNS
    source = (ROOT / "actions" / "answer.py").read_text(encoding="utf-8")
    assert f'event.get("name") == "{history_window.RUN_SLOT}"' in source  # times_asked
    assert f'event.get("name") == "{history_window.QUESTION_SLOT}"' in source  # question_text
    assert source.count("times_asked(") == 2 and "times_asked(tracker, decision.missing_facts[0].fact)" in source
    assert Domain.load(str(ROOT / "domain.yml")).slots[[s.name for s in Domain.load(str(ROOT / "domain.yml")).slots]
                                                          .index(history_window.RUN_SLOT)].initial_value is None
    # nothing else in the actions walks the events but the functions read above (and extract.py,
    # which only adds this message's events)
    walkers = sorted(f"{path.name}:{n}" for path in (ROOT / "actions").glob("*.py")
                     for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
                     if "tracker.events" in line)
    assert [w.split(":")[0] for w in walkers] == ["answer.py", "answer.py", "conversation.py", "conversation.py",
                                                  "conversation.py", "extract.py", "extract.py", "slots.py",
                                                  "staff_desk.py"], walkers


def test_the_policy_reads_only_the_last_states():
    """The premises under which Rasa's prediction on the window equals the one on the whole session."""
    config = yaml.safe_load((ROOT / "config.yml").read_text(encoding="utf-8"))
    assert [p["name"] for p in config["policies"]] == ["RulePolicy"]
    rules = yaml.safe_load((ROOT / "nlu_data" / "rules.yml").read_text(encoding="utf-8"))["rules"]
    for rule in rules:
        assert set(rule) <= {"rule", "steps"}, rule  # no conversation_start, condition, wait_for_user_input
        assert [next(iter(step)) for step in rule["steps"]] == ["intent", "action"], rule
    domain = Domain.load(str(ROOT / "domain.yml"))
    assert not domain.form_names
    assert not [slot.name for slot in domain.slots if slot.influence_conversation]


def run(coroutine):
    return asyncio.run(coroutine)  # a loop of its own: other tests may have closed the default one


def stored(db: str) -> list:
    """Every row of the events table, in order, as the event it holds."""
    import json

    import sqlalchemy as sa

    engine = sa.create_engine(f"sqlite:///{db}")
    with engine.connect() as connection:
        found = [json.loads(data) for (data,) in connection.execute(sa.text("SELECT data FROM events ORDER BY id"))]
    engine.dispose()
    return found


def test_a_windowed_store_keeps_every_event_in_the_database_and_the_whole_state(tmp_path):
    db = str(tmp_path / "t.db")
    windowed = CachedSQLTrackerStore(domain=DOMAIN, dialect="sqlite", db=db, window_turns=10)
    plain = SQLTrackerStore(domain=DOMAIN, dialect="sqlite", db=db)
    events = conversation_events(3, 120)
    turn_starts = [i for i, e in enumerate(events) if isinstance(e, UserUttered) and i > 40]
    tracker = run(windowed.get_or_create_tracker("s", append_action_listen=False))
    for event in events[:turn_starts[0]]:
        tracker.update(event)
    run(windowed.save(tracker))
    for begin, end in zip(turn_starts, turn_starts[1:] + [len(events)]):
        tracker = run(windowed.retrieve("s"))
        for event in events[begin:end]:
            tracker.update(event)
        run(windowed.save(tracker))
    assert windowed.hits >= len(turn_starts) - 1
    tracker = run(windowed.retrieve("s"))
    tracker.update(ConversationPaused())  # a state whose event will be cut: paused
    run(windowed.save(tracker))
    assert stored(db) == [e.as_dict() for e in events] + [ConversationPaused(timestamp=tracker.events[-1].timestamp).as_dict()]
    whole = run(plain.retrieve("s"))
    window = run(windowed.retrieve("s"))
    summary = getattr(window, "_events_summarising_the_cut")
    assert len(window.events) < len(whole.events) / 2
    assert [e.as_dict() for e in window.events][summary:] == \
        [e.as_dict() for e in whole.events][-(len(window.events) - summary):]
    assert window.current_slot_values() == whole.current_slot_values() and window.is_paused()
    assert window.copy().current_slot_values() == whole.current_slot_values() and window.copy().is_paused()
    # a store that lost its copy (a restart, another worker) loads and cuts the same window
    other = CachedSQLTrackerStore(domain=DOMAIN, dialect="sqlite", db=db, window_turns=10)
    reloaded = run(other.retrieve("s"))
    assert [e.as_dict() for e in reloaded.events][getattr(reloaded, "_events_summarising_the_cut"):] == \
        [e.as_dict() for e in window.events][summary:]
    assert reloaded.copy().current_slot_values() == whole.current_slot_values()


def test_a_windowed_tracker_saved_without_its_copy_writes_only_its_new_events(tmp_path):
    db = str(tmp_path / "t.db")
    windowed = CachedSQLTrackerStore(domain=DOMAIN, dialect="sqlite", db=db, window_turns=5)
    events = conversation_events(5, 60)
    tracker = run(windowed.get_or_create_tracker("s", append_action_listen=False))
    for event in events[:-10]:
        tracker.update(event)
    run(windowed.save(tracker))
    tracker = run(windowed.retrieve("s"))
    assert len(tracker.events) < len(events) - 10  # cut
    windowed._lent.clear()  # its copy was dropped (the lent list is bounded): Rasa's own save, less the cut
    windowed._idle.clear()
    for event in events[-10:]:
        tracker.update(event)
    run(windowed.save(tracker))
    assert stored(db) == [e.as_dict() for e in events]
