"""Custom Rasa NLU components: the message's language, and an empty-message-safe classifier.

LanguageDetector tells which language each message is written in.

It adds `language` to the parse result (read by the actions) and routes messages in a
language the assistant does not speak (German, Luxembourgish) to `out_of_scope`, so
they get a polite answer instead of a guess.
"""
from __future__ import annotations

from typing import Any, Dict, List, Text

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.nlu.classifiers.logistic_regression_classifier import LogisticRegressionClassifier
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.shared.nlu.constants import INTENT, INTENT_RANKING_KEY, TEXT
from rasa.shared.nlu.training_data.message import Message

from bot.language import SUPPORTED, detect

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


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER, is_trainable=True)
class RobustLogisticRegressionClassifier(LogisticRegressionClassifier):
    """Rasa's LogisticRegressionClassifier, except that an empty message is `nlu_fallback`
    instead of an error (the stock component fails on a message without features), and
    the regularisation strength `C` can be configured (measured: docs/benchmarks.md)."""

    @staticmethod
    def get_default_config() -> Dict[Text, Any]:
        return {**LogisticRegressionClassifier.get_default_config(), "C": 1.0}

    def __init__(self, config: Dict[Text, Any], name: Text, model_storage: ModelStorage, resource: Resource) -> None:
        super().__init__(config, name, model_storage, resource)
        self.clf.C = self.config["C"]

    def process(self, messages: List[Message]) -> List[Message]:
        empty = [m for m in messages if not (m.get(TEXT) or "").strip()]
        others = [m for m in messages if (m.get(TEXT) or "").strip()]
        if others:
            super().process(others)
        for message in empty:
            fallback = {"name": "nlu_fallback", "confidence": 1.0}
            message.set(INTENT, fallback, add_to_output=True)
            message.set(INTENT_RANKING_KEY, [fallback], add_to_output=True)
        return messages
