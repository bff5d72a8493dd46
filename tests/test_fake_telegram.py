"""The fake Telegram Bot API (tests/fake_telegram.py) against a real python-telegram-bot Application."""

import asyncio
import datetime as dtm

import aiohttp
import pytest
from aiohttp import web
from telegram import BotCommand, InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.constants import ParseMode
from telegram.error import BadRequest, Conflict, NetworkError, RetryAfter
from telegram.ext import (
    Application,
    ApplicationBuilder,
    CallbackQueryHandler,
    CommandHandler,
    MessageHandler,
    filters,
)

from tests.fake_telegram import FakeTelegram

USER = 4242


def build_app(fake: FakeTelegram) -> Application:
    return (
        ApplicationBuilder()
        .token(FakeTelegram.TOKEN)
        .base_url(fake.base_url)
        .base_file_url(fake.base_file_url)
        .build()
    )


async def run_polling(app: Application, scenario) -> None:
    """Start `app` long-polling the fake, run `scenario()`, then stop the app."""
    async with app:
        await app.start()
        await app.updater.start_polling(poll_interval=0, timeout=dtm.timedelta(seconds=5))
        try:
            await scenario()
        finally:
            await app.updater.stop()
            await app.stop()


def run(body) -> None:
    """asyncio.run `body(fake)` with a started FakeTelegram (stopped afterwards, even on failure)."""

    async def scenario():
        async with FakeTelegram() as fake:
            await body(fake)

    asyncio.run(asyncio.wait_for(scenario(), 10))


def seconds(value) -> float:
    return value.total_seconds() if isinstance(value, dtm.timedelta) else value


def test_polling_message_and_command_get_replies():
    async def body(fake: FakeTelegram):
        app = build_app(fake)

        async def start(update: Update, context) -> None:
            await update.message.reply_text("<b>Bonjour</b> &amp; bienvenue", parse_mode=ParseMode.HTML)

        async def echo(update: Update, context) -> None:
            await update.message.reply_text(f"écho: {update.message.text}", do_quote=True)

        app.add_handler(CommandHandler("start", start))
        app.add_handler(MessageHandler(filters.TEXT & ~filters.COMMAND, echo))

        async def talk():
            command = fake.push_message(USER, "/start")
            assert command["entities"] == [{"type": "bot_command", "offset": 0, "length": 6}]
            (welcome,) = await fake.wait_for_sent(USER, 1, timeout=3)
            assert welcome["text"] == "Bonjour & bienvenue"
            assert welcome["entities"] == [{"type": "bold", "offset": 0, "length": 7}]
            assert welcome["from"]["id"] == 900 and welcome["from"]["is_bot"] is True

            question = fake.push_message(USER, "Bonjour, j'ai une question")
            sent = await fake.wait_for_sent(USER, 2, timeout=3)
            reply = sent[1]
            assert reply["text"] == "écho: Bonjour, j'ai une question"
            assert reply["chat"] == {"id": USER, "type": "private", "first_name": "Ana"}
            assert reply["reply_to_message"]["message_id"] == question["message_id"]
            # one message-id counter per chat, shared by the user and the bot
            ids = [command["message_id"], welcome["message_id"], question["message_id"], reply["message_id"]]
            assert ids == [1, 2, 3, 4]
            call = await fake.wait_for_call("sendMessage", lambda c: "reply_parameters" in c.params)
            assert call.params["chat_id"] == USER and call.params["reply_parameters"]["message_id"] == 3

        await run_polling(app, talk)
        assert fake.pending_updates == []  # PTB confirmed what it fetched (offset) before stopping
        assert [c.method for c in fake.calls[:3]] == ["getMe", "deleteWebhook", "getUpdates"]

    run(body)


def test_inline_keyboard_and_callback_query():
    async def body(fake: FakeTelegram):
        app = build_app(fake)

        async def ask(update: Update, context) -> None:
            keyboard = InlineKeyboardMarkup(
                [[InlineKeyboardButton("Oui", callback_data="yes"), InlineKeyboardButton("Non", callback_data="no")]]
            )
            await update.message.reply_text("Vous êtes étudiant ?", reply_markup=keyboard)

        async def answered(update: Update, context) -> None:
            query = update.callback_query
            assert query.message.text == "Vous êtes étudiant ?"  # the real bot message
            await query.answer("Noté")
            await query.edit_message_text(f"Réponse : {query.data}")

        app.add_handler(MessageHandler(filters.TEXT, ask))
        app.add_handler(CallbackQueryHandler(answered))

        async def talk():
            fake.push_message(USER, "statut")
            (question,) = await fake.wait_for_sent(USER, 1, timeout=3)
            buttons = question["reply_markup"]["inline_keyboard"][0]
            assert [b["callback_data"] for b in buttons] == ["yes", "no"]
            query = fake.push_callback(USER, "yes", message_id=question["message_id"])
            assert query["message"]["reply_markup"] == question["reply_markup"]
            answer = await fake.wait_for_call("answerCallbackQuery", timeout=3)
            assert answer.params == {"callback_query_id": query["id"], "text": "Noté"}
            edit = await fake.wait_for_call("editMessageText", lambda c: c.status is not None, timeout=3)
            assert edit.status == 200, edit.response
            current = fake.message(USER, question["message_id"])
            assert current["text"] == "Réponse : yes"
            assert "reply_markup" not in current and "edit_date" in current
            assert fake.sent(USER)[0]["text"] == "Vous êtes étudiant ?"  # sent() keeps what was sent
            with pytest.raises(KeyError):
                fake.push_callback(USER, "yes", message_id=999)

        await run_polling(app, talk)

    run(body)


def test_injected_errors_reach_ptb_as_its_exceptions():
    async def body(fake: FakeTelegram):
        app = build_app(fake)
        errors = []

        async def reply(update: Update, context) -> None:
            await update.message.reply_text("ok")

        async def on_error(update, context) -> None:
            errors.append(context.error)

        app.add_handler(MessageHandler(filters.TEXT, reply))
        app.add_error_handler(on_error)

        async def talk():
            fake.fail_next("sendMessage", retry_after=7)
            fake.push_message(USER, "un")
            failed = await fake.wait_for_call("sendMessage", lambda c: c.status == 429, timeout=3)
            assert failed.response["parameters"] == {"retry_after": 7}
            fake.push_message(USER, "deux")
            (sent,) = await fake.wait_for_sent(USER, 1, timeout=3)
            assert sent["text"] == "ok"

        await run_polling(app, talk)
        assert len(errors) == 1 and isinstance(errors[0], RetryAfter)
        assert seconds(errors[0].retry_after) == 7

        async with app:  # direct Bot calls, no polling
            bot = app.bot
            fake.fail_next("sendMessage", status=502, times=2)
            for _ in range(2):
                with pytest.raises(NetworkError, match="Bad Gateway"):
                    await bot.send_message(USER, "x")
            with pytest.raises(BadRequest, match="(?i)can't parse entities: unsupported start tag \"br\""):
                await bot.send_message(USER, "a<br>b", parse_mode=ParseMode.HTML)
            with pytest.raises(BadRequest, match="(?i)can't parse entities"):
                await bot.send_message(USER, "<b>gras", parse_mode=ParseMode.HTML)
            with pytest.raises(BadRequest, match="(?i)message is too long"):
                await bot.send_message(USER, "é" * 4000 + "😀" * 50)  # 4100 UTF-16 code units
            await bot.send_message(USER, "&lt;" * 4096, parse_mode=ParseMode.HTML)  # 4096 once parsed
            with pytest.raises(BadRequest, match="(?i)message text is empty"):
                await bot.send_message(USER, "")
            with pytest.raises(BadRequest, match="(?i)message to edit not found"):
                await bot.edit_message_text("x", chat_id=USER, message_id=12345)

    run(body)


def test_webhook_mode_set_delivered_and_deleted():
    async def body(fake: FakeTelegram):
        app = build_app(fake)

        async def reply(update: Update, context) -> None:
            await update.message.reply_text(f"reçu: {update.message.text}")

        app.add_handler(MessageHandler(filters.TEXT, reply))

        # The bot's own webhook endpoint (PTB's "custom webhook" setup) feeding PTB's update queue.
        async def webhook(request: web.Request) -> web.Response:
            if request.headers.get("X-Telegram-Bot-Api-Secret-Token") != "s3cret_Token-1":
                return web.Response(status=403)
            await app.update_queue.put(Update.de_json(await request.json(), app.bot))
            return web.Response()

        server = web.Application()
        server.router.add_post("/telegram", webhook)
        runner = web.AppRunner(server)
        await runner.setup()
        site = web.TCPSite(runner, "127.0.0.1", 0)
        await site.start()
        url = f"http://127.0.0.1:{runner.addresses[0][1]}/telegram"

        async with app:
            await app.start()
            fake.push_message(USER, "avant")  # pending: delivered once the webhook is set
            assert await app.bot.set_webhook(
                url, secret_token="s3cret_Token-1", allowed_updates=["message", "callback_query"]
            )
            assert (fake.webhook_url, fake.webhook_secret) == (url, "s3cret_Token-1")
            info = await app.bot.get_webhook_info()
            assert info.url == url and info.allowed_updates == ("message", "callback_query")
            with pytest.raises(Conflict):
                await app.bot.get_updates()
            raw = {"message_id": 77, "date": 0, "chat": {"id": USER, "type": "private"},
                   "from": {"id": USER, "is_bot": False, "first_name": "Ana"}, "text": "brut"}
            update_id = fake.push_update({"message": raw})
            sent = await fake.wait_for_sent(USER, 2, timeout=3)
            assert [m["text"] for m in sent] == ["reçu: avant", "reçu: brut"]
            assert [status for _, status in fake.webhook_deliveries] == [200, 200]
            assert fake.webhook_deliveries[1][0] == update_id

            assert await app.bot.delete_webhook()
            assert (fake.webhook_url, fake.webhook_secret) == (None, None)
            fake.push_message(USER, "après")  # back to getUpdates
            (update,) = await app.bot.get_updates(timeout=1)
            assert update.message.text == "après"
            await app.stop()
        await runner.cleanup()

    run(body)


def test_protocol_encodings_and_errors():
    async def body(fake: FakeTelegram):
        base = f"{fake.base_url}{FakeTelegram.TOKEN}"
        async with aiohttp.ClientSession() as http:
            async with http.post(f"{base}/sendMessage", json={"chat_id": USER, "text": "42"}) as r:
                body = await r.json()
                assert r.status == 200 and body["ok"] and body["result"]["text"] == "42"
            markup = '{"inline_keyboard": [[{"text": "a", "callback_data": "b"}]]}'
            form = {"chat_id": str(USER), "text": "123", "reply_markup": markup}
            async with http.post(f"{base}/sendmessage", data=form) as r:  # method names: any case
                assert (await r.json())["result"]["reply_markup"]["inline_keyboard"][0][0]["text"] == "a"
            assert fake.calls[-1].params["text"] == "123"  # string parameters stay strings
            assert fake.calls[-1].params["chat_id"] == USER  # others are JSON-decoded
            multipart = aiohttp.FormData()
            multipart.add_field("chat_id", str(USER))
            multipart.add_field("text", "mp")
            multipart.add_field("extra", b"data", filename="a.txt")
            async with http.post(f"{base}/sendMessage", data=multipart) as r:
                assert r.status == 200
            assert fake.calls[-1].params["extra"]["size"] == 4
            async with http.post(f"{base}/sendVideo", data={"chat_id": str(USER)}) as r:
                assert r.status == 404
                assert await r.json() == {"ok": False, "error_code": 404, "description": "Not Found"}
            async with http.post(f"{base}/sendDocument", data={"chat_id": str(USER)}) as r:
                assert r.status == 400  # no file uploaded
            photo = aiohttp.FormData()
            photo.add_field("chat_id", str(USER))
            photo.add_field("photo", b"not an image", filename="x.png")
            async with http.post(f"{base}/sendPhoto", data=photo) as r:
                assert r.status == 400 and (await r.json())["description"] == "Bad Request: IMAGE_PROCESS_FAILED"
            photo = aiohttp.FormData()
            photo.add_field("chat_id", str(USER))
            photo.add_field("caption", "chart")
            photo.add_field("photo", b"\x89PNG\r\n\x1a\n" + b"0" * 100, filename="x.png")
            async with http.post(f"{base}/sendPhoto", data=photo) as r:
                assert r.status == 200 and (await r.json())["result"]["photo"][0]["file_size"] == 108
            assert fake.uploads[-1]["caption"] == "chart" and fake.uploads[-1]["method"] == "sendPhoto"
            async with http.get(f"{fake.base_url}123:wrong/getMe") as r:
                assert r.status == 401 and (await r.json())["description"] == "Unauthorized"
            fake.fail_next("getMe", status=500, description="Internal Server Error: restart")
            async with http.get(f"{base}/getMe") as r:
                assert r.status == 500 and (await r.json())["description"] == "Internal Server Error: restart"
            async with http.get(f"{base}/getMe") as r:
                me = (await r.json())["result"]
                assert me["username"] == "ul_mobility_test_bot" and me["can_join_groups"] is True
        assert [m["text"] for m in fake.sent(USER)] == ["42", "123", "mp"]

        app = build_app(fake)
        async with app:
            await app.bot.set_my_commands([BotCommand("start", "Commencer")], language_code="fr")
            assert [c.command for c in await app.bot.get_my_commands(language_code="fr")] == ["start"]
            assert await app.bot.get_my_commands() == ()
            assert await app.bot.send_chat_action(USER, "typing")
            message = await app.bot.send_message(USER, "à supprimer")
            assert await message.delete()
            with pytest.raises(BadRequest, match="(?i)message to delete not found"):
                await message.delete()
            fake.add_file("F1", b"hello")
            file = await app.bot.get_file("F1")
            assert bytes(await file.download_as_bytearray()) == b"hello"

    run(body)
