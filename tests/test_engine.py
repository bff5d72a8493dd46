"""The rule machinery: missing facts, exceptions that conflict, dated parameters, citations."""
import datetime as dt

import pytest
from pydantic import ValidationError

from rules_core import parameters
from rules_core.citations import Citation, art, master
from rules_core.engine import Facts, Missing, RuleConflict, exceptions
from rules_core.parameters import Parameter
from rules_core.situation import Situation


def test_two_exceptions_that_both_match_are_an_error_not_a_silent_order():
    facts = Facts(Situation())
    candidates = [(art(24, 1), lambda f: {"obliged": False}), (art(25), lambda f: {"obliged": True})]
    with pytest.raises(RuleConflict, match=r"Art. 24\(1\), Art. 25 all match"):
        exceptions("Art. 1(1)", facts, candidates)


def test_one_matching_exception_overrides_the_general_rule():
    facts = Facts(Situation())
    result = exceptions("Art. 1(1)", facts, [(art(24, 1), lambda f: None), (art(25), lambda f: {"obliged": True})])
    assert result == (art(25), {"obliged": True})


def test_an_exception_that_cannot_tell_reports_the_fact_it_needs():
    with pytest.raises(Missing) as missing:
        exceptions("Art. 1(1)", Facts(Situation()), [(art(25), lambda f: f.need("special_statuses"))])
    assert missing.value.facts == ("special_statuses",)


def test_a_citation_to_an_article_the_circular_does_not_have_is_refused():
    with pytest.raises(ValidationError):
        Citation(reference="Art. 29")
    with pytest.raises(ValidationError):
        master("Stages")
    assert art(2, 1, 3).reference == "Art. 2(1) 3°"


def test_a_parameter_gives_the_value_in_force_on_a_date():
    param = Parameter(description="radius", history=[
        {"value": 100, "applies_from": "2021-02-11", "source": "Art. 5(4)"},
        {"value": 120, "applies_from": "2030-01-01", "source": "hypothetical amendment"},
    ])
    assert param.at(dt.date(2025, 1, 1)).value == 100
    assert param.at(dt.date(2030, 1, 1)).value == 120
    assert param.at().value == 120
    with pytest.raises(LookupError):
        param.at(dt.date(2020, 1, 1))


def test_every_parameter_of_the_circular_is_sourced_and_dated():
    for name, param in parameters.parameters().parameters.items():
        for dated in param.history:
            assert dated.source and dated.applies_from >= dt.date(2021, 2, 11), name
    assert parameters.value("proximity_radius_km") == 100
    assert parameters.value("learning_agreement_change_window_days") == 28
    assert parameters.value("hours_per_credit") == {"min": 25, "max": 30}


def test_a_country_list_with_a_yaml_boolean_in_it_is_refused():
    with pytest.raises(ValueError, match='quote codes such as \\\\"NO\\\\"|quote codes such as "NO"'):
        Parameter(description="area", history=[{"value": ["FR", False, "CH"], "applies_from": "2021-02-11",
                                                "source": "Art. 14(1)"}])
    assert "NO" in parameters.value("visa_free_area")


def test_ground_5_needs_every_country_named_outside_the_eu_and_luxembourg():
    from rules_core.rules.obligation import third_country_ground

    assert third_country_ground({"BR"}) and third_country_ground({"IN", "IN"})
    assert not third_country_ground({"BR", "PT"}) and not third_country_ground({"BR", "LU"})
    assert not third_country_ground(set())


def test_a_rule_not_named_after_an_article_is_refused():
    import pytest

    from rules_core.engine import rule

    def proximity(f, out):
        return False

    with pytest.raises(ValueError, match="named after its article"):
        rule(proximity)


def test_the_trace_records_the_facts_read_and_the_rules_run_only_while_explaining():
    from rules_core import Situation, decide
    from rules_core.engine import TRACE
    from rules_core.explain import traced_decision

    situation = Situation(level="master", mobility_type="free_mover", host_city="Montréal", semester=2)
    decide("ask_funding", situation)
    assert TRACE.get() is None
    decision, trace = traced_decision("ask_funding", situation)
    assert decision.outcome.value == "no"
    assert "semester" not in trace.facts and {"level", "mobility_type"} <= set(trace.facts)
    first = trace.rules[0]
    assert (first.name, first.citation.reference, first.result) == ("art_5_1_masters_not_eligible_for_fonds",
                                                                   "Art. 5(1)", True)
    assert [c.key for c in first.added] == ["funding.master_no_fonds"]
    assert TRACE.get() is None
