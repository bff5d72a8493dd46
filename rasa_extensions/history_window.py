"""How much of a long session Rasa needs in memory to answer the next message exactly as it would
with the whole session: the window the cached tracker store keeps (`window_turns`).

The events before the window are replaced by a summary that rebuilds the state they left — one
slot event per slot not at its initial value, a pause, an active loop (`cut_events`) — because Rasa
rebuilds trackers from their events (`DialogueStateTracker.copy`, before every action): the state
must be in the list. The window starts at a user turn (the `action_listen` before a user message).
Who reads the list:

- Rasa's policy: this assistant's is RulePolicy alone, with rules of one intent and one action, no
  `conversation_start`, no conditions, no forms, and slots that do not influence the conversation
  (`influence_conversation: false`): a prediction looks at the last two dialogue states only
  (`RulePolicy._is_rule_applicable`: a rule is applicable once the turn index passes its length).
  tests/test_tracker_cache.py checks these premises on config.yml, the rules and the domain.
- The actions, through the events Rasa sends them (`tracker.events`), which reach further back:
  `actions/answer.py: times_asked` counts, for a fact, the trailing run of `requested_fact` slot
  events with that fact as value, however old (0 when the latest value is another or None); `question_text` reads the user message before the latest `question`
  slot event with a value; `actions/handoff.py: transcript` the last 40 user and bot texts; the
  others stop at the latest user message.

So the window starts at the earliest of: the `turns`-th user message from the end; the start of the
turn holding the first event of the trailing `requested_fact` run; the start of the turn before the
latest `question` slot event with a value; the start of the turn holding the 40th-last text. Each of
those readers then sees, in the window, exactly what it saw in the whole session, and none reaches
the summary: the run's first event follows a different value (or none), the question reader stops
in the window, the transcript reads texts only, the others stop at the latest user message.
"""
from __future__ import annotations

from typing import List, Optional, Sequence, Tuple

from rasa.shared.core.constants import ACTION_LISTEN_NAME
from rasa.shared.core.events import (ActionExecuted, ActiveLoop, BotUttered, ConversationPaused, Event,
                                     FollowupAction, SlotSet, UserUttered)
from rasa.shared.core.trackers import DialogueStateTracker

# what the actions read (tests/test_tracker_cache.py checks them against actions/)
RUN_SLOT = "requested_fact"  # actions/answer.py: times_asked
QUESTION_SLOT = "question"  # actions/answer.py: question_text
TRANSCRIPT_TEXTS = 40  # actions/staff_desk.py: TRANSCRIPT_TURNS (also the staff-mobility reader's context)


def window_start(events: Sequence[Event], turns: int) -> int:
    """Index of the first event to keep (0: keep all)."""
    if turns <= 0:
        return 0
    users = [i for i, event in enumerate(events) if isinstance(event, UserUttered)]
    if len(users) <= turns:
        return 0
    needed = users[-turns]
    for index in (_run_start(events), _question_asker(events), _transcript_start(events)):
        if index is not None:
            needed = min(needed, index)
    return _turn_start(events, needed)


def _turn_start(events: Sequence[Event], index: int) -> int:
    """The start of the user turn holding `index`: its user message, or the `action_listen` just
    before it; 0 when no user message precedes `index` (the session's own start)."""
    user = next((i for i in range(index, -1, -1) if isinstance(events[i], UserUttered)), None)
    if user is None:
        return 0
    before = events[user - 1] if user > 0 else None
    if isinstance(before, ActionExecuted) and before.action_name == ACTION_LISTEN_NAME:
        return user - 1
    return user


def _run_start(events: Sequence[Event]) -> Optional[int]:
    """The first event of the trailing run of RUN_SLOT events that carry its latest value. None when
    that value is None: `times_asked` is asked about a fact, never None, so it then stops at the
    latest event, or finds none in the window and no summary event either (None is the initial
    value): 0 both ways."""
    runs = [i for i, event in enumerate(events) if isinstance(event, SlotSet) and event.key == RUN_SLOT]
    if not runs or events[runs[-1]].value is None:
        return None
    value = events[runs[-1]].value
    start = runs[-1]
    for i in reversed(runs[:-1]):
        if events[i].value != value:
            break
        start = i
    return start


def _question_asker(events: Sequence[Event]) -> Optional[int]:
    """The user message before the latest QUESTION_SLOT event with a value."""
    for i in range(len(events) - 1, -1, -1):
        event = events[i]
        if isinstance(event, SlotSet) and event.key == QUESTION_SLOT and event.value:
            return next((j for j in range(i - 1, -1, -1) if isinstance(events[j], UserUttered)), 0)
    return None


def _transcript_start(events: Sequence[Event]) -> Optional[int]:
    """The TRANSCRIPT_TEXTS-th last user or bot event with a text."""
    texts = [i for i, event in enumerate(events)
             if isinstance(event, (UserUttered, BotUttered)) and event.text]
    return texts[-TRANSCRIPT_TEXTS] if len(texts) >= TRANSCRIPT_TEXTS else 0


def cut_events(tracker: DialogueStateTracker, prefix: int, turns: int) -> Optional[Tuple[List[Event], int, int]]:
    """The tracker's events with those before the window replaced by the few that rebuild the state
    they left (a slot event per slot not at its initial value, a pause, an active loop): Rasa
    rebuilds trackers from their events (`DialogueStateTracker.copy`, before every action), so the
    state must be in the list, not only in the object. `prefix`: how many of the tracker's first
    events are such a summary already. Returns (events, session events dropped, summary length), or
    None when nothing is to be cut."""
    events = list(tracker.events)
    start = window_start(events[prefix:], turns)
    if start == 0:
        return None
    before = tracker.init_copy()
    for event in events[:prefix + start]:
        before.update(event)
    first = events[prefix + start]
    summary: List[Event] = [SlotSet(slot.name, slot.value, timestamp=first.timestamp)
                            for slot in before.slots.values() if slot.value != slot.initial_value]
    if before.is_paused():
        summary.append(ConversationPaused(timestamp=first.timestamp))
    if before.active_loop_name:
        summary.append(ActiveLoop(before.active_loop_name, timestamp=first.timestamp))
    if before.followup_action:
        summary.append(FollowupAction(before.followup_action, timestamp=first.timestamp))
    return summary + events[prefix + start:], start, len(summary)
