"""A new session (domain.yml's session_config): the student's facts carried over, once each.

Rasa's own action_session_start carries over *every* slot event of the session that ended, those it
had itself carried over included, so a returning student's new session starts with all the slot events
ever set and grows with every session. This one, the replacement Rasa's documentation describes
("Customizing the session start action"), carries each slot's current value once (docs/benchmarks.md,
issue 12)."""
from __future__ import annotations

from typing import Any, Dict, List, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.events import ActionExecuted, EventType, SessionStarted, SlotSet
from rasa_sdk.executor import CollectingDispatcher


def carried_slots(slots: Dict[str, Any]) -> List[EventType]:
    """One event per slot with a value: the same slots, with the same values, as Rasa's own carry-over."""
    return [SlotSet(name, value) for name, value in slots.items() if value is not None]


class ActionSessionStart(Action):
    """Starts a session with every slot's value carried over (domain.yml: carry_over_slots_to_new_session)."""

    def name(self) -> Text:
        return "action_session_start"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                  domain: Dict[Text, Any]) -> List[EventType]:
        carry = (domain.get("session_config") or {}).get("carry_over_slots_to_new_session", True)
        carried = carried_slots(tracker.current_slot_values()) if carry else []
        return [SessionStarted(), *carried, ActionExecuted("action_listen")]
