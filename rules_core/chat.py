"""A terminal conversation over the rules core: pick a question, answer what it asks.

It is the assistant's fallback when Rasa is not running, and a way for staff to try a
situation by hand. It asks only the facts the rules core reports missing, one at a time.
"""
from __future__ import annotations

import datetime as dt
import re
from typing import Any, Optional, TextIO

from pydantic import ValidationError

from rules_core.decision import FactRequest, Outcome, Question
from rules_core.render import render, render_fact_question, render_option

YES = {"o", "oui", "y", "yes", "ja", "1", "true"}
NO = {"n", "non", "no", "nein", "0", "false"}
PROMPTS = {
    "fr": {
        "choose": "Quelle est votre question ? (numéro, ou q pour quitter)",
        "invalid": "Je n'ai pas compris cette réponse, pouvez-vous reformuler ?",
        "mobilities": "Nombre de mobilités déjà faites, puis pour chacune o/n si elle était financée (ex. « 1 o ») :",
        "again": "Une autre question ? (numéro, ou q pour quitter)",
        "bye": "Au revoir !",
    },
    "en": {
        "choose": "What is your question? (number, or q to quit)",
        "invalid": "I did not understand that answer; could you rephrase?",
        "mobilities": "Number of mobilities already done, then y/n for each: was it funded? (e.g. \"1 y\"):",
        "again": "Another question? (number, or q to quit)",
        "bye": "Goodbye!",
    },
}
TITLES = {
    "ask_obligation": ("Dois-je partir à l'étranger ?", "Do I have to go abroad?"),
    "ask_exemption": ("Puis-je être dispensé ?", "Can I be exempted?"),
    "ask_departure_semester": ("Quand puis-je partir ?", "When can I go?"),
    "ask_application": ("Comment candidater ?", "How do I apply?"),
    "ask_funding": ("Aurai-je une bourse ?", "Will I get a grant?"),
    "ask_learning_agreement": ("Learning agreement", "Learning agreement"),
    "ask_credit_conversion": ("Conversion des crédits", "Credit conversion"),
    "ask_validation": ("Mon semestre sera-t-il validé ?", "Will my semester count?"),
    "ask_interruption": ("Je dois rentrer plus tôt", "I have to come back early"),
    "ask_extension": ("Prolonger ma mobilité", "Extend my mobility"),
    "ask_cancellation": ("Renoncer à ma place", "Give up my place"),
    "ask_fees": ("Frais d'inscription", "Tuition fees"),
    "ask_language_test": ("Test de langue", "Language test"),
    "ask_mobility_count": ("Partir deux fois ?", "Go abroad twice?"),
    "ask_visa": ("Visa", "Visa"),
    "ask_deadlines": ("Étapes et délais", "Steps and deadlines"),
}


class Unparsed(ValueError):
    pass


def parse_answer(request: FactRequest, text: str) -> Any:
    """Turns a typed answer into a fact value; raises Unparsed when it cannot."""
    text = text.strip()
    if request.kind == "bool":
        if text.casefold() in YES:
            return True
        if text.casefold() in NO:
            return False
        raise Unparsed(text)
    if request.kind == "choice":
        options = request.options or []
        if text.isdigit() and 1 <= int(text) <= len(options):
            return options[int(text) - 1]
        if text.casefold() in options:
            return text.casefold()
        raise Unparsed(text)
    if request.kind == "multi_choice":
        if text in ("0", ""):
            return []
        picks = [int(p) for p in re.split(r"[\s,;]+", text) if p.isdigit()]
        if not picks or any(not 1 <= p <= len(request.options or []) for p in picks):
            raise Unparsed(text)
        return sorted({request.options[p - 1] for p in picks}, key=request.options.index)
    if request.kind == "mobilities":
        parts = text.split()
        if not parts or not parts[0].isdigit():
            raise Unparsed(text)
        count, flags = int(parts[0]), [p.casefold() in YES for p in parts[1:]]
        if count > 4 or len(flags) != count:
            raise Unparsed(text)
        return [{"funded": funded} for funded in flags]
    if request.kind == "date":
        match = re.fullmatch(r"(\d{1,2})[/.\-](\d{1,2})[/.\-](\d{4})", text)
        try:
            if match:
                return dt.date(int(match[3]), int(match[2]), int(match[1]))
            return dt.date.fromisoformat(text)
        except ValueError:
            raise Unparsed(text) from None
    if request.kind == "number":
        try:
            return float(text.replace(",", ".")) if "." in text or "," in text else int(text)
        except ValueError:
            raise Unparsed(text) from None
    if not text:
        raise Unparsed(text)
    return text


def _ask(stdin: TextIO, stdout: TextIO, prompt: str) -> Optional[str]:
    stdout.write(prompt + "\n> ")
    stdout.flush()
    line = stdin.readline()
    return None if line == "" else line.rstrip("\n")


def _option_menu(request: FactRequest, lang: str) -> str:
    if request.kind in ("choice", "multi_choice"):
        labels = [f"  {i}. {render_option(request.fact, o, lang)}" for i, o in enumerate(request.options or [], 1)]
        if request.kind == "multi_choice":
            labels.insert(0, f"  0. {render_option(request.fact, 'none', lang)}")
        return "\n" + "\n".join(labels)
    if request.kind == "bool":
        return " (o/n)" if lang == "fr" else " (y/n)"
    if request.kind == "date":
        return " (JJ/MM/AAAA)" if lang == "fr" else " (DD/MM/YYYY)"
    return ""


def run_chat(stdin: TextIO, stdout: TextIO, lang: Optional[str] = None) -> int:
    from rules_core import Situation, decide

    if lang is None:
        answer = _ask(stdin, stdout, "Français ou English? (fr/en)")
        if answer is None:
            return 0
        lang = "en" if answer.strip().casefold().startswith("en") else "fr"
    texts = PROMPTS[lang]
    facts: dict = {"today": dt.date.today()}
    questions = list(Question)
    menu = "\n".join(f"  {i}. {TITLES[q.value][lang == 'en']}" for i, q in enumerate(questions, 1))
    prompt = texts["choose"]
    while True:
        choice = _ask(stdin, stdout, f"{prompt}\n{menu}")
        if choice is None or choice.strip().casefold() in ("q", "quit", "quitter", "exit"):
            stdout.write(texts["bye"] + "\n")
            return 0
        if not choice.strip().isdigit() or not 1 <= int(choice) <= len(questions):
            stdout.write(texts["invalid"] + "\n")
            continue
        question = questions[int(choice) - 1]
        while True:
            decision = decide(question, Situation(**facts))
            if decision.outcome != Outcome.missing_facts:
                break
            request = decision.missing_facts[0]
            hint = texts["mobilities"] if request.kind == "mobilities" else ""
            answer = _ask(stdin, stdout, f"{render_fact_question(request, lang)}{_option_menu(request, lang)} {hint}")
            if answer is None:
                stdout.write(texts["bye"] + "\n")
                return 0
            try:
                candidate = {**facts, request.fact: parse_answer(request, answer)}
                Situation(**candidate)  # rejects an unknown country, an impossible date...
                facts = candidate
            except (Unparsed, ValidationError):
                stdout.write(texts["invalid"] + "\n")
        stdout.write(render(decision, lang) + "\n\n")
        prompt = texts["again"]
