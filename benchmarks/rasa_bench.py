"""Rasa assistant benchmark: model size, REST round-trip latency, server memory.

    .venv/bin/python -m benchmarks.rasa_bench [--requests 200]

Starts the real action server and Rasa server (own ports, temporary SQLite tracker),
gives one conversation its facts, then times the same rules-core question answered from
those known facts, through the standard REST channel, sequentially.
"""
from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
import uuid
from pathlib import Path


def rss_mib(pid: int) -> float:
    """Resident memory of a process and its children (the servers are process groups)."""
    import subprocess

    pids = [pid] + [int(p) for p in subprocess.run(["pgrep", "-P", str(pid)], capture_output=True,
                                                    text=True).stdout.split()]
    total = 0
    for p in pids:
        for line in Path(f"/proc/{p}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                total += int(line.split()[1])
    return total / 1024


def main(argv=None) -> int:
    from bot.relay.rasa_client import RasaClient
    from tests.rasa_servers import Servers, isolated_settings

    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument("--students", type=int, default=20)
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        servers = Servers(isolated_settings(Path(tmp), 5305, 5355))
        start = time.perf_counter()
        servers.start()
        startup_s = time.perf_counter() - start
        try:
            client = RasaClient(servers.settings.rasa_url, 60)
            students = [f"bench-{uuid.uuid4().hex[:6]}" for _ in range(args.students)]
            for sender in students:  # each student gives their facts once
                for text in ("je suis en licence et je pars en Erasmus à Lisbonne, j'ai droit à une bourse ?",
                             "Luxembourg", "non", "non"):
                    client.send(sender, text)
                replies = client.send(sender, "j'ai droit à une bourse ?")
                assert replies and replies[0]["text"].startswith("Oui."), replies
            timings = []
            for _ in range(args.requests // len(students)):
                for sender in students:
                    t0 = time.perf_counter()
                    client.send(sender, "j'ai droit à une bourse ?")
                    timings.append((time.perf_counter() - t0) * 1000)
            timings.sort()
            model = servers.settings.model_path
            print(f"Model {model.name}: {model.stat().st_size / 2**20:.0f} MiB; servers up in {startup_s:.0f} s")
            print(f"REST round trip, rules-core question from known facts ({len(timings)} sequential requests, "
                  f"{len(students)} students): "
                  f"p50 {statistics.median(timings):.0f} ms, p95 {timings[int(0.95 * len(timings)) - 1]:.0f} ms, "
                  f"max {timings[-1]:.0f} ms")
            print(f"Memory (RSS): Rasa server {rss_mib(servers.rasa.pid):.0f} MiB, "
                  f"action server {rss_mib(servers.actions.pid):.0f} MiB")
            client.close()
        finally:
            servers.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
