"""The handoff action: the student asked for a person (or accepted the offer of one).

A reply that answers the pending fact is read as that answer even when the classifier heard a call
for a person in it; a call in so many words (nlu_components/human_request.py) always hands over."""
from __future__ import annotations

from typing import Any, Dict, List, Text

from rasa_sdk import Tracker
from rasa_sdk.events import EventType
from rasa_sdk.executor import CollectingDispatcher

import re

from actions import messages
from actions.answer import answer
from actions.common import intent_of, language
from actions.conversation import answered_pending
from actions.extract import TurnAction
from actions.staff_desk import accepted_offer_reason, handoff
from nlu_components.person_words import asks_for_a_person


class ActionHandoff(TurnAction):
    """The student asked for a person."""

    def name(self) -> Text:
        return "action_handoff"

    async def respond(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                      domain: Dict[Text, Any]) -> List[EventType]:
        if answers_pending_not_a_call(tracker):
            # "oui, c passé par le bureau de la mobilité": the pending fact, answered with the office's name
            return answer(dispatcher, tracker)
        if intent_of(tracker) == "request_human" and only_urgency(tracker):
            # "urgent svp" asks for no one: what is urgent is still to be told, and may be the rules' to answer
            dispatcher.utter_message(text=messages.text("urgent_what_happens", language(tracker)))
            return []
        reason = "request_human" if intent_of(tracker) == "request_human" else accepted_offer_reason(tracker)
        return handoff(dispatcher, tracker, reason)


def answers_pending_not_a_call(tracker: Tracker) -> bool:
    """Whether the classifier heard a call for a person in a reply that answers the pending fact and
    asks for nobody in so many words (nlu_components/human_request.py): a call in those words always
    hands over, at any time."""
    text = (tracker.latest_message or {}).get("text") or ""
    return bool(tracker.get_slot("requested_fact") and tracker.get_slot("question")) and not text.startswith("/") \
        and not asks_for_a_person(text) and answered_pending(tracker)


# A message that only says it is urgent ("urgent svp", "HELP asap!!"): a call for an answer, not for a person.
URGENCY_ONLY = re.compile(r"^\W*(?:(?:c.?est\s+|it.?s\s+|très\s+|tres\s+|very\s+|super\s+)?(?:urgent|urgence|emergency|"
                          r"help|aide|au secours|asap|vite|quickly|svp|stp|please|pls|plz|s.il vous pla[iî]t)\W*)+$", re.I)


def only_urgency(tracker: Tracker) -> bool:
    """Whether the message says only that it is urgent, asking for nobody in so many words."""
    text = (tracker.latest_message or {}).get("text") or ""
    return not asks_for_a_person(text) and bool(URGENCY_ONLY.match(text))
