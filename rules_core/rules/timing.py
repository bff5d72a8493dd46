"""When to go, and what the stay must be: Art. 1(2), 8(2), 19, 20; Master sections."""
from __future__ import annotations

import datetime as dt

from rules_core import parameters
from rules_core.citations import POSSIBILITY, LEARNING_AGREEMENT, art, master
from rules_core.decision import Decision, Outcome, Question
from rules_core.engine import Facts, Findings, Missing, asked, needs, rule
from rules_core.situation import Level, Situation


def _level_cite(level: Level, bachelor_article):
    return bachelor_article if level == Level.bachelor else master(POSSIBILITY)


@rule
def art_1_2_departure_semester(f: Facts, out: Findings) -> Outcome:
    """Bachelor: not in semester 1 or 2; Master: not in semester 1; programmes may restrict."""
    if f.get("level") is not None and f.unknown("semester"):
        # "from which semester can I go?" without knowing when: the earliest semester itself.
        level = f.need("level")
        earliest = parameters.value("earliest_departure_semester")[level.value]
        cite = _level_cite(level, art(1, 2))
        out.compute("earliest_departure_semester", earliest, cite, unit="semester")
        out.add("departure.general", cite, earliest=earliest, level=level.value)
        return Outcome.conditional
    level, _ = needs(f, "level", "semester")
    earliest = parameters.value("earliest_departure_semester")[level.value]
    cite = _level_cite(level, art(1, 2))
    out.compute("earliest_departure_semester", earliest, cite, unit="semester")
    semester = f.need("semester")
    if semester < earliest:
        out.add("departure.too_early", cite, semester=semester, earliest=earliest, level=level.value)
        return Outcome.no
    out.add("departure.allowed", cite, semester=semester, earliest=earliest, level=level.value)
    return Outcome.yes


@rule
def art_1_2_last_semester(f: Facts, out: Findings) -> None:
    """In the last semester the grade-transmission deadline for graduation is never extended."""
    cite = _level_cite(f.need("level"), art(1, 2))
    last = f.get("last_semester")
    if last is None:
        out.add("departure.if_last_semester", cite)
    elif last:
        out.add("departure.last_semester", cite)


def decide_departure_semester(situation: Situation) -> Decision:
    out = Findings(Facts(situation))
    outcome = out.attempt(art_1_2_departure_semester)
    if out.missing:
        return out.decision(Question.ask_departure_semester, Outcome.missing_facts)
    if outcome == Outcome.yes:
        art_1_2_last_semester(out.facts, out)
    return out.decision(Question.ask_departure_semester, outcome)


# -- Learning agreement: Art. 7(4), 8 ----------------------------------------------------------

@rule
def art_8_2_change_deadline(f: Facts, out: Findings) -> bool:
    """No change accepted after four weeks following the start of courses at the host. Returns
    whether changes are still accepted: on the day the student means to change it, else today."""
    level = f.get("level")
    # The four weeks are the same at both levels; only the citation differs.
    cites = {Level.bachelor: [art(8, 2)], Level.master: [master(LEARNING_AGREEMENT)], None: [art(8, 2), master(LEARNING_AGREEMENT)]}[level]
    cite = cites[0]
    days = parameters.value("learning_agreement_change_window_days")
    if f.unknown("course_start_date"):  # the rule itself, to apply once the start date is known
        out.add("learning_agreement.change_deadline_general", *cites, days=days)
        return True
    start = f.need("course_start_date")
    deadline = out.compute("learning_agreement_change_deadline", start + dt.timedelta(days=days), cite, unit="date")
    out.add("learning_agreement.change_deadline", *cites, start=start, deadline=deadline, days=days)
    wanted = f.get("change_date")
    if wanted is not None:  # "can I still change it on 5 March?": that day against the limit, not today
        in_time = wanted <= deadline
        out.add("learning_agreement.change_on_date_ok" if in_time else "learning_agreement.change_on_date_too_late",
                cite, change_date=wanted, deadline=deadline)
        return in_time
    today = f.get("today")
    if today is not None:
        left = (deadline - today).days
        if left >= 0:
            out.compute("days_left_to_change", left, cite, unit="days")
            out.add("learning_agreement.days_left", cite, days_left=left, deadline=deadline)
        else:
            out.add("learning_agreement.deadline_passed", cite, deadline=deadline)
            return False
    return True


def decide_learning_agreement(situation: Situation) -> Decision:
    out = Findings(Facts(situation))
    f = out.facts
    q = Question.ask_learning_agreement
    if asked("ects_minimum") or asked("ects_thirty_required") or asked("ects_listed"):
        # "How many ECTS at least?", "must it have 30 ECTS?": the level settles it, not the course dates.
        level = out.attempt(lambda f, o: f.need("level"))
        if out.missing:
            return out.decision(q, Outcome.missing_facts)
        if level == Level.bachelor:  # Art. 8(1): at least 30 ECTS
            minimum = parameters.value("minimum_ects")
            out.add("learning_agreement.bachelor_content", art(8, 1), ects=minimum)
            listed = f.get("ects_enrolled") if asked("ects_listed") else None
            if listed is not None and listed < minimum:
                # "my LA only lists 24 ECTS, is that ok?": the question is whether that total is enough.
                out.add("learning_agreement.bachelor_too_few", art(8, 1), ects=listed, minimum=minimum)
                return out.decision(q, Outcome.no)
            return out.decision(q, Outcome.yes)
        # The Master section does not repeat the 30 ECTS minimum of Art. 8(1). Asked whether the 30 apply:
        # no; asked how many then: the circular gives no figure, the programme or the office says.
        if asked("who_signs"):  # "who signs it, and are 30 ECTS needed for us too?": the signatories first
            out.add("learning_agreement.master_content", master(LEARNING_AGREEMENT))
        if asked("ects_thirty_required") and not asked("ects_minimum"):
            out.add("learning_agreement.master_thirty_not_required", master(LEARNING_AGREEMENT),
                    ects=parameters.value("minimum_ects"))
            return out.decision(q, Outcome.no)
        out.add("learning_agreement.master_no_minimum", master(LEARNING_AGREEMENT))
        return out.decision(q, Outcome.needs_staff)
    alone = asked("change_alone")  # the date cannot change "never on your own": not asked for it
    # Nor can the level: every change is validated by the student, the programme director and the
    # host at both levels (Art. 8(3); the Master section says the same), so it is asked only for "who signs".
    # "Who signs it?" does not turn on the dates either: the four weeks are then said in general.
    signatories = asked("who_signs") and f.get("course_start_date") is None
    out.attempt(lambda f, o: (needs(f, "level") if asked("who_signs") else None) if alone
                else needs(f, "level") if f.unknown("course_start_date") or signatories
                else needs(f, "level", "course_start_date"))
    if out.missing:
        return out.decision(q, Outcome.missing_facts)
    if alone:
        level = f.get("level")
        if asked("who_signs"):  # "who signs it, and can I change it myself?": the three signatories first
            if level == Level.bachelor:
                out.add("learning_agreement.bachelor_content", art(8, 1), ects=parameters.value("minimum_ects"))
            else:
                out.add("learning_agreement.master_content", master(LEARNING_AGREEMENT))
        unilateral = {Level.bachelor: [art(8, 3)], Level.master: [master(LEARNING_AGREEMENT)],
                      None: [art(8, 3), master(LEARNING_AGREEMENT)]}[level]
        out.add("learning_agreement.never_unilateral", *unilateral)
        if f.get("course_start_date") is None:
            days = parameters.value("learning_agreement_change_window_days")
            window = {Level.bachelor: [art(8, 2)], Level.master: [master(LEARNING_AGREEMENT)],
                      None: [art(8, 2), master(LEARNING_AGREEMENT)]}[level]
            out.add("learning_agreement.change_deadline_general", *window, days=days)
        else:
            art_8_2_change_deadline(f, out)
        return out.decision(q, Outcome.no)
    if signatories:
        window = [art(8, 2)] if f.need("level") == Level.bachelor else [master(LEARNING_AGREEMENT)]
        out.add("learning_agreement.change_deadline_general", *window,
                days=parameters.value("learning_agreement_change_window_days"))
        still_open = True
    else:
        still_open = art_8_2_change_deadline(f, out)
    if out.missing:
        return out.decision(q, Outcome.missing_facts)
    if asked("signed_by_all") and not still_open:
        # "and if my prof there and my director both sign it?": the three signatures (Art. 8(3)) make a
        # change made in time valid; after the four weeks no change is accepted at all (Art. 8(2)).
        signed = [art(8, 2), art(8, 3)] if f.need("level") == Level.bachelor else [master(LEARNING_AGREEMENT)]
        out.add("learning_agreement.signatures_do_not_reopen", *signed)
    if f.need("level") == Level.bachelor:
        out.add("learning_agreement.bachelor_content", art(8, 1), ects=parameters.value("minimum_ects"))
        out.add("learning_agreement.before_departure", art(8, 2), art(7, 4))
    else:
        out.add("learning_agreement.master_content", master(LEARNING_AGREEMENT))
        out.add("learning_agreement.before_departure", master(LEARNING_AGREEMENT), art(7, 4))
    level_cite = art(8, 3) if f.need("level") == Level.bachelor else master(LEARNING_AGREEMENT)
    out.add("learning_agreement.never_unilateral", level_cite)
    # "Can I still change it?": no once the window is over; otherwise the informational answer.
    return out.decision(q, Outcome.yes if still_open else Outcome.no)


# -- The stay: Art. 19 and 20 ------------------------------------------------------------------

def stay_days(f: Facts, out: Findings) -> int:
    """Days of the stay, from the dates when given (both ends counted, see parameters)."""
    start, end = f.get("departure_date"), f.get("return_date")
    if start is not None and end is not None:
        days = (end - start).days + (1 if parameters.value("stay_days_count_both_ends") else 0)
        out.compute("stay_days", days, art(20, 2), unit="days")
        return days
    if f.get("stay_days") is not None:
        return f.get("stay_days")
    raise Missing(*(name for name in ("departure_date", "return_date") if f.get(name) is None))


FORCE_MAJEURE = "force_majeure"  # a result that sends the case to staff (Art. 19, judged case by case)
CONDITIONAL = "conditional"  # a condition stated for a fact the student does not know yet


def shortest_return(f: Facts, minimum: int):
    """The first return date that makes the stay last `minimum` days, when the departure is known."""
    start = f.get("departure_date")
    if start is None:
        return None
    return start + dt.timedelta(days=minimum - (1 if parameters.value("stay_days_count_both_ends") else 0))


@rule
def art_20_2_stay_long_enough(f: Facts, out: Findings):
    minimum = parameters.value("minimum_stay_days")
    if f.unknown("departure_date", "return_date", "stay_days") and f.get("stay_days") is None and \
            f.get("full_host_term") is not True:
        # Dates not known yet: the condition itself, with the date it means when the departure is known.
        until = shortest_return(f, minimum)
        if until is not None:
            out.compute("shortest_return_date", until, art(20, 2), unit="date")
        out.add("validation.if_stay" if until is None else "validation.if_stay_until", art(20, 2), minimum=minimum,
                until=until)
        return CONDITIONAL
    if f.get("full_host_term") is True and (f.get("stay_days") is None and f.get("return_date") is None):
        # A complete host semester or trimester settles it: the dates are not needed.
        out.add("validation.full_term_ok_no_days", art(20, 2), minimum=minimum)
        return True
    days = stay_days(f, out)
    if days >= minimum:
        out.add("validation.stay_ok", art(20, 2), days=days, minimum=minimum)
        return True
    if f.need("full_host_term"):
        out.add("validation.full_term_ok", art(20, 2), days=days, minimum=minimum)
        return True
    out.add("validation.stay_too_short", art(20, 2), days=days, minimum=minimum)
    if planned_stay(f):  # a stay not begun is a plan: no return was cut short, Art. 19 does not apply
        return False
    return art_19_force_majeure_exception(f, out, days, minimum)


def planned_stay(f: Facts) -> bool:
    """Whether the stay has not begun yet (departure after today): its dates are a plan, not a
    return cut short by events."""
    start, today = f.get("departure_date"), f.get("today")
    return start is not None and today is not None and start > today


@rule
def art_19_force_majeure_exception(f: Facts, out: Findings, days: int, minimum: int):
    """Exception to Art. 20(2), written beside it: a stay cut short by force majeure may still be
    recognised (Art. 19), case by case: staff decide."""
    if not f.need("force_majeure"):
        return False
    out.add("interruption.force_majeure", art(19, 1), art(19, 2), days=days, minimum=minimum)
    return FORCE_MAJEURE


@rule
def art_20_2_abroad(f: Facts, out: Findings) -> bool:
    """The mandatory semester is spent at a recognised institution abroad: a host in Luxembourg is not."""
    if f.get("host_country") != "LU":
        return True  # abroad, or not said (then it is a condition of the answer, not a question)
    out.add("validation.not_abroad", art(20, 2))
    return False


@rule
def art_20_2_credits(f: Facts, out: Findings):
    minimum = parameters.value("minimum_ects")
    if f.unknown("ects_enrolled"):
        out.add("validation.if_credits", art(20, 2), minimum=minimum)
        return CONDITIONAL
    ects = f.need("ects_enrolled")
    ok = ects >= minimum
    out.add("validation.credits_ok" if ok else "validation.credits_too_few", art(20, 2), ects=ects, minimum=minimum)
    return ok


@rule
def art_20_1_declared(f: Facts, out: Findings):
    if f.unknown("declared_to_mobility_office"):
        out.add("validation.if_declared", art(20, 1))
        return CONDITIONAL
    if f.need("declared_to_mobility_office"):
        out.add("validation.declared", art(20, 1))
        return True
    out.add("validation.not_declared", art(20, 1))
    return False


def decide_validation(situation: Situation) -> Decision:
    out = Findings(Facts(situation))
    q = Question.ask_validation
    results = [out.attempt(rule) for rule in (art_20_2_abroad, art_20_2_credits, art_20_2_stay_long_enough,
                                                  art_20_1_declared)]
    if False in results:
        out.conclusions = [c for c in out.conclusions if not c.key.endswith("_ok") and c.key != "validation.declared"
                           and not c.key.startswith("validation.full_term_ok") and c.key != "interruption.force_majeure"]
        return out.decision(q, Outcome.no)
    if out.missing:
        return out.decision(q, Outcome.missing_facts)
    if FORCE_MAJEURE in results:
        return out.decision(q, Outcome.needs_staff)
    out.add("validation.recognition", art(22, 1))
    return out.decision(q, Outcome.conditional if CONDITIONAL in results else Outcome.yes)


def decide_interruption(situation: Situation) -> Decision:
    out = Findings(Facts(situation))
    f = out.facts
    q = Question.ask_interruption
    minimum = parameters.value("interruption_minimum_days")
    if f.get("force_majeure") is True and f.get("stay_days") is None and \
            (f.get("departure_date") is None or f.get("return_date") is None):
        # A serious event the student states (a relative's stroke, an accident, a disaster): force
        # majeure is examined case by case (Art. 19), so the office looks at once; the 90-day rule
        # is explained, with the date it means when the departure is known, not asked for first.
        until = shortest_return(f, minimum)
        if until is not None:
            out.compute("shortest_return_date", until, art(19, 1), unit="date")
        out.add("interruption.force_majeure_claim", art(19, 1), art(19, 2), minimum=minimum)
        out.add("interruption.general" if until is None else "interruption.general_until", art(19, 1), art(19, 2),
                minimum=minimum, until=until)
        out.add("interruption.report", art(18))
        return out.decision(q, Outcome.needs_staff)
    if f.unknown("departure_date", "return_date") and f.get("stay_days") is None:
        # Return date not known yet: the rule, with the date it means when the departure is known.
        until = shortest_return(f, minimum)
        if until is not None:
            out.compute("shortest_return_date", until, art(19, 1), unit="date")
        out.add("interruption.general" if until is None else "interruption.general_until", art(19, 1), art(19, 2),
                minimum=minimum, until=until)
        out.add("interruption.report", art(18))
        return out.decision(q, Outcome.conditional)
    days = out.attempt(stay_days)
    if out.missing:
        return out.decision(q, Outcome.missing_facts)
    # The outcome answers the student's question, "will I have to go on mobility again?".
    if days >= minimum:
        out.add("interruption.long_enough", art(19, 1), art(20, 2), days=days, minimum=minimum)
        out.add("interruption.missing_credits", art(23))
        out.add("interruption.report", art(18))
        # "Is my mobility still valid?" is the same rule asked the other way round.
        return out.decision(q, Outcome.yes if asked("still_valid") else Outcome.no)
    force_majeure = out.attempt(lambda f, o: f.need("force_majeure"))
    if out.missing:
        return out.decision(q, Outcome.missing_facts)
    if force_majeure:
        out.add("interruption.force_majeure", art(19, 1), art(19, 2), days=days, minimum=minimum)
        out.add("interruption.report", art(18))
        return out.decision(q, Outcome.needs_staff)
    out.add("interruption.new_departure", art(19, 1), days=days, minimum=minimum)
    out.add("interruption.report", art(18))
    return out.decision(q, Outcome.no if asked("still_valid") else Outcome.yes)
