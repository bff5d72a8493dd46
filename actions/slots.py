"""Slots <-> the rules core's Situation. Slots hold JSON values; the Situation validates them."""
from __future__ import annotations

import datetime as dt
from typing import Any, Dict, List, Tuple

from pydantic import ValidationError

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
            bad = {str(e["loc"][0]) for e in error.errors() if e["loc"] and e["loc"][0] in facts}
            if not bad:  # a cross-field problem: drop the most recent kind of fact, the dates
                bad = {name for name in ("return_date", "departure_date", "semester") if name in facts}
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
