"""Every conclusion and every question to the student exists in French and in English."""
import datetime as dt
import re
from pathlib import Path

import pytest

from rules_core import Situation, decide, render
from rules_core.engine import fact_request
from rules_core.render import UnknownLanguage, format_date, render_fact_question, render_option, texts
from rules_core.situation import FACT_ORDER

RULES_SOURCE = Path(__file__).parent.parent / "rules_core" / "rules"


def keys_used_by_rules():
    pattern = re.compile(r"""(?:out\.add|\.add)\(\s*["']([a-z_]+\.[a-z_0-9]+)["']""")
    keys = set()
    for path in RULES_SOURCE.glob("*.py"):
        source = path.read_text(encoding="utf-8")
        keys |= set(pattern.findall(source))
        keys |= set(re.findall(r'"([a-z_]+\.[a-z_0-9]+)" if', source))
        keys |= set(re.findall(r'else "([a-z_]+\.[a-z_0-9]+)"', source))
    return keys


def test_every_conclusion_the_rules_can_draw_has_a_french_and_an_english_text():
    used = keys_used_by_rules()
    assert len(used) > 100
    conclusions = texts()["conclusions"]
    missing = sorted(k for k in used if k not in conclusions or set(conclusions[k]) != {"fr", "en"})
    assert not missing


def test_no_text_is_left_without_a_rule_using_it():
    unused = sorted(set(texts()["conclusions"]) - keys_used_by_rules() - {"rules.conflict", "depends_on"})
    assert not unused


def test_french_and_english_texts_take_the_same_placeholders():
    for key, variants in texts()["conclusions"].items():
        fields = {lang: set(re.findall(r"{(\w+)}", text)) for lang, text in variants.items()}
        assert fields["fr"] == fields["en"], key


@pytest.mark.parametrize("fact", FACT_ORDER)
def test_every_fact_can_be_asked_in_both_languages_with_labelled_options(fact):
    request = fact_request(fact)
    for lang in ("fr", "en"):
        assert render_fact_question(request, lang).endswith("?")
        for option in request.options or []:
            assert render_option(fact, option, lang) != option or option in ("semp",), (fact, option)


def test_a_date_is_written_out_with_its_weekday_in_each_language():
    assert format_date(dt.date(2027, 10, 12), "fr") == "mardi 12 octobre 2027"
    assert format_date(dt.date(2027, 10, 12), "en") == "Tuesday 12 October 2027"


def test_a_funding_refusal_reads_naturally_in_french_with_a_decimal_comma_and_the_citation():
    decision = decide("ask_funding", Situation(mobility_type="erasmus_plus", host_city="Trèves"))
    text = render(decision, "fr")
    assert text.startswith("Non.")
    assert "Trier (Allemagne) est à environ 57,1 km" in text
    assert "(art. 5(4), circulaire mobilité du 11 février 2021)" in text


def test_a_funding_refusal_reads_naturally_in_english_with_the_citation():
    text = render(decide("ask_funding", Situation(mobility_type="erasmus_plus", host_city="Trier")), "en")
    assert text.startswith("No.")
    assert "Trier (Germany) is about 57.1 km" in text
    assert "(Art. 5(4), mobility circular of 11 February 2021)" in text


def test_several_citations_are_joined_in_the_reader_s_language():
    decision = decide("ask_funding", Situation(refused_or_cancelled_place=True))
    assert "(art. 5(5) et art. 18, circulaire" in render(decision, "fr")
    assert "(Art. 5(5) and Art. 18, mobility circular" in render(decision, "en")


def test_missing_facts_render_as_the_questions_to_ask():
    text = render(decide("ask_obligation", Situation()), "en")
    assert text.splitlines() == ["To answer, I still need:", "- Are you a Bachelor or a Master student?"]


def test_an_unsupported_language_is_a_clear_error():
    with pytest.raises(UnknownLanguage, match="'de' is not supported"):
        render(decide("ask_obligation", Situation()), "de")


def rule_functions():
    import importlib
    import pkgutil

    import rules_core.rules

    for info in pkgutil.iter_modules(rules_core.rules.__path__, "rules_core.rules."):
        module = importlib.import_module(info.name)
        for name, value in vars(module).items():
            if getattr(value, "is_rule", False) and value.__module__ == info.name:
                yield name, value


def test_every_rule_is_named_after_its_article_and_said_in_both_languages_for_explanations():
    rules = dict(rule_functions())
    assert len(rules) >= 25
    said = texts()["rules"]
    assert sorted(set(rules) - set(said)) == [] and sorted(set(said) - set(rules)) == []
    assert all(set(said[name]) == {"fr", "en"} for name in rules)
    assert rules["art_5_4_proximity"].citation.reference == "Art. 5(4)"
    assert rules["art_25_new_bachelor_after_ul_bachelor"].citation.reference == "Art. 25"


def test_every_change_the_explanation_can_say_takes_the_same_placeholders_in_both_languages():
    for key, variants in {**texts()["explanation"]["change"],
                          **{k: v for k, v in texts()["explanation"].items() if k != "change"}}.items():
        fields = {lang: set(re.findall(r"{(\w+)}", text)) for lang, text in variants.items()}
        assert set(fields) == {"fr", "en"} and fields["fr"] == fields["en"], key
