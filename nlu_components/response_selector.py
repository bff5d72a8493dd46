"""TfidfResponseSelector: picks the FAQ topic (`faq/<topic>`) of a message, in place of Rasa's
ResponseSelector, with the intent classifier's TF-IDF + linear SVM instead of a TensorFlow model.

Why: Rasa's ResponseSelector is the only component of config.yml that needs TensorFlow, and loading
TensorFlow is most of the Rasa server's memory (issue 12, docs/benchmarks.md). This one writes the
same `response_selector` parse data (`faq` → `response` with `intent_response_key`,
`utter_action`, `responses`, `confidence`, and a `ranking`), so `action_faq`, the report and the
benchmarks read it unchanged. It was kept because it chose the topic as well on the held-out sets
(docs/benchmarks.md, "A response selector without TensorFlow").
"""
from __future__ import annotations

import logging
from typing import Any, Dict, List, Text

import joblib
import numpy as np
from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.shared.nlu.constants import INTENT, INTENT_RESPONSE_KEY, TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from nlu_components.tfidf import tfidf_svm

logger = logging.getLogger(__name__)

MODEL_FILE = "tfidf_response_selector.joblib"
RESPONSES_FILE = "responses.joblib"


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER, is_trainable=True)
class TfidfResponseSelector(GraphComponent):
    """Chooses among the examples of one retrieval intent (`retrieval_intent`, `faq`) the
    sub-intent whose response answers the message, as Rasa's ResponseSelector does."""

    @staticmethod
    def get_default_config() -> Dict[Text, Any]:
        return {"retrieval_intent": "faq", "C": 0.5, "char_ngrams": [1, 5], "word_ngrams": [1, 1],
                "folds": 3, "ranking_length": 10}

    def __init__(self, config: Dict[Text, Any], model_storage: ModelStorage, resource: Resource,
                 model: Any = None, responses: Dict[Text, List[Dict[Text, Any]]] = None) -> None:
        self.config = {**self.get_default_config(), **config}
        self._storage, self._resource = model_storage, resource
        self.model, self.responses = model, responses or {}

    @classmethod
    def create(cls, config: Dict[Text, Any], model_storage: ModelStorage, resource: Resource,
               execution_context: ExecutionContext) -> "TfidfResponseSelector":
        return cls(config, model_storage, resource)

    def train(self, training_data: TrainingData) -> Resource:
        intent = self.config["retrieval_intent"]
        examples = [m for m in training_data.intent_examples
                    if m.get(INTENT) == intent and m.get(INTENT_RESPONSE_KEY) and (m.get(TEXT) or "").strip()]
        keys = np.array([m.get(INTENT_RESPONSE_KEY) for m in examples])  # sklearn 1.1 wants an array
        if len(set(keys)) >= 2:
            self.model = tfidf_svm(self.config).fit([m.get(TEXT) for m in examples], keys)
        else:
            logger.warning(f"{self.__class__.__name__}: fewer than two '{intent}' sub-intents to choose from")
        prefix = f"utter_{intent}/"
        self.responses = {k: v for k, v in (training_data.responses or {}).items() if k.startswith(prefix)}
        with self._storage.write_to(self._resource) as directory:
            joblib.dump(self.model, directory / MODEL_FILE)
            joblib.dump(self.responses, directory / RESPONSES_FILE)
        return self._resource

    @classmethod
    def load(cls, config: Dict[Text, Any], model_storage: ModelStorage, resource: Resource,
             execution_context: ExecutionContext, **kwargs: Any) -> "TfidfResponseSelector":
        try:
            with model_storage.read_from(resource) as directory:
                model = joblib.load(directory / MODEL_FILE)
                responses = joblib.load(directory / RESPONSES_FILE)
        except (ValueError, FileNotFoundError):
            model, responses = None, {}
        return cls(config, model_storage, resource, model, responses)

    def process(self, messages: List[Message]) -> List[Message]:
        intent = self.config["retrieval_intent"]
        for message in messages:
            text = (message.get(TEXT) or "").strip()
            if not text or self.model is None:
                continue
            probabilities = self.model.predict_proba([text])[0]
            order = np.argsort(-probabilities)[: self.config["ranking_length"]]
            ranking = [{"intent_response_key": str(self.model.classes_[i]), "confidence": float(probabilities[i])}
                       for i in order]
            best = ranking[0]["intent_response_key"]
            utter_action = f"utter_{best}"
            selected = {"response": {"responses": self.responses.get(utter_action) or [{TEXT: best}],
                                     "confidence": ranking[0]["confidence"], "intent_response_key": best,
                                     "utter_action": utter_action},
                        "ranking": ranking}
            properties = message.get("response_selector") or {}
            properties["all_retrieval_intents"] = [intent]
            properties[intent] = selected
            message.set("response_selector", properties, add_to_output=True)
        return messages
