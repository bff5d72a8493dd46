"""Logging for the long-running processes: secrets are redacted from every line; the servers'
logs are appended and rotated by size."""
from __future__ import annotations

import logging
import os
import threading
import time
from pathlib import Path
from typing import BinaryIO, Iterable


class RedactSecrets(logging.Filter):
    """Replaces each secret by [REDACTED] in the final message (arguments included)."""

    def __init__(self, secrets: Iterable[str]) -> None:
        super().__init__()
        self.secrets = [s for s in secrets if s]

    def filter(self, record: logging.LogRecord) -> bool:
        record.msg, record.args = self._redact(record.getMessage()), None
        if record.exc_info:  # a traceback can quote a URL too
            record.exc_text = self._redact(logging.Formatter().formatException(record.exc_info))
            record.exc_info = None
        return True

    def _redact(self, text: str) -> str:
        for secret in self.secrets:
            text = text.replace(secret, "[REDACTED]")
        return text


def configure(secrets: Iterable[str], level: int = logging.INFO) -> None:
    handler = logging.StreamHandler()
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    handler.addFilter(RedactSecrets(secrets))
    logging.basicConfig(level=level, handlers=[handler], force=True)
    # httpx logs every request URL at INFO, and Telegram's URLs hold the bot token.
    logging.getLogger("httpx").setLevel(logging.WARNING)
    logging.getLogger("httpcore").setLevel(logging.WARNING)


class RotatingFile:
    """A server's log: appended (a crash's evidence survives the restart), for its user alone (0600),
    and rotated by size: past `max_bytes`, log -> log.1 -> ... -> log.<backups>, the oldest dropped.
    Several threads may write (the server's output, the supervisor's notes): a lock orders them."""

    def __init__(self, path: Path, max_bytes: int, backups: int) -> None:
        self.path, self.max_bytes, self.backups = path, max_bytes, backups
        self._lock = threading.Lock()
        self._fd = self._open()

    def _open(self) -> int:
        fd = os.open(self.path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
        os.fchmod(fd, 0o600)  # a file made before this change was world-readable
        return fd

    def write(self, data: bytes) -> None:
        with self._lock:
            if self._fd < 0:
                return
            if self.max_bytes and os.fstat(self._fd).st_size + len(data) > self.max_bytes \
                    and os.fstat(self._fd).st_size > 0:
                self._rotate()
            os.write(self._fd, data)

    def note(self, text: str) -> None:
        """A line of the supervisor's own, told apart from the server's output."""
        self.write(f"{time.strftime('%Y-%m-%d %H:%M:%S')} [supervisor] {text}\n".encode())

    def _rotate(self) -> None:
        os.close(self._fd)
        if self.backups:
            for n in range(self.backups - 1, 0, -1):
                older = self.path.with_name(f"{self.path.name}.{n}")
                if older.exists():
                    os.replace(older, self.path.with_name(f"{self.path.name}.{n + 1}"))
            os.replace(self.path, self.path.with_name(f"{self.path.name}.1"))
        else:
            os.truncate(self.path, 0)
        self._fd = self._open()

    def fileno(self) -> int:
        return self._fd

    def close(self) -> None:
        with self._lock:
            if self._fd >= 0:
                os.close(self._fd)
                self._fd = -1


def pump(stream: BinaryIO, log: RotatingFile, close_log: bool = False) -> threading.Thread:
    """Copies a child's output into its log until the child closes it (a thread, so rotation can
    happen while the child runs: the child never holds the file itself)."""

    def copy() -> None:
        try:
            for chunk in iter(lambda: stream.read1(65536), b""):
                log.write(chunk)
        finally:
            stream.close()
            if close_log:
                log.close()

    thread = threading.Thread(target=copy, name=f"log {log.path.name}", daemon=True)
    thread.start()
    return thread
