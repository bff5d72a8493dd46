"""The servers of the turn benchmark: the real action and Rasa servers on the benchmark's own ports,
with an SQLite or PostgreSQL tracker store, optionally each run under py-spy (a sampling profiler
that starts the server as its child, so no ptrace rights on other processes are needed)."""
from __future__ import annotations

import contextlib
import dataclasses
import json
import os
import shutil
import signal
import subprocess
import time
import uuid
from pathlib import Path
from typing import Iterator, Optional

from bot.runtime import supervisor as services
from bot.runtime.settings import Settings

ROOT = Path(__file__).resolve().parent.parent
PG = {"host": "127.0.0.1", "port": 5432, "user": "postgres"}
# Where `pip install --target /work/prof-site py-spy` puts the profiler (never into the venv).
PY_SPY_CANDIDATES = (os.environ.get("PY_SPY", ""), "/work/prof-site/bin/py-spy", shutil.which("py-spy") or "")


def rss_mib(pid: int) -> dict:
    """Resident memory (now and peak) of a process and its descendants, in MiB."""
    pids, frontier = [pid], [pid]
    while frontier:
        children = subprocess.run(["pgrep", "-P", str(frontier.pop())], capture_output=True, text=True).stdout.split()
        pids += [int(c) for c in children]
        frontier += [int(c) for c in children]
    total = {"rss": 0.0, "hwm": 0.0}
    for p in pids:
        try:
            status = Path(f"/proc/{p}/status").read_text()
        except OSError:
            continue
        if "Name:\tpy-spy" in status:  # the profiler is no part of the server
            continue
        for line in status.splitlines():
            if line.startswith("VmRSS:"):
                total["rss"] += int(line.split()[1]) / 1024
            elif line.startswith("VmHWM:"):
                total["hwm"] += int(line.split()[1]) / 1024
    return total


@contextlib.contextmanager
def postgres_database() -> Iterator[str]:
    """A fresh, empty PostgreSQL database for one run; dropped afterwards."""
    import psycopg2

    name = f"bench_turns_{uuid.uuid4().hex[:8]}"
    admin = psycopg2.connect(dbname="postgres", **PG)
    admin.autocommit = True
    try:
        with admin.cursor() as cursor:
            cursor.execute(f'CREATE DATABASE "{name}"')
        try:
            yield name
        finally:
            with admin.cursor() as cursor:
                cursor.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = %s", (name,))
                cursor.execute(f'DROP DATABASE IF EXISTS "{name}"')
    finally:
        admin.close()


REDIS = {"host": "127.0.0.1", "port": 6379}


def shipped_tracker_store() -> str:
    """The tracker store lines of the project's endpoints.yml but where it keeps its database (its
    type and options: Rasa's SQL store, or the cached one and its cache size)."""
    import yaml

    store = yaml.safe_load((ROOT / "endpoints.yml").read_text(encoding="utf-8"))["tracker_store"]
    kept = {k: v for k, v in store.items() if k not in ("dialect", "url", "port", "db", "username", "password")}
    return "".join(f"  {key}: {json.dumps(value)}\n" for key, value in kept.items())


def endpoints_text(tmp_dir: Path, action_port: int, database: Optional[str], workers: int = 1) -> str:
    store = "tracker_store:\n" + shipped_tracker_store()
    tracker = (f'{store}  dialect: "postgresql"\n  url: "{PG["host"]}"\n  port: {PG["port"]}\n'
               f'  username: "{PG["user"]}"\n  db: "{database}"\n') if database else \
        f'{store}  dialect: "sqlite"\n  db: "{tmp_dir / "tracker.db"}"\n'
    # Several Sanic workers need a lock store they share (Rasa refuses more than one worker without
    # it): Redis, as endpoints.production.yml; a prefix of this run's own.
    locks = (f'lock_store:\n  type: "redis"\n  url: "{REDIS["host"]}"\n  port: {REDIS["port"]}\n'
             f'  key_prefix: "bench{uuid.uuid4().hex[:8]}"\n') if workers > 1 else ""
    return (f'action_endpoint:\n  url: "http://127.0.0.1:{action_port}/webhook"\n'
            '  enable_selective_domain: true\n' + tracker + locks)  # as the shipped endpoints.yml


def py_spy() -> str:
    for candidate in PY_SPY_CANDIDATES:
        if candidate and Path(candidate).is_file():
            return candidate
    raise SystemExit("py-spy not found: pip install --target /work/prof-site py-spy, or set PY_SPY")


class ProfiledServers:
    """Both servers; with profile_dir, each is started as `py-spy record -f raw -o <dir>/<name>.txt -- ...`."""

    def __init__(self, settings: Settings, profile_dir: Optional[Path] = None, workers: int = 1) -> None:
        self.settings = settings
        self.profile_dir = profile_dir
        self.workers = workers
        self.processes = {}

    @classmethod
    def for_store(cls, tmp_dir: Path, rasa_port: int, action_port: int, database: Optional[str],
                  profile_dir: Optional[Path], workers: int = 1) -> "ProfiledServers":
        endpoints = tmp_dir / "endpoints.yml"
        endpoints.write_text(endpoints_text(tmp_dir, action_port, database, workers))
        # Server logs go to a folder of this run, not to the project's var/ (where the assistant keeps its own).
        settings = dataclasses.replace(Settings(), rasa_port=rasa_port, action_port=action_port,
                                       rasa_url=f"http://127.0.0.1:{rasa_port}", endpoints_file=str(endpoints),
                                       var_path=tmp_dir / "var")
        return cls(settings, profile_dir, workers)

    def _server(self, name: str, server: services.Server) -> subprocess.Popen:
        if self.profile_dir is not None:
            self.profile_dir.mkdir(parents=True, exist_ok=True)
            # --rate 200: two samples per 10 ms; a 100 ms turn gives ~20 stacks per process.
            server.args = [py_spy(), "record", "--format", "raw", "--rate", "200", "--nonblocking",
                           "--output", str(self.profile_dir / f"{name}.txt"), "--", *server.args]
        return services._start(server, self.settings)  # same start and health check as the assistant's

    def rasa_pid(self) -> int:
        return self.processes["rasa"].pid

    def actions_pid(self) -> int:
        return self.processes["actions"].pid

    @contextlib.contextmanager
    def running(self) -> Iterator["ProfiledServers"]:
        services.train_if_needed(self.settings, echo=lambda *_: None)
        try:
            self.processes["actions"] = self._server("actions", services.action_server(self.settings))
            rasa = services.rasa_server(self.settings)
            if self.workers > 1:  # Rasa reads SANIC_WORKERS (and needs the Redis lock store above)
                rasa.env = {**rasa.env, "SANIC_WORKERS": str(self.workers)}
            self.processes["rasa"] = self._server("rasa", rasa)
            yield self
        finally:
            for name in ("rasa", "actions"):
                if name in self.processes:
                    self._stop(self.processes[name])

    def _stop(self, process: subprocess.Popen) -> None:
        if self.profile_dir is not None and process.poll() is None:
            # py-spy writes its stacks on SIGINT (as on Ctrl-C); the server, its child, keeps running.
            os.kill(process.pid, signal.SIGINT)
            try:
                process.wait(60)
            except subprocess.TimeoutExpired:
                pass
            with contextlib.suppress(ProcessLookupError):  # then the server itself (same process group)
                os.killpg(process.pid, signal.SIGTERM)
            deadline = time.monotonic() + 15
            while time.monotonic() < deadline and _group_alive(process.pid):
                time.sleep(0.2)
            with contextlib.suppress(ProcessLookupError):
                os.killpg(process.pid, signal.SIGKILL)
            return
        services.stop(process)


def _group_alive(pgid: int) -> bool:
    try:
        os.killpg(pgid, 0)
        return True
    except ProcessLookupError:
        return False
