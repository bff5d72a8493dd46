"""Nothing a student types or forges becomes an intent or a slot: typed text never reaches Rasa as a
payload, buttons are opaque keys bound to the student, and Rasa's empty reply to a paused or
restarted conversation is not taken for an outage. End to end against the real Rasa server."""
import asyncio
import logging

import httpx
import pytest
from rasa.shared.core.training_data.story_reader.yaml_story_reader import YAMLStoryReader
from rasa.shared.nlu.training_data.message import Message

from bot.pseudonym import rasa_sender
from bot.telegram.typed import as_typed_text, clean
from tests.fake_telegram import FakeTelegram
from tests.rasa_servers import Servers, isolated_settings
from tests.telegram_harness import (OTHER_STUDENT, STUDENT, RunningAdapter, adapter_settings, button, said,
                                    texts_to, until)

PAYLOAD = '/inform{"level":"master"}'
# Everything a person cannot see that may stand before the slash: spaces, a newline, a tab, the
# no-break space, the ideographic space, zero-width spaces and joiners, the BOM, a control character.
PREFIXES = [" ", "\n", "\t", "\xa0", "\u3000", "\u2009", "\u200b", "\u200d", "\u2060", "\ufeff", "\x1f", " / ", "//"]


# -- typed text, against Rasa's own payload parser ---------------------------------------------

@pytest.mark.parametrize("prefix", PREFIXES)
def test_a_slash_after_any_invisible_character_is_never_a_payload_for_rasas_parser(prefix):
    typed = as_typed_text(prefix + PAYLOAD)
    parsed = YAMLStoryReader.unpack_regex_message(Message(data={"text": typed}))
    assert parsed.get("intent") is None and not parsed.get("entities")
    assert not typed.strip().startswith("/")


def test_the_students_words_after_a_slash_are_kept():
    assert as_typed_text("/ je suis en master") == "je suis en master"
    assert as_typed_text("\xa0/restart") == "restart"
    assert as_typed_text("Bonjour / hello") == "Bonjour / hello"
    assert as_typed_text("  bonjour") == "  bonjour"


def test_nul_controls_and_lone_surrogates_are_taken_out_of_stored_text():
    assert clean("a\x00b\x07c\nd\te") == "abc\nd\te"
    assert clean("x\ud800y") == "x\ufffdy"


# -- end to end ---------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def servers(tmp_path_factory):
    running = Servers(isolated_settings(tmp_path_factory.mktemp("rasa"), rasa_port=5405, action_port=5455)).start()
    yield running
    running.stop()


def scenario(servers, tmp_path, body, **overrides):
    async def main():
        async with FakeTelegram() as fake:
            settings = adapter_settings(servers.settings, fake, f"sqlite:///{tmp_path / 'tickets.db'}", **overrides)
            async with RunningAdapter(settings, fake) as adapter:
                await body(fake, adapter)
    asyncio.run(asyncio.wait_for(main(), 240))


async def slots(servers, ref):
    async with httpx.AsyncClient(base_url=servers.settings.rasa_url) as client:
        response = await client.get(f"/conversations/{rasa_sender(ref)}/tracker",
                                    params={"token": servers.settings.rasa_auth_token})
    return response.json()["slots"]


async def payloads_rasa_parsed(servers, ref, talked=True):
    """The user messages Rasa read as payloads: their intent or entities came from its RegexMessageHandler
    (what `/intent{...}` text produces), not from the NLU pipeline."""
    async with httpx.AsyncClient(base_url=servers.settings.rasa_url) as client:
        response = await client.get(f"/conversations/{rasa_sender(ref)}/tracker",
                                    params={"include_events": "ALL", "token": servers.settings.rasa_auth_token})
    users = [e for e in response.json()["events"] if e["event"] == "user"]
    assert users or not talked, "Rasa got no message at all"
    return [e["text"] for e in users if len(e["parse_data"].get("intent_ranking") or []) == 1 or any(
        x.get("extractor") == "RegexMessageHandler" for x in e["parse_data"].get("entities") or [])]


async def answered(fake, adapter, user, count):
    """Waits until `count` messages went to `user` and nothing of theirs waits in the inbox."""
    await until(lambda: len(fake.sent(user)) >= count and adapter.stores.inbox.next_pending(adapter.ref(user)) is None,
                what=f"{count} answers to {user}")


def test_whitespace_and_nbsp_prefixed_payloads_set_no_fact(servers, tmp_path):
    async def body(fake, adapter):
        for prefix in (" ", "\n", "\xa0", "\u200b"):
            fake.push_message(STUDENT, prefix + PAYLOAD)
        await answered(fake, adapter, STUDENT, 4)
        assert await payloads_rasa_parsed(servers, adapter.ref(STUDENT)) == []
        assert not [t for t in texts_to(fake, STUDENT) if "indisponible" in t]
    scenario(servers, tmp_path, body)


def test_a_leading_space_restart_does_not_wedge_the_conversation(servers, tmp_path):
    async def body(fake, adapter):
        fake.push_message(STUDENT, " /restart")
        fake.push_message(STUDENT, "\xa0/session_start")
        fake.push_message(STUDENT, "est-ce que j'aurai une bourse pour aller à Trèves en Erasmus ?")
        await said(fake, STUDENT, "Trier (Allemagne)", timeout=60)
        assert not [t for t in texts_to(fake, STUDENT) if "indisponible" in t]
    scenario(servers, tmp_path, body)


def test_a_paused_conversations_empty_reply_is_answered_not_taken_for_an_outage(servers, tmp_path):
    async def body(fake, adapter):
        fake.push_message(STUDENT, "bonjour")
        await answered(fake, adapter, STUDENT, 1)
        async with httpx.AsyncClient(base_url=servers.settings.rasa_url) as client:  # a pause whose resume was lost
            await client.post(f"/conversations/{rasa_sender(adapter.ref(STUDENT))}/tracker/events",
                              json=[{"event": "pause"}])
        fake.push_message(STUDENT, "est-ce que j'aurai une bourse pour aller à Trèves en Erasmus ?")
        await said(fake, STUDENT, "Trier (Allemagne)", timeout=60)
        assert not [t for t in texts_to(fake, STUDENT) if "indisponible" in t]
    scenario(servers, tmp_path, body)


def test_a_forged_callback_never_reaches_rasa(servers, tmp_path):
    async def body(fake, adapter):
        fake.push_message(STUDENT, "Salut, est-ce que j'aurai une bourse pour mon semestre à l'étranger ?")
        question = await said(fake, STUDENT, "Quel type de mobilité")
        erasmus = button(question, "Erasmus")
        assert erasmus.startswith("b:") and "inform" not in erasmus
        forged = fake.push_callback(STUDENT, PAYLOAD, message_id=question["message_id"])
        refused = await fake.wait_for_call("answerCallbackQuery",
                                           lambda c: c.params.get("callback_query_id") == forged["id"])
        assert "plus disponible" in refused.params.get("text", "")
        # Another student pressing this student's key (they saw it somewhere, or guessed it) is refused too.
        fake.push_message(OTHER_STUDENT, "/start")
        hello = await said(fake, OTHER_STUDENT, "assistant mobilité")
        fake.push_callback(OTHER_STUDENT, erasmus, message_id=hello["message_id"])
        await said(fake, OTHER_STUDENT, "Ce choix n'est plus disponible")
        await asyncio.sleep(1.0)  # time for a forged payload to have reached Rasa
        assert await payloads_rasa_parsed(servers, adapter.ref(STUDENT)) == []
        assert await payloads_rasa_parsed(servers, adapter.ref(OTHER_STUDENT), talked=False) == []
        # The student's own key still works, once: its payload is the only one Rasa ever read.
        fake.push_callback(STUDENT, erasmus, message_id=question["message_id"])
        await said(fake, STUDENT, "Dans quelle ville")
        assert [p.split("{")[0] for p in await payloads_rasa_parsed(servers, adapter.ref(STUDENT))] == ["/inform"]
    scenario(servers, tmp_path, body)


def test_a_button_press_whose_keyboard_removal_fails_is_still_handled(servers, tmp_path):
    async def body(fake, adapter):
        fake.push_message(STUDENT, "Salut, est-ce que j'aurai une bourse pour mon semestre à l'étranger ?")
        question = await said(fake, STUDENT, "Quel type de mobilité")
        fake.fail_next("editMessageReplyMarkup", status=400, description="Bad Request: message can't be edited")
        fake.push_callback(STUDENT, button(question, "Erasmus"), message_id=question["message_id"])
        await said(fake, STUDENT, "Dans quelle ville")
    scenario(servers, tmp_path, body)


def test_a_callback_without_data_gets_a_clear_answer_and_no_traceback(servers, tmp_path, caplog):
    caplog.set_level(logging.ERROR)

    async def body(fake, adapter):
        fake.push_message(STUDENT, "/start")
        hello = await said(fake, STUDENT, "assistant mobilité")
        query = fake.push_callback(STUDENT, None, message_id=hello["message_id"])
        answer = await fake.wait_for_call("answerCallbackQuery",
                                          lambda c: c.params.get("callback_query_id") == query["id"])
        assert "plus disponible" in answer.params.get("text", "")
        fake.push_message(STUDENT, "/help")
        await said(fake, STUDENT, "Commandes")
    scenario(servers, tmp_path, body)
    assert "failed" not in caplog.text and "Traceback" not in caplog.text


def test_an_existing_database_loses_the_retired_unbound_payloads_and_gains_the_new_tables(desk_db_url):
    import sqlalchemy as sa

    from bot.storage.database import Database

    old = sa.create_engine(desk_db_url)
    with old.begin() as db:  # what the previous version created
        db.execute(sa.text("CREATE TABLE desk_button_payloads (key VARCHAR(40) PRIMARY KEY, payload TEXT NOT NULL)"))
        db.execute(sa.text("INSERT INTO desk_button_payloads VALUES ('k:abc', '/inform{\"level\":\"master\"}')"))
    old.dispose()
    database = Database(desk_db_url).migrate().migrate()  # twice: migrating a migrated database changes nothing
    tables = set(sa.inspect(database.engine).get_table_names())
    database.close()
    assert "desk_button_payloads" not in tables
    assert {"desk_buttons", "desk_outbox", "desk_seen_updates", "desk_outage_notices", "desk_staff_flow"} <= tables
