"""Pseudonymous student references: what logs, Rasa and tickets know a Telegram user by.

A keyed hash (HMAC-SHA256) of the Telegram user id: stable for the same student, not
reversible without the key, which comes from the environment (PSEUDONYM_KEY) or, by
default, is drawn once and kept in var/ with owner-only permissions.
"""
from __future__ import annotations

import hashlib
import hmac
import os
import secrets
from pathlib import Path

from bot.runtime.settings import Settings


def load_key(settings: Settings) -> bytes:
    if settings.pseudonym_key:
        return settings.pseudonym_key.encode()
    path = settings.var_dir / "pseudonym.key"
    if not path.exists():
        settings.var_dir.mkdir(parents=True, exist_ok=True)
        _write_private(path, secrets.token_hex(32))
    return path.read_text().strip().encode()


def _write_private(path: Path, text: str) -> None:
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w") as handle:
        handle.write(text)


def student_ref(key: bytes, telegram_user_id: int) -> str:
    """'s-' and 16 hex digits: the student's reference in tickets, logs and Rasa."""
    return "s-" + hmac.new(key, str(telegram_user_id).encode(), hashlib.sha256).hexdigest()[:16]


def rasa_sender(ref: str) -> str:
    """The Rasa conversation id of a Telegram student."""
    return f"tg-{ref}"


def ref_of_sender(sender_id: str) -> str:
    """The student reference behind a Rasa conversation id (the terminal chat's id stays as it is)."""
    return sender_id[3:] if sender_id.startswith("tg-") else sender_id
