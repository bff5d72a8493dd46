"""Hands a conversation to the mobility office: what staff need, then the bot pauses.

The staff desk's side of a handoff, with no action of its own: the answer and the handoff action
(actions/handoff.py) both use it, so neither has to import the other."""
from __future__ import annotations

from typing import Any, Dict, List, Optional

from rasa_sdk import Tracker
from rasa_sdk.events import ConversationPaused, EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions import messages
from actions.common import language
from actions.slots import known_facts, last_explanation

TRANSCRIPT_TURNS = 40


def offer_handoff(dispatcher: CollectingDispatcher, lang: str, reason: str) -> List[EventType]:
    """Offers staff help; `reason` (needs_staff, misunderstanding) becomes the ticket's if accepted."""
    dispatcher.utter_message(text=messages.text("offer_handoff", lang), buttons=messages.buttons("offer_handoff", lang))
    return [SlotSet("handoff_offered", True), SlotSet("handoff_reason", reason)]


def accepted_offer_reason(tracker: Tracker) -> str:
    return tracker.get_slot("handoff_reason") or "offer_accepted"


def decline_handoff(dispatcher: CollectingDispatcher, tracker: Tracker) -> List[EventType]:
    dispatcher.utter_message(text=messages.text("handoff_declined", language(tracker)))
    return [SlotSet("handoff_offered", False)]


def transcript(tracker: Tracker) -> List[Dict[str, str]]:
    turns = [{"from": "student" if e["event"] == "user" else "assistant", "text": e.get("text") or ""}
             for e in tracker.events if e.get("event") in ("user", "bot") and e.get("text")]
    return turns[-TRANSCRIPT_TURNS:]


def explanation_record(tracker: Tracker) -> Optional[Dict[str, Any]]:
    """How the assistant reached its last answer, for staff (None without an answer, or if it fails:
    the ticket must reach staff anyway)."""
    import json
    import logging

    try:
        explanation = last_explanation(tracker.get_slot("last_decision"))
    except Exception:  # noqa: BLE001 - an explanation that cannot be made must not stop the handoff
        logging.getLogger(__name__).exception("the last answer could not be explained for staff")
        return None
    return json.loads(explanation.json()) if explanation is not None else None


def handoff(dispatcher: CollectingDispatcher, tracker: Tracker, reason: str) -> List[EventType]:
    """Leaves the case for the staff desk (a custom payload the channel receives), then pauses."""
    lang = language(tracker)
    dispatcher.utter_message(text=messages.text("handoff_done", lang))
    dispatcher.utter_message(json_message={"handoff": {
        "reason": reason,
        "language": lang,
        "question": tracker.get_slot("question"),
        "facts": known_facts(tracker.current_slot_values()),
        "decision": tracker.get_slot("last_decision"),
        "explanation": explanation_record(tracker),
        "transcript": transcript(tracker),
    }})
    return [SlotSet("handoff_offered", False), SlotSet("failures", 0), ConversationPaused()]
