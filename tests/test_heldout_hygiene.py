"""The held-out sets stay held out: no training example is a near-copy of a held-out message
(conversations, out-of-scope near-misses). Similarity: TF-IDF on character 3-5-grams, cosine."""
from __future__ import annotations

import re
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
NEAR_COPY = 0.8  # paraphrases of the same question score up to about 0.6; a copy with typos fixed, above 0.8


def _plain(text: str) -> str:
    return re.sub(r"\[([^\]]*)\](?:\([^)]*\)|\{[^}]*\})", r"\1", text)


def training_examples():
    for path in sorted((ROOT / "nlu_data" / "nlu").rglob("*.yml")):
        for block in (yaml.safe_load(path.read_text(encoding="utf-8")) or {}).get("nlu") or []:
            for line in (block.get("examples") or "").splitlines():
                if line.strip().startswith("- "):
                    yield _plain(line.strip()[2:])


def held_out_messages():
    for path in sorted((ROOT / "tests" / "conversations").rglob("*.yml")):
        for conversation in yaml.safe_load(path.read_text(encoding="utf-8")):
            for turn in conversation["turns"]:
                yield turn if isinstance(turn, str) else turn["say"]
    for path in sorted((ROOT / "tests" / "out_of_scope").glob("*.yml")):
        for message in yaml.safe_load(path.read_text(encoding="utf-8"))["messages"]:
            yield message["text"]


def test_no_training_example_is_a_near_copy_of_a_held_out_message():
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.metrics.pairwise import cosine_similarity

    # A one- or two-word example ("Sarrebruck") is a name, not a copy of a held-out sentence that contains it.
    train = [m for m in training_examples() if len(m.split()) > 2]
    held = [m for m in held_out_messages() if len(m) > 20]
    vectors = TfidfVectorizer(analyzer="char_wb", ngram_range=(3, 5), sublinear_tf=True).fit(train + held)
    similarity = cosine_similarity(vectors.transform(train), vectors.transform(held))
    copies = [(train[i], held[j]) for i, j in zip(*(similarity > NEAR_COPY).nonzero())]
    assert not copies, copies[:5]
