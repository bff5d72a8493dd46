"""TfidfIntentClassifier: the Rasa NLU intent classifier of config.yml (chosen by measurement,
docs/benchmarks.md, "NLU pipeline comparison").
"""
from __future__ import annotations

import logging
import re
from collections import Counter
from typing import Any, Dict, List, Text

import joblib
import numpy as np
from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.classifiers.classifier import IntentClassifier
from rasa.shared.nlu.constants import INTENT, INTENT_RANKING_KEY, INTENT_RESPONSE_KEY, TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from nlu_components.tfidf import tfidf_svm

logger = logging.getLogger(__name__)

QUESTION_SEGMENTS = "question_segments"  # the parse data's key for the questions of a message asking several
QUESTION_SENTENCE = re.compile(r"[^?]*\?")  # a question ends at its question mark
# Sentences end at a full stop, an exclamation or question mark followed by a space, or a line break
# ("uni.lu" and "3.5" do not end one).
SENTENCE_END = re.compile(r"(?<=[.!?…])\s+|\n+")


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER, is_trainable=True)
class TfidfIntentClassifier(GraphComponent, IntentClassifier):
    """Intent classifier on TF-IDF word and character n-grams with a calibrated linear SVM.

    `out_of_scope_threshold`: out_of_scope is chosen whenever its probability reaches it (the
    value in config.yml was chosen on half of the held-out near-miss set, docs/benchmarks.md).

    Chosen by measurement over Rasa's count-based features (docs/benchmarks.md). It learns
    the FAQ topics as separate labels and reports `faq` with the sum of their
    probabilities; the TfidfResponseSelector then picks the topic. An empty message is
    `nlu_fallback`.
    """

    @staticmethod
    def get_default_config() -> Dict[Text, Any]:
        return {"C": 0.5, "char_ngrams": [1, 5], "word_ngrams": [1, 1], "ranking_length": 10, "folds": 3,
                "out_of_scope_threshold": None, "question_weight": 0.6, "clear_question": 0.5,
                "focus_max_out_of_scope": 0.6, "unsure_below": 0.3, "unsure_margin": 0.05}

    def __init__(self, config: Dict[Text, Any], model_storage: ModelStorage, resource: Resource,
                 model: Any = None) -> None:
        self.config = {**self.get_default_config(), **config}
        self._storage, self._resource, self.model = model_storage, resource, model

    @classmethod
    def create(cls, config: Dict[Text, Any], model_storage: ModelStorage, resource: Resource,
               execution_context: ExecutionContext) -> "TfidfIntentClassifier":
        return cls(config, model_storage, resource)

    def _pipeline(self) -> Any:
        return tfidf_svm(self.config)

    def train(self, training_data: TrainingData) -> Resource:
        examples = [m for m in training_data.intent_examples if (m.get(TEXT) or "").strip()]
        labels = [m.get(INTENT_RESPONSE_KEY) or m.get(INTENT) for m in examples]
        counts = Counter(labels)
        rare = sorted(label for label, n in counts.items() if n < self.config["folds"])
        if rare:  # calibration needs a few examples of every label
            logger.warning(f"{self.__class__.__name__}: too few examples to learn {rare}; they are left out")
        texts = [m.get(TEXT) for m, label in zip(examples, labels) if label not in rare]
        labels = [label for label in labels if label not in rare]
        # sklearn 1.1 counts classes with `y == label`: the labels must be an array.
        self.model = self._pipeline().fit(texts, np.array(labels))
        with self._storage.write_to(self._resource) as directory:
            joblib.dump(self.model, directory / "tfidf_intent_classifier.joblib")
        return self._resource

    @classmethod
    def load(cls, config: Dict[Text, Any], model_storage: ModelStorage, resource: Resource,
             execution_context: ExecutionContext, **kwargs: Any) -> "TfidfIntentClassifier":
        try:
            with model_storage.read_from(resource) as directory:
                model = joblib.load(directory / "tfidf_intent_classifier.joblib")
        except (ValueError, FileNotFoundError):
            model = None
        return cls(config, model_storage, resource, model)

    def process(self, messages: List[Message]) -> List[Message]:
        for message in messages:
            text = (message.get(TEXT) or "").strip()
            if not text or self.model is None:
                ranking = [{"name": "nlu_fallback", "confidence": 1.0}]
            else:
                scores: Dict[str, float] = {}
                for label, p in zip(self.model.classes_, self.probabilities(text)):
                    intent = label.split("/")[0]  # faq/<topic> -> faq
                    scores[intent] = scores.get(intent, 0.0) + float(p)
                ranking = [{"name": n, "confidence": c} for n, c in sorted(scores.items(), key=lambda kv: -kv[1])]
                threshold = self.config.get("out_of_scope_threshold")
                if threshold is not None and scores.get("out_of_scope", 0.0) >= threshold:
                    # A message this much like the near-misses of other services is redirected even when a
                    # regulation intent scores higher: a redirect costs less than a wrong regulation answer.
                    ranking.sort(key=lambda r: r["name"] != "out_of_scope")
                ranking = ranking[: self.config["ranking_length"]]
            message.set(INTENT, ranking[0], add_to_output=True)
            message.set(INTENT_RANKING_KEY, ranking, add_to_output=True)
            segments = self.question_segments(text)
            if segments:
                message.set(QUESTION_SEGMENTS, segments, add_to_output=True)
        return messages

    def probabilities(self, text: str) -> Any:
        """The labels' probabilities for the message.

        A long message that tells its situation and asks in a sentence of its own ("I'm Brazilian, in the
        Master… Is there any funding for that?") can spread its reading over the facts it tells, or sound
        like another service's. When the whole message's reading is unsure (`_unsure`) and its question
        sentences, read alone, ask one regulation question clearly (`_clear`), those sentences weigh
        `question_weight` and the whole message the rest: what is asked decides over what is told. A
        confident reading of the whole message is kept: its facts may say which question a short "do I have
        to go again?" is (an interrupted stay, a change of programme)."""
        whole = self.model.predict_proba([text])[0]
        questions = question_sentences(text)
        weight = float(self.config.get("question_weight") or 0.0)
        if not questions or not weight or not self._unsure(whole):
            return whole
        asked = self.model.predict_proba(questions).mean(axis=0)
        if not self._clear(asked):
            return whole  # "is this true and how do I ask for it?": a vague question takes its meaning from the rest
        return (1.0 - weight) * whole + weight * asked

    def _intent_scores(self, probabilities: Any) -> Dict[str, float]:
        scores: Dict[str, float] = {}
        for label, p in zip(self.model.classes_, probabilities):
            intent = label.split("/")[0]
            scores[intent] = scores.get(intent, 0.0) + float(p)
        return scores

    def _unsure(self, probabilities: Any) -> bool:
        """Whether the whole message's reading would not name a question: out_of_scope reaches the
        out-of-scope threshold (but stays under `focus_max_out_of_scope`: a message plainly another
        service's is not overturned by its question), or the best intent stays under `unsure_below`, or
        the two best are within `unsure_margin`."""
        scores = self._intent_scores(probabilities)
        out_of_scope = scores.pop("out_of_scope", 0.0)
        if out_of_scope >= float(self.config["focus_max_out_of_scope"]):
            return False
        threshold = self.config.get("out_of_scope_threshold")
        best, second = (sorted(scores.values(), reverse=True) + [0.0, 0.0])[:2]
        return (threshold is not None and out_of_scope >= threshold) or best < float(self.config["unsure_below"]) \
            or best - second < float(self.config["unsure_margin"])

    def _clear(self, probabilities: Any) -> bool:
        """Whether the question sentences, read alone, ask one regulation question (ask_* or an FAQ topic)
        with at least `clear_question`, and out_of_scope stays under the out-of-scope threshold."""
        scores = self._intent_scores(probabilities)
        out_of_scope = scores.pop("out_of_scope", 0.0)
        threshold = self.config.get("out_of_scope_threshold")
        best = max(scores, key=scores.get, default=None)
        # ask_why asks about the last answer, not a regulation question of its own
        return bool(best) and (best.startswith("ask_") and best != "ask_why" or best == "faq") \
            and scores[best] >= float(self.config["clear_question"]) and (threshold is None or out_of_scope < threshold)

    def question_segments(self, text: str) -> List[Dict[str, Any]]:
        """ "do I have to go? and would I get a grant for Lyon?": each question sentence of a message
        that asks several, with its own best intent, so the actions can answer or list every one."""
        segments = [s.strip() for s in QUESTION_SENTENCE.findall(text) if len(s.split()) >= 3]
        if len(segments) < 2 or self.model is None:
            return []
        found = []
        for segment, probabilities in zip(segments, self.model.predict_proba(segments)):
            best = max(range(len(probabilities)), key=lambda i: probabilities[i])
            found.append({"text": segment, "intent": str(self.model.classes_[best]).split("/")[0],
                          "confidence": float(probabilities[best])})
        return found


def question_sentences(text: str) -> List[str]:
    """The sentences of a message that ask (they hold a question mark), when the message also has
    sentences that do not: "I'm in M2 and went to Uppsala in S2. Can I do another one in S4?"."""
    sentences = [s.strip() for s in SENTENCE_END.split(text or "") if re.search(r"[^\W\d_]", s)]  # "😅" is none
    questions = [s for s in sentences if "?" in s and len(s.split()) >= 2]
    return questions if questions and len(questions) < len(sentences) else []
