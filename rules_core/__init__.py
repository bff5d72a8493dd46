"""The University of Luxembourg's student-mobility circular (11 Feb 2021) as deterministic rules.

    from rules_core import Situation, decide, render
    decision = decide("ask_funding", Situation(level="bachelor", mobility_type="erasmus_plus", host_city="Trier"))
    print(render(decision, "fr"))

No I/O happens at import: parameters, texts and the gazetteer load on first use.
"""
from rules_core.decision import Decision, Outcome, Question
from rules_core.questions import QUESTIONS, decide
from rules_core.render import render, render_fact_question
from rules_core.situation import Situation

__all__ = ["Decision", "Outcome", "Question", "QUESTIONS", "Situation", "decide", "render", "render_fact_question"]
