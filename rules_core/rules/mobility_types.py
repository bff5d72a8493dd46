"""Which types of mobility a host allows (Art. 3), so that an unknown type is only answered for
the types the student could actually be on.

Art. 3 names the types: Erasmus+, the Swiss-European Mobility Programme (SEMP), Global Exchange
and Free mover. Every one of them is a stay abroad, so a host in Luxembourg allows none. Erasmus+
study mobility goes to the programme's countries (the EU member states and the third countries
associated with the programme: the dated parameter `erasmus_plus_countries`); SEMP is the Swiss
programme, for a host in Switzerland (also checked by `Situation`). Global Exchange and Free mover
are not bound to a region.

Used where the rules core goes through the possible values of a fact the student does not know
(rules_core.unknowns) and where it looks for what would change an answer (rules_core.whatif).
"""
from __future__ import annotations

from typing import List, Optional

from rules_core import parameters
from rules_core.engine import Facts, Missing
from rules_core.situation import MobilityType as T, Situation

HOME_COUNTRY = "LU"  # the University's own country: a host there is no mobility abroad


def known_host_country(situation: Situation) -> Optional[str]:
    """The host's country when the student gave it, or when the town names only one; else None."""
    from rules_core.rules.place import host_country

    if situation.host_country is None and situation.host_city is None:
        return None
    try:
        return host_country(Facts(situation))
    except Missing:
        return None


def type_allowed(kind: T, country: str) -> bool:
    """Whether a host in `country` can be on a mobility of type `kind` (Art. 3)."""
    if country == HOME_COUNTRY:
        return False
    if kind == T.erasmus_plus:
        return country in parameters.value("erasmus_plus_countries")
    if kind == T.semp:
        return country == "CH"
    return True


def possible_types(situation: Situation) -> List[T]:
    """The types of mobility possible for the host the student named (every type when the host is
    not known, or when no type fits it: then the rules themselves say what is wrong)."""
    country = known_host_country(situation)
    if country is None:
        return list(T)
    allowed = [kind for kind in T if type_allowed(kind, country)]
    return allowed or list(T)
