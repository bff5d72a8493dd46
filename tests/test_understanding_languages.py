"""The host's teaching language and the student's mother tongue, and whether the student is a native speaker of
the teaching language (Art. 12(1)): said in one message, or across the conversation when a follow-up changes the
teaching language. Wordings are the tests' own."""
import datetime as dt

import pytest

from actions.conversation import ActionNotUnderstood
from actions.languages import native_languages, teaching_language
from actions.understanding import is_what_if, read_message
from tests.test_actions import run, slots_set, tracker

TODAY = dt.date(2027, 3, 1)


@pytest.mark.parametrize("text, code", [
    ("the classes in Bilbao are all in spanish", "es"),
    ("les cours à Munich sont en allemand", "de"),
    ("I'd pick the English-taught track", "en"),
    ("enseignement en italien uniquement", "it"),
    ("j'ai choisi la filière anglophone", "en"),
    ("I take courses in Lyon", None),
])
def test_the_teaching_language_is_read_from_the_courses_or_track_named(text, code):
    assert teaching_language(text) == code


@pytest.mark.parametrize("text, codes", [
    ("dutch is basically my mother tongue", {"nl"}),
    ("ma langue maternelle c'est le portugais", {"pt"}),
    ("native greek speaker here", {"el"}),
    ("my dad is german", set()),
])
def test_the_mother_tongue_is_read_only_when_the_student_says_it_is_theirs(text, codes):
    assert native_languages(text) == codes


@pytest.mark.parametrize("text, native", [
    ("erasmus in Graz: do I need the OLS? german is my first language and the lectures are in german", True),
    ("le portugais est ma langue maternelle mais à Milan les cours sont en italien, OLS obligatoire ?", False),
])
def test_a_mother_tongue_and_a_teaching_language_said_together_tell_whether_the_student_is_a_native_speaker(
        text, native):
    assert read_message(text, "ask_language_test", [], None, TODAY).facts["native_speaker"] is native


OLS = dict(question="ask_language_test", level="bachelor", mobility_type="erasmus_plus", host_city="Bilbao",
           native_speaker=True, last_decision={"question": "ask_language_test", "outcome": "no", "conclusions": [],
                                               "values": []})


@pytest.mark.parametrize("lang, first, follow_up", [
    ("en", "erasmus in Bilbao, OLS needed? castellano is my mother tongue, classes in spanish",
     "ok and if I followed the English-taught track there instead?"),
    ("fr", "erasmus à Bilbao, l'OLS c obligatoire ? l'espagnol c'est ma langue maternelle, cours en espagnol",
     "et si je prenais plutôt les cours en anglais ?"),
])
def test_a_follow_up_to_another_teaching_language_than_the_mother_tongue_said_before_needs_the_ols(
        lang, first, follow_up):
    assert is_what_if(follow_up)
    events = [{"event": "user", "text": first}, {"event": "bot", "text": "…"}]
    messages, out = run(ActionNotUnderstood(), tracker(follow_up, "out_of_scope", detected=lang, language=lang,
                                                       events=events, **OLS))
    slots = slots_set(out)
    assert slots["native_speaker"] is False and slots["last_decision"]["outcome"] == "yes"
    assert "12(1)" in messages[-1]["text"]


def test_a_follow_up_to_another_teaching_language_with_no_mother_tongue_said_asks_again():
    events = [{"event": "user", "text": "erasmus in Bilbao, do I need the OLS?"}, {"event": "bot", "text": "…"},
              {"event": "slot", "name": "requested_fact", "value": "native_speaker"},
              {"event": "user", "text": "yes"}]
    messages, out = run(ActionNotUnderstood(), tracker("and what if the courses were in english instead?",
                                                       "out_of_scope", detected="en", language="en", events=events,
                                                       **OLS))
    slots = slots_set(out)
    assert slots["native_speaker"] is None and slots["requested_fact"] == "native_speaker"
