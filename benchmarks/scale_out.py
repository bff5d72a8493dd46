"""Scale-out run (issue 11, part 5): replicas of every process on Rasa's own engine.

    flock /tmp/e2e.lock env RASA_TELEMETRY_ENABLED=false \\
        .venv/bin/python -m benchmarks.scale_out [--phases one,two,kill-rasa,kill-actions,kill-adapter] [--keep DIR]

Loopback only, bounded (about 6-8 minutes for every phase). What runs:

- Rasa servers (`deploy/rasa_run.py run`, the production launcher) on ONE PostgreSQL tracker store
  (a fresh database) with the Redis lock store (a key prefix of this run), the trained model;
- action servers (`python -m rasa_sdk`) behind HAProxy (Debian's `haproxy`, round robin, health
  check on /health): Rasa's `action_endpoint` takes one URL;
- adapters (`python -m bot`, RUN_SERVERS=false, webhook mode) sharing ONE PostgreSQL inbox/outbox
  (a fresh database), each given every Rasa URL (`RASA_URL` comma-separated: round robin, a refused
  connection tried on the next); HAProxy in front of their webhooks, as Telegram's one webhook URL;
- the fake Bot API server of the tests (`tests/fake_telegram.py`) in this process, which posts each
  update to the webhook URL, one at a time, in order, as Telegram does.

Phases:
- `one`: one replica of each kind; `two`: two of each. 100 students write concurrently, closed
  loop (each sends its next question once the previous one is answered), the five questions of the
  fault run (`benchmarks.fault_run.QUESTIONS`): throughput = answers per second over the phase.
- `kill-rasa`, `kill-actions`, `kill-adapter`: two of each; 50 students x 5 questions offered at a
  fixed pace (as the fault run) and, 4 s in, SIGKILL of one replica of that kind. Nobody restarts it
  during the phase: the survivors must carry on alone (it is restarted before the next phase).

Counted from what the fake Bot API received, as in `benchmarks.fault_run`: sent, answered, lost,
duplicated, reordered, notices, recovery (kill -> first answer to a message offered after the kill).
"""
from __future__ import annotations

import argparse
import asyncio
import dataclasses
import json
import os
import secrets
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path
from typing import Dict, List, Optional

import httpx
import sqlalchemy as sa

from benchmarks.fault_run import QUESTIONS, Phase, _stamped_fake, classify, figures, until

ROOT = Path(__file__).resolve().parent.parent
POSTGRES = os.environ.get("TEST_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/test")
REDIS_HOST, REDIS_PORT = "127.0.0.1", 6379
RASA_PORTS, ACTION_PORTS, ADAPTER_PORTS = (5905, 5906), (5955, 5956), (5985, 5986)
ACTIONS_LB, WEBHOOK_LB = 5950, 5980
PHASES = ("one", "two", "kill-rasa", "kill-actions", "kill-adapter")
WEBHOOK_SECRET = "scale-out-secret"


def database(name: str) -> str:
    admin = sa.create_engine(POSTGRES, isolation_level="AUTOCOMMIT")
    with admin.connect() as db:
        db.execute(sa.text(f'CREATE DATABASE "{name}"'))
    admin.dispose()
    return POSTGRES.rsplit("/", 1)[0] + "/" + name


def drop(name: str) -> None:
    admin = sa.create_engine(POSTGRES, isolation_level="AUTOCOMMIT")
    with admin.connect() as db:
        db.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


class Cluster:
    """Every process of the production topology, `replicas` of each kind, on loopback."""

    def __init__(self, work: Path, fake) -> None:
        from bot.runtime.settings import Settings

        self.work, self.fake = work, fake
        self.run_id = uuid.uuid4().hex[:8]
        self.tracker_db, self.desk_db = f"scale_tracker_{self.run_id}", f"scale_desk_{self.run_id}"
        tracker_url = database(self.tracker_db)
        self.desk_url = database(self.desk_db)
        host, port = tracker_url.split("@", 1)[1].split("/", 1)[0].split(":")
        self.endpoints = work / "endpoints.yml"
        self.endpoints.write_text(
            f'action_endpoint:\n  url: "http://127.0.0.1:{ACTIONS_LB}/webhook"\n'
            f'tracker_store:\n  type: SQL\n  dialect: "postgresql"\n  url: "{host}"\n  port: {port}\n'
            f'  db: "{self.tracker_db}"\n  username: "postgres"\n'
            f'lock_store:\n  type: "redis"\n  url: "{REDIS_HOST}"\n  port: {REDIS_PORT}\n'
            f'  key_prefix: "scale{self.run_id}"\n')
        self.token = secrets.token_urlsafe(24)
        self.base = Settings(endpoints_file=str(self.endpoints), rasa_auth_token=self.token,
                             var_path=work / "var", startup_timeout_s=240)
        self.rasa: Dict[int, subprocess.Popen] = {}
        self.actions: Dict[int, subprocess.Popen] = {}
        self.adapters: Dict[int, subprocess.Popen] = {}
        self.haproxy: Optional[subprocess.Popen] = None
        self.replicas = 0

    # -- processes ------------------------------------------------------------------------

    def _log(self, name: str):
        return open(self.work / f"{name}.log", "ab")

    def _spawn(self, name: str, args: List[str], env: Dict[str, str]) -> subprocess.Popen:
        from bot.runtime import children

        with self._log(name) as log:
            return children.popen(args, cwd=ROOT, env=env, stdin=subprocess.DEVNULL, stdout=log,
                                  stderr=subprocess.STDOUT, start_new_session=True)

    def start_rasa(self, i: int) -> None:
        from bot.runtime.supervisor import rasa_server

        server = rasa_server(dataclasses.replace(self.base, rasa_port=RASA_PORTS[i]))
        self.rasa[i] = self._spawn(f"rasa{i}", server.args, server.env)

    def start_actions(self, i: int) -> None:
        from bot.runtime.supervisor import action_server

        server = action_server(dataclasses.replace(self.base, action_port=ACTION_PORTS[i]))
        self.actions[i] = self._spawn(f"actions{i}", server.args, server.env)

    def start_adapter(self, i: int) -> None:
        env = {k: v for k, v in os.environ.items() if k in ("PATH", "HOME", "LANG", "TMPDIR")}
        env.update(RASA_TELEMETRY_ENABLED="false", RUN_SERVERS="false", RASA_AUTH_TOKEN=self.token,
                   RASA_URL=",".join(f"http://127.0.0.1:{p}" for p in RASA_PORTS),
                   RASA_ENDPOINTS=str(self.endpoints), TICKETS_DB_URL=self.desk_url,
                   PSEUDONYM_KEY=f"scale-out {self.run_id}", VAR_DIR=str(self.work / f"var-adapter{i}"),
                   ANALYTICS_INGEST_S="0", TELEGRAM_BOT_TOKEN=self.fake.TOKEN,
                   TELEGRAM_API_BASE_URL=self.fake.base_url, TELEGRAM_API_BASE_FILE_URL=self.fake.base_file_url,
                   TELEGRAM_WEBHOOK_URL=f"http://127.0.0.1:{WEBHOOK_LB}/tg-hook",
                   TELEGRAM_WEBHOOK_SECRET=WEBHOOK_SECRET, TELEGRAM_WEBHOOK_PORT=str(ADAPTER_PORTS[i]))
        self.adapters[i] = self._spawn(f"adapter{i}", [sys.executable, "-m", "bot"], env)

    def start_haproxy(self) -> None:
        """HAProxy with the replicas started so far (restarted when one kind gains a replica)."""
        self.stop_process(self.haproxy)
        lines = ["global", "  maxconn 4000", "defaults", "  mode http", "  timeout connect 2s",
                 "  timeout client 120s", "  timeout server 120s", "  retries 3", "  option redispatch",
                 "frontend actions", f"  bind 127.0.0.1:{ACTIONS_LB}", "  default_backend actions",
                 "backend actions", "  balance roundrobin", "  option httpchk GET /health",
                 "  timeout check 5s", "  default-server inter 2s fall 3 rise 2"]
        lines += [f"  server a{i} 127.0.0.1:{ACTION_PORTS[i]} check" for i in range(self.replicas)]
        lines += ["frontend webhook", f"  bind 127.0.0.1:{WEBHOOK_LB}", "  default_backend adapters",
                  "backend adapters", "  balance roundrobin", "  timeout check 5s", "  default-server inter 2s fall 3 rise 2"]
        lines += [f"  server w{i} 127.0.0.1:{ADAPTER_PORTS[i]} check" for i in range(self.replicas)]
        config = self.work / "haproxy.cfg"
        config.write_text("\n".join(lines) + "\n")
        self.haproxy = self._spawn("haproxy", [shutil.which("haproxy") or "haproxy", "-db", "-f", str(config)],
                                   {"PATH": os.environ.get("PATH", "")})

    async def scale_to(self, replicas: int) -> float:
        """Starts the missing replicas of every kind and waits until each answers; returns seconds."""
        began = time.monotonic()
        missing = range(self.replicas, replicas)
        self.replicas = replicas
        for i in missing:
            self.start_actions(i)
        if 0 in missing:  # Rasa creates the tracker tables at start: the first one alone, no race
            self.start_rasa(0)
            await self.wait_up([0])
        for i in missing:
            if i != 0:
                self.start_rasa(i)
        self.start_haproxy()
        await self.wait_up(missing)
        for i in missing:
            self.start_adapter(i)
        await self.wait_adapters(missing)
        return time.monotonic() - began

    async def wait_up(self, which, timeout_s: float = 240) -> None:
        def up() -> bool:
            try:
                return all(httpx.get(f"http://127.0.0.1:{ACTION_PORTS[i]}/health", timeout=2).status_code == 200
                           and httpx.get(f"http://127.0.0.1:{RASA_PORTS[i]}/status", params={"token": self.token},
                                         timeout=2).status_code == 200 for i in which)
            except httpx.HTTPError:
                return False
        deadline = time.monotonic() + timeout_s
        while not await asyncio.to_thread(up):
            for i in which:
                for name, process in (("rasa", self.rasa[i]), ("actions", self.actions[i])):
                    if process.poll() is not None:
                        raise RuntimeError(f"{name}{i} stopped at start; see {self.work}/{name}{i}.log")
            if time.monotonic() > deadline:
                raise RuntimeError(f"servers not up within {timeout_s:.0f} s")
            await asyncio.sleep(1)

    async def wait_adapters(self, which, timeout_s: float = 120) -> None:
        async def listening(i: int) -> bool:
            try:
                async with httpx.AsyncClient() as client:
                    await client.get(f"http://127.0.0.1:{ADAPTER_PORTS[i]}/", timeout=1)
                return True
            except httpx.HTTPError:
                return False
        deadline = time.monotonic() + timeout_s
        for i in which:
            while not await listening(i):
                if self.adapters[i].poll() is not None:
                    raise RuntimeError(f"adapter{i} stopped at start; see {self.work}/adapter{i}.log")
                if time.monotonic() > deadline:
                    raise RuntimeError("adapters not listening")
                await asyncio.sleep(0.3)
        await asyncio.sleep(4.5)  # HAProxy's health checks see them (rise 2)

    async def restore(self) -> float:
        """Restarts whatever replica was killed (as systemd would) and waits until it serves."""
        began = time.monotonic()
        dead = [(kind, i) for kind, group in (("rasa", self.rasa), ("actions", self.actions),
                                              ("adapter", self.adapters))
                for i, p in group.items() if p.poll() is not None]
        for kind, i in dead:
            {"rasa": self.start_rasa, "actions": self.start_actions, "adapter": self.start_adapter}[kind](i)
        servers = sorted({i for kind, i in dead if kind != "adapter"})
        if servers:
            await self.wait_up(servers)
        adapters = [i for kind, i in dead if kind == "adapter"]
        if adapters:
            await self.wait_adapters(adapters)
        elif servers:
            await asyncio.sleep(2.5)
        return time.monotonic() - began

    @staticmethod
    def stop_process(process: Optional[subprocess.Popen]) -> None:
        from bot.runtime.supervisor import stop

        stop(process, timeout_s=15)

    def memory_mb(self) -> Dict[str, float]:
        """Resident memory of each running process (MB), from /proc."""
        found = {}
        for kind, group in (("rasa", self.rasa), ("actions", self.actions), ("adapter", self.adapters)):
            for i, process in group.items():
                try:
                    rss = int(Path(f"/proc/{process.pid}/statm").read_text().split()[1]) * os.sysconf("SC_PAGE_SIZE")
                    found[f"{kind}{i}"] = round(rss / 1e6)
                except (FileNotFoundError, ProcessLookupError):
                    pass
        return found

    def stop(self) -> None:
        for group in (self.adapters, self.rasa, self.actions):
            for process in group.values():
                self.stop_process(process)
        self.stop_process(self.haproxy)
        for name in (self.tracker_db, self.desk_db):
            drop(name)


# -- phases -----------------------------------------------------------------------------------

async def closed_loop(fake, users: List[int], timeout_s: float) -> dict:
    """Each student sends its next question once the previous one is answered."""
    phase = Phase("closed", users)
    began = time.monotonic()
    got = set()  # (user, k) answered so far, read once from the fake's sent messages by one scanner
    read = 0

    def scan() -> None:
        nonlocal read
        sent = fake._sent
        for message in sent[read:]:
            kind, k = classify(message.get("text") or "")
            if kind == "answer":
                got.add((message["chat"]["id"], k))
        read = len(sent)

    async def student(user: int) -> None:
        for k, (text, _) in enumerate(QUESTIONS):
            fake.push_message(user, text)
            phase.pushed[(user, k)] = time.monotonic()
            phase.update_ids[(user, k)] = fake._pending[-1]["update_id"]
            while (user, k) not in got:
                if time.monotonic() - began > timeout_s:
                    return
                await asyncio.sleep(0.25)

    async def scanner() -> None:
        while True:
            scan()
            await asyncio.sleep(0.1)

    watching = asyncio.create_task(scanner())
    await asyncio.gather(*(student(u) for u in users))
    elapsed = time.monotonic() - began
    watching.cancel()
    await asyncio.sleep(2)  # a late duplicate still counts
    result = figures(fake, phase)
    result["elapsed_s"] = round(elapsed, 1)
    result["answers_per_s"] = round(result["answered"] / elapsed, 2)
    return result


async def kill_phase(fake, cluster: Cluster, kind: str, users: List[int], pace_s: float, kill_after_s: float,
                     drain_s: float) -> dict:
    phase = Phase(f"kill one {kind} of two", users)
    began = time.monotonic()

    async def send() -> None:
        for k, (text, _) in enumerate(QUESTIONS):
            for user in users:
                fake.push_message(user, text)
                phase.pushed[(user, k)] = time.monotonic()
                phase.update_ids[(user, k)] = fake._pending[-1]["update_id"]
                await asyncio.sleep(pace_s)
        phase.sent_all_s = round(time.monotonic() - began, 1)

    async def kill() -> None:
        await asyncio.sleep(kill_after_s)
        process = {"rasa": cluster.rasa, "actions": cluster.actions, "adapter": cluster.adapters}[kind][0]
        phase.killed_at = time.monotonic()
        os.killpg(process.pid, signal.SIGKILL)

    await asyncio.gather(send(), kill())

    def done() -> bool:
        got = {(u, classify(t)[1]) for u in users for _, t in fake.bubbles(u) if classify(t)[0] == "answer"}
        return all(key in got for key in phase.pushed)
    try:
        await until(done, drain_s, "every message answered")
    except RuntimeError:
        phase.notes.append(f"not every message answered {drain_s:.0f} s after the last was sent")
    await asyncio.sleep(2)
    result = figures(fake, phase)
    result["phase_s"] = round(time.monotonic() - began, 1)
    return result


def row(r: dict) -> str:
    notices = ", ".join(f"{k} {v}" for k, v in r["notices"].items()) or "none"
    extra = f"{r['answers_per_s']} answers/s ({r['elapsed_s']} s)" if "answers_per_s" in r else \
        (f"recovery {r.get('recovery_s')} s; all answered {r.get('all_answered_after_s')} s after the kill")
    return (f"| {r['phase']} | {r['sent']} | {r['answered']} | {r['lost']} | {r['duplicated']} | {r['reordered']} | "
            f"{notices} | {extra} |")


async def main_async(args) -> int:
    work = Path(args.keep) if args.keep else Path(tempfile.mkdtemp(prefix="scale-out-"))
    work.mkdir(parents=True, exist_ok=True)
    if not shutil.which("haproxy"):
        print("error: haproxy is not installed (apt-get install haproxy)", file=sys.stderr)
        return 2
    fake = _stamped_fake()
    await fake.start()
    try:
        cluster = Cluster(work, fake)
    except sa.exc.OperationalError as error:
        await fake.stop()
        print(f"error: no PostgreSQL at {POSTGRES}: {error.orig}", file=sys.stderr)
        return 2
    results: List[dict] = []
    wall = time.monotonic()
    users = iter(range(900_000, 1_000_000))
    try:
        for name in args.phases:
            wanted = 1 if name == "one" else 2
            if cluster.replicas != wanted:
                if cluster.replicas > wanted:
                    raise SystemExit("phase 'one' must come first")
                took = await cluster.scale_to(wanted)
                print(f"{wanted} replica(s) of each kind serving ({took:.0f} s to start)", flush=True)
            else:
                took = await cluster.restore()
                if took > 1:
                    print(f"killed replica restarted ({took:.0f} s)", flush=True)
            if name in ("one", "two"):
                result = await closed_loop(fake, [next(users) for _ in range(args.students)], args.timeout)
                result["phase"] = f"{wanted} replica(s) of each kind, {args.students} students"
            else:
                result = await kill_phase(fake, cluster, name.split("-", 1)[1], [next(users) for _ in range(50)],
                                          args.pace, 4.0, args.drain)
            result["memory_mb"] = cluster.memory_mb()
            results.append(result)
            print(json.dumps(result, ensure_ascii=False), flush=True)
    finally:
        await asyncio.to_thread(cluster.stop)
        await fake.stop()
    print(f"\nwall time {time.monotonic() - wall:.0f} s; logs in {work}\n")
    print("| phase | sent | answered | lost | duplicated | reordered | notices | figure |")
    print("|---|---|---|---|---|---|---|---|")
    for r in results:
        print(row(r))
    (work / "results.json").write_text(json.dumps(results, ensure_ascii=False, indent=1))
    return 0 if all(r["lost"] == 0 and r["reordered"] == 0 for r in results) else 1


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--phases", type=lambda s: [p for p in s.split(",") if p], default=list(PHASES))
    parser.add_argument("--students", type=int, default=100, help="concurrent students of the throughput phases")
    parser.add_argument("--timeout", type=float, default=240.0, help="seconds a throughput phase may take")
    parser.add_argument("--pace", type=float, default=0.06, help="kill phases: seconds between two updates")
    parser.add_argument("--drain", type=float, default=90.0, help="kill phases: seconds to wait after the last")
    parser.add_argument("--keep", help="work directory to keep (logs, results.json); default a new temp dir")
    args = parser.parse_args(argv)
    unknown = [p for p in args.phases if p not in PHASES]
    if unknown:
        parser.error(f"unknown phase {unknown[0]!r}; phases are {', '.join(PHASES)}")
    return asyncio.run(main_async(args))


if __name__ == "__main__":
    sys.exit(main())
