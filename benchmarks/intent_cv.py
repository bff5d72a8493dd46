"""Intent classifier candidates by stratified cross-validation on the TRAINING data only
(nlu_data/nlu/{fr,en}; the held-out tests/nlu and tests/out_of_scope are never read here).

    .venv/bin/python -m benchmarks.intent_cv [--folds 5] [--only NAME ...] [--max-seconds 1500]

One model for both languages, as the assistant trains it; the folds are stratified on label and
language. Each candidate is `nlu_components.tfidf.tfidf_svm` with the options of CANDIDATES
over the classifier's config.yml options, and each prediction is made as the served model decides:
FAQ topics summed into `faq`, out_of_scope first when its probability reaches out_of_scope_threshold
(0.3), then the FallbackClassifier (threshold 0.25, ambiguity 0.05) turns a weak or ambiguous best into
nlu_fallback. Reported per language: in-scope accuracy (a FAQ example is right when its topic is
the best FAQ label), out-of-scope recall on the training near-misses (out_of_scope or
nlu_fallback), plain argmax accuracy, and fit + predict seconds. Candidates stop being started
after --max-seconds.
"""
from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path
from typing import Dict, List, Tuple

os.environ.setdefault("RASA_TELEMETRY_ENABLED", "false")

ROOT = Path(__file__).resolve().parent.parent
BASE = {"C": 0.5, "char_ngrams": [1, 5], "word_ngrams": [1, 1], "folds": 3}  # config.yml's classifier
OUT_OF_SCOPE_THRESHOLD, FALLBACK_THRESHOLD, AMBIGUITY = 0.3, 0.25, 0.05

CANDIDATES: Dict[str, dict] = {
    "current (svm C0.5, w1-1, c1-5)": {},
    "words 1-2": {"word_ngrams": [1, 2]},
    "chars 2-5": {"char_ngrams": [2, 5]},
    "chars 1-6": {"char_ngrams": [1, 6]},
    "no sublinear tf": {"sublinear_tf": False},
    "svm C0.25": {"C": 0.25},
    "svm C1": {"C": 1.0},
    "svm C2": {"C": 2.0},
    "svm no class weight": {"class_weight": None},
    "digits -> 0": {"digits": True},
    "logreg C5": {"classifier": "logreg", "C": 5.0},
    "logreg C20": {"classifier": "logreg", "C": 20.0},  # about 4 minutes each (lbfgs, 41 classes)
    "words 1-2, chars 1-6": {"word_ngrams": [1, 2], "char_ngrams": [1, 6]},
    "words 1-2, svm C2": {"word_ngrams": [1, 2], "C": 2.0},
    "svm C4": {"C": 4.0},
    "svm C2, calibration folds 5": {"C": 2.0, "folds": 5},
    "svm C1, calibration folds 5": {"C": 1.0, "folds": 5},
    "svm C1, calibration folds 10": {"C": 1.0, "folds": 10},
    "svm C2, calibration folds 10": {"C": 2.0, "folds": 10},
    "svm C2, digits -> 0": {"C": 2.0, "digits": True},
    "svm C2, no class weight": {"C": 2.0, "class_weight": None},
}


def load_training() -> Tuple[List[str], List[str], List[str]]:
    from rasa.shared.nlu.training_data.loading import load_data

    texts, labels, langs = [], [], []
    for lang in ("fr", "en"):
        for path in sorted((ROOT / "nlu_data" / "nlu" / lang).glob("*.yml")):
            for message in load_data(str(path)).intent_examples:
                text = (message.get("text") or "").strip()
                if text:
                    texts.append(text)
                    labels.append(message.get("intent_response_key") or message.get("intent"))
                    langs.append(lang)
    return texts, labels, langs


def decide(classes, probabilities) -> Tuple[str, str]:
    """(the served decision, the plain argmax label) for one message's probabilities."""
    scores: Dict[str, float] = {}
    best_faq, best_faq_p = None, -1.0
    for label, p in zip(classes, probabilities):
        intent = label.split("/")[0]
        scores[intent] = scores.get(intent, 0.0) + float(p)
        if intent == "faq" and p > best_faq_p:
            best_faq, best_faq_p = label, p
    ranking = sorted(scores.items(), key=lambda kv: -kv[1])
    if scores.get("out_of_scope", 0.0) >= OUT_OF_SCOPE_THRESHOLD:
        ranking.sort(key=lambda kv: kv[0] != "out_of_scope")
    top = ranking[0]
    if top[1] < FALLBACK_THRESHOLD or (len(ranking) > 1 and top[1] - ranking[1][1] < AMBIGUITY):
        decision = "nlu_fallback"
    else:
        decision = best_faq if top[0] == "faq" else top[0]
    return decision, str(classes[int(probabilities.argmax())])


def cross_validate(options: dict, texts, labels, langs, folds: int) -> dict:
    import numpy as np
    from sklearn.model_selection import StratifiedKFold

    from nlu_components.tfidf import tfidf_svm

    x, y = np.array(texts, dtype=object), np.array(labels)
    strata = np.array([f"{label}|{lang}" for label, lang in zip(labels, langs)])
    decided, argmax = np.empty(len(y), dtype=object), np.empty(len(y), dtype=object)
    start = time.perf_counter()
    for train, test in StratifiedKFold(folds, shuffle=True, random_state=0).split(x, strata):
        model = tfidf_svm({**BASE, **options}).fit(list(x[train]), y[train])
        for i, p in zip(test, model.predict_proba(list(x[test]))):
            decided[i], argmax[i] = decide(model.classes_, p)
    result = {"seconds": time.perf_counter() - start}
    for lang in ("fr", "en"):
        mine = np.array(langs) == lang
        inside, outside = mine & (y != "out_of_scope"), mine & (y == "out_of_scope")
        result[lang] = {
            "in_scope": float((decided[inside] == y[inside]).mean()),
            "oos_recall": float(np.isin(decided[outside], ["out_of_scope", "nlu_fallback"]).mean()),
            "argmax": float((argmax[mine] == y[mine]).mean()),
        }
    return result


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--folds", type=int, default=5)
    parser.add_argument("--only", nargs="*", help="names of CANDIDATES to run (default: all)")
    parser.add_argument("--max-seconds", type=float, default=1500.0)
    args = parser.parse_args(argv)
    texts, labels, langs = load_training()
    print(f"{len(texts)} training examples, {len(set(labels))} labels, {args.folds} folds", flush=True)
    print("| candidate | FR in-scope | FR oos recall | EN in-scope | EN oos recall | FR argmax | EN argmax | s |")
    print("|---|---|---|---|---|---|---|---|", flush=True)
    start = time.perf_counter()
    for name, options in CANDIDATES.items():
        if args.only and name not in args.only:
            continue
        if time.perf_counter() - start > args.max_seconds:
            print(f"(time bound reached: {name} and later not run)")
            break
        r = cross_validate(options, texts, labels, langs, args.folds)
        print(f"| {name} | {r['fr']['in_scope']:.3f} | {r['fr']['oos_recall']:.3f} | {r['en']['in_scope']:.3f} | "
              f"{r['en']['oos_recall']:.3f} | {r['fr']['argmax']:.3f} | {r['en']['argmax']:.3f} | "
              f"{r['seconds']:.0f} |", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
