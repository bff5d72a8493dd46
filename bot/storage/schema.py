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

# -- bot.relay.inbox: webhook/polling replays, the outage notice, the staff chat's flow ----------
seen_updates = sa.Table(  # Telegram update ids already handled: a replayed update is answered once
    "desk_seen_updates", metadata,
    sa.Column("update_id", sa.BigInteger, primary_key=True),
    sa.Column("at", sa.DateTime, nullable=False, index=True),  # kept two days (Telegram replays for 24 h)
)

outage_notices = sa.Table(  # the student was told of the current outage: one notice per outage
    "desk_outage_notices", metadata,
    sa.Column("ref", sa.String(40), primary_key=True),
    sa.Column("at", sa.DateTime, nullable=False),
)

staff_flow = sa.Table(  # how many of a ticket's messages reached the staff chat in the current window
    "desk_staff_flow", metadata,
    sa.Column("ticket_id", sa.Integer, primary_key=True),
    sa.Column("ref", sa.String(40), nullable=False, index=True),
    sa.Column("window_start", sa.DateTime, nullable=False),
    sa.Column("posted", sa.Integer, nullable=False, default=0),
    sa.Column("held", sa.Integer, nullable=False, default=0),  # kept in the ticket, not posted yet
    sa.Column("held_text", sa.Text, nullable=False, default=""),  # the start of what was held, for the summary
    sa.Column("told", sa.Boolean, nullable=False, default=False),  # the student heard that staff are not flooded
)

# -- bot.relay.outbox: every reply to a student until Telegram accepted it ----------------------
outbox = sa.Table(
    "desk_outbox", metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("ref", sa.String(40), nullable=False, index=True),
    sa.Column("chat_id", sa.BigInteger, nullable=False),
    sa.Column("html", sa.Text, nullable=False),  # one sendMessage's body, already cut and escaped
    sa.Column("keyboard", sa.Text),  # the inline keyboard as Telegram JSON (its buttons are opaque keys)
    sa.Column("created_at", sa.DateTime, nullable=False),
    sa.Column("attempts", sa.Integer, nullable=False, default=0),
    sa.Column("next_at", sa.DateTime, nullable=False),
    # A post to a staff chat: once sent, recorded as a post of this ticket (a reply to it reaches the
    # ticket), and sent as a reply to the ticket's first post in that chat when reply_in_ticket.
    sa.Column("ticket_id", sa.Integer),
    sa.Column("reply_in_ticket", sa.Boolean),
)

# -- bot.relay.leases: which adapter process works on a student's conversation now ------------------
# Several adapters share one database: a student's messages are handled by the holder of the lease,
# one process at a time; a lease not renewed (its process killed) is taken over once it expires.
leases = sa.Table(
    "desk_leases", metadata,
    sa.Column("ref", sa.String(40), primary_key=True),
    sa.Column("owner", sa.String(80), nullable=False, index=True),
    sa.Column("expires_at", sa.DateTime, nullable=False),
)

# -- bot.telegram.payloads: quick replies, as opaque keys bound to the student who received them --
# The callback data Telegram carries is only `key`; payload and title never leave the server, so a
# forged or replayed callback cannot say anything the assistant did not offer that student.
buttons = sa.Table(
    "desk_buttons", metadata,
    sa.Column("key", sa.String(40), primary_key=True),
    sa.Column("ref", sa.String(40), nullable=False, index=True),
    sa.Column("keyboard", sa.String(40), nullable=False, index=True),  # one keyboard, one choice
    sa.Column("payload", sa.Text, nullable=False),
    sa.Column("title", sa.Text, nullable=False),
    sa.Column("created_at", sa.DateTime, nullable=False, index=True),
    sa.Column("used_at", sa.DateTime),
)
# -- bot.reminders.store: reminders of dated steps a student asked for ----------------------------
# A row is one message at one time. `status` goes pending -> sent (claimed and queued in the outbox
# in one transaction), dropped (came too late to make sense) or cancelled (by the student, or the
# bot was blocked). `claim` is the token of the scheduler round that took it: one round, one owner.
reminders = sa.Table(
    "reminders", metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("ref", sa.String(40), nullable=False, index=True),
    sa.Column("kind", sa.String(60), nullable=False),  # the rules core's computed-value name
    sa.Column("due_date", sa.Date, nullable=False),  # the step's date, as the rules core computed it
    sa.Column("lead_days", sa.Integer, nullable=False),  # 7: a week before, 1: the day before, 0: on the day
    sa.Column("send_at", sa.DateTime, nullable=False),  # naive UTC, outside quiet hours
    sa.Column("lapses", sa.Boolean, nullable=False),  # pointless once due_date has passed (a deadline)
    sa.Column("article", sa.String(80), nullable=False),
    sa.Column("texts", sa.Text, nullable=False),  # JSON: the step's label and citation in fr and en
    sa.Column("language", sa.String(2), nullable=False),  # of the offer, when the student's is unknown
    sa.Column("status", sa.String(10), nullable=False),
    sa.Column("claim", sa.String(40)),
    sa.Column("created_at", sa.DateTime, nullable=False),
    sa.Column("done_at", sa.DateTime),
    sa.Index("ix_reminders_due", "status", "send_at"),
)

# Retired: `desk_button_payloads` held long payloads by a key bound to nobody; `Database.migrate`
# drops it (its keys are refused as expired).
RETIRED_TABLES = ("desk_button_payloads",)

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
