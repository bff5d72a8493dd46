"""`python -m bot`: the assistant, in Telegram when TELEGRAM_BOT_TOKEN is set, else in the terminal."""
from __future__ import annotations

import sys

from bot.settings import Settings


def main() -> int:
    settings = Settings.from_env()
    if settings.telegram_token:
        sys.stderr.write("Telegram mode is not available in this version yet (see the Telegram issue); "
                         "unset TELEGRAM_BOT_TOKEN to chat in the terminal.\n")
        return 2
    from bot.console import chat
    from bot.rest_client import RasaClient
    from bot.services import StartupError, assistant

    try:
        with assistant(settings):
            client = RasaClient(settings.rasa_url, settings.request_timeout_s)
            try:
                return chat(client, settings.sender_id)
            finally:
                client.close()
    except StartupError as error:
        sys.stderr.write(f"error: {error}\n")
        return 1
    except KeyboardInterrupt:
        return 0


if __name__ == "__main__":
    sys.exit(main())
