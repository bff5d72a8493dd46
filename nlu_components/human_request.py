"""HumanRequestDetector: a student who asks for a person gets one, however they write it.

The intent classifier learns `request_human` from examples, but "jveux parler a qqn c urgent"
or "can i talk to a real human asap" must never be answered with an FAQ: these patterns
override the classifier (as the LanguageDetector does for other languages). The patterns are
in `person_words`.
"""
from __future__ import annotations

from typing import Any, Dict, List, Text

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.shared.nlu.constants import INTENT, INTENT_RANKING_KEY, TEXT
from rasa.shared.nlu.training_data.message import Message

from nlu_components.person_words import asks_for_a_person


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
