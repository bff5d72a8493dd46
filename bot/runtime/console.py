"""The terminal chat: the assistant in a terminal when no Telegram token is configured.

Type your question; numbered quick replies can be chosen by number. Commands:
/resume (give the conversation back to the bot after a handoff), /reminders, /calendar, /quit.
"""
from __future__ import annotations

import sys
from typing import TYPE_CHECKING, Any, Dict, List, Optional, TextIO

from bot.relay.rasa_client import AssistantUnavailable, RasaClient
from bot.telegram.typed import as_typed_text

PREFIX = "adapter:reminders:"  # bot.reminders.room.PREFIX: choices the terminal acts on itself

if TYPE_CHECKING:
    from bot.reminders.console import ConsoleReminders

HANDOFF_NOTE = {
    "fr": "[Transmis au bureau de la mobilité. En mode terminal, aucun agent n'est connecté : tapez /resume pour reprendre avec l'assistant.]",
    "en": "[Passed to the mobility office. In terminal mode no staff member is connected: type /resume to continue with the assistant.]",
}
PAUSED_NOTE = "[Message transmis au bureau de la mobilité / Message passed to the mobility office — /resume]"
UNAVAILABLE = "L'assistant est momentanément indisponible, réessayez dans un instant. / The assistant is briefly unavailable, please try again in a moment."


def show(replies: List[Dict[str, Any]], out: TextIO,
         reminders: Optional["ConsoleReminders"] = None) -> List[Dict[str, str]]:
    """Prints the replies; returns the quick replies offered last."""
    buttons: List[Dict[str, str]] = []
    for reply in replies:
        if reply.get("text"):
            out.write(f"\n{reply['text']}\n")
        if reply.get("buttons"):
            buttons = _numbered(reply["buttons"], out)
        custom = reply.get("custom") or {}
        handoff = custom.get("handoff")
        if handoff:
            out.write(HANDOFF_NOTE.get(handoff.get("language"), HANDOFF_NOTE["en"]) + "\n")
        if reminders is not None and isinstance(custom.get("checklist"), dict):
            out.write("\n" + reminders.already_set(custom["checklist"].get("language") or "fr") + "\n")
        if reminders is not None and custom.get("reminder_offer"):
            text, choices = reminders.offer(custom, custom["reminder_offer"].get("language") or "fr")
            if choices:
                out.write(f"\n{text}\n")
                buttons = _numbered(choices, out)
    return buttons


def _numbered(buttons: List[Dict[str, str]], out: TextIO) -> List[Dict[str, str]]:
    out.write("   " + "   ".join(f"[{i}] {b['title']}" for i, b in enumerate(buttons, 1)) + "\n")
    return buttons


def chat(client: RasaClient, sender: str, stdin: TextIO = sys.stdin, out: TextIO = sys.stdout,
         reminders: Optional["ConsoleReminders"] = None) -> int:
    out.write("Assistant mobilité de l'Université du Luxembourg / UL mobility assistant — /quit pour quitter, to quit\n")
    buttons: List[Dict[str, str]] = []
    lang = "fr"
    while True:
        if reminders is not None:
            for line in reminders.due_now(lang):
                out.write(f"\n{line}\n")
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
        if reminders is not None and text.strip() in ("/reminders", "/calendar"):
            if text.strip() == "/calendar":
                out.write(reminders.calendar(lang) + "\n")
            else:
                listing, buttons = reminders.listing(lang)
                out.write(f"\n{listing}\n")
                if buttons:
                    _numbered(buttons, out)
            continue
        choice = _button_choice(text, buttons)
        if text.strip() == "/checklist":
            choice = "/ask_deadlines"  # the internal payload of the command (bot.telegram.app.CHECKLIST)
        if reminders is not None and choice is not None and choice.startswith(PREFIX):  # the terminal's own choice
            out.write("\n" + reminders.choose(choice, lang) + "\n")
            buttons = []
            continue
        try:
            # A typed "/inform{...}" is the student's words, never a payload; a numbered choice is one.
            replies = client.send(sender, choice or as_typed_text(text), {"channel": "terminal"})
            lang = next((r["custom"]["reminder_offer"].get("language") for r in replies
                         if isinstance(r.get("custom"), dict) and isinstance(r["custom"].get("reminder_offer"), dict)),
                        lang)
            buttons = show(replies, out, reminders)
            if not replies:
                out.write(PAUSED_NOTE + "\n")
        except AssistantUnavailable:
            out.write(UNAVAILABLE + "\n")


def _button_choice(text: str, buttons: List[Dict[str, str]]) -> Optional[str]:
    stripped = text.strip()
    if stripped.isdigit() and 1 <= int(stripped) <= len(buttons):
        return buttons[int(stripped) - 1]["payload"]
    return None
