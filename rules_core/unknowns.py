"""Answering when the student does not know a fact: the general rule, with its conditions.

A patient advisor does not ask the same question again when the student said "I don't know":
they say what the answer is in each case. For a fact with a few possible values (yes/no, a
level, a programme type), the decision is computed for every value:

- if every value leads to the same answer, that answer is given (the fact did not matter);
- if another fact is needed in some case, it is asked (it is worth knowing);
- otherwise the answer is `conditional`, with one branch per value ("if you are a native
  speaker: … ; if not: …"), each with its own cited conclusions.

The mobilities already done are branched on as "none" or "one, of unknown type and funding" (the
funding then branches again, `branch_on_earlier_funding`). Facts without a small set of values
(dates, numbers, towns) cannot be branched on: they stay asked, and the channel decides when to
hand the case to staff.
"""
from __future__ import annotations

from typing import Any, Callable, Dict, List, Optional, Sequence, Tuple

from pydantic import ValidationError

from rules_core.citations import Citation
from rules_core.decision import OTHERWISE, Branch, Conclusion, Decision, Outcome
from rules_core.engine import fact_request, ordered
from rules_core.situation import Situation

MAX_DEPTH = 2  # two unknown facts at most are answered case by case: beyond that the answer is unreadable
MAX_UNKNOWN = 4  # up to four, when the answer reads "no if …, no if …, otherwise yes" (`flattened`)


def _possible_types(situation: Situation) -> List[Any]:
    from rules_core.rules.mobility_types import possible_types

    return [kind.value for kind in possible_types(situation)]


# Facts whose possible values depend on the other facts: only those are branched on ("Erasmus+"
# is no case for a host in Canada, SEMP none outside Switzerland: Art. 3).
POSSIBLE: dict = {"mobility_type": _possible_types}


EARLIER_DONE = "earlier_mobility_done"  # not a Situation field: whether any mobility was done before


def _earlier_mobilities(done: bool) -> list:
    from rules_core.situation import EarlierMobility

    return [EarlierMobility()] if done else []


# Facts branched on through a yes/no of their own: the branch's name, and the fact's value for each answer.
AS_YES_NO: Dict[str, Tuple[str, Callable[[bool], Any]]] = {"earlier_mobilities": (EARLIER_DONE, _earlier_mobilities)}


def values_of(fact: str, situation: Optional[Situation] = None,
              candidates: Optional[Dict[str, List[Any]]] = None) -> Optional[List[Any]]:
    """The values a fact can take, when there are few of them: those possible with the other facts of
    `situation` (when given), and of those only the `candidates` the student named ("either Global
    Exchange or Free mover") when there are some."""
    request = fact_request(fact)
    if request.kind == "bool" or fact in AS_YES_NO:
        values: Optional[List[Any]] = [True, False]
    elif request.kind == "choice":
        values = list(request.options or [])
        if situation is not None and fact in POSSIBLE:
            values = POSSIBLE[fact](situation)
    else:
        return None
    named = [v for v in values if v in (candidates or {}).get(fact, ())]
    return named or values


def split_candidates(unknown: Sequence[str]) -> Tuple[List[str], Dict[str, List[Any]]]:
    """The facts not known, and the values the student hesitates between: an entry "fact=value" of the
    unknown facts names one candidate value of a fact not known ("mobility_type=free_mover")."""
    facts: List[str] = []
    candidates: Dict[str, List[Any]] = {}
    for entry in unknown:
        name, sep, value = str(entry).partition("=")
        if sep:
            candidates.setdefault(name, []).append(value)
        elif name not in facts:
            facts.append(name)
    return facts, candidates


def _with(situation: Situation, fact: str, value: Any) -> Optional[Situation]:
    """The situation with one more fact, or None when that value contradicts the others."""
    try:
        return Situation(**{**situation.dict(exclude_none=True), fact: value})
    except ValidationError:
        return None


def _same(a: Decision, b: Decision) -> bool:
    return a.outcome == b.outcome and [c.dict() for c in a.conclusions] == [c.dict() for c in b.conclusions] \
        and a.branches == b.branches


EARLIER_FUNDED = "earlier_mobility_funded"  # not a Situation field: the funding of a mobility already done


def branch_on_earlier_funding(decide: Callable[[Situation], Decision], situation: Situation) -> Decision:
    """A student who does not know whether an earlier semester was funded gets the answer for both
    cases (funded or not), or the one answer when the funding does not change it."""
    earlier = situation.earlier_mobilities or []
    if all(m.funded is not None for m in earlier):
        return decide(situation)
    cases = []
    for value in (True, False):
        filled = [m.copy(update={"funded": value}) if m.funded is None else m for m in earlier]
        cases.append((value, decide(situation.copy(update={"earlier_mobilities": filled}))))
    if _same(cases[0][1], cases[1][1]) or any(d.outcome == Outcome.missing_facts for _, d in cases):
        return cases[1][1] if cases[1][1].outcome == Outcome.missing_facts else cases[0][1]
    return _agreeing(cases) or _conditional(cases[0][1].question, EARLIER_FUNDED, cases)


def _agreeing(cases) -> Optional[Decision]:
    """When every case says no, that no with the reasons all cases share: a branch that reads
    "if yes: no; if no: no" answers nothing the plain "no" does not."""
    decisions = [d for _, d in cases]
    first = decisions[0]
    # Only a "no": its other reasons add nothing to the answer, whereas the cases of a "yes" may each
    # carry their own way to go (Erasmus+: the allocation; Free mover: the student's own file).
    if first.outcome != Outcome.no or any(
            d.outcome != first.outcome or d.branches for d in decisions):
        return None
    shared = [c for c in first.conclusions if all(c in d.conclusions for d in decisions[1:])]
    return first.copy(update={"conclusions": shared}) if shared else None


def _conditional(question, fact: str, cases) -> Decision:
    citations: List[Citation] = []
    for _, d in cases:
        for conclusion in d.conclusions:
            citations += [c for c in conclusion.citations if c not in citations]
    branches = [Branch(fact=fact, value=value, outcome=d.outcome, conclusions=[] if d.branches else d.conclusions,
                       branches=d.branches) for value, d in cases]
    return Decision(question=question, outcome=Outcome.conditional,
                    conclusions=[Conclusion(key="depends_on", citations=citations, params={"fact": fact})],
                    branches=branches)


def branch_on_unknown(decide: Callable[[Situation], Decision], situation: Situation,
                      unknown: Sequence[str], depth: int = 0,
                      candidates: Optional[Dict[str, List[Any]]] = None) -> Decision:
    decision = decide(situation)
    if decision.outcome != Outcome.missing_facts or not unknown:
        return decision
    missing = [m.fact for m in decision.missing_facts]
    pending = [f for f in missing if f in unknown and values_of(f, situation, candidates)]
    if not pending or depth >= MAX_UNKNOWN:
        known_first = [f for f in missing if f not in unknown]
        if known_first and len(known_first) < len(missing):  # ask what the student may know first
            return decision.copy(update={"missing_facts": [fact_request(f) for f in ordered(known_first)]})
        return decision
    fact = pending[0]
    branch_name, value_for = AS_YES_NO.get(fact, (fact, lambda value: value))
    cases = []
    for value in values_of(fact, situation, candidates):
        alternative = _with(situation, fact, value_for(value))
        if alternative is not None:
            cases.append((value, branch_on_unknown(decide, alternative, unknown, depth + 1, candidates)))
    needed = [m.fact for _, d in cases if d.outcome == Outcome.missing_facts for m in d.missing_facts]
    still_needed = ordered(f for f in needed if f not in unknown)
    if still_needed:  # worth asking: some case needs it
        return decision.copy(update={"missing_facts": [fact_request(f) for f in still_needed]})
    if not cases or needed:  # some case depends on what nobody knows: ask, the channel decides
        return decision
    first = cases[0][1]
    if all(_same(first, d) for _, d in cases[1:]):
        return first  # the unknown fact does not change the answer
    result = _agreeing(cases) or _conditional(decision.question, branch_name, cases)
    if depth > 0:
        return result
    flat = flattened(result)
    if flat is not None:
        return flat
    # case by case, more than two unknown facts deep, nobody could read it: ask, the channel decides
    return result if _depth(result.branches) <= MAX_DEPTH else decision


def _depth(branches: Sequence[Branch]) -> int:
    return max((1 + _depth(b.branches) for b in branches), default=0)


def _leaves(branches: Sequence[Branch], path: Tuple = ()):
    """(the facts and values on the way, the branch) for every case of a case-by-case answer."""
    for branch in branches:
        way = path + ((branch.fact, branch.value),)
        if branch.branches:
            yield from _leaves(branch.branches, way)
        else:
            yield way, branch


def _shared(conclusion_lists: List[List[Conclusion]]) -> List[Conclusion]:
    first, *others = conclusion_lists
    return [c for c in first if all(c in other for other in others)]


def flattened(decision: Decision) -> Optional[Decision]:
    """ "No if you refused a place (Art. 5(5)); no if your earlier semester was funded (Art. 5(2));
    otherwise yes": a case-by-case answer over several unknown facts, said as the conditions that
    rule it out, when each of them alone does (whatever the other facts) and every other case is a yes.
    None when the cases do not read that way (then they are said one by one)."""
    leaves = list(_leaves(decision.branches))
    if not leaves or any(b.outcome not in (Outcome.yes, Outcome.no) for _, b in leaves) \
            or len({fact for way, _ in leaves for fact, _ in way}) < 2:
        return None
    conditions: List[Tuple[str, Any]] = []
    for way, _ in leaves:  # in the order the facts were asked
        conditions += [c for c in way if c not in conditions]
    ruling_out = [c for c in conditions if all(b.outcome == Outcome.no for way, b in leaves if c in way)]
    if any(any(c in way for c in ruling_out) != (b.outcome == Outcome.no) for way, b in leaves):
        return None  # a "no" no single condition explains, or a condition that is not always a "no"
    yes = [b.conclusions for _, b in leaves if b.outcome == Outcome.yes]
    if not yes:
        return None
    branches = []
    for condition in ruling_out:
        # its reasons: those of the cases where it alone rules the answer out
        alone = [b.conclusions for way, b in leaves if condition in way and sum(c in way for c in ruling_out) == 1]
        reasons = _shared(alone or [b.conclusions for way, b in leaves if condition in way])
        branches.append(Branch(fact=condition[0], value=condition[1], outcome=Outcome.no, conclusions=reasons))
    branches.append(Branch(fact=OTHERWISE, value=True, outcome=Outcome.yes, conclusions=_shared(yes)))
    return decision.copy(update={"branches": branches})
