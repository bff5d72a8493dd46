"""The small machinery the rules are written with (Catala-like, in plain Python).

- `Facts.need(name)` reads a fact or raises `Missing`: a rule that cannot tell says
  exactly which fact it needs.
- `Findings` gathers the conclusions of independent rules, remembering the facts
  any of them still needs, so every fact that could change the answer is asked.
- `exceptions(...)`: a general rule and the exceptions written beside it; when two
  exceptions match, that is a `RuleConflict`, never a silent order.
- `@rule`: marks a function as the rule of the article its name says (`art_5_4_proximity` is
  Art. 5(4)). While a decision is explained (`TRACE` set, see rules_core.explain), each rule run and
  each fact read is recorded, as OpenFisca's trace does; otherwise a rule costs one lookup more.
"""
from __future__ import annotations

import datetime as dt
import functools
import re
from contextvars import ContextVar
from dataclasses import dataclass, field
from typing import Any, Callable, Dict, FrozenSet, Iterable, List, Optional, Sequence

from pydantic.fields import ModelField

from rules_core.citations import Citation, art
from rules_core.decision import ComputedValue, Conclusion, Decision, FactRequest, Outcome, Question
from rules_core.situation import FACT_ORDER, EarlierMobility, Situation


class Missing(Exception):
    """The rule needs these facts to tell."""

    def __init__(self, *facts: str) -> None:
        super().__init__(", ".join(facts))
        self.facts = facts


class RuleConflict(Exception):
    """Two exceptions to the same general rule match the same situation."""

    def __init__(self, rule: str, citations: Sequence[Citation]) -> None:
        refs = ", ".join(c.reference for c in citations)
        super().__init__(f"{rule}: exceptions {refs} all match")
        self.rule = rule
        self.citations = list(citations)


# Facts the student said they do not know, for the question being decided (set by `decide`). A rule
# that has a general form ("four weeks after courses start") gives it instead of asking again.
UNKNOWN: ContextVar[FrozenSet[str]] = ContextVar("unknown_facts", default=frozenset())


# What exactly the student asks, beyond the question's topic ("can I change it on my own?"): the
# outcome then answers that (set by `decide`; names in rules_core.decision.ASPECTS).
ASKED: ContextVar[FrozenSet[str]] = ContextVar("asked_aspects", default=frozenset())


def asked(aspect: str) -> bool:
    """Whether the student's question is this aspect of its topic."""
    return aspect in ASKED.get()


@dataclass
class RuleRun:
    """One run of a rule while a decision was explained."""

    name: str
    citation: Citation
    result: Any  # what the rule returned; None as well when it lacked facts
    added: List[Conclusion]  # the conclusions it added
    lacked: List[str] = field(default_factory=list)  # the facts it needed and did not have


class Trace:
    """The facts read and the rules run while deciding (only while a decision is explained)."""

    def __init__(self) -> None:
        self.facts: Dict[str, None] = {}  # read order, no repeats
        self.rules: List[RuleRun] = []


TRACE: ContextVar[Optional[Trace]] = ContextVar("trace", default=None)

_RULE_NAME = re.compile(r"^art_(?P<n>\d{1,2})(?:_(?P<p>\d))?(?:_|$)")


def rule(function: Callable) -> Callable:
    """Marks `function` as the rule of the article its name says, and traces it while explaining."""
    match = _RULE_NAME.match(function.__name__)
    if not match:
        raise ValueError(f"a rule is named after its article (art_<n>[_<paragraph>]_...): {function.__name__}")
    citation = art(int(match["n"]), int(match["p"]) if match["p"] else None)

    @functools.wraps(function)
    def traced(*args: Any, **kwargs: Any) -> Any:
        trace = TRACE.get()
        if trace is None:
            return function(*args, **kwargs)
        out = next((a for a in args if isinstance(a, Findings)), None)
        before = len(out.conclusions) if out is not None else 0
        try:
            result = function(*args, **kwargs)
        except Missing as missing:
            trace.rules.append(RuleRun(function.__name__, citation, None, [], list(missing.facts)))
            raise
        added = list(out.conclusions[before:]) if out is not None else []
        trace.rules.append(RuleRun(function.__name__, citation, result, added))
        return result

    traced.citation = citation  # type: ignore[attr-defined]
    traced.is_rule = True  # type: ignore[attr-defined]
    return traced


class Facts:
    """Read access to a situation for the rules."""

    def __init__(self, situation: Situation) -> None:
        self.situation = situation
        self._trace = TRACE.get()

    def _read(self, name: str) -> Any:
        if self._trace is not None:
            self._trace.facts[name] = None
        return getattr(self.situation, name)

    def unknown(self, *names: str) -> bool:
        """Whether one of these facts is missing because the student does not know it."""
        return any(self._read(n) is None and n in UNKNOWN.get() for n in names)

    def need(self, name: str) -> Any:
        value = self._read(name)
        if value is None:
            raise Missing(name)
        return value

    def get(self, name: str) -> Any:
        """A fact that only adds a caveat when known: never asked for."""
        return self._read(name)


def needs(facts: Facts, *names: str) -> tuple:
    """Reads several independent facts at once, so all the missing ones are asked together."""
    missing = [name for name in names if facts.get(name) is None]
    if missing:
        raise Missing(*missing)
    return tuple(facts.get(name) for name in names)


def fact_request(name: str) -> FactRequest:
    """How to ask for a fact, from the Situation field's type."""
    field: ModelField = Situation.__fields__[name]
    outer = field.outer_type_
    inner = field.type_
    options = None
    if getattr(outer, "__origin__", None) is list or str(outer).startswith("typing.List"):
        if inner is EarlierMobility:
            kind = "mobilities"
        else:
            kind, options = "multi_choice", [e.value for e in inner]
    elif isinstance(inner, type) and issubclass(inner, bool):
        kind = "bool"
    elif isinstance(inner, type) and hasattr(inner, "__members__"):
        kind, options = "choice", [e.value for e in inner]
    elif isinstance(inner, type) and issubclass(inner, dt.date):
        kind = "date"
    elif isinstance(inner, type) and issubclass(inner, (int, float)):
        kind = "number"
    else:
        kind = "text"
    return FactRequest(fact=name, kind=kind, options=options)


def ordered(facts: Iterable[str]) -> List[str]:
    """Facts without repeats, in the order a conversation asks for them."""
    unique = set(facts)
    return [name for name in FACT_ORDER if name in unique]


class Findings:
    """Conclusions and computed values gathered while deciding one question."""

    def __init__(self, facts: Facts) -> None:
        self.facts = facts
        self.conclusions: List[Conclusion] = []
        self.values: List[ComputedValue] = []
        self.missing: List[str] = []

    def add(self, key: str, *citations: Citation, **params: Any) -> Conclusion:
        conclusion = Conclusion(key=key, citations=list(citations), params=params)
        self.conclusions.append(conclusion)
        return conclusion

    def compute(self, name: str, value: Any, citation: Citation, unit: Optional[str] = None) -> Any:
        weekday = value.strftime("%A") if isinstance(value, dt.date) else None
        self.values.append(ComputedValue(name=name, value=value, unit=unit, weekday=weekday, citation=citation))
        return value

    def attempt(self, rule: Callable[[Facts, "Findings"], Any]) -> Any:
        """Runs an independent rule; when it lacks facts, remembers them and returns None."""
        try:
            return rule(self.facts, self)
        except Missing as missing:
            self.missing.extend(missing.facts)
            return None

    def decision(self, question: Question, outcome: Outcome) -> Decision:
        if outcome == Outcome.missing_facts:
            return Decision(
                question=question,
                outcome=outcome,
                missing_facts=[fact_request(name) for name in ordered(self.missing)],
            )
        return Decision(question=question, outcome=outcome, conclusions=self.conclusions, values=self.values)


Exception_ = Callable[[Facts], Optional[Dict[str, Any]]]


def exceptions(rule: str, facts: Facts, candidates: Sequence[tuple[Citation, Exception_]]) -> Optional[tuple]:
    """Evaluates the exceptions written beside a general rule.

    Each candidate returns None when it does not apply, or what it concludes. Returns
    (citation, conclusion) of the one that applies, None when none does; raises
    RuleConflict when several do, and Missing when one cannot tell.
    """
    matched = []
    missing: List[str] = []
    for citation, candidate in candidates:
        try:
            result = candidate(facts)
        except Missing as m:
            missing.extend(m.facts)
            continue
        if result is not None:
            matched.append((citation, result))
    if len(matched) > 1:
        raise RuleConflict(rule, [c for c, _ in matched])
    if missing:
        raise Missing(*missing)
    return matched[0] if matched else None
