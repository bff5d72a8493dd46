"""Which fact each date of a message is: the words just before a date say what it dates.

"my courses start 1st feb 2027 … can I still change my learning agreement on march 5?" gives a
course start and the day of an intended change, not a departure and a return. Language only:
what the dates mean for the regulation is the rules core's business.
"""
from __future__ import annotations

import datetime as dt
import re
from typing import Dict, List, Optional, Sequence, Tuple

DATE_FACTS = ("course_start_date", "change_date", "departure_date", "return_date")
HOST_TERM_END = "host_term_end"  # "the semester there goes until end of June": the host's term, no fact of the student

# A change of the courses or of the learning agreement: "swap", "drop", "trade", "remplacer", "laisser tomber"…
# (also read by actions.named_questions, where these words ask the learning agreement's question).
CHANGE_WORDS = (r"\b(?:(?:chang|modif|amend|updat|swap|switch|replac|substitut|remplac|ajout|retir|enlev|supprim|"
                r"l[âa]ch)\w*|drop(?:s|ped|ping)?|add(?:s|ed|ing)?|trad(?:e|es|ed|ing)|[ée]changer|laisser tomber)\b")

# Cue words, each read in the words between the previous date and this one, with how far before
# the date they may stand; the one closest to the date decides, ties to the first listed.
_TO = r"\b(?:to|until|till|til|through|au|jusqu.?(?:au|à|a|en)?)\s+(?:the\s+|le\s+)?"
CUES: Sequence[Tuple[str, re.Pattern, int]] = (
    (HOST_TERM_END, re.compile(
        r"\b(?:semest\w*|term|trimest\w*)\s+(?:there\s+|là[- ]bas\s+|(?:at|of) the host\s+|(?:y|là)\s+)?"
        r"(?:actually\s+|really\s+|only\s+|normally\s+|officially\s+|en fait\s+|normalement\s+)?"
        r"(?:ends?|ending|finishes|is over|goes|runs|lasts|finit|se termine|termine|dure|va)\b"
        rf"(?:\s+(?:on|in|le|en))?(?:\s*{_TO})?(?:(?:the\s+)?end\s+of\s+|(?:la\s+)?fin\s+(?:de\s+|d.\s*))?", re.I), 12),
    ("course_start_date", re.compile(
        r"\b(?:cours|courses?|classes|lectures|lessons|semest\w*|term|trimest\w*)\b[^.?!;]{0,50}?"
        r"\b(?:start|begin|began|begun|commenc|d[ée]but|d[ée]marr|repren)\w*"
        r"|\b(?:start|beginning|d[ée]but|commencement)\s+(?:of\s+|des\s+|du\s+)(?:the\s+|my\s+|mes\s+)?"
        r"(?:courses|classes|lectures|cours|semest\w*|term)\b|\b(?:la|de|à la|a la)\s+rentr[ée]e\b|\brentr[ée]e\s+(?:universitaire|des cours|acad\w*)", re.I), 25),
    ("change_date", re.compile(CHANGE_WORDS, re.I), 70),
    ("return_date", re.compile(_TO + "$", re.I), 0),
    ("return_date", re.compile(
        r"\b(?:came (?:home|back)|come (?:home|back)|coming (?:home|back)|got back|get back|returned|return(?:ing)?|"
        r"back home|fly (?:home|back)|flew (?:home|back)|left(?!\s+for)|quit\w*|rentr\w*|revien\w*|revenue?|"
        r"de retour|retour)\b", re.I), 25),
    ("departure_date", re.compile(r"\b(?:from|du|since|depuis|dès le|à partir du|starting)\s+(?:the\s+|le\s+)?$",
                                  re.I), 0),
    ("departure_date", re.compile(
        r"\b(?:arrived|arriv\w*|got there|moved there|fly out|flying out|depart\w*|d[ée]part|pars|partir|partirai|"
        r"parti[es]?|went|leav\w*|leave)\b", re.I), 25),
)
_CLAUSE_END = re.compile(r"[?!;]|\.\s")


def role_of(text: str, start: int, end: int) -> Optional[str]:
    """The fact a date at `end` is, from the cue words closest before it (from `start` on)."""
    before = text[max(start, end - 90):end]
    cut = [m.end() for m in _CLAUSE_END.finditer(before)]
    before = before[cut[-1]:] if cut else before
    best: Optional[Tuple[int, int, str]] = None
    for rank, (role, cue, gap) in enumerate(CUES):
        ends = [m.end() for m in cue.finditer(before) if len(before) - m.end() <= gap]
        if ends and (best is None or (ends[-1], -rank) > best[:2]):
            best = (ends[-1], -rank, role)
    return best[2] if best else None


def yearless(text: str, pos: int, assumed: Sequence[str]) -> bool:
    """Whether the date written at `pos` was given without its year (`assumed`: the texts of those)."""
    return any(text.startswith(said, pos) and not re.search(r"\d{4}", said) for said in assumed)


def date_facts(text: str, spans: List[tuple], requested: Optional[str], assumed: Sequence[str] = ()) \
        -> Dict[str, dt.date]:
    """Each date of the message as the fact it dates. `spans` are (position, date) in the order
    written; dates without a cue fill the pending date question, else a stay (two) or a course start."""
    facts: Dict[str, dt.date] = {}
    uncued: List[Tuple[int, dt.date]] = []
    previous_end = 0
    for pos, day in spans:
        role = role_of(text, previous_end, pos)
        previous_end = pos + 1
        if role == HOST_TERM_END:
            continue
        if role == "departure_date" and "departure_date" in facts and "return_date" not in facts \
                and day > facts["departure_date"]:
            role = "return_date"  # "arrive Feb 8 and leave April 30": the second departure word ends the stay
        if role and role not in facts:
            facts[role] = day
        elif role is None:
            uncued.append((pos, day))
    free = [day for _, day in uncued]
    if requested in DATE_FACTS and requested not in facts and free:
        facts[requested] = free.pop(0)
    stay = {"departure_date", "return_date"}
    if len(free) >= 2 and not stay & set(facts):
        facts["departure_date"], facts["return_date"] = free[0], free[1]
    elif free and "departure_date" in facts and "return_date" not in facts and free[0] >= facts["departure_date"]:
        facts["return_date"] = free[0]
    elif free and "return_date" in facts and "departure_date" not in facts and free[0] <= facts["return_date"]:
        facts["departure_date"] = free[0]
    elif free and "course_start_date" not in facts and not stay & set(facts):
        facts["course_start_date"] = free[0]
    written = {fact: next(pos for pos, d in spans if d == day) for fact, day in facts.items()}
    said_without_year = {fact for fact, pos in written.items() if yearless(text, pos, assumed)}
    _same_stay_years(facts, said_without_year, text)
    _change_after_start(facts, said_without_year)
    return facts


def _same_stay_years(facts: Dict[str, dt.date], without_year: set, text: str) -> None:
    """One stay: a start said without its year takes the year written on the end ("1 oct to 23 dec
    2027", "du 20/09 au 10/12/2027"), or the year before when that would put it after the end
    ("from 14 Nov to 20 Feb 2028"); with no year at all ("from 15 March to 10 June"), the year before
    the return when it would else come after it."""
    start, end = facts.get("departure_date"), facts.get("return_date")
    if not (start and end):
        return
    if "departure_date" in without_year and "return_date" not in without_year:
        same = _in_year(start, end.year)
        if same is not None and same > end:
            same = _in_year(start, end.year - 1)
        facts["departure_date"] = same or start
    elif end < start and ("departure_date" in without_year or not re.search(r"\d{4}", text)):
        facts["departure_date"] = _in_year(start, start.year - 1) or start


def _change_after_start(facts: Dict[str, dt.date], without_year: set) -> None:
    """A change date said without its year is the one after the courses start ("courses start
    1 Feb 2028 … change it on 5 March" is 5 March 2028)."""
    start, change = facts.get("course_start_date"), facts.get("change_date")
    if start and change and change < start and "change_date" in without_year:
        later = _in_year(change, start.year)
        if later is not None and later < start:
            later = _in_year(change, start.year + 1)
        if later is not None:
            facts["change_date"] = later


def _in_year(day: dt.date, year: int) -> Optional[dt.date]:
    try:
        return day.replace(year=year)
    except ValueError:  # 29 February in a common year
        return None


# Semesters named as terms: "fall semester 2027", "the spring 2028 term", "semestre d'hiver", "printemps
# 2028", "S5", "semestre 4", "5th semester". Summer and été only with a semester word (else the holidays).
_SEASON_HALF = {"fall": 1, "autumn": 1, "automne": 1, "winter": 1, "hiver": 1,
                "spring": 2, "printemps": 2, "summer": 2, "été": 2, "ete": 2}
_TERM_WORD = r"(?:semest\w*|term|trimest\w*)"
TERM = re.compile(
    rf"\b(?:(?P<word_before>{_TERM_WORD})\s+(?:d.\s*|de\s+|of\s+)?(?:the\s+)?)?"
    r"(?P<season>fall|autumn|automne|winter|hiver|spring|printemps|summer|été|ete)\b"
    rf"(?:\s+(?P<word_after>{_TERM_WORD})\b)?(?:\s+(?:of\s+|de\s+|d.\s*)?(?P<year>20\d\d)\b)?"
    rf"(?:\s+(?P<word_last>{_TERM_WORD})\b)?"
    r"|\b(?:s|sem\.?\s?|semest(?:er|re)\s)(?P<number>[1-8])\b"
    rf"|\b(?P<ordinal>[1-8])(?:st|nd|rd|th|e|ème|eme)\s+{_TERM_WORD}", re.I)
# An extension word, then a few words and the preposition that leads to the term extended into: "extend
# to spring 2028", "stay there for the fall semester too", "prolonger au semestre d'hiver", "rester le S5".
_EXTENDED_INTO = re.compile(
    r"\b(?:prolong\w*|extend\w*|extension|stay\w*|remain\w*|rest(?:er|e|erai\w*)|continu\w*)\b"
    r"(?:\s+[\w'’]+){0,5}?\s+(?:to|into|for|until|till|through|over|in|au|à|a|aux|jusqu.?\s*(?:au|à|a|en)?|pour|sur|en|"
    r"le|la|du|pendant|durant)\s+(?:the\s+|le\s+|la\s+|l.\s*|next\s+|following\s+)?$", re.I)
_CLAUSE = re.compile(r"[?!;]|\.\s")


def terms(text: str):
    """The semesters the text names, in order: (position, Term, whether extension words lead to it)."""
    from rules_core.rules.programmes import Term

    found = []
    for m in TERM.finditer(text or ""):
        number = m["number"] or m["ordinal"]
        if number:
            term = Term.programme_semester(int(number))
        else:
            season = m["season"].casefold()
            if season in ("summer", "été", "ete") and not (m["word_before"] or m["word_after"] or m["word_last"]):
                continue
            term = Term.season(_SEASON_HALF[season], int(m["year"]) if m["year"] else None)
        before = text[max(0, m.start() - 80):m.start()]
        cut = [c.end() for c in _CLAUSE.finditer(before)]
        before = before[cut[-1]:] if cut else before
        found.append((m.start(), term, bool(_EXTENDED_INTO.search(before))))
    return found


def extension_same_academic_year(text: str, answering: bool = False) -> Optional[bool]:
    """Whether the extension the text tells stays within the academic year of its mobility, from the terms
    it names ("erasmus in spring 2027, can I extend into fall 2027?", "S4 -> S5", "go in fall 2027 and
    extend to spring 2028"): the term extension words lead to is the extension's, else the last of two; the
    other one the mobility's. The rules core says what the two terms mean (Art. 17(1)). `answering`: the
    reply to that very question, where one term alone does not say whose it is."""
    from rules_core.rules.programmes import extension_within_academic_year

    named = terms(text)
    extension = next((term for _, term, led in named if led), None)
    if extension is None and len(named) >= 2:
        extension = named[-1][1]
    others = [term for _, term, _ in named if term is not extension]
    mobility = others[0] if others else None
    if answering and not (mobility and extension):
        return None
    return extension_within_academic_year(mobility, extension)
