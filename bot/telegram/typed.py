"""What a person typed, made safe to store and to hand to Rasa.

Rasa reads a message that starts with "/" (after `str.strip()`) as a payload: an intent with
entities that become slots (`/inform{"level":"master"}`), or an internal intent (`/restart`,
`/session_start`). Only the adapter itself may send payloads (button keys, `/profile`, `/human`);
a student's text never starts with "/" when it reaches Rasa: the leading run of slashes and of
spaces or invisible characters is taken off, so "/ je suis en master" is still understood.
"""
from __future__ import annotations

import re
import unicodedata

# Characters a person cannot see at the start of a text: every separator (Zs, Zl, Zp: spaces,
# no-break spaces...) and every "other" (Cc controls, Cf formats such as zero-width spaces and the
# BOM, Co private use, Cn unassigned, Cs surrogates).
_INVISIBLE = ("Z", "C")
_SURROGATE = re.compile("[\ud800-\udfff]")
# Control characters PostgreSQL's text type refuses (NUL) or that mean nothing in a chat message;
# tab, line feed and carriage return are kept.
_CONTROLS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def clean(text: str) -> str:
    """Storable text: no NUL or other C0 controls, no lone surrogate (which UTF-8 cannot encode)."""
    return _SURROGATE.sub("\ufffd", _CONTROLS.sub("", text))


def _invisible(char: str) -> bool:
    return unicodedata.category(char)[0] in _INVISIBLE


def as_typed_text(text: str) -> str:
    """The student's words for Rasa: never a payload. '' when nothing but slashes and blanks is left."""
    start = 0
    while start < len(text) and (text[start] == "/" or _invisible(text[start])):
        start += 1
    rest = text[start:]
    return rest if "/" in text[:start] else text


def is_blank(text: str) -> bool:
    return all(_invisible(char) or char == "/" for char in text)
