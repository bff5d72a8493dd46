"""Which language a message is written in, from spaCy's stop-word lists.

French and English are the assistant's languages; German and Luxembourgish are
recognised so the student can be told politely which languages it speaks. A message
with too few clues ("ok", "B3", "Erasmus+") has no language of its own: the
conversation keeps its language.
"""
from __future__ import annotations

import re
from functools import lru_cache
from typing import Dict, FrozenSet, Optional

SUPPORTED = ("fr", "en")
_WORDS = re.compile(r"[^\W\d_]+", re.UNICODE)
# "1er", "2nd", "3ème": the ordinal ending of a number is no word of any language ("er" is German).
_ORDINALS = re.compile(r"\d+(?:er|ère|re|e|ème|eme|st|nd|rd|th)\b", re.IGNORECASE)

# Domain words students use that stop-word lists do not hold.
_EXTRA = {
    "fr": {"bourse", "semestre", "étranger", "etranger", "partir", "dispense", "stage", "frais", "oui", "non",
           "merci", "bonjour", "salut", "faut", "dois", "suis", "quand", "combien", "cours", "heures", "jours",
           "crédits", "obligatoire", "prolonger", "annuler", "licence", "inscription", "logement", "désolé",
           "plutôt", "français", "étudiant", "svp", "stp", "puis", "peux", "veux", "coucou", "jsuis",
           "janvier", "février", "fevrier", "mars", "avril", "mai", "juin", "juillet", "août", "aout", "septembre",
           "octobre", "novembre", "décembre", "decembre"},
    "en": {"grant", "semester", "abroad", "go", "exemption", "internship", "fees", "yes", "no", "thanks", "thank",
           "hello", "hi", "must", "when", "how", "courses", "hours", "days", "compulsory", "extend", "cancel",
           "need", "funding", "housing", "want", "can", "get", "have", "am", "my", "do", "does", "actually",
           "sorry", "prefer", "english", "please", "student", "which", "what", "where", "will", "would",
           "january", "february", "march", "april", "june", "july", "august", "september", "october", "november",
           "december", "pls", "plz", "human", "hey", "quick",
           # SMS English: "im" is also German ("im Ausland"), so it weighs for both rather than for German alone
           "im", "ive", "dont", "cant", "wont", "idk", "u", "ur", "lol", "tbh", "gonna", "wanna"},
    "de": {"ich", "muss", "nicht", "ausland", "semester", "danke", "hallo", "stipendium", "wann", "kann", "bin"},
    "lb": {"ech", "muss", "net", "ausland", "merci", "moien", "wéi", "kann", "sinn", "hunn", "wann"},
}


@lru_cache(maxsize=1)
def _lexicons() -> Dict[str, FrozenSet[str]]:
    from spacy.lang.de.stop_words import STOP_WORDS as DE
    from spacy.lang.en.stop_words import STOP_WORDS as EN
    from spacy.lang.fr.stop_words import STOP_WORDS as FR
    from spacy.lang.lb.stop_words import STOP_WORDS as LB

    words = {"fr": set(FR) | _EXTRA["fr"], "en": set(EN) | _EXTRA["en"], "de": set(DE) | _EXTRA["de"],
             "lb": set(LB) | _EXTRA["lb"]}
    return {lang: frozenset(own) for lang, own in words.items()}


# Names students use whatever their language ("the Fonds de mobilité"): no evidence of French.
_PROPER_NAMES = re.compile(r"\bfonds? de (?:la )?mobilit[ée]\b", re.IGNORECASE)


# "TU Wien", "UL", "LA": an acronym in a message that is not shouted is a name, no word of a language
# ("TU" would otherwise be French "tu").
_ACRONYM = re.compile(r"^[A-Z]{2,}$")


def _scores(text: str) -> Dict[str, float]:
    words = _WORDS.findall(_ORDINALS.sub(" ", _PROPER_NAMES.sub(" ", text or "")))
    shouted = not re.search(r"[a-zà-ÿ]", text or "")
    tokens = [t.casefold() for t in words if shouted or not _ACRONYM.match(t)]
    lexicons = _lexicons()
    scores = {lang: 0.0 for lang in lexicons}
    for token in tokens:
        holders = [lang for lang, words in lexicons.items() if token in words]
        for lang in holders:  # a word several languages hold is weak evidence for each
            scores[lang] += 1 / len(holders)
    return scores


def lean(text: str) -> Optional[str]:
    """French or English, on the faintest evidence ("indian passport, lux residence permit. visa??"):
    for a conversation's first message, where there is no earlier language to keep."""
    scores = _scores(text)
    if scores["fr"] == scores["en"]:
        return None
    return "fr" if scores["fr"] > scores["en"] else "en"


def detect(text: str) -> Optional[str]:
    """'fr', 'en', 'de', 'lb', or None when the text gives too few clues."""
    if not _WORDS.search(text or ""):
        return None
    scores = _scores(text)
    if re.search(r"[éèêàçùâîôûœ]", text or "", re.IGNORECASE):
        scores["fr"] += 1
    if scores["de"] > 0 and re.search(r"[äöüß]", text or "", re.IGNORECASE):
        scores["de"] += 1  # umlauts back up German words, but alone they are just a town name
    ranked = sorted(scores.items(), key=lambda kv: -kv[1])
    (best, top), (_, second) = ranked[0], ranked[1]
    return best if top >= 0.75 and top > second else None


SHORT_REPLY_WORDS = 2  # "non", "ok merci", "yes pls": too short to switch a conversation's language
# A conversation switches language on a message that holds more than one word of the other language:
# one stray word ("sept" in "master (starting sept 2027)", "tu" in "tu wien") is a name or a number.
SWITCH_EVIDENCE = 1.5


def conversation_language(detected: Optional[str], previous: Optional[str], prior: Optional[str],
                          text: Optional[str] = None) -> str:
    """The language to answer in: the message's, else the conversation's, else the channel's hint.

    A reply of a word or two ("non" in an English conversation: bilingual students mix) keeps the
    conversation's language; a sentence in the other language switches it."""
    short = text is not None and len(_WORDS.findall(text)) <= SHORT_REPLY_WORDS
    faint = text is not None and detected != previous and _scores(text).get(detected or "", 0) < SWITCH_EVIDENCE
    if detected in SUPPORTED and not ((short or faint) and previous in SUPPORTED):
        return detected
    if previous in SUPPORTED:
        return previous
    if prior and prior[:2].lower() in SUPPORTED:
        return prior[:2].lower()
    if detected is None and text and lean(text):  # a first message with few clues: the faintest decide
        return lean(text)
    return "fr"
