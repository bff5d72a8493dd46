"""The supervisor of `make run` (issue 11), on the real `python -m bot` (terminal mode) and its real
servers: a killed server is restarted and its log keeps both lives, a port held by another
process is refused clearly, and no way of stopping the adapter leaves a server behind."""
from __future__ import annotations

import os
import shutil
import signal
import socket
import stat
import subprocess
import sys
import time
from pathlib import Path
from typing import Dict, List, Optional

import httpx
import pytest

from bot.runtime.logs import RotatingFile
from tests.processes import children_of, proc_state

ROOT = Path(__file__).resolve().parent.parent
RASA_PORT, ACTION_PORT = 5915, 5965


def port_free(port: int) -> bool:
    with socket.socket() as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind(("127.0.0.1", port))
            return True
        except OSError:
            return False


def eventually(check, timeout_s: float, what: str):
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        result = check()
        if result:
            return result
        time.sleep(0.25)
    raise AssertionError(f"not within {timeout_s:.0f} s: {what}")


class Bot:
    """`python -m bot` in terminal mode, on its own ports, var/ and tracker store."""

    def __init__(self, tmp: Path, **env: str) -> None:
        self.tmp, self.var = tmp, tmp / "var"
        endpoints = tmp / "endpoints.yml"
        endpoints.write_text(
            f'action_endpoint:\n  url: "http://127.0.0.1:{ACTION_PORT}/webhook"\n'
            f'tracker_store:\n  type: SQL\n  dialect: "sqlite"\n  db: "{self.var / "tracker.db"}"\n')
        inherited = {k: v for k, v in os.environ.items() if k in ("PATH", "HOME", "LANG", "TMPDIR")}
        self.env = {**inherited, "RASA_TELEMETRY_ENABLED": "false", "RASA_PORT": str(RASA_PORT),
                    "ACTION_PORT": str(ACTION_PORT), "RASA_ENDPOINTS": str(endpoints), "VAR_DIR": str(self.var),
                    "RESTART_DELAY_S": "0.5", "STARTUP_TIMEOUT_S": "240", **env}
        self.process: Optional[subprocess.Popen] = None
        self.out = tmp / "stdout.txt"
        self.err = tmp / "stderr.txt"

    def start(self, stdin=subprocess.PIPE) -> "Bot":
        with open(self.out, "wb") as out, open(self.err, "wb") as err:
            self.process = subprocess.Popen([sys.executable, "-m", "bot"], cwd=ROOT, env=self.env, stdin=stdin,
                                            stdout=out, stderr=err)
        return self

    def ready(self) -> Dict[int, str]:
        """Waits for the terminal chat's prompt (both servers up); returns the two servers."""
        eventually(lambda: b"> " in self.out.read_bytes() or self.process.poll() is not None, 240,
                   "the terminal chat's prompt")
        assert self.process.poll() is None, self.err.read_text()
        servers = children_of(self.process.pid)
        assert len(servers) == 2, servers
        return servers

    def server(self, servers: Dict[int, str], marker: str) -> int:
        return next(pid for pid, cmdline in servers.items() if marker in cmdline)

    def kill(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.kill()
            self.process.wait()


@pytest.fixture
def bot(tmp_path, trained_model):
    made: List[Bot] = []
    leftovers: List[int] = []

    def make(**env: str) -> Bot:
        made.append(Bot(tmp_path, **env))
        return made[-1]
    yield make
    for one in made:  # whatever a failed test left running, so the next test finds free ports
        if one.process is not None:
            leftovers += list(children_of(one.process.pid))
            one.kill()
    for pid in leftovers:
        try:
            os.killpg(pid, signal.SIGKILL)
        except ProcessLookupError:
            pass


def logs_of(var: Path, name: str) -> str:
    """A log and its rotated files, oldest first."""
    files = sorted(var.glob(f"{name}.log.*"), key=lambda p: -int(p.suffix[1:])) + [var / f"{name}.log"]
    return "".join(p.read_text(errors="replace") for p in files if p.exists())


def test_a_killed_server_is_restarted_with_a_note_in_its_log_which_keeps_every_earlier_line(bot):
    run = bot(LOG_MAX_BYTES="1500", LOG_BACKUPS="3")
    run.var.mkdir()
    (run.var / "action_server.log").write_text("line of the previous run\n")
    run.start()
    servers = run.ready()
    first = run.server(servers, "rasa_sdk")
    os.kill(first, signal.SIGKILL)

    def restarted() -> Optional[int]:
        again = [pid for pid, cmd in children_of(run.process.pid).items() if "rasa_sdk" in cmd and pid != first]
        if not again:
            return None
        try:
            return again[0] if httpx.get(f"http://127.0.0.1:{ACTION_PORT}/health", timeout=2).status_code == 200 \
                else None
        except httpx.HTTPError:
            return None
    second = eventually(restarted, 60, "a new action server answering its health check")
    eventually(lambda: "the action server is up again" in logs_of(run.var, "action_server"), 10, "the note")
    os.kill(second, signal.SIGKILL)  # a crash right after a restart waits twice as long
    first = second
    eventually(restarted, 60, "a third action server answering its health check")
    eventually(lambda: logs_of(run.var, "action_server").count("is up again") == 2, 10, "the second note")
    history = logs_of(run.var, "action_server")
    assert history.startswith("line of the previous run\n")
    assert "[supervisor] the action server stopped (exit -9); restart 1 in 0.5 s" in history
    assert "[supervisor] the action server stopped (exit -9); restart 2 in 1 s" in history
    assert history.count("Action endpoint is up and running") == 3
    # The log rotated (a 1,500-byte limit), and every file is for the service's user alone.
    assert (run.var / "action_server.log.1").exists()
    for path in run.var.glob("*.log*"):
        assert stat.S_IMODE(path.stat().st_mode) == 0o600, path
    # The assistant answers again through the restarted action server.
    size = run.out.stat().st_size
    run.process.stdin.write("est-ce que j'aurai une bourse pour aller à Trèves en Erasmus ?\n".encode())
    run.process.stdin.flush()
    eventually(lambda: "Trier" in run.out.read_bytes()[size:].decode(errors="replace"), 60, "an answer")
    assert "indisponible" not in run.out.read_bytes()[size:].decode(errors="replace")


@pytest.mark.parametrize("how", ["sigterm", "double_sigint", "sigkill"])
def test_stopping_the_adapter_in_any_way_leaves_no_server_behind(bot, how):
    run = bot().start()
    servers = run.ready()
    if how == "sigterm":
        run.process.send_signal(signal.SIGTERM)
    elif how == "double_sigint":
        run.process.send_signal(signal.SIGINT)
        time.sleep(0.3)  # the second Ctrl-C arrives while the servers are being stopped
        run.process.send_signal(signal.SIGINT)
    else:
        run.process.send_signal(signal.SIGKILL)
    code = run.process.wait(60)
    if how == "sigkill":
        # Nothing of the adapter runs any more: the kernel tells the servers their parent died.
        eventually(lambda: not any(proc_state(pid) for pid in servers), 30, f"the servers {servers} stopped")
    else:
        assert code == 0, run.err.read_text()
        assert not [pid for pid in servers if proc_state(pid)], "a server outlived the adapter"
    assert port_free(RASA_PORT) and port_free(ACTION_PORT)


@pytest.mark.parametrize("port, setting", [(ACTION_PORT, "ACTION_PORT"), (RASA_PORT, "RASA_PORT")])
def test_a_port_held_by_another_process_stops_the_start_with_an_error_naming_the_setting(bot, port, setting):
    # A foreign web server answers every health check with 404: it must not pass for our server.
    foreign = subprocess.Popen([sys.executable, "-m", "http.server", "--bind", "127.0.0.1", str(port)],
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        eventually(lambda: not port_free(port), 10, "the foreign server listening")
        run = bot().start(stdin=subprocess.DEVNULL)
        code = run.process.wait(120)
        error = run.err.read_text()
        assert code != 0
        assert f"port {port} ({setting}) is already in use" in error and f"set {setting} to a free port" in error
        assert "Traceback" not in error and len(error.strip().splitlines()) == 1
        assert foreign.poll() is None  # not ours: left alone
        other = RASA_PORT if port == ACTION_PORT else ACTION_PORT
        assert port_free(other)  # nothing of ours was started, or it was stopped
    finally:
        foreign.terminate()
        foreign.wait()


def test_a_log_rotates_by_size_keeping_a_few_private_files_in_order(tmp_path):
    path = tmp_path / "server.log"
    path.write_text("old\n")
    os.chmod(path, 0o644)
    log = RotatingFile(path, max_bytes=10, backups=2)
    for n in range(1, 7):
        log.write(f"line {n}\n".encode())
    log.note("restarting")
    log.close()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["server.log", "server.log.1", "server.log.2"]
    assert (tmp_path / "server.log.2").read_text() == "line 5\n"
    assert (tmp_path / "server.log.1").read_text() == "line 6\n"
    assert (tmp_path / "server.log").read_text().endswith("[supervisor] restarting\n")
    assert all(stat.S_IMODE(p.stat().st_mode) == 0o600 for p in tmp_path.iterdir())
    again = RotatingFile(path, max_bytes=0, backups=2)  # reopened: appended, never truncated
    again.write(b"after\n")
    again.close()
    assert path.read_text().endswith("restarting\nafter\n")


def test_in_production_mode_the_adapter_starts_no_server_and_needs_the_shared_token(tmp_path):
    env = {"PATH": os.environ["PATH"], "RASA_TELEMETRY_ENABLED": "false", "RUN_SERVERS": "false",
           "VAR_DIR": str(tmp_path / "var"), "RASA_URL": f"http://127.0.0.1:{RASA_PORT}"}
    refused = subprocess.run([sys.executable, "-m", "bot"], cwd=ROOT, env=env, stdin=subprocess.DEVNULL,
                             capture_output=True, text=True, timeout=60)
    assert refused.returncode == 2 and "RASA_AUTH_TOKEN is required when RUN_SERVERS=false" in refused.stderr
    alone = subprocess.Popen([sys.executable, "-m", "bot"], cwd=ROOT, env={**env, "RASA_AUTH_TOKEN": "shared"},
                             stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    try:
        eventually(lambda: alone.poll() is not None or proc_state(alone.pid), 10, "the adapter running")
        time.sleep(2)
        assert alone.poll() is None and not children_of(alone.pid)  # the terminal chat, and nothing else
        out, _ = alone.communicate(b"/quit\n", timeout=30)
        assert alone.returncode == 0 and b"/quit" in out
        assert not (tmp_path / "var" / "rasa_server.log").exists()
    finally:
        if alone.poll() is None:
            alone.kill()


def test_the_systemd_units_are_valid_and_give_each_process_only_its_own_secrets(tmp_path):
    units = ROOT / "deploy" / "systemd"
    texts = {path.name: path.read_text() for path in units.iterdir()}
    assert "EnvironmentFile=" not in texts["ul-mobility-actions.service"]
    assert "EnvironmentFile=/etc/ul-mobility/rasa.env" in texts["ul-mobility-rasa.service"]
    assert "deploy/rasa_run.py run --enable-api" in texts["ul-mobility-rasa.service"]
    assert "--auth-token" not in texts["ul-mobility-rasa.service"].split("ExecStart=")[1]  # off the command line
    assert "--interface 127.0.0.1" in texts["ul-mobility-rasa.service"]
    assert "SANIC_HOST=127.0.0.1" in texts["ul-mobility-actions.service"]
    assert "RUN_SERVERS=false" in texts["ul-mobility-adapter.service"]
    assert "adapter.env" not in texts["ul-mobility-report.service"]
    for name, text in texts.items():
        if name.endswith(".service"):
            assert "UMask=0077" in text and "Restart=on-failure" in text and "KillMode=control-group" in text, name
    rasa_env = (ROOT / "deploy" / "env" / "rasa.env.example").read_text()
    assert "TELEGRAM" not in rasa_env and "PSEUDONYM" not in rasa_env and "TICKETS_DB_URL" not in rasa_env
    analyze = shutil.which("systemd-analyze")
    if analyze is None:
        pytest.skip("systemd-analyze is not installed")
    for name, text in texts.items():  # verified where this checkout is, as if installed in /opt/ul-mobility
        (tmp_path / name).write_text(text.replace("/opt/ul-mobility", str(ROOT)))
    done = subprocess.run([analyze, "verify", "--man=no", *sorted(str(p) for p in tmp_path.iterdir())],
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 0 and not done.stderr.strip(), done.stderr


@pytest.mark.parametrize("env, named", [
    ({"RESTART_DELAY_S": "soon"}, "RESTART_DELAY_S"),
    ({"LOG_MAX_BYTES": "5MB"}, "LOG_MAX_BYTES"),
    ({"RUN_SERVERS": "maybe"}, "RUN_SERVERS"),
    ({"RASA_URL": "http://127.0.0.1:5005,127.0.0.1:5006"}, "RASA_URL"),
    ({"LEASE_S": "-1"}, "LEASE_S"),
])
def test_a_wrong_supervisor_setting_exits_with_status_2_and_names_it(env, named):
    done = subprocess.run([sys.executable, "-m", "bot"], cwd=ROOT, capture_output=True, text=True, timeout=60,
                          env={"PATH": os.environ["PATH"], "RASA_TELEMETRY_ENABLED": "false", **env},
                          stdin=subprocess.DEVNULL)
    assert done.returncode == 2
    assert named in done.stderr and len(done.stderr.strip().splitlines()) == 1
