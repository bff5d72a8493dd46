"""Faults of a running Rasa that answers HTTP errors: a message it keeps failing on goes to staff
after a few tries, with a word to the student, and the student's next messages are not stuck.

The failing Rasa is a local HTTP server speaking Rasa's REST channel protocol: a real Rasa
cannot be made to fail on one message on demand."""
import asyncio

from aiohttp import web

from bot.runtime.settings import Settings
from tests.fake_telegram import FakeTelegram
from tests.telegram_harness import STAFF, STAFF_CHAT, STUDENT, RunningAdapter, adapter_settings, said, texts_to


async def failing_rasa(fail_on: str):
    async def webhook(request):
        body = await request.json()
        if body["message"] == fail_on:
            return web.Response(status=500, text="Internal Server Error")
        return web.json_response([{"recipient_id": body["sender"], "text": f"réponse à « {body['message']} »"}])

    async def events(request):
        return web.json_response({})

    async def status(request):
        return web.json_response({"model_file": "assistant.tar.gz"})

    app = web.Application()
    app.router.add_post("/webhooks/rest/webhook", webhook)
    app.router.add_post("/conversations/{sender}/tracker/events", events)
    app.router.add_get("/status", status)
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = site._server.sockets[0].getsockname()[1]
    return runner, f"http://127.0.0.1:{port}"


def test_a_message_rasa_keeps_failing_on_goes_to_staff_and_the_student_is_not_stuck(tmp_path):
    async def main():
        runner, url = await failing_rasa(fail_on="message qui plante")
        try:
            async with FakeTelegram() as fake:
                settings = adapter_settings(Settings(project_dir=tmp_path), fake, f"sqlite:///{tmp_path}/t.db",
                                            rasa_url=url, rasa_retry_s=0.2)
                async with RunningAdapter(settings, fake):
                    fake.push_message(STUDENT, "message qui plante")
                    fake.push_message(STUDENT, "bonjour")
                    await said(fake, STUDENT, "momentanément indisponible")
                    await said(fake, STUDENT, "je l'ai transmis au bureau de la mobilité")
                    post = await said(fake, STAFF_CHAT, "l'assistant échoue à répétition")
                    await said(fake, STAFF_CHAT, "message qui plante")
                    await said(fake, STAFF_CHAT, "bonjour")  # the next message follows, to staff
                    assert len([t for t in texts_to(fake, STUDENT) if "indisponible" in t]) == 1
                    fake.push_callback(STAFF, "close:1", message_id=post["message_id"], chat_id=STAFF_CHAT,
                                       chat_type="supergroup")
                    await said(fake, STUDENT, "a clos votre demande")
                    fake.push_message(STUDENT, "et maintenant ?")
                    await said(fake, STUDENT, "réponse à « et maintenant ? »")
        finally:
            await runner.cleanup()
    asyncio.run(asyncio.wait_for(main(), 60))
