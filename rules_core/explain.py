"""Why a decision is what it is, computed by the rules core (OpenFisca's trace, Catala's explanation).

`explain(question, situation)` decides the question once more with the trace on
(`rules_core.engine.TRACE`): every fact a rule read and every rule (`@rule`) that ran is recorded.
From that run it tells:

- the facts the decision used, as the student gave them (and those they said they do not know);
- the rules that applied: the decision's own conclusions, each with its article;
- the rules that were checked and did not decide it (with what they found, when they said), and
  those that could not be checked for lack of a fact;
- what would change the outcome: the smallest change of one fact a student could make
  (`rules_core.whatif`), or none.

Nothing here decides anything: the rules stay the only place where the circular is written.
"""
from __future__ import annotations

import json
from typing import Any, Dict, Iterable, List, Optional

from pydantic import BaseModel, Field

from rules_core.citations import Citation
from rules_core.decision import Conclusion, Decision, Outcome, Question
from rules_core.engine import TRACE, RuleRun, Trace
from rules_core.situation import FACT_ORDER, Situation
from rules_core.whatif import Change, what_would_change


class FactUsed(BaseModel):
    fact: str
    value: Any = None  # as JSON (dates as ISO strings); None: the student does not know it


class RuleNotDeciding(BaseModel):
    """A rule that was checked and did not decide the answer."""

    rule: str
    citation: Citation
    note: Optional[Conclusion] = None  # what it found, when it said ("Liège is beyond 100 km")


class RuleUnchecked(BaseModel):
    """A rule that could not be checked: it needs facts the student has not given."""

    rule: str
    citation: Citation
    lacked: List[str]


class Explanation(BaseModel):
    question: Question
    outcome: Outcome
    aspects: List[str] = Field(default_factory=list)
    facts: List[FactUsed] = Field(default_factory=list)
    applied: List[Conclusion] = Field(default_factory=list)
    not_deciding: List[RuleNotDeciding] = Field(default_factory=list)
    unchecked: List[RuleUnchecked] = Field(default_factory=list)
    # None: not searched (the outcome is not a plain yes or no); []: no single fact changes it.
    what_would_change: Optional[List[Change]] = None


def traced_decision(question: Question | str, situation: Situation, unknown: Iterable[str] = (),
                    aspects: Iterable[str] = ()) -> tuple[Decision, Trace]:
    """The decision, with the trace of how it was reached."""
    from rules_core.questions import decide

    trace = Trace()
    token = TRACE.set(trace)
    try:
        decision = decide(question, situation, unknown, aspects)
    finally:
        TRACE.reset(token)
    return decision, trace


def all_conclusions(decision: Decision) -> List[Conclusion]:
    """The decision's conclusions and those of its branches, each once."""
    found: List[Conclusion] = []

    def visit(conclusions: Iterable[Conclusion], branches) -> None:
        for conclusion in conclusions:
            if conclusion not in found:
                found.append(conclusion)
        for branch in branches:
            visit(branch.conclusions, branch.branches)

    visit(decision.conclusions, decision.branches)
    return found


def _rules(trace: Trace, kept_keys: set, missing_decision: bool):
    """The rules that ran, grouped by name, as not deciding or unchecked (the deciding ones are the
    conclusions themselves)."""
    runs: Dict[str, List[RuleRun]] = {}
    for run in trace.rules:
        runs.setdefault(run.name, []).append(run)
    not_deciding, unchecked = [], []
    for name, its_runs in runs.items():
        done = [r for r in its_runs if not r.lacked]
        deciding = any(c.key in kept_keys for r in done for c in r.added) or \
            any(not r.added and r.result not in (None, False) for r in done)
        if deciding:
            continue
        if done:
            notes = [c for r in done for c in r.added if c.key not in kept_keys]
            not_deciding.append(RuleNotDeciding(rule=name, citation=its_runs[0].citation,
                                                note=notes[0] if notes else None))
        elif not missing_decision:
            lacked = list(dict.fromkeys(f for r in its_runs for f in r.lacked))
            unchecked.append(RuleUnchecked(rule=name, citation=its_runs[0].citation, lacked=lacked))
    return not_deciding, unchecked


def explain(question: Question | str, situation: Situation, unknown: Iterable[str] = (),
            aspects: Iterable[str] = (), what_if: bool = True) -> Explanation:
    """How the rules core answers `question` for `situation`, and what single change would flip it."""
    unknown, aspects = list(unknown), list(aspects)
    decision, trace = traced_decision(question, situation, unknown, aspects)
    given = json.loads(situation.json(exclude_none=True))
    read = set(trace.facts)
    facts = [FactUsed(fact=name, value=given[name]) for name in FACT_ORDER if name in read and name in given]
    facts += [FactUsed(fact=name, value=None) for name in FACT_ORDER if name in unknown and name not in given]
    applied = all_conclusions(decision)
    not_deciding, unchecked = _rules(trace, {c.key for c in applied}, decision.outcome == Outcome.missing_facts)
    changes = None
    if what_if:
        changes = what_would_change(decision, situation, unknown, aspects, read)
    return Explanation(question=decision.question, outcome=decision.outcome, aspects=decision.aspects, facts=facts,
                       applied=applied, not_deciding=not_deciding, unchecked=unchecked, what_would_change=changes)
