"""The text classifier both NLU components of config.yml share: TF-IDF word and character n-grams
with a calibrated linear SVM (chosen by measurement, docs/benchmarks.md, "NLU pipeline comparison").
scikit-learn only: no TensorFlow, so a served model without Rasa's neural components never loads it.
"""
from __future__ import annotations

from typing import Any, Dict


def tfidf_svm(config: Dict[str, Any]) -> Any:
    """An unfitted scikit-learn pipeline: `C`, `char_ngrams`, `word_ngrams` and `folds` (calibration) from config."""
    from sklearn.calibration import CalibratedClassifierCV
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.pipeline import make_pipeline, make_union
    from sklearn.svm import LinearSVC

    words = TfidfVectorizer(ngram_range=tuple(config["word_ngrams"]), sublinear_tf=True, strip_accents="unicode")
    chars = TfidfVectorizer(analyzer="char_wb", ngram_range=tuple(config["char_ngrams"]), sublinear_tf=True,
                            strip_accents="unicode")
    svm = LinearSVC(C=config["C"], class_weight="balanced", random_state=42)
    return make_pipeline(make_union(words, chars), CalibratedClassifierCV(svm, cv=config["folds"]))
