"""What would change the outcome: the smallest change of one fact that flips a yes or a no.

Only facts a student can choose or could have differently are tried (`CHANGEABLE`): the host, the
type of mobility, the semester, the length of the stay, the credits, declaring the mobility,
extending it. Who the student is (level, nationality, origin, mother tongue) and what already
happened (earlier mobilities, an exclusion, a refused place, force majeure) are not offered as
"changes". Candidate values come from the facts' own sets (enums, booleans) and from the cited
parameters (the day and credit thresholds, the 100 km radius with towns of the gazetteer on the
other side of it); each candidate is decided by the rules themselves, nothing is inferred.

A flip is a yes becoming a no, or a no becoming a yes (or a yes under conditions). When a change
lifts a no but the answer would then need facts the student has not given, it is reported as such
(`then_needed`), and only when no change flips the answer outright.
"""
from __future__ import annotations

import datetime as dt
import json
from functools import lru_cache
from typing import Any, Dict, Iterator, List, Optional, Sequence, Tuple

from pydantic import BaseModel, Field, ValidationError

from rules_core import parameters
from rules_core.citations import Citation
from rules_core.decision import Conclusion, Decision, Outcome, Scalar
from rules_core.situation import Situation

# In the order they are tried and said: the host first, the most common change of plan.
CHANGEABLE = ("host", "mobility_type", "semester", "last_semester", "is_extension", "extension_same_academic_year",
              "return_date", "stay_days", "full_host_term", "ects_enrolled", "declared_to_mobility_office")
MAX_CHANGES = 3  # one per fact; more would bury the answer
EXAMPLE_TOWN_POPULATION = 100_000  # a town named as an example is one a student knows

FLIPS = {Outcome.yes: {Outcome.no}, Outcome.no: {Outcome.yes, Outcome.conditional}}


class Change(BaseModel):
    """One fact changed, and what the answer would then be."""

    fact: str
    value: Any  # the new value, as JSON
    kind: str  # how to say the change (texts.yml `explanation.change.*`)
    params: Dict[str, Scalar] = Field(default_factory=dict)
    outcome: Outcome
    deciding: List[Conclusion] = Field(default_factory=list)  # the conclusion that would then decide
    lifted: List[Citation] = Field(default_factory=list)  # articles that would no longer decide it
    then_needed: List[str] = Field(default_factory=list)  # with outcome missing_facts: facts then asked


Candidate = Tuple[str, Any, str, Dict[str, Any]]  # fact, value, kind of change, what to say


def _with(situation: Situation, **facts: Any) -> Optional[Situation]:
    try:
        return Situation(**{**situation.dict(exclude_none=True), **facts})
    except ValidationError:
        return None  # that value contradicts another fact (SEMP outside Switzerland, dates and days)


@lru_cache(maxsize=1)
def _example_towns() -> Tuple[Tuple[float, Any], ...]:
    """Towns students know, with their distance to the university's seat, nearest first."""
    from rules_core.gazetteer import gazetteer
    from rules_core.rules.place import _seat_distance

    towns = [(round(_seat_distance(p), 1), p) for p in gazetteer().places if p.population >= EXAMPLE_TOWN_POPULATION]
    return tuple(sorted(towns, key=lambda t: t[0]))


def _host_candidates(situation: Situation) -> Iterator[Candidate]:
    """A host on the other side of the 100 km line (nearest to it), then one in another country."""
    from rules_core.engine import Facts, Missing
    from rules_core.rules.place import Proximity, host_distance

    radius = parameters.value("proximity_radius_km")
    margin = parameters.value("proximity_review_margin_km")
    try:
        where = host_distance(Facts(situation))
    except Missing:
        return
    country = situation.host_country or (where.place.country if where.place else None)
    towns = _example_towns()
    if where.proximity in (Proximity.within, Proximity.beyond):
        if where.proximity == Proximity.within:
            other_side = [(d, p) for d, p in towns if d > radius + margin]
            kind = "host_beyond"
        else:
            other_side = [(d, p) for d, p in reversed(towns) if d < radius - margin]
            kind = "host_within"
        for distance, place in other_side[:1]:
            yield "host", place.name, kind, {"city": place.name, "country": place.country, "distance_km": distance,
                                             "radius_km": radius}
    if country is not None and where.proximity == Proximity.beyond:  # the same side, another country (Art. 5(3))
        for distance, place in towns:
            if distance > radius + margin and place.country != country:
                yield "host", place.name, "host_other_country", {"city": place.name, "country": place.country,
                                                                 "distance_km": distance, "radius_km": radius}
                break


def _thresholds(unit: str) -> List[int]:
    """The values of the cited parameters in `unit` (days, ECTS), and the value just below each."""
    values = set()
    for param in parameters.parameters().parameters.values():
        if param.unit == unit and isinstance(param.at().value, (int, float)) and not isinstance(param.at().value, bool):
            values |= {param.at().value, param.at().value - 1}
    return sorted(values)


def _nearest(values, current) -> list:
    return sorted((v for v in values if v != current), key=lambda v: (abs(v - current), v))


def _candidates(fact: str, situation: Situation) -> Iterator[Candidate]:
    current = getattr(situation, fact, None) if fact != "host" else None
    if fact == "host":
        yield from _host_candidates(situation)
    elif fact == "mobility_type":
        from rules_core.rules.mobility_types import possible_types

        for kind in possible_types(situation):  # only the types the host allows (Art. 3)
            if kind != current:
                yield fact, kind.value, "mobility_type", {"mobility_type": kind.value}
    elif fact == "semester":
        for semester in _nearest(range(1, 9), current):
            yield fact, semester, "semester", {"semester": semester}
    elif fact == "stay_days":
        for days in _nearest(_thresholds("days"), current):
            yield fact, days, "stay_days", {"days": days}
    elif fact == "return_date":
        start = situation.departure_date
        both_ends = 1 if parameters.value("stay_days_count_both_ends") else 0
        if start is None:
            return
        dates = {start + dt.timedelta(days=days - both_ends): days for days in _thresholds("days") if days > both_ends}
        for date in sorted((d for d in dates if d != current), key=lambda d: (abs((d - current).days), d)):
            yield fact, date, "return_date", {"date": date, "days": dates[date]}
    elif fact == "ects_enrolled":
        for ects in _nearest(_thresholds("ECTS"), current):
            yield fact, float(ects), "ects_enrolled", {"ects": ects}
    elif isinstance(current, bool):
        yield fact, not current, f"{fact}.{str(not current).lower()}", {}


def _given(fact: str, situation: Situation, read: set) -> bool:
    """Whether the decision read this fact and the student gave it (only those are changed)."""
    if fact == "host":
        return bool({"host_city", "host_country"} & read) and \
            (situation.host_city is not None or situation.host_country is not None)
    return fact in read and getattr(situation, fact) is not None


def _host_country(situation: Situation) -> Optional[str]:
    from rules_core.engine import Facts, Missing
    from rules_core.rules.place import host_country

    try:
        return host_country(Facts(situation)) if situation.host_city or situation.host_country else None
    except Missing:
        return None


def _changed(situation: Situation, fact: str, value: Any, params: Dict[str, Any],
             country: Optional[str]) -> Optional[Situation]:
    if fact == "host":
        return _with(situation, host_city=value, host_country=params["country"])
    if country is not None and situation.host_country is None and _with(situation, host_country=country, **{
            fact: value}) is None:
        return None  # contradicts the host's country, which the town tells (SEMP for Lisbon)
    return _with(situation, **{fact: value})


def _citations(conclusions: Sequence[Conclusion]) -> list:
    found = []
    for conclusion in conclusions:
        found += [c for c in conclusion.citations if c not in found]
    return found


def _common_prefix(a: str, b: str) -> int:
    n = 0
    while n < min(len(a), len(b)) and a[n] == b[n]:
        n += 1
    return n


def _change(decision: Decision, other: Decision, fact: str, value: Any, kind: str, params: Dict[str, Any]) -> Change:
    before = {c.key for c in decision.conclusions}
    after = {c.key for c in other.conclusions}
    new = [c for c in other.conclusions if c.key not in before]
    gone = [c for c in decision.conclusions if c.key not in after]
    gone_cites = _citations(gone)

    def closeness(conclusion: Conclusion) -> tuple:
        """The new conclusion that answers the one gone: same article, then the same topic."""
        return (any(c in gone_cites for c in conclusion.citations),
                max((_common_prefix(conclusion.key, g.key) for g in gone), default=0))

    ranked = sorted(new, key=closeness, reverse=True)
    # Nothing answers what is gone article for article (another programme's grant): say two.
    deciding = ranked[:1] if ranked and closeness(ranked[0])[0] else ranked[:2]
    # Which articles would stop deciding it: said of a "no" that a change lifts.
    lifted = [c for c in gone_cites if c not in _citations(deciding)] if decision.outcome == Outcome.no else []
    return Change(fact=fact, value=json.loads(json.dumps(value, default=str)), kind=kind,
                  params=dict(params), outcome=other.outcome, deciding=deciding,
                  lifted=lifted[:3], then_needed=[m.fact for m in other.missing_facts])


def what_would_change(decision: Decision, situation: Situation, unknown: Sequence[str], aspects: Sequence[str],
                      read: set) -> Optional[List[Change]]:
    """The smallest change of each changeable fact that flips the outcome (at most `MAX_CHANGES`);
    [] when none does; None when the outcome is not a plain yes or no."""
    from rules_core.questions import decide

    targets = FLIPS.get(decision.outcome)
    if targets is None or decision.branches:
        return None
    flips: List[Change] = []
    openings: List[Change] = []
    country = _host_country(situation)
    for fact in CHANGEABLE:
        if len(flips) >= MAX_CHANGES:
            break
        if not _given(fact, situation, read):
            continue
        opening = None
        for name, value, kind, params in _candidates(fact, situation):
            other_situation = _changed(situation, name, value, params, country)
            if other_situation is None:
                continue
            other = decide(decision.question, other_situation, unknown, aspects)
            if other.outcome in targets and not other.branches:
                flips.append(_change(decision, other, name, value, kind, params))
                break
            if opening is None and decision.outcome == Outcome.no and other.outcome == Outcome.missing_facts:
                opening = _change(decision, other, name, value, kind, params)
        if opening is not None and len(openings) < MAX_CHANGES:
            openings.append(opening)
    return flips or openings
