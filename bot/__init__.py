"""The channels and everything around them; each room holds one concern.

- `telegram/`  the Telegram channel: `app.build_application(settings)` and its handlers, formatting,
               sending with retries, the button-payload store.
- `relay/`     one student's messages, in order, from the durable inbox to Rasa's REST channel and
               back: the inbox, the per-student workers, the REST clients, what the adapter reads
               of Rasa's endpoints (action-server health, tracker erasure).
- `desk/`      the staff desk: tickets and their store, office hours.
- `storage/`   the one SQL database the rooms share: engine, schema (every table, by owner),
               migration, the students table.
- `report/`    the mobility office's report: Rasa's events into analytics tables, the figures, the
               HTML page, CSV and chart, `python -m bot.report`.
- `runtime/`   how it starts: settings (environment only), the supervisor of the Rasa and action
               servers, logging, the terminal chat.
- `__main__`   `python -m bot`: Telegram when a token is set, else the terminal chat.
- `pseudonym`, `texts`: what every room shares (students' pseudonymous references, the adapter's
               bilingual texts).

Nothing here imports `actions`: the channels reach the actions through Rasa only.
"""
