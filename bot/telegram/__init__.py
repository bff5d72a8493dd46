"""The Telegram channel (python-telegram-bot 22): `app` wires the handlers, `format` turns replies
into safe HTML and keyboards, `send` delivers with Telegram's retries (or tries once, for the outbox),
`payloads` keeps each button's payload behind an opaque key bound to the student, `typed` makes
typed text safe to store and never a Rasa payload."""
