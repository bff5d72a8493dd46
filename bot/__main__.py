"""`python -m bot`: the assistant, in Telegram when TELEGRAM_BOT_TOKEN is set, else in the terminal.
With RUN_SERVERS=false (production) the Rasa and action servers are run by the service manager
(deploy/) and only the adapter runs here.

Exit statuses: 0 stopped normally, 1 the assistant could not start, 2 a setting is wrong.
"""
from __future__ import annotations

import os
import sys

from bot.desk.office_hours import OfficeHours, OfficeHoursError
from bot.runtime.settings import Settings, SettingsError


def main() -> int:
    try:
        settings = Settings.from_env()
        OfficeHours.parse(settings.office_hours, settings.office_timezone)
    except (SettingsError, OfficeHoursError, ValueError) as error:
        sys.stderr.write(f"error: {error}\n")
        return 2
    from bot.runtime.supervisor import StartupError, assistant, private_var_dir

    os.umask(0o077)  # what the adapter writes in var/ (its database, the pseudonym key) is for its user alone
    try:
        private_var_dir(settings)  # the adapter's own database lives there, with or without the servers
        if not settings.run_servers:
            return channel(settings)
        with assistant(settings):
            return channel(settings)
    except StartupError as error:
        sys.stderr.write(f"error: {error}\n")
        return 1
    except KeyboardInterrupt:
        return 0


def channel(settings: Settings) -> int:
    return telegram(settings) if settings.telegram_token else console(settings)


def telegram(settings: Settings) -> int:
    from bot.runtime import logs
    from bot.telegram.app import run

    logs.configure(settings.secrets)
    if settings.staff_chat_id is None and not settings.staff_user_ids:
        sys.stderr.write("warning: neither STAFF_CHAT_ID nor STAFF_USER_IDS is set; tickets will only be stored.\n")
    return run(settings)


def console(settings: Settings) -> int:
    from bot.runtime.console import chat
    from bot.relay.rasa_client import RasaClient

    from bot.reminders.console import ConsoleReminders
    from bot.storage.database import Database

    client = RasaClient(settings.rasa_urls[0], settings.request_timeout_s, token=settings.rasa_auth_token)
    database = Database(settings.tickets_url).migrate()
    reminders = ConsoleReminders(database, settings.reminder_clock(), settings.sender_id, settings.var_dir)
    try:
        return chat(client, settings.sender_id, reminders=reminders)
    finally:
        client.close()
        database.close()


if __name__ == "__main__":
    sys.exit(main())
