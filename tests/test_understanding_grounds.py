"""Exemption grounds and host towns stated in everyday words (issue 9): the facts are read, the rules core
decides what they mean. Sentences here are written for these tests, in French and English."""
import datetime as dt

import pytest

from actions.understanding import read_message, refine_question
from rules_core.gazetteer import gazetteer
from rules_core.rules.obligation import foreign_credits_ground, foreign_diploma_ground
from rules_core.situation import ExemptionGround as G

TODAY = dt.date(2027, 9, 20)
GROUND_1 = "foreign_diploma_four_semesters"


def facts(text, requested=None, intent="inform"):
    return read_message(text, intent, [], requested, TODAY).facts


@pytest.mark.parametrize("text", [
    "j'ai un BTS obtenu à Nancy, je dois quand même partir ?",
    "I hold a licence from the Université de Strasbourg, can I skip the semester abroad?",
    "jai deja un DUT GEA, ya moyen d'etre dispensé ?",
    "I graduated with a 3-year bachelor in Porto before moving here, any exemption?",
    "j'ai fait un bac+2 en Allemagne (diplôme obtenu), est-ce que ça me dispense ?",
])
def test_a_diploma_of_four_semesters_obtained_abroad_said_in_passing_is_ground_1(text):
    assert GROUND_1 in facts(text)["exemption_grounds"]


@pytest.mark.parametrize("text", [
    "I'm in the bachelor in physics, do I have to go abroad?",
    "j'ai commencé un DUT à Thionville mais j'ai arrêté au bout d'un an",
    "I have a BTS from a lycée in Luxembourg, do I still have to go?",
    "I have a one-year diploma from Lille, exemption?",
    "my high school diploma took 4 years in Texas",
    "je fais un BTS à Metz en alternance",
])
def test_a_diploma_not_held_too_short_or_from_luxembourg_is_not_ground_1(text):
    assert GROUND_1 not in (facts(text).get("exemption_grounds") or [])


@pytest.mark.parametrize("text", ["une licence pro à Metz, 3 ans", "my associate degree from a college in Ohio",
                                  "mon DUT, 2 ans"])
def test_a_diploma_named_in_reply_to_the_grounds_question_is_read_as_that_ground(text):
    assert GROUND_1 in facts(text, requested="exemption_grounds")["exemption_grounds"]


def test_a_diploma_beside_a_ground_the_list_names_gives_both():
    grounds = facts("I have two kids and a DUT from Reims", requested="exemption_grounds")["exemption_grounds"]
    assert set(grounds) == {GROUND_1, "family_obligations"}


@pytest.mark.parametrize("text, ground", [
    ("I earned 40 ECTS at KU Leuven before transferring, can I skip the mobility?", "foreign_credits_not_validated"),
    ("j'ai obtenu 35 crédits à Madrid, reconnus par l'uni depuis, dispense ?", "foreign_credits_validated"),
    ("jai validé 60 credits a liege avant, je dois partir qd meme ?", "foreign_credits_not_validated"),
])
def test_credits_obtained_abroad_said_in_passing_are_ground_2_validated_only_when_uni_lu_did_it(text, ground):
    found = facts(text)
    assert found["exemption_grounds"] == [ground]
    assert "ects_enrolled" not in found  # earned elsewhere, not the credits of a mobility


@pytest.mark.parametrize("text", ["jai eu 20 credits a Liege, dispense ?",
                                  "Bologna in spring, 30 ECTS in my learning agreement, will it count?",
                                  "I will take 30 ECTS in Lund"])
def test_too_few_credits_or_the_mobility_s_own_credits_are_not_ground_2(text):
    assert not facts(text).get("exemption_grounds")


@pytest.mark.parametrize("text", ["quand j'étais petite j'ai vécu au Maroc, je peux être dispensée ?",
                                  "I lived in Peru as a child, can I get an exemption?",
                                  "pendant mon enfance on a beaucoup déménagé"])
def test_a_childhood_told_in_passing_is_no_family_obligation(text):
    assert "family_obligations" not in (facts(text).get("exemption_grounds") or [])


def test_children_of_one_s_own_are_still_a_family_obligation():
    assert facts("j'ai deux enfants en bas âge, je peux être dispensée ?")["exemption_grounds"] == ["family_obligations"]


@pytest.mark.parametrize("text", ["oops, actually my A-levels are from Belgium, not from Morocco",
                                  "ah non pardon je me suis trompé, mon bac je l'ai eu au lycée au Luxembourg"])
def test_correcting_the_school_diploma_to_luxembourg_or_the_eu_leaves_no_ground_read_before(text):
    assert facts(text)["exemption_grounds"] == []


def test_a_correction_that_restates_another_ground_keeps_that_one():
    text = "sorry, my bac is from Luxembourg in fact, but I do have two kids"
    assert facts(text)["exemption_grounds"] == ["family_obligations"]


@pytest.mark.parametrize("text", [
    "jai fait mon erasmus a gand en bachelor de bio, c'est validé, puis jai changé de bachelor",
    "I did my exchange in Vienna during the bachelor in physics and then switched programme",
])
def test_a_mobility_done_during_a_bachelor_is_no_diploma_held(text):
    assert GROUND_1 not in (facts(text).get("exemption_grounds") or [])


@pytest.mark.parametrize("text", [
    "j'ai une insuffisance rénale et je suis en dialyse, qu'est-ce que je peux faire pour la mobilité obligatoire ?",
    "I have type 1 diabetes and a weekly treatment at the hospital, do I really have to go abroad?",
    "jsuis maman de deux petits, je dois vraiment partir un semestre ?",
])
def test_a_ground_stated_with_the_obligation_question_asks_for_the_exemption(text):
    assert refine_question("ask_obligation", text) == "ask_exemption"


def test_a_special_status_alone_keeps_the_obligation_question():
    assert refine_question("ask_obligation", "I'm a part-time student, do I have to go abroad?") == "ask_obligation"


@pytest.mark.parametrize("text, town", [
    ("jvais partir en erasmus a gand au S5, ya une bourse ?", "gand"),
    ("I want to leave for erasmus in lyon next year, grant?", "lyon"),
    ("on part en echange a liege au S4 ?", "liege"),
])
def test_a_host_town_after_the_programme_s_name_is_read_even_in_lower_case(text, town):
    assert facts(text)["host_city"] == town


def test_a_town_s_own_name_beats_a_similar_sized_town_also_called_so():
    assert gazetteer().lookup("porto")[0].country == "PT"  # not Bordeaux, which some language calls Porto
    assert gazetteer().lookup("bruges")[0].country == "BE"  # Brugge is far larger than the French Bruges


def test_the_rules_core_derives_ground_1_from_the_length_and_place_of_the_diploma():
    assert foreign_diploma_ground(4, {"FR"}) and not foreign_diploma_ground(3, {"FR"})
    assert not foreign_diploma_ground(6, {"LU"}) and not foreign_diploma_ground(None, {"FR"})


def test_the_rules_core_derives_ground_2_from_credits_abroad_and_their_validation():
    assert foreign_credits_ground(45, False, {"BE"}) == G.foreign_credits_not_validated
    assert foreign_credits_ground(30, True, {"DE"}) == G.foreign_credits_validated
    assert foreign_credits_ground(29, True, {"DE"}) is None and foreign_credits_ground(60, True, {"LU"}) is None


@pytest.mark.parametrize("text", [
    "J'ai obtenu ma licence en droit à l'Université du Luxembourg (ma mobilité je l'avais faite à Québec), je dois repartir ?",
    "I got my bachelor at uni.lu two years ago and did my exchange in Toronto back then; must I go again?",
    "my brother from Ghana got admitted to the bachelor in nursing, what permit does he need?",
    "je voudrais aller à l'université de Porto mais je sais pas s'il y a un accord avec mon bachelor",
])
def test_a_degree_from_uni_lu_someone_else_s_admission_or_the_programme_one_is_in_are_not_ground_1(text):
    assert GROUND_1 not in (facts(text).get("exemption_grounds") or [])


# -- Session 7: the grounds, the special situations and the question they ask, in other words ---------

@pytest.mark.parametrize("text", [
    "I'm Nigerian and I finished school in Lagos in 2024, now in the bachelor: any way to skip the semester abroad?",
    "je suis sénégalais, j'ai fini le lycée à Dakar avant de venir, dispense possible ?",
])
def test_a_third_country_student_who_finished_school_there_states_ground_5_in_the_first_message(text):
    assert G.third_country_diploma.value in facts(text, intent="ask_exemption")["exemption_grounds"]


@pytest.mark.parametrize("text", [
    "the school certificate I got is from Nigeria, nothing more",
    "mon diplôme du lycée vient du Sénégal",
])
def test_an_answer_placing_the_school_diploma_in_a_third_country_is_ground_5(text):
    assert facts(text, "exemption_grounds")["exemption_grounds"] == [G.third_country_diploma.value]


@pytest.mark.parametrize("text", [
    "j'ai un boulot à plein temps à côté",
    "just that I have a full-time job",
    "my job at the supermarket, that's all",
])
def test_an_answer_naming_no_ground_of_the_list_is_read_as_none_of_them(text):
    assert facts(text, "exemption_grounds")["exemption_grounds"] == []


@pytest.mark.parametrize("text", ["what about the grant for Vienna", "hmm", "je sais pas trop"])
def test_a_reply_that_tells_no_situation_is_not_read_as_no_ground(text):
    assert "exemption_grounds" not in facts(text, "exemption_grounds")


@pytest.mark.parametrize("text", [
    "before UL I studied one year at the University of Porto (60 ECTS). can that count so I don't need to go abroad?",
    "avant l'uni.lu j'ai fait une année à la fac de Liège, 60 crédits. ça compte pour ne pas devoir partir ?",
])
def test_credits_of_a_year_studied_elsewhere_before_offered_instead_of_the_mobility_ask_for_the_exemption(text):
    assert refine_question("ask_validation", text) == "ask_exemption"
    assert facts(text, intent="ask_validation")["exemption_grounds"] == [G.foreign_credits_not_validated.value]


@pytest.mark.parametrize("text", [
    "I did one semester in Ghent on Erasmus, 30 ECTS, is it validated?",
    "j'ai fait un semestre à Gand en erasmus, 30 ects, c'est validé ?",
])
def test_the_credits_of_the_mobility_itself_keep_the_validation_question(text):
    assert refine_question("ask_validation", text) == "ask_validation"


@pytest.mark.parametrize("intent,text", [
    ("nlu_fallback", "J'ai validé mon Erasmus à Lisbonne pendant mon bachelor d'histoire puis je me suis réorienté en "
                     "bachelor de géographie sans diplôme. Faut-il que je reparte ?"),
    ("out_of_scope", "diplômée du bachelor en biologie à l'uni.lu l'an dernier, je commence une deuxième licence en "
                     "lettres : je dois refaire une mobilité ?"),
    ("ask_mobility_count", "I finished my bachelor at the University of Luxembourg and now began a new bachelor in "
                           "history. Do I have to go abroad again?"),
])
def test_a_programme_change_or_a_second_bachelor_with_a_question_of_going_again_asks_the_obligation(intent, text):
    assert refine_question(intent, text) == "ask_obligation"


def test_a_student_in_the_second_year_of_a_bachelor_has_not_obtained_a_ul_bachelor():
    said = facts("I'm in the second bachelor year at uni.lu, did my erasmus already, must I go again?")
    assert "ul_bachelor_obtained" not in (said.get("special_statuses") or [])


# -- Session 8: where the school diploma was issued, and a ground beside "I cannot go" ------------------

@pytest.mark.parametrize("text, country", [
    ("by the way I finished secondary school here before the bachelor", "LU"),
    ("mon bac je l'ai passé au lycée à Wiltz", "LU"),
    ("I got my school-leaving diploma at the LGE in the city", "LU"),
    ("j'ai eu mon diplôme de fin d'etudes secondaires au Lycée Aline Mayrisch", "LU"),
    ("my high school diploma was issued in Porto", "PT"),
    ("mon bac est sénégalais", "SN"),
    ("i did my A-levels in Accra, Ghana", "GH"),
])
def test_where_the_school_diploma_was_issued_is_read_from_the_words_around_it(text, country):
    assert facts(text)["school_diploma_country"] == country


@pytest.mark.parametrize("text", [
    "I'm Peruvian but I did high school here, can I skip the semester abroad as a non-EU student?",
    "jsuis camerounaise, mon bac je l'ai eu au lycée à Differdange, je peux être dispensée ?",
])
def test_a_third_country_national_whose_school_diploma_is_from_luxembourg_states_no_ground_5(text):
    found = facts(text, intent="ask_exemption")
    assert found["school_diploma_country"] == "LU" and found["eu_national"] is False
    assert G.third_country_diploma.value not in (found.get("exemption_grounds") or [])


def test_a_town_that_places_the_school_diploma_is_not_the_host():
    text = "my bac is from a lycée in Esch, I'm Brazilian"
    found = read_message(text, "inform", [{"entity": "location", "value": "Esch", "start": text.index("Esch")}], None,
                         TODAY).facts
    assert "host_city" not in found and found["school_diploma_country"] == "LU"


@pytest.mark.parametrize("intent, text", [
    ("ask_departure_semester", "hémodialyse deux fois par semaine, je ne peux pas partir un semestre, comment je fais ?"),
    ("nlu_fallback", "I have multiple sclerosis and can't be away from my neurologist for months, what can I do?"),
    ("ask_mobility_count", "en fauteuil roulant depuis mon accident, impossible de partir à l'étranger, quelles solutions ?"),
    ("ask_application", "I'm a single dad of a toddler and there is no way I can leave for a semester, what should I do?"),
])
def test_an_illness_a_disability_or_children_beside_i_cannot_go_asks_for_the_exemption(intent, text):
    assert refine_question(intent, text) == "ask_exemption"


@pytest.mark.parametrize("intent, text", [
    ("ask_cancellation", "my mum has cancer, I can't go anymore, how do I cancel my Erasmus place?"),
    ("ask_interruption", "j'ai une maladie chronique qui s'aggrave, je ne peux pas rester, je dois rentrer plus tôt"),
    ("ask_departure_semester", "I have two kids, can I go in semester 5 rather than 4?"),
])
def test_a_ground_beside_a_cancellation_a_return_or_a_timing_question_keeps_that_question(intent, text):
    assert refine_question(intent, text) == intent


@pytest.mark.parametrize("text", ["je suis enceinte de 5 mois, je dois vraiment partir l'an prochain ?",
                                  "I'm pregnant and due in March, can I be excused from the exchange?"])
def test_a_pregnancy_is_read_as_a_health_situation_which_goes_to_staff_not_as_a_family_obligation(text):
    from actions.understanding import stated_situations

    assert stated_situations(text)["exemption_grounds"] == ["illness_or_disability"]
