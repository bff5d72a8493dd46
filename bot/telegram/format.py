"""From the assistant's replies to Telegram messages: escaped HTML, cut under Telegram's
length limit, quick replies as inline keyboards."""
from __future__ import annotations

import html
from typing import Callable, Dict, List, Optional, Sequence, Tuple

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

MAX_MESSAGE = 4096  # Telegram's limit, in UTF-16 code units of the text after entity parsing


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


def quick_replies(buttons: Sequence[Dict[str, str]],
                  issue: Callable[[Sequence[Tuple[str, str]]], List[str]]) -> Optional[InlineKeyboardMarkup]:
    """One button per row (titles are often sentences: 'Yes, a force majeure...'); each button's
    callback data is an opaque key `issue` binds to the student (see `bot.telegram.payloads`)."""
    choices = [(b["payload"], b.get("title") or b["payload"]) for b in buttons if b.get("payload")]
    if not choices:
        return None
    keys = issue(choices)
    return InlineKeyboardMarkup([[InlineKeyboardButton(title, callback_data=key)]
                                 for (_, title), key in zip(choices, keys)])


def message_pieces(text: str, keyboard: Optional[InlineKeyboardMarkup] = None,
                   bold_prefix: Optional[str] = None) -> List[Tuple[str, Optional[dict]]]:
    """A message as the Telegram messages that carry it (HTML body, keyboard JSON on the last one);
    the bold prefix (e.g. "Mobility office:") heads the first."""
    room = MAX_MESSAGE - (utf16_len(bold_prefix) + 1 if bold_prefix else 0)
    parts = split_text(text, room)
    return [(html_message(part, bold_prefix if index == 0 else None),
             keyboard.to_dict() if keyboard is not None and index == len(parts) - 1 else None)
            for index, part in enumerate(parts)]
