"""Delivery: a reply leaves the outbox only once Telegram accepted it, restarts included; a slow
Telegram is not answered twice; a replayed update is handled once; one outage notice per outage;
control characters never make PostgreSQL refuse a message; the staff chat cannot be flooded; no raw
update body reaches the logs.

Rasa is a local HTTP server speaking its REST channel protocol (it echoes each message), so that
outages can be switched on and off; Telegram is the fake Bot API server; the adapter is the real
PTB Application."""
import asyncio
import json
import logging

import httpx
import pytest
import sqlalchemy as sa

from bot.runtime.settings import Settings
from tests.desk_db import drop_postgres, postgres_url
from tests.fake_rasa import EchoRasa, free_port
from tests.fake_telegram import FakeTelegram
from tests.telegram_harness import STAFF, STAFF_CHAT, STUDENT, RunningAdapter, adapter_settings, said, texts_to, until


def settings_for(tmp_path, fake, rasa, tickets_url=None, **overrides):
    values = dict(rasa_url=rasa.url, rasa_retry_s=0.2, analytics_ingest_s=0, outbox_first_backoff_s=0.05, outbox_max_backoff_s=0.2)
    return adapter_settings(Settings(project_dir=tmp_path), fake, tickets_url or f"sqlite:///{tmp_path}/t.db",
                            **{**values, **overrides})


def run(body, timeout=90):
    asyncio.run(asyncio.wait_for(body(), timeout))


def copies(fake, chat_id, needle):
    return len([t for t in texts_to(fake, chat_id) if needle in t])


# -- the outbox -----------------------------------------------------------------------------------

def test_a_reply_that_fails_ten_times_with_502_then_recovers_arrives_exactly_once(tmp_path):
    async def main():
        rasa = await EchoRasa().start()
        try:
            async with FakeTelegram() as fake:
                async with RunningAdapter(settings_for(tmp_path, fake, rasa), fake):
                    fake.fail_next("sendMessage", status=502, description="Bad Gateway", times=10)
                    fake.push_message(STUDENT, "bonjour")
                    await said(fake, STUDENT, "réponse à « bonjour »")
                    await asyncio.sleep(0.5)
                    assert copies(fake, STUDENT, "réponse à « bonjour »") == 1
                    assert [c.status for c in fake.calls if c.method == "sendMessage"] == [502] * 10 + [200]
        finally:
            await rasa.stop()
    run(main)


def test_a_reply_telegram_keeps_refusing_survives_an_adapter_restart_and_arrives_once(tmp_path):
    async def main():
        rasa = await EchoRasa().start()
        try:
            async with FakeTelegram() as fake:
                settings = settings_for(tmp_path, fake, rasa)
                async with RunningAdapter(settings, fake):
                    fake.fail_next("sendMessage", status=502, description="Bad Gateway", times=1000)
                    fake.push_message(STUDENT, "bonjour")
                    await until(lambda: len([c for c in fake.calls if c.method == "sendMessage"]) >= 3,
                                what="a few refused tries")
                assert rasa.received == ["bonjour"]
                fake._faults.clear()  # Telegram recovers while the adapter is down
                async with RunningAdapter(settings, fake):
                    await said(fake, STUDENT, "réponse à « bonjour »")
                    await asyncio.sleep(0.5)
                assert copies(fake, STUDENT, "réponse à « bonjour »") == 1
                assert rasa.received == ["bonjour"]  # answered from the outbox, not asked again
        finally:
            await rasa.stop()
    run(main)


def test_a_sendmessage_answered_late_by_telegram_is_not_sent_twice(tmp_path):
    async def main():
        rasa = await EchoRasa().start()
        try:
            async with FakeTelegram() as fake:
                async with RunningAdapter(settings_for(tmp_path, fake, rasa), fake):
                    # Telegram delivers at once but answers after 7 s, past PTB's default 5 s read time-out.
                    fake.delay_next("sendMessage", 7.0)
                    fake.push_message(STUDENT, "bonjour")
                    await said(fake, STUDENT, "réponse à « bonjour »")
                    await asyncio.sleep(8.0)
                    assert copies(fake, STUDENT, "réponse à « bonjour »") == 1
        finally:
            await rasa.stop()
    run(main)


def test_a_sendmessage_with_no_answer_past_the_send_timeout_is_tried_again_rather_than_lost(tmp_path):
    async def main():
        rasa = await EchoRasa().start()
        try:
            async with FakeTelegram() as fake:
                async with RunningAdapter(settings_for(tmp_path, fake, rasa, telegram_send_timeout_s=1.0), fake):
                    fake.delay_next("sendMessage", 3.0)  # delivered, but no answer within the time-out
                    fake.push_message(STUDENT, "bonjour")
                    await until(lambda: len([c for c in fake.calls if c.method == "sendMessage"]) == 2,
                                what="a second try")
                    await asyncio.sleep(0.5)
                    # The documented lean: at least once. The student may see this reply twice, never zero times.
                    assert copies(fake, STUDENT, "réponse à « bonjour »") == 2
        finally:
            await rasa.stop()
    run(main)


# -- the desk's own messages go through the outbox too ------------------------------------------------

def test_the_desk_posts_and_a_staff_answer_telegram_keeps_refusing_arrive_once_after_a_restart(tmp_path):
    async def main():
        rasa = await EchoRasa().start()
        try:
            async with FakeTelegram() as fake:
                settings = settings_for(tmp_path, fake, rasa)
                async with RunningAdapter(settings, fake) as adapter:
                    ref = adapter.ref(STUDENT)
                    fake.push_message(STUDENT, "bonjour")
                    await said(fake, STUDENT, "réponse à « bonjour »")
                    ticket = adapter.stores.tickets.open_ticket(ref, "fr", "request_human", {"language": "fr"})
                    await adapter.stores.desk.post(ticket)
                    fake.fail_next("sendMessage", status=502, description="Bad Gateway", times=3)
                    post = await said(fake, STAFF_CHAT, f"#{ticket.id}")  # the ticket, after three 502s
                    fake.push_message(STUDENT, "une question pour le bureau")
                    relayed = await said(fake, STAFF_CHAT, "une question pour le bureau")
                    assert relayed["reply_to_message"]["message_id"] == post["message_id"]  # in the ticket's thread
                    fake.fail_next("sendMessage", status=502, description="Bad Gateway", times=1000)
                    fake.push_message(STAFF, "Voici la réponse du bureau.", chat_id=STAFF_CHAT, chat_type="supergroup",
                                      reply_to_message_id=relayed["message_id"])
                    await until(lambda: len([c for c in fake.calls if c.method == "sendMessage" and c.status == 502])
                                >= 6, what="the answer refused a few times")
                fake._faults.clear()  # Telegram recovers while the adapter is down
                async with RunningAdapter(settings, fake):
                    await said(fake, STUDENT, "Voici la réponse du bureau.")
                    await said(fake, STAFF_CHAT, "Envoyé à l'étudiant")
                    await asyncio.sleep(0.5)
                assert copies(fake, STUDENT, "Voici la réponse du bureau.") == 1
                assert copies(fake, STAFF_CHAT, "Envoyé à l'étudiant") == 1
        finally:
            await rasa.stop()
    run(main)


def test_a_ticket_post_the_staff_chat_refuses_for_good_is_tried_again_until_the_office_fixes_it(tmp_path):
    async def main():
        rasa = await EchoRasa().start()
        try:
            async with FakeTelegram() as fake:
                async with RunningAdapter(settings_for(tmp_path, fake, rasa), fake) as adapter:
                    ticket = adapter.stores.tickets.open_ticket(adapter.ref(STUDENT), "fr", "request_human",
                                                                {"language": "fr"})
                    fake.fail_next("sendMessage", status=403, times=2,
                                   description="Forbidden: bot is not a member of the supergroup chat")
                    await adapter.stores.desk.post(ticket)
                    await said(fake, STAFF_CHAT, f"#{ticket.id}")
                    assert [c.status for c in fake.calls if c.method == "sendMessage"][:3] == [403, 403, 200]
        finally:
            await rasa.stop()
    run(main)


# -- updates and outages ----------------------------------------------------------------------------

def test_a_replayed_webhook_update_id_is_answered_once(tmp_path):
    async def main():
        rasa = await EchoRasa().start()
        port = free_port()
        try:
            async with FakeTelegram() as fake:
                settings = settings_for(tmp_path, fake, rasa, webhook_url=f"http://127.0.0.1:{port}/tg-hook",
                                        webhook_secret="hook-secret", webhook_port=port)
                async with RunningAdapter(settings, fake):
                    fake.push_message(STUDENT, "bonjour")
                    await said(fake, STUDENT, "réponse à « bonjour »")
                    replay = {"update_id": fake.webhook_deliveries[-1][0], "message": {
                        "message_id": 1, "date": 0, "text": "bonjour", "chat": {"id": STUDENT, "type": "private"},
                        "from": {"id": STUDENT, "is_bot": False, "first_name": "Ana"}}}
                    async with httpx.AsyncClient() as client:
                        for _ in range(2):  # Telegram re-sends an update it thinks was not received
                            answer = await client.post(fake.webhook_url, json=replay,
                                                       headers={"X-Telegram-Bot-Api-Secret-Token": "hook-secret"})
                            assert answer.status_code == 200
                    await asyncio.sleep(1.0)
                    assert copies(fake, STUDENT, "réponse à « bonjour »") == 1 and rasa.received == ["bonjour"]
        finally:
            await rasa.stop()
    run(main)


def test_an_update_whose_message_never_reached_the_inbox_is_handled_when_telegram_sends_it_again(tmp_path):
    """The crash window of the fault run: the update id recorded, the message not stored. Here the
    inbox write fails on the real SQLite database (a trigger refuses it, as a full disk would), then
    Telegram replays the update: it must be answered, once."""
    async def main():
        rasa = await EchoRasa().start()
        port = free_port()
        try:
            async with FakeTelegram() as fake:
                settings = settings_for(tmp_path, fake, rasa, webhook_url=f"http://127.0.0.1:{port}/tg-hook",
                                        webhook_secret="hook-secret", webhook_port=port)
                async with RunningAdapter(settings, fake) as adapter:
                    database = adapter.stores.database
                    with database.transaction() as db:
                        db.execute(sa.text("CREATE TRIGGER refuse BEFORE INSERT ON desk_inbox "
                                           "BEGIN SELECT RAISE(ABORT, 'disk full'); END"))
                    fake.push_message(STUDENT, "bonjour")
                    await until(lambda: fake.webhook_deliveries, what="the update delivered")
                    await asyncio.sleep(0.5)
                    assert rasa.received == [] and copies(fake, STUDENT, "réponse à") == 0
                    assert fake.webhook_deliveries[-1][1] == 503  # not stored: no 200, so Telegram sends it again
                    with database.transaction() as db:
                        db.execute(sa.text("DROP TRIGGER refuse"))
                    replay = {"update_id": fake.webhook_deliveries[-1][0], "message": {
                        "message_id": 1, "date": 0, "text": "bonjour", "chat": {"id": STUDENT, "type": "private"},
                        "from": {"id": STUDENT, "is_bot": False, "first_name": "Ana"}}}
                    async with httpx.AsyncClient() as client:
                        for _ in range(2):  # the replay, and a second one after it was stored
                            answer = await client.post(fake.webhook_url, json=replay,
                                                       headers={"X-Telegram-Bot-Api-Secret-Token": "hook-secret"})
                            assert answer.status_code == 200
                    await said(fake, STUDENT, "réponse à « bonjour »")
                    await asyncio.sleep(1.0)
                    assert copies(fake, STUDENT, "réponse à « bonjour »") == 1 and rasa.received == ["bonjour"]
        finally:
            await rasa.stop()
    run(main)


def test_one_outage_notice_per_student_per_outage_however_many_messages_wait(tmp_path):
    async def main():
        rasa = EchoRasa()  # not started: Rasa is down
        async with FakeTelegram() as fake:
            async with RunningAdapter(settings_for(tmp_path, fake, rasa), fake):
                fake.push_message(STUDENT, "premier")
                await said(fake, STUDENT, "momentanément indisponible")
                for text in ("deuxième", "troisième"):
                    await asyncio.sleep(0.5)  # a few retry rounds between messages
                    fake.push_message(STUDENT, text)
                await asyncio.sleep(1.0)
                assert copies(fake, STUDENT, "indisponible") == 1
                await rasa.start()
                await said(fake, STUDENT, "réponse à « troisième »")
                assert rasa.received == ["premier", "deuxième", "troisième"]
                await rasa.stop()  # a second outage is a new one: one more notice
                fake.push_message(STUDENT, "quatrième")
                await until(lambda: copies(fake, STUDENT, "indisponible") == 2, what="a second notice")
                await rasa.start()
                await said(fake, STUDENT, "réponse à « quatrième »")
        await rasa.stop()
    run(main)


# -- PostgreSQL and control characters --------------------------------------------------------------

@pytest.fixture
def postgres():
    url = postgres_url()
    yield url
    drop_postgres(url)


def test_nul_and_control_characters_never_make_the_postgresql_store_raise(tmp_path, postgres, caplog):
    caplog.set_level(logging.ERROR)

    async def main():
        rasa = await EchoRasa().start()
        try:
            async with FakeTelegram() as fake:
                async with RunningAdapter(settings_for(tmp_path, fake, rasa, tickets_url=postgres), fake) as adapter:
                    fake.push_message(STUDENT, "bon\x00jour\x07 \ud800")
                    await said(fake, STUDENT, "réponse à « bonjour \ufffd »")
                    ref = adapter.ref(STUDENT)
                    adapter.stores.tickets.open_ticket(ref, "fr", "request_human", {"language": "fr"})
                    fake.push_message(STUDENT, "pour le\x00 bureau")
                    await said(fake, STAFF_CHAT, "pour le bureau")
        finally:
            await rasa.stop()
    run(main)
    assert "failed" not in caplog.text and "Traceback" not in caplog.text


# -- the staff chat and the logs --------------------------------------------------------------------

def test_a_student_with_an_open_ticket_cannot_flood_the_staff_chat(tmp_path):
    async def main():
        rasa = await EchoRasa().start()
        try:
            async with FakeTelegram() as fake:
                settings = settings_for(tmp_path, fake, rasa, staff_relay_limit=3, staff_relay_window_s=2.0)
                async with RunningAdapter(settings, fake) as adapter:
                    fake.push_message(STUDENT, "/start")
                    await said(fake, STUDENT, "assistant mobilité")
                    ticket = adapter.stores.tickets.open_ticket(adapter.ref(STUDENT), "fr", "request_human",
                                                                {"language": "fr"})
                    await said(fake, STAFF_CHAT, "Demande #1")
                    for n in range(1, 11):
                        fake.push_message(STUDENT, f"message numéro {n}")
                    await said(fake, STUDENT, "ne pas submerger le bureau")
                    summary = await said(fake, STAFF_CHAT, "7 autre(s) message(s)", timeout=10)
                    assert "message numéro 4" in summary["text"] and "message numéro 10" in summary["text"]
                    relayed = [t for t in texts_to(fake, STAFF_CHAT) if "l'étudiant écrit" in t]
                    assert [t.rsplit(" ", 1)[-1] for t in relayed] == ["1", "2", "3"]
                    assert copies(fake, STUDENT, "ne pas submerger") == 1
                    kept = adapter.stores.tickets.ticket_messages(ticket.id)
                    assert len([m for m in kept if "message numéro" in m["text"]]) == 10  # nothing is lost
                    await asyncio.sleep(2.5)  # a new window: the student's next messages are posted again
                    fake.push_message(STUDENT, "encore une question")
                    await said(fake, STAFF_CHAT, "encore une question")
        finally:
            await rasa.stop()
    run(main)


def test_an_update_ptb_cannot_read_leaves_no_body_in_the_logs(tmp_path, caplog):
    caplog.set_level(logging.DEBUG)
    user = 987654321

    async def main():
        rasa = await EchoRasa().start()
        port = free_port()
        try:
            async with FakeTelegram() as fake:
                settings = settings_for(tmp_path, fake, rasa, webhook_url=f"http://127.0.0.1:{port}/tg-hook",
                                        webhook_secret="hook-secret", webhook_port=port)
                async with RunningAdapter(settings, fake):
                    broken = {"update_id": 5, "message": {
                        "message_id": 1, "date": 0, "text": "mes mots secrets", "entities": [{"type": "bold"}],
                        "chat": {"id": user, "type": "private"},
                        "from": {"id": user, "is_bot": False, "first_name": "Ana"}}}
                    async with httpx.AsyncClient() as client:
                        answer = await client.post(fake.webhook_url, json=broken,
                                                   headers={"X-Telegram-Bot-Api-Secret-Token": "hook-secret"})
                    assert answer.status_code == 400
        finally:
            await rasa.stop()
    run(main)
    assert "mes mots secrets" not in caplog.text and str(user) not in caplog.text
    assert "could not be read" in caplog.text  # PTB's word that it dropped an update is kept


def test_a_database_error_does_not_quote_a_students_text(tmp_path):
    import datetime as dt

    import sqlalchemy as sa

    from bot.relay.inbox import Inbox
    from bot.storage.database import Database
    from bot.storage.schema import inbox

    database = Database(f"sqlite:///{tmp_path}/t.db").migrate()
    message = Inbox(database).keep("s-1", "mon secret médical")
    with pytest.raises(sa.exc.IntegrityError) as error:  # the same id twice: the database refuses the row
        with database.transaction() as db:
            db.execute(inbox.insert().values(id=message, ref="s-1", text="mon secret médical", meta="{}",
                                             received_at=dt.datetime(2026, 1, 1), told_unavailable=False,
                                             rejections=0))
    database.close()
    assert "mon secret" not in str(error.value)
