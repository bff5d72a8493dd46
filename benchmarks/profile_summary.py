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
# What a sample was doing the time for: only these stacks count (start-up and idle do not).
SCOPES: Sequence[Tuple[str, str]] = (
    ("a student's turn (REST channel)", r"receive \(rasa/core/channels/rest\.py"),
    ("Rasa HTTP API (parse alone, the benchmark's appended events)", r"(parse|append_events) \(rasa/server\.py"),
    ("action server request (webhook)", r"webhook \(rasa_sdk/endpoint\.py"),
)

# (label, pattern on a frame). Patterns name Rasa 3.6's / rasa-sdk's functions; py-spy writes
# frames as `function (package/module.py:line)`.
MECHANISMS: Sequence[Tuple[str, str]] = (
    ("tracker load (fetch_tracker_and_update_session: SQL read, json.loads, replay)",
     r"fetch_tracker_and_update_session \(rasa/core/processor\.py"),
    ("  SQL tracker store _retrieve", r"_retrieve \(rasa/core/tracker_store\.py"),
    ("  tracker rebuilt from events (DialogueStateTracker.from_dict / from_events, update)",
     r"(from_dict|from_events|update|update_with_events) \(rasa/shared/core/trackers\.py"),
    ("  Event.from_parameters", r"from_parameters \(rasa/shared/core/events\.py"),
    ("NLU parse (whole pipeline)", r"parse_message \(rasa/core/processor\.py"),
    ("  ResponseSelector", r"rasa/nlu/selectors/response_selector\.py"),
    ("  TensorFlow (any)", r"\(tensorflow/|\(keras/"),
    ("  CRF entity extractor", r"crf_entity_extractor\.py|pycrfsuite|sklearn_crfsuite"),
    ("action_extract_slots (incl. its action_validate_slot_mappings call)",
     r"run_action_extract_slots \(rasa/core/processor\.py"),
    ("  second tracker built for the validation call (from_events)",
     r"_execute_validation_action \(rasa/core/actions/action\.py.*from_events \(rasa/shared/core/trackers"),
    ("policy prediction (predict_next_with_tracker_if_should)",
     r"predict_next_with_tracker_if_should \(rasa/core/processor\.py"),
    ("  states of the whole history (past_states / states_for_tracker_history)",
     r"(past_states|states_for_tracker_history|generate_all_prior_trackers) \("),
    ("  RulePolicy", r"rasa/core/policies/rule_policy\.py"),
    ("  MemoizationPolicy", r"rasa/core/policies/memoization\.py"),
    ("calls to the action server (RemoteAction.run, both)", r"run \(rasa/core/actions/action\.py:7"),
    ("  tracker serialised for it (current_state)", r"current_state \(rasa/shared/core/trackers\.py"),
    ("  its answer checked against a JSON schema (jsonschema)", r"_validate_action_result|\(jsonschema/"),
    ("  HTTP client (aiohttp)", r"\(aiohttp/"),
    ("tracker save (save_tracker)", r"save_tracker \(rasa/core/processor\.py"),
    ("SQLAlchemy (load and save)", r"\(sqlalchemy/"),
    ("JSON encode/decode (any)", r"\(json/|ujson|orjson"),
    ("deepcopy (any)", r"\(copy\.py"),
    # the action server (rasa-sdk)
    ("rasa-sdk: tracker rebuilt from JSON (Tracker.from_dict)", r"from_dict \(rasa_sdk/interfaces\.py"),
    ("rasa-sdk: the project's actions", r"\(actions/[a-z_]+\.py"),
    ("  reading the message's facts (actions/understanding, extract)", r"\(actions/(understanding|extract)\.py"),
    ("  rules core (decide)", r"decide \(rules_core/"),
    ("  gazetteer (rules_core/gazetteer)", r"\(rules_core/gazetteer\.py"),
    ("  rendering the answer", r"\(rules_core/render\.py|\(actions/messages\.py"),
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
    everything = sum(count for _, count in stacks)
    out(f"{path}: {everything} samples in all (CPU-busy, py-spy; start-up included)")
    for scope, pattern in SCOPES:
        scoped = [(frames, count) for frames, count in stacks
                  if any(re.search(pattern, frame) for frame in frames)]
        total, hits = shares(scoped)
        if not total:
            continue
        out(f"  {scope}: {total} samples; share of them inside each mechanism:")
        for label, _ in MECHANISMS:
            if hits[label]:
                out(f"    {100 * hits[label] / total:5.1f} %  {label}")
        inclusive, leaf = heaviest(scoped, top)
        out("    heaviest functions (inclusive):")
        for name, count in inclusive:
            out(f"      {100 * count / total:5.1f} %  {short(name)}")
        out("    heaviest leaves (self):")
        for name, count in leaf:
            out(f"      {100 * count / total:5.1f} %  {short(name)}")


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
