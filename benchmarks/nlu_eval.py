"""Held-out NLU evaluation: intent macro F1 per language on tests/nlu/{fr,en}_*_test.yml.

    .venv/bin/python -m benchmarks.nlu_eval [MODEL] [--json OUT]

A FAQ example counts as right only when the response selector picks its topic
(faq/<topic>), as the student would then get that topic's answer.
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
        report[lang] = {
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
              f"on {result['examples']} held-out examples ({result['ms_per_parse']} ms/parse)")
    if args.json:
        Path(args.json).write_text(json.dumps(report, indent=2, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main())
