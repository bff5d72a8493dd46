"""Sending to Telegram with retries: a 429 waits the time Telegram asks for, a time-out or a
5xx backs off and tries again; other errors (blocked by the user, bad request) are final."""
from __future__ import annotations

import asyncio
import datetime as dt
import logging
from dataclasses import dataclass
from typing import Any, Awaitable, Callable, Dict, List, Optional, TypeVar

from telegram import Bot, InlineKeyboardMarkup, Message, ReplyParameters
from telegram.constants import ParseMode
from telegram.error import BadRequest, ChatMigrated, Forbidden, NetworkError, RetryAfter, TelegramError, TimedOut

from bot.telegram.format import MAX_MESSAGE, html_message, split_text, utf16_len

log = logging.getLogger(__name__)
T = TypeVar("T")

ATTEMPTS = 6
FIRST_BACKOFF_S = 0.5
MAX_WAIT_S = 60.0


class DeliveryFailed(Exception):
    """Telegram refused or kept failing a call; the message says which and why."""


def _seconds(retry_after) -> float:
    return retry_after.total_seconds() if isinstance(retry_after, dt.timedelta) else float(retry_after)


async def with_retries(call: Callable[[], Awaitable[T]], what: str, attempts: int = ATTEMPTS,
                       first_backoff_s: float = FIRST_BACKOFF_S) -> T:
    backoff = first_backoff_s
    for attempt in range(1, attempts + 1):
        try:
            return await call()
        except RetryAfter as error:
            wait = min(_seconds(error.retry_after), MAX_WAIT_S)
            log.warning("Telegram asks to wait %.1f s before %s (attempt %d)", wait, what, attempt)
        except (Forbidden, BadRequest) as error:  # final: retrying cannot help
            raise DeliveryFailed(f"{what}: {error.message}") from error
        except ChatMigrated as error:
            raise DeliveryFailed(f"{what}: the chat became supergroup {error.new_chat_id} "
                                 "(update STAFF_CHAT_ID)") from error
        except (TimedOut, NetworkError) as error:  # time-outs and 5xx
            wait = backoff
            backoff = min(backoff * 2, MAX_WAIT_S)
            log.warning("Telegram error on %s (%s); retrying in %.1f s (attempt %d)", what, error.message, wait,
                        attempt)
        except TelegramError as error:  # anything else Telegram refuses is final too
            raise DeliveryFailed(f"{what}: {error.message}") from error
        if attempt < attempts:
            await asyncio.sleep(wait)
    raise DeliveryFailed(f"{what}: still failing after {attempts} attempts")


async def send_text(bot: Bot, chat_id: int, text: str, *, keyboard: Optional[InlineKeyboardMarkup] = None,
                    bold_prefix: Optional[str] = None, reply_to: Optional[int] = None) -> List[Message]:
    """Sends a text of any length as escaped HTML pieces; the keyboard goes on the last piece."""
    room = MAX_MESSAGE - (utf16_len(bold_prefix) + 1 if bold_prefix else 0)
    pieces = split_text(text, room)
    sent: List[Message] = []
    for index, piece in enumerate(pieces):
        last = index == len(pieces) - 1
        body = html_message(piece, bold_prefix if index == 0 else None)

        async def call(body=body, last=last) -> Message:
            return await bot.send_message(
                chat_id, body, parse_mode=ParseMode.HTML, reply_markup=keyboard if last else None,
                reply_parameters=ReplyParameters(reply_to, allow_sending_without_reply=True) if reply_to else None)

        sent.append(await with_retries(call, "sendMessage"))
    return sent


@dataclass(frozen=True)
class Attempt:
    """How one try of a queued message went: sent, retry (after `wait_s` if Telegram said) or final."""

    outcome: str
    reason: str = ""
    wait_s: Optional[float] = None
    message_id: Optional[int] = None  # of the message Telegram accepted
    blocked: bool = False  # 403: the student blocked the bot (or deleted the account)


async def send_once(bot: Bot, chat_id: int, html: str, keyboard: Optional[Dict[str, Any]],
                    read_timeout_s: float, reply_to: Optional[int] = None) -> Attempt:
    """One sendMessage of an already escaped body, for the outbox: no retry here, the outbox decides.

    The read time-out is long on purpose: a time-out after Telegram delivered the message is the one
    case where trying again sends a duplicate, so a slow Telegram is waited for rather than given up on.
    """
    markup = InlineKeyboardMarkup.de_json(keyboard, bot) if keyboard else None
    try:
        sent = await bot.send_message(
            chat_id, html, parse_mode=ParseMode.HTML, reply_markup=markup, read_timeout=read_timeout_s,
            reply_parameters=ReplyParameters(reply_to, allow_sending_without_reply=True) if reply_to else None)
    except RetryAfter as error:
        return Attempt("retry", "Telegram asks to wait", min(_seconds(error.retry_after), MAX_WAIT_S))
    except ChatMigrated as error:
        return Attempt("final", f"the chat became supergroup {error.new_chat_id}")
    except Forbidden as error:  # blocked by the student: final, and nothing else will reach them
        return Attempt("final", error.message, blocked=True)
    except BadRequest as error:  # a chat that is gone: final
        return Attempt("final", error.message)
    except (TimedOut, NetworkError) as error:  # 5xx, connection refused, time-outs
        return Attempt("retry", error.message)
    except TelegramError as error:
        return Attempt("final", error.message)
    return Attempt("sent", message_id=sent.message_id)
