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


@pytest.mark.parametrize("text, departure, back", [
    ("I was in Vilnius from 3 Oct and came home on 28 Nov because I missed my friends, must I go again?",
     dt.date(2026, 10, 3), dt.date(2026, 11, 28)),
    ("je suis rentrée de Gênes le 2 novembre, j'y étais depuis le 14 septembre", dt.date(2026, 9, 14), dt.date(2026, 11, 2)),
])
def test_a_stay_told_as_already_lived_keeps_its_year_less_dates_in_the_past_whatever_the_month_asked_in(
        text, departure, back):
    found = read_message(text, "ask_interruption", [], None, dt.date(2027, 2, 10)).facts
    assert (found["departure_date"], found["return_date"]) == (departure, back)
