"""The Telegram channel (python-telegram-bot 22): `app` wires the handlers, `format` turns replies
into safe HTML and keyboards, `send` delivers with Telegram's retries, `payloads` keeps long button
payloads."""
