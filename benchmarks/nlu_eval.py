"""Held-out NLU evaluation: intent macro F1 per language on tests/nlu/{fr,en}_*_test.yml, and
out-of-scope recall on the near-miss set tests/out_of_scope/{fr,en}.yml.

    .venv/bin/python -m benchmarks.nlu_eval [MODEL] [--json OUT]

A FAQ example counts as right only when the response selector picks its topic
(faq/<topic>), as the student would then get that topic's answer. An out-of-scope message counts as
caught when the student gets the redirect: intent out_of_scope, nlu_fallback, or a language the
assistant does not speak. In-scope accuracy is the accuracy on the in-scope examples of tests/nlu.
"""
from __future__ import annotations

import argparse
import asyncio
import json
import os
import sys
import time
from pathlib import Path
from typing import Dict, List, Tuple

os.environ.setdefault("RASA_TELEMETRY_ENABLED", "false")
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
os.environ.setdefault("LOG_LEVEL", "WARNING")

ROOT = Path(__file__).resolve().parent.parent
TEST_DIR = ROOT / "tests" / "nlu"
OUT_OF_SCOPE_DIR = ROOT / "tests" / "out_of_scope"
REDIRECTED = ("out_of_scope", "nlu_fallback")


def load_out_of_scope(lang: str) -> List[dict]:
    import yaml

    path = OUT_OF_SCOPE_DIR / f"{lang}.yml"
    return yaml.safe_load(path.read_text(encoding="utf-8"))["messages"] if path.exists() else []


def redirected(parse: dict) -> bool:
    from nlu_components.language import SUPPORTED

    language = parse.get("language")
    return predicted_key(parse) in REDIRECTED or (language is not None and language not in SUPPORTED)


def load_examples(lang: str) -> List[Tuple[str, str]]:
    from rasa.shared.nlu.training_data.loading import load_data

    examples = []
    for path in sorted(TEST_DIR.glob(f"{lang}_*_test.yml")):
        data = load_data(str(path))
        for message in data.intent_examples:
            intent = message.get("intent")
            key = message.get("intent_response_key") or intent
            examples.append((message.get("text"), key))
    return examples


def predicted_key(parse: dict) -> str:
    intent = (parse.get("intent") or {}).get("name") or ""
    if intent == "faq":
        selected = ((parse.get("response_selector") or {}).get("faq") or {}).get("response") or {}
        return selected.get("intent_response_key") or "faq"
    return intent


def evaluate(model: str) -> Dict[str, dict]:
    from rasa.core.agent import Agent
    from sklearn.metrics import accuracy_score, f1_score

    agent = Agent.load(model)
    report = {}
    for lang in ("fr", "en"):
        examples = load_examples(lang)
        truth, predicted, errors = [], [], []
        start = time.perf_counter()
        for text, key in examples:
            parse = asyncio.run(agent.parse_message(text))
            guess = predicted_key(parse)
            truth.append(key)
            predicted.append(guess)
            if guess != key:
                errors.append({"text": text, "expected": key, "predicted": guess})
        in_scope = [(t, p) for t, p in zip(truth, predicted) if t != "out_of_scope"]
        near_misses = load_out_of_scope(lang)
        missed = []
        for message in near_misses:
            parse = asyncio.run(agent.parse_message(message["text"]))
            if not redirected(parse):
                missed.append({"text": message["text"], "category": message["category"],
                               "predicted": predicted_key(parse)})
        faq = [(t, p) for t, p in zip(truth, predicted) if t.startswith("faq/")]
        chosen = [(t, p) for t, p in faq if p.startswith("faq/")]  # the response selector's own choice
        report[lang] = {
            "faq_examples": len(faq),
            "faq_accuracy": round(sum(t == p for t, p in faq) / max(1, len(faq)), 4),
            "faq_topic_choice_accuracy": round(sum(t == p for t, p in chosen) / max(1, len(chosen)), 4),
            "in_scope_accuracy": round(sum(t == p for t, p in in_scope) / max(1, len(in_scope)), 4),
            "in_scope_redirected": round(sum(p in REDIRECTED for _, p in in_scope) / max(1, len(in_scope)), 4),
            "out_of_scope_messages": len(near_misses),
            "out_of_scope_recall": round(1 - len(missed) / max(1, len(near_misses)), 4),
            "out_of_scope_missed": missed,
            "examples": len(examples),
            "intent_macro_f1": round(f1_score(truth, predicted, average="macro", labels=sorted(set(truth)),
                                              zero_division=0), 4),
            "accuracy": round(accuracy_score(truth, predicted), 4),
            "ms_per_parse": round(1000 * (time.perf_counter() - start) / max(1, len(examples)), 2),
            "errors": errors,
        }
    return report


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("model", nargs="?", default=str(ROOT / "models" / "assistant.tar.gz"))
    parser.add_argument("--json", help="write the full report (with errors) to this file")
    args = parser.parse_args(argv)
    report = evaluate(args.model)
    for lang, result in report.items():
        print(f"{lang}: intent macro F1 {result['intent_macro_f1']:.3f}, accuracy {result['accuracy']:.3f} "
              f"on {result['examples']} held-out examples ({result['ms_per_parse']} ms/parse); "
              f"in-scope accuracy {result['in_scope_accuracy']:.3f} (redirected {result['in_scope_redirected']:.3f}), "
              f"out-of-scope recall {result['out_of_scope_recall']:.3f} on {result['out_of_scope_messages']} near-misses; "
              f"FAQ: {result['faq_accuracy']:.3f} right on {result['faq_examples']} questions, "
              f"topic chosen right {result['faq_topic_choice_accuracy']:.3f} when taken as FAQ")
    if args.json:
        Path(args.json).write_text(json.dumps(report, indent=2, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main())
