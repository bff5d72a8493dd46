"""The actions' own bilingual messages (actions/messages.yml), loaded on first use."""
from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Any, Dict, List, Optional

import yaml

MESSAGES_FILE = Path(__file__).with_name("messages.yml")


@lru_cache(maxsize=1)
def messages() -> Dict[str, Any]:
    return yaml.safe_load(MESSAGES_FILE.read_text(encoding="utf-8"))


def text(key: str, lang: str, **params: Any) -> str:
    return messages()[key][lang].format(**params)


def buttons(key: str, lang: str) -> Optional[List[dict]]:
    entry = messages()[key].get("buttons")
    return entry[lang] if entry else None
