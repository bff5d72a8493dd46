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

A case may say what would change the outcome (`what_would_change`, see what_would_change.yml): the
changes the counterfactual search finds, each with what the FR and EN explanations say; [] for none.

A case may name facts the student said they do not know (`unknown: [native_speaker]`); then
`branches` lists the outcome for each value of the first one ({true: "no", false: "yes"}), or, when the
answer reads "no if …, otherwise yes", `conditions` lists each condition and its outcome
("refused_or_cancelled_place=true: no", …, "otherwise: yes"). A case
may also name what exactly the student asks (`aspects: [change_alone]`, rules_core.decision.ASPECTS).
"""
from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
import yaml

from rules_core import Situation, decide

CASES_DIR = Path(__file__).with_name("rules_cases")
EXPECT_KEYS = {"outcome", "conclusions", "absent", "citations", "missing", "values", "branches", "conditions",
               "what_would_change"}


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
    if "conditions" in expect:
        said = [f"{b.fact}: {b.outcome.value}" if b.fact == "otherwise" else f"{b.fact}={str(b.value).lower()}: {b.outcome.value}"
                for b in decision.branches]
        assert said == expect["conditions"]
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


    if "what_would_change" in expect:
        check_what_would_change(case, expect["what_would_change"])


def check_what_would_change(case, wanted):
    from rules_core.explain import explain
    from rules_core.render import render_explanation, texts

    explanation = explain(case["question"], Situation.parse_obj(case.get("situation") or {}),
                          case.get("unknown") or (), case.get("aspects") or ())
    found = explanation.what_would_change
    assert found is not None, "the outcome is not a plain yes or no: nothing was searched"
    said = {lang: render_explanation(explanation, lang) for lang in ("fr", "en")}
    assert [(c.fact, c.value, c.outcome.value) for c in found] == \
        [(w["fact"], str(w["value"]) if isinstance(w["value"], dt.date) else w["value"], w["outcome"]) for w in wanted]
    for change, expected in zip(found, wanted):
        refs = {c.reference for c in change.lifted} | {c.reference for d in change.deciding for c in d.citations}
        assert set(expected["citations"]) <= refs, f"{expected['citations']} not all cited; cited: {sorted(refs)}"
        for lang in ("fr", "en"):
            assert expected[lang] in said[lang], f"{lang}: {expected[lang]!r} not in\n{said[lang]}"
    if not wanted:
        for lang in ("fr", "en"):
            assert texts()["explanation"]["no_change"][lang] in said[lang]


def test_every_question_with_a_yes_or_no_outcome_has_a_what_would_change_case():
    cases = [c.values[0] for c in load_cases()]
    yes_or_no = {c["question"] for c in cases if c["expect"]["outcome"] in ("yes", "no")}
    searched = {c["question"] for c in cases if "what_would_change" in c["expect"]}
    assert yes_or_no and yes_or_no <= searched, sorted(yes_or_no - searched)


def test_every_question_has_cases():
    questions = {case.values[0]["question"] for case in load_cases()}
    from rules_core.decision import Question

    assert questions == {q.value for q in Question}
