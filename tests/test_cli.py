"""The command line: JSON in, decision out; bad input is one line and a typed exit status."""
import io
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from rules_core.cli import ExitStatus, main

ROOT = Path(__file__).parent.parent


def run(argv, stdin=""):
    out, err = io.StringIO(), io.StringIO()
    status = main(argv, stdin=io.StringIO(stdin), stdout=out, stderr=err)
    return status, out.getvalue(), err.getvalue()


def test_a_question_prints_the_decision_as_json():
    status, out, _ = run(["ask_learning_agreement"], '{"level": "bachelor", "course_start_date": "2027-09-14"}')
    assert status == ExitStatus.OK
    decision = json.loads(out)
    assert decision["outcome"] == "yes"
    assert {"name": "learning_agreement_change_deadline", "value": "2027-10-12", "unit": "date",
            "weekday": "Tuesday", "citation": {"reference": "Art. 8(2)", "version": "2021-02-11"}} in decision["values"]


def test_lang_prints_the_decision_as_text():
    status, out, _ = run(["ask_obligation", "--lang", "fr"], '{"level": "master"}')
    assert status == ExitStatus.OK
    assert out.startswith("Non.\n- La circulaire n'impose pas")


def test_schema_prints_the_situation_json_schema():
    status, out, _ = run(["schema"])
    schema = json.loads(out)
    assert status == ExitStatus.OK and schema["title"] == "Situation" and "host_city" in schema["properties"]


@pytest.mark.parametrize(
    "stdin, message",
    [
        ('{"semester": 0}', "semester: ensure this value is greater than or equal to 1"),
        ('{"course_hours": -4}', "course_hours: ensure this value is greater than 0"),
        ('{"departure_date": "2027-03-01", "return_date": "2027-02-01"}', "the return cannot come before the departure"),
        ('{"semester": 9}', "semester: ensure this value is less than or equal to 8"),
        ('{"favourite_colour": "blue"}', "unknown field 'favourite_colour'"),
        ('{"course_start_date": "2027-02-31"}', "course_start_date: '2027-02-31' is not a calendar date"),
        ('{"host_country": "Atlantis"}', "host_country: unknown country 'Atlantis'"),
        ('{"level": "doctorate"}', "level: value is not a valid enumeration member"),
        ("{not json", "invalid JSON at line 1 column 2"),
        ("[1, 2]", "the situation must be a JSON object"),
        ("", "no situation on standard input"),
    ],
)
def test_bad_input_is_one_line_naming_the_problem_and_exit_status_3(stdin, message):
    status, out, err = run(["ask_funding"], stdin)
    assert status == ExitStatus.INVALID_INPUT
    assert out == ""
    assert message in err and err.count("\n") == 1 and "Traceback" not in err


def test_an_unknown_question_is_a_usage_error():
    with pytest.raises(SystemExit) as exit_:
        run(["ask_weather"])
    assert exit_.value.code == ExitStatus.USAGE


def test_python_m_rules_core_runs_as_a_program():
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    done = subprocess.run([sys.executable, "-m", "rules_core", "ask_fees", "--lang", "en"], input='{"mobility_type": "free_mover"}',
                          capture_output=True, text=True, cwd=ROOT, env=env, timeout=60)
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("You do not pay your tuition fees to the University of Luxembourg, but to the host:\n- As a Free mover")


def test_the_terminal_chat_asks_only_missing_facts_then_answers():
    status, out, _ = run(["chat", "--lang", "en"], "5\n1\nMetz\nq\n")
    assert status == ExitStatus.OK
    assert "Which type of mobility" in out and "In which city" in out
    assert "Metz (France) is about 45.8 km" in out and out.rstrip().endswith("Goodbye!")


def test_the_terminal_chat_asks_again_after_an_answer_it_cannot_use():
    status, out, _ = run(["chat", "--lang", "fr"], "6\n1\n31/02/2027\n14/09/2027\nq\n")
    assert status == ExitStatus.OK
    assert "Je n'ai pas compris cette réponse" in out
    assert "mardi 12 octobre 2027" in out


def test_why_prints_how_the_decision_was_reached_and_what_would_change_it():
    situation = '{"level": "bachelor", "semester": 2}'
    status, out, _ = run(["ask_departure_semester", "--why", "--lang", "en"], situation)
    assert status == ExitStatus.OK
    assert out.startswith("Here is how I reached this answer.\nThe facts I used:\n- Level: Bachelor")
    assert "- Going in semester 3, the answer would be: Yes." in out
    status, out, _ = run(["ask_departure_semester", "--why"], situation)
    assert json.loads(out)["what_would_change"][0]["value"] == 3
