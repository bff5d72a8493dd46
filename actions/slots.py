"""Slots <-> the rules core's Situation. Slots hold JSON values; the Situation validates them."""
from __future__ import annotations

import datetime as dt
from typing import Any, Dict, List, Optional, Tuple

from pydantic import ValidationError
from rasa_sdk import Tracker

from rules_core.situation import FACT_ORDER, Situation

FACT_SLOTS: Tuple[str, ...] = tuple(f for f in FACT_ORDER if f != "today")


def to_slot_value(value: Any) -> Any:
    """Dates as ISO strings, everything else as it is (slots must be JSON)."""
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, list):
        return [to_slot_value(v) for v in value]
    return value


def known_facts(slots: Dict[str, Any]) -> Dict[str, Any]:
    return {name: slots[name] for name in FACT_SLOTS if slots.get(name) is not None}


def situation_from_slots(slots: Dict[str, Any], today: dt.date) -> Tuple[Situation, List[str]]:
    """The situation the slots describe; a value the model rejects is dropped and named."""
    facts = known_facts(slots)
    dropped: List[str] = []
    while True:
        try:
            return Situation(**facts, today=today), dropped
        except ValidationError as error:
            bad = set()
            for problem in error.errors():
                field = str(problem["loc"][0]) if problem["loc"] else ""
                if field == "__root__":  # cross-field checks name their field first: "return_date: ..."
                    field = problem["msg"].split(":", 1)[0]
                if field in facts:
                    bad.add(field)
            if not bad:
                return Situation(today=today), sorted(facts)
            dropped.extend(sorted(bad))
            for name in bad:
                facts.pop(name, None)


def valid_alone(name: str, value: Any) -> bool:
    """Whether a single fact value is acceptable on its own."""
    try:
        Situation(**{name: value})
        return True
    except ValidationError:
        return False


def last_explanation(last_decision: Optional[Dict[str, Any]]):
    """The rules core's explanation (rules_core.explain) of the answer recorded in the `last_decision`
    slot, asked with the inputs it was decided with; None when no answer is recorded."""
    from rules_core.explain import explain

    asked = (last_decision or {}).get("asked")
    if not asked or not last_decision.get("question"):
        return None
    return explain(last_decision["question"], Situation.parse_obj(asked["situation"]), asked.get("unknown") or (),
                   asked.get("aspects") or ())


def facts_set_by_this_message(tracker: Tracker) -> bool:
    """Whether the extraction after the latest user message set a fact slot."""
    for event in reversed(tracker.events):
        if event.get("event") == "user":
            return False
        if event.get("event") == "slot" and event.get("value") is not None and (
                event.get("name") in FACT_SLOTS or event.get("name") == "unknown_facts"):
            return True  # a fact, or "I don't know" to the pending question: both move the answer on
    return False
