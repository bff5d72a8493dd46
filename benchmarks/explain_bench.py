"""The cost of "Why?": rules-core time per answer without and with the explanation.

    .venv/bin/python -m benchmarks.explain_bench

For each case of tests/rules_cases/what_would_change.yml (a yes or no answer of every question),
times, in process and warm (parameters, gazetteer, country names loaded):

- `decide`: the answer alone, as every rules-core answer costs (the trace is off);
- `traced`: the same decision with the trace on (facts read, rules run: rules_core.explain);
- `explain`: the whole explanation, trace and the search for what would change the outcome
  (each candidate change is one more decision).

Also the cost of the `@rule` wrapper itself when nothing is traced (one rule called N times,
wrapped and unwrapped), which every answer pays.
"""
from __future__ import annotations

import statistics
import sys
import time
from pathlib import Path

import yaml

N = 200
CASES = Path(__file__).resolve().parent.parent / "tests" / "rules_cases" / "what_would_change.yml"


def _times(call, n: int = N) -> tuple:
    timings = []
    for _ in range(n):
        start = time.perf_counter_ns()
        call()
        timings.append((time.perf_counter_ns() - start) / 1e6)
    timings.sort()
    return statistics.median(timings), timings[max(0, int(0.99 * len(timings)) - 1)]


def measure_cases() -> list:
    from rules_core import Situation, decide
    from rules_core.explain import explain, traced_decision

    cases = yaml.safe_load(CASES.read_text(encoding="utf-8"))
    for case in cases:  # warm every lazy load (gazetteer, the example towns, countries' extents)
        explain(case["question"], Situation.parse_obj(case["situation"]))
    rows = []
    for case in cases:
        question, situation = case["question"], Situation.parse_obj(case["situation"])
        plain = _times(lambda: decide(question, situation))
        traced = _times(lambda: traced_decision(question, situation))
        whole = _times(lambda: explain(question, situation))
        changes = explain(question, situation).what_would_change or []
        rows.append((case["name"], question, plain, traced, whole, len(changes)))
    return rows


def measure_wrapper(n: int = 200_000) -> tuple:
    from rules_core.engine import Facts, Findings
    from rules_core.rules.funding import art_5_5_refused_or_cancelled_place as rule
    from rules_core.situation import Situation

    out = Findings(Facts(Situation(refused_or_cancelled_place=False)))
    facts = out.facts
    raw = rule.__wrapped__
    start = time.perf_counter_ns()
    for _ in range(n):
        raw(facts, out)
    unwrapped = (time.perf_counter_ns() - start) / n
    start = time.perf_counter_ns()
    for _ in range(n):
        rule(facts, out)
    wrapped = (time.perf_counter_ns() - start) / n
    return unwrapped, wrapped


def main() -> int:
    rows = measure_cases()
    unwrapped, wrapped = measure_wrapper()
    print(f"Python {sys.version.split()[0]}, {N} runs per cell, warm; median / p99 in milliseconds\n")
    print("| case | question | decide | traced decide | explain (with what would change) | changes found |")
    print("|---|---|---:|---:|---:|---:|")
    for name, question, plain, traced, whole, found in rows:
        print(f"| {name} | {question} | {plain[0]:.3f} / {plain[1]:.3f} | {traced[0]:.3f} / {traced[1]:.3f} "
              f"| {whole[0]:.2f} / {whole[1]:.2f} | {found} |")
    plain_all = statistics.median(r[2][0] for r in rows)
    whole_all = statistics.median(r[4][0] for r in rows)
    print(f"\nMedian over the cases: decide {plain_all:.3f} ms, explain {whole_all:.2f} ms "
          f"({whole_all / plain_all:.0f}x, paid only when the student asks why)")
    print(f"@rule wrapper with the trace off: {unwrapped:.0f} ns unwrapped, {wrapped:.0f} ns wrapped per rule call")
    return 0


if __name__ == "__main__":
    sys.exit(main())
