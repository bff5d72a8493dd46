"""`python deploy/rasa_run.py run ...`: `rasa run ...` with `--auth-token` taken from RASA_AUTH_TOKEN.

Rasa reads its API token from the command line only, and any local user can read a command line
(`ps`, /proc/<pid>/cmdline); a process's environment is readable by its owner alone. So the token
comes in the environment, leaves it, and is added to Rasa's arguments inside this process. Used by
the embedded supervisor (`python -m bot`) and the production units (deploy/). The Rasa server loads
nothing of the project but what config.yml and endpoints.yml name, and `rasa_extensions`: here,
the check of the action server's answers with its validator built once (`action_response`: Rasa
re-checks a constant schema against the metaschema on every answer, a quarter of a turn).
"""
import os
import runpy
import sys



def rasa_argv(args: list, token: str) -> list:
    """Rasa's command line with the token; `--auth-token=…` in one word, because a random token may
    start with '-' and argparse would take a separate one for an option (Rasa then exits 2)."""
    return ["rasa", *args, f"--auth-token={token}"]


if __name__ == "__main__":
    token = os.environ.pop("RASA_AUTH_TOKEN", "")
    if not token:
        sys.exit("error: RASA_AUTH_TOKEN is not set; Rasa's HTTP API would be open to anyone who can reach it")
    sys.argv = rasa_argv(sys.argv[1:], token)
    sys.path[0] = os.getcwd()  # as `python -m rasa` would have it, not deploy/ (its folders are no modules)
    from rasa_extensions import action_response

    action_response.install_when_imported()
    runpy.run_module("rasa", run_name="__main__", alter_sys=True)
