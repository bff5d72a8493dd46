"""The terminal chat: the assistant in a terminal when no Telegram token is configured.

Type your question; numbered quick replies can be chosen by number. Commands:
/resume (give the conversation back to the bot after a handoff), /quit.
"""
from __future__ import annotations

import sys
from typing import Any, Dict, List, Optional, TextIO

from bot.relay.rasa_client import AssistantUnavailable, RasaClient
from bot.telegram.typed import as_typed_text

HANDOFF_NOTE = {
    "fr": "[Transmis au bureau de la mobilité. En mode terminal, aucun agent n'est connecté : tapez /resume pour reprendre avec l'assistant.]",
    "en": "[Passed to the mobility office. In terminal mode no staff member is connected: type /resume to continue with the assistant.]",
}
PAUSED_NOTE = "[Message transmis au bureau de la mobilité / Message passed to the mobility office — /resume]"
UNAVAILABLE = "L'assistant est momentanément indisponible, réessayez dans un instant. / The assistant is briefly unavailable, please try again in a moment."


def show(replies: List[Dict[str, Any]], out: TextIO) -> List[Dict[str, str]]:
    """Prints the replies; returns the quick replies offered last."""
    buttons: List[Dict[str, str]] = []
    for reply in replies:
        if reply.get("text"):
            out.write(f"\n{reply['text']}\n")
        if reply.get("buttons"):
            buttons = reply["buttons"]
            out.write("   " + "   ".join(f"[{i}] {b['title']}" for i, b in enumerate(buttons, 1)) + "\n")
        handoff = (reply.get("custom") or {}).get("handoff")
        if handoff:
            out.write(HANDOFF_NOTE.get(handoff.get("language"), HANDOFF_NOTE["en"]) + "\n")
    return buttons


def chat(client: RasaClient, sender: str, stdin: TextIO = sys.stdin, out: TextIO = sys.stdout) -> int:
    out.write("Assistant mobilité de l'Université du Luxembourg / UL mobility assistant — /quit pour quitter, to quit\n")
    buttons: List[Dict[str, str]] = []
    while True:
        out.write("\n> ")
        out.flush()
        line = stdin.readline()
        if line == "":
            return 0
        text = line.rstrip("\n")
        if text.strip() in ("/quit", "/exit"):
            return 0
        if text.strip() == "/resume":
            try:
                client.resume(sender)
                out.write("[OK]\n")
            except AssistantUnavailable:
                out.write(UNAVAILABLE + "\n")
            continue
        choice = _button_choice(text, buttons)
        try:
            # A typed "/inform{...}" is the student's words, never a payload; a numbered choice is one.
            replies = client.send(sender, choice or as_typed_text(text), {"channel": "terminal"})
            buttons = show(replies, out)
            if not replies:
                out.write(PAUSED_NOTE + "\n")
        except AssistantUnavailable:
            out.write(UNAVAILABLE + "\n")


def _button_choice(text: str, buttons: List[Dict[str, str]]) -> Optional[str]:
    stripped = text.strip()
    if stripped.isdigit() and 1 <= int(stripped) <= len(buttons):
        return buttons[int(stripped) - 1]["payload"]
    return None
