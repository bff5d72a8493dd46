"""Obligation of mobility and exemptions: Art. 1, 2, 24-27; Master — Possibilité de mobilité."""
from __future__ import annotations

from rules_core import parameters
from rules_core.citations import POSSIBILITY, art, master
from rules_core.decision import Decision, Outcome, Question
from rules_core.engine import Facts, Findings, RuleConflict, asked, exceptions, rule
from rules_core.situation import ExemptionGround as G, Level, Situation, SpecialStatus as S


def _statuses(f: Facts) -> set:
    """The special situations the student said apply; none said is the ordinary case (see below)."""
    return set(f.get("special_statuses") or [])


def special_situations_unsaid(f: Facts) -> bool:
    """Art. 2(2), 24(1), 25, 26, 27 are rare situations: a patient advisor answers for the ordinary
    case and names them as the exceptions they are, rather than asking every student about them
    first. Once the student states one (or says none applies), the answer uses it."""
    return f.get("special_statuses") is None


def special_situation_articles() -> tuple:
    return art(2, 2), art(24, 1), art(25), art(26), art(27)


# -- Art. 1(1), general rule, and the exceptions written beside it -------------------------

@rule
def art_24_1_validated_mobility_in_other_bachelor(f: Facts):
    """A mobility completed and validated in another UL Bachelor counts: no second one needed."""
    return {"obliged": False} if S.programme_change_validated_mobility in _statuses(f) else None


@rule
def art_25_new_bachelor_after_ul_bachelor(f: Facts):
    """A new Bachelor after a UL Bachelor degree: the obligation applies again."""
    return {"obliged": True} if S.ul_bachelor_obtained in _statuses(f) else None


OBLIGATION_EXCEPTIONS = (
    (art(24, 1), art_24_1_validated_mobility_in_other_bachelor),
    (art(25), art_25_new_bachelor_after_ul_bachelor),
)


@rule
def art_1_1_bachelor_obligation(f: Facts, out: Findings) -> bool:
    """Bachelor students must study one semester abroad (30 ECTS); returns whether obliged."""
    exception = exceptions("Art. 1(1)", f, OBLIGATION_EXCEPTIONS)
    if exception is None:
        out.add("obligation.bachelor", art(1, 1), ects=parameters.value("minimum_ects"))
        return True
    citation, result = exception
    if citation == art(24, 1):
        out.add("obligation.programme_change", art(24, 1))
    else:
        out.add("obligation.new_bachelor", art(25), art(1, 1), ects=parameters.value("minimum_ects"))
    return result["obliged"]


@rule
def art_27_part_time(f: Facts, out: Findings) -> None:
    if S.part_time in _statuses(f):
        out.add("obligation.part_time", art(27))


@rule
def art_26_double_enrolment(f: Facts, out: Findings) -> None:
    if S.double_enrolment in _statuses(f):
        out.add("obligation.double_enrolment", art(26))


@rule
def art_24_1_if_validated(f: Facts, out: Findings) -> bool:
    """A Bachelor changed after a mobility whose validation is not said: it counts only if it was
    completed and validated (Art. 24(1)); otherwise the obligation stands."""
    if S.programme_change_after_mobility in _statuses(f):
        out.add("obligation.programme_change_if_validated", art(24, 1))
        return True
    return False


@rule
def art_2_2_employment_programme(f: Facts, out: Findings) -> bool:
    if S.employment_programme in _statuses(f):
        out.add("obligation.employment_programme", art(2, 2))
        return True
    return False


def _conflict(question: Question, out: Findings, conflict: RuleConflict) -> Decision:
    out.conclusions = []
    out.add("rules.conflict", *conflict.citations, rule=conflict.rule)
    return out.decision(question, Outcome.needs_staff)


def decide_obligation(situation: Situation) -> Decision:
    out = Findings(Facts(situation))
    f = out.facts
    q = Question.ask_obligation
    if out.attempt(lambda f, o: f.need("level")) == Level.master:
        out.add("obligation.master_none", art(1, 1), master(POSSIBILITY))
        return out.decision(q, Outcome.no)
    if out.missing:
        return out.decision(q, Outcome.missing_facts)
    try:
        obliged = out.attempt(art_1_1_bachelor_obligation)
    except RuleConflict as conflict:
        return _conflict(q, out, conflict)
    if out.missing:
        return out.decision(q, Outcome.missing_facts)
    if not obliged:
        return out.decision(q, Outcome.no)
    art_27_part_time(f, out)
    art_26_double_enrolment(f, out)
    if asked("go_twice") and S.double_enrolment in _statuses(f):
        # "enrolled in two bachelors: do I go twice?": no, one mobility, in the Bachelor of one's choice.
        return out.decision(q, Outcome.no)
    may_be_exempted = art_2_2_employment_programme(f, out)
    may_be_exempted = art_24_1_if_validated(f, out) or may_be_exempted
    out.add("obligation.internship_does_not_count", art(1, 3))
    art_2_1_ground_5_needs_third_country_diploma(f, out)  # "non-EU students need not go": not with an EU diploma
    out.add("obligation.exemption_possible", art(2, 1))
    if special_situations_unsaid(f):
        out.add("obligation.unless_special_situation", *special_situation_articles())
    return out.decision(q, Outcome.conditional if may_be_exempted else Outcome.yes)


# -- Exemption: Art. 2, with Art. 24(1), 25, 27 ---------------------------------------------

def third_country_ground(countries) -> bool:
    """Art. 2(1) 5°: coming from a third country with a school diploma from one. `countries` are the
    ISO codes the student names for their origin and their school: all must be outside the EU (a
    third country, which Luxembourg, where they study, is not)."""
    from rules_core.countries import is_eu

    codes = {c for c in countries if c}
    return bool(codes) and all(not is_eu(code) and code != "LU" for code in codes)


def _abroad(countries) -> bool:
    """Studies "à l'étranger": at an institution outside Luxembourg, where the student studies now."""
    codes = {c for c in countries if c}
    return bool(codes) and "LU" not in codes


def foreign_diploma_ground(semesters, countries) -> bool:
    """Art. 2(1) 1°: a diploma sanctioning at least four semesters of university studies abroad.
    `semesters` is the length of the diploma the student obtained (None when not known),
    `countries` the ISO codes of where it was obtained."""
    minimum = parameters.value("exemption_diploma_minimum_semesters")
    return semesters is not None and semesters >= minimum and _abroad(countries)


def foreign_credits_ground(ects, validated: bool, countries):
    """Art. 2(1) 2°: at least 30 ECTS obtained abroad, counted once validated (Art. 33(2) of the
    law): the ground the student's words give (validated or not yet), or None when they give none."""
    if ects is None or ects < parameters.value("minimum_ects") or not _abroad(countries):
        return None
    return G.foreign_credits_validated if validated else G.foreign_credits_not_validated



def _from_third_country(f: Facts) -> bool:
    """The student comes from a third country: not an EU national, or from a country outside the EU."""
    origin = f.get("country_of_origin")
    return f.get("eu_national") is False or (origin is not None and third_country_ground({origin}))


def _school_diploma_not_third_country(f: Facts):
    """The country of the student's secondary-school diploma when it is no third country (Luxembourg or
    another EU country): ground 5° is then out of reach, whatever the origin. None otherwise."""
    code = f.get("school_diploma_country")
    return code if code is not None and not third_country_ground({code}) else None


@rule
def art_2_1_ground_5_needs_third_country_diploma(f: Facts, out: Findings) -> bool:
    """Art. 2(1) 5° asks for both a third-country origin and a third-country school diploma. Said to a
    student from a third country (or who names ground 5°) whose diploma is from the EU, who may think
    the origin alone exempts them; returns whether ground 5° is ruled out."""
    country = _school_diploma_not_third_country(f)
    if country is None:
        return False
    if _from_third_country(f) or G.third_country_diploma in (f.get("exemption_grounds") or ()):
        out.add("exemption.ground_5_not_met", art(2, 1, 5), country=country)
    return True


@rule
def art_2_1_grounds(f: Facts, out: Findings) -> Outcome:
    """Each ground of Art. 2(1) and 2(3) the student reports, with who grants it."""
    grounds = set(f.need("exemption_grounds"))
    if _school_diploma_not_third_country(f):
        grounds.discard(G.third_country_diploma)  # ground 5° read or picked, but the diploma is from the EU
    outcomes = set()
    if G.foreign_diploma_four_semesters in grounds:
        out.add("exemption.ground_1", art(2, 1, 1))
        outcomes.add(Outcome.conditional)
    if G.foreign_credits_validated in grounds:
        out.add("exemption.ground_2", art(2, 1, 2), ects=parameters.value("minimum_ects"))
        outcomes.add(Outcome.conditional)
    if G.foreign_credits_not_validated in grounds:
        # Not met yet, but met once the credits are validated (notes on Art. 2(1) 2°): a "yes, if
        # validated", with the validation procedure as the way there, not a refusal.
        out.add("exemption.ground_2_not_validated", art(2, 1, 2), ects=parameters.value("minimum_ects"))
        outcomes.add(Outcome.conditional)
    if G.illness_or_disability in grounds:
        out.add("exemption.ground_3", art(2, 1, 3), art(2, 3))
        outcomes.add(Outcome.needs_staff)
    if G.family_obligations in grounds:
        out.add("exemption.ground_4", art(2, 1, 4))
        outcomes.add(Outcome.conditional)
    if G.third_country_diploma in grounds:
        out.add("exemption.ground_5", art(2, 1, 5))
        outcomes.add(Outcome.conditional)
    if G.specific_needs in grounds:
        out.add("exemption.specific_needs", art(2, 3))
        outcomes.add(Outcome.needs_staff)
    if Outcome.needs_staff in outcomes:
        return Outcome.needs_staff
    return Outcome.conditional if outcomes else Outcome.no


def decide_exemption(situation: Situation) -> Decision:
    out = Findings(Facts(situation))
    f = out.facts
    q = Question.ask_exemption
    level = out.attempt(lambda f, o: f.need("level"))
    if level == Level.master:
        out.add("exemption.master_not_needed", art(1, 1), master(POSSIBILITY))
        return out.decision(q, Outcome.no)
    if out.missing:
        return out.decision(q, Outcome.missing_facts)
    statuses = _statuses(f)
    if statuses:
        try:
            exception = exceptions("Art. 1(1)", f, OBLIGATION_EXCEPTIONS)
        except RuleConflict as conflict:
            return _conflict(q, out, conflict)
        if exception is not None and exception[0] == art(24, 1):
            out.add("obligation.programme_change", art(24, 1))
            return out.decision(q, Outcome.yes)
    if S.employment_programme in statuses and f.get("exemption_grounds") is None:
        # Art. 2(2): a programme taken alongside employment is itself a way to an exemption; the
        # grounds of Art. 2(1) would add nothing to what the student is told to do (ask for it).
        grounds_outcome = Outcome.no
    else:
        grounds_outcome = out.attempt(art_2_1_grounds)
    if out.missing:
        return out.decision(q, Outcome.missing_facts)
    outcome = grounds_outcome
    if art_2_2_employment_programme(f, out) and outcome == Outcome.no:
        outcome = Outcome.conditional
    if S.part_time in statuses and outcome == Outcome.no:
        # Art. 27: a part-time student may ask the faculty's SPOC for an exemption (or enrol full-time
        # for the mobility semester): a request to make, not a refusal.
        outcome = Outcome.conditional
    # Art. 25 and 27 say how to ask, not a ground: the grounds of Art. 2 still decide.
    if S.ul_bachelor_obtained in statuses:
        out.add("exemption.new_bachelor", art(25))
    if S.part_time in statuses:
        out.add("exemption.part_time", art(27))
    art_2_1_ground_5_needs_third_country_diploma(f, out)
    if outcome == Outcome.no:
        out.add("exemption.no_ground", art(2, 1), art(1, 1))
    elif outcome == Outcome.conditional and (grounds_outcome != Outcome.no or S.employment_programme in statuses):
        out.add("exemption.how_to_request", art(2, 1))
    if special_situations_unsaid(f):
        out.add("exemption.unless_special_situation", art(24, 1), art(25), art(27))
    return out.decision(q, outcome)
