"""Several questions in one message: the first is answered as usual; each other one is answered too
when the facts already settle it, or listed with a button to ask it next.

A patient advisor who gets "do I have to go abroad? and would I get a grant for Lyon?" answers both,
or says "about the grant: I need a few details first"; they never answer the first and drop the rest.
The NLU's intent classifier gives each question sentence its own intent (`question_segments` in the
parse data); a sentence it is unsure of counts when its own words name a question."""
from __future__ import annotations

from typing import Any, Dict, Iterable, List, Optional

from rasa_sdk.executor import CollectingDispatcher

from actions import messages
from actions.understanding import aspects_of, named_question, refine_question
from rules_core import Outcome, decide, render
from rules_core.chat import TITLES
from rules_core.decision import Question

QUESTIONS = {q.value for q in Question}
SURE = 0.45  # a sentence's own intent counts from this probability (below it, only its named words)
# What the answer to a question already says of another one: the extension's answer says that an extension is
# no extra mobility (Art. 28(3)), so "ça compte pas comme une 2e mobilité ?" beside it is answered.
COVERED = {"ask_extension": {("ask_mobility_count", "counts_as_another")}}


def other_questions(parse_data: Dict[str, Any], answered: Optional[str]) -> List[str]:
    """The questions other than `answered` that the message's question sentences ask, in order."""
    found: List[str] = []
    for segment in parse_data.get("question_segments") or []:
        text = segment.get("text") or ""
        intent = segment.get("intent")
        question = refine_question(intent, text) if intent in QUESTIONS and segment.get("confidence", 0) >= SURE \
            else named_question(text)
        if any(question == covered and aspect in aspects_of(text) for covered, aspect in COVERED.get(answered, ())):
            continue
        if question in QUESTIONS and question != answered and question not in found:
            found.append(question)
    return found


def answer_the_others(dispatcher: CollectingDispatcher, parse_data: Dict[str, Any], answered: str, situation,
                      unknown: Iterable[str], lang: str) -> None:
    """After the answer to `answered`: the message's other questions, each answered or listed."""
    pending = []
    for question in other_questions(parse_data, answered):
        decision = decide(question, situation, list(unknown), aspects_of(parse_data.get("text") or ""))
        title = TITLES[question][0 if lang == "fr" else 1]
        if decision.outcome in (Outcome.missing_facts, Outcome.needs_staff):
            pending.append((question, title))
            continue
        dispatcher.utter_message(text=messages.text("also_asked", lang, title=title))
        dispatcher.utter_message(text=render(decision, lang))
    if pending:
        quoted = ", ".join(f"« {t} »" if lang == "fr" else f'"{t}"' for _, t in pending)
        dispatcher.utter_message(text=messages.text("also_asked_later", lang, titles=quoted),
                                 buttons=[{"title": t, "payload": f"/{q}"} for q, t in pending])
