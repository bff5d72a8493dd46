"""The event path for real: the Rasa server publishes through its SQL event broker (SQLite and the
local PostgreSQL) and its Pika broker (the local RabbitMQ); the analytics are read from there and
the figures match what was said. Then `/report` and `/forget` through the fake Bot API server.

Under CI=true a missing PostgreSQL or RabbitMQ fails the run instead of skipping."""
import asyncio
import dataclasses
import datetime as dt
import os
import uuid

import pytest
import sqlalchemy as sa

from bot.desk.office_hours import OfficeHours
from bot.relay.rasa_client import RasaClient
from bot.relay.rasa_endpoints import event_broker_db_url
from bot.report.figures import compute
from bot.report.ingest import Ingester
from bot.report.sources import SqlBrokerSource, consume_rabbitmq
from bot.storage.database import Database
from bot.storage.schema import analytics_messages, analytics_sessions
from tests.desk_db import drop_postgres, postgres_url
from tests.fake_telegram import FakeTelegram
from tests.rasa_servers import Servers
from tests.telegram_harness import STAFF, STAFF_CHAT, STUDENT, RunningAdapter, adapter_settings, button, said, until

RABBITMQ_URL = os.environ.get("TEST_RABBITMQ_URL", "amqp://guest:guest@127.0.0.1:5672/")
HOURS = OfficeHours.parse("mon-fri 09:00-17:00", "Europe/Luxembourg")
# Payloads give exact intents; the German sentence is routed to out_of_scope by the language detector.
SCRIPT = ["/greet", "/ask_funding", "Ich muss nicht ins Ausland, danke", "/request_human"]


def rabbitmq_available() -> bool:
    import aio_pika

    async def probe() -> None:
        connection = await asyncio.wait_for(aio_pika.connect(RABBITMQ_URL), 10)
        await connection.close()

    try:
        asyncio.run(probe())
        return True
    except Exception as error:  # noqa: BLE001 - any failure means no broker here
        if os.environ.get("CI") == "true":
            pytest.fail(f"RabbitMQ is required under CI=true and is not reachable at {RABBITMQ_URL}: {error}")
        return False


def servers_with_broker(tmp_dir, broker_yaml: str, rasa_port: int, action_port: int) -> Servers:
    endpoints = tmp_dir / "endpoints.yml"
    endpoints.write_text(
        f'action_endpoint:\n  url: "http://127.0.0.1:{action_port}/webhook"\n'
        f'tracker_store:\n  type: SQL\n  dialect: "sqlite"\n  db: "{tmp_dir / "tracker.db"}"\n' + broker_yaml)
    from bot.runtime.settings import Settings

    settings = dataclasses.replace(Settings(), rasa_port=rasa_port, action_port=action_port,
                                   rasa_url=f"http://127.0.0.1:{rasa_port}", endpoints_file=str(endpoints))
    return Servers(settings).start()


@pytest.fixture(scope="module", params=["sqlite", "postgresql", "rabbitmq"])
def broker(request, tmp_path_factory):
    tmp = tmp_path_factory.mktemp(f"broker-{request.param}")
    cleanup = None
    if request.param == "sqlite":
        yaml = f'event_broker:\n  type: SQL\n  dialect: "sqlite"\n  db: "{tmp / "events.db"}"\n'
        ports = (5405, 5455)
    elif request.param == "postgresql":
        url = postgres_url()
        cleanup = lambda: drop_postgres(url)  # noqa: E731
        name = url.rsplit("/", 1)[1]
        yaml = (f'event_broker:\n  type: SQL\n  dialect: "postgresql"\n  url: "127.0.0.1"\n  port: 5432\n'
                f'  db: "{name}"\n  username: "postgres"\n')
        ports = (5505, 5555)
    else:
        if not rabbitmq_available():
            pytest.skip(f"no RabbitMQ at {RABBITMQ_URL}")
        queue = f"analytics_test_{uuid.uuid4().hex[:8]}"
        yaml = (f'event_broker:\n  type: pika\n  url: "127.0.0.1"\n  port: 5672\n  username: "guest"\n'
                f'  password: "guest"\n  queues:\n  - {queue}\n')
        ports = (5605, 5655)
    servers = servers_with_broker(tmp, yaml, *ports)
    servers.kind = request.param
    servers.queue = queue if request.param == "rabbitmq" else None
    yield servers
    servers.stop()
    if cleanup:
        cleanup()


def ingest(broker, database: Database, expected_messages: int) -> None:
    ingester = Ingester(database)
    if broker.kind == "rabbitmq":
        async def consume() -> None:
            stop = asyncio.Event()
            task = asyncio.create_task(consume_rabbitmq(RABBITMQ_URL, broker.queue, ingester, stop))

            def done() -> bool:
                with database.connect() as db:
                    return db.execute(sa.select(sa.func.count()).select_from(analytics_messages)).scalar() \
                        >= expected_messages
            await until(done, timeout=60, what="the events consumed from RabbitMQ")
            stop.set()
            await asyncio.wait_for(task, 30)
        asyncio.run(consume())
        return
    source = SqlBrokerSource(event_broker_db_url(broker.settings), ingester)
    try:
        assert source.ingest() > len(SCRIPT)
        assert source.ingest() == 0  # read once
        with source.engine.connect() as db:  # the raw events (with every text) are gone once read
            assert db.execute(sa.text("SELECT count(*) FROM events")).scalar() == 0
    finally:
        source.close()


def test_rasa_publishes_through_its_event_broker_and_the_figures_match_what_was_said(broker, tmp_path):
    client = RasaClient(broker.settings.rasa_url, 60)
    sender = f"rest-{uuid.uuid4().hex[:8]}"
    before = dt.datetime.utcnow() - dt.timedelta(minutes=1)
    try:
        for text in SCRIPT:
            client.send(sender, text)
    finally:
        client.close()
    database = Database(f"sqlite:///{tmp_path / 'analytics.db'}").migrate()
    ingest(broker, database, len(SCRIPT))
    figures = compute(database, before, dt.datetime.utcnow() + dt.timedelta(minutes=1), HOURS)
    total = figures.totals["all"]
    assert (total["conversations"], total["students"], total["messages"], total["questions"]) == (1, 1, 4, 1)
    assert (total["out_of_scope"], total["not_understood"]) == (1, 0)
    assert figures.questions == {"ask_funding": {"all": 1, "fr": 1}}
    assert figures.not_understood == [{"text": "Ich muss nicht ins Ausland, danke", "language": "de",
                                       "kind": "out_of_scope", "count": 1}]
    with database.connect() as db:
        assert db.execute(sa.select(analytics_sessions.c.ref, analytics_sessions.c.channel)).all() == [(sender, "rest")]
    database.close()


def test_staff_get_the_report_in_telegram_and_a_forgotten_student_leaves_the_analytics(broker, tmp_path):
    if broker.kind != "sqlite":
        pytest.skip("the Telegram round trip runs once, on the embedded set-up")

    async def main():
        async with FakeTelegram() as fake:
            settings = adapter_settings(broker.settings, fake, f"sqlite:///{tmp_path / 'tickets.db'}",
                                        analytics_ingest_s=0.5)
            async with RunningAdapter(settings, fake) as adapter:
                fake.push_message(STUDENT, "Aurai-je une bourse Erasmus+ pour Lisbonne ?")
                await said(fake, STUDENT, "?")  # the assistant asks what it needs
                fake.push_message(STUDENT, "/human")
                await said(fake, STAFF_CHAT, "Demande #1")
                fake.push_message(STUDENT, "/report")
                await said(fake, STUDENT, "Réservé au personnel")
                fake.push_message(STAFF, "/report 1", chat_id=STAFF_CHAT, chat_type="supergroup")
                summary = await said(fake, STAFF_CHAT, "Assistant mobilité — rapport du bureau")
                assert "Conversations : 1 · étudiants : 1 · questions : 1" in summary["text"]
                assert "Passages au bureau : 1 · ouvertes maintenant : 1" in summary["text"]
                photo = await until(lambda: [u for u in fake.uploads if u["chat_id"] == STAFF_CHAT], what="chart")
                assert photo[0]["method"] == "sendPhoto" and photo[0]["content"].startswith(b"\x89PNG")
                assert adapter.ref(STUDENT) not in summary["text"] and str(STUDENT) not in summary["text"]
                # The student erases everything: their analytics rows go too.
                fake.push_message(STUDENT, "/forget")
                confirm = await said(fake, STUDENT, "Effacer votre conversation")
                fake.push_callback(STUDENT, button(confirm, "Oui"), message_id=confirm["message_id"])
                await said(fake, STUDENT, "C'est fait : j'ai effacé")
                database = adapter.stores.database
                ref = adapter.ref(STUDENT)
                with database.connect() as db:
                    for table in ("analytics_messages", "analytics_sessions", "analytics_tickets",
                                  "analytics_answers", "analytics_state"):
                        assert db.execute(sa.text(f"SELECT count(*) FROM {table} WHERE ref = :r"),
                                          {"r": ref}).scalar() == 0, table
                broker_db = sa.create_engine(event_broker_db_url(broker.settings))
                with broker_db.connect() as db:
                    assert db.execute(sa.text("SELECT count(*) FROM events WHERE sender_id = :s"),
                                      {"s": f"tg-{ref}"}).scalar() == 0
                broker_db.dispose()
    asyncio.run(asyncio.wait_for(main(), 240))
