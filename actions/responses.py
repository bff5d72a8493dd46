"""The domain's responses (domain.yml), uttered in the language the action read in the message.

Rasa fills a `response=` with the slots as they were *before* the action ran; since each action
reads the message's language itself (actions/extract.py), a message that changes the language, or
the first of a conversation, would get the previous language's variant. So the action picks the
variant of its language from the domain Rasa sends it (domain.yml: `send_domain: true`)."""
from __future__ import annotations

from typing import Any, Dict, Optional

from rasa_sdk.executor import CollectingDispatcher


def variant(domain: Dict[str, Any], name: str, lang: str) -> Optional[Dict[str, Any]]:
    """The response's variant whose conditions hold for this language (or one without conditions)."""
    for candidate in (domain.get("responses") or {}).get(name) or []:
        conditions = candidate.get("condition") or []
        if all(c.get("type") == "slot" and c.get("name") == "language" and c.get("value") == lang
               for c in conditions):
            return {key: value for key, value in candidate.items() if key != "condition"}
    return None


def utter(dispatcher: CollectingDispatcher, domain: Dict[str, Any], name: str, lang: str) -> bool:
    """Utters the response `name` in `lang`; False when the domain has no such response."""
    chosen = variant(domain, name, lang)
    if chosen is None:
        return False
    dispatcher.utter_message(text=chosen.get("text"), buttons=chosen.get("buttons"), image=chosen.get("image"),
                             json_message=chosen.get("custom"))
    return True
