"""Answers a question of the rules core, asking first for the facts it reports missing."""
from __future__ import annotations

import datetime as dt
from typing import Any, Dict, List, Optional, Text

from rasa_sdk import Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions import messages
from actions.also_asked import answer_the_others
from actions.common import intent_of, language, today
from actions.extract import TurnAction, asks_for_someone_else
from actions.staff_desk import accepted_offer_reason, decline_handoff, handoff, offer_handoff
from actions.slots import facts_set_by_this_message, situation_from_slots
from actions.understanding import aspects_of, is_what_if, later_academic_year
from rules_core import Outcome, decide, render, render_fact_question
from rules_core.decision import FactRequest
from rules_core.render import offer_payload, render_fact_value, render_option

BUTTON_ENTITY = {"level": "level", "mobility_type": "mobility_type"}


# Situations a student tells in words but never picks from a list ("I changed Bachelor after my Erasmus").
TOLD_NOT_OFFERED = {"programme_change_after_mobility"}


def fact_buttons(request: FactRequest, lang: str) -> Optional[List[Dict[str, str]]]:
    """Quick replies for closed-set answers; their payloads are read by the extraction action."""
    if request.kind == "bool":
        return [{"title": render_option(request.fact, "true", lang), "payload": "/affirm"},
                {"title": render_option(request.fact, "false", lang), "payload": "/deny"}]
    if request.kind == "choice":
        entity = BUTTON_ENTITY.get(request.fact, "fact_value")
        return [{"title": render_option(request.fact, o, lang), "payload": f'/inform{{"{entity}":"{o}"}}'}
                for o in request.options or []]
    if request.kind == "multi_choice":
        return [{"title": render_option(request.fact, o, lang), "payload": f'/inform{{"fact_value":"{o}"}}'}
                for o in request.options or [] if o not in TOLD_NOT_OFFERED] + \
               [{"title": render_option(request.fact, "none", lang), "payload": '/inform{"fact_value":"none"}'}]
    if request.kind == "mobilities":
        labels = {"fr": ("Non", "Oui, financée", "Oui, non financée"), "en": ("No", "Yes, funded", "Yes, not funded")}
        return [{"title": t, "payload": f'/inform{{"fact_value":"{v}"}}'}
                for t, v in zip(labels[lang], ("none", "funded", "not_funded"))]
    return None


MAX_ASKS = 2  # the same fact is never asked three times in a row


def times_asked(tracker: Tracker, fact: str) -> int:
    """How many times in a row, up to now, the assistant asked for this fact."""
    count = 0
    for event in reversed(tracker.events):
        if event.get("event") == "slot" and event.get("name") == "requested_fact":
            if event.get("value") != fact:
                break
            count += 1
    return count


def question_message(tracker: Tracker) -> Dict[str, Any]:
    """The parse data of the student's message that asked the current question (later ones answer its facts)."""
    found = False
    for event in reversed(tracker.events):
        if event.get("event") == "slot" and event.get("name") == "question" and event.get("value"):
            found = True
        elif found and event.get("event") == "user":
            return {**(event.get("parse_data") or {}), "text": event.get("text") or ""}
    return tracker.latest_message or {}


def question_text(tracker: Tracker) -> str:
    """The text of the student's message that asked the current question."""
    return question_message(tracker).get("text") or ""


def asked_in_passing(tracker: Tracker) -> Optional[str]:
    """ "je voudrais faire mon premier semestre à Montréal, c jouable ?": a question the classifier took
    for a statement of facts; the best-ranked question intent, when the message does ask something."""
    from actions.understanding import named_question, refine_question
    from rules_core.decision import Question

    message = tracker.latest_message or {}
    text = message.get("text") or ""
    if "?" not in text:
        return None
    for ranked in message.get("intent_ranking") or []:
        if ranked.get("name") in {q.value for q in Question} and ranked.get("confidence", 0) >= 0.15:
            return refine_question(ranked["name"], text)
    return named_question(text)  # "2 bachelors, faut que je parte 2 fois ??": its words name the question


def settled(tracker: Tracker, asking: Optional[str] = None) -> List[EventType]:
    """After an answer or a fact question: the fact asked (None once answered), no failures, no staff
    offer pending. Only the slots that change become events (Rasa stores, loads and sends every event
    of the session on each later message), except the fact asked, set on each ask: times_asked counts it."""
    events: List[EventType] = []
    if asking is not None or tracker.get_slot("requested_fact") is not None:
        events.append(SlotSet("requested_fact", asking))
    if tracker.get_slot("failures"):
        events.append(SlotSet("failures", 0))
    if tracker.get_slot("handoff_offered"):
        events.append(SlotSet("handoff_offered", False))
    return events


def no_failures(tracker: Tracker) -> List[EventType]:
    return [SlotSet("failures", 0)] if tracker.get_slot("failures") else []


def tell_problems(dispatcher: CollectingDispatcher, tracker: Tracker, lang: str) -> None:
    for problem in tracker.get_slot("input_problems") or []:
        kind, _, detail = problem.partition(":")
        if kind == "impossible_date":
            dispatcher.utter_message(text=messages.text("impossible_date", lang, date=detail))
        elif kind == "corrected":  # "TOURS not trier" while another fact was pending: say what changed
            value = tracker.get_slot(detail)
            if value is not None:
                dispatcher.utter_message(text=messages.text("corrected", lang, fact=render_fact_value(detail, value, lang)))
        elif kind == "assumed_year":  # say which year a year-less date was taken in
            from rules_core.render import format_date

            dispatcher.utter_message(text=messages.text("assumed_year", lang,
                                                        date=format_date(dt.date.fromisoformat(detail), lang)))


def answer(dispatcher: CollectingDispatcher, tracker: Tracker, question: Optional[str] = None) -> List[EventType]:
    """Decides `question` (by default the conversation's) with the facts known, or asks the next one."""
    lang = language(tracker)
    intent = intent_of(tracker)
    inferred = None if question or tracker.get_slot("question") else asked_in_passing(tracker)
    question = question or tracker.get_slot("question") or inferred
    tell_problems(dispatcher, tracker, lang)
    if not question:
        dispatcher.utter_message(text=messages.text("ask_what_question", lang))
        return no_failures(tracker)
    if asks_for_someone_else(tracker) and question == tracker.get_slot("question"):
        return _answer_for_someone_else(dispatcher, tracker, question, lang)
    events = _answer(dispatcher, tracker, question, lang, intent)
    return ([SlotSet("question", inferred)] + events) if inferred else events


def _answer_for_someone_else(dispatcher: CollectingDispatcher, tracker: Tracker, question: str,
                             lang: str) -> List[EventType]:
    """ "et mon pote portugais qui part avec moi ?": the same question for the friend, with the trip told and
    what the message says of them; the student's own facts stay as they are."""
    from actions.someone_else import answer_for_someone_else

    text = (tracker.latest_message or {}).get("text") or ""
    aspects = aspects_of(question_text(tracker))
    decision, situation, unknown = answer_for_someone_else(question, tracker.current_slot_values(), text,
                                                           today(tracker), aspects)
    if decision is None:  # it turns on facts only the friend knows: the rule, and who can answer
        dispatcher.utter_message(text=messages.text("someone_else_unknown", lang))
        return no_failures(tracker)
    dispatcher.utter_message(text=messages.text("someone_else", lang))
    dispatcher.utter_message(text=render(decision, lang), buttons=messages.buttons("why_button", lang))
    record = decision_record(decision)
    record["asked"] = asked_with(situation, unknown, aspects)  # "why?" explains this answer, the friend's
    return settled(tracker) + [SlotSet("last_decision", record)]


def _answer(dispatcher: CollectingDispatcher, tracker: Tracker, question: str, lang: str,
            intent: str) -> List[EventType]:

    situation, dropped = situation_from_slots(tracker.current_slot_values(), today(tracker))
    cleared: List[EventType] = [SlotSet(name, None) for name in dropped]
    if dropped:  # never lose a fact silently: say which one could not be used, then ask again
        labels = ", ".join(render_fact_value(name, None, lang).split(":")[0].strip() for name in dropped)
        dispatcher.utter_message(text=messages.text("set_aside", lang, facts=labels))
    unknown = list(tracker.get_slot("unknown_facts") or [])
    aspects = aspects_of(question_text(tracker))
    latest = (tracker.latest_message or {}).get("text") or ""
    if is_what_if(latest) and later_academic_year(latest, today(tracker)):  # "and if I wait until next year?"
        aspects.append("later_academic_year")
    decision = decide(question, situation, unknown, aspects)
    previous_request = tracker.get_slot("requested_fact")
    given_up: List[EventType] = []
    while decision.outcome == Outcome.missing_facts and decision.missing_facts[0].fact not in unknown \
            and times_asked(tracker, decision.missing_facts[0].fact) >= MAX_ASKS:
        # Asked twice and still not understood: a patient advisor does not ask a third time, they
        # answer for each case (or say what they cannot settle without it), as for "I don't know".
        fact = decision.missing_facts[0].fact
        label = render_fact_value(fact, None, lang).split(":")[0].strip()
        dispatcher.utter_message(text=messages.text("not_caught_moving_on", lang, fact=label))
        unknown.append(fact)
        given_up = [SlotSet("unknown_facts", list(unknown))]
        decision = decide(question, situation, unknown, aspects)
    cleared += given_up

    if decision.outcome == Outcome.missing_facts:
        request = decision.missing_facts[0]
        if request.fact in unknown:  # needed, and the student does not know it: a person can help
            label = render_fact_value(request.fact, None, lang).split(":")[0].strip()
            dispatcher.utter_message(text=messages.text("cannot_without", lang, fact=label))
            return cleared + [e for e in settled(tracker) if e["name"] != "handoff_offered"] + \
                offer_handoff(dispatcher, lang, "needs_staff")
        if previous_request == request.fact and not intent.startswith("ask_") and not tracker.get_slot("input_problems"):
            dispatcher.utter_message(text=messages.text("not_caught", lang))
        dispatcher.utter_message(text=render_fact_question(request, lang), buttons=fact_buttons(request, lang))
        return cleared + settled(tracker, asking=request.fact)

    last = tracker.get_slot("last_decision") or {}
    record = decision_record(decision)
    follow_up = intent == "inform" or is_what_if((tracker.latest_message or {}).get("text") or "")
    if follow_up and previous_request is None and last.get("question") == question:
        if _same_answer(last, record):  # the message changed nothing this answer depends on
            if intent == "inform" and not is_what_if((tracker.latest_message or {}).get("text") or ""):
                dispatcher.utter_message(text=messages.text("noted_anything_else", lang))
                return no_failures(tracker)
            # "et si j'y vais en free mover plutôt ?": the same answer, said again so it reads as one
            dispatcher.utter_message(text=messages.text("same_answer", lang))
            dispatcher.utter_message(text=render(decision, lang), buttons=messages.buttons("why_button", lang))
            # answered again: the record says so; "why?" then explains it with the facts as they are now
            return no_failures(tracker) + [
                SlotSet("last_decision", {**record, "asked": asked_with(situation, unknown, aspects)})]
        dispatcher.utter_message(text=messages.text("updated", lang))
    steps = offer_payload(decision)  # dates a channel can remind of (the Telegram adapter offers reminders)
    custom = {"reminder_offer": {"language": lang, "steps": steps}} if steps else {}
    if question == "ask_deadlines":  # the student's checklist: the channel adds the reminders already set
        custom["checklist"] = {"language": lang}
    dispatcher.utter_message(text=render(decision, lang), buttons=messages.buttons("why_button", lang),
                             json_message=custom or None)
    if not follow_up or last.get("question") != question:  # the first answer to the message that asked it
        answer_the_others(dispatcher, question_message(tracker), question, situation, unknown, lang)
    # What the decision was asked with, so "why?" explains this very answer later (actions/explain.py).
    record["asked"] = asked_with(situation, unknown, aspects)
    # last_decision is set on every answer: the office's report counts the answers by it.
    events: List[EventType] = cleared + settled(tracker) + [SlotSet("last_decision", record)]
    if decision.outcome == Outcome.needs_staff:
        events += offer_handoff(dispatcher, lang, "needs_staff")
    return events


def _same_answer(before: Dict[str, Any], after: Dict[str, Any]) -> bool:
    keys = ("outcome", "conclusions", "values")
    return all(before.get(k) == after.get(k) for k in keys)


def asked_with(situation, unknown, aspects) -> Dict[str, Any]:
    """The rules core's inputs of an answer, as JSON (the situation as given, what the student does not
    know, what exactly was asked)."""
    import json

    return {"situation": json.loads(situation.json(exclude_none=True)), "unknown": list(unknown),
            "aspects": list(aspects)}


def decision_record(decision) -> Dict[str, Any]:
    """The decision as JSON for the slot staff will read (citations included)."""
    import json

    return json.loads(decision.json())


class ActionAnswer(TurnAction):
    """Decides the pending question with the facts known so far."""

    def name(self) -> Text:
        return "action_answer"

    async def respond(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                      domain: Dict[Text, Any]) -> List[EventType]:
        return answer(dispatcher, tracker)


class ActionYesNo(TurnAction):
    """A yes or no: accepts or declines the offer to reach staff, or answers the pending fact."""

    def name(self) -> Text:
        return "action_yes_no"

    async def respond(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                      domain: Dict[Text, Any]) -> List[EventType]:
        if tracker.get_slot("handoff_offered") and not tracker.get_slot("requested_fact"):
            if intent_of(tracker) == "affirm":
                return handoff(dispatcher, tracker, reason=accepted_offer_reason(tracker))
            if not facts_set_by_this_message(tracker):
                return decline_handoff(dispatcher, tracker)
            # "ah non pardon, c'est à Nancy": a no that corrects a fact is a new answer, not a refusal
        return answer(dispatcher, tracker)
