"""Starts and stops the assistant's processes: training when the data changed, the action
server, the Rasa server. Used by the terminal chat, the Telegram adapter and the tests."""
from __future__ import annotations

import hashlib
import logging
import os
import signal
import subprocess
import sys
import time
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator, List, Optional

import httpx

from bot.runtime.settings import ROOT, Settings

log = logging.getLogger(__name__)

# What a trained model depends on: a change to any of these retrains.
TRAINING_INPUTS = ("config.yml", "domain.yml", "nlu_data", "nlu_components")


class StartupError(RuntimeError):
    """A process of the assistant did not come up; the message says which and where its log is."""


def _env() -> dict:
    return {**os.environ, "RASA_TELEMETRY_ENABLED": "false", "PYTHONPATH": str(ROOT),
            "TF_CPP_MIN_LOG_LEVEL": "3", "PYTHONWARNINGS": "ignore"}


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
    settings.var_dir.mkdir(exist_ok=True)
    with open(settings.var_dir / "train.log", "w") as logfile:
        done = subprocess.run(
            [sys.executable, "-m", "rasa", "train", "--data", "nlu_data", "--domain", "domain.yml", "--config",
             "config.yml", "--out", str(settings.models_dir), "--fixed-model-name", settings.model_name],
            cwd=settings.project_dir, env=_env(), stdout=logfile, stderr=subprocess.STDOUT)
    if done.returncode != 0 or not settings.model_path.exists():
        raise StartupError(f"training failed; see {settings.var_dir / 'train.log'}")
    stamp.write_text(fingerprint)
    return True


def _wait_until_up(url: str, process: subprocess.Popen, name: str, timeout_s: float, logfile: Path) -> None:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise StartupError(f"the {name} stopped at start (exit {process.returncode}); see {logfile}")
        try:
            if httpx.get(url, timeout=2).status_code < 500:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.5)
    raise StartupError(f"the {name} did not answer within {timeout_s:.0f} s; see {logfile}")


def _start(args: List[str], name: str, settings: Settings, health_url: str) -> subprocess.Popen:
    settings.var_dir.mkdir(exist_ok=True)
    logfile = settings.var_dir / f"{name.replace(' ', '_')}.log"
    with open(logfile, "w") as log_handle:  # the child keeps its own copy of the file
        process = subprocess.Popen(args, cwd=settings.project_dir, env=_env(), stdout=log_handle,
                                   stderr=subprocess.STDOUT, start_new_session=True)
    try:
        _wait_until_up(health_url, process, name, settings.startup_timeout_s, logfile)
    except StartupError:
        stop(process)
        raise
    return process


def start_action_server(settings: Settings) -> subprocess.Popen:
    return _start([sys.executable, "-m", "rasa_sdk", "--actions", "actions", "--port", str(settings.action_port)],
                  "action server", settings, f"http://127.0.0.1:{settings.action_port}/health")


def start_rasa_server(settings: Settings) -> subprocess.Popen:
    return _start([sys.executable, "-m", "rasa", "run", "--enable-api", "--model", str(settings.model_path),
                   "--endpoints", settings.endpoints_file, "--credentials", "credentials.yml",
                   "--port", str(settings.rasa_port)],
                  "rasa server", settings, f"http://127.0.0.1:{settings.rasa_port}/status")


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
