"""Where a place stands in a sentence: the host named by its university ("uni liege", "TU Kaiserslautern",
"KU Leuven", "UNAM"), the host a short follow-up proposes ("et sarrebruck à la place ?", "c pas metz c
lisbonne"), and the student's own country ("an international student from India", "je viens du Maroc"),
which is never the host when another place is named as the destination.
Language processing only, as in actions/understanding.py; the towns come from rules_core.gazetteer.
"""
from __future__ import annotations

import re
from typing import Optional

from rules_core.countries import to_iso

# Universities students name by a short name alone, with the town they are in.
KNOWN_INSTITUTIONS = {
    "kul": "Leuven", "ulb": "Brussels", "vub": "Brussels", "uliege": "Liège", "ulg": "Liège", "ugent": "Gent",
    "unamur": "Namur", "umons": "Mons", "uclouvain": "Louvain-la-Neuve", "rwth": "Aachen", "lmu": "Munich",
    "tum": "Munich", "kit": "Karlsruhe", "epfl": "Lausanne", "unil": "Lausanne", "unige": "Geneva", "ethz": "Zurich",
    "unam": "Mexico City", "sorbonne": "Paris", "sciences po": "Paris", "lse": "London", "kcl": "London",
    "tcd": "Dublin", "ucd": "Dublin", "uva": "Amsterdam", "complutense": "Madrid", "bocconi": "Milan",
    "sapienza": "Rome", "waseda": "Tokyo", "keio": "Tokyo", "mcgill": "Montreal", "unsw": "Sydney",
    "uds": "Saarbrücken", "htw saar": "Saarbrücken", "uni saar": "Saarbrücken",
    "université laval": "Quebec", "universite laval": "Quebec", "laval university": "Quebec", "ulaval": "Quebec",
}
# Words that name a university or school before its town: "uni liège", "TU Delft", "Université de Lille",
# "University of Vienna", "HEC Montréal", "Hochschule Trier", "u of toronto". Short upper-case prefixes are
# read as written ("TU", "KU"), not as the words "tu" or "ku".
_INSTITUTION_WORD = (
    r"(?:\b(?i:uni|univ|university|universit[ée]|universite|universidad|universidade|universit[àa]|universit[äa]t|"
    r"universiteit|uniwersytet|hochschule|fachhochschule|polytechnique|politecnico|polytech|[ée]cole|institut|"
    r"institute|college|coll[èe]ge|iut|insa|iae|kedge|neoma|skema|essec|hec|epf|htw|fh|u(?=\s+(?:of|de)\s))\b"
    r"|(?-i:\b(?:TU|KU|FU|HU|LMU|TH|ETH|UC|UCL|UPC|UPV|UAB|UAM|UNI|HEC)\b))")
INSTITUTION_BEFORE = re.compile(
    _INSTITUTION_WORD + r"\.?\s+(?:(?i:of|de|du|des|d'|d’|di|der|des|in|at|à|a|la|le)\s+)*"
    r"([^\W\d_][\w'’-]*(?:[ -][^\W\d_][\w'’-]*)?)")
# ... or named by a region or a founder, its town said after it: "univ de lorraine in nancy", "Université
# Paul Sabatier à Toulouse", "uni of the basque country (bilbao)".
INSTITUTION_THEN_TOWN = re.compile(
    _INSTITUTION_WORD + r"\.?((?:[ -][\w'’.-]+){0,4}?)\s*(?:\s(?i:in|at|à|a|en)\s+|\(\s*)"
    r"([^\W\d_][\w'’-]*(?:[ -][^\W\d_][\w'’-]*)?)")
# A short prefix written in lower case ("tu kaiserslautern", "ku leuven"): only with the town right after it,
# a word of four letters at least, so that the French "tu" ("tu pars à Lyon", "tu as sur…") is not read as one.
INSTITUTION_BEFORE_LOWER = re.compile(r"(?<![\w.])(?i:tu|ku|fu|hu|th|eth|lmu)\s+([^\W\d_][\w'’-]{3,}(?:[ -][^\W\d_][\w'’-]*)?)")
# ... or after it: "Leuven university", "la fac de Nancy" is before, "Trier uni" after.
INSTITUTION_AFTER = re.compile(r"\b([^\W\d_][\w'’-]*)\s+(?i:uni|univ|university|universit[äa]t|universiteit|college)\b")


# Words after a university's name that are no town ("the uni in the fall", "TU next semester").
NOT_A_TOWN = {"next", "this", "that", "then", "there", "here", "semester", "semestre", "year", "annee", "spring", "summer",
              "autumn", "fall", "winter", "printemps", "automne", "hiver", "program", "programme", "course", "courses",
              "student", "students", "erasmus", "exchange", "free", "mover", "grant", "bourse", "instead", "place",
              "with", "avec", "pour", "for", "and", "what", "about", "they", "them", "have", "same", "also", "aussi",
              "alors", "plutot", "rather", "bachelor", "master", "licence", "science", "sciences", "law", "droit"}
TOWN_MIN_POPULATION = 50_000  # as actions.understanding.TOWN_IN_PASSING: a town named among other words


def named_town(candidate: str) -> Optional[str]:
    """A country, or a town of TOWN_MIN_POPULATION inhabitants by any of its names ("sarrebruck",
    "lisbonne"), for words the sentence already places as a destination."""
    from rules_core.gazetteer import gazetteer
    from rules_core.normalize import fold

    for words in (candidate, re.sub(r"^(?:the|la|le|les|l')\s*", "", candidate, flags=re.I)):
        key = fold(words)
        if len(key) <= 3 or key in NOT_A_TOWN or any(part in NOT_A_TOWN for part in key.split()):
            continue
        if to_iso(words):
            return words
        places = gazetteer().lookup(words)
        if places and places[0].population >= TOWN_MIN_POPULATION:
            return words
    return None


def _town(words: str) -> Optional[str]:
    """The town (or country) two or one words name, by any of its names."""
    parts = words.split()
    candidates = [" ".join(parts[:2]), parts[0]] if len(parts) > 1 else parts[:1]
    if len(parts) > 1 and parts[0].casefold() in ("la", "le", "les", "the"):  # "la haye", "the hague", "le havre"
        candidates = [" ".join(parts[:2]), " ".join(parts[1:3]), parts[1]]
    for candidate in candidates:
        if candidate.casefold() in INSTITUTION_WORDS:
            continue
        place = named_town(candidate)
        if place:
            return place
    return None


INSTITUTION_WORDS = {"uni", "univ", "university", "université", "universite", "of", "de", "du", "the", "la", "le",
                     "luxembourg", "lux"}  # the University of Luxembourg is home, never a host


# A university the student was at before ("my licence at the université de Lorraine", "I did a year at
# uni Coimbra"): where a diploma or credits come from, not the host.
EARLIER_STUDIES = re.compile(r"\b(?:did|done|finished|completed|graduated|studied|obtained|got|had|was|were|before|"
                             r"previous(?:ly)?|former|fait|fini|obtenu|eu|étudié|etudie|était|etait|avant|ancien(?:ne)?|"
                             r"licence|bachelor|master|diploma|diplôme|degree|dut|bts|credits|crédits|ects)\b", re.I)


def institution_towns(text: str):
    """(position, town) of each university a message names ("uni liege", "KU Leuven", "UNAM").
    uni.lu, the University of Luxembourg, is the home university: never one of them."""
    text = text or ""
    folded = text.casefold()
    found = []
    for name, town in KNOWN_INSTITUTIONS.items():
        for match in re.finditer(rf"(?<![\w.]){re.escape(name)}(?![\w.])", folded):
            found.append((match.start(), town))
    for pattern in (INSTITUTION_BEFORE, INSTITUTION_BEFORE_LOWER, INSTITUTION_AFTER):
        for match in pattern.finditer(text):
            town = _town(match[1])
            if town and to_iso(town) != "LU" and town.casefold() not in INSTITUTION_WORDS:
                found.append((match.start(), town))
    for match in INSTITUTION_THEN_TOWN.finditer(text):
        if re.search(r"\blux|\buni\.lu", match[1], re.I):
            continue  # "the University of Luxembourg in Belval": home
        town = _town(match[2])
        if town and to_iso(town) != "LU" and town.casefold() not in INSTITUTION_WORDS:
            found.append((match.start(), town))
    return sorted(found, key=lambda item: item[0])  # stable: a known name before a guess at the same place


# "j'ai obtenu une place Erasmus+ à l'Université de Heidelberg", "I got a spot at uni Graz": a place granted
# there is the host, not studies done before.
PLACE_GRANTED = re.compile(r"\b(?:obtenu|obtained|got|eu|had|received|reçu)\s+(?:une?|a|an|ma|my|mon|the|la|le)\s+"
                           r"(?:place|spot|seat|nomination|slot)\b", re.I)


def institution_town(text: str) -> Optional[str]:
    """The town of the first university a message names, or None."""
    found = institution_towns(text)
    return found[0][1] if found else None


def host_institution_town(text: str) -> Optional[str]:
    """The town of a university the message names as the host: not one the student studied at before
    ("I did a year at univ of coimbra", "ma licence à l'université de Lorraine")."""
    for start, town in institution_towns(text):
        before = (text or "")[max(0, start - 50):start]
        if not EARLIER_STUDIES.search(PLACE_GRANTED.sub(" ", before)):
            return town
    return None


# The student's own country: "I am an international student from India", "im from brazil", "je viens du
# Maroc", "originaire de Tunisie". (Not "back from Madrid", "a grant from uni.lu", "credits from Coimbra".)
# "I'm back from Madrid", "my credits come from Coimbra": no origin.
_SELF_FROM = (r"\b(?:i\s*.?\s*m|i am|im|we are|we.re|student|originally|i come|we come|native)\b"
              r"(?:\s+(?!back\b|home\b|returning\b|returned\b|coming\b|just\b|fresh\b)[\w-]+){0,3}?\s+from")
ORIGIN_BEFORE = re.compile(
    rf"(?:{_SELF_FROM}|\bje\s+viens|\bj.?viens|\bjviens|\boriginaires?|\bje suis natif|\bje suis native)"
    r"\s+(?:de\s+l.|du\s+|des\s+|de\s+|d.|en\s+|au\s+|aux\s+|in\s+)?(?:the\s+)?$", re.I)
ORIGIN_PLACE = re.compile(
    rf"(?:{_SELF_FROM}|\bje\s+viens|\bj.?viens|\boriginaires?)\s+(?:de\s+l.|du\s+|des\s+|de\s+|d.|en\s+|au\s+|aux\s+)?"
    r"(?:the\s+)?([^\W\d_][\w'’-]*(?:\s[^\W\d_][\w'’-]*)?)", re.I)


def origin_cued(text: str, start: int) -> bool:
    """Whether the place starting at `start` is where the student comes from ("student from India")."""
    return bool(ORIGIN_BEFORE.search((text or "")[max(0, start - 60):start]))


# Where the student lives now: "j'habite chez mes parents à Sarrebruck", "I live with my parents in Trier",
# "je fais la navette depuis Metz". Beside another place named, that other place is the host.
HOME_BEFORE = re.compile(
    r"(?:\bj.?habite|\bjhabite|\bje vis|\bje r[ée]side|\bi live|\bi.?m living|\bim living|\bwe live|\bi reside|"
    r"\bdomicili[ée]e?|\bcommute from|\bnavette depuis|\bje fais la navette de)"
    r"(?:\s+(?:toujours|still|encore|actually|currently|actuellement))?"
    r"(?:\s+(?:chez|with|at)\s+(?:mes|my|les|me)\s+(?:parents?|family|famille|grands?-parents|mum|mom|dad|mère|père))?"
    r"(?:\s+(?:à|a|in|en|au|aux|from|depuis|de|near|près de))?\s+(?:the\s+)?$", re.I)


def home_cued(text: str, start: int) -> bool:
    """Whether the place starting at `start` is where the student lives ("j'habite chez mes parents à Sarrebruck")."""
    return bool(HOME_BEFORE.search((text or "")[max(0, start - 60):start]))


def origin_country(text: str) -> Optional[str]:
    """The ISO code of the country the student says they come from, if a country is so named (a town is
    not enough: "I'm from Porto" may be where they live now)."""
    for match in ORIGIN_PLACE.finditer(text or ""):
        words = match[1].split()
        for candidate in (" ".join(words), words[0]):
            code = to_iso(candidate)
            if code and len(candidate) > 2:
                return code
    return None


# A short follow-up's slot for a place: after "et / and / what about / c'est / plutôt", or before
# "à la place / instead / plutôt": "et sarrebruck a la place ?", "c pas metz c lisbonne", "and leuven?".
FOLLOW_UP_SLOT = re.compile(
    r"(?:^|[\s,.;:!?(])(?i:et|and|or|ou|what about|how about|et pour|and for|c|c.est|cest|it.?s|plut[ôo]t|rather|"
    r"pour|for|à|a|au|en|in|at|to|vers|then)\s+(?:(?i:à|a|au|aux|en|in|at|to|pour|for|vers)\s+)?"
    r"((?:(?i:la|le|les|the|l')\s*)?[^\W\d_][\w'’-]*(?:[ -][^\W\d_][\w'’-]*)?)"
    r"|([^\W\d_][\w'’-]*)\s+(?i:à la place|a la place|instead|plut[ôo]t|rather|alors)\b")
