"""The student's level when a message names two: the one they are in, not the one they had."""
import pytest

from actions.understanding import _from_entities


def _levels(text, *words):
    entities, start = [], 0
    for word, value in words:
        start = text.index(word, start)
        entities.append({"entity": "level", "value": value, "start": start})
        start += len(word)
    return _from_entities(entities, text, None).get("level")


def test_a_master_student_who_speaks_of_the_bachelor_they_had_is_a_master_student():
    text = "I started my MSc last month. During my bachelor in Trier the semester abroad was required, what about now in the msc?"
    assert _levels(text, ("MSc", "master"), ("bachelor", "bachelor"), ("msc", "master")) == "master"


def test_en_francais_la_licence_finie_ne_fait_pas_le_niveau():
    text = "j'ai terminé ma licence l'an dernier, maintenant je suis en master, c'est obligatoire aussi ?"
    assert _levels(text, ("licence", "bachelor"), ("master", "master")) == "master"


def test_two_levels_without_a_past_context_keep_the_last_one_named():
    text = "bachelor or master, whatever, I'm in the master now"
    assert _levels(text, ("bachelor", "bachelor"), ("master", "master")) == "master"


def test_asking_how_to_be_let_off_the_mobility_asks_for_the_exemption():
    from actions.understanding import refine_question

    assert refine_question("ask_obligation", "a friend says I may not have to go abroad, how can I apply for it?") \
        == "ask_exemption"
    assert refine_question("ask_obligation", "on m'a dit que c'était pas obligatoire pour moi, comment le demander ?") \
        == "ask_exemption"
    assert refine_question("ask_obligation", "is the semester abroad compulsory?") == "ask_obligation"


def test_a_ground_the_student_denies_in_french_is_no_ground():
    import datetime as dt

    from actions.understanding import read_message

    reading = read_message("rien de spécial, pas malade, pas d'enfant", "inform", [], "exemption_grounds",
                           dt.date(2026, 12, 1))
    assert reading.facts["exemption_grounds"] == []


def test_a_level_named_with_its_subject_at_the_end_of_a_question_is_the_students():
    import datetime as dt

    from actions.understanding import read_message

    assert read_message("must i go abroad? msc in chemistry", "ask_obligation", [], None,
                        dt.date(2026, 12, 1)).facts["level"] == "master"
    assert read_message("Licence en droit, je dois partir ?", "ask_obligation", [], None,
                        dt.date(2026, 12, 1)).facts["level"] == "bachelor"


def test_the_minimum_credits_of_the_learning_agreement_is_a_learning_agreement_question():
    from actions.understanding import named_question

    assert named_question("quick q: LA for Porto, how many credits at least?") == "ask_learning_agreement"
    assert named_question("il faut combien de crédits dans le contrat d'études au minimum ?") == "ask_learning_agreement"


def test_without_entities_the_level_started_now_beats_the_one_of_before():
    import datetime as dt

    from actions.understanding import read_message

    text = "I've just begun my MSc. During my bachelor going abroad was a must, is it for us too?"
    assert read_message(text, "ask_obligation", [], None, dt.date(2026, 12, 1)).facts["level"] == "master"


def _read(text, intent="ask_departure_semester"):
    import datetime as dt

    from actions.understanding import read_message

    return read_message(text, intent, [], None, dt.date(2026, 12, 1)).facts


@pytest.mark.parametrize("text, level", [
    ("second-year bachelor here, when am I allowed to leave?", "bachelor"),
    ("2e année de licence, quand est-ce que je peux partir ?", "bachelor"),
    ("MSc, first year: which semester could I go?", "master"),
    ("je suis en deuxieme annee de master, je peux encore partir ?", "master"),
])
def test_a_year_of_a_level_said_without_i_am_is_the_students_own_level(text, level):
    assert _read(text)["level"] == level


@pytest.mark.parametrize("text", [
    "je suis en première année de master (S1 actuellement). partir au S2 ça va ? en licence on devait attendre le S3",
    "first-year master's student, currently S1: may I go abroad in S2? in bachelor you had to wait until S3 i think",
])
def test_a_level_said_of_everyone_in_it_is_a_comparison_and_the_semester_asked_for_is_the_mobility_one(text):
    found = _read(text)
    assert found["level"] == "master" and found["semester"] == 2


@pytest.mark.parametrize("text, semester", [
    ("B3 right now, in S5. may i go away in S6? i'm starting a master in Lyon afterwards", 6),
    ("en L2 (S4 actuellement), partir en échange au S5 c'est ok ? après je veux faire mon master à Bruxelles", 5),
])
def test_a_year_code_tells_the_level_beside_a_master_planned_for_later(text, semester):
    found = _read(text)
    assert found["level"] == "bachelor" and found["semester"] == semester


def test_a_year_code_the_student_was_in_before_does_not_tell_the_level_now():
    assert _read("en L2 j'ai fait un erasmus à Porto, maintenant je suis en master, je peux repartir ?",
                 "ask_mobility_count")["level"] == "master"


@pytest.mark.parametrize("text, semester", [
    ("first year of my bachelor, could I go on exchange next semester, so S2?", 2),
    ("L1 ici, je peux partir au prochain semestre (S2) ?", 2),
    ("je suis en S3, je peux partir le semestre prochain ?", 4),
    ("currently in S3, could I leave in S4?", 4),
])
def test_a_semester_named_as_the_next_one_is_that_semester_and_only_the_current_one_moves_on(text, semester):
    assert _read(text)["semester"] == semester


@pytest.mark.parametrize("text", ["is it ok to do two exchanges in my MSc, one per year?",
                                  "une deuxième mobilité en M2 c'est possible ?"])
def test_asking_for_more_than_one_mobility_is_what_the_count_answers(text):
    from actions.understanding import aspects_of

    assert "several_mobilities" in aspects_of(text)


@pytest.mark.parametrize("intent", ["ask_mobility_count", "ask_departure_semester", "ask_validation"])
@pytest.mark.parametrize("text", [
    "could I stay in Bergen into the spring semester as well? that doesn't count as another mobility right?",
    "est-ce que je peux rester encore un semestre à Lund ? ça compte pas comme une autre mobilité ?",
])
def test_asking_whether_one_may_stay_on_asks_the_extension(intent, text):
    from actions.understanding import refine_question

    assert refine_question(intent, text) == "ask_extension"


def test_staying_in_luxembourg_is_not_staying_on():
    from actions.understanding import refine_question

    assert refine_question("ask_departure_semester", "je peux rester au Luxembourg au S3 et partir au S4 ?") \
        == "ask_departure_semester"


def test_an_exchange_programme_named_is_no_change_of_programme():
    from actions.understanding import stated_situations

    text = "en M1 j'ai fait un erasmus à Lille. un global exchange en M2, possible ? en bachelor c'était permis"
    assert "special_statuses" not in stated_situations(text)


@pytest.mark.parametrize("text, question", [
    ("is my exchange in semester 4 ok? economics bachelor", "ask_departure_semester"),
    ("je voudrais faire ma mobilité au S5, c'est bon ?", "ask_departure_semester"),
    ("did erasmus in S3 already, could I go on another exchange in S5?", "ask_mobility_count"),
])
def test_a_mobility_asked_for_a_semester_asks_when_to_go_unless_it_asks_how_many(text, question):
    from actions.understanding import refine_question

    assert refine_question("ask_mobility_count", text) == question


# -- number of mobilities, a type asked about, someone else's level (session 8, dev5) -----------------

import datetime as _dt

from actions.understanding import read_message as _read_message, refine_question as _refine, stated_situations as _stated


@pytest.mark.parametrize("text", ["je compte prolonger mon séjour à Bologne jusqu'en juillet, c'est une autre mobilité ?",
                                  "planning to extend my stay in Graz into the summer term"])
def test_a_plan_to_extend_told_beside_the_question_is_an_extension(text):
    assert _read_message(text, None, [], None, _dt.date(2026, 12, 8)).facts.get("is_extension") is True


@pytest.mark.parametrize("text", ["licence 2. global exchange c'est quoi ?", "B3 here, what's SEMP exactly?"])
def test_a_mobility_type_asked_to_be_explained_is_not_the_student_s_own(text):
    assert "mobility_type" not in _read_message(text, None, [], None, _dt.date(2026, 12, 8)).facts


@pytest.mark.parametrize("text", ["nope, this would be my first one, with erasmus in Ghent", "pas encore, ce serait ma première"])
def test_no_mobility_done_yet_is_an_empty_list_and_the_type_is_the_planned_one(text):
    facts = _read_message(text, "inform", [], "earlier_mobilities", _dt.date(2026, 12, 8)).facts
    assert facts["earlier_mobilities"] == []
    assert facts.get("mobility_type") in (None, "erasmus_plus")


@pytest.mark.parametrize("text", ["j'ai été à Porto en S3, je pourrai repartir en S5 à Gand ?",
                                  "did a semester in Riga in S2, could I go abroad again in S4?"])
def test_leaving_once_more_after_a_mobility_is_the_number_of_mobilities(text):
    assert _refine("ask_departure_semester", text) == "ask_mobility_count"


@pytest.mark.parametrize("text", ["ma coloc est inscrite à la fois en licence d'anglais et en licence d'histoire",
                                  "he is enrolled at the same time in the bachelor in biology and the bachelor in chemistry"])
def test_two_bachelors_named_one_after_the_other_are_a_double_enrolment(text):
    assert "double_enrolment" in _stated(text).get("special_statuses", [])


@pytest.mark.parametrize("text, level", [("and my cousin? she's in the master in physics", "master"),
                                         ("et mon pote qui fait une licence de droit ?", "bachelor")])
def test_the_level_of_someone_else_told_in_the_third_person_is_theirs(text, level):
    from actions.someone_else import their_facts
    assert their_facts(text, _dt.date(2026, 12, 8))["level"] == level
