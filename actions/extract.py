"""What every user message says, read by the action that answers it: the language and the facts.

Each action Rasa runs after a user message (a `TurnAction`) first reads the message, then answers
with the facts it gave: one call to the action server per message. (Before issue 12 the reading was
`action_validate_slot_mappings`, which Rasa's action_extract_slots called on every message: a second
call, with the whole session serialised, validated and decoded once more.)"""
from __future__ import annotations

from abc import ABCMeta, abstractmethod
from typing import Any, Dict, List, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.common import intent_of, today
from actions.slots import to_slot_value, valid_alone
from actions.understanding import UNSURE, bare_place, is_what_if, named_question, read_message, refine_question
from rules_core.countries import to_iso
from nlu_components.language import SUPPORTED, conversation_language
from rules_core.decision import Question

QUESTIONS = {q.value for q in Question}


class TurnAction(Action, metaclass=ABCMeta):
    """An action that answers a user message: reads the message first, then `respond`s to it.
    (Abstract: rasa_sdk registers every concrete subclass of Action it finds.)"""

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                  domain: Dict[Text, Any]) -> List[EventType]:
        read = read_message_facts(tracker)
        return read + await self.respond(dispatcher, with_events(tracker, read), domain)

    @abstractmethod
    async def respond(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                      domain: Dict[Text, Any]) -> List[EventType]:
        """The answer, given the tracker with what the message said already applied."""


def with_events(tracker: Tracker, events: List[EventType]) -> Tracker:
    """The tracker as it is once `events` are applied: the slots they set, and the events themselves
    after the user message (what `facts_set_by_this_message` and the other readers look for)."""
    slots = {**tracker.slots, **{e["name"]: e["value"] for e in events if e.get("event") == "slot"}}
    return Tracker(tracker.sender_id, slots, tracker.latest_message, [*tracker.events, *events], tracker.is_paused(),
                   tracker.followup_action, tracker.active_loop, tracker.latest_action_name)


def read_message_facts(tracker: Tracker) -> List[EventType]:
    """Sets the conversation language and every fact the message gives."""
    message = tracker.latest_message or {}
    metadata = message.get("metadata") or {}
    intent = intent_of(tracker)
    events: List[EventType] = []

    lang = conversation_language(message.get("language"), tracker.get_slot("language"),
                                 metadata.get("language_code"))
    if lang != tracker.get_slot("language"):
        events.append(SlotSet("language", lang))

    requested = tracker.get_slot("requested_fact")
    text = message.get("text") or ""
    what_if = bool(tracker.get_slot("question") and tracker.get_slot("last_decision") and is_what_if(text))
    answers_pending = bool(requested) and _answers_pending(text, intent, message, requested, tracker)
    named = named_question(text) if intent in ("nlu_fallback", "out_of_scope", "faq") and "?" in text else None
    after_extension = None
    if intent in QUESTIONS and not what_if and not answers_pending:
        events.append(SlotSet("question", refine_question(intent, text)))
        requested = None  # a new question: this message answers nothing pending
        if refine_question(intent, text) == "ask_funding" and tracker.get_slot("question") == "ask_extension" \
                and (tracker.get_slot("last_decision") or {}).get("question") == "ask_extension":
            after_extension = True  # "and the grant for that semester?": the semester just asked to extend
    elif named and not answers_pending:  # a follow-up the classifier missed, named by its own words
        events.append(SlotSet("question", named))
        requested = None
    elif what_if:
        requested = None  # "et si je pars à Nancy à la place ?": the same question, with another fact

    if message.get("language") not in (None, *SUPPORTED):
        return events  # a language the assistant does not speak: nothing is read as a fact
    reading = read_message(message.get("text") or "", intent, message.get("entities") or [], requested,
                           today(tracker))
    if requested and not reading.facts and UNSURE.search(message.get("text") or ""):
        events.append(SlotSet("fact_not_known", requested))  # read by the office's report
        unknown = list(tracker.get_slot("unknown_facts") or [])
        # The rules core then answers with the conditions instead of asking again.
        events.append(SlotSet("unknown_facts", unknown + [requested] if requested not in unknown else unknown))
    unsure = [name for name in reading.unsure if name not in reading.facts]
    if unsure:  # "not sure yet if it is Erasmus or free mover": answered for each case, not asked
        unknown = list(tracker.get_slot("unknown_facts") or [])
        unknown += [name for name in unsure if name not in unknown]
        events += [SlotSet("unknown_facts", unknown)] + [SlotSet(name, None) for name in unsure]
    if what_if and "host_city" not in reading.facts and "host_country" not in reading.facts:
        place = bare_place(text)  # "et si je pars a nancy a la place ?" (no capital, no entity)
        if place:
            code = to_iso(place)
            reading.facts.update({"host_country": code} if code else {"host_city": place})
    for name in reading.weak:  # "M1" after "my 2nd semester": the year code does not undo the semester said
        if name in reading.facts and tracker.get_slot(name) is not None and requested != name:
            reading.facts.pop(name)
    if after_extension and tracker.get_slot("is_extension") is None:
        reading.facts.setdefault("is_extension", True)
    facts = _keep_place_consistent(reading.facts, tracker, requested)
    problems = list(reading.problems)
    for name, value in facts.items():
        value = to_slot_value(value)
        if value is None or valid_alone(name, value):
            events.append(SlotSet(name, value))
        else:
            problems.append(f"invalid:{name}")
    if problems or tracker.get_slot("input_problems"):
        events.append(SlotSet("input_problems", problems or None))
    return events


def _answers_pending(text: str, intent: str, message: Dict[str, Any], requested: str, tracker: Tracker) -> bool:
    """ "30 ects", "une, erasmus à bologne, avec la bourse": a short reply that answers the pending
    question is that answer, even when its words sound like another question to the classifier."""
    if "?" in text or len(text.split()) > 30:  # a longer reply without a question still answers
        return False
    reading = read_message(text, intent, message.get("entities") or [], requested, today(tracker))
    return requested in reading.facts


def _keep_place_consistent(facts: Dict[str, Any], tracker: Tracker, requested: Any) -> Dict[str, Any]:
    """A new host town forgets the old host country, and a new country a town not in it."""
    from rules_core.gazetteer import gazetteer

    facts = dict(facts)
    city, country = facts.get("host_city"), facts.get("host_country")
    if city and "host_country" not in facts and city != tracker.get_slot("host_city"):
        if tracker.get_slot("host_country"):
            facts["host_country"] = None
    if country and "host_city" not in facts and requested != "host_country":
        known_city = tracker.get_slot("host_city")
        if known_city and not gazetteer().lookup(known_city, country):
            facts["host_city"] = None
    return facts
