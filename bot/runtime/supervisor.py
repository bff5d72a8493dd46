"""Starts and stops the assistant's processes: training when the data changed, the action
server, the Rasa server. Used by the terminal chat, the Telegram adapter and the tests."""
from __future__ import annotations

import hashlib
import logging
import os
import re
import signal
import subprocess
import sys
import time
from contextlib import contextmanager
from pathlib import Path
from typing import Dict, Iterator, List, Mapping, Optional

import httpx

from bot.runtime.settings import ROOT, Settings

log = logging.getLogger(__name__)

# What a trained model depends on: a change to any of these retrains.
TRAINING_INPUTS = ("config.yml", "domain.yml", "nlu_data", "nlu_components")


class StartupError(RuntimeError):
    """A process of the assistant did not come up; the message says which and where its log is."""


# What a server may inherit of the adapter's environment (least privilege): the system's basics and
# the settings of Rasa, TensorFlow and Sanic. Everything else stays with the adapter, above all the
# secrets only it needs (TELEGRAM_BOT_TOKEN, TELEGRAM_WEBHOOK_SECRET, PSEUDONYM_KEY, TICKETS_DB_URL,
# RABBITMQ_URL). Rasa also gets the variables its endpoints file names (its databases) and its token.
_BASIC = frozenset({"PATH", "HOME", "LANG", "LANGUAGE", "TZ", "TMPDIR", "VIRTUAL_ENV", "PYTHONDONTWRITEBYTECODE",
                    "LOG_LEVEL", "LOG_LEVEL_LIBRARIES", "CUDA_VISIBLE_DEVICES", "OMP_NUM_THREADS"})
_PREFIXES = ("LC_", "RASA_", "TF_", "SANIC_", "SQL_", "ACTION_SERVER_")
_NEVER = frozenset({"RASA_AUTH_TOKEN"})  # handed to Rasa on purpose (see _rasa_env), to no other process
_ENDPOINT_VARIABLE = re.compile(r"\$\{([^}]+)\}")
# Rasa reads its token from the command line only, which any local user sees (ps, /proc/*/cmdline):
# it goes through the environment (readable by its owner alone) and is put in argv inside the process.
_RASA_WITH_TOKEN_FROM_ENV = ("import os, runpy, sys; "
                             "sys.argv = ['rasa', *sys.argv[1:], '--auth-token', os.environ.pop('RASA_AUTH_TOKEN')]; "
                             "runpy.run_module('rasa', run_name='__main__', alter_sys=True)")
# Files the servers create (Rasa's SQLite databases, logs) are for the service's user alone.
_UMASK = 0o077


def child_env(parent: Mapping[str, str] = os.environ) -> Dict[str, str]:
    """The environment of a server: the allow-listed part of the adapter's, and the project's fixed settings."""
    kept = {name: value for name, value in parent.items()
            if name not in _NEVER and (name in _BASIC or name.startswith(_PREFIXES))}
    return {**kept, "RASA_TELEMETRY_ENABLED": "false", "PYTHONPATH": str(ROOT),
            "TF_CPP_MIN_LOG_LEVEL": "3", "PYTHONWARNINGS": "ignore"}


def _endpoint_variables(settings: Settings) -> List[str]:
    path = Path(settings.endpoints_file)
    path = path if path.is_absolute() else settings.project_dir / path
    try:
        return _ENDPOINT_VARIABLE.findall(path.read_text(encoding="utf-8"))
    except OSError:
        return []  # Rasa will say the file is missing, in its log


def _rasa_env(settings: Settings, parent: Mapping[str, str] = os.environ) -> Dict[str, str]:
    named = {name: parent[name] for name in _endpoint_variables(settings) if name in parent}
    return {**child_env(parent), **named, "RASA_AUTH_TOKEN": settings.rasa_auth_token}


def _action_env(settings: Settings, parent: Mapping[str, str] = os.environ) -> Dict[str, str]:
    # rasa-sdk has no host option: Sanic's SANIC_HOST says where it listens.
    return {**child_env(parent), "SANIC_HOST": settings.actions_host}


def _env() -> dict:
    return child_env()


def private_var_dir(settings: Settings) -> Path:
    """var/ for the service's user alone (0700), its files 0600: databases, logs, keys."""
    var = settings.var_dir
    var.mkdir(parents=True, exist_ok=True)
    os.chmod(var, 0o700)
    for path in var.rglob("*"):
        if path.is_symlink():
            continue
        os.chmod(path, 0o700 if path.is_dir() else 0o600)
    return var


def _private_children() -> None:
    """Runs in each child between fork and exec."""
    os.umask(_UMASK)


def _open_private(path: Path, mode: str = "w"):
    flags = os.O_WRONLY | os.O_CREAT | (os.O_APPEND if mode == "a" else os.O_TRUNC)
    return os.fdopen(os.open(path, flags, 0o600), mode)


def training_fingerprint(project_dir: Path) -> str:
    digest = hashlib.sha256()
    for name in TRAINING_INPUTS:
        path = project_dir / name
        files = sorted(p for p in path.rglob("*") if p.is_file() and "__pycache__" not in p.parts) \
            if path.is_dir() else [path]
        for file in files:
            digest.update(str(file.relative_to(project_dir)).encode())
            digest.update(file.read_bytes())
    return digest.hexdigest()


def train_if_needed(settings: Settings, echo=print) -> bool:
    """Trains the model when the training inputs changed since the last training; True if it trained."""
    stamp = settings.models_dir / f"{settings.model_name}.fingerprint"
    fingerprint = training_fingerprint(settings.project_dir)
    if settings.model_path.exists() and stamp.exists() and stamp.read_text() == fingerprint:
        return False
    echo("Training the assistant's model (first run or changed data; a few minutes on 2 cores)...")
    private_var_dir(settings)
    with _open_private(settings.var_dir / "train.log") as logfile:
        done = subprocess.run(
            [sys.executable, "-m", "rasa", "train", "--data", "nlu_data", "--domain", "domain.yml", "--config",
             "config.yml", "--out", str(settings.models_dir), "--fixed-model-name", settings.model_name],
            cwd=settings.project_dir, env=_env(), stdout=logfile, stderr=subprocess.STDOUT,
            preexec_fn=_private_children)
    if done.returncode != 0 or not settings.model_path.exists():
        raise StartupError(f"training failed; see {settings.var_dir / 'train.log'}")
    stamp.write_text(fingerprint)
    return True


def _wait_until_up(url: str, process: subprocess.Popen, name: str, timeout_s: float, logfile: Path,
                   params: Optional[Dict[str, str]] = None) -> None:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise StartupError(f"the {name} stopped at start (exit {process.returncode}); see {logfile}")
        try:
            if httpx.get(url, params=params, timeout=2).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.5)
    raise StartupError(f"the {name} did not answer within {timeout_s:.0f} s; see {logfile}")


def _start(args: List[str], name: str, settings: Settings, health_url: str, env: Dict[str, str],
           health_params: Optional[Dict[str, str]] = None) -> subprocess.Popen:
    private_var_dir(settings)
    logfile = settings.var_dir / f"{name.replace(' ', '_')}.log"
    with _open_private(logfile) as log_handle:  # the child keeps its own copy of the file
        process = subprocess.Popen(args, cwd=settings.project_dir, env=env, stdout=log_handle,
                                   stderr=subprocess.STDOUT, start_new_session=True, preexec_fn=_private_children)
    try:
        _wait_until_up(health_url, process, name, settings.startup_timeout_s, logfile, health_params)
    except StartupError:
        stop(process)
        raise
    return process


def _probe_host(host: str) -> str:
    """Where the supervisor checks a server it started: itself when it listens on every interface."""
    return "127.0.0.1" if host in ("0.0.0.0", "", "::") else host


def start_action_server(settings: Settings) -> subprocess.Popen:
    return _start([sys.executable, "-m", "rasa_sdk", "--actions", "actions", "--port", str(settings.action_port)],
                  "action server", settings,
                  f"http://{_probe_host(settings.actions_host)}:{settings.action_port}/health", _action_env(settings))


def start_rasa_server(settings: Settings) -> subprocess.Popen:
    # /status answers 200 only with the token: an older Rasa left on the port, with another token, fails it.
    return _start([sys.executable, "-c", _RASA_WITH_TOKEN_FROM_ENV, "run", "--enable-api",
                   "--model", str(settings.model_path), "--endpoints", settings.endpoints_file,
                   "--credentials", "credentials.yml", "--interface", settings.rasa_host,
                   "--port", str(settings.rasa_port)],
                  "rasa server", settings,
                  f"http://{_probe_host(settings.rasa_host)}:{settings.rasa_port}/status", _rasa_env(settings),
                  {"token": settings.rasa_auth_token})


def stop(process: Optional[subprocess.Popen], timeout_s: float = 15.0) -> None:
    """Stops a process group politely, then firmly."""
    if process is None or process.poll() is not None:
        return
    for sig, wait in ((signal.SIGTERM, timeout_s), (signal.SIGKILL, 5.0)):
        try:
            os.killpg(process.pid, sig)
        except ProcessLookupError:
            return
        try:
            process.wait(wait)
            return
        except subprocess.TimeoutExpired:
            continue


@contextmanager
def assistant(settings: Settings, echo=print) -> Iterator[Settings]:
    """Trains if needed, runs the action server and the Rasa server, stops both on exit."""
    train_if_needed(settings, echo)
    echo("Starting the assistant...")
    actions = rasa = None
    try:
        actions = start_action_server(settings)
        rasa = start_rasa_server(settings)
        yield settings
    finally:
        stop(rasa)
        stop(actions)
