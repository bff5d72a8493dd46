"""Command line: decide one question for a situation given as JSON on standard input.

    python -m rules_core ask_funding --lang fr < situation.json
    python -m rules_core ask_funding --why --lang en < situation.json   # why, and what would change it
    python -m rules_core schema
    python -m rules_core chat

Bad input gets one line naming the field and a non-zero exit status, never a traceback.
"""
from __future__ import annotations

import argparse
import json
import sys
from enum import IntEnum
from typing import List, Optional, TextIO

from pydantic import ValidationError

from rules_core.decision import Question
from rules_core.render import LANGUAGES


class ExitStatus(IntEnum):
    OK = 0
    ERROR = 1  # unexpected failure
    USAGE = 2  # wrong arguments (argparse's own status)
    INVALID_INPUT = 3  # the situation is malformed or impossible


class InputError(Exception):
    """The situation on standard input cannot be used; the message names the problem."""


def describe_validation_error(error: ValidationError) -> str:
    """One line per problem, each naming its field."""
    lines = []
    for problem in error.errors():
        loc = [str(part) for part in problem["loc"] if part != "__root__"]
        field = ".".join(loc)
        if problem["type"] == "value_error.extra":
            lines.append(f"unknown field {field!r}")
        elif field:
            lines.append(f"{field}: {problem['msg']}")
        else:
            lines.append(problem["msg"])
    return "; ".join(lines)


def read_situation(stream: TextIO):
    from rules_core.situation import Situation

    raw = stream.read()
    if not raw.strip():
        raise InputError("no situation on standard input (send {} when nothing is known)")
    try:
        data = json.loads(raw)
    except json.JSONDecodeError as error:
        raise InputError(f"invalid JSON at line {error.lineno} column {error.colno}: {error.msg}") from None
    if not isinstance(data, dict):
        raise InputError("the situation must be a JSON object")
    try:
        return Situation.parse_obj(data)
    except ValidationError as error:
        raise InputError(f"invalid situation: {describe_validation_error(error)}") from None


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m rules_core", description=__doc__.split("\n")[0])
    parser.add_argument(
        "question",
        choices=[q.value for q in Question] + ["schema", "chat"],
        metavar="QUESTION",
        help="an intent (ask_obligation ... ask_deadlines), 'schema' or 'chat'",
    )
    parser.add_argument("--lang", choices=LANGUAGES, help="print the answer as text in this language")
    parser.add_argument("--why", action="store_true",
                        help="the explanation instead: facts used, rules applied or not, what would change it")
    return parser


def main(argv: Optional[List[str]] = None, stdin: TextIO = sys.stdin, stdout: TextIO = sys.stdout,
         stderr: TextIO = sys.stderr) -> int:
    args = _parser().parse_args(argv)
    try:
        if args.question == "schema":
            from rules_core.situation import Situation

            stdout.write(Situation.schema_json(indent=2) + "\n")
            return ExitStatus.OK
        if args.question == "chat":
            from rules_core.chat import run_chat

            return run_chat(stdin, stdout, lang=args.lang)
        from rules_core import decide, render

        if args.why:
            from rules_core.explain import explain
            from rules_core.render import render_explanation

            explanation = explain(args.question, read_situation(stdin))
            stdout.write((render_explanation(explanation, args.lang) if args.lang
                          else explanation.json(indent=2, ensure_ascii=False)) + "\n")
            return ExitStatus.OK
        decision = decide(args.question, read_situation(stdin))
        stdout.write((render(decision, args.lang) if args.lang else decision.json(indent=2, ensure_ascii=False)) + "\n")
        return ExitStatus.OK
    except InputError as error:
        stderr.write(f"error: {error}\n")
        return ExitStatus.INVALID_INPUT
    except KeyboardInterrupt:
        return ExitStatus.OK
    except Exception as error:  # a bug: say so in one line, never a traceback
        stderr.write(f"error: unexpected failure ({type(error).__name__}: {error})\n")
        return ExitStatus.ERROR
