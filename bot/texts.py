"""The adapter's and the staff desk's own bilingual texts (bot/texts.yml), loaded on first use."""
from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Any, Dict

import yaml

TEXTS_FILE = Path(__file__).with_name("texts.yml")


@lru_cache(maxsize=1)
def _texts() -> Dict[str, Any]:
    return yaml.safe_load(TEXTS_FILE.read_text(encoding="utf-8"))


def has(key: str) -> bool:
    entry: Any = _texts()
    for part in key.split("."):
        if not isinstance(entry, dict) or part not in entry:
            return False
        entry = entry[part]
    return True


def text(key: str, lang: str, **params: Any) -> str:
    entry = _texts()
    for part in key.split("."):
        entry = entry[part]
    return entry[lang if lang in ("fr", "en") else "fr"].format(**params)


def both(key: str, **params: Any) -> str:
    """French, then English: for moments when the student's language is not known."""
    return f"{text(key, 'fr', **params)}\n\n{text(key, 'en', **params)}"
