"""Telegram's webhook, answered once the update is handled: 200 only when the update is recorded in
the database with what it stored (the message in the inbox, a reply in the outbox), so an adapter
killed before that (or a database that refused the write) gets no 200 and Telegram sends the update
again. PTB's own webhook server answers 200 as soon as the update is queued in memory, which loses
an update queued by an adapter that is then killed.

Updates are handled one at a time per process, as PTB's update queue would (handlers assume it)."""
from __future__ import annotations

import asyncio
import hmac
import json
import logging
from typing import Callable, Optional

from aiohttp import web
from telegram import Update
from telegram.ext import Application

log = logging.getLogger(__name__)


class Webhook:
    def __init__(self, application: Application, listen: str, port: int, path: str, secret: Optional[str],
                 recorded: Callable[[int], bool]) -> None:
        self.application = application
        self.listen, self.port, self.path = listen, port, "/" + path.strip("/")
        self.secret = secret or ""
        self.recorded = recorded
        self._lock = asyncio.Lock()
        self._runner: Optional[web.AppRunner] = None

    async def start(self) -> None:
        app = web.Application(client_max_size=1 << 20)
        app.router.add_post(self.path, self._receive)
        self._runner = web.AppRunner(app, access_log=None)  # access logs would be noise, never data
        await self._runner.setup()
        await web.TCPSite(self._runner, self.listen, self.port).start()

    async def stop(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    async def _receive(self, request: web.Request) -> web.Response:
        """One update from Telegram: checked, handled, and answered 200 only once recorded."""
        given = request.headers.get("X-Telegram-Bot-Api-Secret-Token", "")
        if not self.secret or not hmac.compare_digest(given.encode(), self.secret.encode()):
            return web.Response(status=403)
        try:
            data = json.loads(await request.text())
            update = Update.de_json(data, self.application.bot)
        except Exception as error:  # noqa: BLE001 - nothing of the body may reach the logs
            log.critical("an update from Telegram could not be read and was dropped (%s; body not logged)",
                         type(error).__name__)
            return web.Response(status=400)
        if update is None:
            return web.Response(status=400)
        async with self._lock:
            await self.application.process_update(update)
        try:
            if self.recorded(update.update_id):
                return web.Response(status=200)
        except Exception:  # noqa: BLE001 - the database is down: Telegram tries again later
            log.exception("update %d: could not check that it was recorded", update.update_id)
        return web.Response(status=503)  # not stored: Telegram sends it again
