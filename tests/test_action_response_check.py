"""The check of the action server's answers, validator built once, decides and words every answer
as Rasa's own `_validate_action_result` does; the launcher installs it in every Rasa server."""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from jsonschema import ValidationError
from rasa.core.actions.action import RemoteAction

from rasa_extensions import action_response

ROOT = Path(__file__).resolve().parent.parent
RASAS_OWN = RemoteAction._validate_action_result  # this test process never installs the check

ANSWERS = [
    {"events": [], "responses": []},
    {"events": [{"event": "slot", "name": "city", "value": "Lisbon"}],
     "responses": [{"text": "Oui.", "buttons": []}]},
    {"events": [{"event": "slot", "name": "city", "value": "Lisbon"}, {"event": "followup", "name": "x"}]},
    {},
    {"events": [{"event": "slot", "value": "Lisbon"}]},  # a slot event without its name
    {"events": [{"event": "no_such_event"}]},
    {"events": "not a list"},
    {"responses": [["not", "an", "object"]]},
    {"events": [{"event": "user", "text": 3}]},
    [],
]


def outcome(check, answer) -> tuple:
    action = RemoteAction("action_answer", None)
    try:
        return ("valid", check(action, answer))
    except ValidationError as error:
        return ("invalid", error.message, list(error.path), list(error.schema_path))


@pytest.mark.parametrize("answer", ANSWERS)
def test_each_answer_gets_rasas_verdict_and_message(answer):
    assert outcome(action_response.validate_action_result, answer) == outcome(RASAS_OWN, answer)


def test_the_invalid_answers_are_rejected_with_rasas_hint():
    verdicts = [outcome(action_response.validate_action_result, answer) for answer in ANSWERS]
    assert [v[0] for v in verdicts].count("invalid") >= 5
    assert all("Failed to validate Action server response" in v[1] for v in verdicts if v[0] == "invalid")


def test_the_validator_is_built_once():
    assert action_response.action_response_validator() is action_response.action_response_validator()


INSTALLED = """
import sys
from rasa_extensions import action_response
action_response.install_when_imported()
assert "rasa.core.actions.action" not in sys.modules
from rasa.core.actions.action import RemoteAction
print(RemoteAction._validate_action_result is action_response.validate_action_result)
"""


def test_installed_when_rasa_imports_its_actions_module():
    result = subprocess.run([sys.executable, "-c", INSTALLED], cwd=ROOT, capture_output=True, text=True,
                            timeout=300, env={"PATH": "/usr/bin:/bin", "RASA_TELEMETRY_ENABLED": "false",
                                              "TF_CPP_MIN_LOG_LEVEL": "3"})
    assert result.returncode == 0, result.stderr[-2000:]
    assert result.stdout.strip().splitlines()[-1] == "True"


def test_the_launcher_of_every_rasa_server_installs_it():
    launcher = (ROOT / "deploy" / "rasa_run.py").read_text(encoding="utf-8")
    assert "action_response.install_when_imported()" in launcher
    assert launcher.index("install_when_imported") < launcher.index("runpy.run_module")
