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

from actions import messages
from actions.common import intent_of, language, today
from actions.corrections import corrected_host_town
from actions.languages import native_speaker, teaching_language
from actions.redirects import who_for_topic
from actions.staff_desk import transcript
from actions.staff_mobility import asks_own_staff_mobility
from actions.slots import to_slot_value, valid_alone
from actions.named_questions import asks
from actions.understanding import UNSURE, follow_up_place, is_what_if, negated_types, opens_as_what_if, named_question, read_message, refine_question
from rules_core.countries import to_iso
from nlu_components.language import SUPPORTED, conversation_language
from rules_core.decision import Question

QUESTIONS = {q.value for q in Question}
CONFIDENT_OTHER_QUESTION = 0.6  # a question intent this sure outweighs a trailing "instead" / "à la place"…
BARE_FOLLOW_UP_WORDS = 6  # … in a message long enough to ask something besides the place ("et trèves plutôt ?")


class TurnAction(Action, metaclass=ABCMeta):
    """An action that answers a user message: reads the message first, then `respond`s to it.
    (Abstract: rasa_sdk registers every concrete subclass of Action it finds.)"""

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                  domain: Dict[Text, Any]) -> List[EventType]:
        if asks_own_staff_mobility_now(tracker):
            # "can I get Erasmus funding to go teach in Graz myself?": a lecturer's own trip is no
            # student's question, whichever question intent the classifier heard; nothing is read as a fact.
            events = language_events(tracker)
            lang = next((e["value"] for e in events if e.get("name") == "language"), None) or language(tracker)
            who = who_for_topic("staff_mobility", lang)
            dispatcher.utter_message(text=messages.text("out_of_scope", lang, who=who))
            return events
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


# Intents a staff member's own trip may be heard as; a call for a person, a yes or a no keep their meaning.
STAFF_GUARDED = QUESTIONS | {"nlu_fallback", "out_of_scope", "faq", "inform"}


def asks_own_staff_mobility_now(tracker: Tracker) -> bool:
    """Whether this message asks about the speaker's own staff mobility (actions/staff_mobility.py),
    with what they said earlier in the conversation as context."""
    message = tracker.latest_message or {}
    text = message.get("text") or ""
    if text.startswith("/") or intent_of(tracker) not in STAFF_GUARDED \
            or message.get("language") not in (None, *SUPPORTED):
        return False
    # The context is the staff transcript's turns (the last 40), which Rasa's history window keeps
    # (rasa_extensions/history_window.py): a lecturer's "I teach law" said long before is not reread.
    earlier = [turn["text"] for turn in transcript(tracker) if turn["from"] == "student"]
    return asks_own_staff_mobility(text, earlier[:-1] if earlier and earlier[-1] == text else earlier)


def language_events(tracker: Tracker) -> List[EventType]:
    """The conversation language, set when this message changes it."""
    message = tracker.latest_message or {}
    lang = conversation_language(message.get("language"), tracker.get_slot("language"),
                                 (message.get("metadata") or {}).get("language_code"), message.get("text") or "")
    return [SlotSet("language", lang)] if lang != tracker.get_slot("language") else []


def read_message_facts(tracker: Tracker) -> List[EventType]:
    """Sets the conversation language and every fact the message gives."""
    message = tracker.latest_message or {}
    intent = intent_of(tracker)
    events: List[EventType] = language_events(tracker)

    requested = tracker.get_slot("requested_fact")
    text = message.get("text") or ""
    if asks_for_someone_else(tracker):
        return events  # "et mon pote portugais ?": what it says is the friend's, never the student's (actions/someone_else.py)
    what_if = bool(tracker.get_slot("question") and tracker.get_slot("last_decision") and is_what_if(text))
    if what_if and intent in QUESTIONS and intent != tracker.get_slot("question") and not opens_as_what_if(text) \
            and len(text.split()) > BARE_FOLLOW_UP_WORDS \
            and (message.get("intent") or {}).get("confidence", 0) >= CONFIDENT_OTHER_QUESTION:
        # "can I get the grant if I go to Lyon instead?" after the fees: a question clearly asked, with a new
        # fact, is that question; only a message opening as a what-if keeps the question just answered
        what_if = False
    asked_instead = named_question(text) if what_if else None
    if asked_instead and asked_instead != tracker.get_slot("question"):
        # "and if I go to Lyon, will I get the grant?" after the fees: a new question with a new fact
        what_if = False
        events.append(SlotSet("question", asked_instead))
        requested = None
    answers_pending = bool(requested) and _answers_pending(text, intent, message, requested, tracker)
    # "no sorry autocorrect, TOURS not trier" while the origin is pending: the host is corrected, the
    # pending question goes on (asked again), and "in france" is not read as the student's origin.
    corrected_town = None if what_if else corrected_host_town(text, requested, bool(tracker.get_slot("question")))
    if corrected_town:
        answers_pending = False
    named = named_question(text) if intent in ("nlu_fallback", "out_of_scope", "faq") and asks(text) else None
    after_extension = switched = None
    if asked_instead and not what_if:
        pass  # the question its words name, set above
    elif intent in QUESTIONS and not what_if and not answers_pending:
        switched = SlotSet("question", refine_question(intent, text))
        events.append(switched)
        requested = None  # a new question: this message answers nothing pending
        if refine_question(intent, text) == "ask_funding" and tracker.get_slot("question") == "ask_extension" \
                and (tracker.get_slot("last_decision") or {}).get("question") == "ask_extension":
            after_extension = True  # "and the grant for that semester?": the semester just asked to extend
    elif named and not answers_pending:  # a follow-up the classifier missed, named by its own words
        events.append(SlotSet("question", named))
        requested = None
    elif what_if or corrected_town:
        requested = None  # "et si je pars à Nancy à la place ?": the same question, with another fact

    if message.get("language") not in (None, *SUPPORTED) and not (answers_pending and short_reply(text)):
        # A language the assistant does not speak: nothing is read as a fact. A short reply that answers
        # the pending question ("italy, im italian") is in the conversation's language, whatever its words.
        return events
    reading = read_message(message.get("text") or "", intent, message.get("entities") or [], requested,
                           today(tracker))
    # "jsais pas, juste que je suis pas européen": not known, whatever other fact the message adds
    if requested and requested not in reading.facts and UNSURE.search(message.get("text") or ""):
        events.append(SlotSet("fact_not_known", requested))  # read by the office's report
        unknown = list(tracker.get_slot("unknown_facts") or [])
        # The rules core then answers with the conditions instead of asking again.
        events.append(SlotSet("unknown_facts", unknown + [requested] if requested not in unknown else unknown))
    unsure = [name for name in reading.unsure if name not in reading.facts]
    if unsure:  # "not sure yet if it is Erasmus or free mover": answered for each case, not asked
        unknown = list(tracker.get_slot("unknown_facts") or [])
        unknown += [name for name in unsure if name not in unknown]
        for name, values in reading.candidates.items():  # "either X or Y": those two cases only
            unknown = [e for e in unknown if not str(e).startswith(name + "=")] + [f"{name}={v}" for v in values]
        events += [SlotSet("unknown_facts", unknown)] + [SlotSet(name, None) for name in unsure]
    if what_if and "host_city" not in reading.facts and "host_country" not in reading.facts:
        # "et si je pars a nancy a la place ?" (no capital, no entity), "ok and uni liege?", "c pas metz c lisbonne"
        place = follow_up_place(text)
        if place:
            code = to_iso(place)
            reading.facts.update({"host_country": code} if code else {"host_city": place})
    if "native_speaker" not in reading.facts and teaching_language(text):
        # "and if I took the English-taught courses instead?": native or not of that language, by the mother
        # tongue said before; not known, the native-speaker answer given for another language no longer holds.
        earlier = [(said, pending == "native_speaker") for said, pending in earlier_messages(tracker)]
        native = native_speaker(text, earlier, answering=requested == "native_speaker")
        if native is not None or (what_if and tracker.get_slot("native_speaker") is not None):
            reading.facts["native_speaker"] = native
    if corrected_town and "host_city" not in reading.facts:
        reading.facts["host_city"] = corrected_town
    if corrected_town:
        reading.problems.append("corrected:host_city")  # said back, instead of "I did not catch that answer"
    for name in reading.weak:  # "M1" after "my 2nd semester": the year code does not undo the semester said
        if name in reading.facts and tracker.get_slot(name) is not None and requested != name:
            reading.facts.pop(name)
    if after_extension and tracker.get_slot("is_extension") is None:
        reading.facts.setdefault("is_extension", True)
    ruled_out = negated_types(text)
    if reading.facts.get("mobility_type", tracker.get_slot("mobility_type")) in ruled_out:
        # "question sur erasmus", then "en fait c'est pas erasmus, …": the type said before is taken back
        reading.facts["mobility_type"] = None
    facts = _keep_place_consistent(reading.facts, tracker, requested)
    if switched and switched["value"] != tracker.get_slot("question") and tracker.get_slot("last_decision") \
            and facts and not asks(text) and not named_question(text):
        # "no first time abroad and i never refused any place" after an answer: facts told for the question
        # just answered, which asks nothing new, whatever question the classifier heard in their words
        events.remove(switched)
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


def earlier_messages(tracker: Tracker) -> List[tuple]:
    """(text, the fact pending then) of the student's messages before the latest one, in this session."""
    pending, said = None, []
    for event in tracker.events:
        if event.get("event") == "slot" and event.get("name") == "requested_fact":
            pending = event.get("value")
        elif event.get("event") == "user":
            said.append((event.get("text") or "", pending))
    if said and said[-1][0] == ((tracker.latest_message or {}).get("text") or ""):
        said.pop()  # the latest message itself
    return said[-EARLIER_MESSAGES:]


# The last messages only: Rasa's history window keeps the last 20 turns (rasa_extensions/history_window.py)
EARLIER_MESSAGES = 10


def asks_for_someone_else(tracker: Tracker) -> bool:
    """Whether the message asks the question just answered for another person ("and my flatmate?")."""
    from actions.someone_else import about_someone_else

    text = (tracker.latest_message or {}).get("text") or ""
    return bool(tracker.get_slot("question") and tracker.get_slot("last_decision") and not tracker.get_slot("requested_fact")
                and about_someone_else(text) and named_question(text) in (None, tracker.get_slot("question")))


SHORT_REPLY_WORDS = 8  # a reply this short gives too few words to tell its language by itself


def short_reply(text: str) -> bool:
    return len((text or "").split()) <= SHORT_REPLY_WORDS


def _answers_pending(text: str, intent: str, message: Dict[str, Any], requested: str, tracker: Tracker) -> bool:
    """ "30 ects", "une, erasmus à bologne, avec la bourse": a short reply that answers the pending
    question is that answer, even when its words sound like another question to the classifier."""
    if asks(text) or len(text.split()) > 30:  # a longer reply without a question still answers
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
