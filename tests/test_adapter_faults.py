"""Faults of a running Rasa that answers HTTP errors: a message it keeps failing on is set aside
after a few tries with a word to the student, and the student's next messages are not stuck.

The failing Rasa is a local HTTP server speaking Rasa's REST channel protocol: a real Rasa
cannot be made to fail on one message on demand."""
import asyncio

from aiohttp import web

from bot.settings import Settings
from tests.fake_telegram import FakeTelegram
from tests.telegram_harness import STUDENT, RunningAdapter, adapter_settings, said, texts_to


async def failing_rasa(fail_on: str):
    async def webhook(request):
        body = await request.json()
        if body["message"] == fail_on:
            return web.Response(status=500, text="Internal Server Error")
        return web.json_response([{"recipient_id": body["sender"], "text": f"réponse à « {body['message']} »"}])

    async def events(request):
        return web.json_response({})

    app = web.Application()
    app.router.add_post("/webhooks/rest/webhook", webhook)
    app.router.add_post("/conversations/{sender}/tracker/events", events)
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = site._server.sockets[0].getsockname()[1]
    return runner, f"http://127.0.0.1:{port}"


def test_a_message_rasa_keeps_failing_on_is_set_aside_and_the_next_one_is_answered(tmp_path):
    async def main():
        runner, url = await failing_rasa(fail_on="message qui plante")
        try:
            async with FakeTelegram() as fake:
                settings = adapter_settings(Settings(project_dir=tmp_path), fake, f"sqlite:///{tmp_path}/t.db",
                                            rasa_url=url)
                async with RunningAdapter(settings, fake):
                    fake.push_message(STUDENT, "message qui plante")
                    fake.push_message(STUDENT, "bonjour")
                    await said(fake, STUDENT, "momentanément indisponible")
                    await said(fake, STUDENT, "je n'arrive pas à traiter ce message")
                    await said(fake, STUDENT, "réponse à « bonjour »")
                    sent = texts_to(fake, STUDENT)
                    assert len([t for t in sent if "indisponible" in t]) == 1
                    assert not [t for t in sent if "message qui plante" in t]
        finally:
            await runner.cleanup()
    asyncio.run(asyncio.wait_for(main(), 60))
