"""What every action reads from the tracker: the conversation's language and today's date."""
from __future__ import annotations

import datetime as dt

from rasa_sdk import Tracker


def language(tracker: Tracker) -> str:
    return tracker.get_slot("language") or "fr"


def today(tracker: Tracker) -> dt.date:
    """Today, or the date a channel or test pins in the message metadata."""
    pinned = ((tracker.latest_message or {}).get("metadata") or {}).get("today")
    try:
        return dt.date.fromisoformat(pinned) if isinstance(pinned, str) and pinned else dt.date.today()
    except ValueError:
        return dt.date.today()


def intent_of(tracker: Tracker) -> str:
    return ((tracker.latest_message or {}).get("intent") or {}).get("name") or ""
