"""Out-of-scope recall and in-scope accuracy as the student sees them: after the actions' rescues.

`benchmarks.nlu_eval` counts every nlu_fallback as a redirect; the actions answer some of them as a
question (a question named by its own words, a likely question). Here a near-miss counts as
redirected only when no action rescues it, and an in-scope example the NLU missed counts as
rescued when the action would answer the right question (an upper bound: the rest of the dialogue
is not played).

    .venv/bin/python -m benchmarks.out_of_scope_as_seen [MODEL]
"""
from __future__ import annotations

import asyncio
import datetime as dt
import os
import sys
from pathlib import Path

os.environ.setdefault("RASA_TELEMETRY_ENABLED", "false")
os.environ.setdefault("LOG_LEVEL", "WARNING")
ROOT = Path(__file__).resolve().parent.parent
TODAY = dt.date(2026, 12, 1)  # the held-out sets' day; only year-less dates depend on it


def student_redirected(parse: dict) -> bool:
    """Whether the student gets the redirect: the NLU redirects and no action answers a question."""
    from actions.conversation import likely_question
    from actions.understanding import read_message
    from benchmarks.nlu_eval import redirected

    if not redirected(parse):
        return False
    if parse.get("language") not in (None, "fr", "en"):
        return True
    facts = read_message(parse.get("text") or "", parse["intent"]["name"], parse.get("entities") or [], None,
                         TODAY).facts
    return likely_question(parse, bool(facts), bool(set(facts) - {"level", "semester"})) is None


def main(argv=None) -> int:
    from rasa.core.agent import Agent

    from actions.conversation import likely_question
    from benchmarks.nlu_eval import load_examples, load_out_of_scope, predicted_key, redirected

    args = sys.argv[1:] if argv is None else argv
    agent = Agent.load(args[0] if args else str(ROOT / "models" / "assistant.tar.gz"))
    for lang in ("fr", "en"):
        near_misses = load_out_of_scope(lang)
        nlu = seen = 0
        for message in near_misses:
            parse = asyncio.run(agent.parse_message(message["text"]))
            nlu += redirected(parse)
            seen += student_redirected(parse)
        in_scope = [(text, key) for text, key in load_examples(lang) if key != "out_of_scope"]
        right = rescued = 0
        for text, key in in_scope:
            parse = asyncio.run(agent.parse_message(text))
            right += predicted_key(parse) == key
            if predicted_key(parse) != key and redirected(parse) and not student_redirected(parse):
                rescued += likely_question(parse, True, True) == key
        print(f"{lang}: out-of-scope recall NLU {nlu / len(near_misses):.3f}, as the student sees it "
              f"{seen / len(near_misses):.3f}; in-scope accuracy NLU {right / len(in_scope):.3f}, +{rescued} rescued "
              f"right by the actions (at most {(right + rescued) / len(in_scope):.3f})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
