"""Funding of the mobility: Art. 5, 16(2), 17(5), 18 and Master — Financement de la mobilité.

General rule, Art. 5(1): Erasmus+ mobilities may get the Erasmus+ grant, Global Exchange
and Free mover mobilities the Fonds de mobilité grant; SEMP grants are the Swiss host's
(Art. 5(8)). Each exclusion below is a rule of its own; exclusions are cumulative, so
all that apply are reported.
"""
from __future__ import annotations

import datetime as dt

from rules_core import parameters
from rules_core.citations import FUNDING, art, master
from rules_core.decision import Decision, Outcome, Question
from rules_core.engine import Facts, Findings, Missing, asked, rule
from rules_core.rules.place import Proximity, host_country, host_distance, possible_host_countries
from rules_core.situation import Level, MobilityType as T, Situation

REVIEW = "review"  # a result that sends the case to staff
IF_BEYOND = "if_beyond"  # a fact the student does not know: funded only if it turns out right


def cited(f: Facts, *articles):
    """The articles, and for a Master student the Master section's own funding heading, which
    repeats these rules for Masters."""
    return [*articles, master(FUNDING)] if f.get("level") == Level.master else list(articles)


@rule
def art_5_1_masters_not_eligible_for_fonds(f: Facts, out: Findings) -> bool:
    if f.need("mobility_type") not in (T.global_exchange, T.free_mover):
        return False
    if f.need("level") != Level.master:
        return False
    out.add("funding.master_no_fonds", art(5, 1), master(FUNDING))
    return True


@rule
def art_5_2_one_funded_semester(f: Facts, out: Findings) -> bool:
    if not any(m.funded for m in f.need("earlier_mobilities")):
        return False
    out.add("funding.already_funded", *cited(f, art(5, 2)), funded_semesters=parameters.value("funded_semesters"))
    return True


@rule
def art_17_5_extension_not_funded(f: Facts, out: Findings) -> bool:
    if f.get("is_extension") is None and f.get("mobility_type") == T.global_exchange:
        return False  # a Global Exchange mobility cannot be an extension (Art. 17(1)): nothing to ask
    if f.get("is_extension") is not True:
        # Asked only after an earlier mobility: with none, there is nothing to extend.
        if not f.need("earlier_mobilities") or not f.need("is_extension"):
            return False
    out.add("funding.extension", art(17, 5))
    return True


@rule
def art_16_2_misconduct(f: Facts, out: Findings) -> bool:
    if not f.need("earlier_mobilities") or not f.need("excluded_for_misconduct"):
        return False  # Art. 16(2) concerns an additional semester after an exclusion
    out.add("funding.misconduct", art(16, 2))
    return True


@rule
def art_5_3_country_of_origin(f: Facts, out: Findings):
    if f.need("mobility_type") != T.erasmus_plus:
        return False
    if (f.get("host_country") is None and f.unknown("host_city")) or f.unknown("country_of_origin"):
        # The host's country or the student's is not known: the rule, as a condition of the grant.
        out.add("funding.origin_if", *cited(f, art(5, 3)))
        return IF_BEYOND
    countries = possible_host_countries(f)
    if len(countries) > 1 and f.need("country_of_origin") not in countries:
        # No town of that name is in the student's country ("Barcelona" for a French student: Spain or
        # Venezuela): the rule cannot apply, so which namesake is meant is not asked.
        return False
    programme = {c for c in countries if c in parameters.value("erasmus_plus_countries")}
    # An Erasmus+ host is in a programme country (Art. 3): a German going to "Heidelberg" on Erasmus+ goes
    # to the German one, not to its South African namesake. (A Venezuelan naming Valencia is still asked:
    # his own country's Valencia may be meant, and the type mistaken.)
    origin = f.get("country_of_origin")
    country = origin if len(countries) > 1 and programme == {origin} else host_country(f)
    if country != f.need("country_of_origin"):
        return False
    if f.need("resides_temporarily_elsewhere"):
        # Exception written in Art. 5(3) itself: temporary residence elsewhere keeps the grant.
        out.add("funding.origin_but_resides_elsewhere", *cited(f, art(5, 3)), country=country)
        return False
    home = f.get("permanent_residence_country")
    if home is not None and home != country:
        # A national of the host country who has always lived in another one: whether the nationality
        # or the lifelong home is the "country of origin", the circular does not say. Staff decide.
        out.add("funding.origin_unclear", *cited(f, art(5, 3)), country=country, home=home)
        return REVIEW
    out.add("funding.country_of_origin", *cited(f, art(5, 3)), country=country)
    return True


@rule
def art_5_4_proximity(f: Facts, out: Findings):
    radius = parameters.value("proximity_radius_km")
    if f.unknown("host_city"):
        try:
            where = host_distance(f)
        except Missing:  # the town is not known yet: the rule itself, as the condition of the grant
            out.add("funding.proximity_if_town", *cited(f, art(5, 4)), radius_km=radius)
            return IF_BEYOND
    where = host_distance(f)
    params = {"radius_km": radius}
    if where.place is not None and where.distance_km is not None:
        params.update(city=where.place.name, country=where.place.country, distance_km=where.distance_km)
        out.compute("distance_km", where.distance_km, art(5, 4), unit="km")
    if where.proximity == Proximity.within and where.place is None:  # the whole country is near (Luxembourg)
        out.add("funding.proximity_country", *cited(f, art(5, 4)), country=f.get("host_country"), radius_km=radius)
        return True
    if where.proximity == Proximity.within:
        out.add("funding.proximity", *cited(f, art(5, 4)), **params)
        return True
    if where.proximity == Proximity.review:
        out.add("funding.proximity_review", *cited(f, art(5, 4)), **params)
        return REVIEW
    if where.proximity == Proximity.namesakes:
        out.add("funding.place_namesakes", *cited(f, art(5, 4)), city=where.place.name, country=where.place.country,
                radius_km=radius)
        return REVIEW
    if where.proximity == Proximity.unknown_place:
        out.add("funding.place_unknown", *cited(f, art(5, 4)), city=f.get("host_city"), radius_km=radius)
        return REVIEW
    if where.place is not None:
        out.add("funding.beyond_radius", *cited(f, art(5, 4)), **params)
    return False


def academic_year(day: dt.date) -> int:
    """The academic year a day belongs to, by its first calendar year (15 March 2027 -> 2026, for 2026/27)."""
    start = parameters.value("academic_year_start", day)
    return day.year if (day.month, day.day) >= (start["month"], start["day"]) else day.year - 1


@rule
def art_5_5_refused_or_cancelled_place(f: Facts, out: Findings) -> bool:
    if not f.need("refused_or_cancelled_place"):
        return False
    if asked("later_academic_year"):
        # The student moves the mobility to a later academic year: the refusal bars only its own year.
        out.add("funding.refused_place_other_year", art(5, 5))
        return False
    cites = [art(5, 5), art(18)]
    if f.get("level") == Level.master:
        cites.append(master(FUNDING))
    out.add("funding.refused_place", *cites)
    return True


EXCLUSIONS = (
    art_5_1_masters_not_eligible_for_fonds,
    art_5_4_proximity,
    art_5_3_country_of_origin,
    art_5_2_one_funded_semester,
    art_17_5_extension_not_funded,
    art_16_2_misconduct,
    art_5_5_refused_or_cancelled_place,
)


@rule
def art_5_1_grant(f: Facts, out: Findings) -> Outcome:
    """The general rule, reached when no exclusion applies."""
    kind = f.need("mobility_type")
    level_cite = [master(FUNDING)] if f.get("level") == Level.master else []
    if kind == T.semp:
        out.add("funding.semp_swiss_host", art(5, 8), *level_cite)
        outcome = Outcome.conditional
    elif kind == T.erasmus_plus:
        out.add("funding.erasmus_grant", art(5, 1), *level_cite)
        outcome = Outcome.yes
    else:
        out.add("funding.fonds_de_mobilite", art(5, 1))
        outcome = Outcome.yes
    out.add("funding.rules_document", art(5, 6), *level_cite)
    out.add("funding.repayment", art(5, 7), *level_cite)
    return outcome


def decide(situation: Situation) -> Decision:
    out = Findings(Facts(situation))
    if (asked("who_pays") or asked("ul_pays")) and out.facts.get("mobility_type") == T.semp:
        # "who pays my SEMP grant, uni.lu or the Swiss host?": the Swiss host funds and manages it, on its own
        # conditions (Art. 5(8)); the University's exclusions are not what was asked. "Does uni.lu pay it?" is
        # then a no, whatever the other facts: the University pays no SEMP grant.
        level_cite = [master(FUNDING)] if out.facts.get("level") == Level.master else []
        if asked("who_pays"):
            out.add("funding.semp_swiss_host", art(5, 8), *level_cite)
            return out.decision(Question.ask_funding, Outcome.conditional)
        out.add("funding.semp_not_paid_by_university", art(5, 8), *level_cite)
        return out.decision(Question.ask_funding, Outcome.no)
    results = [out.attempt(rule) for rule in EXCLUSIONS]
    if any(result is True for result in results):
        out.conclusions = [c for c in out.conclusions if c.key not in _NOT_A_BAR]
        return out.decision(Question.ask_funding, Outcome.no)
    if out.missing:
        return out.decision(Question.ask_funding, Outcome.missing_facts)
    if REVIEW in results:
        if results[EXCLUSIONS.index(art_5_4_proximity)] == REVIEW:  # the distance is what staff must check
            out.add("funding.staff_review", art(5, 4))
        return out.decision(Question.ask_funding, Outcome.needs_staff)
    outcome = art_5_1_grant(out.facts, out)
    if IF_BEYOND in results:
        return out.decision(Question.ask_funding, Outcome.conditional)
    return out.decision(Question.ask_funding, outcome)


_NOT_A_BAR = {"funding.refused_place_other_year", "funding.beyond_radius", "funding.proximity_if_town", "funding.origin_if", "funding.origin_unclear", "funding.origin_but_resides_elsewhere", "funding.proximity_review",
              "funding.place_unknown", "funding.place_namesakes"}
