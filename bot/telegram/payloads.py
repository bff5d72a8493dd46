"""Quick-reply payloads too long for Telegram's 64-byte callback data, kept under a short key."""
from __future__ import annotations

from typing import Optional

import sqlalchemy as sa

from bot.storage.database import Database
from bot.storage.schema import button_payloads


class ButtonPayloads:
    def __init__(self, database: Database) -> None:
        self.database = database

    def keep(self, key: str, payload: str) -> None:
        with self.database.transaction() as db:
            if db.execute(sa.select(button_payloads.c.key).where(button_payloads.c.key == key)).first() is None:
                db.execute(button_payloads.insert().values(key=key, payload=payload))

    def get(self, key: str) -> Optional[str]:
        with self.database.connect() as db:
            row = db.execute(sa.select(button_payloads.c.payload).where(button_payloads.c.key == key)).first()
        return row.payload if row else None
