"""Running the real Telegram adapter (PTB Application) against the fake Telegram server."""
from __future__ import annotations

import asyncio
import dataclasses
import datetime as dt
import time
import uuid
from typing import Any, Callable, List, Optional

from bot.pseudonym import student_ref
from bot.runtime.settings import Settings
from bot.telegram.app import build_application, serve
from tests.fake_telegram import FakeTelegram

STAFF_CHAT = -1001234567
STAFF = 501  # a mobility office staff member
COLLEAGUE = 502  # another staff member
OUTSIDER = 666  # in the staff chat by mistake, not configured as staff
STUDENT = 1001
OTHER_STUDENT = 1002

# Tuesday 1 December 2026, 10:00 in Luxembourg: the office is open.
OPEN = dt.datetime(2026, 12, 1, 9, 0, tzinfo=dt.timezone.utc)
# Saturday 5 December 2026, 11:00 in Luxembourg: the office is closed until Monday 09:00.
CLOSED = dt.datetime(2026, 12, 5, 10, 0, tzinfo=dt.timezone.utc)


def adapter_settings(base: Settings, fake: FakeTelegram, tickets_url: str, **overrides: Any) -> Settings:
    values = dict(
        telegram_token=FakeTelegram.TOKEN, telegram_base_url=fake.base_url,
        telegram_base_file_url=fake.base_file_url, tickets_db_url=tickets_url, staff_chat_id=STAFF_CHAT,
        staff_user_ids=frozenset({STAFF, COLLEAGUE}),
        # A new key per run: the same Telegram user is a new Rasa conversation in each test.
        pseudonym_key=f"test key {uuid.uuid4().hex}", rasa_retry_s=0.5, request_timeout_s=60.0)
    return dataclasses.replace(base, **{**values, **overrides})


class RunningAdapter:
    """`async with RunningAdapter(settings, fake):` serves the adapter in this loop until the block ends."""

    def __init__(self, settings: Settings, fake: FakeTelegram, clock: Callable[[], dt.datetime] = lambda: OPEN):
        self.settings, self.fake, self.clock = settings, fake, clock
        self.stop = asyncio.Event()
        self.task: Optional[asyncio.Task] = None
        self.application = None

    async def __aenter__(self) -> "RunningAdapter":
        self.application = build_application(self.settings, clock=self.clock)
        started = time.monotonic()
        self.task = asyncio.create_task(serve(self.application, self.stop))
        ready = "setWebhook" if self.settings.webhook_url else "getUpdates"
        await self.fake.wait_for_call(ready, since=started, timeout=20)
        return self

    async def __aexit__(self, *exc: object) -> None:
        self.stop.set()
        await asyncio.wait_for(self.task, 30)

    @property
    def stores(self):
        """The adapter under test: its `students`, `inbox`, `tickets` and `payloads` stores."""
        return self.application.bot_data["adapter"]

    def ref(self, telegram_user_id: int) -> str:
        return student_ref(self.application.bot_data["adapter"].key, telegram_user_id)


async def until(predicate: Callable[[], Any], timeout: float = 30.0, what: str = "condition") -> Any:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        await asyncio.sleep(0.05)
    raise AssertionError(f"timed out waiting for {what}")


def texts_to(fake: FakeTelegram, chat_id: int, since: int = 0) -> List[str]:
    return [m.get("text") or "" for m in fake.sent(chat_id)[since:]]


async def said(fake: FakeTelegram, chat_id: int, needle: str, since: int = 0, timeout: float = 30.0) -> dict:
    """Waits until the bot sent `chat_id` a message containing `needle` (after the first `since`)."""
    def find():
        return next((m for m in fake.sent(chat_id)[since:] if needle in (m.get("text") or "")), None)

    try:
        return await until(find, timeout, f"{needle!r} sent to {chat_id}")
    except AssertionError:
        raise AssertionError(f"{needle!r} never sent to {chat_id}; sent: {texts_to(fake, chat_id, since)}") from None


def button(message: dict, title_part: str) -> str:
    """The callback data of the inline button whose title contains `title_part`."""
    for row in (message.get("reply_markup") or {}).get("inline_keyboard", []):
        for item in row:
            if title_part in item["text"]:
                return item["callback_data"]
    raise AssertionError(f"no button {title_part!r} in {message.get('reply_markup')}")
