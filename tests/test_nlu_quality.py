"""The NLU on held-out examples (tests/nlu/, never trained on): intent macro F1 per language."""
import json

import pytest

from benchmarks.nlu_eval import evaluate

MINIMUM_F1 = 0.90


@pytest.fixture(scope="module")
def report(trained_model, tmp_path_factory):
    result = evaluate(str(trained_model))
    (tmp_path_factory.mktemp("nlu") / "report.json").write_text(json.dumps(result, indent=2, ensure_ascii=False))
    return result


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_held_out_intent_macro_f1_is_at_least_0_90_in_each_language(report, lang):
    result = report[lang]
    worst = [f"{e['text']!r}: {e['expected']} -> {e['predicted']}" for e in result["errors"][:15]]
    assert result["examples"] >= 300
    assert result["intent_macro_f1"] >= MINIMUM_F1, "\n".join(worst)


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_a_held_out_faq_question_taken_as_faq_gets_its_own_topic_at_least_nine_times_in_ten(report, lang):
    result = report[lang]
    wrong = [f"{e['text']!r}: {e['expected']} -> {e['predicted']}" for e in result["errors"]
             if e["expected"].startswith("faq/") and e["predicted"].startswith("faq/")]
    assert result["faq_examples"] >= 30
    assert result["faq_topic_choice_accuracy"] >= 0.90, "\n".join(wrong)
