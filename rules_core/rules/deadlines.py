"""Steps and deadlines before, during and after the mobility, in order, with dates when known: the
student's checklist (`/checklist`, "what do I still have to do?"), one step per article."""
from __future__ import annotations

from rules_core.citations import POSSIBILITY, art, master
from rules_core.decision import Decision, Outcome, Question
from rules_core.engine import Facts, Findings, asked
from rules_core.rules.dated_steps import art_10_contract_date, art_12_1_ols_after_date, art_12_1_ols_before_date
from rules_core.rules.timing import art_8_2_change_deadline
from rules_core.situation import Level, MobilityType as T, Situation


def _on(day) -> dict:
    """The date a step falls on, as a conclusion's parameter, when the student's dates give it."""
    return {"date": day} if day else {}


def before_departure(f: Facts, out: Findings) -> None:
    kind = f.need("mobility_type")
    if kind == T.free_mover:
        out.add("deadlines.free_mover_project", art(4, 5), art(7, 3))
    else:
        out.add("deadlines.call", art(4, 2))
    out.add("deadlines.learning_agreement_at_application", art(7, 4), art(8, 2))
    if kind == T.erasmus_plus:
        day = art_12_1_ols_before_date(f, out)
        out.add("deadlines.ols_before_by" if day else "deadlines.ols_before", art(12, 1), **_on(day))
    if kind == T.global_exchange:
        out.add("deadlines.language_certificate", art(12, 3))
    day = art_10_contract_date(f, out)
    out.add("deadlines.mobility_contract_by" if day else "deadlines.mobility_contract", art(10), **_on(day))
    out.add("deadlines.declare", art(20, 1))
    out.add("deadlines.insurance_housing", art(13), art(15))


def during(f: Facts, out: Findings) -> None:
    if f.get("course_start_date") is not None:
        art_8_2_change_deadline(f, out)
    else:
        out.add("deadlines.learning_agreement_four_weeks", art(8, 2))
    out.add("deadlines.extension_announce", art(17, 2))
    out.add("deadlines.withdrawal_report", art(18))


def after_return(f: Facts, out: Findings) -> None:
    if f.need("mobility_type") == T.erasmus_plus:
        day = art_12_1_ols_after_date(f, out)
        out.add("deadlines.ols_after_by" if day else "deadlines.ols_after", art(12, 1), **_on(day))
    out.add("deadlines.transcript", art(21, 1), art(21, 3))
    out.add("deadlines.end_of_stay_steps", art(5, 7))
    out.add("deadlines.resits", art(23))
    last = f.get("last_semester")
    if last or last is None:
        cite = master(POSSIBILITY) if f.get("level") == Level.master else art(1, 2)
        out.add("deadlines.last_semester" if last else "departure.if_last_semester", cite)


def decide_deadlines(situation: Situation) -> Decision:
    out = Findings(Facts(situation))
    if asked("grade_deadline"):
        # "Can the grade deadline be pushed back so I still graduate?": never, in any case (Art. 1(2)).
        cite = master(POSSIBILITY) if out.facts.get("level") == Level.master else art(1, 2)
        out.add("deadlines.grade_deadline_not_extended", cite)
        return out.decision(Question.ask_deadlines, Outcome.no)
    out.attempt(before_departure)
    if out.missing:
        out.conclusions = []
        return out.decision(Question.ask_deadlines, Outcome.missing_facts)
    during(out.facts, out)
    after_return(out.facts, out)
    return out.decision(Question.ask_deadlines, Outcome.yes)
