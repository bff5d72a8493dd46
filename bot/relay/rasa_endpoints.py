"""What the adapter reads of Rasa's endpoints file: where the action server answers its health
check, where the tracker store keeps conversations, to erase one (GDPR `/forget`), and where the
SQL event broker writes Rasa's events, for the office's report.

Rasa 3.6's HTTP API can replace a tracker's events but its SQL store only ever appends, so
the stored events are deleted where Rasa keeps them: the `events` table of the database
the endpoints file names.
"""
from __future__ import annotations

import os
import re
from pathlib import Path
from typing import Any, Dict, Mapping, Optional
from urllib.parse import urlparse

import sqlalchemy as sa
import yaml

from bot.runtime.settings import Settings

_ENV = re.compile(r"\$\{([^}]+)\}")


class TrackerStoreNotErasable(RuntimeError):
    """The configured tracker store is not an SQL store this module knows how to erase from."""


def read_endpoints(settings: Settings, env: Mapping[str, str] = os.environ) -> Dict[str, Any]:
    """The endpoints file with its ${VARIABLES} filled in from the environment, as Rasa reads it."""
    path = Path(settings.endpoints_file)
    if not path.is_absolute():
        path = settings.project_dir / path
    env = {**env, "VAR_DIR": str(settings.var_dir)}  # as the supervisor hands it to Rasa
    raw = _ENV.sub(lambda m: env.get(m.group(1), ""), path.read_text(encoding="utf-8"))
    return yaml.safe_load(raw) or {}


def action_health_url(settings: Settings, env: Mapping[str, str] = os.environ) -> Optional[str]:
    """The action server's health check (rasa-sdk answers GET /health), or None without an action server."""
    url = ((read_endpoints(settings, env).get("action_endpoint") or {}).get("url") or "").strip()
    if not url:
        return None
    parsed = urlparse(url)
    return f"{parsed.scheme}://{parsed.netloc}/health"


# Rasa's SQL store with a cache in front (the same table and rows): erased the same way.
CACHED_SQL_STORE = "rasa_extensions.tracker_cache.CachedSQLTrackerStore"


def tracker_db_url(settings: Settings, env: Mapping[str, str] = os.environ) -> str:
    """The SQLAlchemy URL of Rasa's tracker store."""
    store = read_endpoints(settings, env).get("tracker_store") or {}
    if str(store.get("type", "")).upper() != "SQL" and store.get("type") != CACHED_SQL_STORE:
        raise TrackerStoreNotErasable(f"tracker store type {store.get('type')!r} in {settings.endpoints_file} "
                                      "is not SQL")
    return _sql_url(store, settings, "rasa.db")


def event_broker_db_url(settings: Settings, env: Mapping[str, str] = os.environ) -> Optional[str]:
    """The SQLAlchemy URL of Rasa's SQL event broker, or None when events go elsewhere (Pika) or nowhere."""
    broker = read_endpoints(settings, env).get("event_broker") or {}
    if str(broker.get("type", "")).upper() != "SQL":
        return None
    return _sql_url(broker, settings, "events.db")


def _sql_url(section: Dict[str, Any], settings: Settings, default_db: str) -> str:
    """The URL Rasa builds from an SQL section of endpoints.yml (dialect, url, port, db, username, password)."""
    dialect = section.get("dialect", "sqlite")
    if dialect == "sqlite":
        db = Path(str(section.get("db", default_db)))
        return f"sqlite:///{db if db.is_absolute() else settings.project_dir / db}"
    url = sa.engine.URL.create(dialect, username=section.get("username") or None,
                               password=str(section["password"]) if section.get("password") else None,
                               host=section.get("url") or None,
                               port=int(section["port"]) if section.get("port") else None,
                               database=section.get("db") or None)
    return str(url.render_as_string(hide_password=False)) if hasattr(url, "render_as_string") else str(url)


def erase_conversation(url: str, sender_id: str, engine: Optional[sa.engine.Engine] = None) -> int:
    """Deletes every stored event of one conversation; returns how many rows went."""
    engine = engine or sa.create_engine(url)
    try:
        if not sa.inspect(engine).has_table("events"):
            return 0  # Rasa has not stored any conversation yet
        events = sa.Table("events", sa.MetaData(), autoload_with=engine)
        with engine.begin() as db:
            return db.execute(events.delete().where(events.c.sender_id == sender_id)).rowcount
    finally:
        engine.dispose()
