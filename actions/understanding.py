"""From what the student wrote (NLU entities, button payloads, free text) to situation facts.

Language processing only: no rule of the circular lives here. What a fact means for
the regulation is the rules core's business.
"""
from __future__ import annotations

import datetime as dt
import re
import unicodedata
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any, Dict, Iterable, List, Optional, Tuple

import yaml

from actions import situations
from actions.languages import native_speaker, teaching_language
from rules_core.countries import is_eu, to_iso
from rules_core.rules.obligation import third_country_ground
from rules_core.situation import ExemptionGround, SpecialStatus

YES = {"oui", "yes", "y", "o", "ouais", "yep", "yeah", "ja", "exact", "exactement", "correct", "bien sûr", "sure"}
NO = {"non", "no", "n", "nope", "nah", "nein", "pas du tout", "not at all", "jamais", "never", "aucun", "aucune",
      "none", "rien", "nothing"}

MONTHS = {
    **{m: i for i, m in enumerate(["janvier", "fevrier", "mars", "avril", "mai", "juin", "juillet", "aout",
                                   "septembre", "octobre", "novembre", "decembre"], 1)},
    **{m: i for i, m in enumerate(["january", "february", "march", "april", "may", "june", "july", "august",
                                   "september", "october", "november", "december"], 1)},
    **{m: i for i, m in enumerate(["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov",
                                   "dec"], 1)},
    "fev": 2, "fév": 2, "févr": 2, "avr": 4, "juil": 7, "sept": 9, "déc": 12, "dec.": 12, "sept.": 9,
    "février": 2, "août": 8, "décembre": 12,
}
_MONTH_WORDS = "|".join(sorted((re.escape(m) for m in MONTHS), key=len, reverse=True))
_DAY_MONTH = re.compile(rf"\b(\d{{1,2}}|premier|first)(?:er|st|nd|rd|th)?\s+(?:of\s+)?({_MONTH_WORDS})\.?(?:\s+(\d{{4}}))?\b",
                        re.I)
_MONTH_DAY = re.compile(rf"\b({_MONTH_WORDS})\.?\s+(?:the\s+)?(\d{{1,2}})(?:st|nd|rd|th)?(?:,?\s+(\d{{4}}))?\b", re.I)
# "end of feb 2027", "fin septembre", "mi-mars", "early october": a month part, read as a day of it
# (said back to the student as the date taken).
_APPROX = re.compile(
    rf"\b(?P<part>(?:the\s+)?end\s+of|late|fin(?:\s+de|\s+d')?|(?:à\s+la\s+)?fin\s+|early|(?:the\s+)?beginning\s+of"
    rf"|(?:the\s+)?start\s+of|d[ée]but(?:\s+de|\s+d')?|(?:au\s+)?d[ée]but\s+|mid-?|mi-|milieu(?:\s+de|\s+d')?"
    rf"|(?:the\s+)?middle\s+of)\s*(?P<month>{_MONTH_WORDS})\.?(?:\s+(?P<year>\d{{4}}))?\b", re.I)
APPROX_DAY = (("end", 25), ("late", 25), ("fin", 25), ("early", 5), ("beginning", 5), ("start", 5), ("début", 5),
              ("debut", 5), ("mid", 15), ("mi-", 15), ("milieu", 15), ("middle", 15))
_DAY_RANGE = re.compile(rf"\b(?:du|from|between|entre(?: le)?)\s+(?P<first>\d{{1,2}})(?:er|st|nd|rd|th)?\s+"
                        rf"(?:au|to|and|et|-|–)\s+(?:le\s+)?\d{{1,2}}(?:er|st|nd|rd|th)?\s+(?P<month>{_MONTH_WORDS})\.?"
                        rf"(?:\s+(?P<year>\d{{4}}))?", re.I)
_YEAR_FIRST = re.compile(r"\b(\d{4})/(\d{1,2})/(\d{1,2})\b")
_DATE_WORD_BEFORE = re.compile(r"(?:\b(?:le|du|au|on|the|from|until|jusqu.au|depuis|since|date)\s*)$", re.I)
_NUMERIC = re.compile(r"\b(\d{1,2})[/.](\d{1,2})(?:[/.](\d{2,4}))?\b")
# "1.10–23.12.2027", "du 1.10 au 23.12.2027": a dotted day.month is a date when a full dotted date ends its range.
_DOTTED_RANGE_END = re.compile(r"\.?\s*(?:-|–|—|au|to|until|till|et|and|bis)\s*(?:le\s+|the\s+)?\d{1,2}\.\d{1,2}\.\d{2,4}\b",
                               re.I)
_ISO = re.compile(r"\b(\d{4})-(\d{1,2})-(\d{1,2})\b")

NUMBER_WORDS = {
    "zéro": 0, "zero": 0, "un": 1, "une": 1, "one": 1, "deux": 2, "two": 2, "trois": 3, "three": 3, "quatre": 4, "four": 4, "cinq": 5,
    "five": 5, "six": 6, "sept": 7, "seven": 7, "huit": 8, "eight": 8, "dix": 10, "ten": 10, "quinze": 15,
    "fifteen": 15, "vingt": 20, "twenty": 20, "trente": 30, "thirty": 30, "quarante": 40, "forty": 40,
    "cinquante": 50, "fifty": 50, "soixante": 60, "sixty": 60, "premier": 1, "first": 1, "deuxième": 2,
    "second": 2, "troisième": 3, "third": 3, "quatrième": 4, "fourth": 4, "cinquième": 5, "fifth": 5,
    "sixième": 6, "sixth": 6, "septième": 7, "seventh": 7, "huitième": 8, "eighth": 8,
}
UNIT_FACTS = [
    (re.compile(r"\b(heures?|hours?|hrs?|h)\b", re.I), "course_hours"),
    (re.compile(r"\b(ects|crédits?|credits?)\b", re.I), "ects_enrolled"),
    (re.compile(r"\b(jours?|days?|nuits?)\b", re.I), "stay_days"),
    (re.compile(r"\b(semestres?|semesters?)\b", re.I), "semester"),
]
# "B2" next to these words is a language level (CEFR), not a semester.
LANGUAGE_LEVEL_CONTEXT = re.compile(r"niveau|level|langue|language|anglais|english|français|french|allemand|german|"
                                    r"espagnol|spanish|ols|toefl|ielts|cecr|cefr", re.I)
SEMESTER_CODE = re.compile(r"\b([BLM]|BA|MA)\s?([1-8])\b", re.I)
# "s2", "sem 2", "semestre 2", "semester 2": the semester said as such, stronger than a year code.
EXPLICIT_SEMESTER = re.compile(r"\b(?:s|sem|semestre|semester)\s?([1-8])\b", re.I)
LEVEL_WORDS = {"bachelor": r"\b(?:bachelor|licence|bsc|ba|bachelier|undergrad\w*|[bl][1-3])\b",
               "master": r"\b(?:master|msc|ma|mastère|m[12])\b"}
STATUS_WORDS = {
    SpecialStatus.part_time: r"temps partiel|part[- ]time",
    SpecialStatus.employment_programme: r"cours d.emploi|alongside (?:my )?(?:job|employment)|part of .*employment programme|"
                                        r"(?:programme|program|bachelor|formation|degree)\s+(?:for|pour)\s+(?:les\s+)?(?:working|"
                                        r"salari[ée]s|actifs|employees|people (?:who|in) work)",
    SpecialStatus.double_enrolment: r"deux (?:formations|programmes|bachelors?)|two (?:programmes|programs|bachelors?)|double (?:inscription|enrol)",
    SpecialStatus.programme_change_validated_mobility: r"chang\w* de (?:formation|bachelor|programme)|changed (?:my )?(?:programme|program|bachelor)",
    SpecialStatus.ul_bachelor_obtained: r"déjà (?:un |mon )?(?:bachelor|licence|diplôme)|already (?:have|hold|got) a bachelor",
}
GROUND_WORDS = {
    ExemptionGround.foreign_diploma_four_semesters: r"diplôme étranger|foreign (?:degree|diploma)",
    ExemptionGround.illness_or_disability: r"malad|handicap|illness|sick|disab",
    ExemptionGround.family_obligations: r"famil|enfant|child|parent|\b(?:mother|father|mère|père|mum|mom|dad)\b|care (?:for|of)|"
                                        r"m.occupe d|s.occuper d",
    ExemptionGround.third_country_diploma: r"(?:pays tiers|third[- ]country).*(?:diplôme|diploma|bac)|(?:diplôme|diploma|bac).*(?:pays tiers|third[- ]country)",
    ExemptionGround.specific_needs: r"besoins? spécifiques?|specific needs|aménagement|accommodation",
}


_MINE = r"\b(?:je suis|j'suis|i'm|i am|im|en|in|my|mon|ma)\s+(?:en\s+|a\s+|an\s+|in\s+)?"
# "1st year bachelor", "first-year master's", "1ère année du master", "licence 3e année", "year 2 of the MSc":
# a year of a level is the student's own level, even without "I'm" before it.
_YEAR_ORDINAL = (r"(?:1st|2nd|3rd|first|second|third|final|last|1\s?(?:[eè]?re|er|e)|premi[eè]re|2\s?(?:e|[eè]me|nde)|"
                 r"deuxi[eè]me|seconde|3\s?(?:e|[eè]me)|troisi[eè]me|derni[eè]re)")


def _year_of(level: str) -> str:
    return (rf"\b{_YEAR_ORDINAL}[- ]year\s+(?:of\s+(?:the\s+|my\s+|a\s+)?)?{level}\b|"
            rf"\byear\s+[1-3]\s+(?:of\s+(?:the\s+|my\s+)?)?{level}\b|"
            rf"\b{level}\s*,?\s+(?:student\s+)?(?:in\s+(?:my|the)\s+)?{_YEAR_ORDINAL}[- ]year\b|"
            rf"\b{_YEAR_ORDINAL}\s+ann[ée]e\s+(?:de\s+|du\s+|d.|en\s+)(?:la\s+|le\s+|mon\s+|ma\s+)?{level}\b|"
            rf"\b{level}\s*,?\s+(?:en\s+)?{_YEAR_ORDINAL}\s+ann[ée]e\b|"
            # "bachelor here", "MSc student here": how a student introduces themselves
            rf"\b{level}\s+(?:student\s+)?(?:here|ici)\b")


# A keyword backup for the statistical entity extractor, which can miss a word in a long sentence.
NEGATED_LEVEL = re.compile(r"\b(?:pas|plus|not|no longer|non)\s+(?:en\s+|in\s+|a\s+|an\s+|un\s+)?"
                           r"(?:licence|bachelor|master|msc|bsc|mastère)\b", re.I)
KEYWORDS = {
    "mobility_type": [("erasmus_plus", r"\berasmus\b|\be\+"), ("semp", r"\bsemp\b|swiss[- ]european"),
                      ("global_exchange", r"global[- ]?exchange"), ("free_mover", r"free[- ]?mover|hors convention")],
    # A level word counts only when the student says it is theirs ("je suis en master", "my BSc").
    "level": [("master", _MINE + r"(?:master|msc|mastère)\b|\b(?:master|msc|ma)(?:.s)?\s+student\b|étudiante? en master\b|"
                         r"\b(?:started|starting|begun|beginning|doing|commenc\w*|entam\w*)\s+(?:the|my|a|le|mon|un)\s+"
                         r"(?:master|msc)\b|"
                         r"(?:^|[?!.,]\s*)(?:master|msc)\s+(?:in|en|of|de|d.)\s*\w+|" + _year_of(r"(?:master|msc|mastère)(?:.s)?")),
              ("bachelor", _MINE + r"(?:bachelor|licence|bsc|bachelier)\b|\b(?:bachelor|bsc|ba)(?:.s)?\s+student\b|"
                                   r"étudiante? en (?:licence|bachelor)\b|(?:^|[?!.,]\s*)(?:bachelor|bsc|licence)\s+"
                                   r"(?:in|en|of|de|d.)\s*\w+|" + _year_of(r"(?:bachelor|bsc|licence|undergrad)(?:.s)?"))],
}


# "one, erasmus+ in lyon", "un semestre à Vienne": an earlier mobility named without its funding.
EARLIER_MOBILITY_WORDS = re.compile(
    r"\b(?:one|once|un|une|1|two|twice|deux|2|erasmus|e\+|semp|global[- ]?exchange|free[- ]?mover|exchange|échange"
    r"|echange|semestre|semester|mobilit[ée]|mobility)\b"
    # "only ghent", "just this one", "juste celle-ci à gand": the one mobility under way or done
    r"|^\W*(?:only|just|juste|seulement|uniquement|rien que)\b|\b(?:this one|that one|the current one|celle-ci|celle-là|"
    r"celle en cours|l.actuelle|la mienne)\b", re.I)


# "not yet, the first one would be erasmus in S4", "pas encore, ce serait ma première": no mobility done yet
# (the type named is the planned one's).
NONE_YET = re.compile(r"^\W*(?:no[,.!]?\s+)?(?:not yet|not so far|pas encore|non pas encore|never|jamais|none yet|aucune? pour l.instant)\b|"
                      r"\b(?:would|will|'d|'ll) be (?:my|the) (?:very )?first\b|\b(?:first one|la premi[èe]re|le premier) "
                      r"(?:would|will|serait|sera)\b|\b(?:serait|sera) (?:ma|mon|la|le) (?:toute )?premi", re.I)


# Dates a student gives for what is still to come: a year-less one is the next to come.
FUTURE_FACTS = {"course_start_date", "departure_date"}
FUTURE_QUESTIONS = {"ask_learning_agreement", "ask_deadlines", "ask_departure_semester", "ask_application"}


# Yes/no facts answered without a yes or a no, in the words students use.
BOOL_ANSWERS = {
    "resides_temporarily_elsewhere": [
        (True, r"pour (?:mes|les|faire mes) études|for (?:my )?stud(?:y|ies)|temporar|le temps (?:de|des) (?:mes )?études"),
        (False, r"permanent|always|toujours|born|grew up|\bnée?\b|grandi|(?:whole|my) family (?:lives|is) (?:here|there)"
                r"|toute ma famille|chez mes parents|with my parents|at my parents"),
    ],
    "native_speaker": [
        # "c'est ma langue maternelle" speaks of the teaching language; "my mother tongue is X" does not say.
        (True, r"c.est ma langue maternelle|it.?s my (?:mother tongue|native language|first language)"),
    ],
    # "no the semester there runs until july": the host's term goes on after the stay ends
    "full_host_term": [
        (False, r"\b(?:semester|term|trimester|semestre|trimestre|year|ann[ée]e|courses?|cours)\s+(?:there\s+|l[àa][- ]bas\s+)?"
                r"(?:goes|runs|lasts|ends|continues|is|finit|se termine|dure|va|continue)\s+(?:on\s+)?(?:till|until|to|into|jusqu)"
                r"|\bnot the (?:whole|full|complete|entire)\b|\bpas (?:tout|le semestre (?:entier|complet))"),
    ],
    "force_majeure": [
        (False, r"choix (?:perso|personnel)|personal (?:choice|reasons?)|(?:didn.?t|did not|don.?t) (?:like|enjoy)|plaît pas|plait pas"
                r"|rien de grave|nothing serious|my (?:own )?choice|(?:summer |student |holiday )?job\b|jobs? d.été|"
                r"(?:un |mon )?(?:boulot|travail|job) (?:d.été|étudiant)|vacances|holidays?\b|homesick|mal du pays|"
                r"ne me plaisait pas|pas aimé|j.aimais pas|wanted to (?:come|go) home|voulais rentrer|\bhated\b|"
                r"\bi hate(?:d)? (?:it|the)|d[ée]test\w*|got bored|je m.ennuyais"),
        (True, r"hospital|hôpital|hopital|accident|stroke|avc|décès|deces|died|death|earthquake|séisme|seisme|guerre|war\b"
               r"|maladie grave|serious(?:ly)? ill|heart attack|crise cardiaque|infarctus|cancer|passed away|décédée?|"
               r"funeral|obsèques|obseques|enterrement|disaster|catastrophe|flood|inondation|pand[eé]mi|covid|"
               r"attentat|terror|tremblement de terre|\bembassy|ambassade|[ée]vacu|"
               r"\buni(?:versit[ée]|v)? (?:est |a )?ferm[ée]e|\buni(?:versity)? (?:is |was |has )?(?:closed|shut)|"
               r"\b(?:father|mother|dad|mum|mom|parents?|brother|sister|grand(?:ma|pa|mother|father)|"
               r"husband|wife|son|daughter|child|père|pere|mère|mere|papa|maman|frère|frere|s(?:œ|oe)ur|"
               r"grand-?(?:mère|mere|père|pere)|mari|femme|fils|fille|enfant)\b[^.!?]{0,40}(?:\bill\b|sick|malade)"),
    ],
}

# A serious event told beside a return, in any order ("my dad had a stroke, I need to fly home"): the
# student claims force majeure without a "because".
RETURN_WORDS = re.compile(r"came back|come back|coming back|came home|go home|going home|went home|fly home|flew home|"
                          r"flying home|get home|back home|\breturn|rentr|revenir|revenu|quitter|interromp|abandonn|"
                          r"cut (?:it|my \w+) short|what happens (?:to|with) my (?:semester|mobility|erasmus|exchange|stay)|"
                          r"qu.est[- ]ce qui (?:se passe|arrive) (?:pour|avec) (?:mon|ma) (?:semestre|mobilit|erasmus|séjour)",
                          re.I)
# A return or an interruption with its reason: only then does a reason word speak of force majeure.
RETURN_REASON = re.compile(r"(?:came back|come back|coming back|came home|went home|go home|fly home|flew home|left|leave|"
                           r"quit|return|rentr|revenu|revenir|parti|quitté|abandonn|interromp).{0,120}(?:because|bc|cuz|since|"
                           r"due to|parce que|parce qu|car\b|à cause|a cause|suite à|pour cause|\bi just\b|j.ai juste)", re.I)

NEXT_SEMESTER = re.compile(r"semestre prochain|prochain semestre|next semester|following semester|semestre suivant"
                           r"|le semestre d.apr[eè]s", re.I)
# A semester named as such: "S2", "sem 4", "semestre 3", "3e semestre", "5th semester".
SEMESTER_MENTION = re.compile(r"\b(?:s|sem|semestre|semester)\s?([1-8])\b|\b([1-8])(?:e|er|ère|ème|eme|th|rd|nd|st)\s+"
                              r"(?:semestre|semester)\b", re.I)
# Right before the semester the mobility is asked for: "partir au S6", "go abroad in S4", "erasmus au S2".
TARGET_SEMESTER = re.compile(r"(?:partir|pars|parte|aller|go|leave|leaving|going|abroad|l.[ée]tranger|mobilit[ée]|mobility|"
                             r"exchange|[ée]change|erasmus|semp)\b(?:\s+[^\s.?!,;]+){0,4}?\s+(?:en|au|in|during|for|pendant|"
                             r"durant|d[èe]s le|from)\s+(?:le\s+|the\s+|mon\s+|my\s+)?$", re.I)
# "next semester (S2)", "au S2, le semestre prochain": the semester named is the next one itself.
_SAME_AS_NEXT = re.compile(r"[\s(\[,:=-]*(?:(?:i\.?e\.?|so|donc|soit|aka|c.est[- ][àa][- ]dire)[\s,:]*)?(?:le\s+|the\s+|au\s+)?",
                           re.I)
# The semester the student is in now: "en S5 là", "(S1 en ce moment)", "currently in S3", "je suis en S4".
_CURRENT_BEFORE = re.compile(r"(?:je suis|jsuis|j.suis|suis|i.?m|i am|currently|actuellement|now|en ce moment)\s+"
                             r"(?:en\s+|in\s+|au\s+|dans\s+)?(?:le\s+|the\s+|my\s+|mon\s+)?$", re.I)
_CURRENT_AFTER = re.compile(r"\s*\)?\s*(?:en ce moment|actuellement|right now|now|currently|atm|this semester|ce semestre|"
                            r"l[àa](?![- ]?bas)\b)", re.I)


def planned_semester(text: str) -> Tuple[Optional[int], bool]:
    """The semester the mobility is asked for among those named, and whether the student named it as that
    ("je peux partir au S6", "next semester (S2)"), rather than as the one they are in ("L3 en S5 là")."""
    mentions = list(SEMESTER_MENTION.finditer(text))
    if not mentions:
        return None, False
    nexts = list(NEXT_SEMESTER.finditer(text))

    def targeted(m) -> bool:
        return bool(TARGET_SEMESTER.search(text[max(0, m.start() - 60):m.start()])) or any(
            (n.end() <= m.start() and _SAME_AS_NEXT.fullmatch(text[n.end():m.start()]))
            or (m.end() <= n.start() and _SAME_AS_NEXT.fullmatch(text[m.end():n.start()])) for n in nexts)

    def current(m) -> bool:
        return bool(_CURRENT_BEFORE.search(text[max(0, m.start() - 30):m.start()]) or _CURRENT_AFTER.match(text, m.end()))

    number = lambda m: int(m[1] or m[2])  # noqa: E731
    aimed = [m for m in mentions if targeted(m) and not current(m)]
    if aimed:
        return number(aimed[0]), True
    planned = [m for m in mentions if not current(m)] or mentions
    if len(planned) > 1 and PAST_TENSE_OR_DONE.search(text):  # "erasmus au S3, je repars au S5": the plan
        return number(planned[-1]), False
    return number(planned[0]), False


PAST_TENSE_OR_DONE = re.compile(r"j.ai fait|j.ai déjà|jai fait|jai deja|i did|i.ve done|i have done|i already|"
                                r"already did|last year|l.an dernier|l.année dernière|déjà fait|deja fait|was funded|"
                                r"i had|j.avais|j'étais|i was", re.I)
WHICH_PROGRAMME_UNKNOWN = re.compile(
    r"(?:don.?t know|do not know|not sure|no idea|unsure|sais pas|sait pas|pas encore|aucune idée|pas sûr)\b.{0,25}"
    r"(?:which|what|quel(?:le)?|avec quel|dans quel|par quel)\s+(?:programme|program|type|cadre|dispositif)", re.I)
STATED_EXTENSION = re.compile(r"\b(?:i.?m extending|extending my|i (?:will|want to|am going to|would) extend my|je prolonge mon|"
                              r"j.ai prolongé|prolongé au|prolongée? (?:au|jusqu|d.un)|en prolongation|if i extend (?:my|it)|"
                              r"(?:si je|je veux|jveux|je voudrais|j.aimerais) prolonger (?:mon|ma|au|à|a|d.un|jusqu)|"
                              r"si je prolonge (?:mon|ma|au|à|a|d.un|jusqu)|"
                              # a plan told beside the question: "je pense prolonger jusqu'à l'été", "thinking of extending"
                              r"\bj(?:e |.)?(?:pense|compte|vais|pr[ée]vois de|envisage de) prolonger\b|"
                              r"\b(?:thinking (?:of|about)|planning (?:to|on)|plan to|considering) extend\w*)", re.I)
# Another mobility asked about ("refaire un erasmus au S5", "another exchange after that"): not an extension.
NEW_MOBILITY = re.compile(r"\brefaire (?:un|une)\b|\brepartir\b|\banother (?:erasmus|mobility|exchange|one)\b|"
                          r"\bune autre (?:mobilit|fois)|\bun autre (?:erasmus|échange|echange)\b|\bnew (?:mobility|exchange)\b|"
                          r"\bnouvelle mobilit|\bone more (?:mobility|exchange|erasmus)\b", re.I)
# Asking whether one may stay on where one is: "je peux rester aussi au S4 ?", "could I stay there for the spring too?",
# "possible de prolonger ?" (staying in Luxembourg, "rester au Lux", is not staying on).
_STAY_ON = (r"aussi|encore|plus longtemps|longer|on\b|there|l[àa][- ]bas|un (?:autre )?semestre|another semester|"
            r"an extra semester|one more semester|as well|too\b|into\b|until\b|jusqu")
EXTENSION_ASKED = (r"\b(?:can|could|may|might|peux|pourrais|pourrai|puis|possible (?:de|to|d.)|est-il possible de|allowed to)\b"
                   r"[^.?!]{0,25}?\b(?:prolong\w*|extend\w*|(?:y\s+)?(?:rester|stay|remain)\s+(?:"
                   rf"(?:l[àa][- ]bas\s+|y\s+|there\s+|on\s+)?(?:{_STAY_ON}|"
                   r"(?:au|pour le|pour|le|jusqu.au|jusqu.en|for|through|in)\s+(?:the\s+|le\s+)?(?:S\d|semestre|spring|"
                   r"summer|printemps|[ée]t[ée]|second|2e|next|following|suivant))|"
                   # "stay in Bergen into the spring", "rester à Lund encore un semestre" ("rester au Luxembourg au S3" is not)
                   rf"(?:in|at|à|a|en)\s+[\w'’-]+\s+(?:{_STAY_ON})))")
EXTENSION_WORDS = re.compile(r"prolong|extend|extension|rester plus|stay longer", re.I)
# Whether an extension is funded ("et une prolongation au S4, payée aussi ?", "would the extension get the grant
# too?"): a funding question about an extension semester (not the fees paid for it).
EXTENSION_FUNDED = (r"(?:prolong\w*|extension|extend\w*)\b[^.?!]{0,90}?\b(?:pay[ée]e?s?|paid|funded|financ\w*|bourse|grant|"
                    r"money|argent|fonds)\b|\b(?:bourse|grant|funding|financement|money|argent|fonds)\s+(?:for|pour|de|during|"
                    r"pendant|on)\s+(?:the\s+|la\s+|l.|my\s+|ma\s+|this\s+|cette\s+|an?\s+|une\s+)?"
                    r"(?:prolong\w*|extension|extended)")
# After an extension question, "le 2e semestre il sera financé aussi ?", "is the extra semester funded too?": the
# added semester's grant (alone, "second semester … the grant" is only when the mobility takes place)
ADDED_SEMESTER_FUNDED = (EXTENSION_FUNDED + r"|\b(?:2e|2ème|second|deuxi[eè]me|2nd|extra|additional|autre|other)\s+"
                         r"(?:semestre|semester|sem)\b[^.?!]{0,40}?\b(?:pay[ée]e?s?|paid|funded|financ\w*|covered|couvert|"
                         r"bourse|grant)\b")
NOT_FUNDING = r"\bfrais\b|\bfees?\b|tuition|minerval|inscription"
UNSURE_BETWEEN = re.compile(
    r"not sure|don.?t know|do not know|no idea|unsure|undecided|either|or maybe|sais pas|sait pas|pas encore|"
    r"pas sûr|pas sur|hésite|hesite|ne connais pas|aucune idée|peut-être|peut etre|yet\b", re.I)

# A type named only as one side of an alternation the student is unsure of: "not sure if uni.lu has an
# agreement with them or if i'd be a free mover", "either X or Y", "soit X soit Y", "je sais pas si … ou …",
# "X or Y, idk". Then the type stays unknown (answered for each case), never the last one named.
_TYPE_NAME = r"(?:erasmus\s*\+?|e\+|semp|swiss[- ]european|global[- ]?exchange|free[- ]?mover|hors convention)"
_HEDGE = re.compile(r"\b(?:not sure|unsure|don.?t know|do not know|dunno|idk|no idea|not certain|undecided|either|"
                    r"still checking|checking if|je sais pas|je ne sais pas|j.?sais pas|jsp|sais pas|pas s[ûu]re?|"
                    r"aucune id[ée]e|soit|h[ée]site|maybe|peut[- ][êe]tre|ou bien|or maybe|v[ée]rifie)\b", re.I)
_OR_BEFORE = re.compile(r"\b(?:or|ou|soit|either)\s+(?:if\s+|si\s+|whether\s+)?(?:[\w'’.+-]+\s+){0,5}$", re.I)
_OR_AFTER = re.compile(r"^\s*,?\s*(?:[\w'’.+-]+\s+){0,2}?(?:or|ou)\s+(?!not\b|pas\b|non\b|no\b)"
                       # "aucune idée si c erasmus ou pas", "no idea if it's erasmus or not": whether it is that type at all
                       r"|^\s*,?\s*(?:or|ou)\s+(?:not|pas|non)\b", re.I)


# A mobility told as done ("did erasmus", "j'ai fait un erasmus"), and one more asked about.
DONE_TYPE = re.compile(r"(?:\bdid|\bdone|\bhad|went on|was on|finished|completed|j.ai (?:déjà |deja )?(?:fait|eu)|"
                       r"jai (?:deja )?(?:fait|eu)|j.étais en|j.etais en|déjà fait|deja fait)\s+(?:an?\s+|my\s+|un\s+|une\s+|"
                       r"mon\s+|ma\s+|en\s+|the\s+|mes\s+)?(?:erasmus|e\+|semp|global[- ]?exchange|free[- ]?mover)", re.I)
ANOTHER_ONE = re.compile(r"\banother\s+(?:one|mobility|exchange|semester abroad)\b|\bone more\b|\ba second (?:one|mobility|"
                         r"exchange|semester abroad)\b|\bune autre\b|\bencore une\b|\bune (?:2e|deuxi[eè]me|seconde)\b", re.I)


def earlier_type_only(text: str, options) -> bool:
    """Whether every mobility type named is that of a mobility done before the student asks about
    another one ("did erasmus in vienna, can I do another one?"): the planned type is not said."""
    another, done = ANOTHER_ONE.search(text), DONE_TYPE.search(text)
    if not another or not done:
        return False
    named = [m.start() for _, pattern in options for m in re.finditer(pattern, text, re.I)]
    return bool(named) and all(start < another.start() for start in named) and done.start() <= min(named)


# "c free mover, pas erasmus", "not Erasmus, global exchange", "plutôt free mover qu'Erasmus": a type the
# student says is not theirs is no fact; the other one named is.
NEGATED_TYPE = re.compile(r"(?:\b(?:pas|plus|not|no longer|non|rather than|instead of|au lieu d.|plut[ôo]t qu.|"
                          r"et non)|\bqu.)\s*(?:(?:vraiment|really|actually|exactement|exactly|du tout)\s+)?"
                          r"(?:(?:en|in|an|a|un|une|par|via|with|avec|d.|de|du|the|le|la|l.)\s*)?"
                          + _TYPE_NAME + r"(?![\w+])", re.I)


# A type named as a comparison or as another programme's feature, not the student's own: "does uni.lu pay
# my grant like w erasmus?", "comme pour erasmus", "unlike erasmus", "does the erasmus OLS thing count?",
# "l'OLS d'erasmus".
OTHER_TYPE = re.compile(r"(?:\b(?:like|unlike|same as|as with|as for|as in|compared to|comme|contrairement [àa]|"
                        r"pareil qu.|m[êe]me chose qu.)\s*(?:(?:w/?|with|for|in|avec|pour|en|on|the|l.|les|a|an)\s*)?"
                        + _TYPE_NAME + r"(?![\w+])"
                        r"|" + _TYPE_NAME + r"\s*(?:.s\s+)?(?:ols|online (?:language )?(?:test|assessment)|language test)\b"
                        r"|\bols\s+(?:d.|de\s+l.|of\s+|from\s+)?(?:the\s+)?" + _TYPE_NAME + r"(?![\w+]))", re.I)
# A type the student asks to have explained ("c'est quoi global exchange au fait ?", "what's SEMP exactly?"):
# named in a question, it is not their own.
EXPLAINED_TYPE = re.compile(r"\b(?:c.est quoi|qu.est[- ]ce (?:que|qu.)|what.?s|what is|explain)\s*(?:(?:le|la|l.|un|une|the|a|an)\s*)?"
                            + _TYPE_NAME + r"(?![\w+])(?=\s*(?:au fait|exactly|exactement|actually|d[ée]j[àa]|again|even|"
                            r"concr[èe]tement|\?|!|\.|,|$))"
                            r"|" + _TYPE_NAME + r"\s*,?\s*(?:c.est quoi|(?:ça|ca) veut dire quoi|(?:ça|ca) (?:consiste|marche) comment)",
                            re.I)


def explained_types(text: str) -> set:
    """The mobility types the student names only to ask what they are."""
    rest = EXPLAINED_TYPE.sub(" ", text or "")
    return {value for match in EXPLAINED_TYPE.finditer(text or "") for value, pattern in KEYWORDS["mobility_type"]
            if re.search(pattern, match[0], re.I) and not re.search(pattern, rest, re.I)}


def negated_types(text: str) -> set:
    """The mobility types the student rules out ("pas erasmus", "not a free mover") or names only to compare
    ("like with erasmus", "the erasmus OLS")."""
    ruled = {value for match in OTHER_TYPE.finditer(text or "") for value, pattern in KEYWORDS["mobility_type"]
             if re.search(pattern, match[0], re.I)}
    for match in NEGATED_TYPE.finditer(text or ""):
        if match[0].casefold().startswith("qu") and not re.search(r"plut[ôo]t\b[^,.;!?]{0,40}$", text[:match.start()],
                                                                   re.I):
            continue  # "qu'Erasmus" only after "plutôt … que"
        ruled |= {value for value, pattern in KEYWORDS["mobility_type"] if re.search(pattern, match[0], re.I)}
    return ruled


def hedged_types(text: str) -> set:
    """The mobility types the student names only as alternatives they are unsure of."""
    hedged = set()
    for sentence in re.split(r"[.!?;]+(?:\s+|$)|\n+", text or ""):
        if not _HEDGE.search(sentence):
            continue
        for value, pattern in KEYWORDS["mobility_type"]:
            for match in re.finditer(pattern, sentence, re.I):
                if _OR_BEFORE.search(sentence[:match.start()]) or _OR_AFTER.search(sentence[match.end():]):
                    hedged.add(value)
    return hedged


PAST_TENSE = re.compile(
    r"\b(?:started|began|begun|have been|has been|been here|arrived|since|ago|already|last (?:week|month)"
    r"|ont commencé|a commencé|ont débuté|a débuté|commencé|débuté|depuis|il y a|déjà|deja|suis arrivée?|"
    r"je suis là|je suis ici)\b", re.I)


# A stay told as already lived ("i was in porto from…", "came back on…", "je suis rentrée le…"), with nothing
# told as still ahead ("I will come back on…", "je compte rentrer le…").
TOLD_IN_THE_PAST = re.compile(
    r"\b(?:i was|i went|i stayed|i spent|i left|i quit|came (?:back|home)|got back|returned|flew (?:home|back)|"
    r"went (?:home|back)|j.?[ée]tais|je suis (?:parti|rentr|revenu|all[ée])\w*|suis (?:rentr|revenu)\w*|j.ai (?:pass[ée]|"
    r"quitt[ée]|arr[êe]t[ée])|(?:je|j) (?:suis )?(?:rentr[ée]e?|revenue?))", re.I)
TOLD_AHEAD = re.compile(r"\b(?:will|going to|gonna|plan\w*|want to|would|next|vais|irai|partirai|rentrerai|compte|veux|"
                        r"voudrais|prochain\w*|pr[ée]vu\w*|futur\w*)\b", re.I)


def _gone_by(day: dt.date, today: dt.date) -> dt.date:
    """A year-less date of a stay already lived: the last one gone by (this year's or last year's)."""
    if day <= today:
        return day
    try:
        return day.replace(year=today.year if day.replace(year=today.year) <= today else today.year - 1)
    except ValueError:  # 29 February
        return day


class ImpossibleDate(ValueError):
    """A date that does not exist, like 31 February."""


@dataclass
class Reading:
    """What one message tells: fact values, and problems to tell the student about."""

    facts: Dict[str, Any] = field(default_factory=dict)
    problems: List[str] = field(default_factory=list)
    unsure: List[str] = field(default_factory=list)  # facts the student says they do not know yet
    # The values the student hesitates between, for an unsure fact ("either GE or free mover").
    candidates: Dict[str, List[str]] = field(default_factory=dict)
    # Facts read from weak clues, which must not replace what the student said before ("M1" is a
    # year of the Master: it does not undo "my 2nd semester").
    weak: List[str] = field(default_factory=list)


def _year_for(month: int, day: int, today: dt.date, future: bool = False) -> int:
    """A date without year: the next one to come when the question is about the future (a course
    start, a departure), else the next one or this year's recent past (a return)."""
    try:
        candidate = dt.date(today.year, month, day)
    except ValueError:
        candidate = dt.date(today.year, month, 28)
    recent = today if future else today - dt.timedelta(days=120)
    return today.year if candidate >= recent else today.year + 1


def _make(year: Optional[int], month: int, day: int, today: dt.date, text: str, future: bool = False,
          assumed: Optional[list] = None) -> dt.date:
    if not (1 <= month <= 12 and 1 <= day <= 31):
        raise ImpossibleDate(text)
    if year is None and assumed is not None:
        assumed.append(text)
    year = year if year is not None else _year_for(month, day, today, future)
    if year < 100:
        year += 2000
    try:
        return dt.date(year, month, day)
    except ValueError:
        raise ImpossibleDate(text) from None


# "I came home on 1 Dec; I had arrived end of September": the return told before the arrival.
_RETURN_CUE = re.compile(r"\b(?:came (?:home|back)|got back|returned|back home|flew (?:home|back)|left (?:on|the)|quit\w*|"
                         r"rentr[ée]e?s?|revenue?|de retour|retour (?:le|au)|quitt[ée]e?)\b", re.I)
_ARRIVAL_CUE = re.compile(r"\b(?:arrived|got there|moved there|started (?:on|there)|arriv[ée]e?s?|suis arriv\w*|"
                          r"(?:j.ai )?commenc[ée] (?:le|là)|débarqu[ée]e?)\b", re.I)


def _cue_before(text: str, start: int, end: int) -> Optional[str]:
    """ "return" or "arrival": the last cue word between `start` and `end` (a date's position)."""
    cues = [(m.end(), "return") for m in _RETURN_CUE.finditer(text, start, end)] + \
           [(m.end(), "arrival") for m in _ARRIVAL_CUE.finditer(text, start, end)]
    return max(cues)[1] if cues else None


def return_told_first(text: str, first: int, second: int) -> bool:
    """Whether the date at `first` is told as the return and the one at `second` as the arrival
    ("came home on 1 Dec, I had arrived end of September"): the stay then reads the other way round."""
    return _cue_before(text, max(0, first - 60), first) == "return" and \
        _cue_before(text, first, second) == "arrival"


def parse_dates(text: str, today: dt.date, future: bool = False, assumed: Optional[list] = None) -> List[dt.date]:
    """Every calendar date in the text, French or English forms; raises ImpossibleDate.
    The year-less ones are appended to `assumed` (the channel says which year it took)."""
    found = dated_spans(text, today, future, assumed)
    positions = [pos for pos, _ in found]
    dates = [d for _, d in found]
    if len(dates) == 2 and return_told_first(text, positions[0], positions[1]):
        dates.reverse()  # the arrival first, as the stay went
    if len(dates) >= 2 and dates[1] < dates[0] and not re.search(r"\d{4}", text):
        # "from 15 March to 10 June" without years: the same stay, so the start is the year before.
        dates[0] = dates[0].replace(year=dates[0].year - 1)
    return dates


def dated_spans(text: str, today: dt.date, future: bool = False, assumed: Optional[list] = None) -> List[tuple]:
    """(position, date) of every calendar date in the text, in the order written."""
    found: List[tuple] = []
    for m in _ISO.finditer(text):
        found.append((m.start(), _make(int(m[1]), int(m[2]), int(m[3]), today, m[0])))
    for m in _DAY_MONTH.finditer(text):
        month = MONTHS[m[2].casefold().rstrip(".")] if m[2].casefold().rstrip(".") in MONTHS else MONTHS[m[2].casefold()]
        day = int(m[1]) if m[1].isdigit() else 1  # "premier", "first"
        found.append((m.start(), _make(int(m[3]) if m[3] else None, month, day, today, m[0], future, assumed)))
    for m in _MONTH_DAY.finditer(text):
        key = m[1].casefold().rstrip(".")
        if key in MONTHS and not any(abs(pos - m.start()) < 4 for pos, _ in found):
            found.append((m.start(), _make(int(m[3]) if m[3] else None, MONTHS[key], int(m[2]), today, m[0], future,
                                           assumed)))
    for m in _APPROX.finditer(text):
        key = m["month"].casefold().rstrip(".")
        if key in MONTHS and not any(abs(pos - m.start("month")) < 6 for pos, _ in found):
            part = m["part"].casefold()
            day = next(d for word, d in APPROX_DAY if word in part)
            if assumed is not None:  # said back: "I take it you mean Thursday 25 February 2027"
                assumed.append(m[0])
            found.append((m.start(), _make(int(m["year"]) if m["year"] else None, MONTHS[key], day, today, m[0],
                                           future, None)))
    for m in _DAY_RANGE.finditer(text):  # "du 3 au 28 février": the first day is a date too
        month = MONTHS.get(m["month"].casefold().rstrip("."))
        if month and not any(abs(pos - m.start("first")) < 3 for pos, _ in found):
            found.append((m.start("first"), _make(int(m["year"]) if m["year"] else None, month, int(m["first"]), today,
                                                  m[0], future, assumed)))
    for m in _YEAR_FIRST.finditer(text):  # "2027/09/01"
        found.append((m.start(), _make(int(m[1]), int(m[2]), int(m[3]), today, m[0])))
    if not found:
        for m in _NUMERIC.finditer(text):
            year = int(m[3]) if m[3] else None
            if year is None and "." in m[0] and not (_DOTTED_RANGE_END.match(text, m.end())
                                                     and 1 <= int(m[2]) <= 12 and 1 <= int(m[1]) <= 31):
                continue  # "GPA 3.0", "2.5 ECTS", "moyenne 14.5": a decimal number, not a date
            if year is None and int(m[2]) > 12 and not _DATE_WORD_BEFORE.search(text[:m.start()]):
                continue  # "14/20 à l'examen": a grade; "le 12/13" stays an impossible date
            found.append((m.start(), _make(year, int(m[2]), int(m[1]), today, m[0], future, assumed)))
    return sorted(found, key=lambda pair: pair[0])


def number_words_as_digits(text: str) -> str:
    """ "sixty-two days", "quatre-vingts jours" with digits (text2num, French then English). Only for
    reading numbers: on a whole message it would turn "14 sept" into "14 7"."""
    from text_to_num import alpha2digit

    converted = text
    for lang in ("fr", "en"):
        try:
            converted = alpha2digit(converted, lang)
        except Exception:  # a library quirk on odd input must never cost the student their message
            continue
    return converted


def parse_number(text: str) -> Optional[float]:
    match = re.search(r"\d+(?:[.,]\d+)?", text) or re.search(r"\d+(?:[.,]\d+)?", number_words_as_digits(text))
    if match:
        value = float(match[0].replace(",", "."))
        return int(value) if value.is_integer() else value
    for word in re.findall(r"[^\W\d_]+", text.casefold()):
        if word in NUMBER_WORDS:
            return NUMBER_WORDS[word]
    return None


UNSURE = re.compile(r"sais pas|sait pas|aucune idée|pas sûr|no idea|no clue|don'?t know|not sure|dunno", re.I)


WHAT_IF = re.compile(
    r"^\W*(?:(?:et|and|but|mais|ok|okay|oki|d.accord|alors|so|hmm*|euh*|uh+|oh|ah|bon|dsl|sorry|right|alright|cool)\W+)*"
    r"(?:si\b|s.il\b|if\b|what if|what about|how about|even if\b|m[êe]me si\b|et pour"
    r"|and for|pour\b|en\b|à\b|a\b|in\b|with\b|avec\b|sans\b|without\b|not\b|pas\b|non\b|no\b|instead"
    r"|why not\b|pourquoi pas\b"
    # a correction of what was just said: "wait sorry i meant M1", "pardon je voulais dire Gand"
    r"|(?:wait|sorry|oops|oups|actually|my bad|pardon|désolée?|desolee?|dsl|en fait|correction|je me suis tromp\w*|"
    r"i was wrong|my mistake)\b.{0,40}"
    r"(?:i meant|i mean|je voulais dire|je veux dire|c.est|it.?s|i.?m|je suis|jsuis|not\b|pas\b))", re.I)
# Cues of a follow-up anywhere in it: "et sarrebruck à la place ?", "ça change qqch ?", "c pas metz c lisbonne",
# "and uni liege?" (a bare place, or a university, right after "and"/"et"), "what if … instead".
FOLLOW_UP_CUE = re.compile(
    r"\b(?:instead|à la place|a la place|plut[ôo]t|rather|au lieu|"
    r"(?:ç|c)a change (?:qu\w*|qqch|quoi|rien|tout)|change (?:quelque chose|qqch|qq chose|rien|anything|something)|"
    r"changes? anything|does (?:it|that|this) change|same (?:thing|answer|rule)s? (?:for|with|in)|pareil (?:pour|avec|à|a)|"
    r"\b(?:not|pas)\s+\S+\s*,?\s+(?:c|c.est|cest|it.?s|its|but|mais)\b)", re.I)
LEADING_FILLERS = re.compile(r"^\W*(?:(?:et|and|ok|okay|oki|so|alors|ah|oh|bon|hmm*|euh*|then|puis|or|ou|but|mais|"
                             r"alright|all right|right|fine|cool|d.accord|dac|super|merci|thanks)\W+)+",
                             re.I)
SAME_QUESTION_FACTS = {"host_city", "host_country", "level", "mobility_type", "semester", "course_start_date",
                       "departure_date", "return_date", "stay_days", "ects_enrolled", "country_of_origin"}


WHAT_IF_WORDS = 14  # a what-if clause is short; a follow-up may add a sentence around it
FOLLOW_UP_WORDS = 24


def opens_as_what_if(text: str) -> bool:
    """Whether the message, or one of its sentences, opens as a what-if ("et si …", "what about …", "not X")."""
    clauses = [c for c in re.split(r"(?<=[.!?;])\s+|\n+", text or "") if c.strip()]
    return any(len(c.split()) <= WHAT_IF_WORDS and WHAT_IF.search(c) for c in [text or "", *clauses])


def is_what_if(text: str) -> bool:
    """ "et si je pars à Nancy à la place ?", "what about Liège?", "not Metz, Lisbon", "ok and uni liege?",
    "ok that hurts. what if i go in the fall instead?": a short follow-up that changes a fact of the
    question just answered, not a new question."""
    from actions.places import institution_town

    text = text or ""
    words = text.split()
    if not words or len(words) > FOLLOW_UP_WORDS:
        return False
    cue = opens_as_what_if(text) or FOLLOW_UP_CUE.search(text)
    if not cue:
        # "and uni liege? they have my program too", "et Lisbonne ?": a place right after "and" / "et"
        lead = LEADING_FILLERS.match(text)
        rest = text[lead.end():] if lead else ""
        head = re.split(r"[?!.,;:]", rest)[0].strip()
        bare = re.sub(r"^(?:(?:what about|how about|for|pour|in|at|to|à|a|au|en)\s+)*", "", head, flags=re.I)
        places = {fold_word(p) for p in (follow_up_place("et " + bare), bare_place(bare)) if p} if bare else set()
        # the head is the place itself ("uni liege", "Lisbonne"), not a topic about it ("housing in paris")
        cue = len(head.split()) <= 4 and bool(
            institution_town(head) or {fold_word(bare), fold_word(re.sub(r"^(?:the|la|le|les|l')\s*", "", bare))} & places)
    if not cue:
        return False
    # "and if I took the English-taught courses instead?": another teaching language (Art. 12(1)'s native speaker)
    return names_a_fact(text) or bool(follow_up_place(text)) or teaching_language(text) is not None


def names_a_fact(text: str) -> bool:
    """Whether a message states a fact the last question is answered with (a type, a place, a level …)."""
    return bool(set(read_message(text, None, [], None, dt.date.today()).facts) & SAME_QUESTION_FACTS)


# Words asking for the reasons of an answer ("why?", "pourquoi ?", "how come", "explique").
WHY_WORDS = re.compile(r"(?:why|pourquoi|how come|comment (?:ça|ca)|explain\w*|expliqu\w*|reasons?|raisons?)", re.I)


def bare_place(text: str) -> Optional[str]:
    """A known town or country named in a short follow-up ("what about Liège?")."""
    from rules_core.gazetteer import gazetteer

    words = re.findall(r"[^\W\d_][\w'’-]*", text)
    candidates = [" ".join(words[i:i + 2]) for i in range(len(words) - 1)] + words  # "La Haye", then single words
    # "TOURS not trier": the town the student rules out is not the one named ("why not Liège?" proposes it)
    ruled_out = ruled_out_places(re.sub(r"\b(?:why|pourquoi)\s+(?:not|pas)\b", " ", text, flags=re.I))
    for word in candidates:
        parts = word.casefold().split()
        if fold_word(word) in ruled_out:
            continue
        if len(word) <= 2 or word.casefold() in STOP_PLACES or any(
                len(part) <= 2 and not (i == 0 and part in ARTICLES) for i, part in enumerate(parts)):
            continue  # "a la" is no "Arrah"; "La Haye" still is a town
        places = gazetteer().lookup(word)
        # A word that is only a village's name somewhere ("yet", "nek"), or some town's other name
        # ("la" for Los Angeles), is no town the student names in passing.
        if to_iso(word) or (places and places[0].population >= TOWN_IN_PASSING and gazetteer().is_official_name(word)):
            return word
    return None


def follow_up_place(text: str, ruled_out: Iterable[str] = ()) -> Optional[str]:
    """The town or country a short follow-up proposes: by its university first, then a town named
    anywhere (actions.understanding.bare_place), then a town by another of its names in the follow-up's
    place slot ("sarrebruck", "lisbonne"). A town the student rules out ("c pas metz") is skipped."""
    from actions.places import FOLLOW_UP_SLOT, _town, institution_town

    out = set(ruled_out) | ruled_out_places(text)
    town = institution_town(text)
    if town and fold_word(town) not in out:
        return town
    place = bare_place(text)
    if place:
        return place
    for match in FOLLOW_UP_SLOT.finditer(text or ""):
        words = match[1] or match[2]
        if fold_word(words.split()[0]) in out:
            continue
        town = _town(words)
        if town and fold_word(town) not in out:
            return town
    return None


ARTICLES = {"la", "le", "el", "al", "de", "den", "di"}  # a town's name may start with one ("La Haye")
NOT_TOWNS = {"erasmus", "erasmus+", "semp", "global exchange", "free mover", "bachelor", "master", "licence", "oui",
             "non", "yes", "no", "ok", "merci", "thanks", "none", "aucune", "aucun", "rien", "nothing"}
TOWN_IN_PASSING = 50_000  # inhabitants, for a town found among other words (university towns are larger)
FUZZY_TOWN_SCORE = 88  # rapidfuzz ratio; chosen on half of benchmarks/library_cases/towns.yml
FUZZY_TOWN_POPULATION = 20_000


@lru_cache(maxsize=1)
def _fuzzy_index() -> Dict[str, str]:
    """Folded official names of the towns large enough to host a university, to their names."""
    from rules_core.gazetteer import gazetteer
    from rules_core.normalize import fold

    index: Dict[str, str] = {}
    for place in sorted(gazetteer().places, key=lambda p: p.population):
        if place.population >= FUZZY_TOWN_POPULATION:
            index[fold(place.name)] = place.name  # the most populous of namesakes wins
    return index


def fuzzy_town(text: str) -> Optional[str]:
    """ "strasbourgh", "heidelbeg", "leige": the town a typo most likely means (rapidfuzz), or None."""
    from rapidfuzz import fuzz, process

    from rules_core.normalize import fold

    key = fold(text)
    if not (3 < len(key) <= 40):
        return None
    best = process.extractOne(key, _fuzzy_index().keys(), scorer=fuzz.ratio, score_cutoff=FUZZY_TOWN_SCORE)
    return _fuzzy_index()[best[0]] if best else None


# Short words that are also town names somewhere: never a place in a follow-up.
STOP_PLACES = {"what", "about", "and", "but", "pour", "instead", "place", "the", "les", "mais", "not", "non", "pas",
               "how", "with", "avec", "sans", "without", "alors", "okay",
               # determiners and prepositions that are some far town's name too ("Mon", "Par")
               "mon", "ton", "son", "par", "sur", "des", "une", "est", "who", "can", "will", "may", "her", "his"}


YES_NO_REASON_WORDS = 25  # a yes or a no, then a sentence or two of reason: still the answer


def yes_no(text: str, intent: Optional[str]) -> Optional[bool]:
    """A yes or a no; "je ne sais pas" / "no idea" is neither."""
    if UNSURE.search(text or ""):
        return None
    if intent == "affirm":
        return True
    if intent == "deny":
        return False
    words = re.sub(r"[!.?,;]+", " ", (text or "").casefold()).split()
    short = " ".join(words)
    # "no, portuguese is my native language": a yes or no first, then the reason, answers it too.
    explained = bool(re.match(r"^\s*\w+\s*[,:;—-]", text or "")) and len(words) <= 15 and "?" not in (text or "")
    if short in YES or (words and words[0] in YES and (len(words) <= 3 or explained)):
        return True
    if short in NO or (words and words[0] in NO and (len(words) <= 3 or explained)):
        return False
    # "no im just a normal full time student", "oui le français c'est ma langue maternelle", "yeah i came
    # over for my studies, i share a flat in esch": a yes or a no first, then the reason, whatever places it names.
    if words and len(words) <= YES_NO_REASON_WORDS and "?" not in (text or ""):
        if words[0] in YES - {"y", "o"}:
            return True
        if words[0] in NO - {"n"}:
            return False
    return None


def _place(value: str) -> Dict[str, Any]:
    """A country, or a town the gazetteer knows ("Ausland" tagged as a place is neither)."""
    from rules_core.gazetteer import gazetteer

    code = to_iso(value)
    if code:
        return {"host_country": code}
    return {"host_city": value} if gazetteer().lookup(value) else {}


# "at the Homburg campus, not in Saarbrücken", "Nancy plutôt que Metz": a place the student rules out.
RULED_OUT_PLACE = re.compile(r"\b(?:not|pas|plus|no longer|rather than|instead of|plutôt que|au lieu de)\s+"
                             r"(?:(?:à|a|in|at|au|en|to|de|d.|from)\s+)?(?:the\s+|la\s+|le\s+)?([^\W\d_][\w'’-]+)", re.I)


def ruled_out_places(text: str) -> set:
    from rules_core.normalize import fold

    return {fold(m[1]) for m in RULED_OUT_PLACE.finditer(text or "")}


COMPARED_LEVEL = re.compile(r"(?:\bfor|\bpour|\blike|\bcomme|\bthan|\bque|\bunlike|\bcontrairement aux"
                            # "or is that only bachelor?", "c'est seulement en licence ?": another level, asked about
                            r"|(?:\bthat|\bit|\bthis|\bor|\bou|\bc|\bça|\bca)\W{0,2}\w{0,3}\s+(?:only|just|seulement|"
                            r"uniquement|juste))\s+(?:the\s+|les\s+|en\s+|in\s+)?$", re.I)


# A level the student had before the one they are in: "in my bachelor we had to", "j'ai fini ma licence".
EARLIER_LEVEL = re.compile(r"(?:\b(?:during|after|in|from)\s+my\s+(?:previous\s+|former\s+|old\s+)?|"
                           r"\b(?:pendant|après|apres|durant|dans)\s+(?:mon|ma)\s+(?:ancien(?:ne)?\s+)?|"
                           r"\b(?:finished|completed|did|done|got|had)\s+(?:my\s+|a\s+)?|"
                           r"\bj.ai\s+(?:fait|fini|terminé|termine|eu|obtenu)\s+(?:mon|ma|une?)\s+)$", re.I)


def _earlier_level(text: str, entity: dict) -> bool:
    start = entity.get("start")
    return isinstance(start, int) and bool(EARLIER_LEVEL.search(text[max(0, start - 40):start]))


# "en bachelor on pouvait pas avant le S3", "in bachelor you can go twice": a level said of everyone in it,
# a comparison with the student's own (a bare "en"/"in" before it, a general subject after it).
_GENERAL_SUBJECT = re.compile(r"\s*,?\s*(?:on|we|you|they|ils|elles|people|students|everyone|everybody|tout le monde|"
                              r"les (?:étudiants|etudiants|gens))\b", re.I)


def compared_level(text: str, start: int, end: int) -> bool:
    """Whether the level word at text[start:end] is another level the student compares theirs with."""
    if COMPARED_LEVEL.search(text[:start]):  # "for bachelors it's 30", "unlike bachelors"
        return True
    bare = re.search(r"(?:^|[\s,;.!?])(?:en|in)\s+$", text[:start]) or re.match(r"(?:en|in)\s", text[start:end], re.I)
    return bool(bare and _GENERAL_SUBJECT.match(text, end))


def other_level_named(text: str, level: str) -> bool:
    """Whether the text also names the level other than this one (a word or a year code)."""
    return any(re.search(pattern, text, re.I) for other, pattern in LEVEL_WORDS.items() if other != level)


# A year code the student was in before ("en M1 j'ai fait erasmus", "did erasmus in B3") or is not in.
_CLAUSE_END = re.compile(r"[.,;!?()]|\s(?:et|and|mais|but|now|maintenant)\s", re.I)
_CODE_DENIED = re.compile(r"\b(?:pas|plus|not|no longer|non)\s+(?:en\s+|in\s+)?$", re.I)
# "I have B2", "niveau B2": a language level (CEFR), not the second Bachelor year
_CEFR_CODE = re.compile(r"(?:\b(?:have|got|ai|avec|with|niveau|level|obtenu)\s+(?:a\s+|un\s+|le\s+|the\s+|my\s+|mon\s+)?$)", re.I)


def year_code_level(text: str) -> Optional[str]:
    """The level of the first year code ("L3", "B2", "M1") the student is in now: the year code says it more
    surely than a level word, which may be a future or a compared one ("L3 … pour mon master à Paris")."""
    for code in SEMESTER_CODE.finditer(text):
        bachelor_code = code[1].upper().startswith(("B", "L"))
        if code[1].upper().startswith("B") and (LANGUAGE_LEVEL_CONTEXT.search(text)
                                                or _CEFR_CODE.search(text[max(0, code.start() - 30):code.start()])):
            continue
        before = _CLAUSE_END.split(text[max(0, code.start() - 60):code.start()])[-1]
        after = _CLAUSE_END.split(text[code.end():code.end() + 80])[0]
        if PAST_TENSE_OR_DONE.search(before) or PAST_TENSE_OR_DONE.search(after) or _CODE_DENIED.search(before):
            continue
        return "bachelor" if bachelor_code else "master"
    return None


def _from_entities(entities: Iterable[dict], text: str, requested: Optional[str]) -> Dict[str, Any]:
    from actions.places import home_cued, host_institution_town, origin_cued
    from rules_core.normalize import fold

    facts: Dict[str, Any] = {}
    ruled_out = ruled_out_places(text)
    entities = list(entities)
    places = [e for e in entities
              if isinstance(e, dict) and e.get("entity") == "location" and isinstance(e.get("start"), int)]
    # "a place at Heidelberg … j'habite chez mes parents à Sarrebruck": where the student lives is not the
    # host when another place is named (alone, "I live in Krakow now" may well be the host)
    homes = {id(e) for e in places if home_cued(text, e["start"])} if requested not in ("host_city", "host_country") \
        else set()
    if len(homes) == len(places) and not (homes and host_institution_town(text)):
        homes = set()
    for entity in entities:
        if not isinstance(entity, dict):
            continue
        name, value = entity.get("entity"), entity.get("value")
        if value is None:
            continue
        if name == "level" and value in ("bachelor", "master"):
            start = entity.get("start")
            if COMPARED_LEVEL.search(text[:start]) if isinstance(start, int) else False:
                continue  # "for bachelors it's 30, right?": another level, compared with
            if isinstance(start, int) and other_level_named(text, value) \
                    and compared_level(text, start, entity.get("end") or start + len(str(value))):
                continue  # "M1 now; en bachelor on pouvait pas avant le S3": said of all bachelors
            if facts.get("level") not in (None, value) and _earlier_level(text, entity):
                continue  # "I just started the Master; in my bachelor we had to go": the level of before
            facts["level"] = value
        elif name == "mobility_type" and value in ("erasmus_plus", "semp", "global_exchange", "free_mover"):
            facts["mobility_type"] = value
        elif name == "semester":
            number = parse_number(str(value))
            if number is not None and 1 <= number <= 8:
                facts["semester"] = int(number)
            code = SEMESTER_CODE.search(str(entity.get("text") or value))
            if code and "level" not in facts:
                facts["level"] = "master" if code[1].upper().startswith("M") else "bachelor"
        elif name == "location":
            if fold(str(value)) in ruled_out or fold(str(entity.get("text") or "")) in ruled_out or id(entity) in homes:
                continue  # "not in Saarbrücken": named, but not the host
            if requested not in ("host_city", "host_country") and isinstance(entity.get("start"), int) \
                    and origin_cued(text, entity["start"]):
                # "an international student from India … a place at KU Leuven": where the student comes
                # from, never the host
                if to_iso(str(value)):
                    facts.setdefault("country_of_origin", to_iso(str(value)))
                continue
            if requested not in ("host_city", "host_country") and isinstance(entity.get("start"), int) \
                    and situations.in_school_clause(text, entity["start"]):
                continue  # "my bac is from a lycée in Esch": where the school diploma was issued (ground 5°)
            if requested == "country_of_origin" and to_iso(str(value)):
                facts["country_of_origin"] = to_iso(str(value))
            else:
                facts.update(_place(str(value)))
    return facts


_NUMBER_UNIT = re.compile(r"(\d+(?:[.,]\d+)?)\s*(heures?|hours?|hrs?|h|ects|crédits?|credits?|jours?|days?|nuits?)\b",
                          re.I)


_WEEKS = re.compile(r"(\d+(?:[.,]\d+)?)\s*(?:semaines?|weeks?|wks?)\b", re.I)


def _dates_in(text: str) -> bool:
    """Whether the text holds a calendar date (then the dates give the stay, not a rounded duration)."""
    return bool(_ISO.search(text) or _DAY_MONTH.search(text) or _MONTH_DAY.search(text) or _APPROX.search(text))


# A semester said as an ordinal word, owned: "mon premier semestre", "in my third semester" ("a second
# semester" is one more, not the second of the programme).
ORDINAL_SEMESTER = re.compile(r"\b(?:mon|ma|my|au|le|en|in|the|during|pendant)\s+(?:tout\s+|très\s+|very\s+)?(premi[eè]re?|first|"
                              r"troisième|third|quatrième|fourth|cinquième|fifth|sixième|sixth)\s+(?:semestre|semester)\b|"
                              # "my second semester", "mon deuxième semestre": owned, the programme's semester 2
                              # ("le second semestre" may be the year's spring term, "a second semester" one more)
                              r"\b(?:mon|my)\s+(second|deuxi[eè]me)\s+(?:semestre|semester)\b", re.I)


def _number_fact(text: str, requested: Optional[str]) -> Dict[str, Any]:
    """Each number with the unit written right after it ("85 days and 30 ECTS")."""
    facts: Dict[str, Any] = {}
    semester = re.search(r"\b(?:semestre|semester|sem\.?)\s*([1-8])\b|\b([1-8])(?:e|er|ère|ème|th|rd|nd|st)?\s+(?:semestre|semester)\b",
                         text, re.I)
    if semester:
        facts["semester"] = int(semester[1] or semester[2])
    ordinal = ORDINAL_SEMESTER.search(text)
    if ordinal and "semester" not in facts:  # "mon tout premier semestre", "in my third semester"
        word = (ordinal[1] or ordinal[2]).casefold().replace("deuxieme", "deuxième")
        facts["semester"] = 1 if word.startswith("premi") else NUMBER_WORDS[word]
    if requested == "exemption_grounds":  # credits earned elsewhere are not the credits enrolled abroad
        return facts
    digits = number_words_as_digits(text)
    for match in _NUMBER_UNIT.finditer(digits):
        for pattern, fact in UNIT_FACTS:
            if pattern.fullmatch(match[2]) and fact not in facts:
                facts[fact] = parse_number(match[1])
    weeks = _WEEKS.search(digits)
    if weeks and "stay_days" not in facts and not _dates_in(text):
        # "after like 6 weeks": a stay said in weeks is that many days (7 each); months are too vague.
        facts["stay_days"] = int(round(float(weeks[1].replace(",", ".")) * 7))
    if not facts and requested in ("course_hours", "ects_enrolled", "stay_days", "semester"):
        number = parse_number(text)
        if number is not None:
            facts[requested] = number
    return facts


@lru_cache(maxsize=1)
def _nationalities() -> Dict[str, str]:
    data = yaml.safe_load((Path(__file__).with_name("data") / "nationalities.yml").read_text(encoding="utf-8"))
    words = {}
    for code, names in data["demonyms"].items():
        for name in names:
            words[name] = str(code)
            words[_unaccented(name)] = str(code)
    return words


def _unaccented(text: str) -> str:
    return "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))


# "je suis portugaise", "I'm Indian", "nationalité : belge", "Brazilian citizen", "passeport français".
NATIONALITY_BEFORE = re.compile(r"(?:je suis|jsuis|j'suis|chui|i'?m|i am|nationalit[ée]s?|nationality|citoyen(?:ne)?|"
                                r"passeport|passport|de nationalit[ée])\W+(?:\w+\W+){0,2}$", re.I)
NATIONALITY_AFTER = re.compile(r"^\W*(?:citizen|national|passport|nationality|citizenship)\b", re.I)


# "born and raised in Luxembourg", "i live in luxembourg permanently", "j'ai toujours vécu au Luxembourg":
# the country the student has always lived in (not where they moved for the studies).
LIFELONG_HOME = re.compile(
    r"(?:born and raised|born and grew up|grew up|always lived|have lived all my life|lived all my life|n[ée]e? et (?:grandie?|"
    r"[ée]lev[ée]e?)|toujours (?:vécu|habité|vecu|habite)|j.ai grandi|grandie? et (?:vis|habite)|live permanently|"
    r"vis depuis toujours|habite depuis toujours)\s+(?:here\s+)?(?:in|au|en|à|a|aux)\s+(?:the\s+)?([^\W\d_][\w'’-]+)"
    r"|(?:live|living|vis|habite)\s+(?:in|au|en|à|a)\s+([^\W\d_][\w'’-]+)\s*,?\s+(?:permanently|for good|depuis toujours|"
    r"en permanence|since (?:i was born|birth)|(?:and |,\s*)?always (?:have|did))", re.I)


HOST_IN_PASSING = re.compile(
    r"\b(?:erasmus\+?|exchange|échange|echange|mobilit[ée]|mobility|semestre|semester|study|studies|étudier|partir|j?pars|"
    r"part|aller|j?vais|go|going|leave|leaving|place|stage|internship|bourse|grant|funding|financement|scholarship)\s+"
    r"(?:\w+\s+)?(?:in|to|at|à|a|au|en|pour|for)\s+"  # "la bourse erasmus pour trier", "a grant for leuven"
    r"((?:the\s+|la\s+|le\s+|les\s+)?[^\W\d_][\w'’-]+(?:[ -](?:sur|am|an|la|le|de)[ -][^\W\d_][\w'’-]+)?)", re.I)


def host_mentions(text: str):
    """Every HOST_IN_PASSING match, overlapping ones included: in "partir en erasmus a nancy", the match
    "partir en erasmus" would otherwise hide "erasmus a nancy", which names the host."""
    position = 0
    while True:
        match = HOST_IN_PASSING.search(text, position)
        if match is None:
            return
        yield match
        position = match.start() + 1


TIME_WORDS = {"spring", "summer", "autumn", "fall", "winter", "printemps", "été", "ete", "automne", "hiver", "january",
              "semester", "semestre", "year", "année", "annee", "term", "trimestre", "the fall", "the spring",
              "the summer", "the winter", "the autumn", "person", "personne", "ligne", "online", "english", "french",
              "anglais", "français", "francais", "general", "général", "total", "advance", "avance"}


def named_place(words: str) -> Optional[str]:
    """A country, or a town of TOWN_IN_PASSING inhabitants, by any of its names ("ghent", "la rochelle",
    "the netherlands"), for words the sentence already places as the destination."""
    from rules_core.gazetteer import gazetteer

    for candidate in (words, re.sub(r"^(?:the|la|le|les)\s+", "", words, flags=re.I)):
        key = candidate.casefold()
        if len(key) <= 3 or key in STOP_PLACES or key in NOT_TOWNS or key in TIME_WORDS or key in MONTHS:
            continue
        if to_iso(candidate):
            return candidate
        places = gazetteer().lookup(candidate)
        if places and places[0].population >= TOWN_IN_PASSING:
            return candidate
    # "erasmus a strasbourgh", "exchange in heidelbeg": a typo of a town, where the sentence puts the host
    # (one long word: a short one is too often another word a letter away)
    word = words.strip()
    if " " not in word and len(word) >= FUZZY_IN_PASSING_LENGTH \
            and word.casefold() not in TIME_WORDS | MONTHS.keys() | NEAR_TOWN_WORDS:
        town = fuzzy_town(word)
        places = gazetteer().lookup(town) if town else []
        # a large town only: "stage en entreprise" is no typo of Enterprise (Alabama)
        return town if places and places[0].population >= FUZZY_IN_PASSING_POPULATION else None
    return None


FUZZY_IN_PASSING_LENGTH = 6
# Words students write where a host goes that are a letter away from a large town (Enterprise, Nevada).
NEAR_TOWN_WORDS = {"entreprise", "enterprise"}
FUZZY_IN_PASSING_POPULATION = 100_000


def fold_word(word: str) -> str:
    from rules_core.normalize import fold

    return fold(word)


def lifelong_home(text: str) -> Optional[str]:
    """The ISO code of the country the student says they have always lived in, if they say so."""
    from rules_core.gazetteer import gazetteer

    for match in LIFELONG_HOME.finditer(text or ""):
        place = match[1] or match[2]
        code = to_iso(place)
        if code is None and len(place) > 3:
            towns = gazetteer().lookup(place)
            code = towns[0].country if towns and towns[0].population >= TOWN_IN_PASSING else None
        if code:
            return code
    return None


def nationality(text: str, requested: Optional[str]) -> Optional[str]:
    """The ISO code of the nationality the message states, if it states one."""
    words = _nationalities()
    folded = (text or "").casefold()
    bare = requested in ("country_of_origin", "eu_national")
    for match in re.finditer(r"[^\W\d_]+(?:-[^\W\d_]+)?(?: verdean)?", folded):
        code = words.get(match[0]) or words.get(_unaccented(match[0]))
        if code is None:
            continue
        if bare or NATIONALITY_BEFORE.search(folded[:match.start()]) or NATIONALITY_AFTER.search(folded[match.end():]):
            return code
    return None


# Situations stated in everyday words, in any message (stricter than the answers to the pending
# question above: here nothing was asked, so only a clear statement counts).
STATED_STATUSES = {
    SpecialStatus.part_time: r"(?:inscrite?|enrolled|étudiante?|student|studying|j'étudie|i study)\s+(?:à\s+|as\s+a\s+)?"
                             r"(?:temps partiel|part[- ]time)|(?:temps partiel|part[- ]time)\s+(?:student|étudiant|enrol|"
                             r"inscription|law|bachelor|programme|studies)",
    SpecialStatus.double_enrolment: r"(?:inscrite?s?|enrolled|enroll?ed|je suis|i.?m|i am)\s+(?:en|in|dans)\s+(?:2|deux|two)\s+"
                                    r"(?:bachelors?|licences?|programmes?|programs?|formations?)|(?:2|deux|two)\s+bachelors?\s+"
                                    r"(?:en m[eê]me temps|at (?:the same time|once))|double (?:inscription|enrol\w*)|"
                                    # "doing 2 bachelors at uni", "je fais deux licences"
                                    r"\b(?:doing|taking|studying|following|do|study|fais|suis|suivre|suis inscrite? dans)\s+(?:2|deux|two)\s+"
                                    r"(?:bachelors|licences|programmes|programs|formations)\b|"
                                    # "inscrit en même temps en bachelor de maths et en bachelor de physique",
                                    # "enrolled in the bachelor in law and the bachelor in history at once"
                                    r"(?:inscrite?s?|enrolled|en m[eê]me temps|at the same time|[àa] la fois|both)\b[^.?!]{0,30}"
                                    r"\b(?:bachelor|licence)\b[^.?!]{0,40}\b(?:et|and)\s+(?:en\s+|in\s+|(?:un|une|a|the)\s+)?"
                                    r"(?:bachelor|licence)\b",
    SpecialStatus.programme_change_validated_mobility:
        r"\b(?:chang\w*|switch\w*|r[ée]orient\w*|transf[ée]r\w*)\b.{0,40}(?:bachelor|programme|program|formation|fili[eè]re|licence)"
        r".{0,200}valid|valid\w*.{0,80}\b(?:chang\w*|switch\w*|r[ée]orient\w*)\b.{0,30}(?:bachelor|programme|program|"
        r"formation|fili[eè]re|licence)",
    # "switched from bachelor econ to bachelor law, did erasmus in vienna during econ": validation not said
    SpecialStatus.programme_change_after_mobility:
        r"\b(?:chang\w*|switch\w*|r[ée]orient\w*|transf[ée]r\w*)\b.{0,40}(?:bachelor|programme|program|formation|fili[eè]re|licence)"
        r".{0,200}\b(?:did|done|had|fait|after|apr[eè]s|during|pendant)\b.{0,30}\b(?:erasmus|exchange|mobilit\w*|[ée]change|"
        r"semester abroad|semestre [àa] l.[ée]tranger|semest\w+ (?:in|at|à|a|en) [A-Z])"
        r"|\b(?:did|done|had|fait|after|apr[eè]s)\b.{0,30}\b(?:erasmus|exchange|mobilit\w*|[ée]change)\b.{0,120}"
        r"\b(?:chang\w*|switch\w*|r[ée]orient\w*|transf[ée]r\w*)\b.{0,40}(?:bachelor|programme|program|formation|fili[eè]re|licence)",
    SpecialStatus.employment_programme: r"en cours d.emploi|alongside (?:my )?(?:job|employment)|(?:while|whilst) working full[- ]time",
    # "j'ai eu mon bachelor à l'uni.lu et je commence un 2e bachelor", "graduated from uni.lu, now a second bachelor"
    SpecialStatus.ul_bachelor_obtained:
        r"(?=.*\b(?:(?:2e|2[eè]me|2nd|deuxi[eè]me|second|seconde?|new|nouveau|nouvelle|another|autre)\s+(?:bachelor|licence|bsc)(?!\s+(?:year|ann[ée]e|student|semester|semestre))"
        r"|recommenc\w*\s+(?:un|une|a)\s+(?:autre\s+|2e\s+|deuxi[eè]me\s+)?(?:bachelor|licence))\b)"
        r"(?=.*(?:\b(?:finie?|termin[ée]e?|obtenue?|eu mon|r[ée]ussi|dipl[ôo]m[ée]e?|graduated|finished|completed|obtained|earned|got my|"
        r"already (?:have|hold|got)|d[ée]j[àa] (?:un|mon|eu|obtenu|fini))\b.{0,60}(?:uni\.?lu|(?-i:\bUL\b)|university of luxembourg|universit[ée] du luxembourg)"
        r"|(?:uni\.?lu|(?-i:\bUL\b)|university of luxembourg|universit[ée] du luxembourg).{0,60}\b(?:finie?|termin[ée]e?|obtenue?|"
        r"dipl[ôo]m[ée]e?|graduated|finished|completed)\b))",
}
STATED_GROUNDS = {
    ExemptionGround.illness_or_disability: r"malad\w* chronique|chronic (?:illness|disease|condition)|dialys[ei]|dialyse|handicap\w*|"
                                           r"disabilit\w*|disabled|wheelchair|fauteuil roulant|chimio|chemo|cancer|"
                                           r"diab[eè]t\w*|[ée]pilep\w*|sclérose|sclerosis|kidney (?:failure|disease)|"
                                           r"insuffisance (?:r[ée]nale|cardiaque|respiratoire)|greff[ée]e?\b|transplant|"
                                           r"mucoviscidose|cystic fibrosis|crohn|leuc[ée]mie|leuk[ae]emia|lupus|\bvih\b|\bhiv\b|"
                                           r"immunod[ée]prim|immunocompromised|bipolai?r|schizo|paralys|paraly[sz]ed|"
                                           r"malvoyant|aveugle|\bblind\b|visually impaired|\bsourde?\b|\bdeaf\b|"
                                           r"(?:medical|specific|regular|weekly|ongoing|heavy|long[- ]term) treatment|"
                                           r"under (?:medical )?treatment|(?:sous|en) traitement|traitement (?:m[ée]dical|"
                                           r"lourd|r[ée]gulier|sp[ée]cifique|hebdomadaire|à l.h[ôo]pital)|"
                                           # a pregnancy is a health situation, which the notes send to staff (ground 3°
                                           # or Art. 2(3)); the notes do not make it a family obligation (ground 4°)
                                           r"enceinte|pregnant|grossesse|pregnancy",
    ExemptionGround.family_obligations: r"(?:mes|my|des|2|deux|two|trois|three|un|une|a)\s+(?:jeunes? )?(?:enfants?|kids?|"
                                        r"children|child|bébé|baby)\b|(?:je m.occupe|i care for|caring for|"
                                        r"i look after|aidante?).{0,30}(?:parent|mère|père|mother|father|mum|dad|grand)|"
                                        r"(?:maman|papa|m[èe]re|p[èe]re|mum|mom|dad|mother|father)\s+(?:de|d.|of)\s+(?:\w+\s+)?"
                                        r"(?:\d|deux|trois|two|three|a|an|my)\b|single (?:mum|mom|mother|dad|father|parent)|"
                                        r"m[èe]re c[ée]libataire|p[èe]re c[ée]libataire|parent (?:isol[ée]|seul)",
}
SCHOOL_DIPLOMA = situations.SCHOOL_DIPLOMA  # the secondary-school diploma named, for ground 5°


REFUSED_PLACE = re.compile(
    r"\b(?:declined|refused|cancell?ed|turned down|gave up|withdrew from)\s+(?:my|the|a|an)?\s*(?:[\w+]+\s+){0,3}place\b"
    r"|\bj.?\s?ai\s+(?:(?:jamais|pas|rien)\s+)?(?:refus[ée]|annul[ée]|d[ée]clin[ée]|renonc[ée] [àa])\s+"
    r"(?:ma|la|de|une|aucune)?\s*(?:[\w+]+\s+){0,3}(?:place|mobilit[ée])\b", re.I)
# "i never refused any place", "j'ai jamais refusé de place": the refusal is denied, which answers it too.
REFUSAL_DENIED = re.compile(r"\b(?:never|not|didn.?t|haven.?t|jamais|pas|aucune?)\b[^.;!?]{0,12}$", re.I)

# A stay already cut short, told in the past: "came back 20 nov bc i hated it", "rentré au bout de 6 semaines".
CAME_BACK_EARLY = (r"(?:\b(?:came|flew|went|got)\s+(?:back|home)|\breturned\b|\b(?:je suis |suis |j.suis )?rentr[ée]e?s?\b|"
                   r"\b(?:je suis |suis )?revenue?s?\b|\bi (?:left|quit)\b|\bj.ai (?:tout )?(?:quitt[ée]|arr[êe]t[ée]|"
                   r"abandonn[ée]|interrompu)|\b(?:abandoned|interrupted|cut (?:it|my \w+) short))")
# Whether one must go once more: "do i have to go again??", "faut-il que je reparte ?", "je dois refaire un semestre ?"
MUST_GO_AGAIN = (r"(?:\b(?:have|need|required|obliged|got)\s+to|\bmust|\bfaut(?:-il)?|\bdois[- ]je|\bje dois|\bjdois|"
                 r"\boblig[ée]e?\s+de)\s+(?:(?:i|que je|qu.on|encore|vraiment|really|still|then|now)\s+)*"
                 r"(?:(?:go|leave|study)\b[^.?!]{0,25}\bagain|re-?do|do (?:it|one|another|a new one|the (?:whole )?"
                 r"(?:thing|mobility|semester|exchange)) (?:again|over)|do (?:another|a new) (?:one|mobility|semester|exchange)|"
                 r"refaire|refasse|repartir|reparte|recommencer|recommence)")
INTERRUPTED_GO_AGAIN = rf"(?=[\s\S]*{CAME_BACK_EARLY})(?=[\s\S]*{MUST_GO_AGAIN})"
MAY_GO_AGAIN = r"\b(?:can|could|may|allowed|peux|pourrai\w*|puis|autoris\w*)\b"  # whether one may: Art. 28's count

# The question the student asks, when words say it more surely than the classifier: (the classifier's
# intents it corrects, the question, the words that ask it, words that keep the classifier's choice).
# "does it count as a second mobility?", "ça compte pas comme une 2e mobilité hein ?": the number of mobilities asked
COUNTS_AS_ANOTHER = (r"(?:count|compte)\w*\s+(?:pas\s+|not\s+|plus\s+)?(?:as|comme|pour)\s+(?:a |an |my |une |ma )?"
                     r"(?:2e|2nd|second|deuxi[eè]me|seconde|another|autre|new|nouvelle|extra)")
QUESTION_CUES = [
    # "i was in porto from 5 sept, came back 20 nov bc i hated it. do i have to go again?": a stay cut short,
    # then whether to go once more, is Art. 19(1)'s new departure, not the obligation nor the number of mobilities
    ({"ask_obligation", "ask_mobility_count"}, "ask_interruption", INTERRUPTED_GO_AGAIN, MAY_GO_AGAIN),
    # "my 60 ECTS from Porto, do they count so I don't have to go abroad?": credits from before, asked as a
    # way out of the obligation, are the exemption's ground 2° (Art. 2(1)), not a stay's validation
    ({"ask_validation", "ask_credit_conversion"}, "ask_exemption",
     r"\b(?:so|so that|then|and)\s+i\s+(?:do(?:n.?t| not)|would(?:n.?t| not)|won.?t|no longer)\s+(?:have|need)\s+to\s+"
     r"(?:go|leave|study|do (?:the|a|my|any) (?:mobility|semester|exchange))|"
     r"\b(?:pour|afin de|comme [çc]a|et)\s+(?:je\s+)?(?:ne\s+|n.)?(?:pas|plus|aie pas|ai pas|ai plus)\s*(?:avoir [àa]|devoir|"
     r"besoin de|à)\s+partir", r"^$"),
    ({"ask_credit_conversion", "ask_extension"}, "ask_validation",
     r"valid[ée]e?s?\b|validated|be valid\b|reconnue?s?\b|recogni[sz]ed|(?:compte|comptera|count|counts|counted)\s+"
     r"(?:pour|comme|as|for|toward)|ça passe|still count|is it enough|suffi(?:t|sant)|enough for the mobility",
     r"convert|conver(?:sion|tir)|combien d.ects (?:vaut|valent|ça fait)|how many ects (?:is|are|does)|[ée]quivalen|"
     r"\bhours?\b|\bheures?\b|\bunits?\b|prolong|extend|second semester|deuxième semestre"),
    ({"ask_obligation"}, "ask_exemption",
     r"dispens|exempt|waiver|(?:might|may|could) not (?:need|have) to|"
     r"ask for (?:it|one|an exemption)|comment (?:la |le )?demander|how (?:do|can) i (?:ask|apply|request)", r"^$"),
    # "heard non-EU students don't have to go, true for me?": whether being let off applies to them; but "un pote
    # m'a dit qu'on a pas besoin de partir, je suis obligé ou pas ?" asks the obligation itself, answered yes or no
    ({"ask_obligation"}, "ask_exemption",
     r"pas (?:besoin|oblig[ée]e?s?) de (?:partir|faire|aller)|n.ont pas [àa] partir|\b(?:don.?t|dont|do not|doesn.?t|"
     r"does not|aren.?t|are not|not|no need)\s+(?:have|need|required|obliged|to)\s+(?:to\s+)?(?:go|do|leave|study)\b",
     r"\b(?:je suis|jsuis|j.suis|suis[- ]je|am i|are we)\s+(?!pas\b|not\b|plus\b)(?:(?:vraiment|really|still|toujours|"
     r"quand m[eê]me|moi)\s+)?oblig[ée]e?s?\s+(?:de|d.|to)|\b(?:do|must|should)\s+i\s+(?:(?:really|still|then|also)\s+)?"
     r"(?:have to |need to )?(?:go|leave|do)\b|\bdois[- ]je\b|\b(?:je|j)\s?dois\s+(?:\w+\s+)?(?:partir|faire|aller)|"
     r"\bfaut[- ]il que je\b"),
    # "si ça me plaît je peux rester aussi au S4 ? ça compte pas comme une 2e mobilité hein ?": asked whether they
    # may stay on, the extension's own answer (Art. 17) says too that it is no extra mobility (Art. 28(3))
    ({"ask_departure_semester", "ask_mobility_count", "ask_validation"}, "ask_extension", EXTENSION_ASKED, r"^$"),
    ({"ask_validation"}, "ask_mobility_count", COUNTS_AS_ANOTHER, r"^$"),
    # "j'ai fait un semestre à Uppsala, je pourrais repartir au S3 ?", "could I go abroad again in S5?": whether one
    # MAY leave once more is the number of mobilities (whether one MUST is the obligation, below)
    ({"ask_departure_semester"}, "ask_mobility_count",
     r"\brepartir\b|\b(?:go|leave|study)\s+(?:abroad\s+|on (?:an )?exchange\s+)?again\b",
     r"\bfaut|\bdoi[st]\b|\bdois-je|\bmust\b|\b(?:have|has|need|needs|required|obliged) to\b|oblig|prolong|extend"),
    ({"ask_departure_semester", "ask_extension"}, "ask_mobility_count",
     r"one more (?:exchange|mobility|semester)|another (?:exchange|mobility|erasmus)|(?:a |my )?second (?:exchange|mobility)|"
     r"(?:une )?(?:deuxième|2e|seconde) mobilit|encore une mobilit|refaire une? (?:mobilit|[ée]change|erasmus)|"
     r"repartir une (?:deuxième|2e) fois|count(?:s|ed)? as (?:a |my )?(?:second|2nd|another)|compte comme (?:une )?(?:2e|deuxième|seconde)|"
     # "j'en ai fait un au S2, je peux en refaire un au S4 ?", "can I do another one?": a mobility again
     r"\ben (?:re-?faire|refaire|faire encore|faire une? (?:autre|deuxi[eè]me|2e|seconde?))\b|"
     r"\b(?:another|a second|a 2nd) one\b|\bencore une? (?:fois|mobilit|s[ée]jour|semestre|[ée]change|erasmus)",
     r"^$"),
    # "2nd bachelor now, faut refaire une mobilité ?": whether one MUST go again is the obligation (Art. 24, 25);
    # whether one MAY go again is the number of mobilities (Art. 28)
    ({"ask_mobility_count"}, "ask_obligation",
     r"(?:\bfaut(?:-il)?|\bdois[- ]je|\bje dois|\bje devrai[s]?|\boblig[ée]e? de|\b(?:have|need|required|obliged) to|\bmust)\s+"
     r"(?:(?:que je |qu.on |i |encore |quand m[eê]me |vraiment |really |still |then )\s*)*"
     r"(?:refaire|refasse|repartir|reparte|re-?do|redo|go (?:abroad |on exchange )?again|do (?:it|one|the mobility) again|"
     r"(?:do|make) (?:another|a second|a 2nd|one more)|faire une? (?:autre|deuxi[eè]me|2e|seconde?|nouvelle) (?:mobilit|"
     r"s[ée]jour|semestre|[ée]change))", r"\b(?:can|could|may|peux|pourrai\w*|puis)\b"),
    # "can i do my mobility in S5?": a semester asked about is when to go (Art. 1(2)), not the number of
    # mobilities, unless the words ask how many times ("another one in S5?")
    ({"ask_mobility_count"}, "ask_departure_semester",
     r"\b(?:in|during|en|au|pendant|for)\s+(?:the\s+|mon\s+|my\s+|le\s+)?(?:s\s?[1-8]|sem\s?[1-8]|semest(?:er|re)\s?[1-8]|"
     r"[1-8](?:st|nd|rd|th|e|è|ème|eme)\s+semest\w*)\b",
     r"\bagain\b|repart|re-?faire|another|autre|second|2nd|\b2e\b|deuxi|twice|\bdeux\b|\btwo\b|\b2\b|how many|combien|"
     r"encore|already|d[ée]j[àa]|one more|j.ai fait|i did|i went|count|compte|\bonly one\b|une seule|plusieurs|more than one"),
    ({"ask_extension"}, "ask_funding", ADDED_SEMESTER_FUNDED, NOT_FUNDING),
    ({"ask_extension"}, "ask_fees", r"\bpa(?:y|ie|yer)\b|frais|fees|tuition|minerval|inscription", r"^$"),
    # "I refused my place, can I still get a grant?" is the grant's question; "what happens if I cancel? could I
    # still go free mover with a grant?" asks the cancellation's consequences, the grant among them (Art. 18)
    ({"ask_cancellation"}, "ask_funding", r"bourse|grant|fonds|funding|financ|money|argent",
     r"what happens|what would happen|qu.est[- ]ce qu.il (?:se passe|arrive)|qu.est[- ]ce qui (?:se passe|arrive)|"
     r"que se passe|\bsi (?:j.annule|je (?:refuse|renonce|d[ée]cline|me d[ée]siste|annule|laisse tomber))|"
     r"\bif i (?:cancel|refuse|decline|withdraw|turn (?:it |the place |my place )?down|give (?:it |the place |my place )?up|drop)"),
    ({"ask_learning_agreement", "ask_application"}, "ask_deadlines",
     r"(?:my|mes|all|toutes? les|quelles sont les|what are (?:the|my)) (?:deadlines|dates limites|échéances|dates)|"
     r"(?:list|liste[rz]?|give me|donne[rz]?[- ]moi|énumère[rz]?)\b.{0,20}\b(?:deadlines|dates limites|échéances)|"
     r"date limite.{0,40}candidat|deadline.{0,30}(?:to|for) appl|application deadline", r"^$"),
    # "I quit and came home, is it still valid?": an interrupted stay is Art. 19's question, not Art. 20's.
    ({"ask_validation"}, "ask_interruption",
     r"\b(?:i quit|quit my|abandon\w*|interromp\w*|interrupt\w*|stopped my (?:exchange|erasmus|mobility)|"
     r"came (?:home|back) (?:early|after)|(?:je suis |suis )?rentr[ée]e? (?:plus tôt|avant la fin|au bout)|"
     r"j.ai (?:tout )?arr[êe]t[ée]|"
     # "do I need to go again another semester?", "faut-il que je reparte ?": Art. 19's new departure
     r"\b(?:go|leave|study|do it|do (?:the|a|my) (?:mobility|exchange|semester))\s+(?:abroad\s+)?again\b|\bredo\b|"
     r"\b(?:another|one more|a new) (?:semester|mobility|exchange)\b|\brepart\w*|\brefaire\b|un autre semestre|"
     r"(?:left|quit) (?:my )?(?:erasmus|exchange|mobility|semester)|quitté (?:mon|ma) (?:erasmus|échange|mobilit))", r"^$"),
    # "my very first semester of the master in Montréal": when to leave, not an extension.
    ({"ask_extension"}, "ask_departure_semester",
     r"(?:premier|1er|first|1st)\s+semest|\bsemestre 1\b|\bsemester 1\b|\bS1\b",
     r"prolong|extend|rester plus|stay longer|(?:second|deuxième|2e|2nd) semest"),
    # "can the grade deadline be pushed back so I graduate in July?": Art. 1(2)'s grade deadline.
    ({"ask_departure_semester", "ask_extension", "ask_validation", "ask_credit_conversion", "ask_interruption"},
     "ask_deadlines", r"(?:deadline|d[ée]lai|date limite)\b.{0,60}\b(?:notes|grades|marks|transcripts?|r[ée]sultats|relev[ée])"
     r"|(?:notes|grades|marks|transcripts?|relev[ée])\b.{0,60}\b(?:deadline|d[ée]lai|date limite|en retard|late)", r"^$"),
]

# Questions that a few words name unmistakably, whatever the classifier heard (it may fall back on a
# long follow-up): the question, and what exactly is asked of it (ASPECT_CUES).
NAMED_QUESTIONS = [
    ("ask_deadlines", QUESTION_CUES[-1][2]),
    ("ask_language_test", r"\bols\b.{0,80}(?:remplac|replace|instead of|in place of|à la place|au lieu d|stand for|serve as|"
                          r"count as|compte comme|suffi|enough|"
                          r"use (?:it|my)|utiliser)|(?:remplac|replace|instead of|à la place).{0,80}\bols\b|"
                          # "can i just send them my OLS result?", "ils acceptent mon score OLS ?": the OLS offered to the host
                          r"(?:use|utiliser|présenter|send|envoyer|submit|soumettre|give|donner|show|montrer|provide|fournir|"
                          r"upload|accept\w*)\s+(?:(?:them|it|her|him|lui|leur|leurs|just|simply|juste|simplement|only)\s+){0,2}"
                          r"(?:my |mon |le |ce |the |mes |their |leur )?(?:test |(?:résultats?|score|niveau) (?:du |de l.|au )?)?ols\b"),
    ("ask_application", r"(?:l.uni\w*|\bul\b|universit[ée]|university|\bthey|\bils)\s+(?:[\w.]+\s+){0,3}(?:peu[tv]\w*|can|could|"
                        r"pourrai\w*|may|might|will|va|vont)\s+(?:\w+\s+){0,2}(?:annul|cancel|retir|withdraw)\w*\s+"
                        r"(?:ma |my |la |the |mon )?(?:candidature|application|nomination|place)"),
    ("ask_exemption", r"\b(?:exempt\w*|dispens\w*|waiver)\b|"
                      # "can i skip the erasmus thing?", "je peux zapper la mobilité ?": to be let off the obligation
                      r"\b(?:skip\w*|get out of|zapp\w*|sauter|[ée]viter|[ée]chapper [àa])\s+(?:the\s+|my\s+|this\s+|that\s+|la\s+|"
                      r"ma\s+|cette\s+|l.\s?)?(?:whole\s+)?(?:erasmus|mobility|mobilit[ée]|exchange|semester abroad|study abroad|"
                      r"semestre [àa] l.[ée]tranger|going abroad)\b|(?:ects|crédits?|credits?)\b.{0,100}(?:don.?t (?:have|need) to|"
                      r"do not (?:have|need) to|pas besoin de|plus besoin de|ne (?:dois|doit) (?:plus|pas)|skip)"),
    ("ask_interruption", rf"^(?![\s\S]*{MAY_GO_AGAIN}){INTERRUPTED_GO_AGAIN}"),
    ("ask_obligation", r"(?:faut(?:-il)?|dois[- ]je|je dois|obligatoire de|oblig[ée]e? de)(?:\s+(?:quand|même|vraiment|"
                       r"forcément|absolument|toujours|encore|obligatoirement))*\s+(?:que je |qu.on )?(?:parte|partir|"
                       r"aller [àa] l.?[ée]tranger|faire (?:un|une|le|la|mon|ma) (?:semestre|mobilit|séjour))|"
                       r"(?:have to|need to|must|required to|obliged to)\s+(?:go|study|spend (?:a|one) semester|do (?:the|a|my) "
                       r"(?:study )?(?:semester|mobility|exchange)) abroad|(?:is|are) (?:going abroad|the mobility|mobility|"
                       r"a semester abroad|the semester abroad) (?:compulsory|mandatory|obligatory|required)"),
]


def named_question(text: str) -> Optional[str]:
    """The question a message names unmistakably (NAMED_QUESTIONS), or None."""
    from actions.named_questions import about_others, extra_named_question

    if about_others(text):  # "is it compulsory for their own students too?": another university's rule
        return None
    named = next((question for question, cue in NAMED_QUESTIONS if re.search(cue, text or "", re.I)), None) \
        or extra_named_question(text) \
        or obligation_situation_question(None, text) \
        or ("ask_exemption" if cannot_go_for_a_ground(text) else None)  # "on dialysis, I can't go: what do I do?"
    # "someone said I might not need to go abroad, how do I ask for it?": the neighbouring question its words ask
    return refine_question(named, text) if named else None


_GO_TWICE = (r"(?:partir|parte|pars|aller|go|leave|do (?:it|the mobility|a mobility))\b.{0,30}(?:(?:2|deux|two)\s+fois|"
             r"(?:2|two)\s+times)|"
             r"(?:deux|2|two) (?:mobilit[ée]s|mobilities)|\btwice\b|(?:two|2) (?:exchanges|semesters abroad)")
# What exactly the student asks of a question (rules_core.decision.ASPECTS), in their words.
ASPECT_CUES = {
    "change_alone": r"(?:modif|chang|drop|retir|enlev|remplac|swap|\badd\b|ajout)\w*\b.{0,90}(?:(?:by|on) (?:my|him|her)"
                    r"sel[fv]|\bmy ?self\b|on my own|moi[- ]?m[eê]me|\bseule?\b|tout seul|sans (?:demander|l.accord|rien demander|"
                    r"prévenir|passer par)|without (?:asking|telling|approval|anyone.s approval|going through)|unilateral)|"
                    # "the prof there said it's ok, can I just swap it?": a change on one party's word only
                    r"(?:prof\w*|teacher|lecturer|enseignant|coordinat\w*)\b[^.?!]{0,60}(?:said|says|told me|agreed|ok|fine|"
                    r"d.accord|dit que)[^?]{0,80}(?:modif|chang|drop|retir|enlev|remplac|swap|ajout)|"
                    r"(?:modif|chang|drop|retir|enlev|remplac|swap|ajout)\w*\b[^?]{0,80}(?:prof\w*|teacher|lecturer|"
                    r"enseignant)\b[^.?!]{0,40}(?:said|says|told me|agreed|(?:is|it.?s|its) (?:ok|fine)|d.accord|dit que|"
                    r"est ok|ça va)",
    "leave_silently": r"without telling|sans (?:prévenir|rien dire|le dire|dire)|just not (?:go|turn up|show up)|"
                      r"simplement ne pas (?:y )?aller|pas y aller sans|ghost",
    "next_year": r"next (?:academic )?year|the year after|following year|l.année (?:prochaine|suivante|d.après)|"
                 r"année (?:académique )?(?:prochaine|suivante)|l.an prochain",
    "nomination_is_acceptance": r"(?:means?|mean that|veut dire que|signifie que|donc)\b.{0,40}(?:accepted|accepté|admis|"
                                r"admitted|définitivement|c.est bon)|am i (?:already )?accepted|suis[- ]je (?:déjà )?accepté",
    "ects_minimum": r"(?:how many|combien d.?)\s*(?:ects|crédits?|credits?)\b.{0,40}(?:minimum|at least|au moins|min\b|required|"
                    r"requis|need|faut)|(?:minimum|min\.?|at least|au moins)\s+(?:of\s+|d.?\s*)?(?:ects|crédits?|credits?)|"
                    r"(?:ects|crédits?|credits?)\s+minimum",
    # "my LA for Porto only has 24 ECTS, is that ok?", "mon contrat d'études fait 27 crédits": the total it lists,
    # held against the minimum (a course's own credits, "drop a 6 ECTS course", are no total)
    "ects_listed": r"(?:learning[- ]agreement|\bLA\b|contrat d.[ée]tudes?)\b[^?.!]{0,40}?\b(?:has|have|is|lists?|contains?|"
                   r"totals?|fait|fera|a|contient|compte|liste|totalise|only|just|que|seulement|juste)\s+(?:only\s+|just\s+|que\s+|"
                   r"seulement\s+|juste\s+)?\d{1,3}(?:[.,]5)?\s*(?:ects|crédits?|credits?)\b|"
                   r"\b(?:only|just|seulement|juste|que|total of|au total)\s+(?:(?:have|has|got)\s+)?\d{1,3}(?:[.,]5)?\s*(?:ects|crédits?|credits?)\b"
                   r"[^?.!]{0,40}?(?:learning[- ]agreement|\bLA\b|contrat d.[ée]tudes?)",
    # "must my LA have 30 ECTS?", "faut-il 30 crédits dans le LA ?": whether the Bachelor's 30 apply (a yes or a no)
    "ects_thirty_required": r"(?:\bneed|\bha(?:ve|s) to\b|\bmust|\bshould|\brequir|\bmandatory|\bobligatory|\bcompulsory|\bfaut|"
                            r"\bdoi[st]\b|\bdoivent|obligatoire|oblig[ée]|exig|n[ée]cessaire|besoin)[^?.!]{0,45}?"
                            r"\b(?:30|thirty|trente)\s*(?:ects|crédits?|credits?|cr[ée]dits?)\b|"
                            r"\b(?:30|thirty|trente)\s*(?:ects|crédits?|credits?)\s+(?:(?:is|are|sont|est)\s+)?(?:mandatory|"
                            r"required|obligatory|compulsory|needed|necessary|obligatoires?|exig[ée]s|requis|n[ée]cessaires|minimum)|"
                            # "is there a min 30 ects for us too?", "un minimum de 30 crédits ?"
                            r"\b(?:min(?:imum)?\.?|at least|au moins)\s+(?:of\s+|de\s+|d.)?(?:30|thirty|trente)\s*"
                            r"(?:ects|crédits?|credits?|cr[ée]dits?)\b",
    # "does it still count?", "ça compte qd même ?": whether the stay counts, not whether to go again
    "still_valid": r"(?:still|encore|toujours)\s+(?:be\s+|être\s+)?(?:valid|validée?|count|compte|reconnue?)|"
                   r"\b(?:ça|ca|cela|it|this|that|elle|(?:my|ma|mon) (?:mobilit[ée]|mobility|semest\w+|stay|séjour|exchange|"
                   r"erasmus))\s+(?:will\s+|would\s+|va\s+)?(?:still\s+|encore\s+|anyway\s+|quand m[êe]me\s+|qd m[êe]me\s+)?"
                   r"(?:compte|comptera|count|counts|compter)\b(?!\s+(?:pas\s+|not\s+|plus\s+)?(?:as|comme|pour)\s+(?:a |an |my |une |ma )?(?:2e|2nd|"
                   r"second|deuxième|seconde|another|autre|new|nouvelle|extra))|"
                   r"(?:is|est)[- ](?:it|elle|ma mobilit[ée]|my (?:mobility|semester|exchange))\s+(?:still\s+)?(?:valid|validée?)",
    "counts_as_another": COUNTS_AS_ANOTHER,
    # "and if my prof there and my director both sign it?", "même si tout le monde signe ?": signatures
    # offered against the limit
    "signed_by_all": r"\b(?:both|all(?: three| of them)?|every(?:one|body)|the (?:two|three) of them|tous (?:les )?(?:deux|trois)|"
                     r"toutes? (?:les )?(?:deux|trois)|les (?:deux|trois)|tout le monde)\b[^.?!]{0,30}\bsign\w*|"
                     r"\bsign\w*\b[^.?!]{0,30}\b(?:both|all three|by all|by everyone|tous les (?:deux|trois)|"
                     r"par tout le monde|par les (?:deux|trois)|par tous)\b|"
                     r"\b(?:prof\w*|director|directeur|directrice|coordinat\w*|host|accueil|uni\w*)\b[^.?!]{0,60}"
                     r"\b(?:and|et)\b[^.?!]{0,60}\bsign(?:s|e|ent|ed|ent|aient|ait|er)?\b|"
                     r"\bwith (?:all|both|every)\b[^.?!]{0,20}\bsignatures?\b|\bavec (?:toutes )?(?:les|leurs) (?:deux |trois )?signatures\b",
    "who_signs": r"qui (?:doit |va )?sign|who (?:has to |must |needs to |will |should )?signs?\b|signed by whom|"
                 r"signatures? (?:of|du|de)",
    "go_twice": _GO_TWICE,
    # "2 exchanges during my master, one each year?", "une 2e mobilité en M2 ?": more than one mobility asked for
    "several_mobilities": _GO_TWICE + r"|\b(?:a|an|une?|my|ma)\s+(?:2e|2nd|second|deuxi[eè]me|seconde?|other|autre)\s+"
                          r"(?:mobilit\w*|exchange|[ée]change|s[ée]jour|erasmus|semester abroad|semestre [àa] l.[ée]tranger)|"
                          r"\banother (?:mobility|exchange|erasmus|semester abroad)|\bone (?:each|every|per) year\b|"
                          r"\bune? (?:par|chaque) ann[ée]e\b",
    # "la bourse c'est l'uni qui la verse ou l'epfl ?", "who pays the grant?": who pays or manages it
    "who_pays": r"\b(?:qui|who|which (?:uni\w*|one|institution))\b[^.?!]{0,40}\b(?:la |le |l.|it |me |m.)?(?:verse|versent|"
                r"paie|paye|pays|finance|g[èe]re|manages?)\b|\b(?:pay[ée]e?|vers[ée]e|financ[ée]e?|g[ée]r[ée]e?) par qui\b|"
                r"\bpaid (?:out )?by whom\b|\bwho (?:is )?(?:paying|funding|managing)\b|"
                # "paid by uni.lu or by zurich?", "versée par l'uni ou par l'epfl ?": one of two payers
                r"\b(?:paid|funded|financed|managed|vers[ée]e|pay[ée]e|financ[ée]e|g[ée]r[ée]e)\s+(?:out\s+)?(?:by|par)\s+"
                r"[^?!]{1,30}?\s(?:or|ou)\s+(?:by\s+|par\s+)?\w",
    # "does uni.lu pay my grant?", "uni.lu la verse ?", "is it paid by the university?": whether the home
    # university pays it (a yes or a no)
    "ul_pays": r"\b(?:does|do|will|would|is|can)\s+(?:uni\.?lu|(?:the\s+)?(?-i:UL)|the (?:uni|university)(?: of luxembourg)?|luxembourg|"
               r"my (?:home )?uni(?:versity)?)\s+(?:still\s+|also\s+|then\s+)?(?:pay|fund|finance|give|cover|provide)(?:ing)?\b|"
               r"\b(?:paid|funded|financed|given|managed)\s+(?:out\s+)?by\s+(?:uni\.?lu|(?-i:UL)\b|the (?:uni|university)\b|"
               r"luxembourg|my (?:home )?uni)|"
               r"(?:uni\.?lu|l.?(?-i:UL)\b|l.uni(?:versit[ée])?(?: du lux\w*)?)\s+(?:\w+\s+)?(?:me\s+|la\s+|le\s+|l.\s*|m.\s*)*"
               r"(?:verse|paie|paye|finance|donne|accorde|g[èe]re)\b|"
               r"\b(?:vers[ée]e?|pay[ée]e?|financ[ée]e?|donn[ée]e?|g[ée]r[ée]e?)\s+par\s+(?:uni\.?lu|l.?(?-i:UL)\b|l.uni\b|"
               r"l.universit[ée]|le luxembourg)",
    "certificate_replaced": NAMED_QUESTIONS[1][1],
    # "je dois faire le test OLS ?": the Erasmus+ online test itself, not any language requirement of the host
    "ols_named": r"\bols\b|online (?:language )?(?:test|assessment)|test (?:de langue )?en ligne",
    "grade_deadline": QUESTION_CUES[-1][2],
    "ul_cancels_application": NAMED_QUESTIONS[2][1],
}


def aspects_of(text: str) -> List[str]:
    return [aspect for aspect, cue in ASPECT_CUES.items() if re.search(cue, text or "", re.I)]


def follow_up_aspects(text: str, question: Optional[str]) -> List[str]:
    """What a follow-up asks anew of the question just answered ("and if my prof and my director both sign
    it?" after "can I change my courses on 15 March?"): its aspects of that question, when it opens as one."""
    from rules_core.decision import ASPECTS

    if not question or not (opens_as_what_if(text) or FOLLOW_UP_CUE.search(text or "")):
        return []
    return [aspect for aspect in aspects_of(text) if ASPECTS.get(aspect) == question]


# "in the autumn of 2027", "printemps 2028": a term of a given year, on the day it roughly begins.
_TERM_YEAR = re.compile(r"\b(?P<term>fall|autumn|automne|rentr[ée]e|spring|printemps)\s+(?:of\s+|de\s+|d.\s*)?"
                        r"(?P<year>20\d\d)\b", re.I)
_TERM_MONTH = {"fall": 9, "autumn": 9, "automne": 9, "rentrée": 9, "rentree": 9, "spring": 2, "printemps": 2}
_NEXT_YEAR = re.compile(ASPECT_CUES["next_year"] + r"|\bnext (?:fall|autumn|spring)\b|(?:automne|printemps) prochain",
                        re.I)


def later_academic_year(text: str, today: dt.date) -> bool:
    """Whether a follow-up moves the mobility to an academic year after today's ("what if I go next
    year?", "et si je pars à l'automne 2027 ?" in December 2026)."""
    from rules_core.rules.funding import academic_year

    if _NEXT_YEAR.search(text or ""):
        return True
    days = [dt.date(int(m["year"]), _TERM_MONTH[m["term"].casefold()], 15) for m in _TERM_YEAR.finditer(text or "")]
    try:
        days += parse_dates(text or "", today, future=True)
    except Exception:  # an impossible date says nothing about the year
        pass
    return any(academic_year(day) > academic_year(today) for day in days)


# Asking to be let off the obligation, not whether it exists.
WAY_OUT = re.compile(r"\b(?:might|may|could)\s+not\s+(?:need|have)\s+to\b|\bhow\s+(?:do|can|could|should)\s+i\s+"
                     r"(?:ask|apply|request)\s+(?:for\s+)?(?:it|that|this|one)\b|\bget\s+out\s+of\s+(?:it|the\s+"
                     r"(?:mobility|semester abroad|obligation))|\bcomment\s+(?:je\s+)?(?:peux\s+|dois\s+)?(?:le\s+|la\s+)?"
                     r"(?:demander|obtenir)\b|\b(?:y\s+)?[ée]chapper\b", re.I)


# "does that count so I don't have to go abroad?": asking to be let off the mobility.
LET_OFF = re.compile(r"\b(?:don.?t|do not|dont|wouldn.?t|won.?t|not|never)\s+(?:have|need|be obliged|be required)\s+to\s+"
                     r"(?:go|do|leave|study)\b|\bpas (?:besoin|oblig[ée]e?) de (?:partir|faire|aller)|\bne (?:pas|plus) "
                     r"(?:avoir [àa] |devoir )?partir|dispens|exempt|\binstead of (?:the |a |my )?(?:mobility|semester|going)|"
                     r"[àa] la place (?:de la|du|de ma|de mon) (?:mobilit|semestre)|remplac\w* (?:la|ma) mobilit|"
                     r"replace (?:the|my) (?:mobility|semester)|\bcount\w*\s+(?:for|as|toward\w*)\s+(?:the|my)\s+"
                     r"(?:mobility|semester abroad)|compt\w*\s+(?:pour|comme)\s+(?:la|ma)\s+mobilit", re.I)
# "must I go (abroad) again?", "faut refaire une mobilité ?": whether the obligation applies once more.
GO_AGAIN = re.compile(r"\brepart\w*|\brefaire\b|(?:une )?(?:2e|deuxi[eè]me|seconde?) (?:fois|mobilit)|\bagain\b|"
                      r"another (?:mobility|semester abroad|exchange)|\bonce more\b|(?:faut|dois|doit|oblig\w*|have to|"
                      r"need to|must)\b.{0,40}(?:partir|mobilit|abroad|go\b)|"
                      # "remobilité obligatoire ?", "mobility mandatory again?": the mobility named, then its obligation
                      r"\bre-?mobilit\w*|(?:mobilit\w*|abroad|[àa] l.[ée]tranger|exchange|erasmus)[^.?!]{0,30}"
                      r"(?:obligatoire|compulsory|mandatory|required|oblig[ée]e?)", re.I)
# Asked by a student whose situation is Art. 24(1) or 25: the obligation's own question, whatever it resembles.
OBLIGATION_SITUATIONS = ("programme_change_validated_mobility", "programme_change_after_mobility", "ul_bachelor_obtained")
OBLIGATION_NEIGHBOURS = {None, "ask_obligation", "ask_mobility_count", "ask_interruption", "ask_departure_semester",
                         "ask_validation", "out_of_scope", "nlu_fallback", "faq"}


def obligation_situation_question(intent: Optional[str], text: str) -> Optional[str]:
    """ask_obligation for "I changed Bachelor after a validated mobility / I start a second Bachelor
    after a UL one: must I go again?", when the classifier heard something near it or nothing."""
    if intent not in OBLIGATION_NEIGHBOURS:
        return None
    statuses = stated_situations(text or "").get("special_statuses") or []
    if "double_enrolment" in statuses and re.search(ASPECT_CUES["go_twice"], text or "", re.I):
        return "ask_obligation"  # "in two bachelors: two mobilities?": one, in the Bachelor of one's choice (Art. 26)
    if not GO_AGAIN.search(text or ""):
        return None
    return "ask_obligation" if any(s in OBLIGATION_SITUATIONS for s in statuses) else None


# "je peux vraiment pas partir", "there's no way I can leave for a semester", "what can I do?": said beside a
# ground of Art. 2 (an illness, children to look after), the student asks to be let off the obligation.
CANNOT_GO = re.compile(
    r"\b(?:je\s+|j)?(?:ne\s+|n.)?(?:peux|pourrai[s]?|pourrais|peut|vais)\s+(?:\w+\s+){0,2}?(?:pas|plus|jamais)\s+(?:\w+\s+)?"
    r"(?:partir|aller|m.absenter|quitter|faire (?:la|le|ma|mon|une|un|ce|cette) (?:mobilit|semestre|s[ée]jour|erasmus))|"
    r"\bimpossible (?:pour moi )?(?:de |d.)(?:partir|m.absenter|quitter|aller)|"
    r"\b(?:can.?t|cannot|can not|could(?:n.?t| not)|won.?t be able to|unable to|not able to|no way (?:i can|i could|for me to|to))"
    r"\s+(?:\w+\s+){0,2}?(?:go|leave|travel|move|be away|spend|do (?:the|a|my|this|that|an) (?:\w+ )?(?:mobility|semester|"
    r"exchange|erasmus))\b|"
    r"\b(?:j|je)\s?fais comment|\bcomment (?:je (?:fais|dois faire)|faire)\b|\bque (?:dois-je|puis-je) faire\b|"
    r"\bqu.est-ce que je (?:peux|dois) faire\b|\bwhat (?:do|can|should|shall) i do\b|\bwhat are my options\b|"
    r"\bquelles (?:sont mes )?(?:options|solutions)\b", re.I)
# Questions such a message can be taken for; not a cancellation, a return, a grant… which have their own words.
GROUND_NEIGHBOURS = {None, "nlu_fallback", "out_of_scope", "faq", "ask_obligation", "ask_departure_semester",
                     "ask_mobility_count", "ask_validation", "ask_application", "ask_deadlines", "ask_extension",
                     "ask_learning_agreement"}
OWN_GROUNDS = (ExemptionGround.illness_or_disability.value, ExemptionGround.family_obligations.value)


def cannot_go_for_a_ground(text: str) -> bool:
    """Whether the student says they cannot go abroad, beside an illness, a disability or family
    obligations of their own (grounds 3° and 4° of Art. 2(1)), and without a return or a place given up."""
    if not CANNOT_GO.search(text or "") or RETURN_WORDS.search(text or "") or REFUSED_PLACE.search(text or "") \
            or re.search(r"annul|cancel|d[ée]sist|withdraw|give up (?:my|the) place", text or "", re.I):
        return False
    return any(g in OWN_GROUNDS for g in stated_situations(text).get("exemption_grounds") or [])


def refine_question(intent: Optional[str], text: str) -> Optional[str]:
    """The classifier's question, unless the student's words clearly ask a neighbouring one."""
    situation_question = obligation_situation_question(intent, text)
    if situation_question:
        return situation_question
    if intent in ("ask_validation", "ask_credit_conversion", "ask_obligation") and LET_OFF.search(text or "") \
            and situations.stated_grounds(text or ""):
        # "I did a year in Coimbra (60 ECTS), does that count so I don't have to go?": credits or a
        # diploma from before, offered in place of the mobility: ground 1° or 2° of the exemption.
        return "ask_exemption"
    if intent == "ask_obligation" and stated_situations(text or "").get("exemption_grounds"):
        return "ask_exemption"  # "I'm on dialysis, what can I do about the obligation?": a ground stated asks for the exemption
    if intent in GROUND_NEIGHBOURS and cannot_go_for_a_ground(text):
        return "ask_exemption"  # "dialysis 3x a week, I can't go for a semester, what do I do?": whatever it sounded like
    if intent == "ask_obligation" and WAY_OUT.search(text or ""):
        return "ask_exemption"  # "someone said I might not need to go, how do I ask for it?": asking to be let off
    for sources, question, cue, keep in QUESTION_CUES:
        if intent in sources and re.search(cue, text or "", re.I) and not re.search(keep, text or "", re.I):
            return question
    return intent


def stated_situations(text: str) -> Dict[str, Any]:
    """Special situations and exemption grounds the student states in passing ("I have two kids",
    "jsuis inscrite en 2 bachelors"), as facts the rules core derives the legal category from."""
    facts: Dict[str, Any] = {}
    statuses = [status.value for status, pattern in STATED_STATUSES.items() if re.search(pattern, text, re.I)]
    if "programme_change_validated_mobility" in statuses and "programme_change_after_mobility" in statuses:
        statuses.remove("programme_change_after_mobility")  # the validation said settles it
    if statuses:
        facts["special_statuses"] = statuses
    own = situations.without_childhood(text)  # "as a kid" is no child of one's own
    grounds = [ground.value for ground, pattern in STATED_GROUNDS.items() if re.search(pattern, own, re.I)]
    grounds += situations.stated_grounds(text)  # 1° and 2°: a diploma, credits obtained abroad
    school = situations.school_diploma_country(text, _nationalities())  # "bac at a lycée in Esch": no third-country diploma
    third_country = SCHOOL_DIPLOMA.search(text) and (school is None or third_country_ground({school})) \
        and _third_country_origin(text)
    if third_country:
        grounds.append(ExemptionGround.third_country_diploma.value)  # ground 5°: from a third country, school there
    if grounds:
        facts["exemption_grounds"] = grounds
    elif not third_country and situations.corrects_school_diploma(text):
        # "sorry, my bac is from the lycée in Luxembourg": the student restates the situation without
        # ground 5° read before, and no other ground in it; the answer is recomputed on that.
        facts["exemption_grounds"] = []
    return facts


# "je suis pas européen", "not an EU citizen", "non-EU student", "hors UE", "extra-européen".
NOT_EUROPEAN = re.compile(
    r"\b(?:pas|not|non|never been|no)\s*[- ]?(?:une?\s+|an?\s+)?(?:citoyen(?:ne)?\s+|ressortissant(?:e)?\s+)?"
    r"(?:europ[ée]en(?:ne)?s?|european|from the eu\b|de l.ue\b|de l.union europ[ée]enne)|"
    r"\bnon[- ](?:eu|ue)\b|\bnot (?:an? )?eu (?:citizen|national|student|passport)|"
    r"\bhors[- ](?:ue|union europ[ée]enne|europe)\b|\bextra[- ]?(?:europ[ée]en(?:ne)?s?|eu)\b|"
    r"\boutside (?:the )?(?:eu|european union|europe)\b", re.I)


def _third_country_origin(text: str) -> bool:
    """A non-EU nationality or place named beside a school diploma (ground 5° of Art. 2(1))."""
    from rules_core.gazetteer import gazetteer

    # "before coming to Luxembourg": where the student studies now, not where they come from.
    text = re.sub(r"(?:coming|came|come|moving|moved|arrived|arriving)\s+(?:to|in)\s+luxembourg|(?:venue?|venir|"
                  r"arrivée?|installée?s?)\s+au\s+luxembourg|(?:uni\.lu|university of luxembourg|université du luxembourg)",
                  " ", text, flags=re.I)
    codes = {nationality(text, None)}
    words = re.findall(r"[^\W\d_][\w'’-]*", text)
    for i in range(len(words)):
        for candidate in (" ".join(words[i:i + 2]), words[i]):
            if len(candidate) > 3 and candidate.casefold() not in STOP_PLACES:
                places = gazetteer().lookup(candidate)
                # "Praia", or "à praia" / "in praia" in lower case: a town named as where the school was
                placed = candidate[0].isupper() or (
                    re.search(rf"\b(?:à|a|au|in|at|from|en|de|du)\s+{re.escape(candidate)}\b", text, re.I)
                    and places and places[0].population >= TOWN_IN_PASSING)
                codes |= {to_iso(candidate)} | ({places[0].country} if places and placed else set())
    codes.discard(None)
    return third_country_ground(codes)


# "j'hésite entre la TU Kaiserslautern et Metz", "torn between KU Leuven and Ghent": no host settled yet.
PLACES_HESITATED = re.compile(r"\b(?:entre|between)\b[^.?!]{1,60}\b(?:et|and|ou|or)\b|\bj?h[ée]sit\w*|\bundecided\b|"
                              r"\b(?:torn|choosing|choose|choisir)\s+between\b", re.I)


def read_message(text: str, intent: Optional[str], entities: Iterable[dict], requested: Optional[str],
                 today: dt.date) -> Reading:
    """All the facts one message gives, the answer to the pending question included."""
    reading = Reading()
    text = text or ""
    entities = list(entities or [])
    button = next((e.get("value") for e in entities if isinstance(e, dict) and e.get("entity") == "fact_value"), None)
    reading.facts.update(_from_entities(entities, text, requested))
    # "je suis en master, pas en licence": a level the student says is not theirs does not count.
    affirmed = NEGATED_LEVEL.sub(" ", text)
    denied = {"master" if re.search(r"master|msc|mastère", m[0], re.I) else "bachelor"
              for m in NEGATED_LEVEL.finditer(text)}
    for fact, options in KEYWORDS.items():
        found = {value for value, pattern in options if re.search(pattern, affirmed, re.I)}
        if fact == "level":  # "1ère année du master … en bachelor on pouvait pas": the compared one is not theirs
            found = {value for value, pattern in options if value in found and (not other_level_named(affirmed, value) or not all(
                compared_level(affirmed, m.start(), m.end()) for m in re.finditer(pattern, affirmed, re.I)))}
        if fact == "level" and len(found) > 1:  # "I just started the Master; in my bachelor we had to go"
            # (or "je suis en master : c'est seulement en licence, les 30 crédits ?": a level asked about)
            found = {value for value, pattern in options
                     if any(not _earlier_level(affirmed, {"start": m.end() - len(m.group().split()[-1])})
                            and not COMPARED_LEVEL.search(affirmed[:m.start()])
                            for m in re.finditer(pattern, affirmed, re.I))} or found
        if fact == "mobility_type" and WHICH_PROGRAMME_UNKNOWN.search(text):
            # "dont know yet which programme australia would be": the planned type is not known,
            # whatever type the student names for an earlier mobility.
            reading.facts.pop("mobility_type", None)
            reading.unsure.append("mobility_type")
            continue
        if fact == "mobility_type" and explained_types(text):
            found -= explained_types(text)
            if reading.facts.get(fact) in explained_types(text):  # the entity extractor tagged it too
                reading.facts.pop(fact)
        if fact == "mobility_type":
            ruled_out = negated_types(text)
            if ruled_out and found - ruled_out:  # "c free mover à la HTW, pas erasmus": the other one
                found -= ruled_out
                if reading.facts.get(fact) in ruled_out:
                    reading.facts.pop(fact)
        hedged = hedged_types(text) if fact == "mobility_type" else set()
        if hedged and not (found - hedged):
            # "not sure if they have an agreement with uni.lu or if i'd be a free mover": a type named only
            # as one side of an alternation is not known (whatever the entity extractor tagged); "either
            # global exchange or free mover": answered for those two types only.
            reading.facts.pop("mobility_type", None)
            reading.unsure.append("mobility_type")
            if len(hedged) > 1:
                reading.candidates["mobility_type"] = sorted(hedged)
            continue
        if fact == "mobility_type" and len(found) > 1 and UNSURE_BETWEEN.search(text):
            # "not sure yet if it's global exchange or free mover": the type is what the student
            # does not know, not the last one named.
            reading.facts.pop("mobility_type", None)
            reading.unsure.append("mobility_type")
            reading.candidates["mobility_type"] = sorted(found)
            continue
        if fact == "mobility_type" and requested is None and found and earlier_type_only(affirmed, options):
            # "did erasmus in vienna last year, can I do another one?": the type of the mobility done,
            # not of the one asked about, which is still to be known.
            reading.facts.pop("mobility_type", None)
            continue
        if fact == "mobility_type" and len(found) > 1 and (PAST_TENSE_OR_DONE.search(text) or DONE_TYPE.search(text)) \
                and requested is None:
            # "au S3 j'ai fait erasmus à Trèves, là je repars en global exchange": students tell what
            # they did first, then the plan the question is about.
            reading.facts[fact] = max(((m.start(), value) for value, pattern in options
                                       for m in re.finditer(pattern, affirmed, re.I)))[1]
            continue
        # An entity the model tagged inside "pas en licence" does not outweigh the level affirmed.
        if fact == "level" and reading.facts.get("level") in denied:
            reading.facts.pop("level")
        if fact not in reading.facts and len(found) == 1:
            reading.facts[fact] = found.pop()

    coded = year_code_level(text)
    if coded:  # "L3 en S5 là … pour mon master à Paris": the year code is the level the student is in
        reading.facts["level"] = coded

    if requested not in ("special_statuses", "exemption_grounds"):
        for fact, value in stated_situations(text).items():
            reading.facts.setdefault(fact, value)
    if requested != "force_majeure" and (RETURN_REASON.search(text) or RETURN_WORDS.search(text)):
        # "I came back after 7 weeks because my father had a stroke": the reason said in passing;
        # "my dad had a stroke, I must fly home": a serious event told beside the return, without a
        # "because", claims force majeure too (a mere return word says no reason against it).
        said = {value for value, pattern in BOOL_ANSWERS["force_majeure"] if re.search(pattern, text, re.I)}
        if not RETURN_REASON.search(text):
            said &= {True}
        if len(said) == 1:
            reading.facts.setdefault("force_majeure", said.pop())
    if STATED_EXTENSION.search(text) and requested is None:  # "I'm extending my Erasmus+ stay in Porto"
        reading.facts.setdefault("is_extension", True)
    elif requested is None and re.search(EXTENSION_FUNDED, text, re.I) and not re.search(NOT_FUNDING, text, re.I):
        # "et une prolongation au S4, payée aussi ?": the funding asked is that of an extension semester
        reading.facts["is_extension"] = True
    elif requested is None and NEW_MOBILITY.search(text) and not EXTENSION_WORDS.search(text):
        # "and after that, could I do another erasmus in S5?": a new mobility, whatever was extended before
        reading.facts["is_extension"] = False
    refusal = REFUSED_PLACE.search(text)
    if refusal and requested != "earlier_mobilities":  # "I declined my Erasmus+ place"
        verb = re.search(r"refus|annul|d[ée]clin|renonc|declined|cancel|turned|gave|withdrew", refusal[0], re.I)
        denied = REFUSAL_DENIED.search(text[:refusal.start() + verb.start()])
        reading.facts.setdefault("refused_or_cancelled_place", not denied)

    code = nationality(text, requested)
    if not code and requested not in ("host_city", "host_country"):
        from actions.places import origin_country

        origin = origin_country(text)  # "a student from India", "je viens du Maroc": the country of origin
        if origin:
            reading.facts.setdefault("country_of_origin", origin)
    if code:  # a nationality is the country of origin, and says whether the student is an EU national
        if requested == "eu_national" or "country_of_origin" not in reading.facts:
            reading.facts.setdefault("country_of_origin", code)
        if requested == "eu_national" or requested == "country_of_origin" or "eu_national" not in reading.facts:
            reading.facts["eu_national"] = is_eu(code)

    if NOT_EUROPEAN.search(text) and reading.facts.get("eu_national") is not True:
        # "juste que je suis pas européen", "I'm non-EU": a third-country origin, its country unsaid
        reading.facts.setdefault("eu_national", False)

    if requested is None and not {"host_city", "host_country"} & set(reading.facts):
        # "erasmus in metz next sem": a town named in lower case right after the mobility is the host
        named = None
        for match in host_mentions(text):
            if fold_word(match[1]) in ruled_out_places(text) or re.match(r"\s*(?:ou|or)\b", text[match.end(1):], re.I):
                continue  # "pas à Metz"; "à Paris ou Lyon ?": not settled yet
            named = named_place(match[1]) or named  # the last one: "erasmus à Trèves au S3, là je repars à Tokyo"
        if not named and not PLACES_HESITATED.search(text):
            # "a semester at HEC montreal", "UNAM in mexico city", "uni basel": the host's university (not
            # one of two the student hesitates between: "entre la tu kaiserslautern et metz")
            from actions.places import host_institution_town

            named = host_institution_town(text)
        if named:
            code = to_iso(named)
            reading.facts.update({"host_country": code} if code else {"host_city": named})

    native = native_speaker(text, answering=requested == "native_speaker")
    if native is not None:  # "spanish is my first language, courses in spanish": native in the teaching language
        reading.facts["native_speaker"] = native
    school = situations.school_diploma_country(text, _nationalities())
    if school:  # where the secondary-school diploma comes from: the rules core tells what it means for ground 5°
        reading.facts.setdefault("school_diploma_country", school)

    home = lifelong_home(text)
    if home:  # "born and raised in Luxembourg": whether that or the nationality is the origin, staff decide
        reading.facts.setdefault("permanent_residence_country", home)

    # "les cours ont commencé le 1er octobre": a date the student already lived is not the next one.
    future = (requested in FUTURE_FACTS or (requested is None and intent in FUTURE_QUESTIONS)) \
        and not PAST_TENSE.search(text)
    assumed: List[str] = []
    try:
        spans = dated_spans(text, today, future, assumed)
    except ImpossibleDate as bad:
        reading.problems.append(f"impossible_date:{bad}")
        spans = []
    if not future and TOLD_IN_THE_PAST.search(text) and not TOLD_AHEAD.search(text):
        # "i was in porto from 5 sept, came back 20 nov" asked in January: a stay already lived, so a date
        # without its year is the last one gone by, not the next to come
        spans = [(pos, _gone_by(day, today) if any(text.startswith(a, pos) for a in assumed) else day)
                 for pos, day in spans]
    dates = [day for _, day in spans]
    if dates:  # each date as the fact its words say it dates (actions.dates)
        from actions.dates import date_facts

        dated = date_facts(text, spans, requested, assumed)
        reading.facts.update(dated)
        # Said back: the first date kept whose year (or day, "end of June") was taken for the student.
        taken = [day for pos, day in spans if day in dated.values() and any(text.startswith(a, pos) for a in assumed)]
        if taken:
            reading.problems.append(f"assumed_year:{taken[0].isoformat()}")
    elif not dates and "semester" not in reading.facts:
        code = SEMESTER_CODE.search(text)
        if code and not LANGUAGE_LEVEL_CONTEXT.search(text):
            reading.facts["semester"] = int(code[2])
            reading.facts.setdefault("level", "master" if code[1].upper().startswith("M") else "bachelor")
        reading.facts.update({k: v for k, v in _number_fact(text, requested).items() if k not in reading.facts})
    if dates:  # "du 1er avril au 31 juillet, 30 ects": the numbers written with their unit count too
        reading.facts.update({k: v for k, v in _number_fact(text, None).items()
                              if k not in reading.facts and k not in ("semester", "stay_days")})
    code = SEMESTER_CODE.search(text)
    if code and "level" not in reading.facts and not LANGUAGE_LEVEL_CONTEXT.search(text):
        # "jsuis en L2" with "L2" tagged as a semester by the model: the code still tells the level.
        reading.facts["level"] = "master" if code[1].upper().startswith("M") else "bachelor"

    if "semester" in reading.facts and SEMESTER_CODE.search(text) and not EXPLICIT_SEMESTER.search(text) \
            and not re.search(r"semest", text, re.I):
        reading.weak.append("semester")  # a year code only ("B1", "M1"): the semester is a guess
    explicit = EXPLICIT_SEMESTER.search(text)
    code = SEMESTER_CODE.search(text)
    if code and not explicit and not dates and not LANGUAGE_LEVEL_CONTEXT.search(text):
        # "M1 here, can I go in my second semester?": the semester the student names in words wins
        # over the one guessed from the year code.
        said = _number_fact(text, None).get("semester")
        if said:
            reading.facts["semester"] = said
            if "semester" in reading.weak:
                reading.weak.remove("semester")
    aimed = False
    if SEMESTER_MENTION.search(text) and not dates:  # "jsuis en B1, jpeux partir en s2 ?": the planned semester is 2
        reading.facts["semester"], aimed = planned_semester(text)
    if NEXT_SEMESTER.search(text) and reading.facts.get("semester") and not aimed \
            and reading.facts["semester"] < 8:
        # "je suis en M1 (1er semestre), je peux partir le semestre prochain ?": the mobility would be
        # in the semester after the one the student is in.
        reading.facts["semester"] += 1

    if requested != "ects_enrolled" and situations.names_credits_abroad(reading.facts.get("exemption_grounds") or ()):
        reading.facts.pop("ects_enrolled", None)  # "j'ai eu 45 crédits à l'ULB": earned there, not enrolled abroad
    if EXTENSION_WORDS.search(text) or intent == "ask_extension" or requested == "extension_same_academic_year":
        # "erasmus in spring 2027, can I extend into fall 2027?": the two terms settle the academic year
        from actions.dates import extension_same_academic_year

        same = extension_same_academic_year(text, answering=requested == "extension_same_academic_year")
        if same is not None:
            reading.facts.setdefault("extension_same_academic_year", same)
    if requested and requested not in reading.facts:
        answer = _answer_to(requested, text, intent, button)
        if answer is not None:
            reading.facts[requested] = answer
    if requested == "exemption_grounds":
        # "my DUT from the IUT of Metz, 4 semesters", "I have two kids": grounds stated in the student's
        # words answer the list too, beside the ones the list's own words name.
        affirmed_only = NEGATED_PART.sub(" ", text)  # "pas malade, pas d'enfant": what is denied is no ground
        stated = (stated_situations(affirmed_only).get("exemption_grounds") or []) + \
            situations.stated_grounds(affirmed_only, answering=True)
        if stated:
            picked = list(reading.facts.get("exemption_grounds") or [])
            if situations.names_credits_abroad(picked):  # the list's own words said whether validated
                stated = [g for g in stated if not situations.names_credits_abroad([g])]
            reading.facts["exemption_grounds"] = picked + [g for g in dict.fromkeys(stated) if g not in picked]
        # "just that I work part-time": a special situation, not a ground; the rules core knows what it means.
        statuses = [status.value for status, pattern in STATUS_WORDS.items() if re.search(pattern, text, re.I)]
        if statuses:
            reading.facts.setdefault("special_statuses", statuses)
            reading.facts.setdefault("exemption_grounds", [])
    if requested == "earlier_mobilities" and reading.facts.get("earlier_mobilities"):
        # "one: erasmus+ in vienna": the town is where the earlier mobility was, not the new host.
        for place in ("host_city", "host_country"):
            reading.facts.pop(place, None)
    if requested == "earlier_mobilities" and "mobility_type" in reading.facts \
            and reading.facts.get("earlier_mobilities") != []:
        # "I had an Erasmus semester" describes the earlier mobility, not the planned one (but in "not yet,
        # the first would be erasmus" none was done: the type is the planned one's).
        earlier_type = reading.facts.pop("mobility_type")
        for mobility in reading.facts.get("earlier_mobilities") or []:
            mobility.setdefault("mobility_type", earlier_type)
    return reading


# The student telling their own situation ("my …", "je travaille …", "just that …"): an answer, not a new question.
OWN_SITUATION = re.compile(r"\b(?:i|i.m|im|i am|my|me|mine|je|j|jsuis|moi|mon|ma|mes|only|just|juste|seulement|"
                           r"uniquement|rien|nothing|that.?s it|c.est tout)\b", re.I)

NEGATED_PART = re.compile(r"(?:\b(?:no|not|never|nor|aucune?|sans|without|ni|jamais|pas\s+(?:de|malade|handicap\w*|"
                          r"enceinte|parent))\b|\bpas d')[^,.;!?]*", re.I)


def _answer_to(requested: str, text: str, intent: Optional[str], button: Optional[str]) -> Any:
    """The pending question's answer, when the message is a bare answer to it."""
    from rules_core.engine import fact_request

    kind = fact_request(requested).kind
    if kind == "bool":
        answer = yes_no(text, intent)
        if answer is None:  # "i live in luxembourg permanently": the answer said in the student's words
            said = {value for value, pattern in BOOL_ANSWERS.get(requested, ()) if re.search(pattern, text, re.I)}
            answer = said.pop() if len(said) == 1 else None
        return answer
    if kind == "mobilities":
        if button in ("funded", "not_funded"):
            return [{"funded": button == "funded"}]
        if button == "none":
            return []
        answer = yes_no(text, intent)
        if answer is False or NONE_YET.search(text):
            return []
        count = 2 if re.search(r"\b(?:2|deux|two|twice|deux fois)\b", text, re.I) else 1
        if re.search(r"non[- ]financ|pas financ|not funded|unfunded|sans bourse|without|pas (?:eu|touché|reçu) de bourse"
                     r"|no grant|didn.t get (?:the|a|any) grant", text, re.I):
            return [{"funded": False} for _ in range(count)]
        if UNSURE.search(text) and re.search(r"financ|funded|bourse|grant|pay", text, re.I):
            return [{} for _ in range(count)]  # "no idea if the grant was paid": funding unknown
        if re.search(r"financ|funded|bourse|grant", text, re.I):
            return [{"funded": True}] + [{"funded": False} for _ in range(count - 1)]
        if answer is True or EARLIER_MOBILITY_WORDS.search(text):
            return [{} for _ in range(count)]  # "one, erasmus+ in lyon": done, funding not said
        return None
    if kind == "multi_choice":
        options = fact_request(requested).options or []
        if button in options:
            return [button]
        if button == "none" or yes_no(text, intent) is False:
            return []
        patterns = STATUS_WORDS if requested == "special_statuses" else GROUND_WORDS
        # "no kids or family stuff, never sick": what the student denies is no ground
        affirmed = NEGATED_PART.sub(" ", text)
        picked = [opt.value for opt, pattern in patterns.items() if re.search(pattern, affirmed, re.I)]
        if requested == "exemption_grounds" and re.search(r"ects|crédits|credits", text, re.I):
            if re.search(r"pas (?:encore )?valid|not (?:yet )?validated|non valid", text, re.I):
                picked.append("foreign_credits_not_validated")
            elif re.search(r"valid", text, re.I):  # only when the student says so; else the buttons ask
                picked.append("foreign_credits_validated")
        if not picked and affirmed != text and "?" not in text and not UNSURE.search(text):
            return []  # only denials: none of these applies
        if not picked and requested == "exemption_grounds" and OWN_SITUATION.search(text) and "?" not in text \
                and not UNSURE.search(text) and not named_question(text):
            # "je travaille à temps plein", "only my job": the student's situation told in words that name
            # no ground of the list (those that do are read by read_message): none of them applies.
            return []
        return picked or None
    if kind == "choice":
        options = fact_request(requested).options or []
        if button in options:
            return button
        if requested == "level":  # a bare "licence", "MSc", "L2" answers "Bachelor or Master?"
            found = {level for level, pattern in LEVEL_WORDS.items() if re.search(pattern, text, re.I)}
            return found.pop() if len(found) == 1 else None
        return None
    if kind == "text" and requested in ("host_country", "country_of_origin"):
        return to_iso(text.strip(" .!?")) or None
    if kind == "text" and requested == "host_city":
        from rules_core.gazetteer import gazetteer

        cleaned = text.strip(" .!?")
        if cleaned.casefold() in NOT_TOWNS:  # "erasmus" is also a town's other name somewhere
            return None
        # Only a town the gazetteer knows: "merci" or "je ne sais pas" is not a host city.
        if 0 < len(cleaned) <= 60 and gazetteer().lookup(cleaned):
            return cleaned
        # "köln, cologne", "homburg (sarre)": the first part that is a known town.
        for part in re.split(r"[,;/()]+", cleaned):
            part = part.strip(" .!?")
            if 0 < len(part) <= 60 and gazetteer().lookup(part):
                return part
        # "liège now (metz was my first idea)": the first town named, unless the student rules it out.
        ruled_out = {m[1].casefold() for m in re.finditer(r"\b(?:not|pas|plus|no longer)\s+(?:à\s+|a\s+|in\s+)?([^\W\d_][\w'’-]+)",
                                                          cleaned, re.I)}
        place = bare_place(" ".join(w for w in cleaned.split() if w.casefold().strip(",.!?") not in ruled_out))
        if place and not to_iso(place):
            return place
        return fuzzy_town(cleaned) if len(cleaned.split()) <= 3 else None  # a typo: "strasbourgh"
    return None
