"""The languages a student names: the host's teaching language ("courses in spanish", "les cours en anglais",
"english-taught courses") and their own mother tongues ("spanish is my first language", "ma langue maternelle
est l'allemand"). Whether the student is a native speaker of the teaching language (Art. 12(1)) follows when
both are said, in one message or across the conversation ("and if I took the English-taught courses instead?").
Language processing only, as in actions/understanding.py.
"""
from __future__ import annotations

import re
from typing import Iterable, Optional, Set, Tuple

# Language names in English and French (with their common short forms), by ISO 639-1 code.
LANGUAGES = {
    "en": ["english", "anglais", "eng"], "fr": ["french", "français", "francais", "franç", "fr"],
    "de": ["german", "allemand", "deutsch"], "es": ["spanish", "espagnol", "castellano", "castilian", "castillan"],
    "it": ["italian", "italien"], "pt": ["portuguese", "portugais"], "nl": ["dutch", "néerlandais", "neerlandais",
                                                                            "flemish", "flamand"],
    "pl": ["polish", "polonais"], "sv": ["swedish", "suédois", "suedois"], "da": ["danish", "danois"],
    "fi": ["finnish", "finnois"], "cs": ["czech", "tchèque", "tcheque"], "el": ["greek", "grec"],
    "ro": ["romanian", "roumain"], "hu": ["hungarian", "hongrois"], "lb": ["luxembourgish", "luxembourgeois", "lux"],
    "ca": ["catalan"], "ja": ["japanese", "japonais"], "zh": ["chinese", "chinois", "mandarin"],
    "ko": ["korean", "coréen", "coreen"], "ru": ["russian", "russe"], "tr": ["turkish", "turc"],
    "ar": ["arabic", "arabe"],
}
_CODE = {name: code for code, names in LANGUAGES.items() for name in names}
_NAME = "(" + "|".join(sorted((re.escape(n) for n in _CODE if len(n) > 3), key=len, reverse=True)) + ")"

# "courses in spanish", "taught in English", "les cours sont en anglais", "enseignement en allemand",
# "english-taught courses", "english taught", "the spanish track", "courses given in french".
TEACHING = [
    re.compile(r"\b(?:courses?|classes|lectures|modules|programme|program|track|teaching|taught|given|held|"
               r"cours|enseignements?|enseign[ée]e?s?|donn[ée]s|dispens[ée]s|fili[eè]re)\s+"
               r"(?:[^\W\d_][\w'’-]*\s+){0,4}?"  # "les cours à Vienne sont en allemand", "courses there are all in"
               r"(?:in|en)\s+(?:l.)?" + _NAME + r"\b", re.I),
    re.compile(r"\b" + _NAME + r"[- ](?:taught|speaking|language|medium)\s+(?:courses?|classes|lectures|modules|"
               r"programme|program|track|option)\b|\b" + _NAME + r"[- ]taught\b", re.I),
    re.compile(r"\b(?:courses?|cours|programme|track|fili[eè]re)\s+(?:en\s+)?(?:anglophones?|francophones?|"
               r"germanophones?|hispanophones?|lusophones?|italophones?)\b", re.I),
]
_PHONE = {"anglophone": "en", "francophone": "fr", "germanophone": "de", "hispanophone": "es",
          "lusophone": "pt", "italophone": "it"}

_MINE = r"(?:(?:is|'s|’s|est|c.est)\s+)?(?:\w+\s+){0,2}?(?:my|ma|mon)\s+"
_TONGUE = r"(?:first|native|mother|home)\s+(?:language|tongue)|mother-?tongue|langue\s+(?:maternelle|natale)|" \
          r"premi[eè]re\s+langue"
# "spanish is literally my first language", "my mother tongue is German", "ma langue maternelle c'est
# l'italien", "native spanish speaker", "je suis hispanophone de naissance", "spanish yes" (to the question).
NATIVE = [
    re.compile(r"\b" + _NAME + r"\s+" + _MINE + r"(?:" + _TONGUE + r")", re.I),
    re.compile(r"\b(?:my|ma|mon)\s+(?:" + _TONGUE + r")\s+(?:is|est|c.est|=|:)?\s*(?:l.|le\s+)?" + _NAME + r"\b", re.I),
    re.compile(r"\bnative\s+" + _NAME + r"(?:\s+speaker)?\b|\b" + _NAME + r"\s+native(?:\s+speaker)?\b|"
               r"\blocut(?:eur|rice)\s+nati(?:f|ve)\s+(?:en\s+|d.|de\s+l.)?\s*" + _NAME + r"\b", re.I),
]
ANSWERED_NATIVE = re.compile(r"\b" + _NAME + r"\s*(?::|,)?\s*(?:yes|yeah|oui|yep)\b", re.I)


def _code(word: str) -> Optional[str]:
    return _CODE.get(word.casefold())


def teaching_language(text: str) -> Optional[str]:
    """The ISO code of the teaching language the message names, or None."""
    for pattern in TEACHING:
        match = pattern.search(text or "")
        if match:
            named = next((g for g in match.groups() if g), None)
            if named:
                return _code(named)
            word = re.search(r"(anglo|franco|germano|hispano|luso|italo)phone", match[0], re.I)
            return _PHONE.get(word[0].casefold()) if word else None
    return None


def native_languages(text: str, answering: bool = False) -> Set[str]:
    """The languages the student says are their mother tongue (also "spanish yes", when the native-speaker
    question is what they answer)."""
    found = {_code(m[1]) for pattern in NATIVE for m in pattern.finditer(text or "")}
    if answering:
        found |= {_code(m[1]) for m in ANSWERED_NATIVE.finditer(text or "")}
    return {code for code in found if code}


def native_speaker(text: str, earlier: Iterable[Tuple[str, bool]] = (), answering: bool = False) -> Optional[bool]:
    """Whether the student is a native speaker of the teaching language the message names, when the message
    (or what the student said before: (text, whether it answered the native-speaker question)) names their
    mother tongue; None when it cannot tell."""
    teaching = teaching_language(text)
    if teaching is None:
        return None
    natives = native_languages(text, answering)
    for said, answered in earlier:
        natives |= native_languages(said, answered)
    return (teaching in natives) if natives else None
