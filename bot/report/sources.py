"""Where Rasa's events come from: its SQL event broker's table (embedded set-up), or a RabbitMQ
queue its Pika event broker publishes to (production). Both feed `Ingester`.

The SQL broker's rows are deleted once ingested: the raw events hold every message's text, and
the analytics tables keep what the report needs only.
"""
from __future__ import annotations

import asyncio
import json
import logging
from typing import Any, Dict, List, Optional

import sqlalchemy as sa

from bot.report.ingest import Ingester
from bot.storage.schema import analytics_cursors

log = logging.getLogger(__name__)

SQL_SOURCE = "rasa_sql_event_broker"
PURGE_EVERY_S = 3600.0
RASA_EXCHANGE = "rasa-exchange"  # the exchange Rasa's Pika broker publishes to (fanout)
BROKER_EVENTS = sa.table("events", sa.column("id", sa.Integer), sa.column("sender_id", sa.String),
                         sa.column("data", sa.Text))  # the table Rasa's SQLEventBroker writes


def _decode(raw: Any) -> Optional[Dict[str, Any]]:
    try:
        event = json.loads(raw)
    except (TypeError, ValueError):
        return None
    return event if isinstance(event, dict) else None


class SqlBrokerSource:
    """Reads Rasa's SQL event broker table in order, from where the last reading stopped."""

    def __init__(self, broker_url: str, ingester: Ingester, batch: int = 2000) -> None:
        options: Dict[str, Any] = {"future": True, "pool_pre_ping": True}
        if broker_url.startswith("sqlite"):
            options["connect_args"] = {"check_same_thread": False, "timeout": 30}
        self.engine = sa.create_engine(broker_url, **options)
        self.ingester = ingester
        self.batch = batch

    def close(self) -> None:
        self.engine.dispose()

    def _has_table(self) -> bool:
        return sa.inspect(self.engine).has_table("events")

    def ingest(self) -> int:
        """Ingests every event published so far; returns how many events were read."""
        if not self._has_table():
            return 0  # Rasa has not published anything yet
        total = 0
        while True:
            self._ensure_cursor()
            with self.ingester.database.transaction() as db:
                # A write first: it locks the cursor (row lock on PostgreSQL, write lock on SQLite), so
                # two processes ingesting at once take turns instead of reading the same events.
                db.execute(analytics_cursors.update().where(analytics_cursors.c.source == SQL_SOURCE)
                           .values(last_id=analytics_cursors.c.last_id))
                cursor = db.execute(sa.select(analytics_cursors.c.last_id)
                                    .where(analytics_cursors.c.source == SQL_SOURCE)).scalar_one()
                with self.engine.connect() as broker:
                    rows = broker.execute(sa.select(BROKER_EVENTS.c.id, BROKER_EVENTS.c.data)
                                          .where(BROKER_EVENTS.c.id > cursor).order_by(BROKER_EVENTS.c.id)
                                          .limit(self.batch)).all()
                if not rows:
                    return total
                events = [e for e in (_decode(r.data) for r in rows) if e is not None]
                self.ingester.apply(events, within=db)
                last = rows[-1].id
                db.execute(analytics_cursors.update().where(analytics_cursors.c.source == SQL_SOURCE)
                           .values(last_id=last))
            # Committed above: only now do the raw events go (a crash before this reads nothing twice).
            with self.engine.begin() as broker:
                broker.execute(BROKER_EVENTS.delete().where(BROKER_EVENTS.c.id <= last))
            total += len(rows)

    def _ensure_cursor(self) -> None:
        try:
            with self.ingester.database.transaction() as db:
                if db.execute(sa.select(analytics_cursors.c.source)
                              .where(analytics_cursors.c.source == SQL_SOURCE)).first() is None:
                    db.execute(analytics_cursors.insert().values(source=SQL_SOURCE, last_id=0))
        except sa.exc.IntegrityError:
            pass  # another process created it first

    def forget(self, sender_id: str) -> int:
        """Deletes a conversation's events not yet ingested (GDPR erasure)."""
        if not self._has_table():
            return 0
        with self.engine.begin() as broker:
            return broker.execute(BROKER_EVENTS.delete().where(BROKER_EVENTS.c.sender_id == sender_id)).rowcount


async def consume_rabbitmq(url: str, queue: str, ingester: Ingester, stop: asyncio.Event,
                           batch: int = 200, idle_s: float = 0.5) -> int:
    """Consumes the queue Rasa's Pika broker publishes to until `stop` is set; a message is
    acknowledged only once its event is committed. Returns how many events were read."""
    import aio_pika

    connection = await aio_pika.connect_robust(url)
    total = 0
    try:
        channel = await connection.channel()
        await channel.set_qos(prefetch_count=batch)
        # Declared as Rasa declares them, so whichever side starts first, both agree.
        exchange = await channel.declare_exchange(RASA_EXCHANGE, type=aio_pika.ExchangeType.FANOUT)
        source = await channel.declare_queue(queue, durable=True)
        await source.bind(exchange, "")
        purged_at = 0.0
        while not stop.is_set():
            loop = asyncio.get_running_loop()
            if loop.time() - purged_at > PURGE_EVERY_S:  # retention applies here too, not only in reports
                await loop.run_in_executor(None, ingester.purge_expired)
                purged_at = loop.time()
            messages: List[Any] = []
            while len(messages) < batch:
                message = await source.get(no_ack=False, fail=False)
                if message is None:
                    break
                messages.append(message)
            if not messages:
                try:
                    await asyncio.wait_for(stop.wait(), idle_s)
                except asyncio.TimeoutError:
                    pass
                continue
            events = [e for e in (_decode(m.body) for m in messages) if e is not None]
            await loop.run_in_executor(None, ingester.apply, events)
            for message in messages:
                await message.ack()
            total += len(messages)
    finally:
        await connection.close()
    return total
