"""Turns that are not questions: not understood, other languages, 'what do you know about me'."""
from __future__ import annotations

from typing import Any, Dict, List, Optional, Text

from rasa_sdk import Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions import messages
from actions.common import intent_of, language
from actions.extract import TurnAction, asks_for_someone_else
from actions.corrections import CORRECTION_CUE
from actions.faq_topics import named_faq_topic
from actions.responses import utter
from actions.staff_desk import offer_handoff
from actions.redirects import who_can_help
from actions.named_questions import asks
from actions.understanding import follow_up_aspects, is_what_if, named_question, refine_question
from actions.answer import answer, no_failures
from actions.slots import FACT_SLOTS, facts_set_by_this_message, known_facts
from rules_core.decision import Question

QUESTIONS = {q.value for q in Question}
from nlu_components.language import SUPPORTED
from rules_core.render import render_fact_value

FAILURES_BEFORE_OFFER = 2


def situation_facts_set_by_this_message(tracker: Tracker) -> bool:
    """Whether this message stated facts of the student's own situation beyond a level or a semester
    (a nationality, a host, dates, a programme type…): a message about someone's mobility."""
    for event in reversed(tracker.events):
        if event.get("event") == "user":
            return False
        if event.get("event") == "slot" and event.get("value") is not None and event.get("name") in FACT_SLOTS \
                and event.get("name") not in ("level", "semester"):
            return True
    return False


def situation_told_before_asking(tracker: Tracker) -> bool:
    """Whether the student told their situation first ("salut, jsuis en erasmus a gand depuis le 1er
    septembre") and this message asks the question still awaited: as if told together."""
    text = (tracker.latest_message or {}).get("text") or ""
    facts = known_facts(tracker.current_slot_values())
    return not tracker.get_slot("question") and asks(text) and any(name not in ("level", "semester") for name in facts)


def answered_pending(tracker: Tracker) -> bool:
    """Whether this message set the fact the assistant had just asked for."""
    requested = tracker.get_slot("requested_fact")
    for event in reversed(tracker.events):
        if event.get("event") == "user":
            return False
        if event.get("event") == "slot" and event.get("name") == requested and event.get("value") is not None:
            return True
    return False


def language_set_by_this_message(tracker: Tracker) -> bool:
    """Whether the conversation's language was first set (or switched) by this message."""
    for event in reversed(tracker.events):
        if event.get("event") == "user":
            return False
        if event.get("event") == "slot" and event.get("name") == "language":
            return True
    return False


AMBIGUOUS_MIN = 0.3  # above the fallback threshold (config.yml): an ambiguity, not a message not understood


LIKELY_WITH_FACTS = 0.2  # a question intent this likely, in a message that states facts, is worth answering
DOMINANT_WITH_FACTS = 0.5  # a question this likely outweighs the near-miss threshold when facts are stated


def likely_question(message: Dict[str, Any], gave_facts: bool = False, gave_situation: bool = False) -> Optional[str]:
    """The question intent ranked first when the NLU fell back only because two intents were close,
    or because a long message full of facts spread the confidence."""
    if (message.get("intent") or {}).get("name") not in ("nlu_fallback", "out_of_scope"):
        return None
    named = named_question(message.get("text") or "")
    if named and message.get("language") in (None, *SUPPORTED):
        return named  # "can my OLS result stand for the certificate?": a few words name the question
    if (message.get("intent") or {}).get("name") != "nlu_fallback":
        return None
    ranking = [r for r in message.get("intent_ranking") or [] if r.get("name") != "nlu_fallback"]
    scores = {r.get("name"): r.get("confidence", 0) for r in ranking}
    questions = sorted((r for r in ranking if r.get("name") in QUESTIONS), key=lambda r: -r.get("confidence", 0))
    if gave_situation and questions and questions[0].get("confidence", 0) >= DOMINANT_WITH_FACTS \
            and questions[0]["confidence"] > scores.get("out_of_scope", 0):
        # The near-miss threshold put out_of_scope first, but a question intent scored higher still in a
        # message that states the student's mobility facts: that question, rather than "rephrase?".
        return refine_question(questions[0]["name"], message.get("text") or "")
    if not ranking or ranking[0].get("name") not in QUESTIONS:
        return None
    confidence = ranking[0].get("confidence", 0)
    if confidence >= AMBIGUOUS_MIN or (gave_facts and confidence >= LIKELY_WITH_FACTS):
        return refine_question(ranking[0]["name"], message.get("text") or "")
    return None


class ActionNotUnderstood(TurnAction):
    """Out of scope or not understood: say what the assistant can do; offer staff when it repeats."""

    def name(self) -> Text:
        return "action_not_understood"

    async def respond(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                      domain: Dict[Text, Any]) -> List[EventType]:
        message = tracker.latest_message or {}
        message_language = message.get("language")
        if tracker.get_slot("question") and answered_pending(tracker):
            # "just that I work part-time": the answer to the pending fact, whatever question it sounded like;
            # "italy, im italian": whatever language its few words sounded like (actions/extract.py read it)
            return answer(dispatcher, tracker)
        text = message.get("text") or ""
        if message_language in (None, *SUPPORTED) and tracker.get_slot("question") and tracker.get_slot("last_decision") \
                and (((is_what_if(text) or follow_up_aspects(text, tracker.get_slot("question"))
                       or (CORRECTION_CUE.search(text) and facts_set_by_this_message(tracker)))
                      and not named_question(text)) or asks_for_someone_else(tracker)):
            # "and if i go to nancy instead? its cheaper there": the question just answered, with another
            # host, even when the classifier heard another question (cheaper → cancellation) and fell back;
            # "pardon je me suis trompée, je suis en M1 pas en bachelor": a fact corrected, the same question
            return answer(dispatcher, tracker)
        topic = None if named_question(text) else named_faq_topic(text)
        if topic and message_language in (None, *SUPPORTED) \
                and utter(dispatcher, domain, f"{FAQ_RESPONSES}/{topic}", language(tracker)):
            # "how does my transcript get to uni.lu?": an FAQ topic named in the student's own words, which
            # the classifier took for another service's question or could not place
            return no_failures(tracker)
        likely = likely_question(message, facts_set_by_this_message(tracker),
                                 situation_facts_set_by_this_message(tracker) or situation_told_before_asking(tracker))
        if likely and message_language in (None, *SUPPORTED):
            # Two question intents too close to call: answer the likelier one rather than "rephrase?".
            return [SlotSet("question", likely)] + answer(dispatcher, tracker, question=likely)
        pending = tracker.get_slot("requested_fact") and (message.get("text") or "").strip()
        if message_language in (None, *SUPPORTED) and tracker.get_slot("question") and (
                facts_set_by_this_message(tracker) or pending):
            # The intent was unclear but the message gave facts, or was meant as the answer to the
            # pending question: carry on with the question (asked again at most once, then moved past).
            return answer(dispatcher, tracker)
        lang = language(tracker)
        message = tracker.latest_message or {}
        failures = int(tracker.get_slot("failures") or 0) + 1
        if not (message.get("text") or "").strip():
            key = "empty"
        elif message.get("language") not in (None, *SUPPORTED):
            key = "only_fr_en"
        elif intent_of(tracker) == "out_of_scope":
            who = who_can_help(message.get("text") or "", lang)
            key = "out_of_scope" if who else "out_of_scope_plain"
        else:
            key = "default"
        if key == "only_fr_en" and language_set_by_this_message(tracker):
            # "hallo" as a first message: no language of the conversation before it, so both are offered
            reply = "\n".join(messages.text(key, each) for each in SUPPORTED)
        else:
            reply = messages.text(key, lang, who=who) if key == "out_of_scope" else messages.text(key, lang)
        dispatcher.utter_message(text=reply)
        events: List[EventType] = [SlotSet("failures", failures)]
        if failures >= FAILURES_BEFORE_OFFER and not tracker.get_slot("handoff_offered"):
            events += offer_handoff(dispatcher, lang, "misunderstanding")
        return events


class ActionShowProfile(TurnAction):
    """Reads back every fact the assistant holds, so the student can correct it."""

    def name(self) -> Text:
        return "action_show_profile"

    async def respond(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                      domain: Dict[Text, Any]) -> List[EventType]:
        text = (tracker.latest_message or {}).get("text") or ""
        if tracker.get_slot("question") and tracker.get_slot("last_decision") and is_what_if(text):
            return answer(dispatcher, tracker)  # "what about Liège?" is the same question with another town
        lang = language(tracker)
        facts = known_facts(tracker.current_slot_values())
        if not facts:
            dispatcher.utter_message(text=messages.text("profile_empty", lang))
            return []
        lines = [f"- {render_fact_value(name, value, lang)}" for name, value in facts.items()]
        dispatcher.utter_message(text=messages.text("profile_intro", lang) + "\n" + "\n".join(lines))
        return []


class ActionHelp(TurnAction):
    """What the assistant can do; during a pending question, "je sais pas" is an answer, not a call for help."""

    def name(self) -> Text:
        return "action_help"

    async def respond(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                      domain: Dict[Text, Any]) -> List[EventType]:
        if tracker.get_slot("requested_fact") and tracker.get_slot("question") and facts_set_by_this_message(tracker):
            return answer(dispatcher, tracker)
        utter(dispatcher, domain, "utter_help", language(tracker))
        return []


FAQ_RESPONSES = "utter_faq"  # the response selector's topics are utter_faq/<topic>


class ActionFaq(TurnAction):
    """An informational answer (the response selector's topic); an answer to the pending question or a
    what-if follow-up that the classifier took for a topic carries the question on instead."""

    def name(self) -> Text:
        return "action_faq"

    async def respond(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                      domain: Dict[Text, Any]) -> List[EventType]:
        message = tracker.latest_message or {}
        named = named_question(message.get("text") or "")
        if named and asks(message.get("text") or ""):
            # "if I take the internship, do I still have to go abroad?": the rules core's answer, with its articles
            return [SlotSet("question", named)] + answer(dispatcher, tracker, question=named)
        if tracker.get_slot("question") and (
                (tracker.get_slot("requested_fact") and facts_set_by_this_message(tracker))
                or (tracker.get_slot("last_decision") and is_what_if(message.get("text") or ""))
                or corrects_a_fact(tracker) or asks_for_someone_else(tracker)):
            return answer(dispatcher, tracker)
        selected = ((message.get("response_selector") or {}).get("faq") or {}).get("response") or {}
        topic = selected.get("utter_action")
        named_topic = named_faq_topic(message.get("text") or "")
        if named_topic:
            # "do my grades from Seoul go on my transcript?": the words that name a topic (the grades, Art. 22)
            # outweigh a neighbouring topic the selector preferred (how the transcript travels, Art. 21)
            topic = f"{FAQ_RESPONSES}/{named_topic}"
        lang = language(tracker)
        if not (topic and topic.startswith(FAQ_RESPONSES + "/") and utter(dispatcher, domain, topic, lang)):
            utter(dispatcher, domain, "utter_help", lang)  # no topic chosen: say what the assistant does
        return []


def corrects_a_fact(tracker: Tracker) -> bool:
    """Whether the message, after an answer, corrects a fact of it and asks nothing else ("wait sorry, it was
    36 credits, not 24"): the question just answered, with the fact corrected."""
    text = (tracker.latest_message or {}).get("text") or ""
    return bool(tracker.get_slot("last_decision") and CORRECTION_CUE.search(text) and not asks(text)
                and facts_set_by_this_message(tracker))


SMALL_TALK = {"greet": "utter_greet", "goodbye": "utter_goodbye", "thank": "utter_you_are_welcome",
              "bot_challenge": "utter_iamabot"}


class ActionSmallTalk(TurnAction):
    """Greetings, goodbyes, thanks, "are you a bot?": the domain's response, in the message's language."""

    def name(self) -> Text:
        return "action_small_talk"

    async def respond(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                      domain: Dict[Text, Any]) -> List[EventType]:
        text = (tracker.latest_message or {}).get("text") or ""
        if intent_of(tracker) in ("thank", "greet") and (tracker.latest_message or {}).get("language") in (None, *SUPPORTED):
            # "ok merci. et qui doit le signer ?": the thanks come with a question, which is answered
            asked = asked_beside_small_talk(text)
            if asked:
                from actions.extract import with_events

                events: List[EventType] = [SlotSet("question", asked)]
                return events + answer(dispatcher, with_events(tracker, events), question=asked)
            if tracker.get_slot("question") and tracker.get_slot("last_decision") and "?" in text and is_what_if(text):
                return answer(dispatcher, tracker)  # "thanks! and for Gent?": the same question, another host
        utter(dispatcher, domain, SMALL_TALK.get(intent_of(tracker), "utter_help"), language(tracker))
        return []


def asked_beside_small_talk(text: str) -> Optional[str]:
    """The question a thanks or a greeting also asks ("thanks, and who signs it?"): named by its words,
    or by what exactly it asks of a question (rules_core.decision.ASPECTS)."""
    from actions.understanding import aspects_of
    from rules_core.decision import ASPECTS

    if "?" not in text:
        return None
    named = named_question(text)
    if named:
        return named
    return next((ASPECTS[aspect] for aspect in aspects_of(text) if aspect in ASPECTS), None)
