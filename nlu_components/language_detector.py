"""LanguageDetector: the Rasa NLU component that tells which language each message is written in.

It adds `language` to the parse result (read by the actions) and routes messages in a
language the assistant does not speak (German, Luxembourgish) to `out_of_scope`, so
they get a polite answer instead of a guess. The detection itself is `language.detect`,
which the actions and the Telegram adapter use too.
"""
from __future__ import annotations

from typing import Any, Dict, List, Text

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.shared.nlu.constants import INTENT, INTENT_RANKING_KEY, TEXT
from rasa.shared.nlu.training_data.message import Message

from nlu_components.language import SUPPORTED, detect

LANGUAGE_KEY = "language"


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER, is_trainable=False)
class LanguageDetector(GraphComponent):
    """Marks each message with its language; other languages become out_of_scope."""

    @staticmethod
    def get_default_config() -> Dict[Text, Any]:
        return {}

    @classmethod
    def create(cls, config: Dict[Text, Any], model_storage: ModelStorage, resource: Resource,
               execution_context: ExecutionContext) -> "LanguageDetector":
        return cls()

    def process(self, messages: List[Message]) -> List[Message]:
        for message in messages:
            language = detect(message.get(TEXT) or "")
            message.set(LANGUAGE_KEY, language, add_to_output=True)
            if language is not None and language not in SUPPORTED and message.get(INTENT):
                other = {"name": "out_of_scope", "confidence": 1.0}
                message.data[INTENT] = other
                message.data[INTENT_RANKING_KEY] = [other] + list(message.get(INTENT_RANKING_KEY) or [])
        return messages
