"""A lecturer or staff member asking about their OWN mobility (teaching abroad, staff training):
Erasmus+ staff mobility is not the students' circular, whatever question intent the classifier
heard in "can I get Erasmus funding to go teach a week in Graz myself?".

Narrow on purpose: a student's "my professor said…" or "do they teach in English there?" is no
staff context. A staff member asking how an agreement is set up is still answered (the partnership
FAQ); only their own trip is redirected.
"""
from __future__ import annotations

import re
from typing import Iterable

_MODALS_EN = (r"(?:would|'d|will|'ll|want|wanna|plan|am going|'m going|hope|could|can|may|might|should|like|love|get|go|"
              r"come|travel|be able|intend|wish)")
_MODALS_FR = (r"(?:pourrais|peux|puis|voudrais|veux|vais|aimerais|souhaite|souhaiterais|compte|pars|partirais|irais|"
              r"dois|devrais|pourrai|vais partir|voudrais partir)")

# The speaker teaching, or a staff mobility named as such.
TEACHING_SELF = re.compile(
    rf"\b(?:i|we)(?:['’](?:d|ll|m))?\s+(?:{_MODALS_EN}\s+(?:to\s+)?){{1,3}}(?:go\s+(?:and\s+)?|travel\s+(?:and\s+)?)?teach\b"
    r"|\b(?:can|could|may|shall|will)\s+(?:i|we)\s+(?:\w+\s+){0,3}?(?:go\s+(?:and\s+)?)?teach\b"
    r"|\b(?:can|could|may)\s+(?:i|we)\b[^.?!]{0,50}\bto (?:go (?:and )?)?teach\b"
    r"|\bteach\b[^.?!]{0,40}\bmyself\b|\bi teach\b|\bi(?:'m| am) teaching\b|\bme to (?:go )?teach\b"
    r"|\b(?:my|a|an) (?:own )?teaching (?:week|mobility|stay|assignment|mission|visit|exchange|period)\b"
    r"|\bteaching (?:mobility|assignment|mission|staff)\b|\bstaff (?:mobility|training|week|exchange)\b"
    r"|\berasmus\+? (?:for )?staff\b"
    rf"|\bj[e'’]\s*(?:\w+\s+){{0,3}}?{_MODALS_FR}\s+(?:\w+\s+){{0,3}}?enseigner\b"
    r"|\bpuis-je\s+(?:\w+\s+){0,3}?enseigner\b|\benseigner\b[^.?!]{0,40}\bmoi[- ]m[eê]me\b|\bj.enseigne\b"
    r"|\b(?:mission|semaine|mobilit[ée]|s[ée]jour|p[ée]riode) d.enseignement\b"
    r"|\bmobilit[ée] (?:du |de |des )?(?:personnels?|staff|enseignants?)\b|\bstaff week\b",
    re.I)

# The speaker says they are on the staff.
STAFF_IDENTITY = re.compile(
    r"\bi(?:'m| am|m)\s+(?:a |an |the )?(?:\w+\s+)?(?:lecturer|professor|prof|teacher|staff member|member of staff|"
    r"faculty member|researcher|postdoc|course director|programme director|program director)\b"
    r"|\bas (?:a |an )?(?:lecturer|professor|teacher|member of staff|staff member)\b"
    r"|\bje suis (?:un |une )?(?:\w+\s+)?(?:enseignante?|professeure?|prof|charg[ée]e? de cours|ma[iî]tre de conf[ée]rences|"
    r"membre du personnel|chercheu(?:r|se)|directeur de programme|directrice de programme)\b"
    r"|\ben tant qu.(?:enseignante?|professeure?|membre du personnel|charg[ée]e? de cours)\b"
    r"|\bour (?:\w+ )?(?:agreement|partnership)\b|\bnotre (?:accord|convention|partenariat)\b",
    re.I)

# The speaker asking for their own trip or its funding.
OWN_TRIP = re.compile(
    r"\b(?:can|could|may)\s+i\b[^.?!]{0,40}\b(?:go|get|apply|receive|travel|spend|do)\b"
    r"|\bi (?:would like|want|wish|plan|intend|hope)\b[^.?!]{0,40}\b(?:go|spend|apply|travel)\b|\bmyself\b|\bfor me\b"
    r"|\bpuis-je\b|\bje (?:peux|pourrais|voudrais|veux|souhaite|souhaiterais|compte|aimerais)\b[^.?!]{0,40}\b"
    r"(?:partir|aller|obtenir|avoir|demander|candidater|faire)\b|\bpour moi(?:[- ]m[eê]me)?\b",
    re.I)
TRIP_WORDS = re.compile(r"erasmus|mobilit|abroad|[ée]tranger|fund|grant|bourse|financ|week|semaine|stay|s[ée]jour|"
                        r"travel|voyage", re.I)
# Students' mobility is the question when the speaker asks for them.
FOR_STUDENTS = re.compile(r"\b(?:my|our|the) students\b|\bmes [ée]tudiants\b|\bnos [ée]tudiants\b|\bles [ée]tudiants\b|"
                          r"for students\b|pour les [ée]tudiants\b", re.I)


def asks_own_staff_mobility(text: str, earlier: Iterable[str] = ()) -> bool:
    """Whether the message asks about the speaker's own staff mobility: teaching abroad in their own
    words, or a trip of their own after they said they are on the staff (now or earlier)."""
    text = text or ""
    if FOR_STUDENTS.search(text):
        return False
    if TEACHING_SELF.search(text):
        return True
    is_staff = STAFF_IDENTITY.search(text) or any(STAFF_IDENTITY.search(said or "") for said in earlier)
    return bool(is_staff and OWN_TRIP.search(text) and TRIP_WORDS.search(text))
