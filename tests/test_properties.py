"""Properties that hold for any valid situation and any question."""
from hypothesis import HealthCheck, given, settings

from rules_core import Outcome, Question, decide, render
from tests.strategies import situations

SETTINGS = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@SETTINGS
@given(situation=situations())
def test_any_valid_situation_gets_a_decision_for_every_question_without_error(situation):
    for question in Question:
        decision = decide(question, situation)
        assert decision.question == question


@SETTINGS
@given(situation=situations())
def test_the_same_situation_gets_the_same_decision_twice(situation):
    for question in Question:
        assert decide(question, situation).json() == decide(question, situation).json()


@SETTINGS
@given(situation=situations())
def test_no_conclusion_comes_without_a_citation_and_answers_have_conclusions(situation):
    for question in Question:
        decision = decide(question, situation)
        assert all(conclusion.citations for conclusion in decision.conclusions)
        assert all(value.citation for value in decision.values)
        if decision.outcome != Outcome.missing_facts:
            assert decision.conclusions


@SETTINGS
@given(situation=situations())
def test_only_unknown_facts_are_asked_each_once(situation):
    for question in Question:
        asked = [request.fact for request in decide(question, situation).missing_facts]
        assert len(asked) == len(set(asked))
        assert all(getattr(situation, fact) is None for fact in asked), asked


@SETTINGS
@given(situation=situations())
def test_every_decision_renders_in_french_and_in_english(situation):
    for question in Question:
        decision = decide(question, situation)
        for lang in ("fr", "en"):
            text = render(decision, lang)
            assert "{" not in text and "}" not in text
            assert len(text.splitlines()) >= 2
