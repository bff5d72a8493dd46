"""Informational topics (the response selector's faq/<topic>) that a student names in their own words,
for the turns the classifier misses: it falls back, or the out-of-scope threshold takes a question
about the mobility's paperwork for another service's ("how does my transcript get to uni.lu?").

A topic is named only with the mobility in sight (a host, abroad, an exchange…): the same words about
the University's own exams or transcripts belong to another service (actions/data/redirects.yml).
"""
from __future__ import annotations

import re
from typing import Optional

# The mobility in sight: the host, the stay abroad, the exchange, or coming back from it.
MOBILITY_CONTEXT = re.compile(
    r"\bhost\b|\bpartner|abroad|overseas|exchange|erasmus|mobilit|\bsemp\b|global exchange|learning agreement|(?-i:\bLA\b)|"
    r"back from|came back|coming back|accueil|partenaire|[ée]tranger|[ée]change|rentr[ée]e? de|de retour d|\bspoc\b|"
    # the transcript coming TO the University is the host's; one FROM the University is its own
    r"\bfrom (?:the )?(?:uni|university|universit[ée])\b(?!\.lu| of luxembourg| du luxembourg)|\bfrom there\b|"
    r"\b(?:get|gets|reach\w*|sent|send|arriv\w*|parvien\w*|envoy\w*)\s+(?:\w+\s+){0,2}?(?:to|à|a) (?:uni\.lu|l.ul|the ul|ul)\b",
    re.I)
# …unless the student says it is not about the mobility ("not erasmus, a normal exam in belval").
NOT_MOBILITY = re.compile(r"\b(?:not|no|pas|hors)\s+(?:an?\s+|en\s+|d.|de\s+|on\s+)?(?:erasmus|exchange|mobilit\w*|"
                          r"[ée]change)\b", re.I)

TOPIC_CUES = {
    # Art. 13: health cover during the stay abroad ("jai la CNS, couverte au canada pdt l'echange ?"); the same
    # words about the cover at home are the CNS's (actions/data/redirects.yml)
    "insurance": re.compile(
        r"\b(?:insurance|insured|insure|assurances?|assur[ée]e?s?(?!\s+(?:que|qu.|de\s+(?:bien|faire)))|cns|mutuelle|"
        r"s[ée]cu(?:rit[ée] sociale)?|social security|ehic|carte europ[ée]enne d.assurance(?: maladie)?|"
        r"health (?:cover\w*|care|fund)|couverture (?:maladie|sant[ée]|m[ée]dicale|sociale)|medical (?:cover\w*|costs|"
        r"bills|expenses)|frais m[ée]dicaux)\b", re.I),
    # Art. 21: how the transcript of records reaches the University, and whether a copy will do.
    "transcript": re.compile(
        r"\b(?:transcripts?|relev[ée]s? de notes|relev[ée]|tor|transcript of records)\b[^.?!]{0,80}\b(?:get|gets|reach\w*|"
        r"send\w*|sent|arriv\w*|forward\w*|e-?mail\w*|mail|scan\w*|cop(?:y|ie)|photocop\w*|original|post|hand\w* in|"
        r"submit\w*|envoi\w*|envoy\w*|transmet\w*|transmis|parvien\w*|d[ée]pos\w*|remet\w*|remis)\b"
        r"|\b(?:get|send|sent|e-?mail|mail|scan|forward|envoy\w*|transmet\w*|d[ée]pos\w*|remettre)\b[^.?!]{0,40}"
        r"\b(?:transcripts?|relev[ée]s? de notes|tor|transcript of records)\b", re.I),
    # Art. 6: who guides the student (courses at the partner: the programme director or the SPOC).
    "support": re.compile(
        r"\b(?:who|qui)\b[^.?!]{0,40}\b(?:help|helps|aide|aider|aiderait|accompagn\w*|guide\w*|conseill\w*|advise\w*|"
        r"support\w*)\b[^.?!]{0,50}\b(?:cours|courses|modules?|choi(?:x|ce|sir|se)|choos\w*|pick\w*|select\w*)"
        r"|\b(?:who|qui)\b[^.?!]{0,15}\b(?:is|est)\b[^.?!]{0,15}\bspoc\b|\bspoc\b[^.?!]{0,20}\b(?:who|qui|c.est qui)\b", re.I),
    # Art. 22: credits recognised, grades not transcribed.
    "recognition": re.compile(
        r"\b(?:grades?|marks?|notes?|results?|r[ée]sultats?)\b[^.?!]{0,60}\b(?:(?:on|in|onto) (?:my |the )?(?:uni\.lu |ul |)?"
        r"(?:transcript|record)|sur (?:mon |le )?relev[ée]|show up|appear|transferr?ed|carried over|converted|convert|"
        r"apparai\w*|figur\w*|transf[ée]r[ée]e?s|report[ée]e?s|converti\w*|(?:count|compte\w*) (?:in|for|dans|pour) "
        r"(?:my |the |ma |la |mon )?(?:average|gpa|moyenne))", re.I),
    # Art. 23: a course of the learning agreement failed abroad, and its resit.
    "resits": re.compile(
        r"\b(?:fail\w*|flunk\w*|rat[ée]e?s?|[ée]chou[ée]e?s?|pas (?:eu|r[ée]ussi|valid[ée])|didn.?t pass)\b[^.?!]{0,80}"
        r"\b(?:retake|re-?sit\w*|resit|rattrap\w*|repasser|seconde session|second (?:sitting|session|attempt)|make up|"
        r"recover|what (?:now|do i do|can i do)|je fais quoi|que faire)\b"
        r"|\b(?:retake|resit|rattrapage|repasser)\b[^.?!]{0,60}\b(?:course|exam|cours|examen)\b", re.I),
}


def named_faq_topic(text: str) -> Optional[str]:
    """The FAQ topic ("transcript") the message names with the mobility in sight, or None."""
    text = text or ""
    topic = next((topic for topic, cue in TOPIC_CUES.items() if cue.search(text)), None)
    if topic is None or NOT_MOBILITY.search(text):
        return None
    return topic if MOBILITY_CONTEXT.search(text) or _foreign_place(text) else None


def _foreign_place(text: str) -> bool:
    """Whether the message names a town or country outside Luxembourg ("my grades from Vienna")."""
    from actions.understanding import bare_place
    from rules_core.countries import to_iso
    from rules_core.gazetteer import gazetteer

    place = bare_place(text)
    if not place:
        return False
    code = to_iso(place)
    towns = gazetteer().lookup(place) if code is None else []
    return (code or (towns[0].country if towns else "LU")) != "LU"
