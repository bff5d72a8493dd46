"""Where a server's time went, from py-spy's raw (collapsed) stacks: the share of samples spent
inside each of the turn's mechanisms, and the heaviest functions.

    .venv/bin/python -m benchmarks.profile_summary var/profile/sqlite/rasa.txt [--top 25]

A raw file has one line per distinct stack, `root;...;leaf <samples>`, each frame
`function (file:line)`. A sample counts for a mechanism when any frame of its stack is in it,
so the shares overlap (parse contains the ResponseSelector) and do not add up to 100 %.
py-spy samples threads that are running (not idle): the shares are of CPU-busy time.
"""
from __future__ import annotations

import argparse
import re
import sys
from collections import Counter
from pathlib import Path
from typing import Dict, Iterable, List, Sequence, Tuple

# (label, pattern on a frame). Patterns name Rasa 3.6's / rasa-sdk's functions and files.
MECHANISMS: Sequence[Tuple[str, str]] = (
    ("HTTP request handling (Sanic, whole turn)", r"handle_request \(.*sanic/app\.py"),
    ("NLU parse (whole pipeline)", r"parse_message \(.*rasa/core/processor\.py"),
    ("  ResponseSelector (TensorFlow inference)", r"rasa/nlu/selectors/response_selector\.py"),
    ("  TensorFlow (any)", r"tensorflow/|keras/"),
    ("  CRF entity extractor", r"crf_entity_extractor\.py|pycrfsuite|sklearn_crfsuite"),
    ("tracker store: load (retrieve)", r"(retrieve|_retrieve|retrieve_full_tracker) \(.*tracker_store\.py"),
    ("tracker store: save", r"save \(.*tracker_store\.py"),
    ("  SQLAlchemy", r"sqlalchemy/"),
    ("tracker rebuilt from stored events (Event.from_parameters, tracker.update)",
     r"(from_parameters|from_dict|_from_parameters) \(.*shared/core/events\.py|"
     r"(from_dict|update|update_with_events|_apply_events|init_copy) \(.*shared/core/trackers\.py"),
    ("tracker copies (deepcopy)", r"copy\.py"),
    ("policy prediction (all policies)", r"(predict_next_action|_predict_next_with_tracker|"
                                         r"predict_next_with_tracker_if_should) \(.*rasa/core/processor\.py"),
    ("  featurisation of the history (past_states, prediction_states)",
     r"(past_states|prediction_states|_previous_states|states_for_tracker_history|applied_events|"
     r"generate_all_prior_trackers|_get_states_from_tracker|_prediction_states) \("),
    ("  RulePolicy", r"rasa/core/policies/rule_policy\.py"),
    ("  MemoizationPolicy", r"rasa/core/policies/memoization\.py"),
    ("action call to the action server (RemoteAction.run)", r"run \(.*rasa/core/actions/action\.py"),
    ("  tracker serialised for the action server (current_state)", r"current_state \(.*trackers\.py"),
    ("  JSON encoding/decoding", r"json/(encoder|decoder|__init__)\.py|ujson|orjson"),
    ("event broker / lock store", r"lock_store\.py|event_brokers/"),
    # the action server (rasa-sdk)
    ("rasa-sdk: request handling (webhook)", r"webhook \(.*rasa_sdk/endpoint\.py"),
    ("rasa-sdk: tracker rebuilt from JSON (Tracker.from_dict)", r"from_dict \(.*rasa_sdk/interfaces\.py"),
    ("rasa-sdk: run the project's actions", r"/actions/[a-z_]+\.py"),
    ("  rules core (decide)", r"rules_core/"),
    ("  rendering the answer", r"rules_core/render\.py|actions/messages\.py"),
)


def read_stacks(path: Path) -> List[Tuple[List[str], int]]:
    stacks = []
    for line in path.read_text(encoding="utf-8", errors="replace").splitlines():
        stack, _, count = line.rpartition(" ")
        if stack and count.isdigit():
            stacks.append((stack.split(";"), int(count)))
    return stacks


def shares(stacks: Iterable[Tuple[List[str], int]], mechanisms=MECHANISMS) -> Tuple[int, Dict[str, int]]:
    compiled = [(label, re.compile(pattern)) for label, pattern in mechanisms]
    total, hits = 0, Counter()
    for frames, count in stacks:
        total += count
        for label, pattern in compiled:
            if any(pattern.search(frame) for frame in frames):
                hits[label] += count
    return total, hits


def heaviest(stacks: Iterable[Tuple[List[str], int]], top: int, only: str = r"rasa|actions/|rules_core|sqlalchemy"
             ) -> Tuple[List[Tuple[str, int]], List[Tuple[str, int]]]:
    """The functions with the most samples inside them (inclusive) and on top of the stack (self)."""
    inclusive, leaf = Counter(), Counter()
    keep = re.compile(only)
    for frames, count in stacks:
        names = {re.sub(r":\d+\)$", ")", frame) for frame in frames}
        for name in names:
            if keep.search(name):
                inclusive[name] += count
        leaf[re.sub(r":\d+\)$", ")", frames[-1])] += count
    return inclusive.most_common(top), leaf.most_common(top)


def short(frame: str) -> str:
    return re.sub(r"\(.*?site-packages/", "(", frame)


def report(path: Path, top: int = 20, out=print) -> None:
    stacks = read_stacks(path)
    total, hits = shares(stacks)
    out(f"{path}: {total} samples (CPU-busy, py-spy)")
    for label, _ in MECHANISMS:
        if hits[label]:
            out(f"  {100 * hits[label] / total:5.1f} %  {label}")
    inclusive, leaf = heaviest(stacks, top)
    out("  heaviest functions (inclusive):")
    for name, count in inclusive:
        out(f"    {100 * count / total:5.1f} %  {short(name)}")
    out("  heaviest leaves (self):")
    for name, count in leaf:
        out(f"    {100 * count / total:5.1f} %  {short(name)}")


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("files", nargs="+", type=Path)
    parser.add_argument("--top", type=int, default=20)
    args = parser.parse_args(argv)
    for path in args.files:
        if not path.is_file():
            print(f"error: no such profile: {path}", file=sys.stderr)
            return 2
        report(path, args.top)
    return 0


if __name__ == "__main__":
    sys.exit(main())
