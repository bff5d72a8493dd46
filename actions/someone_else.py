"""A follow-up about another student after an answer ("et mon pote portugais qui part avec moi ?", "and my
sister, she's in the master?"): the same question for them, with the trip the student described and what
the message says of that person; what it does not say of them is unknown (the rules core answers for each
case). Their facts are never stored as the student's own. Language processing only."""
from __future__ import annotations

import datetime as dt
import re
from typing import Any, Dict, List, Optional, Tuple

from rules_core.countries import is_eu
from rules_core.situation import Situation

_PERSON = (r"(?:(?:mon|ma|mes|my|notre|our|nos|un|une|a)\s+(?:meilleure?\s+|best\s+|petite?\s+|grande?\s+|little\s+|big\s+)?"
           r"(?:potes?|amie?s?|copains?|copines?|coloc\w*|friends?|buddy|buddies|mates?|roommates?|flatmates?|fr[èe]res?|"
           r"s[œo]eurs?|frangins?|frangines?|brothers?|sisters?|cousins?|cousines?|classmates?|camarades?|girlfriend|boyfriend|partner|"
           r"partenaire|copine|copain|voisine?)"
           r"|lui|elle|him|her|them|eux|elles)\b")
# Opened as a follow-up ("et …", "and …", "what about …", "pour …"): "my friend said I could…" is no follow-up.
OTHER_PERSON = re.compile(
    r"^\W*(?:(?:ok|okay|ah|oh|alors|bon|d.accord|merci|thanks|cool|super|nice)\W+)*"
    r"(?:(?:et|and|what about|how about|et pour|and for|pour|for|et si|and if|mais|but|same for|pareil pour|idem pour)\W+)+"
    r"(?:si\s+|if\s+)?" + _PERSON, re.I)
# Facts of the trip, shared by whoever goes with the student ("qui part avec moi"); the others are personal.
TRIP_FACTS = ("mobility_type", "host_city", "host_country", "departure_date", "return_date", "course_start_date",
              "stay_days", "full_host_term")


def about_someone_else(text: str) -> bool:
    """Whether a short follow-up asks the same question for another person."""
    return len((text or "").split()) <= 25 and bool(OTHER_PERSON.search(text or ""))


# Their level, told in the third person ("he's in the master in finance", "mon frère fait un master", "elle
# est en licence"): the student's own-level cues ("je suis en", "my") do not say it.
THEIR_LEVEL = re.compile(r"\b(?:in|en|dans|does|doing|fait|studies|studying|[ée]tudie)\s+(?:(?:the|a|an|un|une|le|la|son|sa|"
                         r"his|her|their)\s+)?(?:(master|msc|mast[èe]re)|(bachelor|licence|bsc))\b", re.I)


def their_facts(text: str, today: dt.date) -> Dict[str, Any]:
    """What the message says of the other person: a nationality ("mon pote portugais"), a level…"""
    from actions.understanding import _nationalities, _unaccented, read_message

    facts = {k: v for k, v in read_message(text, None, [], None, today).facts.items() if k not in TRIP_FACTS}
    levels = {"master" if m[1] else "bachelor" for m in THEIR_LEVEL.finditer(text or "")}
    if "level" not in facts and len(levels) == 1:
        facts["level"] = levels.pop()
    words = _nationalities()
    for match in re.finditer(r"[^\W\d_]+(?:-[^\W\d_]+)?", (text or "").casefold()):
        code = words.get(match[0]) or words.get(_unaccented(match[0]))
        if code:
            facts.update(country_of_origin=code, eu_national=is_eu(code))
            break
    return facts


def situation_for_someone_else(slots: Dict[str, Any], text: str, today: dt.date) -> Tuple[Situation, List[str]]:
    """The situation of the other person (the trip kept, their facts read) and the facts not known of them."""
    from actions.slots import FACT_SLOTS, situation_from_slots

    kept = {name: slots.get(name) for name in TRIP_FACTS if slots.get(name) is not None}
    facts = {**kept, **their_facts(text, today)}
    situation, _ = situation_from_slots({name: facts.get(name) for name in FACT_SLOTS}, today)
    unknown = [name for name in FACT_SLOTS if name not in facts]
    return situation, unknown


def answer_for_someone_else(question: str, slots: Dict[str, Any], text: str, today: dt.date,
                            aspects: List[str]) -> Tuple[Optional[Any], Situation, List[str]]:
    """The decision for the other person, or None when it needs facts only they know."""
    from rules_core import Outcome, decide

    situation, unknown = situation_for_someone_else(slots, text, today)
    decision = decide(question, situation, unknown, aspects)
    return (None if decision.outcome == Outcome.missing_facts else decision), situation, unknown
