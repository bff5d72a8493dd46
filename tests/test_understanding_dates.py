"""Which fact each date of a message is (actions.dates), and the answers that depend on it."""
import datetime as dt

import pytest

from actions.understanding import aspects_of, read_message, refine_question
from rules_core.questions import decide
from rules_core.render import render_lines
from rules_core.situation import Situation

TODAY = dt.date(2026, 11, 2)


def dated(text, requested=None, intent="ask_learning_agreement"):
    reading = read_message(text, intent, [], requested, TODAY)
    return {k: v for k, v in reading.facts.items() if k.endswith("_date")}, reading.problems


@pytest.mark.parametrize("text, start", [
    ("the 3rd of march 2027", dt.date(2027, 3, 3)),
    ("3rd of Mar", dt.date(2027, 3, 3)),
    ("march the 3rd", dt.date(2027, 3, 3)),
    ("premier mars 2027", dt.date(2027, 3, 1)),
    ("le 1er mars", dt.date(2027, 3, 1)),
    ("first of march", dt.date(2027, 3, 1)),
    ("Mar. 3, 2027", dt.date(2027, 3, 3)),
    ("03/03/2027", dt.date(2027, 3, 3)),
])
def test_a_reply_in_any_date_form_is_read_as_the_pending_date(text, start):
    assert dated(text, requested="course_start_date")[0] == {"course_start_date": start}


@pytest.mark.parametrize("text, start, change", [
    ("our lectures in Utrecht begin on the 8th of February 2027; may I still swap a course on 2 March?",
     dt.date(2027, 2, 8), dt.date(2027, 3, 2)),
    ("à Vienne le semestre démarre le 4 octobre 2027, je voudrais modifier mon contrat d'études le 15 novembre",
     dt.date(2027, 10, 4), dt.date(2027, 11, 15)),
    ("Can I add a course on Oct 1 if classes start Sept 20th 2027?", dt.date(2027, 9, 20), dt.date(2027, 10, 1)),
])
def test_a_course_start_and_an_intended_change_are_two_facts_not_a_stay(text, start, change):
    assert dated(text)[0] == {"course_start_date": start, "change_date": change}


def test_a_year_less_change_date_falls_after_the_courses_start():
    found, _ = dated("classes in Leuven start 14 Feb 2028, could I still drop one on 1 March?")
    assert found == {"course_start_date": dt.date(2028, 2, 14), "change_date": dt.date(2028, 3, 1)}


def test_the_date_said_back_is_the_one_whose_year_was_taken_not_the_first_one():
    _, problems = dated("courses start 8 February 2027, can I change my courses on 2 March?")
    assert problems == ["assumed_year:2027-03-02"]


def test_the_end_of_the_host_semester_is_no_date_of_the_student():
    found, _ = dated("I'd be in Gent from 3 Feb 2027 to 20 April 2027; their term runs until end of June",
                     intent="ask_validation")
    assert found == {"departure_date": dt.date(2027, 2, 3), "return_date": dt.date(2027, 4, 20)}
    assert dated("non, le semestre là-bas finit fin juin", requested="full_host_term", intent="inform")[0] == {}


@pytest.mark.parametrize("text", ["what if I stay till 30 May 2027?", "et si je reste jusqu'au 30 mai 2027 ?",
                                  "and if I come back on 30 May 2027"])
def test_a_follow_up_with_a_stay_until_date_is_the_return(text):
    assert dated(text, intent=None)[0] == {"return_date": dt.date(2027, 5, 30)}


def test_a_changed_return_date_turns_a_planned_short_stay_into_a_validated_one():
    base = dict(departure_date="2027-02-03", full_host_term=False, ects_enrolled=30, declared_to_mobility_office=True,
                today=TODAY)
    assert decide("ask_validation", Situation(**base, return_date="2027-04-20")).outcome.value == "no"
    assert decide("ask_validation", Situation(**base, return_date="2027-05-30")).outcome.value == "yes"


def test_a_question_about_one_day_is_answered_with_a_plain_yes_or_no_and_the_limit():
    situation = Situation(level="bachelor", course_start_date="2027-02-08", change_date="2027-03-02")
    lines = render_lines(decide("ask_learning_agreement", situation), "en")
    assert lines[0] == "Yes." and any("Monday 8 March 2027" in line for line in lines)
    situation = Situation(level="master", course_start_date="2027-10-04", change_date="2027-11-15")
    lines = render_lines(decide("ask_learning_agreement", situation), "fr")
    assert lines[0] == "Non." and any("lundi 1 novembre 2027" in line for line in lines)


@pytest.mark.parametrize("text", ["if I fly home next week, does my exchange still count?",
                                  "si j'arrête maintenant, est-ce que ça compte quand même ?",
                                  "will it count if I leave after 5 weeks?", "ma mobilité va compter quand même ?"])
def test_asking_whether_a_cut_short_stay_counts_is_the_still_valid_aspect(text):
    assert "still_valid" in aspects_of(text)


def test_whether_it_counts_flips_the_outcome_while_whether_to_go_again_keeps_yes():
    situation = Situation(stay_days=40, force_majeure=False)
    assert decide("ask_interruption", situation, aspects=["still_valid"]).outcome.value == "no"
    assert decide("ask_interruption", situation).outcome.value == "yes"
    assert render_lines(decide("ask_interruption", situation, aspects=["still_valid"]), "fr")[0] == "Non."


@pytest.mark.parametrize("text", ["I stopped after 5 weeks in Vilnius, will I have to leave again next year?",
                                  "came home from Bergen early, must I do another semester abroad?",
                                  "j'ai lâché mon échange à Tartu, est-ce que je dois repartir ?"])
def test_must_i_go_again_after_a_stay_cut_short_is_the_interruption_question(text):
    assert refine_question("ask_validation", text) == "ask_interruption"


def test_does_it_count_as_a_second_mobility_is_not_the_still_valid_aspect():
    assert "still_valid" not in aspects_of("would the extension count as a second mobility?")


def test_a_question_naming_a_start_and_a_change_day_is_answered_for_that_day_once_the_level_is_known():
    from tests.test_actions import ActionAnswer, run, slots_set, tracker

    _, events = run(ActionAnswer(), tracker("lectures in Utrecht begin 8 February 2028, may I still swap a course on "
                                            "10 March?", "ask_learning_agreement", detected="en", language="en"))
    slots = slots_set(events)
    assert (slots["course_start_date"], slots["change_date"]) == ("2028-02-08", "2028-03-10")
    messages, _ = run(ActionAnswer(), tracker("bachelor", "inform", detected="en", language="en",
                                              question="ask_learning_agreement", level="bachelor",
                                              course_start_date=slots["course_start_date"],
                                              change_date=slots["change_date"]))
    text = messages[-1]["text"]
    assert text.startswith("No.") and "Tuesday 7 March 2028" in text and "Art. 8(2)" in text


def test_a_follow_up_moving_the_return_recomputes_the_stay_instead_of_keeping_the_answer():
    from tests.test_actions import ActionAnswer, run, tracker

    base = dict(question="ask_validation", departure_date="2028-02-07", return_date="2028-04-10",
                full_host_term=False, ects_enrolled=30, declared_to_mobility_office=True, language="en")
    first, events = run(ActionAnswer(), tracker("", "inform", detected="en", **base))
    assert first[-1]["text"].startswith("No")
    last = next(e["value"] for e in events if e.get("name") == "last_decision")
    messages, events = run(ActionAnswer(), tracker("and if I stay till 25 May 2028?", "inform", detected="en",
                                                   last_decision=last, **base))
    assert any(e.get("name") == "return_date" and e["value"] == "2028-05-25" for e in events)
    assert messages[-1]["text"].startswith("Yes")


def test_the_hosts_term_running_until_a_date_is_no_return_of_the_student():
    import datetime as dt

    from actions.understanding import read_message

    facts = read_message("no, over there the term runs until the end of june", "deny", [], "full_host_term",
                         dt.date(2026, 12, 1)).facts
    assert "return_date" not in facts and facts["full_host_term"] is False


def test_arriving_then_leaving_is_a_stay():
    import datetime as dt

    from actions.understanding import read_message

    facts = read_message("I arrive on 3 March and leave on 20 June 2027", "inform", [], None, dt.date(2026, 12, 1)).facts
    assert (facts["departure_date"], facts["return_date"]) == (dt.date(2027, 3, 3), dt.date(2027, 6, 20))


@pytest.mark.parametrize("text", [
    "I'll be in Osaka from 2 October to 20 December 2028",
    "je serai à Lund du 02/10 au 20/12/2028",
    "entre le 2 octobre et le 20 décembre 2028 à Bergen",
    "stay in Sapporo 2.10–20.12.2028",
    "séjour à Turku du 2.10 au 20.12.2028",
    "oct 2 - dec 20 2028 in Kyoto",
    "between Oct 2nd and Dec 20th 2028",
])
def test_a_range_whose_year_is_written_only_on_its_end_is_one_stay_within_that_year(text):
    found, problems = dated(text, intent="ask_validation")
    assert found == {"departure_date": dt.date(2028, 10, 2), "return_date": dt.date(2028, 12, 20)}
    assert problems == []


@pytest.mark.parametrize("text", ["from 12 November to 25 February 2029", "du 12/11 au 25/02/2029"])
def test_a_range_end_year_gives_its_start_the_year_before_when_the_range_crosses_new_year(text):
    found, _ = dated(text, intent="ask_validation")
    assert found == {"departure_date": dt.date(2028, 11, 12), "return_date": dt.date(2029, 2, 25)}


def test_a_decimal_number_beside_a_range_is_still_no_date():
    assert dated("GPA 3.5, 30 ECTS", intent="ask_validation")[0] == {}



def extension_fact(text, requested=None, intent="ask_extension"):
    return read_message(text, intent, [], requested, TODAY).facts.get("extension_same_academic_year")


@pytest.mark.parametrize("text, same", [
    ("exchange in Bergen in spring 2028, could I stay on through the autumn semester 2028?", False),
    ("je pars au printemps 2028 à Gênes, est-ce que je peux prolonger au semestre d'automne 2028 ?", False),
    ("I'm going in S6, can I extend into S7?", False),
    ("mobilité au S3, je peux rester aussi au S4 ?", True),
    ("my summer semester in Kraków, then the winter one too: can I extend?", False),
    ("semestre d'hiver à Porto puis prolonger pendant le semestre d'été, possible ?", True),
    ("if I leave in fall 2028 and extend to spring 2029, is that ok?", True),
    ("can I extend into spring 2029 if my erasmus is in fall 2028?", True),
    ("I'm in Bologna this autumn, could I extend it?", True),
    ("erasmus in Lille in spring 2028, can I extend it?", False),
])
def test_the_terms_of_a_mobility_and_its_extension_say_whether_it_stays_in_one_academic_year(text, same):
    assert extension_fact(text) is same


@pytest.mark.parametrize("text", ["can I extend my stay over the summer?", "can I extend my erasmus in Oslo?",
                                  "je peux prolonger mon échange à Riga ?"])
def test_an_extension_without_a_term_named_leaves_the_academic_year_to_ask(text):
    assert extension_fact(text) is None


def test_a_reply_naming_both_terms_answers_the_academic_year_question_and_one_term_alone_does_not():
    asked = "extension_same_academic_year"
    assert extension_fact("spring 2028, then the fall 2028 semester", asked, "inform") is False
    assert extension_fact("winter then summer semester", asked, "inform") is True
    assert extension_fact("the autumn", asked, "inform") is None


def test_only_a_winter_mobility_extended_into_the_summer_semester_stays_within_its_year_art_17_1():
    from rules_core.rules.programmes import Term, extension_within_academic_year as within

    assert within(Term.season(1, 2028), Term.season(2, 2029)) is True  # 2028/29 both
    assert within(Term.season(2, 2028), Term.season(1, 2028)) is False  # 2027/28, then 2028/29
    assert within(Term.season(1, 2028), Term.season(2, 2030)) is False
    assert within(Term.programme_semester(5), Term.programme_semester(6)) is True
    assert within(Term.programme_semester(4), Term.programme_semester(5)) is False
    assert within(None, Term.season(1)) is False and within(Term.season(1), None) is True
    assert within(Term.season(1, 2028), Term.season(2, 2028)) is None  # spring 2028 comes before fall 2028
    assert within(None, None) is None


def test_a_what_if_moving_the_mobility_to_the_autumn_recomputes_the_extension_instead_of_asking_to_rephrase():
    from actions.conversation import ActionNotUnderstood
    from tests.test_actions import run, slots_set, tracker

    before = dict(question="ask_extension", mobility_type="erasmus_plus", host_city="Innsbruck", language="en",
                  extension_same_academic_year=False,
                  last_decision={"question": "ask_extension", "outcome": "no", "conclusions": [], "values": []})
    messages, events = run(ActionNotUnderstood(), tracker(
        "ok and suppose I go in autumn 2028 then extend it to the spring 2029 semester, does that work?",
        "nlu_fallback", detected="en", **before))
    slots = slots_set(events)
    assert slots["extension_same_academic_year"] is True and slots["last_decision"]["outcome"] == "conditional"
    assert "Art. 17(1)" in messages[-1]["text"]


@pytest.mark.parametrize("text", [
    "thinking about trading one of my classes for another around 22 april, may I?",
    "is it too late to drop a module on nov 18?",
    "puis-je remplacer une matière vers le 12 mai ?",
    "je peux encore ajouter un séminaire le 3 décembre ?",
    "on a le droit de laisser tomber un cours fin octobre ?",
])
def test_a_course_swap_drop_or_add_asked_with_a_day_is_the_learning_agreement_question_on_that_day(text):
    from actions.understanding import named_question

    assert named_question(text) == "ask_learning_agreement"
    assert "change_date" in dated(text, intent="nlu_fallback")[0]


@pytest.mark.parametrize("text", ["if I drop a module, will my ECTS still be enough?", "can I change my bachelor course?",
                                  "I swapped a course, does it still count?"])
def test_a_course_change_asked_about_credits_or_a_programme_is_not_the_learning_agreement_deadline(text):
    from actions.understanding import named_question

    assert named_question(text) != "ask_learning_agreement"


@pytest.mark.parametrize("text, lang, words", [
    ("and what if the coordinator there and my programme director both sign?", "en", "Even signed"),
    ("et si le prof là-bas et ma directrice signent tous les deux ?", "fr", "Même signée"),
    ("even if all three of us sign it?", "en", "Even signed"),
])
def test_signatures_offered_after_a_too_late_change_keep_the_no_and_say_they_do_not_extend_the_limit(text, lang, words):
    from actions.conversation import ActionNotUnderstood
    from tests.test_actions import run, slots_set, tracker

    before = dict(question="ask_learning_agreement", level="bachelor", course_start_date="2028-02-14",
                  change_date="2028-03-20", language=lang,
                  last_decision={"question": "ask_learning_agreement", "outcome": "no", "conclusions": [], "values": []})
    messages, events = run(ActionNotUnderstood(), tracker(text, "out_of_scope", detected=lang, **before))
    assert slots_set(events)["last_decision"]["outcome"] == "no"
    assert words in messages[-1]["text"] and "8(3)" in messages[-1]["text"]


@pytest.mark.parametrize("text, departure, back", [
    ("I was in Vilnius from 3 Oct and came home on 28 Nov because I missed my friends, must I go again?",
     dt.date(2026, 10, 3), dt.date(2026, 11, 28)),
    ("je suis rentrée de Gênes le 2 novembre, j'y étais depuis le 14 septembre", dt.date(2026, 9, 14), dt.date(2026, 11, 2)),
])
def test_a_stay_told_as_already_lived_keeps_its_year_less_dates_in_the_past_whatever_the_month_asked_in(
        text, departure, back):
    found = read_message(text, "ask_interruption", [], None, dt.date(2027, 2, 10)).facts
    assert (found["departure_date"], found["return_date"]) == (departure, back)
