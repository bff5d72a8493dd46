"""Starts, watches and stops the assistant's processes: training when the data changed, the action
server, the Rasa server. Used by the terminal chat, the Telegram adapter and the tests.

`assistant()` is the supervisor of `make run`: it refuses a port it did not take (an older
assistant left running would otherwise answer its health checks), restarts a server that dies
(with a growing delay, noted in the server's log), and stops both servers on every way out (a
return, an exception, SIGTERM, Ctrl-C pressed twice); if the adapter itself is killed, the servers
get SIGTERM from the kernel (`children.py`). Server logs are appended and rotated (`logs.py`).
"""
from __future__ import annotations

import errno
import hashlib
import logging
import os
import re
import signal
import socket
import subprocess
import sys
import threading
import time
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Dict, Iterator, List, Mapping, Optional

import httpx

from bot.runtime import children
from bot.runtime.logs import RotatingFile, pump
from bot.runtime.settings import ROOT, Settings

log = logging.getLogger(__name__)

# What a trained model depends on: a change to any of these retrains.
TRAINING_INPUTS = ("config.yml", "domain.yml", "nlu_data", "nlu_components")
# A server that ran this long before dying is restarted at once again (its crash is not a loop).
STABLE_AFTER_S = 60.0


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
# Never passed on, even if an endpoints file named one of them.
ADAPTER_ONLY = frozenset({"TELEGRAM_BOT_TOKEN", "TELEGRAM_WEBHOOK_SECRET", "PSEUDONYM_KEY", "TICKETS_DB_URL",
                          "RABBITMQ_URL"})
_ENDPOINT_VARIABLE = re.compile(r"\$\{([^}]+)\}")
# Rasa reads its token from the command line only, which any local user sees: deploy/rasa_run.py
# takes it from the environment (readable by its owner alone) instead.
RASA_LAUNCHER = ROOT / "deploy" / "rasa_run.py"


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
    named = {name: parent[name] for name in _endpoint_variables(settings)
             if name in parent and name not in ADAPTER_ONLY}
    # VAR_DIR as the settings resolved it (absolute): endpoints.yml keeps its databases there.
    return {**child_env(parent), **named, "VAR_DIR": str(settings.var_dir),
            "RASA_AUTH_TOKEN": settings.rasa_auth_token}


def _action_env(settings: Settings, parent: Mapping[str, str] = os.environ) -> Dict[str, str]:
    # rasa-sdk has no host option: Sanic's SANIC_HOST says where it listens.
    return {**child_env(parent), "SANIC_HOST": settings.actions_host}


def private_var_dir(settings: Settings) -> Path:
    """var/ for the service's user alone (0700), its files 0600: databases, logs, keys."""
    var = settings.var_dir
    path = var
    try:
        var.mkdir(parents=True, exist_ok=True)
        os.chmod(var, 0o700)
        for path in var.rglob("*"):
            if not path.is_symlink():
                os.chmod(path, 0o700 if path.is_dir() else 0o600)
    except OSError as error:  # e.g. a file of another user: say which, do not run with it readable
        raise StartupError(f"cannot make {path} private to this user ({error.strerror}); fix its owner "
                           f"or set VAR_DIR") from None
    return var


def _log(settings: Settings, name: str) -> RotatingFile:
    return RotatingFile(private_var_dir(settings) / f"{name.replace(' ', '_')}.log",
                        settings.log_max_bytes, settings.log_backups)


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
    logfile = _log(settings, "train")
    logfile.write(b"")  # rotates a full log before the training writes to it directly
    try:
        logfile.note("training")
        done = children.run(
            [sys.executable, "-m", "rasa", "train", "--data", "nlu_data", "--domain", "domain.yml", "--config",
             "config.yml", "--out", str(settings.models_dir), "--fixed-model-name", settings.model_name],
            cwd=settings.project_dir, env=child_env(), stdout=logfile.fileno(), stderr=subprocess.STDOUT)
    finally:
        logfile.close()
    if done.returncode != 0 or not settings.model_path.exists():
        raise StartupError(f"training failed; see {logfile.path}")
    stamp.write_text(fingerprint)
    return True


# -- one server -------------------------------------------------------------------------------

def _probe_host(host: str) -> str:
    """Where the supervisor checks a server it started: itself when it listens on every interface."""
    return "127.0.0.1" if host in ("0.0.0.0", "", "::") else host


@dataclass
class Server:
    """How to start one server and tell it is up; `process` is the one running now."""
    name: str
    port_setting: str  # the environment variable to change when the port is taken
    host: str
    port: int
    args: List[str]
    env: Dict[str, str] = field(repr=False)
    health_url: str
    health_params: Dict[str, str] = field(default_factory=dict, repr=False)
    process: Optional[subprocess.Popen] = None
    output: Optional[threading.Thread] = None  # copies the process's output into its log


def action_server(settings: Settings) -> Server:
    return Server("action server", "ACTION_PORT", settings.actions_host, settings.action_port,
                  [sys.executable, "-m", "rasa_sdk", "--actions", "actions", "--port", str(settings.action_port)],
                  _action_env(settings), f"http://{_probe_host(settings.actions_host)}:{settings.action_port}/health")


def rasa_server(settings: Settings) -> Server:
    # /status answers 200 only with the token: an older Rasa on the port, with another token, fails it.
    return Server("rasa server", "RASA_PORT", settings.rasa_host, settings.rasa_port,
                  [sys.executable, str(RASA_LAUNCHER), "run", "--enable-api",
                   "--model", str(settings.model_path), "--endpoints", settings.endpoints_file,
                   "--credentials", "credentials.yml", "--interface", settings.rasa_host,
                   "--port", str(settings.rasa_port)],
                  _rasa_env(settings), f"http://{_probe_host(settings.rasa_host)}:{settings.rasa_port}/status",
                  {"token": settings.rasa_auth_token})


def ensure_port_free(server: Server) -> None:
    """A clear error when another process holds the server's port: its health check would pass while
    the server we start fails with "address already in use"."""
    family = socket.AF_INET6 if ":" in server.host else socket.AF_INET
    with socket.socket(family, socket.SOCK_STREAM) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # as the servers bind: TIME_WAIT is no owner
        try:
            probe.bind((server.host or "0.0.0.0", server.port))
        except OSError as error:
            if error.errno != errno.EADDRINUSE:
                raise StartupError(f"the {server.name} cannot listen on {server.host}:{server.port}: "
                                   f"{error.strerror}") from None
            raise StartupError(f"port {server.port} ({server.port_setting}) is already in use by a process this "
                               f"assistant did not start (an assistant still running?); stop it or set "
                               f"{server.port_setting} to a free port") from None


def _wait_until_up(server: Server, process: subprocess.Popen, timeout_s: float, logfile: Path,
                   cancel: Optional[threading.Event] = None) -> None:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline and not (cancel and cancel.is_set()):
        if process.poll() is not None:
            raise StartupError(f"the {server.name} stopped at start (exit {process.returncode}); see {logfile}")
        try:
            if httpx.get(server.health_url, params=server.health_params, timeout=2).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.5)
    if cancel and cancel.is_set():
        raise StartupError(f"the {server.name} was stopped while starting")
    raise StartupError(f"the {server.name} did not answer within {timeout_s:.0f} s; see {logfile}")


def _spawn(server: Server, settings: Settings, logfile: RotatingFile, close_log: bool = False) -> subprocess.Popen:
    """Starts the server's process, its output piped into its log (so the log rotates while it runs)."""
    ensure_port_free(server)
    process = children.popen(server.args, cwd=settings.project_dir, env=server.env, stdin=subprocess.DEVNULL,
                             stdout=subprocess.PIPE, stderr=subprocess.STDOUT, start_new_session=True)
    server.output = pump(process.stdout, logfile, close_log)
    return process


def _start(server: Server, settings: Settings) -> subprocess.Popen:
    logfile = _log(settings, server.name)
    try:
        process = _spawn(server, settings, logfile, close_log=True)  # closed once the output ends
    except BaseException:
        logfile.close()
        raise
    try:
        _wait_until_up(server, process, settings.startup_timeout_s, logfile.path)
    except BaseException:  # Ctrl-C while waiting too: nothing is left running
        stop(process)
        raise
    return process


def start_action_server(settings: Settings) -> subprocess.Popen:
    return _start(action_server(settings), settings)


def start_rasa_server(settings: Settings) -> subprocess.Popen:
    return _start(rasa_server(settings), settings)


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


# -- the supervisor ---------------------------------------------------------------------------

class Supervisor:
    """Runs the servers; a watcher thread per server restarts it when it dies, after
    restart_delay_s, doubled after each crash in a row (up to restart_max_delay_s)."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.servers = [action_server(settings), rasa_server(settings)]
        self.restarts: Dict[str, int] = {server.name: 0 for server in self.servers}
        self._logs = {server.name: _log(settings, server.name) for server in self.servers}
        self._stopping = threading.Event()
        self._lock = threading.Lock()  # a restart and stop() never both hold a server's process
        self._watchers: List[threading.Thread] = []

    def start(self) -> None:
        """Starts the servers in order, each up before the next; raises StartupError."""
        for server in self.servers:
            ensure_port_free(server)  # every port first: fail before starting anything
        for server in self.servers:
            self._start(server)
        for server in self.servers:
            watcher = threading.Thread(target=self._watch, args=(server,), name=f"watch {server.name}", daemon=True)
            watcher.start()
            self._watchers.append(watcher)

    def _start(self, server: Server) -> None:
        logfile = self._logs[server.name]
        with self._lock:
            if self._stopping.is_set():
                raise StartupError(f"the {server.name} was stopped while starting")
            server.process = _spawn(server, self.settings, logfile)
        _wait_until_up(server, server.process, self.settings.startup_timeout_s, logfile.path, self._stopping)

    def _watch(self, server: Server) -> None:
        delay = self.settings.restart_delay_s
        started = time.monotonic()
        while not self._stopping.is_set():
            process = server.process
            if process is not None and process.poll() is None:
                self._stopping.wait(0.5)
                continue
            if self._stopping.is_set():  # stopped by stop(), not dead
                return
            if server.output is not None:  # the dead server's last lines first, then the note
                server.output.join(timeout=5)
            if time.monotonic() - started >= STABLE_AFTER_S:
                delay = self.settings.restart_delay_s
            self.restarts[server.name] += 1
            code = process.returncode if process is not None else None
            message = (f"the {server.name} stopped (exit {code}); restart {self.restarts[server.name]} "
                       f"in {delay:g} s")
            log.warning(message)
            self._logs[server.name].note(message)
            if self._stopping.wait(delay):
                return
            started = time.monotonic()
            try:
                self._start(server)
                self._logs[server.name].note(f"the {server.name} is up again")
                log.warning("the %s is up again", server.name)
            except StartupError as error:
                if self._stopping.is_set():
                    return
                log.error("%s", error)
                self._logs[server.name].note(str(error))
                stop(server.process)
            delay = min(delay * 2, self.settings.restart_max_delay_s)

    def stop(self) -> None:
        """Stops the watchers, then the servers (Rasa first: it calls the action server)."""
        self._stopping.set()
        with self._lock:
            running = [server.process for server in reversed(self.servers)]
        for process in running:
            try:
                stop(process)
            except KeyboardInterrupt:  # a Ctrl-C during the stop does not leave a server behind
                stop(process)
        for watcher in self._watchers:
            watcher.join(timeout=5)
        for server in self.servers:  # a server's last words reach its log before it closes
            if server.output is not None:
                server.output.join(timeout=5)
        for logfile in self._logs.values():
            logfile.close()


class _Terminated(KeyboardInterrupt):
    """SIGTERM, turned into the same clean way out as Ctrl-C."""


def _on_sigterm(signum, frame) -> None:
    raise _Terminated()


@contextmanager
def _signals_for_stopping() -> Iterator[None]:
    """While running: SIGTERM unwinds like Ctrl-C. The handlers are those of the main thread only."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    previous = signal.signal(signal.SIGTERM, _on_sigterm)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


@contextmanager
def _shielded() -> Iterator[None]:
    """While stopping: a second Ctrl-C or a SIGTERM cannot cut the stop short."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    previous = {sig: signal.signal(sig, signal.SIG_IGN) for sig in (signal.SIGINT, signal.SIGTERM)}
    try:
        yield
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)


@contextmanager
def assistant(settings: Settings, echo=print) -> Iterator[Settings]:
    """Trains if needed, runs and watches the action server and the Rasa server, stops both on exit."""
    with _signals_for_stopping():
        train_if_needed(settings, echo)
        echo("Starting the assistant...")
        supervisor = Supervisor(settings)
        try:
            supervisor.start()
            yield settings
        finally:
            with _shielded():
                supervisor.stop()
