"""Rules-core benchmark: time to decide each question in process, gazetteer load cost.

    make bench            # or: .venv/bin/python -m benchmarks.rules_core_bench

Each question is decided for a fully-known situation (the common case once the
conversation has collected the facts) and for an empty one (first turn), N times.
"""
from __future__ import annotations

import gc
import resource
import statistics
import sys
import time
import tracemalloc

N = 2000
FULL = {
    "level": "bachelor", "semester": 5, "last_semester": False, "mobility_type": "erasmus_plus",
    "host_city": "Trèves", "country_of_origin": "DE", "resides_temporarily_elsewhere": True, "eu_national": True,
    "native_speaker": False, "special_statuses": [], "exemption_grounds": [], "earlier_mobilities": [],
    "is_extension": False, "extension_same_academic_year": True, "excluded_for_misconduct": False,
    "refused_or_cancelled_place": False, "course_start_date": "2027-09-14", "departure_date": "2027-09-01",
    "return_date": "2028-01-31", "full_host_term": True, "ects_enrolled": 30, "course_hours": 60,
    "force_majeure": False, "declared_to_mobility_office": True, "today": "2027-09-20",
}


def _rss_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def measure_gazetteer() -> dict:
    from rules_core.gazetteer import Gazetteer

    rss_before = _rss_mib()
    start = time.perf_counter()
    gazetteer = Gazetteer()
    load_s = time.perf_counter() - start
    rss_growth = _rss_mib() - rss_before
    del gazetteer
    gc.collect()
    tracemalloc.start()  # a second build, traced (tracing slows it, so it is not the one timed)
    gazetteer = Gazetteer()
    gc.collect()
    retained, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return {"load_s": load_s, "retained_mib": retained / 2**20, "peak_mib": peak / 2**20,
            "rss_growth_mib": rss_growth, "places": len(gazetteer.places)}


def measure_questions() -> list:
    from rules_core import Question, Situation, decide

    # Warm the lazy loads (parameters, gazetteer, country names) outside the timings.
    for question in Question:
        decide(question, Situation(**FULL))
    rows = []
    for question in Question:
        for label, facts in (("all facts known", FULL), ("nothing known", {})):
            situation = Situation(**facts)
            timings = []
            for _ in range(N):
                start = time.perf_counter_ns()
                decide(question, situation)
                timings.append((time.perf_counter_ns() - start) / 1e6)
            timings.sort()
            rows.append((question.value, label, statistics.median(timings), timings[int(0.99 * len(timings)) - 1]))
    return rows


def main() -> int:
    gaz = measure_gazetteer()
    rows = measure_questions()
    print(f"Python {sys.version.split()[0]}, {N} decisions per row; times in milliseconds\n")
    print("| question | situation | median ms | p99 ms |\n|---|---|---:|---:|")
    for question, label, median, p99 in rows:
        print(f"| {question} | {label} | {median:.3f} | {p99:.3f} |")
    print(f"\nGazetteer: {gaz['places']} places, load {gaz['load_s']:.2f} s, "
          f"Python heap retained {gaz['retained_mib']:.0f} MiB (peak {gaz['peak_mib']:.0f} MiB), "
          f"process peak RSS growth during the load {gaz['rss_growth_mib']:.0f} MiB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
