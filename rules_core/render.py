"""Decisions as short sentences in French or English, each with its citation.

The texts live in data/texts.yml beside the rules, so every channel (terminal, Rasa,
Telegram, staff tickets) says the same thing.
"""
from __future__ import annotations

import datetime as dt
from functools import lru_cache
from pathlib import Path
from typing import Any, Dict, List, Sequence

import yaml

from rules_core.citations import Citation
from rules_core.decision import OTHERWISE, Conclusion, Decision, FactRequest, Outcome
from rules_core.rules.dated_steps import dated_steps

TEXTS_FILE = Path(__file__).with_name("data") / "texts.yml"
LANGUAGES = ("fr", "en")


class UnknownLanguage(ValueError):
    def __init__(self, lang: str) -> None:
        super().__init__(f"language {lang!r} is not supported (use one of {', '.join(LANGUAGES)})")


@lru_cache(maxsize=1)
def texts() -> Dict[str, Any]:
    return yaml.safe_load(TEXTS_FILE.read_text(encoding="utf-8"))


def _check(lang: str) -> None:
    if lang not in LANGUAGES:
        raise UnknownLanguage(lang)


def format_date(value: dt.date, lang: str) -> str:
    """'mardi 12 octobre 2027' / 'Tuesday 12 October 2027'."""
    from babel.dates import format_date as babel_format

    return babel_format(value, format="EEEE d MMMM y", locale=lang)


def format_number(value: float, lang: str) -> str:
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    text = f"{value}"
    return text.replace(".", ",") if lang == "fr" else text


def _format_param(name: str, value: Any, lang: str) -> str:
    from rules_core import countries

    if isinstance(value, dt.date):
        return format_date(value, lang)
    if isinstance(value, bool):
        return texts()["options"][str(value).lower()][lang]
    if isinstance(value, (int, float)):
        return format_number(value, lang)
    if name in ("country", "home") and isinstance(value, str) and len(value) == 2:
        return countries.display_name(value, lang)
    if name in ("mobility_type", "level"):
        return texts()["options"][f"{name}.{value}"][lang]
    return "" if value is None else str(value)


def render_citations(citations: Sequence[Citation], lang: str) -> str:
    refs = [c.reference.replace("Art. ", "art. ") if lang == "fr" else c.reference for c in citations]
    joined = refs[0] if len(refs) == 1 else ", ".join(refs[:-1]) + f" {texts()['citation']['and'][lang]} " + refs[-1]
    return f"({joined}, {texts()['citation'][lang]})"


def render_conclusion(conclusion: Conclusion, lang: str) -> str:
    _check(lang)
    template = texts()["conclusions"][conclusion.key][lang]
    params = {name: _format_param(name, value, lang) for name, value in conclusion.params.items()}
    return f"{template.format(**params)} {render_citations(conclusion.citations, lang)}"


def render_option(fact: str, value: str, lang: str) -> str:
    """Button label of a closed-set answer."""
    _check(lang)
    options = texts()["options"]
    return options.get(f"{fact}.{value}", options.get(value, {})).get(lang, value)


def render_fact_question(request: FactRequest | str, lang: str) -> str:
    """The question a conversation asks to obtain a missing fact."""
    _check(lang)
    fact = request if isinstance(request, str) else request.fact
    return texts()["facts"][fact][lang]


# "How / what / where" questions: a plain "Yes." would answer nothing that was asked.
INFORMATIONAL = {"ask_application", "ask_credit_conversion", "ask_cancellation", "ask_deadlines",
                 "ask_learning_agreement"}


# Conclusions that answer a question about one given day ("can I still change it on 5 March?"):
# then a plain "Yes." is the answer, not "here is what applies".
ON_A_GIVEN_DAY = {"learning_agreement.change_on_date_ok", "learning_agreement.change_on_date_too_late"}


def outcome_words(question: str, outcome: Outcome, lang: str, aspects=(), keys=()) -> str:
    """The outcome as the answer to the student's own question ("No, you do not need to go again")."""
    if aspects or ON_A_GIVEN_DAY & set(keys):  # "can I change it on my own?": a plain yes or no answers exactly that
        return texts()["outcomes"][outcome.value][lang]
    own = (texts().get("question_outcomes", {}).get(question) or {}).get(outcome.value)
    if own:
        return own[lang]
    if outcome == Outcome.yes and question in INFORMATIONAL:
        return texts()["outcomes"]["informational"][lang]
    return texts()["outcomes"][outcome.value][lang]


def render_lines(decision: Decision, lang: str) -> List[str]:
    _check(lang)
    if decision.branches:
        facts = [b.fact for b in decision.branches if b.fact != OTHERWISE]
        label = ", ".join(texts()["labels"][f][lang] for i, f in enumerate(facts) if f not in facts[:i])
        return [texts()["outcomes"]["depends"][lang].format(fact=label)] + _branch_lines(decision.branches, lang, 0, decision.question.value)
    lines = [outcome_words(decision.question.value, decision.outcome, lang, decision.aspects,
                           [c.key for c in decision.conclusions])]
    if decision.outcome == Outcome.missing_facts:
        lines += [f"- {render_fact_question(r, lang)}" for r in decision.missing_facts]
    else:
        lines += [f"- {render_conclusion(c, lang)}" for c in decision.conclusions]
    return lines


def _branch_lines(branches, lang: str, level: int, question: str = "") -> List[str]:
    """One line per value of the unknown fact ("- If <fact> is <value>: No. <conclusions>"), then
    what holds in every case, said once."""
    common = [c for c in branches[0].conclusions if all(c in b.conclusions for b in branches[1:])]
    lines = []
    for branch in branches:
        value = texts()["options"][str(branch.value).lower()][lang] if isinstance(branch.value, bool) \
            else render_option(branch.fact, branch.value, lang)
        condition = texts()["otherwise"][lang] if branch.fact == OTHERWISE else \
            texts()["branch"][lang].format(fact=texts()["labels"][branch.fact][lang], value=value)
        outcome = outcome_words(question, branch.outcome, lang) if question else \
            texts()["outcomes"][branch.outcome.value][lang]
        said = " ".join(render_conclusion(c, lang) for c in branch.conclusions if c not in common)
        lines.append(f"{'  ' * level}- {condition} {outcome} {said}".rstrip())
        lines += _branch_lines(branch.branches, lang, level + 1, question) if branch.branches else []
    if common:
        lines.append(f"{'  ' * level}- {texts()['in_every_case'][lang]} "
                     + " ".join(render_conclusion(c, lang) for c in common))
    return lines


def render(decision: Decision, lang: str) -> str:
    """The whole decision as text in one language."""
    return "\n".join(render_lines(decision, lang))


def render_fact_value(fact: str, value: Any, lang: str) -> str:
    """A known fact as the student reads it back ('Niveau : Master')."""
    from rules_core import countries

    _check(lang)
    labels = texts()["labels"]
    if value is None:
        shown = "?"
    elif fact in ("host_country", "country_of_origin", "permanent_residence_country", "school_diploma_country"):
        shown = countries.display_name(value, lang)
    elif fact == "earlier_mobilities":
        shown = ", ".join(labels[{True: "funded", False: "not_funded"}.get(m.get("funded"), "funding_unknown")][lang]
                          for m in value) if value \
            else texts()["options"]["none"][lang]
    elif isinstance(value, list):
        shown = ", ".join(render_option(fact, v, lang) for v in value) or texts()["options"]["none"][lang]
    elif isinstance(value, bool):
        shown = texts()["options"][str(value).lower()][lang]
    elif isinstance(value, str) and fact in ("level", "mobility_type"):
        shown = render_option(fact, value, lang)
    elif isinstance(value, str) and fact.endswith("_date"):
        shown = format_date(dt.date.fromisoformat(value), lang)
    elif isinstance(value, dt.date):
        shown = format_date(value, lang)
    elif isinstance(value, (int, float)):
        shown = format_number(value, lang)
    else:
        shown = str(value)
    separator = " : " if lang == "fr" else ": "
    return f"{labels[fact][lang]}{separator}{shown}"


def _labels(facts: Sequence[str], lang: str) -> str:
    names = [texts()["labels"][f][lang].lower() for f in facts]
    return ", ".join(names[:-1]) + f" {texts()['citation']['and'][lang]} " + names[-1] if len(names) > 1 \
        else "".join(names)


def _refs(citations: Sequence[Citation], lang: str) -> str:
    """Articles alone ("Art. 5(4) and Art. 5(3)"), inside a sentence that already names the circular."""
    refs = [c.reference.replace("Art. ", "art. ") if lang == "fr" else c.reference for c in citations]
    return ", ".join(refs[:-1]) + f" {texts()['citation']['and'][lang]} " + refs[-1] if len(refs) > 1 else "".join(refs)


def render_change(change: Any, question: str, lang: str) -> str:
    """One change of one fact, and the answer it would give ("With a host more than 100 km ...")."""
    from rules_core.decision import Outcome

    words = texts()["explanation"]
    params = {name: _format_param(name, value, lang) for name, value in change.params.items()}
    if "date" in change.params and isinstance(change.params["date"], str):
        params["date"] = format_date(dt.date.fromisoformat(change.params["date"]), lang)
    said = words["change"][change.kind][lang].format(**params)
    said = said[0].upper() + said[1:]
    if change.outcome == Outcome.missing_facts:
        return words["opening"][lang].format(change=said, articles=_refs(change.lifted, lang),
                                             facts=_labels(change.then_needed, lang))
    line = words["flip"][lang].format(change=said, outcome=outcome_words(question, change.outcome, lang),
                                      deciding=" ".join(render_conclusion(c, lang) for c in change.deciding))
    if change.lifted:
        line += " " + words["lifted"][lang].format(articles=_refs(change.lifted, lang))
    return line.rstrip()


def render_explanation(explanation: Any, lang: str) -> str:
    """Why a decision is what it is (rules_core.explain.Explanation, or its JSON), in one language."""
    from rules_core.explain import Explanation

    _check(lang)
    if isinstance(explanation, dict):
        explanation = Explanation.parse_obj(explanation)
    words = texts()["explanation"]
    question = explanation.question.value
    lines = [words["intro"][lang]]
    if explanation.facts:
        lines.append(words["facts"][lang])
        for used in explanation.facts:
            if used.value is None:
                label = texts()["labels"][used.fact][lang]
                lines.append("- " + words["not_known"][lang].format(label=label))
            else:
                lines.append(f"- {render_fact_value(used.fact, used.value, lang)}")
    else:
        lines.append(words["no_facts"][lang])
    if explanation.applied:
        lines.append(words["applied"][lang])
        lines += [f"- {render_conclusion(c, lang)}" for c in explanation.applied]
    if explanation.not_deciding:
        lines.append(words["not_deciding"][lang])
        for checked in explanation.not_deciding:
            if checked.note is not None:
                lines.append(f"- {render_conclusion(checked.note, lang)}")
            else:
                lines.append("- " + words["rule_not_applied"][lang].format(
                    rule=texts()["rules"][checked.rule][lang], citation=render_citations([checked.citation], lang)))
    if explanation.unchecked:
        lines.append(words["unchecked"][lang])
        lines += ["- " + words["rule_unchecked"][lang].format(
            rule=texts()["rules"][u.rule][lang], citation=render_citations([u.citation], lang),
            facts=_labels(u.lacked, lang)) for u in explanation.unchecked]
    if explanation.what_would_change is not None:
        lines.append(words["what_would_change"][lang])
        if explanation.what_would_change:
            lines += [f"- {render_change(c, question, lang)}" for c in explanation.what_would_change]
        else:
            lines.append(f"- {words['no_change'][lang]}")
    return "\n".join(lines)


# -- dated steps, as a channel reminds of them --------------------------------------------------

def step_label(kind: str, lang: str) -> str:
    """What the step is, in the student's language (`steps.<kind>` of texts.yml)."""
    return texts()["steps"][kind][lang]


def offer_payload(decision: Decision) -> List[dict]:
    """The dated steps as JSON a channel can store and remind of, labels and citations in both languages."""
    return [{"kind": s.kind, "date": s.date.isoformat(), "lapses": s.lapses, "article": s.citation.reference,
             "label": {lang: step_label(s.kind, lang) for lang in ("fr", "en")},
             "cite": {lang: render_citations([s.citation], lang) for lang in ("fr", "en")}}
            for s in dated_steps(decision)]
