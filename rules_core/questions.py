"""One decision function per top-level question intent."""
from __future__ import annotations

from typing import Callable, Dict, Iterable

from rules_core.decision import Decision, Question
from rules_core.rules import deadlines, funding, obligation, programmes, timing
from rules_core.situation import Situation

QUESTIONS: Dict[Question, Callable[[Situation], Decision]] = {
    Question.ask_obligation: obligation.decide_obligation,
    Question.ask_exemption: obligation.decide_exemption,
    Question.ask_departure_semester: timing.decide_departure_semester,
    Question.ask_application: programmes.decide_application,
    Question.ask_funding: funding.decide,
    Question.ask_learning_agreement: timing.decide_learning_agreement,
    Question.ask_credit_conversion: programmes.decide_credit_conversion,
    Question.ask_validation: timing.decide_validation,
    Question.ask_interruption: timing.decide_interruption,
    Question.ask_extension: programmes.decide_extension,
    Question.ask_cancellation: programmes.decide_cancellation,
    Question.ask_fees: programmes.decide_fees,
    Question.ask_language_test: programmes.decide_language_test,
    Question.ask_mobility_count: programmes.decide_mobility_count,
    Question.ask_visa: programmes.decide_visa,
    Question.ask_deadlines: deadlines.decide_deadlines,
}


def decide(question: Question | str, situation: Situation, unknown: Iterable[str] = (),
           aspects: Iterable[str] = ()) -> Decision:
    """The decision of one question; `unknown` names facts the student said they do not know
    (see `unknowns.branch_on_unknown`), and with "fact=value" entries the values the
    student hesitates between (`unknowns.split_candidates`); `aspects` what exactly the student asks of it
    (`decision.ASPECTS`)."""
    from rules_core.unknowns import branch_on_earlier_funding, branch_on_unknown, split_candidates

    from rules_core.decision import ASPECTS
    from rules_core.engine import ASKED, UNKNOWN

    q = Question(question)
    # "either Global Exchange or Free mover": entries "fact=value" name the values the student hesitates between
    facts, candidates = split_candidates(list(unknown))
    not_known = [f for f in facts if getattr(situation, f, None) is None]

    def decide_one(s: Situation) -> Decision:
        return branch_on_earlier_funding(QUESTIONS[q], s)

    token = UNKNOWN.set(frozenset(not_known))
    asked_token = ASKED.set(frozenset(a for a in aspects if ASPECTS.get(a) == q.value))
    try:
        decision = branch_on_unknown(decide_one, situation, not_known, candidates=candidates)
        asked_here = sorted(ASKED.get())
        return decision.copy(update={"aspects": asked_here}) if asked_here else decision
    finally:
        ASKED.reset(asked_token)
        UNKNOWN.reset(token)
