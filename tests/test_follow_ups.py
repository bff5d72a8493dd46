"""Follow-ups after an answer, corrections, and the roles of the places a message names (session 7):
a university or a town by another of its names proposed after an answer recomputes the same question;
"from <country>" is the student's origin, never the host; a mobility type named only as a hedged
alternative stays unknown. Wordings are the tests' own."""
import datetime as dt

import pytest

from actions.answer import ActionAnswer
from actions.conversation import ActionFaq, ActionNotUnderstood
from actions.places import host_institution_town, institution_town
from actions.understanding import follow_up_place, hedged_types, is_what_if, read_message
from rules_core import Situation, decide
from tests.test_actions import run, slots_set, tracker

TODAY = dt.date(2026, 12, 7)
NEAR = dict(question="ask_funding", level="bachelor", semester=4, mobility_type="erasmus_plus",
            host_city="Trier", country_of_origin="FR", eu_national=True, earlier_mobilities=[],
            refused_or_cancelled_place=False, is_extension=False,
            last_decision={"question": "ask_funding", "outcome": "no", "conclusions": [], "values": []})
FAR = {**NEAR, "host_city": "Copenhagen",
       "last_decision": {"question": "ask_funding", "outcome": "yes", "conclusions": [], "values": []}}


@pytest.mark.parametrize("text", [
    "alright, and the university of namur? same courses there",
    "and TU Dortmund",
    "what about KU Leuven instead",
    "et l'uni de Gand alors",
    "ok fine. and if i pick the uni in porto instead? cheaper",
    "et bruges à la place ?",
    "oups c pas trèves c'est copenhague 🙈 ça change qqch",
    "sorry not trier, its barcelona",
])
def test_a_short_follow_up_naming_another_university_or_town_is_a_what_if(text):
    assert is_what_if(text)


@pytest.mark.parametrize("text", [
    "and do I need a visa?",
    "thanks, and the learning agreement?",
    "it's expensive but ok",
    "can I do an internship instead?",
    "ok merci",
])
def test_a_follow_up_without_a_new_place_or_fact_is_no_what_if(text):
    assert not is_what_if(text)


@pytest.mark.parametrize("text, town", [
    ("a semester at the Universität Wien", "Wien"),
    ("HEC Lausanne next spring", "Lausanne"),
    ("the TU in Dresden", "Dresden"),
    ("Erasmus at Ghent university", "Ghent"),
    ("I was picked for UNAM", "Mexico City"),
    ("grant from the University of Luxembourg?", None),
    ("my bachelor at uni.lu", None),
])
def test_a_university_names_the_town_it_is_in(text, town):
    assert (institution_town(text) or None) == town


def test_a_university_the_student_studied_at_before_is_not_the_host():
    assert host_institution_town("before coming here I did two years at univ of Porto") is None


def test_a_town_ruled_out_in_a_correction_is_not_the_one_proposed():
    assert follow_up_place("c pas nancy c'est varsovie").casefold() == "varsovie"


def test_a_student_who_names_only_a_new_university_after_a_grant_answer_gets_the_grant_for_it():
    state = tracker("alright, and the university of namur? same courses there", "faq", detected="en", language="en",
                    **NEAR)
    state.latest_message["response_selector"] = {"faq": {"response": {"utter_action": "utter_faq/transcript"}}}
    messages, events = run(ActionFaq(), state)
    slots = slots_set(events)
    assert slots["host_city"].casefold() == "namur" and slots["last_decision"]["outcome"] == "yes"
    assert "Art. 5(1)" in messages[-1]["text"]


def test_a_town_named_by_its_french_name_in_place_of_the_last_one_recomputes_the_grant():
    messages, events = run(ActionAnswer(), tracker("et trèves plutôt ?", "ask_learning_agreement", detected="fr",
                                                   language="fr", **FAR))
    slots = slots_set(events)
    assert slots.get("question", "ask_funding") == "ask_funding" and slots["last_decision"]["outcome"] == "no"
    assert "art. 5(4)" in messages[-1]["text"]


def test_a_correction_not_this_town_but_that_one_recomputes_the_same_question():
    state = tracker("oups c pas trèves c'est copenhague 🙈 ça change qqch", "nlu_fallback", detected="fr",
                    language="fr", **NEAR)
    messages, events = run(ActionNotUnderstood(), state)
    slots = slots_set(events)
    assert slots["host_city"].casefold() == "copenhague" and slots["last_decision"]["outcome"] == "yes"


@pytest.mark.parametrize("text, entities, origin, host", [
    ("I'm a student from Brazil and I got a place at Ghent university, is there a grant?",
     ["Brazil", "Ghent"], "BR", "Ghent"),
    ("je viens du Sénégal et je pars à Lyon en erasmus, j'ai droit à une bourse ?",
     ["Sénégal", "Lyon"], "SN", "Lyon"),
])
def test_the_country_a_student_comes_from_is_the_origin_never_the_host(text, entities, origin, host):
    tagged = [{"entity": "location", "value": value, "start": text.index(value), "end": text.index(value) + len(value)}
              for value in entities]
    facts = read_message(text, "ask_funding", tagged, None, TODAY).facts
    assert facts["country_of_origin"] == origin and facts["host_city"] == host and "host_country" not in facts


@pytest.mark.parametrize("text, types", [
    ("no idea whether my faculty has a partnership with them or if I'd go as a free mover", {"free_mover"}),
    ("c'est soit du SEMP soit du free mover, je vérifie", {"semp", "free_mover"}),
    ("global exchange or free mover, dunno yet", {"global_exchange", "free_mover"}),
    ("je sais pas si ce sera erasmus ou autre chose", {"erasmus_plus"}),
])
def test_a_mobility_type_named_only_as_a_hedged_alternative_stays_unknown(text, types):
    entities = [{"entity": "mobility_type", "value": "free_mover"}] if "free mover" in text else []
    reading = read_message(text, "ask_fees", entities, None, TODAY)
    assert hedged_types(text) == types
    assert "mobility_type" not in reading.facts and "mobility_type" in reading.unsure


@pytest.mark.parametrize("text, kind", [
    ("I'm on erasmus, not sure if I'll choose Porto or Braga", "erasmus_plus"),
    ("erasmus for sure, no idea if i get the grant or not", "erasmus_plus"),
])
def test_a_mobility_type_stated_beside_another_doubt_is_kept(text, kind):
    assert read_message(text, "ask_funding", [], None, TODAY).facts["mobility_type"] == kind


def test_a_master_student_hesitating_between_two_types_without_a_ul_grant_gets_a_plain_no():
    # in Madrid every type is possible, and Erasmus+ would be funded: only the types named settle it
    situation = Situation(level="master", host_city="Madrid", country_of_origin="LB", earlier_mobilities=[],
                          refused_or_cancelled_place=False)
    assert decide("ask_funding", situation, ["mobility_type"]).outcome.value == "conditional"
    hedged = ["mobility_type", "mobility_type=global_exchange", "mobility_type=free_mover"]
    assert decide("ask_funding", situation, hedged).outcome.value == "no"


def test_the_types_a_student_hesitates_between_are_kept_with_the_unknown_fact():
    from actions.extract import read_message_facts

    state = tracker("will I get money? it's global exchange or free mover, dunno yet", "ask_funding", detected="en",
                    language="en", level="master")
    unknown = slots_set(read_message_facts(state))["unknown_facts"]
    assert set(unknown) == {"mobility_type", "mobility_type=global_exchange", "mobility_type=free_mover"}


# -- the same question for someone else ------------------------------------------------------------

OLS = dict(question="ask_language_test", level="bachelor", mobility_type="erasmus_plus", host_city="Porto",
           native_speaker=True, country_of_origin="PT", eu_national=True,
           last_decision={"question": "ask_language_test", "outcome": "no", "conclusions": [], "values": []})


@pytest.mark.parametrize("lang, text", [
    ("fr", "et ma coloc allemande qui vient aussi ?"),
    ("en", "and what about my flatmate, she's german"),
])
def test_a_follow_up_about_a_friend_answers_the_same_question_for_the_friend_without_changing_the_student(lang, text):
    from actions.someone_else import about_someone_else

    assert about_someone_else(text)
    messages, events = run(ActionNotUnderstood(), tracker(text, "nlu_fallback", detected=lang, language=lang, **OLS))
    slots = slots_set(events)
    assert "native_speaker" not in slots and "country_of_origin" not in slots  # the student's own facts stay
    record = slots["last_decision"]
    assert record["question"] == "ask_language_test" and record["outcome"] in ("yes", "conditional")
    assert record["asked"]["situation"]["country_of_origin"] == "DE" and "native_speaker" in record["asked"]["unknown"]
    assert "12(1)" in messages[-1]["text"]


@pytest.mark.parametrize("text", [
    "my friend told me I might get an exemption",
    "mon pote dit que je dois partir, c'est vrai ?",
])
def test_a_friend_named_in_the_student_s_own_question_is_no_follow_up_about_them(text):
    from actions.someone_else import about_someone_else

    assert not about_someone_else(text)


@pytest.mark.parametrize("text", [
    "I'm just back from Spain, can I go to Ghent next year?",
    "my credits come from Portugal, do they count?",
    "je viens de recevoir ma place pour Lyon",
])
def test_a_place_the_student_returns_from_or_that_credits_come_from_is_no_origin(text):
    from actions.places import origin_country

    assert origin_country(text) is None


def test_a_question_clearly_asked_with_a_trailing_instead_is_that_question_not_the_one_just_answered():
    from actions.extract import read_message_facts

    state = tracker("can I still get the erasmus grant if I go to Lyon instead?", "ask_funding", detected="en",
                    language="en", **{**NEAR, "question": "ask_fees",
                                      "last_decision": {"question": "ask_fees", "outcome": "info"}})
    assert slots_set(read_message_facts(state))["question"] == "ask_funding"


# -- dev4 follow-ups (session 7): wordings are the tests' own ------------------------------------

@pytest.mark.parametrize("text, town", [
    ("alright and tu dresden then?", "dresden"),
    ("et la ku leuven ?", "leuven"),
])
def test_a_technical_university_named_in_lower_case_is_a_follow_up_on_its_town(text, town):
    assert is_what_if(text) and (institution_town(text) or "").casefold() == town


@pytest.mark.parametrize("text", ["tu as des infos sur la bourse ?", "est-ce que tu sais si je dois partir ?",
                                  "tu peux m'aider pour mon erasmus à Lyon ?"])
def test_the_french_pronoun_tu_is_no_university(text):
    assert institution_town(text) is None


def test_a_student_who_names_a_lower_case_technical_university_after_a_refused_grant_gets_the_grant_for_it():
    state = tracker("hmm and tu darmstadt?", "nlu_fallback", detected="en", language="en", **NEAR)
    messages, events = run(ActionNotUnderstood(), state)
    slots = slots_set(events)
    assert slots["host_city"].casefold() == "darmstadt" and slots["last_decision"]["outcome"] == "yes"


@pytest.mark.parametrize("text, said", [
    ("yeah i came over from braga to study here, i share a flat near the esch campus with two friends", True),
    ("nope, i still sleep at my parents place in thionville every night and take the train to belval", False),
    ("oui je suis venue au luxembourg pour mes cours, je loue un studio à esch depuis septembre", True),
])
def test_a_yes_or_no_then_a_long_reason_naming_places_answers_the_pending_yes_no_question(text, said):
    facts = read_message(text, "inform", [], "resides_temporarily_elsewhere", TODAY).facts
    assert facts["resides_temporarily_elsewhere"] is said


@pytest.mark.parametrize("text, kind", [
    ("oh wait it's global exchange in seoul, not erasmus", "global_exchange"),
    ("non attends, c'est pas erasmus, je pars en free mover", "free_mover"),
    ("plutôt en free mover qu'en erasmus finalement", "free_mover"),
    ("erasmus+ actually, not free mover", "erasmus_plus"),
])
def test_a_mobility_type_the_student_rules_out_is_not_the_fact_the_other_one_is(text, kind):
    tagged = [{"entity": "mobility_type", "value": "erasmus_plus", "start": text.casefold().index("erasmus"),
               "end": text.casefold().index("erasmus") + 7}]
    assert read_message(text, "inform", tagged, None, TODAY).facts["mobility_type"] == kind


def test_a_correction_of_the_mobility_type_after_a_fees_answer_recomputes_the_fees():
    fees = dict(question="ask_fees", level="bachelor", semester=4, mobility_type="erasmus_plus", host_city="Trier",
                last_decision={"question": "ask_fees", "outcome": "info", "conclusions": [], "values": []})
    state = tracker("oups non, c'est en free mover à trèves, pas en erasmus", "inform", detected="fr", language="fr",
                    **fees)
    messages, events = run(ActionAnswer(), state)
    assert slots_set(events)["mobility_type"] == "free_mover"
    assert "art. 11(4)" in " ".join(m["text"] or "" for m in messages)


@pytest.mark.parametrize("text", ["je sais pas trop, je suis juste pas européenne", "not sure, i'm a non-EU student",
                                  "no idea, I am not an EU citizen"])
def test_saying_one_is_not_european_is_a_non_eu_origin(text):
    assert read_message(text, "inform", [], "exemption_grounds", TODAY).facts["eu_national"] is False


@pytest.mark.parametrize("text", ["j'ai passé mon baccalauréat à dakar l'an dernier",
                                  "i got my high school diploma in lagos in 2024"])
def test_a_school_leaving_diploma_from_a_third_country_town_in_lower_case_is_ground_5(text):
    assert "third_country_diploma" in read_message(text, "inform", [], None, TODAY).facts["exemption_grounds"]


def test_a_school_leaving_diploma_from_an_eu_town_is_no_ground_5():
    assert "exemption_grounds" not in read_message("mon bac je l'ai eu à nancy", "inform", [], None, TODAY).facts


def test_a_diploma_told_after_a_cannot_settle_answer_recomputes_the_exemption():
    state = tracker("bon, le lycée je l'ai fini à dakar", "inform", detected="fr", language="fr",
                    question="ask_exemption", level="bachelor", semester=2, country_of_origin="SN",
                    eu_national=False, unknown_facts=["exemption_grounds"], handoff_offered="needs_staff")
    messages, events = run(ActionAnswer(), state)
    assert slots_set(events)["exemption_grounds"] == ["third_country_diploma"]
    assert "art. 2(1) 5°" in " ".join(m["text"] or "" for m in messages)


@pytest.mark.parametrize("lang, text", [("fr", "super merci ! et qui doit signer le contrat d'études ?"),
                                        ("en", "cool thanks. who has to sign it though?")])
def test_a_thanks_that_also_asks_who_signs_the_learning_agreement_gets_the_answer(lang, text):
    from actions.conversation import ActionSmallTalk

    slots = dict(question="ask_learning_agreement", level="bachelor", semester=4, course_start_date="2027-02-22",
                 last_decision={"question": "ask_learning_agreement", "outcome": "info", "conclusions": [],
                                "values": []})
    messages, events = run(ActionSmallTalk(), tracker(text, "thank", detected=lang, language=lang, **slots))
    assert "8(1)" in " ".join(m["text"] or "" for m in messages)
    assert slots_set(events)["last_decision"]["question"] == "ask_learning_agreement"


def test_a_plain_thanks_still_gets_the_courtesy_reply():
    from actions.conversation import ActionSmallTalk

    messages, events = run(ActionSmallTalk(), tracker("thanks a lot!", "thank", detected="en", language="en"))
    assert messages and "last_decision" not in slots_set(events)


def test_a_university_the_student_still_hesitates_about_against_another_town_is_no_host():
    facts = read_message("bourse erasmus ? j'hésite toujours entre la tu dresden et nancy", "ask_funding", [], None,
                         TODAY).facts
    assert "host_city" not in facts and "host_country" not in facts


@pytest.mark.parametrize("text, town", [
    ("bourse erasmus pour l'université de Picardie à Amiens ?", "Amiens"),
    ("my erasmus place is the univ of burgundy in dijon, any grant?", "dijon"),
    ("exchange at the Université Paul Valéry (Montpellier) in S5", "Montpellier"),
    ("global exchange at u of ottawa next fall", "ottawa"),
])
def test_a_university_named_by_its_region_or_founder_then_its_town_is_hosted_in_that_town(text, town):
    assert read_message(text, "ask_funding", [], None, TODAY).facts.get("host_city") == town


def test_the_university_of_luxembourg_named_with_its_campus_town_is_home_not_a_host():
    assert "host_city" not in read_message("bachelor at the university of luxembourg in esch, erasmus grant?",
                                           "ask_funding", [], None, TODAY).facts


@pytest.mark.parametrize("text, kind", [
    ("swiss-european mobility in Basel: is the money from uni.lu, like for erasmus?", "semp"),
    ("semp à Genève, la bourse vient de l'uni comme pour erasmus ?", "semp"),
    ("global exchange to Seoul, would my erasmus language test result count?", "global_exchange"),
    ("free mover à Tokyo, l'OLS d'erasmus je dois le faire aussi ?", "free_mover"),
])
def test_a_mobility_type_named_only_to_compare_or_as_another_programme_s_test_is_not_the_student_s(text, kind):
    tagged = [{"entity": "mobility_type", "value": "erasmus_plus", "start": text.casefold().index("erasmus"),
               "end": text.casefold().index("erasmus") + 7}]
    assert read_message(text, "inform", tagged, None, TODAY).facts["mobility_type"] == kind


def test_a_what_if_naming_a_town_of_two_countries_neither_the_student_s_gets_the_grant_without_asking_the_country():
    state = tracker("hmm and if i rank valencia (UPV) first instead", "nlu_fallback", detected="en", language="en",
                    **{**NEAR, "host_city": "Lyon", "country_of_origin": "FR"})
    messages, events = run(ActionNotUnderstood(), state)
    slots = slots_set(events)
    assert slots["host_city"].casefold() == "valencia" and slots["last_decision"]["outcome"] == "yes"
    assert "Art. 5(1)" in messages[-1]["text"]


@pytest.mark.parametrize("text, lang", [
    ("oh sorry my mistake, it's the master in chemistry, I'm an M2 student and not bachelor", "en"),
    ("ah pardon je me suis trompé, c'est en master de droit, je suis en M2 et pas en licence", "fr"),
])
def test_a_long_correction_of_a_fact_after_an_answer_recomputes_that_question_whatever_the_classifier_hesitated_on(
        text, lang):
    state = tracker(text, "nlu_fallback", [{"entity": "level", "value": "master"}], detected=lang,
                    **{**FAR, "language": lang})
    state.latest_message["intent_ranking"] = [{"name": "nlu_fallback", "confidence": 0.25},
                                              {"name": "ask_obligation", "confidence": 0.39},
                                              {"name": "inform", "confidence": 0.38}]
    messages, events = run(ActionNotUnderstood(), state)
    slots = slots_set(events)
    assert slots["level"] == "master" and slots["last_decision"]["question"] == "ask_funding"
    assert "question" not in slots


EXEMPTION_NO = dict(question="ask_exemption", level="bachelor", country_of_origin="PE", eu_national=False,
                    exemption_grounds=[],
                    last_decision={"question": "ask_exemption", "outcome": "no", "conclusions": [], "values": []})


@pytest.mark.parametrize("lang, text, says", [
    ("en", "oh and btw I did secondary school here, at a lycée in Differdange", "ground 5°"),
    ("fr", "pour info mon bac je l'ai eu au lycée à Dudelange", "motif 5°"),
])
def test_where_the_school_diploma_was_issued_told_after_the_exemption_answer_is_answered_with_ground_5(lang, text, says):
    messages, events = run(ActionNotUnderstood(), tracker(text, "out_of_scope", detected=lang, language=lang,
                                                          **EXEMPTION_NO))
    slots = slots_set(events)
    assert slots["school_diploma_country"] == "LU" and slots["last_decision"]["outcome"] == "no"
    assert says in messages[-1]["text"] and ("Art. 2(1) 5°" if lang == "en" else "art. 2(1) 5°") in messages[-1]["text"]
