"""Who can help with a question outside the mobility circular (actions/data/redirects.yml)."""
from __future__ import annotations

import re
import unicodedata
from functools import lru_cache
from pathlib import Path
from typing import List, Optional, Tuple

import yaml

REDIRECTS_FILE = Path(__file__).parent / "data" / "redirects.yml"


@lru_cache(maxsize=1)
def _topics() -> List[Tuple[str, "re.Pattern[str]", Optional[dict]]]:
    entries = yaml.safe_load(REDIRECTS_FILE.read_text(encoding="utf-8"))
    return [(e["topic"], re.compile(e["pattern"], re.I), e.get("who")) for e in entries]


def _plain(text: str) -> str:
    """Lower case without accents, so one pattern serves "séjour" and "sejour"."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def topic_of(text: str) -> Tuple[str, Optional[dict]]:
    """The first topic whose pattern the message matches, and who can help (None: nobody to name)."""
    plain = _plain(text or "")
    for topic, pattern, who in _topics():
        if pattern.search(plain):
            return topic, who
    return "other", None


def who_can_help(text: str, lang: str) -> Optional[str]:
    return (topic_of(text)[1] or {}).get(lang)


def who_for_topic(topic: str, lang: str) -> Optional[str]:
    """Who can help with a topic the understanding recognised by itself (not by the message's words)."""
    return next(((who or {}).get(lang) for name, _, who in _topics() if name == topic), None)
