"""Reminders of dated steps: offered after an answer with a date, kept in SQL, sent once by the
adapter's scheduler through the outbox (`store.py`, `timing.py`, `scheduler.py`, `room.py`,
`calendar.py`)."""
