"""HumanRequestDetector: a student who asks for a person gets one, however they write it.

The intent classifier learns `request_human` from examples, but "jveux parler a qqn c urgent"
or "can i talk to a real human asap" must never be answered with an FAQ: these patterns
override the classifier (as the LanguageDetector does for other languages). They are
deliberately narrow: the words for a person together with a verb of talking or asking.
"""
from __future__ import annotations

import re
from typing import Any, Dict, List, Text

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.shared.nlu.constants import INTENT, INTENT_RANKING_KEY, TEXT
from rasa.shared.nlu.training_data.message import Message

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
    re.compile(r"\b(?:un humain|une vraie personne|real human|human (?:please|pls|plz)|humain (?:stp|svp|pls)|"
               r"agent (?:please|pls)|quelqu.un de dispo|someone available)\b", re.I),
]


def asks_for_a_person(text: str) -> bool:
    return any(p.search(text or "") for p in PATTERNS)


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER, is_trainable=False)
class HumanRequestDetector(GraphComponent):
    """Sets the intent to request_human when the message asks for a person."""

    @staticmethod
    def get_default_config() -> Dict[Text, Any]:
        return {}

    @classmethod
    def create(cls, config: Dict[Text, Any], model_storage: ModelStorage, resource: Resource,
               execution_context: ExecutionContext) -> "HumanRequestDetector":
        return cls()

    def process(self, messages: List[Message]) -> List[Message]:
        for message in messages:
            text = message.get(TEXT) or ""
            if not text.startswith("/") and asks_for_a_person(text) and message.get(INTENT):
                human = {"name": "request_human", "confidence": 1.0}
                message.data[INTENT] = human
                message.data[INTENT_RANKING_KEY] = [human] + [
                    r for r in (message.get(INTENT_RANKING_KEY) or []) if r.get("name") != "request_human"]
        return messages
