"""The adapter's SQL database: one engine and one schema shared by the rooms' stores.

`database` opens it and migrates it; `schema` declares every table (grouped by the store that owns
it); `students` is the one store that every room reads. Each room keeps its own store beside its
code: the inbox in `bot.relay.inbox`, the outbox in `bot.relay.outbox`, tickets in `bot.desk.tickets`,
button keys in `bot.telegram.payloads`.
"""
