"""The text classifier both NLU components of config.yml share: TF-IDF word and character n-grams
with a calibrated linear SVM (chosen by measurement, docs/benchmarks.md, "NLU pipeline comparison").
scikit-learn only: no TensorFlow, so a served model without Rasa's neural components never loads it.

Options beyond `C`, `char_ngrams`, `word_ngrams` and `folds` (their defaults are the model chosen so
far; the candidates were measured by `benchmarks/intent_cv.py`, docs/benchmarks.md, "Intent
classifier candidates, session 7"):
- `classifier`: "svm" (calibrated LinearSVC) or "logreg" (multinomial logistic regression, `C`);
- `sublinear_tf`, `class_weight` ("balanced" or None);
- `digits`: every run of digits read as the one token "0" (semester numbers, credits, years).
"""
from __future__ import annotations

import re
from typing import Any, Dict

from sklearn.feature_extraction.text import strip_accents_unicode

DIGITS = re.compile(r"\d+")


def normalise_digits(text: str) -> str:
    """The vectorisers' own normalisation (lower case, no accents) with every number read as "0"."""
    return DIGITS.sub("0", strip_accents_unicode(text.lower()))


def tfidf_svm(config: Dict[str, Any]) -> Any:
    """An unfitted scikit-learn pipeline from config (see the module's docstring for the options)."""
    from sklearn.calibration import CalibratedClassifierCV
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import make_pipeline, make_union
    from sklearn.svm import LinearSVC

    sublinear = config.get("sublinear_tf", True)
    normalise = {"preprocessor": normalise_digits} if config.get("digits") else {"strip_accents": "unicode"}
    features = [
        TfidfVectorizer(ngram_range=tuple(config["word_ngrams"]), sublinear_tf=sublinear, **normalise),
        TfidfVectorizer(analyzer="char_wb", ngram_range=tuple(config["char_ngrams"]), sublinear_tf=sublinear,
                        **normalise),
    ]
    class_weight = config.get("class_weight", "balanced")
    if config.get("classifier", "svm") == "logreg":
        model = LogisticRegression(C=config["C"], class_weight=class_weight, max_iter=2000)
    else:
        model = CalibratedClassifierCV(LinearSVC(C=config["C"], class_weight=class_weight, random_state=42),
                                       cv=config["folds"])
    return make_pipeline(make_union(*features), model)
