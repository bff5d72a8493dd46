"""'Why?' and 'what would change it?': the explanation of the conversation's last rules-core answer."""
from __future__ import annotations

from typing import Any, Dict, List, Text

from rasa_sdk import Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions import messages
from actions.answer import answer, asked_in_passing
from actions.common import language
from actions.extract import TurnAction
from actions.slots import last_explanation
from actions.understanding import WHY_WORDS, is_what_if, names_a_fact
from rules_core.render import render_explanation


class ActionExplain(TurnAction):
    """Explains the last answer: the facts used, the rules applied or not, and what would change it."""

    def name(self) -> Text:
        return "action_explain"

    async def respond(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                      domain: Dict[Text, Any]) -> List[EventType]:
        text = (tracker.latest_message or {}).get("text") or ""
        last = tracker.get_slot("last_decision")
        if tracker.get_slot("question") and last and (is_what_if(text) or not WHY_WORDS.search(text) and names_a_fact(text)):
            # "why not Liège?" names a fact: the same question, with it; so does "the 2nd one would be global
            # exchange", which the classifier may take for a "why?" though it asks none
            return answer(dispatcher, tracker)
        lang = language(tracker)
        explanation = last_explanation(last)
        if explanation is None:
            question = asked_in_passing(tracker)  # "why is there no grant near Luxembourg?" asks a question
            if question:
                return [SlotSet("question", question)] + answer(dispatcher, tracker, question)
            dispatcher.utter_message(text=messages.text("why_nothing_yet", lang))
            return []
        dispatcher.utter_message(text=render_explanation(explanation, lang))
        return []
