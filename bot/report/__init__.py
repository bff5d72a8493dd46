"""The mobility office's report: what the assistant did, from Rasa's own event stream.

`ingest` turns Rasa's events into the analytics tables (declared in `bot.storage.schema`),
`sources` reads them from Rasa's SQL event broker or a RabbitMQ queue, `figures` computes a
period's figures, `render` draws the page, the CSV, the chart and the staff-chat summary, `office`
ties them together, `__main__` is `python -m bot.report`. Nothing here shows a student's identity.
"""
