"""'Why?' after a rules-core answer: the action, driven with a rasa_sdk Tracker and CollectingDispatcher."""
from actions.answer import ActionAnswer
from actions.explain import ActionExplain
from actions.handoff import ActionHandoff
from tests.test_actions import run, slots_set, tracker

TRIER = dict(level="bachelor", mobility_type="erasmus_plus", host_city="Trier", country_of_origin="LU",
             earlier_mobilities=[], refused_or_cancelled_place=False)


def answered(lang="en", **facts):
    """The slots after the assistant answered the funding question for these facts."""
    messages, events = run(ActionAnswer(), tracker("do I get a grant?", "ask_funding", question="ask_funding",
                                                   language=lang, **facts))
    return messages, slots_set(events)["last_decision"]


def test_every_rules_core_answer_carries_a_why_quick_reply_in_the_students_language():
    for lang, title in (("en", "Why?"), ("fr", "Pourquoi ?")):
        messages, _ = answered(lang, **TRIER)
        assert messages[-1]["buttons"] == [{"title": title, "payload": "/ask_why"}]


def test_why_after_a_refused_grant_gives_the_facts_the_rule_and_that_liege_would_be_funded():
    _, last = answered("en", **TRIER)
    messages, events = run(ActionExplain(), tracker("why?", "ask_why", language="en", question="ask_funding",
                                                    last_decision=last, **TRIER))
    said = messages[-1]["text"]
    assert "- Host city: Trier" in said
    assert "inside the 100 km radius" in said and "Art. 5(4)" in said
    assert "No Erasmus+ grant in your country of origin (Art. 5(3)" in said  # checked, did not apply
    assert "With a host more than 100 km from Esch-sur-Alzette — Liège (Belgium, 128.5 km), for example —, " \
           "the answer would be: Yes." in said
    assert events == []


def test_pourquoi_explains_in_french_the_answer_as_it_was_given_even_after_the_facts_changed():
    _, last = answered("fr", **TRIER)
    # The student has since named another town: "pourquoi ?" still explains the answer they read.
    messages, _ = run(ActionExplain(), tracker("pourquoi ?", "ask_why", language="fr", question="ask_funding",
                                               last_decision=last, **{**TRIER, "host_city": "Lisbonne"}))
    said = messages[-1]["text"]
    assert said.startswith("Voici comment je suis arrivé à cette réponse.")
    assert "- Ville d'accueil : Trier" in said
    assert "Avec une université d'accueil à plus de 100 km d'Esch-sur-Alzette — Liège (Belgique, 128,5 km) " \
           "par exemple —, la réponse serait : Oui." in said


def test_why_before_any_answer_says_kindly_there_is_nothing_to_explain_yet():
    for lang, start in (("en", "I have not given you an answer to explain yet."),
                        ("fr", "Je ne vous ai encore donné aucune réponse à expliquer.")):
        messages, events = run(ActionExplain(), tracker("why?", "ask_why", language=lang))
        assert messages[-1]["text"].startswith(start) and events == []


def test_why_not_liege_is_the_same_question_asked_again_with_that_town():
    _, last = answered("en", **TRIER)
    messages, events = run(ActionExplain(), tracker("why not Liège?", "ask_why", language="en",
                                                    question="ask_funding", last_decision=last,
                                                    **{**TRIER, "host_city": "Liège"}))
    assert slots_set(events)["last_decision"]["outcome"] == "yes"


def test_the_staff_ticket_carries_the_explanation_of_the_last_answer():
    _, last = answered("en", **TRIER)
    messages, _ = run(ActionHandoff(), tracker("I want a person", "request_human", language="en",
                                               question="ask_funding", last_decision=last, **TRIER))
    case = next(m["custom"]["handoff"] for m in messages if m.get("custom"))
    explanation = case["explanation"]
    assert explanation["outcome"] == "no"
    assert explanation["what_would_change"][0]["params"]["city"] == "Liège"
