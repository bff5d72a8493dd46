"""A local HTTP server speaking Rasa's REST channel protocol, for the adapter's delivery tests: it
echoes each message ("réponse à « … »"), can be stopped and started (an outage), can fail on one
message (HTTP 500), can take its time (so messages of several adapters overlap) and can answer with
what a test needs (`answer`: sender, message -> the bot messages). A real Rasa
cannot be switched off and on, or made to fail on one message, on demand."""
from __future__ import annotations

import asyncio
import socket
from collections import defaultdict
from typing import Any, Callable, Dict, List, Optional

from aiohttp import web


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class EchoRasa:
    """Rasa's REST channel on a fixed port, which can be stopped and started (an outage)."""

    def __init__(self, fail_on: Optional[str] = None, delay_s: float = 0.0,
                 answer: Optional[Callable[[str, str], List[Dict[str, Any]]]] = None) -> None:
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.fail_on = fail_on
        self.delay_s = delay_s
        self.answer = answer or (lambda sender, message: [{"recipient_id": sender, "text": f"réponse à « {message} »"}])
        self.received: List[str] = []
        self.by_sender: Dict[str, List[str]] = defaultdict(list)
        self.in_flight: Dict[str, int] = defaultdict(int)
        self.overlaps = 0  # two messages of one sender handled at the same time (must stay 0)
        self._runner: Optional[web.AppRunner] = None

    async def start(self) -> "EchoRasa":
        async def webhook(request):
            body = await request.json()
            sender, message = body["sender"], body["message"]
            if message == self.fail_on:
                return web.Response(status=500, text="Internal Server Error")
            self.in_flight[sender] += 1
            self.overlaps += self.in_flight[sender] > 1
            try:
                self.received.append(message)
                self.by_sender[sender].append(message)
                if self.delay_s:
                    await asyncio.sleep(self.delay_s)
            finally:
                self.in_flight[sender] -= 1
            return web.json_response(self.answer(sender, message))

        async def events(request):
            return web.json_response({})

        async def status(request):
            return web.json_response({"model_file": "assistant.tar.gz"})

        app = web.Application()
        app.router.add_post("/webhooks/rest/webhook", webhook)
        app.router.add_post("/conversations/{sender}/tracker/events", events)
        app.router.add_get("/status", status)
        self._runner = web.AppRunner(app)
        await self._runner.setup()
        await web.TCPSite(self._runner, "127.0.0.1", self.port).start()
        return self

    async def stop(self) -> None:
        if self._runner:
            await self._runner.cleanup()
            self._runner = None
