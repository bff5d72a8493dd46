"""Questions a student names in their own words, typos and SMS style included, for the turns the
classifier misses (it falls back, or takes a long message for an out-of-scope one).

Read by `actions.understanding.named_question` after its own cues. Each cue names the question
only: the facts the message gives are read elsewhere, and the rules core decides the answer.
"""
from __future__ import annotations

import re
from typing import List, Optional, Tuple

from actions.dates import CHANGE_WORDS

# Adverbs students put between the words of a question ("realy compulsory", "vraiment obligatoire").
_ADVERBS = (r"(?:(?:really|realy|rly|actually|still|truly|absolutely|definitely|even|also|honestly|"
            r"vraiment|vraiement|vrmt|vrm|toujours|encore|quand m[eê]me|qd m[eê]me|forc[ée]ment|absolument|bien|"
            r"obligatoirement|aussi)\s+)*")
_MANDATORY = r"(?:compulsory|compulsary|mandatory|mandatary|obligatory|obligatoire|obligatoir|required|a must)"
# What the obligation is about: the semester abroad under any of its names ("semestre abroad", "séjour à l'étranger").
_MOBILITY = (r"(?:(?:the |a |my |this |that |le |la |ce |cette |l['’] ?|un |une )?(?:sem\w*|year|term|period|stay|time|"
             r"exchange|mobility)\s+(?:abroad|overseas|[àa] l['’ ]?[ée]tranger|de mobilit[ée]|of mobility)|"
             r"(?:the |a |my |this |le |la |ce |l['’] ?)?(?:mobility|mobilit[ée]|study abroad|going abroad|"
             r"(?:mobility|exchange|erasmus) semester|semestre (?:de mobilit[ée]|d['’ ]?[ée]change|erasmus)|"
             r"s[ée]jour (?:[àa] l['’ ]?[ée]tranger|de mobilit[ée])|partir (?:[àa] l['’ ]?[ée]tranger|en (?:mobilit[ée]|"
             r"erasmus|[ée]change))))")
# What may follow "do I have to do the mobility semester": the end of the question, not its timing
# ("…in semester 5?" asks when, not whether).
_CLAUSE_END = r"(?=\s*(?:abroad|overseas|[àa] l['’ ]?[ée]tranger|at all|anyway|anymore|then|now|too|as well|[,;?!.]|$))"

OBLIGATION = re.compile(
    # "is the semestre abroad realy compulsory??"
    rf"\b(?:is|are)\s+{_MOBILITY}\s+{_ADVERBS}{_MANDATORY}\b"
    # "la mobilité c vraiment obligatoire ?", "the exchange semester is mandatory??" (a verb: "la mobilité
    # obligatoire" alone names the obligation, it does not ask about it)
    rf"|{_MOBILITY}\s*,?\s*(?:is|it.?s|est|est-elle|est-il|c.est|c|ca|ça|reste|remains)\s+{_ADVERBS}{_MANDATORY}\b"
    rf"(?=\s*(?:for (?:me|us|everyone|all)|pour (?:moi|nous|tout le monde|tous)|in (?:my|the|our) \w+|en \w+|[,;?!.]|$))"
    # "is it really compulsory to go abroad?", "c'est obligatoire de partir ?"
    rf"|(?:is it|it.?s|is that|c.est|c|est-ce)\s+{_ADVERBS}{_MANDATORY}\s+(?:to|de|d['’])\s*(?:go|study|do|spend|leave|"
    rf"partir|aller|faire)\b"
    # "do I still need to go abroad?", "must I really go on exchange?"
    rf"|(?:\b(?:i|we)\s+{_ADVERBS}(?:have to|need to|must|got to|gotta|am obliged to|am required to)|\bmust\s+(?:i|we))"
    rf"\s+{_ADVERBS}"
    rf"(?:go abroad|study abroad|go on (?:an? )?(?:exchange|erasmus|mobility)|leave){_CLAUSE_END}"
    # "do I still need to do the mobility semester??"
    rf"|\b(?:i|we)\s+{_ADVERBS}(?:have to|need to|must|got to|gotta|am obliged to|am required to)\s+{_ADVERBS}"
    rf"(?:do|make|go on|go for)\s+(?:the|a|my|this|that|one|an)\s+(?:\w+\s+){{0,2}}?"
    rf"(?:semester|semster|semestre|mobility|exchange|erasmus)(?:\s+(?:abroad|semester))?{_CLAUSE_END}",
    re.I)
# Not the obligation itself: another document or meeting that is mandatory, another university's rule,
# or a second departure (Art. 19, Art. 24: their own questions).
NOT_OBLIGATION = re.compile(
    r"(?:contrat|contract|r[ée]union|meeting|session|s[ée]ance)\s+(?:d.info\w*\s+|de\s+|of\s+|about\s+)?(?:la\s+|the\s+)?"
    r"mobilit|mobility (?:contract|info|meeting)|\bagain\b|[àa] nouveau|de nouveau|encore une fois|\brepartir\b|"
    r"\bre-?do\b|another semester", re.I)
# Questions about another university's students, or about doctoral candidates: not the circular's,
# whatever question their words name (read by actions.understanding.named_question for every cue).
NOT_OURS_STRICT = re.compile(r"their (?:own )?(?:\w+ )?students|leurs? (?:propres )?[ée]tudiants|chez eux|\bphd\b|doctora\w*|"
                             r"doctorant", re.I)
NOT_OURS = NOT_OURS_STRICT.pattern + r"|for their|do they\b|ont-ils"

# The University of Luxembourg as students name it ("uni.lu", "l'uni", "the university").
_THE_UNIVERSITY = (r"(?:uni\.lu|uni|university|universit[ée]|ul|university of luxembourg|universit[ée] du luxembourg)"
                   r"(?![\w.-]*\s+(?:de|of|in|à|a)\s+(?!luxembourg)[A-Z])")
FUNDING = re.compile(
    # "is it out of the 100km zone so I get funding?": the 100 km line is the grant's rule (Art. 5(4))
    r"\b100\s?(?:km|kilom\w*)\b.{0,60}\b(?:fund\w*|grant|bourse|financ\w*|money|argent|scholarship)"
    r"|\b(?:fund\w*|grant|bourse|financ\w*|money|argent|scholarship)\b.{0,60}\b100\s?(?:km|kilom\w*)\b"
    # "will I get the Erasmus grant then?", "j'ai droit à la bourse ?"
    r"|\b(?:get|receive|qualify for|eligible for|entitled to)\s+(?:the |a |any |an |some )?(?:erasmus\+? |mobility )?"
    r"(?:grant|funding)\b|(?:droit [àa]|toucher|obtenir|recevoir)\s+(?:la |une |de la )?(?:bourse|financement)\b"
    # "j'aurai la bourse erasmus ?", "qui me verse la bourse ?", "who pays the grant?", "do i get money for it?"
    r"|\b(?:j.?aurai[st]?|aurai[st]?[- ]je|on aura|je touche\w*|touche[- ]t[- ]on|vers\w*|pai\w*|pay\w*)\s+"
    r"(?:\w+\s+){0,2}?(?:la |une |ma |the |my |a |any )?(?:bourse|grant|funding|fonds de mobilit\w*)\b"
    r"|\b(?:bourse|grant|fonds de mobilit\w*)\b[^.?!]{0,40}\b(?:pour moi|for me|paid|vers[ée]e|pay[ée]e)\b"
    # "la bourse c'est l'uni qui la verse ou l'epfl ?", "the grant, who pays it?": who pays the grant
    r"|\b(?:bourse|grant|fonds de mobilit\w*)\b[^.?!]{0,60}\b(?:qui|who|which (?:uni\w*|one))\b[^.?!]{0,30}"
    r"\b(?:la |le |l.|it |me |m.)?(?:verse|versent|paie|paye|pays|finance|g[èe]re|manages?)\b"
    # "whether I can still apply for the Fonds de mobilité", "postuler pour la bourse"
    r"|\b(?:apply|applying|candidater|postuler|demander|request)\s+(?:for|to|pour|à|a|au)?\s*(?:the |la |le |une |a )?"
    r"(?:fonds de mobilit\w*|mobility (?:fund|grant)|erasmus\+? grant|bourse|grant|funding|financement)\b"
    # "grant from uni.lu for Basel?", "bourse de l'uni pour Bâle ?", "aide financière de l'université pour ce séjour ?":
    # the University's own grant, named by who gives it
    rf"|\b(?:grant|scholarship|funding|money|bourse|financement|argent|aide financi[eè]re|soutien financier)\s+"
    rf"(?:from|of|by|de|par)\s+(?:the\s+|l['’]\s?)?{_THE_UNIVERSITY}"
    # "bourse possible ou pas ?", "grant possible?", "is there any funding for that?"
    r"|\b(?:bourse|grant|funding|financement|scholarship)\s+(?:possible|envisageable|available)\b"
    r"|\b(?:any|some|a)\s+(?:funding|grant|scholarship|financial (?:help|aid|support))\s+for\s+(?:that|this|it|"
    r"my (?:exchange|semester|stay|mobility|erasmus|trip))\b"
    r"|\b(?:un |une |du |le )?(?:financement|bourse|aide financi[eè]re)\s+pour\s+(?:ça|ca|cela|ce s[ée]jour|ma mobilit[ée]|"
    r"mon (?:s[ée]jour|semestre|erasmus|[ée]change))\b",
    re.I)
# State study aid and loans are another service's (actions/data/redirects.yml): never the circular's grant.
NOT_FUNDING = re.compile(r"cedies|aide financi(?![eè]re\s+(?:from|of|by|de|par)\s+(?:the\s+|l['’]\s?)?"
                         + _THE_UNIVERSITY + r")|state (?:study )?aid|student loan|pr[eê]t (?:[ée]tudiant|de l.[ée]tat)|"
                         r"l.[ée]tat|" + NOT_OURS, re.I)

# "how many ECTS minimum do I need in my learning agreement?": the learning agreement's minimum (Art. 8)
LA_MINIMUM = re.compile(r"\b(?:how many|combien d.?)\s*(?:ects|cr[ée]dits?|credits?)\b[^?]{0,80}\b(?:learning agreement|"
                        r"(?-i:LA)|contrat d.[ée]tudes?)\b|\b(?:learning agreement|(?-i:LA)|contrat d.[ée]tudes?)\b[^?]{0,60}"
                        r"\b(?:how many|combien d.?|minimum|at least|au moins)\s*(?:ects|cr[ée]dits?|credits?)?", re.I)

# "if i want to swap a course around march 15, can i?", "je peux encore changer un cours le 2 mars ?": a change of
# the courses taken abroad is a change of the learning agreement (Art. 8(2)), asked as whether or until when.
_COURSE = r"(?:courses?|class(?:es)?|modules?|subjects?|lectures?|seminars?|cours|mati[eè]res?|s[ée]minaires?|ues?)"
_MAY_I = (r"\b(?:can|could|may|might)\s+i\b|\bam i (?:still )?allowed\b|\b(?:is it|it.?s) (?:still )?(?:possible|ok|okay|"
          r"allowed|too late)\b|\btoo late\b|\buntil when\b|\bby when\b|\bdeadline\b|\bje (?:peux|pourrai\w*)\b|\bj.?peux\b|"
          r"\bpuis[- ]je\b|\bon peut\b|\bpossible\b|\ballowed\b|\ble droit\b|\bpermis\b|\bautoris\w*|\btrop tard\b|\bjusqu.(?:à|a) quand\b|\bdate limite\b|\bd[ée]lai\b")
COURSE_CHANGE = re.compile(
    rf"(?=.*(?:{_MAY_I}))(?:.*{CHANGE_WORDS}\s+(?:out\s+)?(?:(?:a|an|one|two|some|my|the|a few|another|one of my|un|une|deux|"
    rf"des|de|d.|mes|mon|ma|le|la|les|l.|un de mes|quelques)\s*)?"
    rf"(?:(?!bachelor|master|degree|stud|program|formation|fili[eè]re|licence)\w+\s+)?{_COURSE}\b(?!\s+(?:of\s+stud|d.\s*[ée]tud))"
    rf"|.*\b{_COURSE}\s+(?:change|swap|switch)\b|.*\bchangements? de {_COURSE}\b)", re.I | re.S)
# Whether the course changed still gives enough credits, or counts, is the validation's question.
NOT_COURSE_CHANGE = re.compile(r"\bects\b|cr[ée]dits?|\bcount|\bcompt|valid|" + NOT_OURS, re.I)

EXTRA_QUESTIONS: List[Tuple[str, "re.Pattern[str]", Optional["re.Pattern[str]"]]] = [
    ("ask_learning_agreement", LA_MINIMUM, re.compile(NOT_OURS, re.I)),
    ("ask_learning_agreement", COURSE_CHANGE, NOT_COURSE_CHANGE),
    ("ask_obligation", OBLIGATION, re.compile(NOT_OBLIGATION.pattern + "|" + NOT_OURS, re.I)),
    ("ask_funding", FUNDING, NOT_FUNDING),
]


# A question asked without a question mark, as in an e-mail: "My question is whether I can …",
# "je voudrais savoir si …".
ASKS_INDIRECTLY = re.compile(r"\bmy question is (?:whether|if)\b|\bi (?:would like|.d like|wanted|want|would love) to know "
                             r"(?:whether|if)\b|\bi(?: am|.m) wondering (?:whether|if)\b|\bi wonder (?:whether|if)\b|"
                             r"\bcould you (?:please )?(?:tell me|let me know) (?:whether|if)\b|\bma question (?:est|c.est|serait)"
                             r"(?: de savoir)? si\b|\bje (?:voudrais|souhaiterais|souhaite|aimerais|veux|voulais) savoir si\b|"
                             r"\bje me demande si\b|\bpourriez-vous (?:me dire|m.indiquer) si\b", re.I)


# A question typed without its mark after another sentence: "M1 here. can i go in my second semester",
# "j'ai fini le S2, je peux partir au S3" (a sentence that opens like a question, after one that tells).
ASKS_UNMARKED = re.compile(r"[.!;,]\s*(?:(?:can|could|may|do|does|must|should|will|would)\s+(?:i|we)|is\s+it|are\s+there|"
                           r"est[- ]ce\s+qu|puis[- ]je|dois[- ]je|faut[- ]il|peut[- ]on|je\s+peux|jpeux|j.peux|"
                           r"je\s+dois|jdois|on\s+peut)\b", re.I)


def asks(text: str) -> bool:
    """Whether the message asks something: a question mark, a question asked the way e-mails do, or one
    typed without its mark after a sentence that tells."""
    return "?" in (text or "") or bool(ASKS_INDIRECTLY.search(text or "")) or bool(ASKS_UNMARKED.search(text or ""))


def about_others(text: str) -> bool:
    """Whether the message asks about another university's students or doctoral candidates."""
    return bool(NOT_OURS_STRICT.search(text or ""))


def extra_named_question(text: str) -> Optional[str]:
    """The question one of these cues names, unless its exclusion says the message is another service's."""
    for question, cue, unless in EXTRA_QUESTIONS:
        if cue.search(text or "") and not (unless and unless.search(text or "")):
            return question
    return None
