"""The Telegram adapter end to end: fake Telegram (a local Bot API server) -> the real PTB
Application -> the real Rasa server -> the action server -> the rules core -> fake Telegram."""
import asyncio

import pytest
import sqlalchemy as sa

from bot.pseudonym import rasa_sender
from tests.fake_telegram import FakeTelegram
from tests.rasa_servers import Servers, isolated_settings
from tests.telegram_harness import (CLOSED, COLLEAGUE, OUTSIDER, OTHER_STUDENT, STAFF, STAFF_CHAT, STUDENT,
                                    RunningAdapter, adapter_settings, button, said, texts_to, until)


@pytest.fixture(scope="module")
def servers(tmp_path_factory):
    running = Servers(isolated_settings(tmp_path_factory.mktemp("rasa"), rasa_port=5305, action_port=5355)).start()
    yield running
    running.stop()


@pytest.fixture
def tickets_url(tmp_path):
    return f"sqlite:///{tmp_path / 'tickets.db'}"


def scenario(servers, tickets_url, body, clock=None, **overrides):
    """Runs `body(fake, adapter)` with a fresh fake Telegram and a running adapter."""
    async def main():
        async with FakeTelegram() as fake:
            settings = adapter_settings(servers.settings, fake, tickets_url, **overrides)
            kwargs = {"clock": clock} if clock else {}
            async with RunningAdapter(settings, fake, **kwargs) as adapter:
                await body(fake, adapter)
    asyncio.run(asyncio.wait_for(main(), 240))


def ticket_post(fake):
    return next(m for m in fake.sent(STAFF_CHAT) if m.get("reply_markup"))


# -- students ---------------------------------------------------------------------------------

def test_a_french_student_is_welcomed_then_answered_with_the_article_through_quick_replies(servers, tickets_url):
    async def body(fake, adapter):
        fake.push_message(STUDENT, "/start")
        await said(fake, STUDENT, "assistant mobilité de l'Université du Luxembourg")
        fake.push_message(STUDENT, "Salut, est-ce que j'aurai une bourse pour mon semestre à l'étranger ?")
        question = await said(fake, STUDENT, "Quel type de mobilité")
        fake.push_callback(STUDENT, button(question, "Erasmus"), message_id=question["message_id"])
        await said(fake, STUDENT, "Dans quelle ville")
        assert fake.message(STUDENT, question["message_id"]).get("reply_markup") is None  # a choice is made once
        fake.push_message(STUDENT, "Trèves")
        answer = await said(fake, STUDENT, "Trier (Allemagne)")
        assert answer["text"].startswith("Non.")
        assert "(art. 5(4), circulaire mobilité du 11 février 2021)" in answer["text"]
        assert not [c for c in fake.calls if c.method == "answerCallbackQuery" and c.status != 200]
    scenario(servers, tickets_url, body)


def test_an_english_student_gets_an_english_cited_answer(servers, tickets_url):
    async def body(fake, adapter):
        fake.push_message(OTHER_STUDENT, "I'm a master student, will I get a grant for a Global Exchange in Montreal?",
                          language_code="en")
        answer = await said(fake, OTHER_STUDENT, "Master students are not eligible")
        assert answer["text"].startswith("No.")
        assert "(Art. 5(1) and Master — Financement de la mobilité, mobility circular of 11 February 2021)" in answer["text"]
    scenario(servers, tickets_url, body)


def test_the_why_quick_reply_explains_the_answer_and_staff_see_the_same_explanation(servers, tickets_url):
    async def body(fake, adapter):
        fake.push_message(STUDENT, "je suis en bachelor et je pars en Erasmus à Trèves, j'aurai une bourse ?")
        answer = await said(fake, STUDENT, "Trier (Allemagne)")
        fake.push_callback(STUDENT, button(answer, "Pourquoi"), message_id=answer["message_id"])
        why = await said(fake, STUDENT, "Voici comment je suis arrivé à cette réponse.")
        assert "- Ville d'accueil : Trier" in why["text"]
        assert "Liège (Belgique, 128,5 km) par exemple" in why["text"]
        fake.push_message(STUDENT, "/human")
        details = await said(fake, STAFF_CHAT, "Comment l'assistant y est arrivé :")
        explained = details["text"].split("Comment l'assistant y est arrivé :", 1)[1]
        assert explained.lstrip().startswith("Voici comment je suis arrivé à cette réponse.")
        assert "Ce qui changerait la réponse" in explained
    scenario(servers, tickets_url, body)


# -- the staff desk -----------------------------------------------------------------------------

def test_a_handoff_reaches_staff_with_the_case_and_the_conversation_goes_both_ways_until_closed(servers, tickets_url):
    async def body(fake, adapter):
        fake.push_message(STUDENT, "je suis en master, est-ce que je dois partir à l'étranger ?")
        await said(fake, STUDENT, "Master — Possibilité de mobilité")
        fake.push_message(STUDENT, "/human")
        await said(fake, STUDENT, "C'est transmis au bureau de la mobilité")
        post = await said(fake, STAFF_CHAT, "Demande #1")
        assert "Niveau" in post["text"] and "Master" in post["text"]  # the facts gathered so far
        assert [b["text"] for b in post["reply_markup"]["inline_keyboard"][0]] == ["Prendre", "Clore"]
        details = await said(fake, STAFF_CHAT, "Conversation :")
        assert "je suis en master, est-ce que je dois partir à l'étranger ?" in details["text"]

        # While the ticket is open the student's messages go to staff, not to the assistant.
        fake.push_message(STUDENT, "Je voudrais partir au Japon, est-ce possible ?")
        relayed = await said(fake, STAFF_CHAT, "Je voudrais partir au Japon")
        assert relayed["text"].startswith("#1 — l'étudiant écrit :")

        # A staff member answers by replying to the ticket's post.
        fake.push_message(STAFF, "Oui, passez nous voir mardi.", chat_id=STAFF_CHAT, chat_type="supergroup",
                          reply_to_message_id=post["message_id"], first_name="Marie")
        answer = await said(fake, STUDENT, "Oui, passez nous voir mardi.")
        assert answer["text"].startswith("Bureau de la mobilité :")
        await said(fake, STAFF_CHAT, "Envoyé à l'étudiant (#1)")
        assert "Prise en charge par Marie" in fake.message(STAFF_CHAT, post["message_id"])["text"]

        # Or with /reply, from their own chat with the bot.
        fake.push_message(COLLEAGUE, "/reply 1 Et apportez votre learning agreement.", first_name="Paul")
        await said(fake, STUDENT, "Et apportez votre learning agreement.")

        fake.push_callback(STAFF, "close:1", message_id=post["message_id"], chat_id=STAFF_CHAT,
                           chat_type="supergroup", first_name="Marie")
        await said(fake, STUDENT, "Le bureau de la mobilité a clos votre demande")
        assert fake.message(STAFF_CHAT, post["message_id"]).get("reply_markup") is None

        # The assistant answers again.
        since = len(fake.sent(STUDENT))
        fake.push_message(STUDENT, "est-ce que j'aurai une bourse pour aller à Trèves en Erasmus ?")
        await said(fake, STUDENT, "Trier (Allemagne)", since=since)
        assert not [t for t in texts_to(fake, STAFF_CHAT) if "Trèves" in t]
    scenario(servers, tickets_url, body)


def test_only_configured_staff_can_take_close_or_answer_a_ticket(servers, tickets_url):
    async def body(fake, adapter):
        fake.push_message(STUDENT, "/human")
        post = await said(fake, STAFF_CHAT, "Demande #1")
        staff_chat = dict(chat_id=STAFF_CHAT, chat_type="supergroup")
        query = fake.push_callback(OUTSIDER, "close:1", message_id=post["message_id"], **staff_chat)
        answered = await fake.wait_for_call("answerCallbackQuery",
                                            lambda c: c.params.get("callback_query_id") == query["id"])
        assert answered.params.get("text") == "Réservé au personnel du bureau de la mobilité."
        fake.push_message(OUTSIDER, "Je ferme ça", reply_to_message_id=post["message_id"], **staff_chat)
        fake.push_message(OUTSIDER, "/reply 1 bonjour", **staff_chat)
        await until(lambda: len([t for t in texts_to(fake, STAFF_CHAT) if "Réservé au personnel" in t]) == 2,
                    what="two refusals")
        # A student cannot act on a ticket either, not even with a forged button.
        fake.push_message(OTHER_STUDENT, "/reply 1 je suis le bureau")
        hello = await said(fake, OTHER_STUDENT, "Réservé au personnel")
        forged = fake.push_callback(OTHER_STUDENT, "take:1", message_id=hello["message_id"])
        refused = await fake.wait_for_call("answerCallbackQuery",
                                           lambda c: c.params.get("callback_query_id") == forged["id"])
        assert refused.params.get("text") == "Réservé au personnel du bureau de la mobilité."
        ticket = adapter.stores.tickets.open_ticket_of(adapter.ref(STUDENT))
        assert ticket.status == "open" and ticket.taken_by is None
        assert not [t for t in texts_to(fake, STUDENT) if "je suis le bureau" in t or "bonjour" == t]
        fake.push_callback(STAFF, "take:1", message_id=post["message_id"], first_name="Marie", **staff_chat)
        await until(lambda: "Prise en charge par Marie" in fake.message(STAFF_CHAT, post["message_id"])["text"],
                    what="the ticket taken")
        notice = await said(fake, STUDENT, "Une personne du bureau de la mobilité s'occupe de votre demande")
        assert "Marie" not in notice["text"]
    scenario(servers, tickets_url, body)


def test_an_open_ticket_and_its_staff_posts_survive_an_adapter_restart_on_sqlite_and_postgresql(servers, desk_db_url):
    async def main():
        async with FakeTelegram() as fake:
            settings = adapter_settings(servers.settings, fake, desk_db_url)
            async with RunningAdapter(settings, fake):
                fake.push_message(STUDENT, "/human")
                post = await said(fake, STAFF_CHAT, "Demande #1")
            async with RunningAdapter(settings, fake):
                fake.push_message(STUDENT, "Vous êtes là ?")
                await said(fake, STAFF_CHAT, "Vous êtes là ?")
                fake.push_message(STAFF, "Oui, je regarde votre dossier.", chat_id=STAFF_CHAT, chat_type="supergroup",
                                  reply_to_message_id=post["message_id"])
                await said(fake, STUDENT, "Oui, je regarde votre dossier.")
    asyncio.run(asyncio.wait_for(main(), 240))


def test_outside_office_hours_the_student_is_told_when_to_expect_an_answer(servers, tickets_url):
    async def body(fake, adapter):
        fake.push_message(STUDENT, "I would like to talk to someone please", language_code="en")
        await said(fake, STUDENT, "expect an answer from Monday 7 December, 09:00")
    scenario(servers, tickets_url, body, clock=lambda: CLOSED)


def test_a_staff_answer_is_escaped_and_a_long_one_is_split_under_telegrams_limit(servers, tickets_url):
    async def body(fake, adapter):
        fake.push_message(STUDENT, "/human")
        post = await said(fake, STAFF_CHAT, "Demande #1")
        fake.push_message(STAFF, "<b>Attention</b> & <a href='http://x'>lien</a>", chat_id=STAFF_CHAT,
                          chat_type="supergroup", reply_to_message_id=post["message_id"])
        escaped = await said(fake, STUDENT, "<b>Attention</b> & <a href='http://x'>lien</a>")
        assert [e["type"] for e in escaped.get("entities", [])] == ["bold"]  # only our own prefix is bold
        long_answer = "\n".join(f"Point {i}: " + "détail " * 12 for i in range(60))  # about 5,500 characters
        fake.push_message(STAFF, long_answer, chat_id=STAFF_CHAT, chat_type="supergroup",
                          reply_to_message_id=post["message_id"])
        await said(fake, STUDENT, "Point 59:")
        pieces = [m["text"] for m in fake.sent(STUDENT) if "Point " in m["text"]]
        assert len(pieces) == 2
        assert all(c.status == 200 for c in fake.calls if c.method == "sendMessage")
    scenario(servers, tickets_url, body)


# -- reminders and the checklist (the date, kind and article travel from the rules core through Rasa) --

def test_a_dated_answer_through_real_rasa_offers_reminders_and_the_checklist_lists_them(servers, tickets_url):
    async def body(fake, adapter):
        fake.push_message(STUDENT, "je suis en bachelor, mes cours à l'étranger commencent le 1er mars 2027 : "
                                   "jusqu'à quand puis-je modifier mon learning agreement ?")
        await said(fake, STUDENT, "lundi 29 mars 2027")
        offer = await said(fake, STUDENT, "Voulez-vous un rappel avant cette date ?")
        assert "dernier jour pour modifier votre learning agreement : lundi 29 mars 2027 (art. 8(2)" in offer["text"]
        fake.push_callback(STUDENT, button(offer, "1 semaine"), message_id=offer["message_id"])
        await said(fake, STUDENT, "C'est noté : 2 rappel(s), le premier le lundi 22 mars 2027 à 09:00")
        since = len(fake.sent(STUDENT))
        fake.push_message(STUDENT, "/checklist")
        await said(fake, STUDENT, "Quel type de mobilité", since=since)  # the steps depend on the programme
        fake.push_message(STUDENT, "Erasmus")
        await said(fake, STUDENT, "passez le test de langue en ligne OLS", since=since)
        already = await said(fake, STUDENT, "Rappels déjà prévus", since=since)
        assert "lundi 22 mars 2027 09:00 : dernier jour pour modifier votre learning agreement" in already["text"]
    scenario(servers, tickets_url, body)


# -- GDPR ---------------------------------------------------------------------------------------

def test_forget_erases_the_conversation_the_tickets_and_the_facts(servers, tickets_url):
    def tracker_events(ref):
        engine = sa.create_engine(f"sqlite:///{servers.settings.endpoints_file.rsplit('/', 1)[0]}/tracker.db")
        with engine.connect() as db:
            count = db.execute(sa.text("select count(*) from events where sender_id = :s"),
                               {"s": rasa_sender(ref)}).scalar()
        engine.dispose()
        return count

    async def body(fake, adapter):
        fake.push_message(STUDENT, "je suis en master, est-ce que je dois partir à l'étranger ?")
        await said(fake, STUDENT, "Master — Possibilité de mobilité")
        fake.push_message(STUDENT, "/human")
        post = await said(fake, STAFF_CHAT, "Demande #1")
        assert tracker_events(adapter.ref(STUDENT)) > 0
        fake.push_message(STUDENT, "/forget")
        confirm = await said(fake, STUDENT, "Effacer votre conversation")
        fake.push_callback(STUDENT, button(confirm, "Oui"), message_id=confirm["message_id"])
        await said(fake, STUDENT, "C'est fait : j'ai effacé")
        assert tracker_events(adapter.ref(STUDENT)) == 0
        ref = adapter.ref(STUDENT)
        assert adapter.stores.tickets.tickets_of(ref) == [] and adapter.stores.students.get(ref) is None
        assert "effacée à la demande de l'étudiant" in fake.message(STAFF_CHAT, post["message_id"])["text"]
        since = len(fake.sent(STUDENT))
        fake.push_message(STUDENT, "/profile")
        await said(fake, STUDENT, "Je ne sais encore rien de votre situation", since=since)
    scenario(servers, tickets_url, body)


def test_forget_can_be_cancelled(servers, tickets_url):
    async def body(fake, adapter):
        fake.push_message(STUDENT, "/forget")
        confirm = await said(fake, STUDENT, "Effacer votre conversation")
        fake.push_callback(STUDENT, button(confirm, "Non"), message_id=confirm["message_id"])
        await said(fake, STUDENT, "je n'efface rien")
    scenario(servers, tickets_url, body)


# -- what is not a question ---------------------------------------------------------------------

def test_stickers_photos_voice_documents_and_edits_get_a_polite_text(servers, tickets_url):
    async def body(fake, adapter):
        fake.push_message(STUDENT, extra={"sticker": {"file_id": "st1", "file_unique_id": "u1", "width": 512,
                                                      "height": 512, "is_animated": False, "is_video": False,
                                                      "type": "regular"}})
        fake.push_message(STUDENT, extra={"photo": [{"file_id": "p1", "file_unique_id": "u2", "width": 90,
                                                     "height": 90}]})
        fake.push_message(STUDENT, extra={"voice": {"file_id": "v1", "file_unique_id": "u3", "duration": 2}})
        fake.push_message(STUDENT, extra={"document": {"file_id": "d1", "file_unique_id": "u4",
                                                       "file_name": "la.pdf"}})
        await until(lambda: len([t for t in texts_to(fake, STUDENT) if "messages écrits" in t]) == 4,
                    what="four polite answers")
        first = fake.push_message(STUDENT, "bonjour")
        fake.push_edited_message(STUDENT, first["message_id"], "bonjour, je suis en master")
        await said(fake, STUDENT, "je ne lis pas les modifications")
        fake.push_message(STUDENT, "/nimportequoi")
        await said(fake, STUDENT, "/forget — effacer")
        fake.push_message(STUDENT, "/lang de")
        await said(fake, STUDENT, "/lang fr ou /lang en")
    scenario(servers, tickets_url, body)


def test_lang_switches_the_language_of_the_answers(servers, tickets_url):
    async def body(fake, adapter):
        fake.push_message(STUDENT, "/lang en")
        await said(fake, STUDENT, "I will answer in English")
        fake.push_message(STUDENT, "/help")
        await said(fake, STUDENT, "Just type your question")
        fake.push_message(STUDENT, "/profile")
        await said(fake, STUDENT, "I don't know anything about your situation yet")
    scenario(servers, tickets_url, body)


# -- faults -------------------------------------------------------------------------------------

def test_telegram_429_and_5xx_are_retried_and_the_reply_still_arrives(servers, tickets_url):
    async def body(fake, adapter):
        fake.fail_next("sendMessage", status=429, retry_after=1)
        fake.fail_next("sendMessage", status=502, description="Bad Gateway")
        fake.push_message(STUDENT, "/start")
        await said(fake, STUDENT, "assistant mobilité")
        statuses = [c.status for c in fake.calls if c.method == "sendMessage"]
        assert statuses[:3] == [429, 502, 200]
        fake.push_message(STUDENT, "/help")
        await said(fake, STUDENT, "Commandes")  # the adapter kept running
    scenario(servers, tickets_url, body)


def test_webhook_mode_checks_telegrams_secret_token(servers, tickets_url):
    import httpx

    async def body(fake, adapter):
        assert fake.webhook_url == "http://127.0.0.1:5391/tg-hook" and fake.webhook_secret == "hook-secret"
        fake.push_message(STUDENT, "/start")
        await said(fake, STUDENT, "assistant mobilité")
        async with httpx.AsyncClient() as client:
            forged = {"update_id": 1, "message": {"message_id": 1, "date": 0, "text": "/start",
                                                  "chat": {"id": 77, "type": "private"}}}
            wrong = await client.post(fake.webhook_url, json=forged,
                                      headers={"X-Telegram-Bot-Api-Secret-Token": "guess"})
            missing = await client.post(fake.webhook_url, json=forged)
        assert (wrong.status_code, missing.status_code) == (403, 403)
        assert not fake.sent(77)
    scenario(servers, tickets_url, body, webhook_url="http://127.0.0.1:5391/tg-hook", webhook_secret="hook-secret",
             webhook_port=5391)


def test_the_bot_token_never_reaches_the_logs(servers, tickets_url, caplog):
    caplog.set_level("DEBUG")

    student = 987654321

    async def body(fake, adapter):
        fake.push_message(student, "/start")
        await said(fake, student, "assistant mobilité")
        fake.push_message(student, "/human")
        await said(fake, STAFF_CHAT, "Demande #1")
    scenario(servers, tickets_url, body)
    assert "ticket #1 opened" in caplog.text
    assert FakeTelegram.TOKEN not in caplog.text and str(student) not in caplog.text


def test_while_rasa_is_down_the_student_is_told_and_every_message_is_answered_in_order_once_back_even_after_a_restart(
        servers, tickets_url):
    from bot.runtime import supervisor as services

    async def main():
        async with FakeTelegram() as fake:
            settings = adapter_settings(servers.settings, fake, tickets_url)
            services.stop(servers.rasa)
            async with RunningAdapter(settings, fake):
                fake.push_message(STUDENT, "est-ce que j'aurai une bourse pour aller à Trèves en Erasmus ?")
                fake.push_message(STUDENT, "/profile")
                await said(fake, STUDENT, "momentanément indisponible")
                await asyncio.sleep(1.5)  # a few retries while Rasa is down: one notice for the waiting messages
                assert len([t for t in texts_to(fake, STUDENT) if "indisponible" in t]) == 1
                # Asking for a person does not need the assistant: the ticket opens at once.
                fake.push_message(OTHER_STUDENT, "/human")
                await said(fake, OTHER_STUDENT, "votre demande est transmise au bureau de la mobilité")
                await said(fake, STAFF_CHAT, "alors que l'assistant est indisponible")
            # The adapter stops with two messages waiting; Rasa comes back; a new adapter answers them.
            servers.rasa = await asyncio.to_thread(services.start_rasa_server, servers.settings)
            async with RunningAdapter(settings, fake):
                first = await said(fake, STUDENT, "Trier (Allemagne)", timeout=60)
                second = await said(fake, STUDENT, "Voici ce que je sais de votre situation", timeout=60)
                assert first["message_id"] < second["message_id"]
                assert len([t for t in texts_to(fake, STUDENT) if "Trier (Allemagne)" in t]) == 1
    asyncio.run(asyncio.wait_for(main(), 240))


def test_a_student_who_asks_for_a_person_while_rasa_is_down_is_not_kept_waiting_behind_earlier_messages(
        servers, tickets_url):
    async def body(fake, adapter):
        from bot.runtime import supervisor as services

        services.stop(servers.rasa)
        try:
            fake.push_message(STUDENT, "est-ce que j'aurai une bourse ?")
            await said(fake, STUDENT, "momentanément indisponible")
            fake.push_message(STUDENT, "/human")
            await said(fake, STUDENT, "votre demande est transmise au bureau de la mobilité")
            await said(fake, STAFF_CHAT, "est-ce que j'aurai une bourse ?")  # the waiting message goes with it
        finally:
            servers.rasa = await asyncio.to_thread(services.start_rasa_server, servers.settings)
    scenario(servers, tickets_url, body)


def test_while_the_action_server_is_down_the_message_waits_and_is_answered_once_it_is_back(servers, tickets_url):
    async def body(fake, adapter):
        from bot.runtime import supervisor as services

        services.stop(servers.actions)
        fake.push_message(STUDENT, "est-ce que j'aurai une bourse pour aller à Trèves en Erasmus ?")
        await said(fake, STUDENT, "momentanément indisponible")
        servers.actions = await asyncio.to_thread(services.start_action_server, servers.settings)
        await said(fake, STUDENT, "Trier (Allemagne)", timeout=60)
    scenario(servers, tickets_url, body)


def test_a_ticket_whose_post_failed_is_posted_again_and_staff_can_list_and_close_tickets(servers, tickets_url):
    async def body(fake, adapter):
        fake.push_message(STUDENT, "/start")
        await said(fake, STUDENT, "assistant mobilité")
        fake.fail_next("sendMessage", status=403, description="Forbidden: bot is not a member of the supergroup chat",
                       times=1)
        fake.push_message(STUDENT, "/human")
        post = await said(fake, STAFF_CHAT, "Demande #1", timeout=30)
        assert [c.status for c in fake.calls if c.method == "sendMessage" and c.status == 403]
        fake.push_message(STAFF, "/tickets", chat_id=STAFF_CHAT, chat_type="supergroup")
        await said(fake, STAFF_CHAT, "#1 — " + adapter.ref(STUDENT))
        fake.push_message(STAFF, "/close 1", chat_id=STAFF_CHAT, chat_type="supergroup")
        await said(fake, STUDENT, "a clos votre demande")
        assert fake.message(STAFF_CHAT, post["message_id"]).get("reply_markup") is None
        fake.push_message(STAFF, "/close 99999999999999999999", chat_id=STAFF_CHAT, chat_type="supergroup")
        await said(fake, STAFF_CHAT, "Utilisation : /close <numéro>")
    scenario(servers, tickets_url, body)


def test_an_edited_staff_reply_is_not_sent_twice_and_a_double_tap_is_one_choice(servers, tickets_url):
    async def body(fake, adapter):
        fake.push_message(STUDENT, "Salut, est-ce que j'aurai une bourse pour mon semestre à l'étranger ?")
        question = await said(fake, STUDENT, "Quel type de mobilité")
        choice = button(question, "Erasmus")
        fake.push_callback(STUDENT, choice, message_id=question["message_id"])
        fake.push_callback(STUDENT, choice, message_id=question["message_id"])
        await said(fake, STUDENT, "Dans quelle ville")
        fake.push_message(STUDENT, "/human")
        await said(fake, STAFF_CHAT, "Demande #1")
        reply = fake.push_message(STAFF, "/reply 1 Bonjour, je regarde.", chat_id=STAFF_CHAT, chat_type="supergroup")
        await said(fake, STUDENT, "Bonjour, je regarde.")
        fake.push_edited_message(STAFF, reply["message_id"], "/reply 1 Bonjour, je regarde ça.", chat_id=STAFF_CHAT,
                                 chat_type="supergroup")
        fake.push_message(STAFF, "/reply 1 Fin.", chat_id=STAFF_CHAT, chat_type="supergroup")
        await said(fake, STUDENT, "Fin.")
        sent = texts_to(fake, STUDENT)
        assert len([t for t in sent if "Dans quelle ville" in t]) == 1
        assert not [t for t in sent if "je regarde ça" in t]
    scenario(servers, tickets_url, body)
