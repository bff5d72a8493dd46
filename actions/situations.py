"""Exemption grounds a student states in everyday words: the facts, read; the rules core says what they mean.

"I did a DUT (2 years) at the IUT of Metz" is a diploma of four semesters obtained in France: the
rules core's `foreign_diploma_ground` decides that it is ground 1° of Art. 2(1). "j'ai eu 45 crédits à
l'ULB" are credits obtained in Belgium: `foreign_credits_ground` decides ground 2° (met once validated).
Language processing only, as in actions/understanding.py.
"""
from __future__ import annotations

import re
from typing import Dict, Iterable, List, Optional, Set, Tuple

from rules_core.countries import to_iso
from rules_core.rules.obligation import foreign_credits_ground, foreign_diploma_ground

# Childhood said in passing ("i lived in brazil as a kid", "quand j'étais petite") is no child to care for.
CHILDHOOD = re.compile(
    r"\b(?:as|when i was|since i was|back when i was|quand j.?[ée]tais|depuis que j.?[ée]tais|lorsque j.?[ée]tais|"
    r"j.?[ée]tais|comme)\s+(?:a\s+|an\s+|un\s+|une\s+|tout\s+|toute\s+)?(?:little\s+|small\s+|young\s+|petite?\s+)?"
    r"(?:kid|child|little|small|young|boy|girl|baby|teen\w*|enfant|petite?|gamine?|b[ée]b[ée]|ado\w*)\b"
    r"|\b(?:in|during|pendant|dans)\s+(?:my|mon|ma)\s+(?:childhood|enfance)\b|\bchildhood\b|\benfance\b", re.I)

# Diplomas by the semesters of higher education they sanction, and whether they exist only outside
# Luxembourg (a BTS or a "licence" may be Luxembourgish: those need a place named).
DIPLOMA_TYPES = (
    (re.compile(r"\bdut\b", re.I), 4, True),
    (re.compile(r"\bBUT\b"), 6, True),  # "but" in lower case is the conjunction
    (re.compile(r"\bdeug\b|\bdeust\b", re.I), 4, True),
    (re.compile(r"\bhnd\b|associate(?:.s)? degree", re.I), 4, True),
    (re.compile(r"\bbts\b|\bbtsa\b", re.I), 4, False),
    # a Portuguese or Spanish licenciatura, an Italian laurea: undergraduate degrees that exist only abroad
    (re.compile(r"\blicenciatura\b|\blaurea(?:\s+triennale)?\b", re.I), 6, True),
    (re.compile(r"\blicence(?:\s+pro\w*)?\b|\bbachel(?:or|ier)(?:.s)?\b|\bbsc\b|\bb\.?sc\.?\b", re.I), 6, False),
    (re.compile(r"\bmaster(?:.s)?\b|\bmsc\b", re.I), 4, False),
    (re.compile(r"\bdipl[ôo]mée?\b|\bdipl[ôo]mes?\b|\bdiploma\b|\bdegree\b", re.I), None, False),
)
SCHOOL = re.compile(r"lyc[ée]e|high[- ]?school|secondary|secondaire|\bbac\b(?!\s*\+)|baccalaur|school[- ]leaving|"
                    r"a[- ]levels?|abitur|matura|\bgymnas", re.I)
# The secondary-school leaving diploma named (ground 5° of Art. 2(1) asks where it was issued).
SCHOOL_DIPLOMA = re.compile(r"lyc[ée]e|high[- ]?school|secondary[- ]school|school[- ]leaving|baccalaur|\bbac\b(?!\s*\+)|"
                            # "finished school in Kharkiv", "my school diploma is from Ukraine"
                            r"(?:finished|completed|left|graduated from|went to|did (?:my )?)\s+(?:high\s+|secondary\s+)?school\b|"
                            r"\bschool\s+(?:diploma|certificate|degree)|dipl[ôo]me (?:du|de) (?:lyc[ée]e|l.?[ée]cole)|"
                            r"(?:fini|termin[ée]|quitt[ée]|fait)\s+(?:le |mon |l.)?(?:lyc[ée]e|[ée]cole)\b|"
                            r"12th (?:standard|grade)|cbse|\bssc\b|vestibular|enem\b|gaokao|"
                            r"dipl[ôo]me de fin d.[ée]tudes secondaires|\b[ée]tudes secondaires|\babitur\b|\bmatura\b|a[- ]levels?",
                            re.I)
# Where that diploma was issued, in the words right after it: "did high school here", "bac au lycée à Esch",
# "mon bac je l'ai eu à Praia", or a Luxembourg school by its name ("l'Athénée", "le LGE").
SCHOOL_HERE = re.compile(r"^\W*(?:\w+\W+){0,2}?(?:here|ici)\b|^\W*(?:\w+\W+){0,2}?(?:in|at|au|à|a|en)\s+(?:the\s+)?"
                         r"(?:lux|luxembourg|grand[- ]duch[yée]\w*)\b", re.I)
LUXEMBOURG_SCHOOLS = re.compile(
    r"ath[ée]n[ée]e|lyc[ée]e\s+(?:michel[- ]rodange|aline[- ]mayrisch|hubert[- ]cl[ée]ment|robert[- ]schuman|vauban|"
    r"de gar[çc]ons|ermesinde|josy[- ]barthel|bel[- ]val|nic(?:olas)?[- ]biever|guillaume[- ]kroll|marie[- ]curie|"
    r"classique (?:de |d.)(?:diekirch|echternach)|technique (?:d.esch|du centre|de bonnevoie|d.ettelbruck))|"
    r"\b(?-i:LGE|LGL|LAML|LRSL|LMRL|LHCE|LCD|LCE|LTC|LNW|LJBM|LNBD|LGK|LTPES|LTAM|LTB|LTE|LTETT)\b|"
    r"international school of luxembourg|bac (?:lux|luxembourgeois)\b|luxembourgish (?:bac|diploma|high[- ]?school)|"
    r"(?:dipl[ôo]me|bac) luxembourgeois", re.I)
# A clause ends at a sentence's end or where another one starts ("j'ai eu mon bac, et je pars à Madrid").
CLAUSE_END = re.compile(r"[.;!?\n]|,\s*(?:et|and|but|mais|puis|then|now|maintenant|là|la)\b|\s(?:et|and|but|mais)\s+"
                        r"(?:je|j|i|now|maintenant|là)\b", re.I)


def _place_code(words: str) -> Optional[str]:
    """The ISO code of a country, of a Luxembourg town of any size, or of a larger town elsewhere."""
    from rules_core.gazetteer import gazetteer

    key = words.casefold().split("'")[-1].split("’")[-1]
    if len(key) <= 3 or key in SKIP_WORDS:
        return None
    code = to_iso(key)
    if code:
        return code
    places = gazetteer().lookup(key)
    if places and (places[0].country == "LU" or (places[0].population >= MIN_TOWN and gazetteer().is_official_name(key))):
        return places[0].country
    return None


def school_clauses(text: str) -> List[Tuple[int, int, str]]:
    """(start, end, words after) of each mention of a secondary-school diploma with the rest of its clause,
    where the student says where it was issued; positions are the text's own."""
    # "came here for the bachelor": where they study now (blanked, so that positions stay the text's)
    text = HERE_NOW.sub(lambda m: " " * len(m[0]), text or "")
    clauses = []
    for match in SCHOOL_DIPLOMA.finditer(text):
        after = text[match.end():match.end() + 70]
        end = CLAUSE_END.search(after)
        after = after[:end.start()] if end else after
        clauses.append((match.start(), match.end() + len(after), after))
    return clauses


def school_diploma_country(text: str, demonyms: Dict[str, str]) -> Optional[str]:
    """The ISO code of the country the student's secondary-school diploma comes from, when the words
    right around it say it: a place, "here" (Luxembourg, where they study), a Luxembourg school's name, or
    a nationality adjective ("bac marocain"; `demonyms`: adjective, accented or not -> ISO code). None
    when not said."""
    from rules_core.normalize import fold

    for start, end, after in school_clauses(text):
        if LUXEMBOURG_SCHOOLS.search(text[max(0, start - 30):end]) or SCHOOL_HERE.search(after):
            return "LU"
        words = re.findall(r"[^\W\d_][\w'’-]*", after)
        for i in range(len(words)):
            for candidate in (" ".join(words[i:i + 2]), words[i]):
                code = _place_code(candidate)
                if code:
                    return code
        near = re.findall(r"[^\W\d_]+", text[max(0, start - 25):start].casefold())[-2:] + \
            re.findall(r"[^\W\d_]+", after.casefold())[:4]
        code = next((demonyms.get(w) or demonyms.get(fold(w)) for w in near if demonyms.get(w) or demonyms.get(fold(w))),
                    None)
        if code:  # "bac marocain", "my brazilian high school diploma"
            return code
    return None


def in_school_clause(text: str, position: int) -> bool:
    """Whether a place named at `position` says where the school diploma was issued ("bac at a lycée in
    Esch"): never the host."""
    return any(start <= position < end for start, end, _ in school_clauses(text))


# "bac+2", "bac + 3": the French way of saying how many years of higher education a diploma took.
BAC_PLUS = re.compile(r"\bbac\s*\+\s*([1-8])\b", re.I)
NUMBER = r"(\d{1,2}|one|two|three|four|five|un|une|deux|trois|quatre|cinq)"
NUMBERS = {"one": 1, "un": 1, "une": 1, "two": 2, "deux": 2, "three": 3, "trois": 3, "four": 4, "quatre": 4,
           "five": 5, "cinq": 5}
DURATION = re.compile(NUMBER + r"\s*-?\s*(years?|yrs?|ans?|ann[ée]es?|semest\w*)\b", re.I)
# The student holds it: "I did / have / got / obtained / completed", "j'ai fait / eu / obtenu", "titulaire d'".
OBTAINED = re.compile(
    r"\b(?:did|done|have|hold|holding|got|gotten|obtained|earned|completed|finished|graduated|passed|fait|eu|obtenu\w*|"
    r"valid[ée]\w*|titulaire|dipl[ôo]m[ée]e?|termin[ée]\w*|réussi\w*|reussi\w*|j.?ai\s+(?:un|une|mon|ma|d[ée]j[àa]))\b"
    r"\W+(?:[\w'+-]+\s+){0,3}$",  # the verb governs the diploma's name: "I did a DUT", not "I did my erasmus … in bachelor"
    re.I)
NOT_OBTAINED = re.compile(
    r"\b(?:without|sans)\s+(?:the\s+|a\s+|le\s+|mon\s+|my\s+)?(?:dipl|degree|graduat)|"
    r"\b(?:not|never|didn.?t|did not|pas|jamais)\s+(?:\w+\s+){0,2}(?:finish|complet|graduat|obtenu|fini|termin|eu le dipl|"
    r"eu mon dipl|dipl[ôo]m)|\b(?:dropped out|quit|abandon\w*|arr[êe]t[ée]\w*|stopped)\b|"
    r"\b(?:currently|en train de|actuellement)\b", re.I)
# The programme the student is in now ("now I'm in the bachelor", "je fais un BTS"), right before its name.
CURRENT = re.compile(r"(?:i.?m in|i am in|i.?m doing|i am doing|je suis en|jsuis en|je fais|jfais|studying|i study|"
                     r"j.?[ée]tudie|inscrite? en|enrolled in)\s+(?:\w+\s+){0,2}$|\b(?:en|in)\s+$|"
                     r"\b(?:admitted|admise?|accepted|accept[ée]e?|enrolled|inscrite?|registered|start\w*|commenc\w*|"
                     r"d[ée]but\w*)\b\W+(?:\w+\s+){0,3}$", re.I)

CREDITS = re.compile(r"\b(\d{2,3})\s*(?:cr[ée]dits?(?:\s+ects)?|ects)\b", re.I)
CREDITS_OBTAINED = re.compile(
    r"\b(?:eu|obtenu|gagn[ée]|valid[ée]|réussi|reussi|acquis|got|gotten|earned|obtained|passed|completed|have|had|"
    r"fait|did|done)\s+(?:\w+\s+){0,2}$", re.I)
# "I did one year at the univ of Coimbra (60 ects)": credits of a period of studies done elsewhere.
CREDITS_OF_STUDIES_DONE = re.compile(
    r"\b(?:did|done|spent|studied|completed|finished|fait|pass[ée]|[ée]tudi[ée]|termin[ée]|r[ée]ussi)\s+(?:my\s+|mon\s+|ma\s+)?"
    r"(?:one|a|an|two|first|un|une|deux|premi[eè]re|\d)\s+(?:full\s+|whole\s+)?(?:years?|semesters?|ans?|ann[ée]es?|"
    r"semestres?)\b[^.?!]{0,50}$", re.I)
CREDITS_OBTAINED_AFTER = re.compile(r"^\s*(?:\w+\s+){0,2}(?:obtenu|acquis|gagn[ée]|r[ée]ussi|earned|obtained|passed|"
                                    r"completed|got)", re.I)
# Credits of the mobility itself: enrolled at the host, in the learning agreement.
CREDITS_OF_THE_MOBILITY = re.compile(r"(?-i:\bLA\b)|learning agreement|contrat d.[ée]tudes|enrol+ed|inscrite?s?|host|accueil|"
                                     r"\bwill\b|\bvais\b|\bprendre\b|\bsuivre\b|\btake\b|\btaking\b", re.I)
# Validated through the University's own procedure (Art. 33(2) of the law), not passed at the other
# university ("j'ai validé 45 crédits à l'ULB" says the exams were passed there).
VALIDATED_HERE = re.compile(
    r"validation des acquis|\bvae\b|\bvap\b|prior learning|(?:valid[ée]e?s?|reconnue?s?|recogni[sz]ed|validated|accepted|"
    r"accept[ée]e?s?)\s+(?:\w+\s+){0,2}(?:par|by)\s+(?:l.uni\w*|uni\.lu|the uni\w*|luxembourg|le luxembourg|ici|"
    r"the university of luxembourg|l.universit[ée] du luxembourg|my programme|mon programme)", re.I)
NOT_VALIDATED = re.compile(r"\b(?:pas|not|non|never|jamais|no)\s+(?:\w+\s+){0,3}valid|\bunvalidated\b|\bnon[- ]valid", re.I)

# Universities students name by their acronym, with their country (the others are named with a town).
INSTITUTIONS = {
    "ulb": "BE", "vub": "BE", "uclouvain": "BE", "kul": "BE", "uliege": "BE", "ulg": "BE", "ugent": "BE",
    "unamur": "BE", "umons": "BE", "usl-b": "BE", "ichec": "BE", "ephec": "BE", "helmo": "BE",
    "iut": "FR", "insa": "FR", "sorbonne": "FR", "sciences po": "FR", "iae": "FR",
    "rwth": "DE", "lmu": "DE", "tum": "DE", "htw": "DE", "uds": "DE", "fh": "DE",
    "hochschule": "DE", "universität": "DE", "universitat": "DE",
    "epfl": "CH", "eth": "CH", "ethz": "CH", "unil": "CH", "unige": "CH",
}
# "before coming to uni.lu": where the student studies now, not where the diploma comes from.
HERE_NOW = re.compile(
    r"(?:coming|came|come|moving|moved|arrived|arriving|transferring|transferred)\s+(?:to|in|here)\s*(?:luxembourg|lux\b|"
    r"uni\.lu|the uni\w*|university of luxembourg)?|"
    r"(?:venue?|venir|arriv[ée]e?|install[ée]e?s?)\s+(?:au\s+luxembourg|[àa]\s+(?:l.)?uni(?:\.lu|versit[ée])?(?: du luxembourg)?\b)|"
    # "before uni.lu I did a year in Coimbra": the time before the studies here, not a place of them
    r"\b(?:before|prior to|avant)\s+(?:(?:coming|joining|starting)\s+(?:to\s+|at\s+)?|(?:de\s+)?(?:venir|commencer|"
    r"rejoindre|entrer)\s+(?:[àa]\s+)?)?(?:l.)?(?:uni\.lu|(?-i:UL)\b|university of luxembourg|universit[ée] du luxembourg)",
    re.I)
# Elsewhere, the University of Luxembourg named is a place in Luxembourg ("my bachelor at uni.lu").
UNI_LU = re.compile(r"uni\.lu|university of luxembourg|universit[ée] du luxembourg|(?-i:\bUL\b)", re.I)
ABROAD_WORDS = re.compile(r"\b(?:abroad|[àa] l.[ée]tranger|foreign|[ée]trang[eè]re?s?|overseas)\b", re.I)
MIN_TOWN = 50_000  # inhabitants: a town named among other words (as actions.understanding.TOWN_IN_PASSING)
SKIP_WORDS = {"what", "about", "with", "from", "that", "this", "then", "there", "here", "more", "year", "years",
              "semester", "semesters", "before", "after", "avant", "apres", "après", "pour", "dans", "mais", "still",
              "now", "maintenant", "bachelor", "master", "licence", "diploma", "degree", "computer", "science",
              "sciences", "university", "universite", "université", "study", "studies", "hello", "bonjour",
              "mobility", "mobilité", "erasmus", "dispense", "exemption", "credits", "crédits"}


def _number(word: str) -> Optional[int]:
    return int(word) if word.isdigit() else NUMBERS.get(word.casefold())


def countries_named(text: str) -> Set[str]:
    """ISO codes of the places a message names: countries, towns of some size, universities by acronym
    or as "université de X" / "IUT of X", "là-bas" excluded (it names nothing itself). Luxembourg
    counts when the student places a studies there; "coming to uni.lu" does not (it is where they are now)."""
    from rules_core.gazetteer import gazetteer

    text = HERE_NOW.sub(" ", text or "")
    codes: Set[str] = {"LU"} if UNI_LU.search(text) else set()
    folded = text.casefold()
    for acronym, code in INSTITUTIONS.items():
        if re.search(rf"(?<![\w.]){re.escape(acronym)}(?![\w.])", folded):
            codes.add(code)
    words = re.findall(r"[^\W\d_][\w'’-]*", text)
    for i in range(len(words)):
        for candidate in (" ".join(words[i:i + 2]), words[i]):
            key = candidate.casefold().split("'")[-1].split("’")[-1]  # "l'ULB", "d'Arlon"
            if len(key) <= 3 or key in SKIP_WORDS:
                continue
            code = to_iso(key)
            if code:
                codes.add(code)
                continue
            places = gazetteer().lookup(key)
            if places and places[0].population >= MIN_TOWN and gazetteer().is_official_name(key):
                codes.add(places[0].country)
    return codes


def _diploma(text: str, answering: bool):
    """(semesters, only abroad, countries named around it) of the diploma the student says they hold, or None. The words around
    the diploma's name say whether it is held ("I did a DUT") and how long it took ("2 years")."""
    best = None
    for pattern, semesters, abroad_only in DIPLOMA_TYPES:
        for match in pattern.finditer(text):
            before = text[max(0, match.start() - 40):match.start()]
            after = text[match.end():match.end() + 40]
            if NOT_OBTAINED.search(before + " " + match[0] + " " + after) or CURRENT.search(before):
                continue  # "je fais un BTS", "a bachelor I never finished"
            held = OBTAINED.search(before) or re.search(r"\b(?:obtenu|obtained|en poche|graduated|in hand)\b", after, re.I)
            if not (held or answering):
                continue
            window = text[max(0, match.start() - 60):match.end() + 60]
            if semesters is None and SCHOOL.search(window):
                continue  # "my high-school diploma (4 years)": secondary school, not higher education
            said = [_number(m[1]) * (2 if re.match(r"y|an|ann", m[2], re.I) else 1) for m in DURATION.finditer(window)]
            said += [int(m[1]) * 2 for m in BAC_PLUS.finditer(window)]
            said = [n for n in said if n]
            length = max(said) if said else semesters
            if best is None or (length or 0) > (best[0] or 0):
                # where: what the sentence says around the diploma ("a DUT at the IUT of Metz"), not a
                # host named elsewhere in the message
                best = (length, abroad_only, countries_named(text[max(0, match.start() - 60):match.end() + 100]))
    return best


def diploma_ground(text: str, answering: bool = False) -> Optional[str]:
    """Ground 1° when the message says the student holds a diploma of enough semesters from abroad.
    `answering`: the message answers "which of these grounds applies?", so a diploma named is theirs."""
    diploma = _diploma(text, answering)
    if diploma is None:
        return None
    semesters, abroad_only, countries = diploma
    if not countries and (abroad_only or ABROAD_WORDS.search(text) or answering):
        countries = {"abroad"}  # a DUT is French; "a foreign diploma": outside Luxembourg, country unsaid
    return "foreign_diploma_four_semesters" if foreign_diploma_ground(semesters, countries) else None


def credits_ground(text: str, answering: bool = False) -> Optional[str]:
    """Ground 2° (validated, or not yet) for credits the student says they obtained abroad."""
    for match in CREDITS.finditer(text):
        before, after = text[max(0, match.start() - 40):match.start()], text[match.end():match.end() + 30]
        if CREDITS_OF_THE_MOBILITY.search(before + match[0] + after):
            continue  # "30 ECTS on my LA": the mobility's own credits
        wider = text[max(0, match.start() - 80):match.start()]
        if not (CREDITS_OBTAINED.search(before) or CREDITS_OBTAINED_AFTER.search(after) or answering
                or CREDITS_OF_STUDIES_DONE.search(wider)):
            continue
        countries = countries_named(text)
        if not countries and (ABROAD_WORDS.search(text) or re.search(r"l[àa][- ]bas|over there", text, re.I)):
            countries = {"abroad"}
        # Answering the list, whose options say "validated", a bare "validés" means that procedure.
        said_validated = VALIDATED_HERE.search(text) or (answering and re.search(r"valid|recogni|reconnu", text, re.I))
        validated = bool(said_validated) and not NOT_VALIDATED.search(text)
        ground = foreign_credits_ground(int(match[1]), validated, countries)
        if ground is not None:
            return ground.value
    return None


CORRECTION = re.compile(r"\b(?:sorry|wait|oops|oups|actually|my bad|mixed up|i was wrong|i meant|correction|pardon|"
                        r"d[ée]sol[ée]e?|en fait|je me suis tromp[ée]e?|j.ai confondu|je voulais dire|plut[ôo]t)\b", re.I)


def corrects_school_diploma(text: str) -> bool:
    """Whether the message corrects where the secondary-school diploma is from, placing it in Luxembourg
    or the EU ("wait sorry, my bac is from the lycée in Luxembourg"): that rules out ground 5°, whatever
    was read of it before."""
    from rules_core.countries import is_eu

    return bool(CORRECTION.search(text or "") and SCHOOL.search(text or "")) and \
        any(code == "LU" or is_eu(code) for code in countries_named(text))


def without_childhood(text: str) -> str:
    """The text without "as a kid" / "quand j'étais petit": no child of one's own."""
    return CHILDHOOD.sub(" ", text or "")


def stated_grounds(text: str, answering: bool = False) -> List[str]:
    """Grounds 1° and 2° stated in everyday words (the others: actions.understanding.STATED_GROUNDS)."""
    return [g for g in (diploma_ground(text, answering), credits_ground(text, answering)) if g]


def names_credits_abroad(grounds: Iterable[str]) -> bool:
    return any(g in ("foreign_credits_validated", "foreign_credits_not_validated") for g in grounds)
