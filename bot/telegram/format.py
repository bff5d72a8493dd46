"""From the assistant's replies to Telegram messages: escaped HTML, cut under Telegram's
length limit, quick replies as inline keyboards."""
from __future__ import annotations

import hashlib
import html
from typing import Callable, Dict, List, Optional, Sequence

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

MAX_MESSAGE = 4096  # Telegram's limit, in UTF-16 code units of the text after entity parsing
MAX_CALLBACK_DATA = 64  # bytes
LONG_PAYLOAD_PREFIX = "k:"


def utf16_len(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


def split_text(text: str, limit: int = MAX_MESSAGE) -> List[str]:
    """Cuts a text into pieces of at most `limit`, at paragraph, then line, then word boundaries."""
    if utf16_len(text) <= limit:
        return [text]
    pieces: List[str] = []
    for separator in ("\n\n", "\n", " "):
        parts = text.split(separator)
        if len(parts) > 1:
            current = ""
            for part in parts:
                candidate = part if not current else current + separator + part
                if utf16_len(candidate) <= limit:
                    current = candidate
                    continue
                if current:
                    pieces.append(current)
                if utf16_len(part) <= limit:
                    current = part
                else:  # one part is too long on its own: cut it at the next, finer boundary
                    sub = split_text(part, limit)
                    pieces.extend(sub[:-1])
                    current = sub[-1]
            if current:
                pieces.append(current)
            return pieces
    # No boundary at all: cut by characters, never inside a surrogate pair.
    current = ""
    for char in text:
        if utf16_len(current + char) > limit:
            pieces.append(current)
            current = ""
        current += char
    return pieces + ([current] if current else [])


def html_message(text: str, bold_prefix: Optional[str] = None) -> str:
    """Telegram HTML where only our own prefix is markup: every other character is escaped."""
    body = html.escape(text, quote=False)
    return f"<b>{html.escape(bold_prefix, quote=False)}</b>\n{body}" if bold_prefix else body


def callback_data(payload: str, keep_long: Callable[[str, str], None]) -> str:
    """The payload itself when it fits Telegram's 64 bytes, else a key to the stored payload."""
    if len(payload.encode("utf-8")) <= MAX_CALLBACK_DATA and not payload.startswith(LONG_PAYLOAD_PREFIX):
        return payload
    key = LONG_PAYLOAD_PREFIX + hashlib.sha256(payload.encode("utf-8")).hexdigest()[:32]
    keep_long(key, payload)
    return key


def quick_replies(buttons: Sequence[Dict[str, str]], keep_long: Callable[[str, str], None]) -> InlineKeyboardMarkup:
    """One button per row: titles are often sentences ('Yes, a force majeure...')."""
    return InlineKeyboardMarkup([[InlineKeyboardButton(b.get("title") or b["payload"],
                                                       callback_data=callback_data(b["payload"], keep_long))]
                                 for b in buttons if b.get("payload")])
