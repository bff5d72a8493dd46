"""Name normalisation shared by the country and city look-ups."""
from __future__ import annotations

import re
import unicodedata

_SEPARATORS = re.compile(r"[\s\-‐‑–—_'’.]+")


def fold(name: str) -> str:
    """Lower case, no accents, separators collapsed: 'Trèves' and 'treves' fold alike."""
    text = name.casefold()
    if not text.isascii():  # the slow path only for the names that need it
        text = "".join(ch for ch in unicodedata.normalize("NFKD", text) if not unicodedata.combining(ch))
    return _SEPARATORS.sub(" ", text).strip()
