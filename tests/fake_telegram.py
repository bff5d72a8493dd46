"""A local fake of the Telegram Bot API for tests.

``FakeTelegram`` is an aiohttp server on 127.0.0.1 that answers the Bot API methods a
python-telegram-bot (PTB) ``Application`` uses, in the wire format of the real API, so the
application runs unmodified against it; it is configured only through
``ApplicationBuilder().base_url(fake.base_url).base_file_url(fake.base_file_url)``.

How PTB 22.8 talks to it: ``Bot`` builds the API URL as ``base_url + token`` (no separator; a
``{token}`` placeholder or a callable are also accepted) and POSTs each call to
``f"{that}/{method}"`` through httpx, with every parameter a form field: strings as they are,
everything else (ints, bools, lists, dicts, TelegramObjects) JSON-encoded; ``None`` values are
dropped. Without files the body is ``application/x-www-form-urlencoded``, with files it is
``multipart/form-data``. This server also accepts JSON bodies and query-string parameters, like
Telegram does.

The server, the long polls and the webhook deliveries all run in the event loop that called
``start()``; ``push_*`` are meant to be called from that loop (from another thread they still
work: the wake-up is scheduled thread-safely).
"""

from __future__ import annotations

import asyncio
import copy
import itertools
import json
import re
import time
from dataclasses import dataclass
from http import HTTPStatus
from typing import Any, Callable

import aiohttp
from aiohttp import web

__all__ = ["Call", "FakeTelegram", "parse_telegram_html"]


@dataclass
class Call:
    """One Bot API request the bot made.

    ``params`` are decoded (JSON-encoded form values parsed, string parameters such as ``text``
    kept as strings; uploaded files as dicts with filename/content_type/size/content).
    ``status`` is the HTTP status answered (``None`` while in flight, e.g. a long poll, or when
    the client gave up) and ``response`` the JSON body answered.
    """

    method: str
    params: dict
    at: float  # time.monotonic() at arrival
    status: int | None = None
    response: dict | None = None


class _ApiError(Exception):
    """An error answer ``{"ok": false, ...}`` with the given HTTP status."""

    def __init__(self, code: int, description: str, parameters: dict | None = None) -> None:
        super().__init__(description)
        self.code = code
        self.body: dict[str, Any] = {"ok": False, "error_code": code, "description": description}
        if parameters:
            self.body["parameters"] = parameters


def _bad(description: str) -> _ApiError:
    return _ApiError(400, f"Bad Request: {description}")


# Parameters Telegram reads as strings: never JSON-decode them (the text "42" stays "42").
_STRING_PARAMS = frozenset(
    """text caption parse_mode caption_parse_mode url secret_token callback_query_id
    inline_message_id data ip_address language_code description short_description name title
    action emoji business_connection_id query_id switch_pm_text next_offset game_short_name
    question address foursquare_id google_place_id payload currency provider_token
    start_parameter custom_title invite_link sticker_set_name error_message shipping_query_id
    pre_checkout_query_id message_effect_id file_id photo document video audio voice sticker
    animation video_note thumbnail certificate""".split()
)

# Update types delivered when allowed_updates is empty/unset (Telegram's default).
_NOT_DEFAULT_UPDATES = frozenset({"chat_member", "message_reaction", "message_reaction_count"})

_CHAT_ACTIONS = frozenset(
    """typing upload_photo record_video upload_video record_voice upload_voice upload_document
    choose_sticker find_location record_video_note upload_video_note""".split()
)

_DEFAULT_DESCRIPTIONS = {
    400: "Bad Request",
    401: "Unauthorized",
    403: "Forbidden: bot was blocked by the user",
    404: "Not Found",
    409: "Conflict: terminated by other getUpdates request; "
    "make sure that only one bot instance is running",
    500: "Internal Server Error",
    502: "Bad Gateway",
}

_SECRET_RE = re.compile(r"^[A-Za-z0-9_-]{1,256}$")
_COMMAND_RE = re.compile(r"^[a-z0-9_]{1,32}$")


def _utf16_len(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


def _decode_param(key: str, value: str) -> Any:
    """A form value as Telegram reads it: JSON-decoded unless the parameter is a string one."""
    if key in _STRING_PARAMS or not value or value[0] not in '{["-0123456789tfn':
        return value
    try:
        return json.loads(value)
    except ValueError:
        return value


# --------------------------------------------------------------------------- Telegram HTML

_HTML_TAG_ENTITY = {
    "b": "bold", "strong": "bold", "i": "italic", "em": "italic", "u": "underline",
    "ins": "underline", "s": "strikethrough", "strike": "strikethrough", "del": "strikethrough",
    "a": "text_link", "code": "code", "pre": "pre", "tg-spoiler": "spoiler", "span": "spoiler",
    "blockquote": "blockquote",
}
_NAMED_ENTITIES = {"lt": "<", "gt": ">", "amp": "&", "quot": '"'}
_ENTITY_RE = re.compile(r"&(#[0-9]{1,7}|#[xX][0-9a-fA-F]{1,6}|[A-Za-z][A-Za-z0-9]*);")
_ATTR_RE = re.compile(r"""\s*([A-Za-z_:-][A-Za-z0-9_:.-]*)(?:\s*=\s*("[^"]*"|'[^']*'|[^\s"'>]+))?""")


class HtmlParseError(ValueError):
    """Text is not valid Telegram HTML; the message is Telegram's detail text."""


def _entity_char(ref: str) -> str | None:
    """The character of an HTML entity body (``amp``, ``#39``, ``#x27``), None if unsupported."""
    if not ref.startswith("#"):
        return _NAMED_ENTITIES.get(ref)
    code = int(ref[2:], 16) if ref[1:2] in ("x", "X") else int(ref[1:])
    return chr(code) if 0 < code <= 0x10FFFF and not 0xD800 <= code <= 0xDFFF else None


def _unescape_attr(value: str) -> str:
    return _ENTITY_RE.sub(lambda m: _entity_char(m.group(1)) or m.group(0), value)


def parse_telegram_html(text: str) -> tuple[str, list[dict]]:
    """Parse Telegram-flavoured HTML into (plain text, MessageEntity dicts, UTF-16 offsets).

    Allowed tags: b strong i em u ins s strike del a code pre tg-spoiler blockquote (and
    ``span class="tg-spoiler"``); entities: &lt; &gt; &amp; &quot; and numeric ones (&#39;,
    &#x27;, which ``html.escape`` produces and Telegram accepts). Anything else — another tag or
    named entity, a bare ``&``, an unbalanced tag — raises HtmlParseError. Note that real Telegram
    shows unknown entities and a bare ``&`` literally; the fake rejects them to catch escaping bugs.
    """

    def at(pos: int) -> str:
        return f"at byte offset {len(text[:pos].encode('utf-8'))}"

    out: list[str] = []
    u16 = 0
    stack: list[dict] = []  # open tags: name, attrs, start (utf-16 offset), pos
    entities: list[dict] = []
    i, n = 0, len(text)
    while i < n:
        ch = text[i]
        if ch == "&":
            m = _ENTITY_RE.match(text, i)
            if not m:
                raise HtmlParseError(f"Character '&' must be escaped as &amp; {at(i)}")
            decoded = _entity_char(m.group(1))
            if decoded is None:
                kind = "Invalid" if m.group(1).startswith("#") else "Unsupported"
                raise HtmlParseError(f'{kind} HTML entity "{m.group(0)}" {at(i)}')
            ch = decoded
            out.append(ch)
            u16 += _utf16_len(ch)
            i = m.end()
            continue
        if ch != "<":
            out.append(ch)
            u16 += 2 if ord(ch) > 0xFFFF else 1
            i += 1
            continue
        begin = i
        end = text.find(">", i)
        if text.startswith("</", i):
            if end < 0:
                raise HtmlParseError(f"Unclosed end tag {at(begin)}")
            name = text[i + 2 : end].strip().lower()
            if not stack:
                raise HtmlParseError(f"Unexpected end tag {at(begin)}")
            top = stack.pop()
            if name != top["name"]:
                raise HtmlParseError(
                    f'Unmatched end tag {at(begin)}, expected "</{top["name"]}>", found "</{name}>"'
                )
            _close_tag(top, u16, stack, entities)
            i = end + 1
            continue
        j = i + 1
        while j < n and not text[j].isspace() and text[j] != ">":
            j += 1
        if j >= n or end < 0:
            raise HtmlParseError(f"Unclosed start tag {at(begin)}")
        name = text[i + 1 : j].lower()
        if name not in _HTML_TAG_ENTITY:
            raise HtmlParseError(f'Unsupported start tag "{name}" {at(begin)}')
        attrs: dict[str, str] = {}
        k = j
        while True:
            while k < n and text[k].isspace():
                k += 1
            if k >= n:
                raise HtmlParseError(f"Unclosed start tag {at(begin)}")
            if text[k] == ">":
                break
            m = _ATTR_RE.match(text, k)
            if not m or m.end() == k:
                raise HtmlParseError(f'Invalid attribute in the tag "{name}" {at(k)}')
            raw = m.group(2) or ""
            if raw[:1] in ("'", '"'):
                raw = raw[1:-1]
            attrs[m.group(1).lower()] = _unescape_attr(raw)
            k = m.end()
        if name == "span" and attrs.get("class") != "tg-spoiler":
            raise HtmlParseError(f'Tag "span" must have class "tg-spoiler" {at(begin)}')
        stack.append({"name": name, "attrs": attrs, "start": u16, "pos": begin})
        i = k + 1
    if stack:
        raise HtmlParseError(f'Can\'t find end tag corresponding to start tag "{stack[-1]["name"]}"')
    entities.sort(key=lambda e: (e["offset"], -e["length"]))
    return "".join(out), entities


def _close_tag(tag: dict, u16: int, stack: list[dict], entities: list[dict]) -> None:
    length = u16 - tag["start"]
    name, attrs = tag["name"], tag["attrs"]
    if name == "code" and stack and stack[-1]["name"] == "pre":
        lang = attrs.get("class", "")
        if lang.startswith("language-"):  # <pre><code class="language-x"> → pre with language
            stack[-1]["language"] = lang[len("language-") :]
            return
    if length <= 0:
        return
    entity: dict[str, Any] = {"type": _HTML_TAG_ENTITY[name], "offset": tag["start"], "length": length}
    if name == "a":
        if not attrs.get("href"):
            return
        entity["url"] = attrs["href"]
    elif name == "pre" and tag.get("language"):
        entity["language"] = tag["language"]
    elif name == "blockquote" and "expandable" in attrs:
        entity["type"] = "expandable_blockquote"
    entities.append(entity)


# --------------------------------------------------------------------------- the fake server


class FakeTelegram:
    """A fake Telegram Bot API server for one bot (see the module docstring)."""

    TOKEN = "123456789:TEST-token"

    def __init__(self, bot_id: int = 900, bot_username: str = "ul_mobility_test_bot") -> None:
        self.bot_id = bot_id
        self.bot_username = bot_username
        self.bot_user = {"id": bot_id, "is_bot": True, "first_name": "Test Bot", "username": bot_username}
        self.calls: list[Call] = []
        self.webhook_url: str | None = None
        self.webhook_secret: str | None = None
        self.webhook_deliveries: list[tuple[int, int]] = []  # (update_id, HTTP status; 0 = unreachable)
        self.files: dict[str, bytes] = {}  # file_path → content, served under base_file_url
        self._file_ids: dict[str, dict] = {}
        self._pending: list[dict] = []  # updates not yet confirmed (polling) / delivered (webhook)
        self._allowed_updates: list[str] = []
        self._update_ids = itertools.count(100_000_001)
        self._callback_ids = itertools.count(6_000_000_000_000_000_001)
        self._next_message_id: dict[int | str, int] = {}
        self._messages: dict[tuple[int | str, int], dict] = {}  # live state of every message
        self._sent: list[dict] = []  # snapshots of what the bot sent with sendMessage
        self.uploads: list[dict] = []  # photos and documents the bot sent: chat, method, caption, bytes
        self._chats: dict[int | str, dict] = {}
        self._callbacks: dict[str, dict] = {}
        self._commands: dict[str, list[dict]] = {}
        self._faults: dict[str, list[tuple[int, int | None, str | None]]] = {}
        self._delays: dict[str, list[float]] = {}  # method -> answer delays: done at once, answered late
        self._webhook_info: dict[str, Any] = {}
        self._poll_generation = 0
        self._loop: asyncio.AbstractEventLoop | None = None
        self._changed: asyncio.Event | None = None
        self._closing = False
        self._runner: web.AppRunner | None = None
        self._session: aiohttp.ClientSession | None = None
        self._worker: asyncio.Task | None = None
        self._port: int | None = None
        self._handlers: dict[str, Callable[[dict], Any]] = {
            name: getattr(self, "_api_" + name)
            for name in """getMe getUpdates sendMessage editMessageText editMessageReplyMarkup
            deleteMessage answerCallbackQuery setWebhook deleteWebhook getWebhookInfo setMyCommands
            deleteMyCommands getMyCommands close logOut sendChatAction getFile sendPhoto sendDocument""".split()
        }
        self._by_lower = {name.lower(): name for name in self._handlers}

    # ------------------------------------------------------------------ lifecycle

    async def start(self) -> None:
        """Serve on 127.0.0.1 (a free port) in the running loop; start the webhook sender."""
        self._loop = asyncio.get_running_loop()
        self._changed = asyncio.Event()
        self._closing = False
        app = web.Application(client_max_size=64 * 1024 * 1024)
        app.router.add_route("*", "/bot{token}/{method}", self._handle_api)
        app.router.add_route("GET", "/file/bot{token}/{path:.+}", self._handle_file)
        self._runner = web.AppRunner(app, handle_signals=False, shutdown_timeout=1.0,
                                     handler_cancellation=True, access_log=None)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        self._port = self._runner.addresses[0][1]
        self._session = aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=10))
        self._worker = asyncio.create_task(self._webhook_worker(), name="fake-telegram-webhook")

    async def stop(self) -> None:
        """Answer pending long polls, stop the webhook sender and the server."""
        self._closing = True
        self._fire()
        if self._worker:
            self._worker.cancel()
            try:
                await self._worker
            except (asyncio.CancelledError, Exception):
                pass
            self._worker = None
        if self._runner:
            await self._runner.cleanup()
            self._runner = None
        if self._session:
            await self._session.close()
            self._session = None

    async def __aenter__(self) -> "FakeTelegram":
        await self.start()
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.stop()

    @property
    def base_url(self) -> str:
        """For ``ApplicationBuilder().base_url(...)``: PTB appends the token, then ``/method``."""
        return f"http://127.0.0.1:{self._require_port()}/bot"

    @property
    def base_file_url(self) -> str:
        """For ``ApplicationBuilder().base_file_url(...)``."""
        return f"http://127.0.0.1:{self._require_port()}/file/bot"

    def _require_port(self) -> int:
        if self._port is None:
            raise RuntimeError("FakeTelegram is not started: await fake.start() first")
        return self._port

    # ------------------------------------------------------------------ what users send

    def push_message(self, user_id: int, text: str | None = None, *, chat_id: int | None = None,
                     chat_type: str = "private", first_name: str = "Ana",
                     language_code: str | None = "fr", reply_to_message_id: int | None = None,
                     extra: dict | None = None) -> dict:
        """A user sends a message; returns the Message dict (also stored for replies/edits)."""
        user = self._user(user_id, first_name, language_code)
        chat = self._chat(user_id if chat_id is None else chat_id, chat_type, user)
        msg: dict[str, Any] = {
            "message_id": self._new_message_id(chat["id"]),
            "from": user,
            "chat": chat,
            "date": int(time.time()),
        }
        if reply_to_message_id is not None:
            msg["reply_to_message"] = self._reply_target(chat["id"], reply_to_message_id)
        if text is not None:
            msg["text"] = text
            entities = self._command_entities(text)
            if entities:
                msg["entities"] = entities
        msg.update(extra or {})
        self._messages[(chat["id"], msg["message_id"])] = msg
        self.push_update({"message": copy.deepcopy(msg)})
        return copy.deepcopy(msg)

    def push_edited_message(self, user_id: int, message_id: int, text: str, **kw: Any) -> dict:
        """A user edits their message ``message_id`` (kw: chat_id, chat_type, first_name,
        language_code, extra as in push_message); returns the edited Message dict."""
        user = self._user(user_id, kw.get("first_name", "Ana"), kw.get("language_code", "fr"))
        chat_id = kw.get("chat_id")
        chat = self._chat(user_id if chat_id is None else chat_id, kw.get("chat_type", "private"), user)
        msg = self._messages.get((chat["id"], message_id))
        if msg is None:
            msg = {"message_id": message_id, "from": user, "chat": chat, "date": int(time.time())}
            self._messages[(chat["id"], message_id)] = msg
        msg["text"] = text
        msg.pop("entities", None)
        entities = self._command_entities(text)
        if entities:
            msg["entities"] = entities
        msg["edit_date"] = int(time.time())
        msg.update(kw.get("extra") or {})
        self.push_update({"edited_message": copy.deepcopy(msg)})
        return copy.deepcopy(msg)

    def push_callback(self, user_id: int, data: str | None, *, message_id: int, chat_id: int | None = None,
                      chat_type: str = "private", first_name: str = "Ana",
                      language_code: str | None = "fr") -> dict:
        """A user presses an inline button with callback ``data`` under the bot message
        ``message_id``; returns the CallbackQuery dict (its ``id`` is what answerCallbackQuery
        must quote). Raises KeyError if the bot never sent (or deleted) that message."""
        user = self._user(user_id, first_name, language_code)
        chat = self._chat(user_id if chat_id is None else chat_id, chat_type, user)
        msg = self._messages.get((chat["id"], message_id))
        if msg is None or msg.get("from", {}).get("id") != self.bot_id:
            raise KeyError(f"no bot message {message_id} in chat {chat['id']} to press a button on")
        query = {
            "id": str(next(self._callback_ids)),
            "from": user,
            "message": copy.deepcopy(msg),
            "chat_instance": str(abs(hash(("chat_instance", chat["id"]))) % 10**19),
        }
        if data is not None:  # a modified client (or a game) can send a query without data
            query["data"] = data
        self._callbacks[query["id"]] = {"query": query, "answered": False}
        self.push_update({"callback_query": copy.deepcopy(query)})
        return copy.deepcopy(query)

    def push_update(self, update: dict) -> int:
        """Queue any raw update (for getUpdates, or for the webhook when one is set); assigns and
        returns its update_id."""
        update = dict(update)
        update["update_id"] = next(self._update_ids)
        self._pending.append(update)
        self._notify()
        return update["update_id"]

    def add_file(self, file_id: str, content: bytes, file_path: str | None = None) -> dict:
        """Make ``file_id`` known to getFile and downloadable under base_file_url."""
        file_path = file_path or f"documents/file_{len(self._file_ids)}"
        self.files[file_path] = content
        info = {"file_id": file_id, "file_unique_id": f"u{file_id[:15]}", "file_size": len(content),
                "file_path": file_path}
        self._file_ids[file_id] = info
        return dict(info)

    # ------------------------------------------------------------------ what the bot did

    def sent(self, chat_id: int | None = None) -> list[dict]:
        """Messages the bot sent with sendMessage (to ``chat_id`` if given), in order, as sent
        (later edits do not change them: see ``message()``). ``reply_markup`` is always present
        (None if none was sent; reply keyboards included)."""
        return [copy.deepcopy(m) for m in self._sent if chat_id is None or m["chat"]["id"] == chat_id]

    def message(self, chat_id: int, message_id: int) -> dict | None:
        """The current state of a message (after edits), or None if unknown/deleted."""
        msg = self._messages.get((chat_id, message_id))
        return copy.deepcopy(msg) if msg is not None else None

    @property
    def pending_updates(self) -> list[dict]:
        """Updates not yet confirmed by getUpdates' offset (or not yet delivered to the webhook)."""
        return copy.deepcopy(self._pending)

    async def wait_for_sent(self, chat_id: int, count: int = 1, timeout: float = 20.0) -> list[dict]:
        """Wait until the bot sent at least ``count`` messages to ``chat_id`` (counting from the
        start); returns all of them. AssertionError with what was sent on timeout."""
        if await self._wait_until(lambda: len(self.sent(chat_id)) >= count, timeout):
            return self.sent(chat_id)
        texts = [m.get("text") for m in self.sent(chat_id)]
        others = [(m["chat"]["id"], m.get("text")) for m in self._sent if m["chat"]["id"] != chat_id]
        raise AssertionError(
            f"expected {count} message(s) sent to chat {chat_id} within {timeout}s, got {len(texts)}: "
            f"{texts!r}; sent to other chats: {others!r}; calls: {[c.method for c in self.calls]}"
        )

    async def wait_for_call(self, method: str, predicate: Callable[[Call], bool] = lambda call: True,
                            timeout: float = 20.0, *, since: float | None = None) -> Call:
        """The first call of ``method`` (case-insensitive) matching ``predicate``, already made or
        coming within ``timeout``; ``since`` (a time.monotonic() value) ignores older calls."""

        def find() -> Call | None:
            for call in self.calls:
                if call.method.lower() == method.lower() and (since is None or call.at >= since) \
                        and predicate(call):
                    return call
            return None

        call = await self._wait_until(find, timeout)
        if call is None:
            raise AssertionError(
                f"no {method} call matching within {timeout}s; calls: {[c.method for c in self.calls]}"
            )
        return call

    # ------------------------------------------------------------------ faults

    def fail_next(self, method: str, *, status: int = 429, retry_after: int | None = None,
                  times: int = 1, description: str | None = None) -> None:
        """The next ``times`` calls of ``method`` answer with HTTP ``status`` (429 carries
        ``parameters.retry_after``, 1 if not given) instead of being executed."""
        if status == 429 and retry_after is None:
            retry_after = 1
        self._faults.setdefault(method.lower(), []).extend([(status, retry_after, description)] * times)

    def delay_next(self, method: str, seconds: float, *, times: int = 1) -> None:
        """The next ``times`` calls of ``method`` are carried out at once but answered ``seconds``
        later: a client whose read time-out is shorter sees a time-out for a call that succeeded."""
        self._delays.setdefault(method.lower(), []).extend([seconds] * times)

    # ------------------------------------------------------------------ HTTP plumbing

    async def _handle_api(self, request: web.Request) -> web.Response:
        method = request.match_info["method"]
        canonical = self._by_lower.get(method.lower())
        try:
            params = await self._read_params(request)
        except _ApiError as exc:
            params, early = {}, exc
        else:
            early = None
        call = Call(canonical or method, params, time.monotonic())
        self.calls.append(call)
        self._notify()
        fault = self._faults.get(method.lower())
        if request.match_info["token"] != self.TOKEN:
            error: _ApiError | None = _ApiError(401, "Unauthorized")
        elif early is not None:
            error = early
        elif fault:
            status, retry_after, description = fault.pop(0)
            if description is None:
                description = (f"Too Many Requests: retry after {retry_after}" if status == 429
                               else _DEFAULT_DESCRIPTIONS.get(status) or HTTPStatus(status).phrase)
            params_ = {"retry_after": retry_after} if retry_after is not None else None
            error = _ApiError(status, description, params_)
        elif canonical is None:
            error = _ApiError(404, "Not Found")
        else:
            error = None
        if error is None:
            try:
                result = self._handlers[canonical](params)
                if asyncio.iscoroutine(result):
                    result = await result
                status, body = 200, {"ok": True, "result": result}
            except _ApiError as exc:
                status, body = exc.code, exc.body
        else:
            status, body = error.code, error.body
        call.status, call.response = status, body
        self._notify()
        delays = self._delays.get(method.lower())
        if delays and error is None:
            await asyncio.sleep(delays.pop(0))
        return web.json_response(body, status=status)

    async def _read_params(self, request: web.Request) -> dict:
        params: dict[str, Any] = {k: _decode_param(k, v) for k, v in request.query.items()}
        ctype = request.content_type
        if ctype == "application/json":
            raw = await request.read()
            if raw.strip():
                try:
                    body = json.loads(raw)
                except ValueError:
                    raise _bad("can't parse JSON object") from None
                if not isinstance(body, dict):
                    raise _bad("JSON object expected")
                params.update(body)
        elif ctype in ("application/x-www-form-urlencoded", "multipart/form-data"):
            form = await request.post()
            for key, value in form.items():
                if isinstance(value, web.FileField):
                    with value.file:
                        content = value.file.read()
                    params[key] = {"filename": value.filename, "content_type": value.content_type,
                                   "size": len(content), "content": content}
                else:
                    params[key] = _decode_param(key, value)
        return params

    async def _handle_file(self, request: web.Request) -> web.Response:
        content = self.files.get(request.match_info["path"])
        if request.match_info["token"] != self.TOKEN:
            return web.json_response(_ApiError(401, "Unauthorized").body, status=401)
        if content is None:
            return web.json_response(_ApiError(404, "Not Found").body, status=404)
        return web.Response(body=content, content_type="application/octet-stream")

    # ------------------------------------------------------------------ waiting

    def _fire(self) -> None:
        if self._changed is not None:
            event, self._changed = self._changed, asyncio.Event()
            event.set()

    def _notify(self) -> None:
        """Wake everything waiting on the fake's state (thread-safe)."""
        loop = self._loop
        if loop is None or loop.is_closed():
            return
        try:
            running = asyncio.get_running_loop()
        except RuntimeError:
            running = None
        if running is loop:
            self._fire()
        else:
            loop.call_soon_threadsafe(self._fire)

    async def _wait_until(self, predicate: Callable[[], Any], timeout: float | None) -> Any:
        """``predicate()`` as soon as it is truthy, or its last (falsy) value after ``timeout``
        or when the fake stops."""
        if self._changed is None:
            raise RuntimeError("FakeTelegram is not started: await fake.start() first")
        loop = asyncio.get_running_loop()
        deadline = None if timeout is None else loop.time() + timeout
        while True:
            result = predicate()
            if result or self._closing:
                return result
            remaining = None if deadline is None else deadline - loop.time()
            if remaining is not None and remaining <= 0:
                return result
            try:
                await asyncio.wait_for(self._changed.wait(), remaining)
            except asyncio.TimeoutError:
                pass

    # ------------------------------------------------------------------ model helpers

    def _user(self, user_id: int, first_name: str, language_code: str | None) -> dict:
        user: dict[str, Any] = {"id": user_id, "is_bot": False, "first_name": first_name}
        if language_code is not None:
            user["language_code"] = language_code
        return dict(user)

    def _chat(self, chat_id: int, chat_type: str, user: dict | None = None) -> dict:
        if chat_type == "private":
            chat = {"id": chat_id, "type": "private",
                    "first_name": (user or {}).get("first_name", "Ana")}
        else:
            chat = self._chats.get(chat_id) or {"id": chat_id, "type": chat_type,
                                                "title": f"Test {chat_type}"}
        self._chats[chat_id] = chat
        return dict(chat)

    def _chat_for_bot(self, chat_id: Any) -> dict:
        if chat_id is None or chat_id == "":
            raise _bad("chat_id is empty")
        if isinstance(chat_id, str):
            try:
                chat_id = int(chat_id)
            except ValueError:
                raise _bad("chat not found") from None
        if not isinstance(chat_id, int) or isinstance(chat_id, bool):
            raise _bad("chat not found")
        if chat_id not in self._chats:  # lenient: any id is a reachable chat
            if chat_id > 0:
                self._chats[chat_id] = {"id": chat_id, "type": "private", "first_name": "User"}
            else:
                kind = "supergroup" if str(chat_id).startswith("-100") else "group"
                self._chats[chat_id] = {"id": chat_id, "type": kind, "title": f"Test {kind}"}
        return dict(self._chats[chat_id])

    def _new_message_id(self, chat_id: int | str) -> int:
        self._next_message_id[chat_id] = self._next_message_id.get(chat_id, 0) + 1
        return self._next_message_id[chat_id]

    def _reply_target(self, chat_id: int | str, message_id: int) -> dict:
        target = self._messages.get((chat_id, message_id))
        if target is None:
            return {"message_id": message_id, "chat": dict(self._chats.get(chat_id, {"id": chat_id})),
                    "date": int(time.time())}
        target = copy.deepcopy(target)
        target.pop("reply_to_message", None)
        return target

    @staticmethod
    def _command_entities(text: str) -> list[dict]:
        m = re.match(r"/[A-Za-z0-9_]{1,64}(@[A-Za-z0-9_]{3,64})?", text)
        return [{"type": "bot_command", "offset": 0, "length": _utf16_len(m.group(0))}] if m else []

    def _text_and_entities(self, params: dict) -> tuple[str, list[dict]]:
        """Validate and parse a message text as Telegram does (sendMessage/editMessageText)."""
        text = params.get("text")
        if text is None or (isinstance(text, str) and not text.strip()):
            raise _bad("message text is empty")
        text = str(text)
        mode = params.get("parse_mode")
        entities = params.get("entities") or []
        if isinstance(mode, str) and mode.lower() == "html":
            try:
                text, entities = parse_telegram_html(text)
            except HtmlParseError as exc:
                raise _bad(f"can't parse entities: {exc}") from None
            if not text.strip():
                raise _bad("message text is empty")
        elif mode and str(mode).lower() not in ("markdown", "markdownv2"):  # not validated
            raise _bad("unsupported parse_mode")
        if _utf16_len(text) > 4096:
            raise _bad("message is too long")
        return text, entities

    @staticmethod
    def _check_markup(markup: Any) -> Any:
        if markup is None:
            return None
        if not isinstance(markup, dict):
            raise _bad("can't parse reply keyboard markup JSON object")
        rows = markup.get("inline_keyboard")
        if rows is not None:
            if not isinstance(rows, list) or not all(isinstance(r, list) for r in rows):
                raise _bad("can't parse inline keyboard button: field \"inline_keyboard\" must be an Array of Array")
            actions = {"url", "callback_data", "web_app", "login_url", "switch_inline_query",
                       "switch_inline_query_current_chat", "switch_inline_query_chosen_chat",
                       "copy_text", "callback_game", "pay"}
            for button in (b for row in rows for b in row):
                if not isinstance(button, dict) or not button.get("text"):
                    raise _bad("can't parse inline keyboard button: Text must be non-empty")
                if not actions & button.keys():
                    raise _bad("can't parse inline keyboard button: Text buttons are unallowed in the inline keyboard")
                data = button.get("callback_data")
                if data is not None and not 1 <= len(str(data).encode("utf-8")) <= 64:
                    raise _bad("BUTTON_DATA_INVALID")
        return markup

    def _bot_message(self, params: dict) -> dict:
        """The stored message (chat_id, message_id) for edits, or {} if unknown/deleted."""
        chat = self._chat_for_bot(params.get("chat_id"))
        msg = self._messages.get((chat["id"], params.get("message_id")))
        return msg if msg is not None else {}

    # ------------------------------------------------------------------ updates

    def _allowed(self, update: dict) -> bool:
        kind = next((k for k in update if k != "update_id"), None)
        if self._allowed_updates:
            return kind in self._allowed_updates
        return kind not in _NOT_DEFAULT_UPDATES

    def _deliverable(self, limit: int) -> list[dict]:
        self._pending = [u for u in self._pending if self._allowed(u)]
        return copy.deepcopy(self._pending[:limit])

    def _confirm(self, offset: Any) -> None:
        if isinstance(offset, int) and not isinstance(offset, bool):
            if offset < 0:
                self._pending = self._pending[offset:]
            else:
                self._pending = [u for u in self._pending if u["update_id"] >= offset]

    async def _webhook_worker(self) -> None:
        """Deliver pending updates to the webhook, one at a time, in order."""
        while not self._closing:
            batch = await self._wait_until(lambda: bool(self.webhook_url) and self._deliverable(1), None)
            if not batch or self._closing:
                continue
            update = batch[0]
            status = await self._post_webhook(self.webhook_url or "", self.webhook_secret, update)
            if status is None:  # webhook changed meanwhile: keep the update pending
                continue
            self.webhook_deliveries.append((update["update_id"], status))
            self._pending = [u for u in self._pending if u["update_id"] != update["update_id"]]
            self._notify()

    async def _post_webhook(self, url: str, secret: str | None, update: dict) -> int | None:
        headers = {"Content-Type": "application/json"}
        if secret:
            headers["X-Telegram-Bot-Api-Secret-Token"] = secret
        assert self._session is not None
        delay = 0.05
        for _attempt in range(12):  # ~5 s: the webhook server may not be listening yet
            if self._closing or self.webhook_url != url:
                return None
            try:
                async with self._session.post(url, data=json.dumps(update), headers=headers) as resp:
                    await resp.read()
                    if not 200 <= resp.status <= 299:
                        self._webhook_info = {"last_error_date": int(time.time()),
                                              "last_error_message": f"Wrong response from the webhook: "
                                              f"{resp.status} {resp.reason}"}
                    return resp.status
            except (aiohttp.ClientConnectionError, asyncio.TimeoutError, OSError) as exc:
                self._webhook_info = {"last_error_date": int(time.time()),
                                      "last_error_message": f"Connection failed: {exc}"}
            await asyncio.sleep(delay)
            delay = min(delay * 2, 0.5)
        return 0

    # ------------------------------------------------------------------ API methods

    def _api_getMe(self, p: dict) -> dict:
        return {**self.bot_user, "can_join_groups": True, "can_read_all_group_messages": False,
                "supports_inline_queries": False, "can_connect_to_business": False,
                "has_main_web_app": False}

    async def _api_getUpdates(self, p: dict) -> list[dict]:
        if self.webhook_url:
            raise _ApiError(409, "Conflict: can't use getUpdates method while webhook is active; "
                                 "use deleteWebhook to delete the webhook first")
        if isinstance(p.get("allowed_updates"), list):
            self._allowed_updates = list(p["allowed_updates"])
        self._confirm(p.get("offset"))
        limit = p.get("limit", 100)
        limit = max(1, min(100, limit if isinstance(limit, int) else 100))
        timeout = p.get("timeout", 0)
        timeout = max(0.0, min(50.0, float(timeout) if isinstance(timeout, (int, float)) else 0.0))
        self._poll_generation += 1
        generation = self._poll_generation
        self._fire()  # an older long poll still waiting is terminated (409), like Telegram
        await self._wait_until(
            lambda: self._deliverable(limit) or generation != self._poll_generation or self.webhook_url,
            timeout,
        )
        if generation != self._poll_generation:
            raise _ApiError(409, _DEFAULT_DESCRIPTIONS[409])
        if self.webhook_url or self._closing:
            return []
        return self._deliverable(limit)

    def _api_sendMessage(self, p: dict) -> dict:
        chat = self._chat_for_bot(p.get("chat_id"))
        text, entities = self._text_and_entities(p)
        markup = self._check_markup(p.get("reply_markup"))
        reply_params = p.get("reply_parameters")
        reply_to, reply_chat, allow_missing = p.get("reply_to_message_id"), chat["id"], bool(
            p.get("allow_sending_without_reply")
        )
        if isinstance(reply_params, dict):
            reply_to = reply_params.get("message_id")
            reply_chat = reply_params.get("chat_id", chat["id"])
            allow_missing = bool(reply_params.get("allow_sending_without_reply"))
        reply = None
        if reply_to is not None:
            if (reply_chat, reply_to) in self._messages:
                reply = self._reply_target(reply_chat, reply_to)
            elif not allow_missing:
                raise _bad("message to be replied not found")
        msg: dict[str, Any] = {
            "message_id": self._new_message_id(chat["id"]),
            "from": dict(self.bot_user),
            "chat": chat,
            "date": int(time.time()),
        }
        if reply is not None:
            msg["reply_to_message"] = reply
        msg["text"] = text
        if entities:
            msg["entities"] = entities
        if isinstance(markup, dict) and "inline_keyboard" in markup:
            msg["reply_markup"] = markup  # Telegram echoes inline keyboards only
        self._messages[(chat["id"], msg["message_id"])] = msg
        self._sent.append({**copy.deepcopy(msg), "reply_markup": copy.deepcopy(markup)})
        return copy.deepcopy(msg)

    def _upload(self, p: dict, field: str, method: str) -> dict:
        """sendPhoto / sendDocument with a file uploaded as multipart/form-data (what PTB sends for bytes)."""
        chat = self._chat_for_bot(p.get("chat_id"))
        upload = p.get(field)
        if not isinstance(upload, dict) or not upload.get("size"):
            raise _bad(f"there is no {field} in the request")
        if field == "photo" and not upload["content"].startswith(b"\x89PNG\r\n\x1a\n") \
                and not upload["content"].startswith(b"\xff\xd8"):
            raise _bad("IMAGE_PROCESS_FAILED")
        caption = p.get("caption")
        if caption is not None and _utf16_len(str(caption)) > 1024:
            raise _bad("message caption is too long")
        msg: dict[str, Any] = {"message_id": self._new_message_id(chat["id"]), "from": dict(self.bot_user),
                               "chat": chat, "date": int(time.time())}
        if caption:
            msg["caption"] = str(caption)
        file_id = f"{field}-{len(self.uploads) + 1}"
        msg[field] = ([{"file_id": file_id, "file_unique_id": file_id, "width": 750, "height": 320,
                        "file_size": upload["size"]}] if field == "photo"
                      else {"file_id": file_id, "file_unique_id": file_id, "file_name": upload.get("filename"),
                            "file_size": upload["size"]})
        self._messages[(chat["id"], msg["message_id"])] = msg
        self.uploads.append({"chat_id": chat["id"], "method": method, "caption": caption,
                             "filename": upload.get("filename"), "content": upload["content"]})
        return copy.deepcopy(msg)

    def _api_sendPhoto(self, p: dict) -> dict:
        return self._upload(p, "photo", "sendPhoto")

    def _api_sendDocument(self, p: dict) -> dict:
        return self._upload(p, "document", "sendDocument")

    def _edit(self, p: dict, *, text: bool) -> dict | bool:
        if p.get("inline_message_id"):
            if text:
                self._text_and_entities(p)
            return True
        msg = self._bot_message(p)
        if not msg:
            raise _bad("message to edit not found")
        if msg["from"]["id"] != self.bot_id:
            raise _bad("message can't be edited")
        markup = self._check_markup(p.get("reply_markup"))
        inline = markup if isinstance(markup, dict) and "inline_keyboard" in markup else None
        new = dict(msg)
        if text:
            new["text"], entities = self._text_and_entities(p)
            new.pop("entities", None)
            if entities:
                new["entities"] = entities
        new.pop("reply_markup", None)
        if inline:
            new["reply_markup"] = inline
        if (new.get("text"), new.get("entities"), new.get("reply_markup")) == (
            msg.get("text"), msg.get("entities"), msg.get("reply_markup")
        ):
            raise _bad("message is not modified: specified new message content and reply markup "
                       "are exactly the same as a current content and reply markup of the message")
        new["edit_date"] = int(time.time())
        msg.clear()
        msg.update(new)
        return copy.deepcopy(msg)

    def _api_editMessageText(self, p: dict) -> dict | bool:
        return self._edit(p, text=True)

    def _api_editMessageReplyMarkup(self, p: dict) -> dict | bool:
        return self._edit(p, text=False)

    def _api_deleteMessage(self, p: dict) -> bool:
        chat = self._chat_for_bot(p.get("chat_id"))
        if self._messages.pop((chat["id"], p.get("message_id")), None) is None:
            raise _bad("message to delete not found")
        return True

    def _api_answerCallbackQuery(self, p: dict) -> bool:
        entry = self._callbacks.get(str(p.get("callback_query_id", "")))
        if entry is None or entry["answered"]:
            raise _bad("query is too old and response timeout expired or query ID is invalid")
        if len(str(p.get("text") or "")) > 200:
            raise _bad("MESSAGE_TOO_LONG")
        entry["answered"] = True
        return True

    def _api_setWebhook(self, p: dict) -> bool:
        url = p.get("url")
        if url is None:
            raise _bad("parameter \"url\" is required")
        url = str(url)
        secret = p.get("secret_token")
        if secret is not None and not _SECRET_RE.match(str(secret)):
            raise _bad("secret token contains unallowed characters")
        if url and not re.match(r"^https?://", url):
            raise _bad("bad webhook: An HTTPS URL must be provided for webhook")
        if isinstance(p.get("allowed_updates"), list):
            self._allowed_updates = list(p["allowed_updates"])
        if p.get("drop_pending_updates") is True:
            self._pending.clear()
        self.webhook_url = url or None
        self.webhook_secret = (str(secret) if secret else None) if url else None
        self._webhook_info = {
            k: p[k] for k in ("max_connections", "ip_address") if p.get(k) is not None
        }
        self._notify()
        return True

    def _api_deleteWebhook(self, p: dict) -> bool:
        if p.get("drop_pending_updates") is True:
            self._pending.clear()
        self.webhook_url = self.webhook_secret = None
        self._notify()
        return True

    def _api_getWebhookInfo(self, p: dict) -> dict:
        info: dict[str, Any] = {"url": self.webhook_url or "", "has_custom_certificate": False,
                                "pending_update_count": len(self._pending)}
        if self.webhook_url:
            info["max_connections"] = self._webhook_info.get("max_connections", 40)
            info["ip_address"] = self._webhook_info.get("ip_address", "127.0.0.1")
            for key in ("last_error_date", "last_error_message"):
                if key in self._webhook_info:
                    info[key] = self._webhook_info[key]
            if self._allowed_updates:
                info["allowed_updates"] = list(self._allowed_updates)
        return info

    @staticmethod
    def _commands_key(p: dict) -> str:
        scope = p.get("scope") or {"type": "default"}
        return json.dumps(scope, sort_keys=True) + "|" + str(p.get("language_code") or "")

    def _api_setMyCommands(self, p: dict) -> bool:
        commands = p.get("commands")
        if not isinstance(commands, list) or len(commands) > 100:
            raise _bad("can't parse commands JSON object")
        for command in commands:
            if not isinstance(command, dict) or not _COMMAND_RE.match(str(command.get("command", ""))):
                raise _bad("BOT_COMMAND_INVALID")
            if not 1 <= len(str(command.get("description", ""))) <= 256:
                raise _bad("BOT_COMMAND_DESCRIPTION_INVALID")
        self._commands[self._commands_key(p)] = [
            {"command": c["command"], "description": c["description"]} for c in commands
        ]
        return True

    def _api_deleteMyCommands(self, p: dict) -> bool:
        self._commands.pop(self._commands_key(p), None)
        return True

    def _api_getMyCommands(self, p: dict) -> list[dict]:
        return copy.deepcopy(self._commands.get(self._commands_key(p), []))

    def _api_close(self, p: dict) -> bool:
        return True

    def _api_logOut(self, p: dict) -> bool:
        return True

    def _api_sendChatAction(self, p: dict) -> bool:
        self._chat_for_bot(p.get("chat_id"))
        if p.get("action") not in _CHAT_ACTIONS:
            raise _bad("wrong parameter action in request")
        return True

    def _api_getFile(self, p: dict) -> dict:
        info = self._file_ids.get(str(p.get("file_id", "")))
        if info is None:
            raise _bad("invalid file_id")
        return dict(info)
