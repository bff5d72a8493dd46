"""Dialogue flow: the language of a conversation, a type taken back, a correction after an answer, "urgent"."""
import datetime as dt

from rasa_sdk.events import SlotSet

from actions.conversation import ActionFaq, ActionNotUnderstood
from actions.corrections import CORRECTION_CUE
from actions.handoff import ActionHandoff
from actions.understanding import negated_types, read_message
from nlu_components.language import conversation_language, detect
from tests.test_actions import run, run_reading, slots_set, tracker

DAY = dt.date(2026, 11, 20)
ANSWERED = {"question": "ask_funding", "last_decision": {"question": "ask_funding", "outcome": "no"}}


def test_one_stray_french_number_word_does_not_switch_an_english_conversation():
    text = "bachelor (from sept 2028)"
    assert conversation_language(detect(text), "en", None, text) == "en"


def test_an_acronym_like_a_university_name_is_no_word_of_a_language():
    text = "erasmus at TU Graz in M2"
    assert conversation_language(detect(text), "en", None, text) == "en"


def test_a_short_english_greeting_with_a_programme_name_opens_in_english():
    text = "hey quick exchange question"
    assert conversation_language(detect(text), None, None, text) == "en"


def test_a_first_message_in_german_is_told_in_both_languages():
    messages, _ = run(ActionNotUnderstood(), tracker("Guten Tag, ich habe eine Frage", "out_of_scope", detected="de"))
    assert "français et anglais" in messages[0]["text"] and "French and English" in messages[0]["text"]


def test_a_type_taken_back_with_an_adverb_is_ruled_out():
    assert negated_types("bon c'est pas vraiment du semp, plutôt global exchange") == {"semp"}


def test_a_type_said_in_a_greeting_then_taken_back_is_forgotten():
    _, events = run_reading(tracker("en fait c pas erasmus, je vais a kyoto sans accord, comment postuler ?",
                                    "ask_application", detected="fr", language="fr", mobility_type="erasmus_plus"))
    assert slots_set(events)["mobility_type"] is None


def test_a_denied_refusal_is_no_refusal():
    assert read_message("never declined a place, and it is my first exchange", "inform", [], None, DAY).facts[
        "refused_or_cancelled_place"] is False
    assert read_message("j'ai pas refusé de place", "inform", [], None, DAY).facts["refused_or_cancelled_place"] is False


def test_facts_told_after_an_answer_without_asking_keep_the_question_just_answered():
    _, events = run_reading(tracker("no never declined a place, first exchange for me", "ask_cancellation",
                                    detected="en", language="en", **ANSWERED))
    assert "question" not in slots_set(events)


def test_colloquial_french_and_english_mix_ups_are_corrections():
    assert all(CORRECTION_CUE.search(t) for t in ("ah jme suis trompé", "i mixed it up", "je dis n'importe quoi là"))


def test_a_correction_the_classifier_took_for_an_faq_carries_the_question_on():
    messages, _ = run(ActionFaq(), tracker("oops, it was Bordeaux not Rennes", "faq", detected="en", language="en",
                                           host_city="Rennes", **ANSWERED))
    assert not any("I did not quite understand" in (m.get("text") or "") for m in messages)


def test_urgent_alone_asks_what_is_happening_instead_of_handing_over():
    messages, events = run(ActionHandoff(), tracker("URGENT pls!!", "request_human", detected="en", language="en"))
    assert messages[0]["text"].startswith("I am here")
    assert not any(e.get("event") == "pause" for e in events)


def test_an_earthquake_closing_the_host_university_is_force_majeure():
    facts = read_message("séisme au pérou, l'université est fermée, je dois rentrer ?", "ask_interruption", [], None,
                         DAY).facts
    assert facts["force_majeure"] is True
