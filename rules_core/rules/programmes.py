"""What depends on the mobility type: Art. 4, 7, 9, 11, 12, 17, 18, 28; Master sections."""
from __future__ import annotations

import datetime as dt
import math
from typing import NamedTuple, Optional

from rules_core import parameters
from rules_core.citations import SELECTION, FUNDING, COUNT, art, master
from rules_core.decision import Decision, Outcome, Question
from rules_core.engine import Facts, Findings, asked, needs, rule
from rules_core.rules.funding import academic_year
from rules_core.rules.dated_steps import art_12_1_ols_after_date, art_12_1_ols_before_date
from rules_core.situation import Level, MobilityType as T, Situation


# -- Application and allocation: Art. 4, 7 ----------------------------------------------------

@rule
def art_4_allocation(f: Facts, out: Findings) -> None:
    level, kind = needs(f, "level", "mobility_type")
    extra = [master(SELECTION)] if level == Level.master else []
    if kind in (T.erasmus_plus, T.semp):
        out.add("application.allocation_erasmus_semp", art(4, 3), *extra)
        out.add("application.nomination_erasmus_semp", art(7, 1))
    elif kind == T.global_exchange:
        out.add("application.allocation_global_exchange", art(4, 4), *extra)
        out.add("application.nomination_global_exchange", art(7, 2))
    else:
        out.add("application.free_mover", art(4, 5), *extra)
        out.add("application.free_mover_file", art(7, 3))
    if level == Level.master and kind != T.free_mover:  # no places are allocated to Free movers
        out.add("application.master_shared_places", master(SELECTION))
    out.add("application.calls", art(4, 2), art(4, 1))
    out.add("application.learning_agreement", art(7, 4))
    out.add("application.cancellation_by_ul", art(7, 5))
    out.add("application.host_decides", art(7, 6))


def decide_application(situation: Situation) -> Decision:
    out = Findings(Facts(situation))
    if asked("nomination_is_acceptance"):
        # "Does the nomination mean I am accepted?": no, the host decides; nothing else needs asking.
        out.add("application.host_decides", art(7, 6))
        out.add("application.cancellation_by_ul", art(7, 5))
        return out.decision(Question.ask_application, Outcome.no)
    if asked("ul_cancels_application"):
        # "Can the University cancel my application if my results are poor?": yes, on Art. 7(5)'s grounds.
        out.add("application.cancellation_by_ul", art(7, 5))
        out.add("application.host_decides", art(7, 6))
        return out.decision(Question.ask_application, Outcome.yes)
    out.attempt(art_4_allocation)
    if out.missing:
        out.conclusions = []
        return out.decision(Question.ask_application, Outcome.missing_facts)
    return out.decision(Question.ask_application, Outcome.yes)


# -- Credits: Art. 9 ---------------------------------------------------------------------------

@rule
def art_9_conversion(f: Facts, out: Findings) -> None:
    kind = f.need("mobility_type")
    if kind == T.global_exchange:
        out.add("credits.global_exchange_table", art(9, 2))
        return
    if kind in (T.erasmus_plus, T.semp):
        out.add("credits.ects_or_learning_agreement", art(9, 1))
        return
    per_credit = parameters.value("hours_per_credit")
    if f.unknown("course_hours"):  # the rule of conversion, to apply once the workload is known
        out.add("credits.free_mover_tables", art(9, 3))
        out.add("credits.free_mover_general", art(9, 3), min_hours=per_credit["min"], max_hours=per_credit["max"])
        return
    hours = f.need("course_hours")
    # Rounded outwards to a tenth, so the range shown always contains the exact one.
    low = math.floor(hours / per_credit["max"] * 10) / 10
    high = math.ceil(hours / per_credit["min"] * 10) / 10
    out.compute("credits_min", low, art(9, 3), unit="ECTS")
    out.compute("credits_max", high, art(9, 3), unit="ECTS")
    out.add("credits.free_mover_tables", art(9, 3))
    out.add("credits.free_mover_computation", art(9, 3), hours=hours, low=low, high=high,
            min_hours=per_credit["min"], max_hours=per_credit["max"])


def decide_credit_conversion(situation: Situation) -> Decision:
    out = Findings(Facts(situation))
    out.attempt(art_9_conversion)
    if out.missing:
        return out.decision(Question.ask_credit_conversion, Outcome.missing_facts)
    out.add("credits.recognition", art(22, 1), art(22, 3))
    return out.decision(Question.ask_credit_conversion, Outcome.yes)


# -- Fees: Art. 11, 17(4) -----------------------------------------------------------------------

def decide_fees(situation: Situation) -> Decision:
    out = Findings(Facts(situation))
    f = out.facts
    kind = out.attempt(lambda f, o: f.need("mobility_type"))
    if out.missing:
        return out.decision(Question.ask_fees, Outcome.missing_facts)
    # The outcome answers the student's usual question, "do I pay my fees at the University?".
    outcome = Outcome.yes
    if kind == T.free_mover:
        out.add("fees.free_mover", art(11, 4))
        outcome = Outcome.no
    elif kind == T.erasmus_plus and f.get("is_extension"):
        # Art. 17(4): for an Erasmus+ extension the host sets the status, hence where fees go.
        out.add("fees.erasmus_extension", art(17, 4), art(11, 3), art(11, 4))
        outcome = Outcome.conditional
    else:
        out.add("fees.to_ul", art(11, 3), mobility_type=kind.value)
        if kind == T.erasmus_plus and f.get("is_extension") is None:
            out.add("fees.if_erasmus_extension", art(17, 4))
    out.add("fees.double_enrolment", art(11, 1))
    out.add("fees.host_extra_fees", art(11, 2))
    return out.decision(Question.ask_fees, outcome)


# -- Language tests: Art. 12, 7(5) --------------------------------------------------------------

def decide_language_test(situation: Situation) -> Decision:
    out = Findings(Facts(situation))
    f = out.facts
    q = Question.ask_language_test
    if asked("certificate_replaced") and f.get("mobility_type") != T.global_exchange:
        # "Can my OLS result stand for the host's certificate?": never. (A Global Exchange host's own
        # tests, Art. 12(3), are answered below.)
        out.add("language.ols_not_a_certificate", art(12, 2))
        return out.decision(q, Outcome.no)
    if asked("ols_named") and f.get("native_speaker") is True and f.get("mobility_type") is None:
        # "Must I take the OLS test?" from a native speaker: no whatever the mobility, the OLS being Erasmus+'s
        # alone and waived for native speakers of the teaching language (Art. 12(1)).
        out.add("language.ols_native", art(12, 1))
        out.add("language.ols_not_a_certificate", art(12, 2))
        return out.decision(q, Outcome.no)
    kind = out.attempt(lambda f, o: f.need("mobility_type"))
    if out.missing:
        return out.decision(q, Outcome.missing_facts)
    if kind == T.erasmus_plus:
        native = out.attempt(lambda f, o: f.need("native_speaker"))
        if out.missing:
            return out.decision(q, Outcome.missing_facts)
        if native:
            out.add("language.ols_native", art(12, 1))
            outcome = Outcome.no
        else:
            out.add("language.ols_required", art(12, 1))
            art_12_1_ols_before_date(f, out)
            art_12_1_ols_after_date(f, out)
            outcome = Outcome.yes
        out.add("language.ols_not_a_certificate", art(12, 2))
    elif kind == T.global_exchange:
        # Even asked about the OLS, a Global Exchange student's real question is the host's own test (Art. 12(3)).
        out.add("language.global_exchange_tests", art(12, 3))
        outcome = Outcome.conditional
    else:
        out.add("language.no_ols", art(12, 1), mobility_type=kind.value)
        out.add("language.host_certificates", art(12, 2))
        # "Must I take the OLS test?" is answered no outside Erasmus+ (Art. 12(1)); asked about language
        # tests in general, the host's own requirements keep the answer conditional.
        outcome = Outcome.no if asked("ols_named") else Outcome.conditional
    out.add("language.level_can_cancel", art(7, 5))
    return out.decision(q, outcome)


# -- Extension: Art. 17, 28(3) -------------------------------------------------------------------

class Term(NamedTuple):
    """A semester as the student names it: its half of the academic year (1: the winter or autumn semester,
    which opens the year in September; 2: the summer or spring semester, which closes it in August) and,
    when said, its year: the academic year (2027 for 2027/28) of a calendar term, the year of study of a
    programme semester (S3, S4: the second)."""
    half: int
    year: Optional[int] = None
    calendar: bool = True

    @classmethod
    def season(cls, half: int, year: Optional[int] = None) -> "Term":
        """ "fall 2027" (half 1), "spring 2028" (half 2), with the calendar year said, if any."""
        return cls(half, None if year is None else academic_year(dt.date(year, 10 if half == 1 else 3, 1)))

    @classmethod
    def programme_semester(cls, number: int) -> "Term":
        """S1…S8: the odd ones are winter semesters, the even ones the summer semesters of the same year of study."""
        return cls(1 if number % 2 else 2, (number + 1) // 2, calendar=False)


def extension_within_academic_year(mobility: Optional[Term], extension: Optional[Term]) -> Optional[bool]:
    """Whether extending a mobility of the term `mobility` by the semester `extension` stays within one
    academic year, the condition of Art. 17(1); None when the terms told do not settle it. An extension is
    the semester right after the mobility's: only a winter mobility extended into the summer semester stays
    within its academic year (spring 2027 -> fall 2027, S4 -> S5: another year)."""
    if mobility and extension and mobility.year is not None and extension.year is not None \
            and mobility.calendar == extension.calendar:
        if (extension.year, extension.half) <= (mobility.year, mobility.half):
            return None  # an extension before its mobility: a slip the student is better asked about
        return extension.year == mobility.year
    if mobility and extension and mobility.half == extension.half:
        return None  # "spring, then spring": not the semester right after
    if extension:
        return extension.half == 2
    if mobility:
        return mobility.half == 1
    return None


def decide_extension(situation: Situation) -> Decision:
    out = Findings(Facts(situation))
    q = Question.ask_extension
    kind = out.attempt(lambda f, o: f.need("mobility_type"))
    if kind == T.global_exchange:
        out.add("extension.not_global_exchange", art(17, 1))
        return out.decision(q, Outcome.no)
    same_year = out.attempt(lambda f, o: f.need("extension_same_academic_year"))
    if same_year is False:
        out.add("extension.not_other_year", art(17, 1))
        return out.decision(q, Outcome.no)
    if out.missing:
        return out.decision(q, Outcome.missing_facts)
    out.add("extension.same_year", art(17, 1))
    out.add("extension.procedure", art(17, 2))
    out.add("extension.new_learning_agreement", art(17, 3))
    if kind == T.erasmus_plus:
        out.add("extension.erasmus_status", art(17, 4), art(11, 3), art(11, 4))
    master_student = out.facts.get("level") == Level.master  # the Master section repeats these two rules
    out.add("extension.not_funded", art(17, 5), *([master(FUNDING)] if master_student else []))
    out.add("extension.first_semester_steps", art(17, 5))
    out.add("extension.not_extra_mobility", art(28, 3), *([master(COUNT)] if master_student else []))
    return out.decision(q, Outcome.conditional)


# -- Cancellation: Art. 18, 5(5) ------------------------------------------------------------------

def decide_cancellation(situation: Situation) -> Decision:
    out = Findings(Facts(situation))
    q = Question.ask_cancellation
    kind = out.attempt(lambda f, o: f.need("mobility_type"))
    if out.missing:
        return out.decision(q, Outcome.missing_facts)
    if kind == T.free_mover:
        # No place is allocated to a Free mover (Art. 4(5)); the circular sets no other consequence.
        out.add("cancellation.free_mover", art(4, 5), art(18))
        return out.decision(q, Outcome.needs_staff)
    if asked("leave_silently"):  # "can I just not go without telling anyone?": no, report it at once
        out.add("cancellation.report_without_delay", art(18))
    level = out.attempt(lambda f, o: f.need("level"))
    if out.missing:
        out.conclusions = []
        return out.decision(q, Outcome.missing_facts)
    if level == Level.master:
        out.add("cancellation.master_consequences", art(18), master(FUNDING))
    else:
        out.add("cancellation.consequences", art(18), art(5, 5))
    if not asked("leave_silently"):
        out.add("cancellation.report_without_delay", art(18))
    # The outcome answers "can I still go, or be funded, that year after refusing or cancelling?";
    # asked of the next academic year, it is a yes: the exclusion is for the year concerned (Art. 18).
    return out.decision(q, Outcome.yes if asked("next_year") else Outcome.no)


# -- Number of mobilities: Art. 28; Master — Nombre de mobilités possibles ---------------------------

def decide_mobility_count(situation: Situation) -> Decision:
    out = Findings(Facts(situation))
    f = out.facts
    q = Question.ask_mobility_count
    level = out.attempt(lambda f, o: f.need("level"))
    # "I'm on Erasmus+ and will extend: does it count as a second mobility?": whatever was done before,
    # an extension belongs to the mobility it extends (Art. 28(3)), so the earlier ones need not be known.
    extension_asked = bool(f.get("is_extension")) and asked("counts_as_another")
    earlier = f.get("earlier_mobilities") if extension_asked else out.attempt(lambda f, o: f.need("earlier_mobilities"))
    if out.missing:
        return out.decision(q, Outcome.missing_facts)
    maximum = parameters.value("maximum_mobilities")[level.value]
    done = len(earlier or [])
    if (earlier or extension_asked) and f.get("is_extension"):
        # Art. 28(3): extending the current mobility adds no mobility to the count.
        cite = master(COUNT) if level == Level.master else art(28, 3)
        out.add("count.extension_is_no_new_mobility", cite)
        # "Does it count as my second mobility?" is the same rule asked the other way round.
        return out.decision(q, Outcome.no if asked("counts_as_another") else Outcome.yes)
    if level == Level.master:
        cite = master(COUNT)
        out.compute("maximum_mobilities", maximum, cite)
        out.add("count.master_done" if done >= maximum else "count.master_one", cite, maximum=maximum, done=done)
        out.add("count.extension_not_counted", cite)
        # "Can I do two exchanges during my Master?": the one allowed does not make two.
        more = asked("several_mobilities") and not asked("counts_as_another") and not f.get("is_extension")
        return out.decision(q, Outcome.no if done >= maximum or more else Outcome.yes)
    out.compute("maximum_mobilities", maximum, art(28, 1))
    if done >= maximum:
        out.add("count.bachelor_limit_reached", art(28, 1), maximum=maximum, done=done)
        outcome = Outcome.no
    elif done == 0:
        out.add("count.bachelor_first", art(28, 1), art(28, 2), maximum=maximum)
        # "could I go twice, Erasmus in S4 and something else in S6?": two, if the second is a Global Exchange
        # one (Art. 28(2)); told that it is, a yes. Asked of one mobility, a plain yes.
        two = asked("several_mobilities") and f.get("mobility_type") != T.global_exchange
        outcome = Outcome.conditional if two else Outcome.yes
    else:
        kind = f.get("mobility_type")
        if kind is None:
            out.add("count.bachelor_second_if_global_exchange", art(28, 1), art(28, 2), maximum=maximum)
            outcome = Outcome.conditional
        elif kind == T.global_exchange:
            out.add("count.bachelor_second_global_exchange", art(28, 1), art(28, 2), maximum=maximum)
            outcome = Outcome.yes
        else:
            out.add("count.bachelor_second_not_global_exchange", art(28, 2), mobility_type=kind.value)
            outcome = Outcome.no
    out.add("count.extension_not_counted", art(28, 3))
    return out.decision(q, outcome)


# -- Visa: Art. 14 ---------------------------------------------------------------------------------

def decide_visa(situation: Situation) -> Decision:
    from rules_core.rules.place import host_country

    out = Findings(Facts(situation))
    q = Question.ask_visa
    eu = out.attempt(lambda f, o: f.need("eu_national"))
    if out.missing:
        return out.decision(q, Outcome.missing_facts)
    if not eu:
        out.add("visa.non_eu", art(14, 2))
        return out.decision(q, Outcome.conditional)
    f = out.facts
    if f.unknown("host_city", "host_country") and f.get("host_country") is None:
        out.add("visa.eu_general", art(14, 1))  # host not chosen yet: the rule for each side of the border
        return out.decision(q, Outcome.conditional)
    country = out.attempt(lambda f, o: host_country(f))
    if out.missing:
        return out.decision(q, Outcome.missing_facts)
    if country in parameters.value("visa_free_area"):
        out.add("visa.eu_in_europe", art(14, 1), country=country)
        return out.decision(q, Outcome.no)
    out.add("visa.eu_outside_europe", art(14, 1), country=country)
    return out.decision(q, Outcome.conditional)
