"""Several questions in one message: the actions answer the first and then each other one, or list it
with a button (actions/also_asked.py), driven with a rasa_sdk Tracker and CollectingDispatcher."""
import asyncio

from rasa_sdk.executor import CollectingDispatcher

from actions.answer import ActionAnswer
from actions.also_asked import other_questions
from tests import test_actions
from tests.test_actions import DOMAIN


def tracker(text, intent, segments, **slots):
    """The actions' test tracker (tests/test_actions.py), its message with the NLU's question sentences."""
    built = test_actions.tracker(text, intent, detected="en", **slots)
    built.latest_message["question_segments"] = segments
    return built


def segment(text, intent, confidence=0.8):
    return {"text": text, "intent": intent, "confidence": confidence}


def texts(dispatcher):
    return [m.get("text") or "" for m in dispatcher.messages]


def test_the_other_questions_are_those_of_the_other_sentences_in_order_without_the_one_answered():
    parse = {"question_segments": [segment("must I go abroad?", "ask_obligation"),
                                   segment(" and who pays my fees?", "ask_fees"),
                                   segment(" and do I need a visa?", "ask_visa")]}
    assert other_questions(parse, "ask_obligation") == ["ask_fees", "ask_visa"]


def test_a_sentence_the_classifier_is_unsure_of_counts_only_when_its_words_name_a_question():
    parse = {"question_segments": [segment("will I get money for Lyon?", "ask_funding"),
                                   segment(" hmm what do you think?", "ask_visa", confidence=0.2),
                                   segment(" est-ce que je dois partir à l'étranger ?", "greet", confidence=0.2)]}
    assert other_questions(parse, "ask_funding") == ["ask_obligation"]


def test_a_second_question_the_known_facts_settle_is_answered_after_the_first():
    dispatcher = CollectingDispatcher()
    asked = tracker("I'm in my bachelor, do I have to go abroad? and who do I pay my tuition fees to?", "ask_obligation",
                    [segment("I'm in my bachelor, do I have to go abroad?", "ask_obligation"),
                     segment(" and who do I pay my tuition fees to?", "ask_fees")],
                    question="ask_obligation", level="bachelor", language="en", mobility_type="erasmus_plus")
    asyncio.run(ActionAnswer().run(dispatcher, asked, DOMAIN))
    said = texts(dispatcher)
    assert said[0].startswith("Yes")
    assert any(t.startswith("You also asked") and "Tuition fees" in t for t in said)
    assert any("Art. 11" in t or "tuition" in t.lower() for t in said[2:])


def test_a_second_question_that_needs_facts_is_listed_with_a_button_to_ask_it_next():
    dispatcher = CollectingDispatcher()
    asked = tracker("do I have to go abroad? and will I get a grant?", "ask_obligation",
                    [segment("do I have to go abroad?", "ask_obligation"), segment(" and will I get a grant?", "ask_funding")],
                    question="ask_obligation", level="bachelor", language="en")
    asyncio.run(ActionAnswer().run(dispatcher, asked, DOMAIN))
    listed = dispatcher.messages[-1]
    assert "Will I get a grant?" in listed["text"]
    assert listed["buttons"] == [{"title": "Will I get a grant?", "payload": "/ask_funding"}]


def test_a_message_with_one_question_gets_no_also_asked():
    dispatcher = CollectingDispatcher()
    asked = tracker("do I have to go abroad?", "ask_obligation", [], question="ask_obligation", level="bachelor",
                    language="en")
    asyncio.run(ActionAnswer().run(dispatcher, asked, DOMAIN))
    assert not any("also asked" in t for t in texts(dispatcher))


def test_whether_an_extension_counts_as_another_mobility_is_not_listed_again_beside_the_extension_answer():
    # the extension's answer says so itself (Art. 28(3)); only a question it does not settle is listed
    parse = {"question_segments": [segment("may I stay on in Bergen for the spring term?", "ask_extension"),
                                   segment(" that would not count as a second mobility, would it?", "ask_validation"),
                                   segment(" and who pays my fees then?", "ask_fees")]}
    assert other_questions(parse, "ask_extension") == ["ask_fees"]
    assert other_questions(parse, "ask_fees") == ["ask_extension", "ask_mobility_count"]
