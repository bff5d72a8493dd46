"""Whether a message asks for a person, however it is written ("jveux parler a qqn c urgent",
"can i talk to a real human asap"). Plain Python with no Rasa import: the NLU component
(`human_request.HumanRequestDetector`) and the action server (`actions/handoff.py`) both use it,
and the action server must not load Rasa's NLU (and TensorFlow with it) for a few patterns.
The patterns are deliberately narrow: the words for a person together with a verb of talking or asking.
"""
from __future__ import annotations

import re

PERSON = (r"(?:qqn|quelqu'?un|kelkun|une? (?:vraie? )?personne|un humain|un(?:e)? conseill[eè]re?|un agent|"
          r"le bureau|someone|somebody|a (?:real )?(?:human|person)|real (?:human|person)|an? (?:advisor|adviser)|"
          r"an agent|a staff member|the (?:mobility )?office|a human being|(?:le |la |mon |ma |the |my |our )?spoc|"
          r"un responsable|le responsable|une? responsable|a manager|someone in charge|a coordinator|"
          r"(?:le |la |mon |ma |the |my )?coordinat(?:eur|rice|or))")
ASK = (r"(?:parler|discuter|contacter|joindre|voir|talk|speak|chat|contact|reach|connect|connecter|mettre en (?:contact|"
       r"relation)|put (?:me )?(?:in touch|through)|get me|passe[rz]?|transf[ée]rer|hand (?:me )?over)")
PATTERNS = [
    re.compile(rf"\b{ASK}\b\W+(?:\w+\W+){{0,3}}?(?:avec |à |a |to |with )?{PERSON}", re.I),
    # "y a quelqu'un de dispo ?", "is someone available right now?"
    re.compile(r"\b(?:qqn|quelqu.?un|kelkun|someone|somebody|anyone|une? (?:vraie? )?personne)\W+(?:\w+\W+){0,2}?"
               r"(?:de )?(?:dispo|disponible|available|free to help)\b", re.I),
    # "can a person at the mobility office check my file?"
    re.compile(rf"{PERSON}\W+(?:\w+\W+){{0,5}}?(?:check|look at|review|go through|regarde[rz]?|vérifie[rz]?|"
               rf"examine[rz]?|étudie[rz]?)\b.{{0,30}}\b(?:my|mon|ma|mes)\b", re.I),
    # "could someone from the office please call me back?", "qqn peut me rappeler ?"
    re.compile(rf"{PERSON}\W+(?:\w+\W+){{0,6}}?(?:call|phone|ring|e-?mail|contact) me\b", re.I),
    re.compile(r"\b(?:call me back|give me a (?:call|ring)|me rappeler|rappele[rz]-moi|appele[rz]-moi|m.appeler|"
               r"me t[ée]l[ée]phoner)\b", re.I),
    re.compile(r"\b(?:un humain|une vraie personne|real human|human (?:please|pls|plz)|humain (?:stp|svp|pls)|"
               r"agent (?:please|pls)|quelqu.un de dispo|someone available)\b", re.I),
]


def asks_for_a_person(text: str) -> bool:
    return any(p.search(text or "") for p in PATTERNS)
