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

