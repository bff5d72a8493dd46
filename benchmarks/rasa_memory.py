"""Where the Rasa server's resident memory goes, and what process settings change it (issue 12).

    flock /tmp/e2e.lock .venv/bin/python -m benchmarks.rasa_memory [--parses 50]

Each line is a fresh Python process (the environment of the Rasa server plus one change) that
does one thing and prints its resident memory (VmRSS) and peak (VmHWM): import TensorFlow alone;
import Rasa's default component registry (Rasa imports it whatever the pipeline); load the
assistant's model as `rasa run` does (`Agent.load`) and parse messages; the same under another
allocator setting. No server, no port, no network: the model file only.
"""
from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Dict, Optional, Sequence

ROOT = Path(__file__).resolve().parent.parent
JEMALLOC = "/usr/lib/x86_64-linux-gnu/libjemalloc.so.2"  # Debian's libjemalloc2

PROBE = """
import asyncio, json, sys
def mem():
    fields = dict(line.split(":", 1) for line in open("/proc/self/status").read().splitlines() if ":" in line)
    return {k: int(fields[k].split()[0]) / 1024 for k in ("VmRSS", "VmHWM")}
what = sys.argv[1]
if what == "tensorflow":
    import tensorflow
elif what == "components":
    import rasa.engine.recipes.default_components
else:
    from rasa.core.agent import Agent
    agent = Agent.load("models/assistant.tar.gz")
    texts = ["j'ai droit à une bourse ?", "is the learning agreement mandatory?", "bonjour",
             "je pars à Lisbonne en licence", "how many ECTS do I need?"]
    async def parse():
        for i in range(int(sys.argv[2])):
            await agent.parse_message(texts[i % len(texts)])
    asyncio.run(parse())
print(json.dumps(mem()))
"""

VARIANTS = (
    ("import tensorflow alone", "tensorflow", {}),
    ("import Rasa's default components", "components", {}),
    ("model loaded + parses (as `rasa run`)", "model", {}),
    ("  the same, MALLOC_ARENA_MAX=2", "model", {"MALLOC_ARENA_MAX": "2"}),
    ("  the same, jemalloc (LD_PRELOAD)", "model", {"LD_PRELOAD": JEMALLOC}),
    ("  the same, TF_NUM_INTEROP_THREADS=1 TF_NUM_INTRAOP_THREADS=1", "model",
     {"TF_NUM_INTEROP_THREADS": "1", "TF_NUM_INTRAOP_THREADS": "1", "OMP_NUM_THREADS": "1"}),
)


def probe(what: str, parses: int, extra: Dict[str, str]) -> Optional[dict]:
    env = {"PATH": "/usr/bin:/bin", "HOME": os.environ.get("HOME", "/root"), "RASA_TELEMETRY_ENABLED": "false",
           "TF_CPP_MIN_LOG_LEVEL": "3", "PYTHONWARNINGS": "ignore", **extra}
    if "LD_PRELOAD" in extra and not Path(extra["LD_PRELOAD"]).exists():
        return None
    result = subprocess.run([sys.executable, "-c", PROBE, what, str(parses)], cwd=ROOT, env=env,
                            capture_output=True, text=True, timeout=600)
    if result.returncode != 0:
        raise RuntimeError(result.stderr[-1500:])
    return json.loads(result.stdout.strip().splitlines()[-1])


def main(argv: Optional[Sequence[str]] = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--parses", type=int, default=50)
    args = parser.parse_args(argv)
    for label, what, extra in VARIANTS:
        figures = probe(what, args.parses, extra)
        if figures is None:
            print(f"{label}: skipped ({extra.get('LD_PRELOAD')} not installed)")
            continue
        print(f"{label}: RSS {figures['VmRSS']:.0f} MiB, peak {figures['VmHWM']:.0f} MiB", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
