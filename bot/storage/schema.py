"""Every table of the adapter's database, grouped by the store that owns it.

One `metadata` and one migration path (`Database.migrate`): a room that needs a table declares it
here, under its owner, and reads and writes it only through its own store.
"""
from __future__ import annotations

import sqlalchemy as sa

metadata = sa.MetaData()

# -- bot.storage.students: the students the adapter knows, by pseudonymous reference only -------
# The chat id is kept because a staff reply must reach the student after a restart; /forget erases it.
students = sa.Table(
    "desk_students", metadata,
    sa.Column("ref", sa.String(40), primary_key=True),
    sa.Column("chat_id", sa.BigInteger, nullable=False),
    sa.Column("language", sa.String(2)),
    sa.Column("resume_pending", sa.Boolean, nullable=False, default=False),  # Rasa still paused after a ticket
    sa.Column("created_at", sa.DateTime, nullable=False),
)

# -- bot.relay.inbox: every student message, kept until it has been answered -------------------
inbox = sa.Table(
    "desk_inbox", metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("ref", sa.String(40), nullable=False, index=True),
    sa.Column("text", sa.Text, nullable=False),  # what goes to Rasa (a typed text or a button payload)
    sa.Column("shown", sa.Text),  # what the student saw themselves send, for staff (a button's title)
    sa.Column("meta", sa.Text, nullable=False, default="{}"),
    sa.Column("received_at", sa.DateTime, nullable=False),
    sa.Column("told_unavailable", sa.Boolean, nullable=False, default=False),
    sa.Column("rejections", sa.Integer, nullable=False, default=0),  # HTTP errors from a running Rasa
)

# -- bot.desk.tickets: tickets, their messages, and which staff-chat post belongs to which -------
tickets = sa.Table(
    "desk_tickets", metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("ref", sa.String(40), nullable=False, index=True),
    sa.Column("language", sa.String(2), nullable=False),
    sa.Column("reason", sa.String(40), nullable=False),
    sa.Column("case", sa.Text, nullable=False),  # the handoff payload: question, facts, decision, transcript
    sa.Column("status", sa.String(10), nullable=False),  # open, taken, closed
    sa.Column("posted", sa.Boolean, nullable=False, default=False),  # reached at least one staff chat
    sa.Column("taken_by", sa.String(200)),
    sa.Column("opened_at", sa.DateTime, nullable=False),
    sa.Column("closed_at", sa.DateTime),
)

ticket_messages = sa.Table(
    "desk_ticket_messages", metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("ticket_id", sa.Integer, sa.ForeignKey("desk_tickets.id", ondelete="CASCADE"), nullable=False,
              index=True),
    sa.Column("author", sa.String(10), nullable=False),  # student, staff
    sa.Column("text", sa.Text, nullable=False),
    sa.Column("at", sa.DateTime, nullable=False),
)

staff_posts = sa.Table(
    "desk_staff_posts", metadata,
    sa.Column("chat_id", sa.BigInteger, primary_key=True),
    sa.Column("message_id", sa.BigInteger, primary_key=True),
    sa.Column("ticket_id", sa.Integer, sa.ForeignKey("desk_tickets.id", ondelete="CASCADE"), nullable=False,
              index=True),
)

# -- bot.telegram.payloads: quick-reply payloads too long for Telegram's 64-byte callback data ---
button_payloads = sa.Table(
    "desk_button_payloads", metadata,
    sa.Column("key", sa.String(40), primary_key=True),
    sa.Column("payload", sa.Text, nullable=False),
)

# -- bot.desk.tickets: each ticket's life, for the office's report (kept when a ticket is closed) --
analytics_tickets = sa.Table(
    "analytics_tickets", metadata,
    sa.Column("ticket_id", sa.Integer, primary_key=True),
    sa.Column("ref", sa.String(40), nullable=False, index=True),
    sa.Column("reason", sa.String(40), nullable=False),
    sa.Column("language", sa.String(2), nullable=False),
    sa.Column("channel", sa.String(20), nullable=False),
    sa.Column("opened_at", sa.DateTime, nullable=False, index=True),
    sa.Column("taken_at", sa.DateTime),
    sa.Column("first_reply_at", sa.DateTime),
    sa.Column("closed_at", sa.DateTime),
)

# -- bot.report.ingest: what Rasa's event stream says happened, by pseudonymous reference ---------
# No Telegram id, chat id or name: `ref` is the Rasa sender id ("tg-s-…" or the terminal's id).
analytics_sessions = sa.Table(  # a conversation is one Rasa session
    "analytics_sessions", metadata,
    sa.Column("ref", sa.String(80), primary_key=True),
    sa.Column("seq", sa.Integer, primary_key=True),
    sa.Column("started_at", sa.DateTime, nullable=False, index=True),
    sa.Column("channel", sa.String(20)),
)

analytics_messages = sa.Table(  # one row per student message; no text
    "analytics_messages", metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("ref", sa.String(80), nullable=False, index=True),
    sa.Column("seq", sa.Integer, nullable=False),
    sa.Column("at", sa.DateTime, nullable=False, index=True),
    sa.Column("language", sa.String(2)),
    sa.Column("channel", sa.String(20)),
    sa.Column("intent", sa.String(60)),
    sa.Column("faq_topic", sa.String(60)),
    sa.Column("kind", sa.String(20), nullable=False),  # question, faq, conversation, not_understood, out_of_scope
)

analytics_answers = sa.Table(  # one row per rules-core decision given to a student
    "analytics_answers", metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("ref", sa.String(80), nullable=False, index=True),
    sa.Column("seq", sa.Integer, nullable=False),
    sa.Column("at", sa.DateTime, nullable=False, index=True),
    sa.Column("language", sa.String(2)),
    sa.Column("question", sa.String(60), nullable=False),
    sa.Column("outcome", sa.String(20), nullable=False),
)

analytics_unknown_facts = sa.Table(  # a fact the student said they did not know, asked for a question
    "analytics_unknown_facts", metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("ref", sa.String(80), nullable=False, index=True),
    sa.Column("at", sa.DateTime, nullable=False, index=True),
    sa.Column("language", sa.String(2)),
    sa.Column("question", sa.String(60)),
    sa.Column("fact", sa.String(60), nullable=False),
)

analytics_not_understood = sa.Table(  # the only texts kept: what the assistant did not understand
    "analytics_not_understood", metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("ref", sa.String(80), nullable=False, index=True),
    sa.Column("at", sa.DateTime, nullable=False, index=True),
    sa.Column("language", sa.String(2)),
    sa.Column("kind", sa.String(20), nullable=False),  # not_understood, out_of_scope
    sa.Column("text", sa.Text, nullable=False),
    sa.Column("grouped", sa.String(200), nullable=False),  # the text normalised, to group near-identical ones
    sa.Column("expires_at", sa.DateTime, nullable=False, index=True),
)

analytics_state = sa.Table(  # where each conversation stands in the event stream (session, pending fact)
    "analytics_state", metadata,
    sa.Column("ref", sa.String(80), primary_key=True),
    sa.Column("seq", sa.Integer, nullable=False),
    sa.Column("language", sa.String(2)),
    sa.Column("question", sa.String(60)),
    sa.Column("requested_fact", sa.String(60)),
)

analytics_cursors = sa.Table(  # the last event read from Rasa's SQL event broker
    "analytics_cursors", metadata,
    sa.Column("source", sa.String(200), primary_key=True),
    sa.Column("last_id", sa.Integer, nullable=False),
)

analytics_forgotten = sa.Table(  # erasures not to be undone by events still queued in a broker
    "analytics_forgotten", metadata,
    sa.Column("ref", sa.String(80), primary_key=True),
    sa.Column("at", sa.DateTime, nullable=False),  # events of the student up to this instant are dropped
)
