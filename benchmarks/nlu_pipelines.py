"""NLU pipeline comparison: `rasa test nlu` cross-validation per language, and the held-out sets.

    .venv/bin/python -m benchmarks.nlu_pipelines [--folds 3] [PIPELINE ...]

For each candidate in benchmarks/pipelines/, each language's training data (with the shared
synonyms and lookup tables) is cross-validated on its own; then a model trained on all data
is scored on the held-out sets (benchmarks.nlu_eval). Prints a markdown table.
"""
from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PIPELINES = ROOT / "benchmarks" / "pipelines"
ENV = {**os.environ, "RASA_TELEMETRY_ENABLED": "false", "PYTHONPATH": str(ROOT), "TF_CPP_MIN_LOG_LEVEL": "3"}


def rasa(*args: str) -> None:
    subprocess.run([sys.executable, "-m", "rasa", *args], cwd=ROOT, env=ENV, check=True,
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def language_data(lang: str, into: Path) -> Path:
    into.mkdir(parents=True)
    shutil.copytree(ROOT / "nlu_data" / "nlu" / lang, into / lang)
    shutil.copy(ROOT / "nlu_data" / "nlu" / "synonyms_and_lookups.yml", into)
    return into


def cross_validate(config: Path, lang: str, folds: int, work: Path) -> dict:
    data = language_data(lang, work / f"data_{lang}")
    out = work / f"cv_{lang}"
    start = time.perf_counter()
    rasa("test", "nlu", "--nlu", str(data), "--config", str(config), "--cross-validation", "--folds", str(folds),
         "--out", str(out))
    report = json.loads((out / "intent_report.json").read_text())
    return {"macro_f1": report["macro avg"]["f1-score"], "accuracy": report.get("accuracy"),
            "minutes": (time.perf_counter() - start) / 60}


def held_out(config: Path, work: Path) -> dict:
    from benchmarks.nlu_eval import evaluate

    start = time.perf_counter()
    rasa("train", "nlu", "--nlu", "nlu_data", "--domain", "domain.yml", "--config", str(config), "--out", str(work),
         "--fixed-model-name", "candidate")
    train_min = (time.perf_counter() - start) / 60
    report = evaluate(str(work / "candidate.tar.gz"))
    return {"train_minutes": train_min, **{lang: report[lang]["intent_macro_f1"] for lang in report}}


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("pipelines", nargs="*", default=sorted(p.stem for p in PIPELINES.glob("*.yml")))
    parser.add_argument("--folds", type=int, default=3)
    args = parser.parse_args(argv)
    rows = []
    for name in args.pipelines:
        config = PIPELINES / f"{name}.yml"
        with tempfile.TemporaryDirectory() as tmp:
            work = Path(tmp)
            cv = {lang: cross_validate(config, lang, args.folds, work) for lang in ("fr", "en")}
            ho = held_out(config, work)
        rows.append((name, cv, ho))
        print(f"done {name}: {json.dumps({'cv': cv, 'held_out': ho})}", file=sys.stderr, flush=True)
    print(f"| pipeline | CV macro F1 fr ({args.folds} folds) | CV macro F1 en | held-out macro F1 fr | "
          f"held-out macro F1 en | NLU training (all data) |\n|---|---:|---:|---:|---:|---:|")
    for name, cv, ho in rows:
        print(f"| {name} | {cv['fr']['macro_f1']:.3f} | {cv['en']['macro_f1']:.3f} | {ho['fr']:.3f} | {ho['en']:.3f} "
              f"| {ho['train_minutes']:.1f} min |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
