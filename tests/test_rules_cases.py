"""The circular's decisions as readable data cases (tests/rules_cases/*.yml).

Each case names a situation and what the rules core must conclude:

    - name: A Bachelor student going to Metz with Erasmus+ gets no grant: within 100 km
      question: ask_funding
      situation: {level: bachelor, mobility_type: erasmus_plus, host_city: Metz}
      expect:
        outcome: "no"
        conclusions: [funding.proximity]       # keys that must be among the conclusions
        absent: [funding.erasmus_grant]        # keys that must not be
        citations: ["Art. 5(4)"]               # references that must be cited
        missing: [host_city]                   # exactly these facts, in this order
        values: {distance_km: [44, 47]}        # a computed value: exact, or [min, max]

A case may name facts the student said they do not know (`unknown: [native_speaker]`); then
`branches` lists the outcome for each value of the first one ({true: "no", false: "yes"}). A case
may also name what exactly the student asks (`aspects: [change_alone]`, rules_core.decision.ASPECTS).
"""
from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
import yaml

from rules_core import Situation, decide

CASES_DIR = Path(__file__).with_name("rules_cases")
EXPECT_KEYS = {"outcome", "conclusions", "absent", "citations", "missing", "values", "branches"}


def load_cases():
    for path in sorted(CASES_DIR.glob("*.yml")):
        for case in yaml.safe_load(path.read_text(encoding="utf-8")) or []:
            yield pytest.param(case, id=f"{path.stem}: {case['name']}")


@pytest.mark.parametrize("case", list(load_cases()))
def test_case(case):
    assert set(case["expect"]) <= EXPECT_KEYS, f"unknown expectation keys {set(case['expect']) - EXPECT_KEYS}"
    decision = decide(case["question"], Situation.parse_obj(case.get("situation") or {}), case.get("unknown") or (),
                      case.get("aspects") or ())
    expect = case["expect"]
    keys = [c.key for c in decision.conclusions]
    refs = {cit.reference for c in decision.conclusions for cit in c.citations}
    assert decision.outcome.value == expect["outcome"], (keys, [m.fact for m in decision.missing_facts])
    for key in expect.get("conclusions", []):
        assert key in keys, f"{key} not among {keys}"
    for key in expect.get("absent", []):
        assert key not in keys, f"{key} should not be among {keys}"
    if "missing" in expect:
        assert [m.fact for m in decision.missing_facts] == expect["missing"]
    if "branches" in expect:
        assert {b.value: b.outcome.value for b in decision.branches} == expect["branches"]
        refs |= {cit.reference for b in decision.branches for c in b.conclusions for cit in c.citations}
    for ref in expect.get("citations", []):
        assert ref in refs, f"{ref} not cited; cited: {sorted(refs)}"
    for name, wanted in (expect.get("values") or {}).items():
        got = decision.value(name)
        if isinstance(wanted, list):
            assert wanted[0] <= got <= wanted[1], f"{name}={got} not in {wanted}"
        elif isinstance(wanted, dt.date) or isinstance(got, dt.date):
            assert str(got) == str(wanted), f"{name}={got}, expected {wanted}"
        else:
            assert got == wanted, f"{name}={got}, expected {wanted}"


def test_every_question_has_cases():
    questions = {case.values[0]["question"] for case in load_cases()}
    from rules_core.decision import Question

    assert questions == {q.value for q in Question}
