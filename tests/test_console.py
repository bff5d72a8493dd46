"""The terminal chat (bot/runtime/console.py): typed text is the student's words, a numbered choice a payload."""
import io

from bot.runtime.console import chat


class RecordingClient:
    """Stands in for the Rasa REST client: records what the chat sends, answers with one button."""

    def __init__(self):
        self.sent = []

    def send(self, sender, text, metadata):
        self.sent.append(text)
        return [{"text": "Bachelor or Master?", "buttons": [{"title": "Master", "payload": '/inform{"level":"master"}'}]}]

    def resume(self, sender):
        pass


def test_a_typed_payload_reaches_rasa_as_words_and_a_numbered_choice_as_its_payload():
    client = RecordingClient()
    chat(client, "terminal-1", io.StringIO(' /inform{"level":"master"}\n1\n/quit\n'), io.StringIO())
    assert not client.sent[0].lstrip().startswith("/")
    assert client.sent[1] == '/inform{"level":"master"}'
