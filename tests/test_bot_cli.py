"""`python -m bot`: a wrong setting stops it at once with one line naming it, exit status 2."""
import os
import subprocess
import sys

import pytest


def run_bot(**env):
    return subprocess.run([sys.executable, "-m", "bot"], capture_output=True, text=True, timeout=60,
                          env={**os.environ, "RASA_TELEMETRY_ENABLED": "false", **env}, stdin=subprocess.DEVNULL)


@pytest.mark.parametrize("env, named", [
    ({"STAFF_USER_IDS": "marie"}, "STAFF_USER_IDS"),
    ({"TELEGRAM_WEBHOOK_URL": "https://example.org/hook"}, "TELEGRAM_WEBHOOK_SECRET"),
    ({"OFFICE_HOURS": "always"}, "office hours"),
    ({"OFFICE_TIMEZONE": "Mars/Olympus"}, "time zone"),
])
def test_a_wrong_setting_exits_with_status_2_and_names_it(env, named):
    done = run_bot(TELEGRAM_BOT_TOKEN="123:secret-token", **env)
    assert done.returncode == 2
    assert named in done.stderr and len(done.stderr.strip().splitlines()) == 1
    assert "secret-token" not in done.stderr + done.stdout
