"""Fault run (issue 11): students write to the real assistant while its processes are killed.

    flock /tmp/e2e.lock env RASA_TELEMETRY_ENABLED=false \\
        .venv/bin/python -m benchmarks.fault_run [--students 50] [--keep DIR]

Bounded (about 5 minutes), loopback only. The fake Bot API server of the tests runs in this
process; the product is the real `python -m bot` with its supervisor, in Telegram (polling) mode
against the fake server (`TELEGRAM_API_BASE_URL`), on its own ports (5735, 5785) and a temporary
VAR_DIR (adapter database, pseudonym key, Rasa's tracker store, server logs): var/ is never touched.

Each phase has its own 50 students (new Telegram ids), each sending five numbered questions
(`QUESTIONS`: message k is told apart by the marker of its answer) round by round, one update every
`--pace` seconds; `--kill-after` seconds into the phase one process gets SIGKILL:

- `none`: no fault (the control: the markers and the counting are right when it shows 0 everywhere);
- `rasa`: the Rasa server (the supervisor restarts it);
- `actions`: the action server (the supervisor restarts it);
- `adapter`: `python -m bot` itself. Its servers get SIGTERM from the kernel (PR_SET_PDEATHSIG);
  this script then does what systemd does for a unit with `Restart=on-failure` and
  `KillMode=control-group`: it waits for what is left of the unit to stop (SIGKILL after 15 s) and
  starts `python -m bot` once more. That restart is the only thing done from outside.

With `--layout production` the adapter runs alone (`RUN_SERVERS=false`, as
`ul-mobility-adapter.service`) and the two servers run beside it, restarted by a `Supervisor` in
this process standing for their systemd units: killing the adapter then restarts the adapter only.

Killing one of two replicas of each kind is the scale-out run's part (`benchmarks/scale_out.py`).

For each phase: messages sent, answered, lost (no answer by the end of the phase), duplicated (an
answer sent twice for one message), reordered (students whose answers came out of order), the
relay's notices, the recovery time (kill → first answer to a message that reached Telegram after
the kill) and the time until every message of the phase was answered.
"""
from __future__ import annotations

import argparse
import asyncio
import json
import os
import signal
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Dict, List, Optional, Tuple

from tests.processes import alive, children_of

ROOT = Path(__file__).resolve().parent.parent
RASA_PORT, ACTION_PORT = 5735, 5785

# Five questions, each answered by one reply (a rules-core decision, the profile, FAQs) that holds
# its own marker. A bubble is given to the first question whose marker it holds: the profile may
# repeat the host city of question 1, so the profile's marker is looked for first.
QUESTIONS: List[Tuple[str, str]] = [
    ("est-ce que j'aurai une bourse pour aller à Trèves en Erasmus ?", "Trier (Allemagne)"),
    ("/profile", "Voici ce que je sais de votre situation"),
    ("je suis en master, est-ce que je dois partir à l'étranger ?", "Master — Possibilité de mobilité"),
    ("qui s'occupe de l'assurance pendant la mobilité ?", "couverture maladie"),
    ("comment je trouve un logement pour mon échange ?", "Trouver un logement relève"),
]
MATCH_ORDER = [1, 2, 3, 4, 0]
# The relay's own words (not answers): told once per outage, a message handed to staff, no answer.
NOTICES = {"unavailable": "momentanément indisponible", "set_aside": "je l'ai transmis au bureau",
           "no_reply": "Je n'ai pas de réponse à cela"}
PHASES = ("none", "rasa", "actions", "adapter")


def _stamped_fake():
    from tests.fake_telegram import FakeTelegram

    class StampedTelegram(FakeTelegram):
        """The fake Bot API, noting when each sendMessage was carried out (stamps[i] ↔ _sent[i])."""

        def __init__(self) -> None:
            super().__init__()
            self.stamps: List[float] = []

        def _api_sendMessage(self, p: dict) -> dict:
            message = super()._api_sendMessage(p)
            self.stamps.append(time.monotonic())
            return message

        def bubbles(self, chat_id: int) -> List[Tuple[float, str]]:
            return [(at, m.get("text") or "") for at, m in zip(self.stamps, self._sent) if m["chat"]["id"] == chat_id]

    return StampedTelegram()


# -- the product ------------------------------------------------------------------------------

class Product:
    """`python -m bot` (supervisor + Telegram adapter) against the fake Bot API, in `work`. In the
    production layout the adapter runs alone (`RUN_SERVERS=false`) and the servers are run by a
    `Supervisor` in this process, standing for their own systemd units: killing the adapter then
    restarts the adapter only."""

    def __init__(self, work: Path, fake, layout: str = "supervisor") -> None:
        self.work, self.var = work, work / "var"
        endpoints = work / "endpoints.yml"
        endpoints.write_text(
            f'action_endpoint:\n  url: "http://127.0.0.1:{ACTION_PORT}/webhook"\n'
            f'tracker_store:\n  type: SQL\n  dialect: "sqlite"\n  db: "{self.var / "tracker.db"}"\n')
        inherited = {k: v for k, v in os.environ.items() if k in ("PATH", "HOME", "LANG", "TMPDIR")}
        # The fake's token is no secret; nothing else of this shell reaches the product.
        self.env = {**inherited, "RASA_TELEMETRY_ENABLED": "false", "RASA_PORT": str(RASA_PORT),
                    "ACTION_PORT": str(ACTION_PORT), "RASA_ENDPOINTS": str(endpoints), "VAR_DIR": str(self.var),
                    "TELEGRAM_BOT_TOKEN": fake.TOKEN, "TELEGRAM_API_BASE_URL": fake.base_url,
                    "TELEGRAM_API_BASE_FILE_URL": fake.base_file_url, "STARTUP_TIMEOUT_S": "240"}
        self.process: Optional[subprocess.Popen] = None
        self.starts = 0
        self.layout = layout
        self.supervisor = None
        if layout == "production":
            import secrets
            self.env.update(RUN_SERVERS="false", RASA_AUTH_TOKEN=secrets.token_urlsafe(32))

    async def start_servers(self) -> None:
        """Production layout: the two servers first, as their units would be (restarted when they die)."""
        if self.layout != "production":
            return
        from bot.runtime.settings import Settings
        from bot.runtime.supervisor import Supervisor
        self.supervisor = Supervisor(Settings.from_env(self.env))
        await asyncio.to_thread(self.supervisor.start)

    def start(self) -> None:
        self.starts += 1
        with open(self.work / "adapter.log", "ab") as log:
            log.write(f"--- fault run: start {self.starts} of python -m bot ---\n".encode())
            log.flush()
            self.process = subprocess.Popen([sys.executable, "-m", "bot"], cwd=ROOT, env=self.env,
                                            stdin=subprocess.DEVNULL, stdout=log, stderr=log)

    def server(self, marker: str) -> Optional[int]:
        if self.supervisor is not None:
            return next((s.process.pid for s in self.supervisor.servers if marker in " ".join(s.args)
                         and s.process is not None and s.process.poll() is None), None)
        return next((pid for pid, cmd in children_of(self.process.pid).items() if marker in cmd), None)

    def servers(self) -> List[int]:
        """The processes of the adapter's unit besides itself (none in the production layout)."""
        return list(children_of(self.process.pid)) if self.process else []

    async def restart_like_systemd(self, old_servers: List[int]) -> float:
        """After the adapter's death: what is left of the unit stops, then one new start. Returns the
        seconds spent waiting for the old servers to go."""
        began = time.monotonic()
        deadline = began + 15
        while any(alive(pid) for pid in old_servers) and time.monotonic() < deadline:
            await asyncio.sleep(0.2)
        for pid in old_servers:  # KillMode=control-group: SIGKILL for what ignored SIGTERM
            if alive(pid):
                try:
                    os.killpg(pid, signal.SIGKILL)
                except ProcessLookupError:
                    pass
        waited = time.monotonic() - began
        self.start()
        return waited

    async def stop(self) -> None:
        if self.process is None:
            return
        servers = self.servers()
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            for _ in range(300):
                if self.process.poll() is not None:
                    break
                await asyncio.sleep(0.1)
            if self.process.poll() is None:
                self.process.kill()
                self.process.wait()
        for pid in servers:
            if alive(pid):
                try:
                    os.killpg(pid, signal.SIGKILL)
                except ProcessLookupError:
                    pass
        if self.supervisor is not None:
            await asyncio.to_thread(self.supervisor.stop)


async def until(check, timeout_s: float, what: str):
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        value = check()
        if value:
            return value
        await asyncio.sleep(0.1)
    raise RuntimeError(f"not within {timeout_s:.0f} s: {what}")


async def ready(fake, product: Product, since: float, timeout_s: float = 240) -> None:
    """The adapter polls Telegram: both servers were up before it started (the supervisor's order)."""
    await until(lambda: product.process.poll() is not None or any(
        c.method == "getUpdates" and c.at >= since for c in fake.calls), timeout_s, "the adapter polling")
    if product.process.poll() is not None:
        raise RuntimeError(f"python -m bot stopped (exit {product.process.returncode}); see {product.work}/adapter.log")


def healthy(product: Product) -> bool:
    import httpx
    try:
        return httpx.get(f"http://127.0.0.1:{ACTION_PORT}/health", timeout=2).status_code == 200 and \
            httpx.get(f"http://127.0.0.1:{RASA_PORT}/", timeout=2).status_code == 200
    except httpx.HTTPError:
        return False


# -- one phase --------------------------------------------------------------------------------

@dataclass
class Phase:
    name: str
    users: List[int]
    pushed: Dict[Tuple[int, int], float] = field(default_factory=dict)  # (user, k) -> when offered
    update_ids: Dict[Tuple[int, int], int] = field(default_factory=dict)
    killed_at: Optional[float] = None
    back_s: Optional[float] = None  # kill → the killed process serving again
    sent_all_s: Optional[float] = None
    restart_wait_s: Optional[float] = None
    notes: List[str] = field(default_factory=list)


def classify(text: str) -> Tuple[str, Optional[int]]:
    for k in MATCH_ORDER:
        if QUESTIONS[k][1] in text:
            return "answer", k
    for name, needle in NOTICES.items():
        if needle in text:
            return name, None
    return "other", None


def figures(fake, phase: Phase) -> dict:
    answers: Dict[Tuple[int, int], List[float]] = {}
    notices: Dict[str, int] = {name: 0 for name in (*NOTICES, "other")}
    others: List[str] = []
    reordered = 0
    orders: Dict[int, List[int]] = {}
    for user in phase.users:
        order = []
        for at, text in fake.bubbles(user):
            kind, k = classify(text)
            if kind == "answer":
                if (user, k) not in answers:
                    order.append(k)
                answers.setdefault((user, k), []).append(at)
            else:
                notices[kind] += 1
                if kind == "other":
                    others.append(text[:80])
        reordered += order != sorted(order)
        orders[user] = order
    sent = len(phase.pushed)
    answered = sum(1 for key in phase.pushed if key in answers)
    result = {"phase": phase.name, "sent": sent, "answered": answered, "lost": sent - answered,
              "duplicated": sum(len(v) - 1 for v in answers.values()), "reordered": reordered,
              "notices": {k: v for k, v in notices.items() if v}, "other_samples": others[:5],
              "back_s": phase.back_s, "restart_wait_s": phase.restart_wait_s, "notes": phase.notes}
    # Which messages went wrong, to read the logs by (times from the kill, or from the phase's start).
    zero = phase.killed_at or min(phase.pushed.values())
    result["problems"] = [
        {"student": user, "message": k + 1, "update_id": phase.update_ids.get((user, k)),
         "offered_s": round(at - zero, 2), "answers_s": [round(t - zero, 2) for t in answers.get((user, k), [])],
         "why": "lost" if (user, k) not in answers else "duplicated"}
        for (user, k), at in sorted(phase.pushed.items()) if len(answers.get((user, k), [])) != 1]
    result["problems"] += [{"student": user, "order": [k + 1 for k in order], "why": "reordered"}
                           for user, order in orders.items() if order != sorted(order)]
    firsts = {key: min(v) for key, v in answers.items()}
    if firsts:
        start = phase.killed_at or min(phase.pushed.values())
        result["all_answered_after_s"] = round(max(firsts.values()) - start, 1) if answered == sent else None
    if phase.killed_at is not None:
        after = [firsts[key] for key, at in phase.pushed.items() if at > phase.killed_at and key in firsts]
        result["recovery_s"] = round(min(after) - phase.killed_at, 1) if after else None
    return result


async def run_phase(fake, product: Product, name: str, users: List[int], pace_s: float, kill_after_s: float,
                    drain_s: float) -> dict:
    phase = Phase(name, users)
    began = time.monotonic()

    async def send() -> None:
        for k, (text, _) in enumerate(QUESTIONS):  # round k: every student's k-th message
            for user in users:
                fake.push_message(user, text)
                phase.pushed[(user, k)] = time.monotonic()
                phase.update_ids[(user, k)] = fake._pending[-1]["update_id"]  # push_update just appended it
                await asyncio.sleep(pace_s)
        phase.sent_all_s = round(time.monotonic() - began, 1)

    async def kill() -> None:
        await asyncio.sleep(kill_after_s)
        if name == "adapter":
            old = product.servers()
            phase.killed_at = time.monotonic()
            product.process.send_signal(signal.SIGKILL)
            await asyncio.to_thread(product.process.wait)
            phase.restart_wait_s = round(await product.restart_like_systemd(old), 1)
            await ready(fake, product, time.monotonic())  # the new process's polls, not the dead one's
            phase.back_s = round(time.monotonic() - phase.killed_at, 1)
            return
        pid = product.server("rasa_run.py" if name == "rasa" else "rasa_sdk")
        if pid is None:
            phase.notes.append(f"no {name} process to kill")
            return
        phase.killed_at = time.monotonic()
        os.kill(pid, signal.SIGKILL)
        marker = "rasa_run.py" if name == "rasa" else "rasa_sdk"
        deadline = time.monotonic() + 120
        # The health checks run in a thread: this loop also serves the fake Bot API, never blocked.
        while not ((product.server(marker) or pid) != pid and await asyncio.to_thread(healthy, product)):
            if time.monotonic() > deadline:
                phase.notes.append(f"the {name} server was not back within 120 s")
                return
            await asyncio.sleep(0.2)
        phase.back_s = round(time.monotonic() - phase.killed_at, 1)

    tasks = [send()] + ([kill()] if name != "none" else [])
    await asyncio.gather(*tasks)

    def done() -> bool:
        got = {(u, classify(t)[1]) for u in users for _, t in fake.bubbles(u) if classify(t)[0] == "answer"}
        return all(key in got for key in phase.pushed)
    try:
        await until(done, drain_s, "every message answered")
    except RuntimeError:
        phase.notes.append(f"not every message answered {drain_s:.0f} s after the last was sent")
    await asyncio.sleep(2)  # a late duplicate still counts
    result = figures(fake, phase)
    result["phase_s"] = round(time.monotonic() - began, 1)
    result["sending_s"] = phase.sent_all_s
    return result


def table(results: List[dict]) -> str:
    lines = ["| phase (SIGKILL of) | sent | answered | lost | duplicated | reordered | notices | "
             "process serving again | recovery (kill → first answer to a later message) | all answered |",
             "|---|---|---|---|---|---|---|---|---|---|"]
    for r in results:
        notices = ", ".join(f"{k} {v}" for k, v in r["notices"].items()) or "none"
        recovery = "n/a" if r["phase"] == "none" else (f"{r['recovery_s']} s" if r.get("recovery_s") is not None
                                                        else "never")
        drained = r.get("all_answered_after_s")
        lines.append(f"| {r['phase']} | {r['sent']} | {r['answered']} | {r['lost']} | {r['duplicated']} | "
                     f"{r['reordered']} | {notices} | "
                     f"{'n/a' if r.get('back_s') is None else str(r['back_s']) + ' s'} | {recovery} | "
                     f"{f'{drained} s' if drained is not None else 'not all'} |")
    return "\n".join(lines)


async def main_async(args) -> int:
    work = Path(args.keep) if args.keep else Path(tempfile.mkdtemp(prefix="fault-run-"))
    work.mkdir(parents=True, exist_ok=True)
    fake = _stamped_fake()
    await fake.start()
    product = Product(work, fake, args.layout)
    results: List[dict] = []
    wall = time.monotonic()
    try:
        await product.start_servers()
        product.start()
        await ready(fake, product, wall)
        print(f"python -m bot up in {time.monotonic() - wall:.1f} s (work dir {work})", flush=True)
        for index, name in enumerate(args.phases):
            users = [800_000 + 1000 * index + i for i in range(args.students)]
            result = await run_phase(fake, product, name, users, args.pace, args.kill_after, args.drain)
            results.append(result)
            print(json.dumps(result, ensure_ascii=False), flush=True)
            if product.process.poll() is not None:
                print(f"python -m bot stopped (exit {product.process.returncode}); no later phase", flush=True)
                break
    finally:
        await product.stop()
        await fake.stop()
    print(f"\nwall time {time.monotonic() - wall:.0f} s; python -m bot started {product.starts} time(s); "
          f"logs in {work} (adapter.log, var/*.log)\n")
    print(table(results))
    (work / "results.json").write_text(json.dumps(results, ensure_ascii=False, indent=1))
    return 0 if all(r["lost"] == 0 and r["reordered"] == 0 for r in results) else 1


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--students", type=int, default=50)
    parser.add_argument("--phases", type=lambda s: [p for p in s.split(",") if p], default=list(PHASES))
    parser.add_argument("--pace", type=float, default=0.06, help="seconds between two updates offered")
    parser.add_argument("--kill-after", type=float, default=4.0, help="seconds into a phase of the kill")
    parser.add_argument("--drain", type=float, default=90.0, help="seconds after the last message to wait")
    parser.add_argument("--layout", choices=("supervisor", "production"), default="supervisor",
                        help="supervisor: python -m bot runs the servers; production: RUN_SERVERS=false, the "
                             "servers run beside it (as their own units)")
    parser.add_argument("--keep", help="work directory to keep (logs, results.json); default a new temp dir")
    args = parser.parse_args(argv)
    unknown = [p for p in args.phases if p not in PHASES]
    if unknown:
        parser.error(f"unknown phase {unknown[0]!r}; phases are {', '.join(PHASES)}")
    return asyncio.run(main_async(args))


if __name__ == "__main__":
    sys.exit(main())
