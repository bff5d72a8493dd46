"""All configuration, from the environment first; nothing is read at import time."""
from __future__ import annotations

import datetime as dt
import os
import secrets
from dataclasses import dataclass, field
from pathlib import Path
from typing import FrozenSet, Mapping, Optional, Tuple

ROOT = Path(__file__).resolve().parents[2]


class SettingsError(ValueError):
    """An environment variable holds a value that cannot be used; the message names it."""


def _ids(env: Mapping[str, str], name: str) -> FrozenSet[int]:
    raw = env.get(name, "")
    try:
        return frozenset(int(part) for part in raw.replace(",", " ").split())
    except ValueError:
        raise SettingsError(f"{name} must list numeric Telegram ids separated by commas, got {raw!r}") from None


def _optional_int(env: Mapping[str, str], name: str) -> Optional[int]:
    raw = env.get(name, "").strip()
    if not raw:
        return None
    try:
        return int(raw)
    except ValueError:
        raise SettingsError(f"{name} must be a numeric Telegram chat id, got {raw!r}") from None


def _positive_int(env: Mapping[str, str], name: str, default: int) -> int:
    raw = env.get(name, "").strip()
    if not raw:
        return default
    if not raw.isdigit() or int(raw) < 1:
        raise SettingsError(f"{name} must be a whole number of days (1 or more), got {raw!r}")
    return int(raw)


def _count(env: Mapping[str, str], name: str, default: int) -> int:
    raw = env.get(name, "").strip()
    if not raw:
        return default
    if not raw.isdigit():
        raise SettingsError(f"{name} must be a whole number (0 or more), got {raw!r}")
    return int(raw)


def _flag(env: Mapping[str, str], name: str, default: bool) -> bool:
    raw = env.get(name, "").strip().lower()
    if not raw:
        return default
    if raw not in ("1", "true", "yes", "0", "false", "no"):
        raise SettingsError(f"{name} must be true or false, got {raw!r}")
    return raw in ("1", "true", "yes")


def _seconds(env: Mapping[str, str], name: str, default: float) -> float:
    raw = env.get(name, "").strip()
    try:
        value = float(raw) if raw else default
    except ValueError:
        value = -1.0
    if value < 0:
        raise SettingsError(f"{name} must be a number of seconds (0 or more), got {raw!r}")
    return value


def _new_token() -> str:
    """A fresh token for Rasa's HTTP API: each start without RASA_AUTH_TOKEN gets its own."""
    return secrets.token_urlsafe(32)


@dataclass(frozen=True)
class Settings:
    project_dir: Path = ROOT
    rasa_port: int = 5005
    action_port: int = 5055
    rasa_url: str = "http://127.0.0.1:5005"
    # Where the servers listen: loopback unless a cluster needs them reachable (RASA_HOST, ACTIONS_HOST).
    rasa_host: str = "127.0.0.1"
    actions_host: str = "127.0.0.1"
    # Rasa's HTTP API (trackers, events) answers only requests carrying this token (`?token=`);
    # the REST channel's webhook stays open to the adapter. Generated when RASA_AUTH_TOKEN is unset.
    rasa_auth_token: str = field(default_factory=_new_token, repr=False)
    model_name: str = "assistant"
    endpoints_file: str = "endpoints.yml"
    sender_id: str = "console"
    request_timeout_s: float = 30.0
    startup_timeout_s: float = 300.0
    # Telegram. Secrets are kept out of repr so they never reach a log line.
    telegram_token: Optional[str] = field(default=None, repr=False)
    telegram_base_url: str = "https://api.telegram.org/bot"
    telegram_base_file_url: str = "https://api.telegram.org/file/bot"
    webhook_url: Optional[str] = None  # set: webhook mode; unset: long polling
    webhook_secret: Optional[str] = field(default=None, repr=False)
    webhook_listen: str = "127.0.0.1"
    webhook_port: int = 8443
    # The staff desk.
    staff_chat_id: Optional[int] = None
    staff_user_ids: FrozenSet[int] = frozenset()
    staff_language: str = "fr"
    office_hours: str = "mon-fri 09:00-17:00"
    office_timezone: str = "Europe/Luxembourg"
    tickets_db_url: Optional[str] = field(default=None, repr=False)  # default: SQLite in var/
    pseudonym_key: Optional[str] = field(default=None, repr=False)  # default: a random key kept in var/
    rasa_retry_s: float = 5.0  # how often messages kept while Rasa was down are tried again
    # The office's report.
    analytics_text_days: int = 90  # how long not-understood message texts are kept
    analytics_ingest_s: float = 30.0  # how often the adapter reads Rasa's SQL event broker
    rabbitmq_url: Optional[str] = field(default=None, repr=False)  # production: Rasa's Pika broker
    analytics_queue: str = "rasa_analytics"
    run_servers: bool = True  # false (production): the servers run as their own services, see deploy/
    var_path: Optional[Path] = None  # default: var/ in the project (VAR_DIR)
    # The supervisor: server logs rotate at log_max_bytes, keeping log_backups old files; a crashed
    # server is restarted after restart_delay_s, doubled on each crash in a row up to restart_max_delay_s.
    log_max_bytes: int = 5_000_000
    log_backups: int = 3
    restart_delay_s: float = 1.0
    restart_max_delay_s: float = 60.0

    @classmethod
    def from_env(cls, env: Mapping[str, str] = os.environ) -> "Settings":
        rasa_port = int(env.get("RASA_PORT", "5005"))
        rasa_host = env.get("RASA_HOST", "127.0.0.1")
        local = "127.0.0.1" if rasa_host in ("0.0.0.0", "", "::") else rasa_host  # where the adapter finds it
        staff_language = env.get("STAFF_LANGUAGE", "fr")
        if staff_language not in ("fr", "en"):
            raise SettingsError(f"STAFF_LANGUAGE must be fr or en, got {staff_language!r}")
        webhook_url = env.get("TELEGRAM_WEBHOOK_URL") or None
        webhook_secret = env.get("TELEGRAM_WEBHOOK_SECRET") or None
        if webhook_url and not webhook_secret:
            raise SettingsError("TELEGRAM_WEBHOOK_SECRET is required in webhook mode (TELEGRAM_WEBHOOK_URL is set)")
        run_servers = _flag(env, "RUN_SERVERS", True)
        for url in env.get("RASA_URL", "http://x").split(","):
            if not url.strip().startswith(("http://", "https://")):
                raise SettingsError(f"RASA_URL must be one or more http(s) URLs separated by commas, got {url.strip()!r}")
        if not run_servers and not env.get("RASA_AUTH_TOKEN"):
            raise SettingsError("RASA_AUTH_TOKEN is required when RUN_SERVERS=false: it must be the token the "
                                "separately run Rasa server was given")
        return cls(
            rasa_port=rasa_port,
            action_port=int(env.get("ACTION_PORT", "5055")),
            rasa_url=env.get("RASA_URL", f"http://{local}:{rasa_port}"),
            rasa_host=rasa_host,
            actions_host=env.get("ACTIONS_HOST", "127.0.0.1"),
            rasa_auth_token=env.get("RASA_AUTH_TOKEN") or _new_token(),
            endpoints_file=env.get("RASA_ENDPOINTS", "endpoints.yml"),
            sender_id=env.get("CONSOLE_SENDER_ID", "console"),
            request_timeout_s=float(env.get("RASA_TIMEOUT_S", "30")),
            startup_timeout_s=float(env.get("STARTUP_TIMEOUT_S", "300")),
            telegram_token=env.get("TELEGRAM_BOT_TOKEN") or None,
            telegram_base_url=env.get("TELEGRAM_API_BASE_URL", "https://api.telegram.org/bot"),
            telegram_base_file_url=env.get("TELEGRAM_API_BASE_FILE_URL", "https://api.telegram.org/file/bot"),
            webhook_url=webhook_url,
            webhook_secret=webhook_secret,
            webhook_listen=env.get("TELEGRAM_WEBHOOK_LISTEN", "127.0.0.1"),
            webhook_port=int(env.get("TELEGRAM_WEBHOOK_PORT", "8443")),
            staff_chat_id=_optional_int(env, "STAFF_CHAT_ID"),
            staff_user_ids=_ids(env, "STAFF_USER_IDS"),
            staff_language=staff_language,
            office_hours=env.get("OFFICE_HOURS", "mon-fri 09:00-17:00"),
            office_timezone=env.get("OFFICE_TIMEZONE", "Europe/Luxembourg"),
            tickets_db_url=env.get("TICKETS_DB_URL") or None,
            pseudonym_key=env.get("PSEUDONYM_KEY") or None,
            rasa_retry_s=float(env.get("RASA_RETRY_S", "5")),
            analytics_text_days=_positive_int(env, "ANALYTICS_TEXT_DAYS", 90),
            analytics_ingest_s=float(env.get("ANALYTICS_INGEST_S", "30")),
            rabbitmq_url=env.get("RABBITMQ_URL") or None,
            analytics_queue=env.get("ANALYTICS_QUEUE", "rasa_analytics"),
            run_servers=run_servers,
            var_path=Path(env["VAR_DIR"]).resolve() if env.get("VAR_DIR") else None,
            log_max_bytes=_count(env, "LOG_MAX_BYTES", 5_000_000),
            log_backups=_count(env, "LOG_BACKUPS", 3),
            restart_delay_s=_seconds(env, "RESTART_DELAY_S", 1.0),
            restart_max_delay_s=_seconds(env, "RESTART_MAX_DELAY_S", 60.0),
            **cls._hardening_from_env(env),
            **cls._reminders_from_env(env),
        )

    @property
    def secrets(self) -> Tuple[str, ...]:
        """Every secret value set (for log redaction): none of them may reach a log line."""
        return tuple(value for value in (self.telegram_token, self.webhook_secret, self.pseudonym_key,
                                         self.rasa_auth_token, self.tickets_db_url, self.rabbitmq_url) if value)

    @property
    def models_dir(self) -> Path:
        return self.project_dir / "models"

    @property
    def model_path(self) -> Path:
        return self.models_dir / f"{self.model_name}.tar.gz"

    @property
    def var_dir(self) -> Path:
        return self.var_path or self.project_dir / "var"

    @property
    def tickets_url(self) -> str:
        return self.tickets_db_url or f"sqlite:///{self.var_dir / 'tickets.db'}"

    # -- input integrity and delivery (branch `hardening`) --------------------------------------
    # Fields may follow methods in a dataclass: this block stays in one place for the merger.
    button_ttl_days: int = 30  # a quick-reply key older than this is refused as expired
    staff_relay_limit: int = 5  # messages of one ticket posted to the staff chat per window...
    staff_relay_window_s: float = 600.0  # ...the rest are kept in the ticket and summarised
    outbox_first_backoff_s: float = 1.0  # a reply Telegram did not accept is tried again after this,
    outbox_max_backoff_s: float = 300.0  # doubling up to this,
    outbox_give_up_s: float = 172800.0  # and dropped (logged) when still refused after two days
    telegram_send_timeout_s: float = 30.0  # read time-out of sendMessage: a slow Telegram is waited for
    # Scale-out: a student's conversation is worked on by one adapter process at a time, holding a lease
    # renewed every third of this; a killed adapter's students are taken over once it expires.
    lease_s: float = 15.0
    rasa_concurrency: int = 8  # messages one adapter has in flight towards Rasa at once (the rest wait in it)

    @property
    def rasa_urls(self) -> Tuple[str, ...]:
        """RASA_URL may list several Rasa servers (comma-separated): the adapter goes round them."""
        return tuple(url.strip().rstrip("/") for url in self.rasa_url.split(",") if url.strip())

    # -- reminders (bot/reminders) ----------------------------------------------------------------
    reminder_timezone: str = "Europe/Luxembourg"  # the local time of send times and quiet hours
    reminder_send_time: str = "09:00"  # a reminder goes out at this local time on its day
    reminder_quiet_hours: str = "21:00-08:00"  # nothing is sent then (late reminders wait for the end)
    reminder_poll_s: float = 30.0  # how often the scheduler looks for due reminders
    reminder_keep_days: int = 30  # a sent, dropped or cancelled reminder is deleted after this

    @staticmethod
    def _reminders_from_env(env: Mapping[str, str]) -> dict:
        from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

        from bot.reminders.timing import ReminderClock, parse_clock, parse_span

        zone = env.get("REMINDER_TIMEZONE", "Europe/Luxembourg").strip()
        try:
            ZoneInfo(zone)
        except (ZoneInfoNotFoundError, ValueError):
            raise SettingsError(f"REMINDER_TIMEZONE must be an IANA time zone such as Europe/Luxembourg, "
                                f"got {zone!r}") from None
        send = env.get("REMINDER_SEND_TIME", "09:00").strip()
        quiet = env.get("REMINDER_QUIET_HOURS", "21:00-08:00").strip()
        try:
            send_time = parse_clock(send)
        except ValueError:
            raise SettingsError(f"REMINDER_SEND_TIME must be a time HH:MM, got {send!r}") from None
        try:
            span = parse_span(quiet)
        except ValueError:
            raise SettingsError(f"REMINDER_QUIET_HOURS must be HH:MM-HH:MM, got {quiet!r}") from None
        day = dt.datetime.combine(dt.date(2027, 1, 4), send_time, tzinfo=ZoneInfo(zone))
        if ReminderClock(zone, send_time, span).is_quiet(day):
            raise SettingsError(f"REMINDER_SEND_TIME {send} falls in REMINDER_QUIET_HOURS {quiet}")
        poll = _seconds(env, "REMINDER_POLL_S", 30.0)
        if poll <= 0:
            raise SettingsError(f"REMINDER_POLL_S must be a number of seconds greater than 0, got {poll!r}")
        return dict(reminder_timezone=zone, reminder_send_time=send, reminder_quiet_hours=quiet, reminder_poll_s=poll,
                    reminder_keep_days=_positive_int(env, "REMINDER_KEEP_DAYS", 30))

    def reminder_clock(self):
        from bot.reminders.timing import ReminderClock, parse_clock, parse_span

        return ReminderClock(self.reminder_timezone, parse_clock(self.reminder_send_time),
                             parse_span(self.reminder_quiet_hours))

    @staticmethod
    def _hardening_from_env(env: Mapping[str, str]) -> dict:
        def number(name: str, default: float, whole: bool = False) -> float:
            raw = env.get(name, "").strip()
            if not raw:
                return default
            try:
                value = int(raw) if whole else float(raw)
            except ValueError:
                value = 0
            if value <= 0:
                kind = "a whole number" if whole else "a number"
                raise SettingsError(f"{name} must be {kind} greater than 0, got {raw!r}")
            return value

        return dict(
            button_ttl_days=number("BUTTON_TTL_DAYS", 30, whole=True),
            staff_relay_limit=number("STAFF_RELAY_LIMIT", 5, whole=True),
            staff_relay_window_s=number("STAFF_RELAY_WINDOW_S", 600.0),
            outbox_first_backoff_s=number("OUTBOX_FIRST_BACKOFF_S", 1.0),
            outbox_max_backoff_s=number("OUTBOX_MAX_BACKOFF_S", 300.0),
            outbox_give_up_s=number("OUTBOX_GIVE_UP_S", 172800.0),
            telegram_send_timeout_s=number("TELEGRAM_SEND_TIMEOUT_S", 30.0),
            lease_s=number("LEASE_S", 15.0),
            rasa_concurrency=number("RASA_CONCURRENCY", 8, whole=True),
        )
