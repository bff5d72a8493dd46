"""Country names in French and English (CLDR data shipped with Babel) to ISO 3166 codes.

Loaded on first use, never at import.
"""
from __future__ import annotations

from functools import lru_cache
from typing import Dict, Optional

from rules_core.normalize import fold

# Everyday names CLDR does not list, as students write them.
_EXTRA_NAMES = {
    "usa": "US", "us": "US", "etats unis": "US", "america": "US", "amerique": "US",
    "uk": "GB", "england": "GB", "angleterre": "GB", "great britain": "GB", "grande bretagne": "GB",
    "scotland": "GB", "ecosse": "GB", "wales": "GB", "pays de galles": "GB",
    "holland": "NL", "hollande": "NL", "korea": "KR", "coree": "KR", "coree du sud": "KR",
    "czechia": "CZ", "republique tcheque": "CZ", "tchequie": "CZ", "swiss": "CH",
}


@lru_cache(maxsize=1)
def _index() -> Dict[str, str]:
    from babel import Locale

    index: Dict[str, str] = {}
    for lang in ("en", "fr", "de"):
        for code, name in Locale.parse(lang).territories.items():
            if len(code) == 2 and code.isalpha() and code not in ("EU", "EZ", "UN", "QO", "ZZ"):
                index.setdefault(fold(name), code)
                index.setdefault(fold(code), code)
    index.update(_EXTRA_NAMES)
    return index


# The European Union's 27 member states since 1 February 2020 (the United Kingdom's withdrawal).
# A citizen of one of them is an EU national, the fact Art. 14 asks about.
EU_MEMBERS = frozenset("AT BE BG HR CY CZ DK EE FI FR DE GR HU IE IT LV LT LU MT NL PL PT RO SK SI ES SE".split())


def is_eu(code: str) -> bool:
    """Whether a nationality (ISO code) makes the student an EU national."""
    return code in EU_MEMBERS


def to_iso(name: str) -> Optional[str]:
    """'Allemagne', 'germany', 'DE' -> 'DE'; None when the name is no country."""
    return _index().get(fold(name))


def display_name(code: str, lang: str) -> str:
    """The country's name in French or English."""
    from babel import Locale

    return Locale.parse(lang).territories.get(code, code)
