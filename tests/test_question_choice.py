"""Choosing the student's question (session 7): the question sentence decides over the sentences that
tell the situation, a question named in a few words is not redirected as another service's, and the
words that ask (must / may go again, the grades) choose between neighbouring questions.
Wordings are the tests' own."""
import datetime as dt

import numpy as np
import pytest

from actions.conversation import ActionFaq
from actions.named_questions import asks
from actions.understanding import aspects_of, hedged_types, named_question, read_message, refine_question, stated_situations
from nlu_components.intent_classifier import TfidfIntentClassifier, question_sentences
from tests.test_actions import faq_tracker, response_text, run


# -- the question sentence -----------------------------------------------------------------------

def test_the_question_sentences_are_those_that_ask_beside_those_that_tell():
    text = "Hello, I study law in my second year. I would love to go to Oslo in spring. Could I get a grant? Thanks!"
    assert question_sentences(text) == ["Could I get a grant?"]


@pytest.mark.parametrize("text", [
    "could I get a grant for Oslo?",
    "do I have to go? and would I get a grant for Lyon?",
    "j'ai un stage prévu au semestre 5, je pars quand même ?",
    "grant from uni.lu for my stay in Graz?",
])
def test_a_message_that_only_asks_has_no_separate_question_sentence(text):
    assert question_sentences(text) == []


def test_an_emoji_or_a_dotted_name_does_not_make_a_sentence():
    assert question_sentences("will uni.lu pay for Oslo? 😅") == []


class _Model:
    """A stand-in classifier: each text gets the probabilities its first word names."""
    classes_ = np.array(["ask_departure_semester", "ask_funding", "out_of_scope", "faq/support"])
    table = {"unsure": [0.28, 0.22, 0.25, 0.25], "sure": [0.7, 0.1, 0.1, 0.1], "other": [0.1, 0.1, 0.7, 0.1],
             "clear": [0.05, 0.85, 0.05, 0.05], "vague": [0.3, 0.3, 0.1, 0.3]}

    def predict_proba(self, texts):
        return np.array([self.table[t.split()[0].strip("?.").lower()] for t in texts])


def _classifier():
    config = {"out_of_scope_threshold": 0.3, "ranking_length": 10}
    return TfidfIntentClassifier({**TfidfIntentClassifier.get_default_config(), **config}, None, None, _Model())


def test_a_clear_question_sentence_decides_a_long_message_read_unsurely_as_a_whole():
    probabilities = _classifier().probabilities("unsure story about my semester in Madrid. clear question about money?")
    assert _Model.classes_[int(np.argmax(probabilities))] == "ask_funding"


@pytest.mark.parametrize("text", [
    "unsure story about my semester in Madrid. vague who do I ask?",  # the question alone says too little
    "sure story about my semester in Madrid. clear question about money?",  # the whole message already names one
    "other service's story. clear question about money?",  # plainly another service's message
])
def test_the_whole_message_decides_when_its_question_is_vague_or_its_reading_is_already_sure(text):
    probabilities = _classifier().probabilities(text)
    assert list(probabilities) == _Model.table[text.split()[0]]


# -- the University's grant named in a few words ------------------------------------------------

@pytest.mark.parametrize("text", [
    "scholarship from the uni for a semester in Graz next spring?",
    "bourse possible ou pas pour Lisbonne, vu que je suis portugais ?",
    "est-ce que je pourrais avoir une aide financière de l'université pour ce séjour à Québec ?",
    "I'm doing my S5 in Tartu. Any funding for that?",
    "un financement pour mon semestre à Lima, ça existe ?",
])
def test_a_grant_named_by_who_gives_it_or_in_few_words_is_the_funding_question(text):
    assert named_question(text) == "ask_funding"


@pytest.mark.parametrize("text", [
    "aide financière de l'État pour mon master, c'est combien ?",
    "grant from the University of Vienna for its incoming students?",
    "is there a grant for unpaid internships in Luxembourg?",
])
def test_the_state_s_aid_or_another_university_s_grant_is_not_named_the_funding_question(text):
    assert named_question(text) != "ask_funding"


# -- going again: may I, or must I ---------------------------------------------------------------

@pytest.mark.parametrize("text", [
    "went to Graz in S2 already, could I do another one in S4?",
    "j'ai fait Riga au S3, je peux en refaire un au S5 ?",
    "et encore une mobilité en master après celle du bachelor ?",
])
def test_asking_to_go_again_is_the_number_of_mobilities_not_the_departure_semester(text):
    assert refine_question("ask_departure_semester", text) == "ask_mobility_count"


@pytest.mark.parametrize("text", [
    "je commence un nouveau bachelor après celui de l'uni, faut-il que je reparte ?",
    "I changed programme after my exchange in Lund, do I have to go abroad again?",
    "nouvelle formation, je dois refaire une mobilité ?",
])
def test_asking_whether_one_must_go_again_is_the_obligation_not_the_number_of_mobilities(text):
    assert refine_question("ask_mobility_count", text) == "ask_obligation"


def test_asking_whether_one_may_go_again_stays_the_number_of_mobilities():
    assert refine_question("ask_mobility_count", "je peux repartir une deuxième fois en master ?") == "ask_mobility_count"


# -- the grades, not the transcript's journey ----------------------------------------------------

def test_a_question_about_grades_on_the_transcript_gets_recognition_even_when_the_selector_chose_the_transcript():
    messages, _ = run(ActionFaq(), faq_tracker("mes notes de Prague vont apparaître sur mon relevé à l'uni ?",
                                               "transcript"))
    assert [m["text"] for m in messages] == [response_text("utter_faq/recognition", "fr")]


def test_a_question_about_the_transcript_s_journey_keeps_the_selector_s_topic():
    messages, _ = run(ActionFaq(), faq_tracker("l'université de Prague envoie mon relevé directement ?", "transcript"))
    assert [m["text"] for m in messages] == [response_text("utter_faq/transcript", "fr")]


# -- credits from before, asked as a way out ------------------------------------------------------

@pytest.mark.parametrize("text", [
    "I did a year in Bologna before coming here, 60 credits: will they count so that I don't need to go abroad?",
    "mes crédits de Lyon d'avant l'uni comptent, comme ça je n'ai pas besoin de partir ?",
])
def test_credits_from_before_asked_as_a_way_out_of_going_abroad_are_the_exemption_question(text):
    assert refine_question("ask_validation", text) == "ask_exemption"


def test_whether_a_stay_with_too_few_credits_counts_stays_the_validation_question():
    assert refine_question("ask_validation", "does my semester in Lund count if I only had 24 ects?") == "ask_validation"


# -- session 7, dev4: let off, two programmes at once, who pays, e-mails ---------------------------

@pytest.mark.parametrize("text", [
    "i hold a laurea from Bologna, 3 years. is there a way to skip the mobility?",
    "j'ai déjà une licenciatura de Coimbra (3 ans), je peux zapper la mobilité ?",
])
def test_asking_to_skip_the_mobility_is_the_exemption_and_a_licenciatura_or_laurea_is_a_foreign_diploma(text):
    assert named_question(text) == "ask_exemption"
    assert "foreign_diploma_four_semesters" in stated_situations(text)["exemption_grounds"]


@pytest.mark.parametrize("text", [
    "i'm doing two bachelors, history and maths. do I need two mobilities?",
    "je fais deux licences en parallèle, faut partir deux fois ?",
])
def test_a_student_in_two_programmes_asking_whether_to_go_twice_asks_the_obligation(text):
    assert refine_question("ask_mobility_count", text) == "ask_obligation"
    assert "double_enrolment" in stated_situations(text)["special_statuses"]
    assert "go_twice" in aspects_of(text)


@pytest.mark.parametrize("text", [
    "SEMP in Zurich next year: the grant, who pays it, uni.lu or ETH?",
    "semp à genève, la bourse c'est qui qui la paie ?",
])
def test_asking_who_pays_the_grant_is_the_funding_question_about_who_pays(text):
    assert named_question(text) == "ask_funding"
    assert "who_pays" in aspects_of(text)


def test_an_e_mail_that_asks_without_a_question_mark_still_asks():
    text = ("Good afternoon, I am in my third year. I would like to know whether I can apply for the "
            "Fonds de mobilité for a semester in Riga as a free mover. Kind regards")
    assert asks(text) and named_question(text) == "ask_funding"
    assert not asks("I am in my third year and I go to Riga as a free mover. Kind regards")


def test_a_host_term_that_goes_on_after_the_stay_is_no_full_host_term():
    text = "no, the term there runs until the end of july and i leave earlier"
    assert read_message(text, "ask_validation", [], "full_host_term", dt.date(2026, 12, 7)).facts["full_host_term"] is False


@pytest.mark.parametrize("text", ["pas sûr si c'est du global exchange ou pas", "no idea if it's semp or not"])
def test_a_type_named_with_or_not_stays_unknown(text):
    assert hedged_types(text)


@pytest.mark.parametrize("text", [
    "I transferred from the history bachelor to geography; I did a semester in Lyon during history. must I go again?",
    "j'ai fait un échange à Porto puis j'ai changé de licence, je dois refaire une mobilité ?",
])
def test_a_programme_change_after_a_mobility_not_said_validated_asks_the_obligation_of_art_24(text):
    assert stated_situations(text)["special_statuses"] == ["programme_change_after_mobility"]
    assert refine_question("ask_mobility_count", text) == "ask_obligation"


def test_a_programme_change_after_a_mobility_is_told_not_offered_as_a_button():
    from actions.answer import fact_buttons
    from rules_core.engine import fact_request

    payloads = [b["payload"] for b in fact_buttons(fact_request("special_statuses"), "en")]
    assert not any("programme_change_after_mobility" in p for p in payloads)
