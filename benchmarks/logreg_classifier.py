"""A candidate of the NLU pipeline comparison only (benchmarks/pipelines/logreg.yml): the assistant
itself uses nlu_components.intent_classifier.TfidfIntentClassifier.
"""
from __future__ import annotations

from typing import Any, Dict, List, Text

from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.classifiers.logistic_regression_classifier import LogisticRegressionClassifier
from rasa.shared.nlu.constants import INTENT, INTENT_RANKING_KEY, TEXT
from rasa.shared.nlu.training_data.message import Message


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
