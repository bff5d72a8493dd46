"""Faults of a running Rasa that answers HTTP errors: a message it keeps failing on goes to staff
after a few tries, with a word to the student, and the student's next messages are not stuck.

The failing Rasa is `tests.fake_rasa.EchoRasa`: a real Rasa cannot be made to fail on one message
on demand."""
import asyncio

from bot.runtime.settings import Settings
from tests.fake_rasa import EchoRasa
from tests.fake_telegram import FakeTelegram
from tests.telegram_harness import STAFF, STAFF_CHAT, STUDENT, RunningAdapter, adapter_settings, said, texts_to


def test_a_message_rasa_keeps_failing_on_goes_to_staff_and_the_student_is_not_stuck(tmp_path):
    async def main():
        rasa = await EchoRasa(fail_on="message qui plante").start()
        try:
            async with FakeTelegram() as fake:
                settings = adapter_settings(Settings(project_dir=tmp_path), fake, f"sqlite:///{tmp_path}/t.db",
                                            rasa_url=rasa.url, rasa_retry_s=0.2)
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
            await rasa.stop()
    asyncio.run(asyncio.wait_for(main(), 60))
