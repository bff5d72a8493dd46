"""Rasa's own checks on the project: data validation and the test stories (both languages)."""
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
ENV = {**os.environ, "RASA_TELEMETRY_ENABLED": "false", "PYTHONPATH": str(ROOT), "TF_CPP_MIN_LOG_LEVEL": "3"}
# Rasa 3.6 itself reports this when a retrieval intent is both in the domain (needed by the
# rules) and derived from the NLU data; it is not a problem of the project's files.
KNOWN_RASA_NOTICE = "duplicated intents have been found across multiple domain files: faq"
# Responses a custom action utters (action_help, action_faq decide between them and carrying the
# question on; action_small_talk utters them in the language it read in the message): Rasa's validator
# only looks for them in stories and rules.
UTTERED_BY_ACTIONS = {name: "actions/conversation.py" for name in (
    "utter_help", "utter_faq", "utter_greet", "utter_goodbye", "utter_you_are_welcome", "utter_iamabot")}


def _uttered_by_an_action(line: str) -> bool:
    for response, module in UTTERED_BY_ACTIONS.items():
        if f"The utterance '{response}' is not used in any story or rule" in line:
            return f'"{response}"' in (ROOT / module).read_text(encoding="utf-8")
    return False


def rasa(*args, timeout=900):
    return subprocess.run([sys.executable, "-m", "rasa", *args], cwd=ROOT, env=ENV, capture_output=True, text=True,
                          timeout=timeout)


def test_rasa_data_validate_is_clean():
    done = rasa("data", "validate", "--data", "nlu_data", "--domain", "domain.yml", "--config", "config.yml")
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    warnings = [line for line in (done.stdout + done.stderr).splitlines()
                if ("UserWarning" in line or "WARNING" in line) and KNOWN_RASA_NOTICE not in line
                and "Deprecat" not in line and not _uttered_by_an_action(line)]
    assert not warnings, "\n".join(warnings)


def test_every_test_story_passes_in_french_and_english(trained_model, tmp_path):
    done = rasa("test", "core", "--model", str(trained_model), "--stories", "tests/stories", "--out", str(tmp_path),
                "--fail-on-prediction-errors")
    assert done.returncode == 0, done.stdout[-4000:] + done.stderr[-4000:]
    assert (ROOT / "tests" / "stories" / "test_stories_fr.yml").exists()
    assert (ROOT / "tests" / "stories" / "test_stories_en.yml").exists()
