"""The Telegram adapter end to end: fake Telegram (a local Bot API server) -> the real PTB
Application -> the real Rasa server -> the action server -> the rules core -> fake Telegram."""
import asyncio

import pytest
import sqlalchemy as sa

from bot.pseudonym import rasa_sender, student_ref
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
        assert "art." in answer["text"]
    scenario(servers, tickets_url, body)
