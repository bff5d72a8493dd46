"""Talks to the Rasa server: its standard REST channel (open to the adapter) and its HTTP API
(trackers, events), which answers only requests carrying the server's token as `?token=`.
The token goes on each API call, never as a client-wide parameter: the action server's health
URL is on another server, which must not receive it."""
from __future__ import annotations

import asyncio
import itertools
from typing import Any, Dict, List, Optional, Sequence, Union

import httpx


# Resuming a paused conversation: the bot listens for the student's next message again
# (without action_listen the rules would not match the turn after the pause).
RESUME_EVENTS: List[Dict[str, Any]] = [{"event": "resume"}, {"event": "action", "name": "action_listen"}]


class AssistantUnavailable(Exception):
    """Rasa (or its action server) did not answer; the message was not processed."""


class MessageRejected(AssistantUnavailable):
    """Rasa is up but answered this message with an HTTP error: trying it forever would block the student."""


def _auth(token: Optional[str]) -> Dict[str, str]:
    return {"token": token} if token else {}


def _reason(error: Exception) -> str:
    """What went wrong, without the request's URL: it carries the token."""
    if isinstance(error, httpx.HTTPStatusError):
        return f"Rasa answered HTTP {error.response.status_code}"
    return f"{type(error).__name__}: {error}"  # a transport error's text names no URL


class RasaClient:
    def __init__(self, base_url: str, timeout_s: float = 30.0, token: Optional[str] = None) -> None:
        self._http = httpx.Client(base_url=base_url, timeout=timeout_s)
        self._auth = _auth(token)

    def send(self, sender: str, text: str, metadata: Optional[Dict[str, Any]] = None) -> List[Dict[str, Any]]:
        """Sends one user message; returns the assistant's replies (text, buttons, custom payloads)."""
        try:
            response = self._http.post("/webhooks/rest/webhook",
                                       json={"sender": sender, "message": text, "metadata": metadata or {}})
            response.raise_for_status()
            return response.json()
        except (httpx.HTTPError, ValueError) as error:
            raise AssistantUnavailable(_reason(error)) from error

    def tracker(self, sender: str) -> Dict[str, Any]:
        try:
            response = self._http.get(f"/conversations/{sender}/tracker", params=self._auth)
            response.raise_for_status()
            return response.json()
        except (httpx.HTTPError, ValueError) as error:
            raise AssistantUnavailable(_reason(error)) from error

    def append_event(self, sender: str, event: Dict[str, Any]) -> None:
        try:
            self._http.post(f"/conversations/{sender}/tracker/events", json=event,
                            params=self._auth).raise_for_status()
        except httpx.HTTPError as error:
            raise AssistantUnavailable(_reason(error)) from error

    def resume(self, sender: str) -> None:
        """Gives a paused conversation back to the bot (see RESUME_EVENTS)."""
        for event in RESUME_EVENTS:
            self.append_event(sender, event)

    def close(self) -> None:
        self._http.close()


class AsyncRasaClient:
    """The same REST channel for the Telegram adapter, which runs in an event loop.

    Several Rasa servers sharing one tracker store (and Redis lock store) may be given: requests go
    round them in turn, and one that refuses the connection is skipped for the next (nothing reached
    it, so nothing can be handled twice). A time-out or a broken answer is not retried on another
    server: that Rasa may have handled the message, and the relay's retry decides."""

    def __init__(self, base_url: Union[str, Sequence[str]], timeout_s: float = 30.0,
                 action_health_url: Optional[str] = None, token: Optional[str] = None,
                 max_in_flight: int = 8) -> None:
        urls = [base_url] if isinstance(base_url, str) else list(base_url)
        self._urls = [url.rstrip("/") for url in urls]
        if not self._urls:
            raise ValueError("no Rasa URL")
        self._http = httpx.AsyncClient(timeout=timeout_s)
        self._action_health_url = action_health_url
        self._auth = _auth(token)
        self._turn = itertools.count()
        # Messages waiting beyond this wait here, not in Rasa's queue: a message queued in Rasa past the
        # time-out is taken for an outage, retried, and may then be in the tracker twice.
        self._in_flight = asyncio.Semaphore(max_in_flight)

    def _order(self) -> List[str]:
        """The servers, starting with the next one in turn."""
        first = next(self._turn) % len(self._urls)
        return self._urls[first:] + self._urls[:first]

    async def _request(self, method: str, path: str, **kwargs: Any) -> httpx.Response:
        """One request to the first server that takes the connection."""
        error: Optional[Exception] = None
        for base in self._order():
            try:
                return await self._http.request(method, base + path, **kwargs)
            except (httpx.ConnectError, httpx.ConnectTimeout) as refused:  # never reached that server
                error = refused
        assert error is not None
        raise error

    async def ready(self) -> bool:
        """Whether a Rasa server and its action server both answer their health checks (a cheap probe,
        so a message is not sent again, and stored again in the tracker, while either is down)."""
        try:
            if (await self._request("GET", "/status", params=self._auth, timeout=5.0)).status_code != 200:
                return False
            if self._action_health_url:
                return (await self._http.get(self._action_health_url, timeout=5.0)).status_code == 200
            return True
        except httpx.HTTPError:
            return False

    async def send(self, sender: str, text: str, metadata: Optional[Dict[str, Any]] = None) -> List[Dict[str, Any]]:
        """Sends one user message; returns the assistant's replies (text, buttons, custom payloads)."""
        try:
            async with self._in_flight:
                response = await self._request("POST", "/webhooks/rest/webhook",
                                               json={"sender": sender, "message": text, "metadata": metadata or {}})
            response.raise_for_status()
            replies = response.json()
        except httpx.HTTPStatusError as error:
            raise MessageRejected(f"Rasa answered HTTP {error.response.status_code}") from error
        except (httpx.HTTPError, ValueError) as error:
            raise AssistantUnavailable(_reason(error)) from error
        if not isinstance(replies, list):
            raise AssistantUnavailable(f"unexpected answer from Rasa: {type(replies).__name__}")
        return replies

    async def append_events(self, sender: str, events: List[Dict[str, Any]]) -> None:
        try:
            response = await self._request("POST", f"/conversations/{sender}/tracker/events", json=events,
                                           params=self._auth)
            response.raise_for_status()
        except httpx.HTTPError as error:
            raise AssistantUnavailable(_reason(error)) from error

    async def resume(self, sender: str) -> None:
        """Gives a paused conversation back to the bot (see RESUME_EVENTS)."""
        await self.append_events(sender, RESUME_EVENTS)

    async def set_language(self, sender: str, language: str) -> None:
        await self.append_events(sender, [{"event": "slot", "name": "language", "value": language}])

    async def close(self) -> None:
        await self._http.aclose()
