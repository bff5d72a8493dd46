"""A seeded, scripted week for the office's report: Rasa events as Rasa publishes them, tickets
through the desk's store, and a /forget. tests/test_report_figures.py counts its figures by hand."""
import datetime as dt

from bot.desk.office_hours import OfficeHours
from bot.desk.tickets import TicketStore
from bot.report.ingest import Ingester, forget
from bot.storage.database import Database

HOURS = OfficeHours.parse("mon-fri 09:00-17:00", "Europe/Luxembourg")
SINCE, UNTIL = dt.datetime(2026, 10, 31, 23, 0), dt.datetime(2026, 11, 7, 23, 0)  # Nov 1-7, Luxembourg time
NOW = dt.datetime(2026, 11, 8, 12, 0)


def at(day: int, hh: int, mm: int = 0, ss: int = 0, month: int = 11) -> float:
    return dt.datetime(2026, month, day, hh, mm, ss, tzinfo=dt.timezone.utc).timestamp()


def session(sender, when):
    return [{"event": "action", "name": "action_session_start", "sender_id": sender, "timestamp": when},
            {"event": "session_started", "sender_id": sender, "timestamp": when}]


def user(sender, when, text, intent, language=None, topic=None, channel="telegram"):
    parse = {"intent": {"name": intent, "confidence": 0.9}, "entities": [], "language": language}
    if topic:
        parse["response_selector"] = {"faq": {"response": {"intent_response_key": f"faq/{topic}"}}}
    return {"event": "user", "sender_id": sender, "timestamp": when, "text": text, "parse_data": parse,
            "input_channel": "rest", "metadata": {"channel": channel}}


def slot(sender, when, name, value):
    return {"event": "slot", "sender_id": sender, "timestamp": when, "name": name, "value": value}


def bot(sender, when, text):
    return {"event": "bot", "sender_id": sender, "timestamp": when, "text": text}


A, B, C, D, E = "tg-s-0a1b2c3d4e5f6071", "tg-s-9e8d7c6b5a4f3e21", "tg-s-5f5e5d5c5b5a5958", "tg-s-13579bdf02468ace", "tg-s-fedcba9876543210"

EVENTS = [
    # A, French. A conversation on 30 October, before the period: not counted.
    *session(A, at(30, 9, month=10)), user(A, at(30, 9, 1, month=10), "bourse ?", "ask_funding", "fr"),
    # A, Monday 2 November: a question with an "I don't know", an answer, an FAQ question. No ticket.
    *session(A, at(2, 10)),
    user(A, at(2, 10, 0, 5), "Aurai-je une bourse ?", "ask_funding", "fr"),
    slot(A, at(2, 10, 0, 6), "language", "fr"), slot(A, at(2, 10, 0, 6), "question", "ask_funding"),
    slot(A, at(2, 10, 0, 6), "requested_fact", "level"), bot(A, at(2, 10, 0, 6), "Bachelor ou Master ?"),
    user(A, at(2, 10, 1), "je sais pas", "inform", "fr"), slot(A, at(2, 10, 1, 1), "fact_not_known", "level"),
    user(A, at(2, 10, 2), "licence", "inform", None),
    slot(A, at(2, 10, 2, 1), "requested_fact", None),
    slot(A, at(2, 10, 2, 1), "last_decision", {"question": "ask_funding", "outcome": "yes", "conclusions": []}),
    user(A, at(2, 10, 3), "c'est quoi le contrat de mobilité", "faq", "fr", topic="mobility_contract"),
    # B, English, Monday afternoon: a question answered "no", two near-identical messages not
    # understood, then a person asked for (ticket below, inside office hours).
    *session(B, at(2, 14)),
    user(B, at(2, 14, 0, 5), "do i get a grant", "ask_funding", "en"), slot(B, at(2, 14, 0, 6), "language", "en"),
    slot(B, at(2, 14, 0, 6), "last_decision", {"question": "ask_funding", "outcome": "no"}),
    user(B, at(2, 14, 1), "blorp xqz", "nlu_fallback", None),
    user(B, at(2, 14, 2), "Blorp  XQZ!", "nlu_fallback", None),
    user(B, at(2, 14, 3), "/request_human", "request_human", None),
    # B again on Tuesday: a new conversation, its question deflected (the ticket was in the first).
    *session(B, at(3, 15)),
    user(B, at(3, 15, 0, 5), "am I obliged to go abroad", "ask_obligation", "en"),
    slot(B, at(3, 15, 0, 6), "last_decision", {"question": "ask_obligation", "outcome": "conditional"}),
    # C, French, Wednesday evening (outside office hours): a case for staff, accepted, then small talk.
    *session(C, at(4, 18, 30)),
    user(C, at(4, 18, 30, 5), "dispense ?", "ask_exemption", "fr"), slot(C, at(4, 18, 30, 6), "language", "fr"),
    slot(C, at(4, 18, 30, 6), "last_decision", {"question": "ask_exemption", "outcome": "needs_staff"}),
    user(C, at(4, 18, 31), "oui", "affirm", "fr"),
    user(C, at(4, 18, 40), "quel temps fait-il", "out_of_scope", "fr"),
    # D writes in German only.
    *session(D, at(5, 10)), user(D, at(5, 10, 0, 5), "Muss ich ins Ausland?", "out_of_scope", "de"),
    # E asks, then erases everything with /forget (below).
    *session(E, at(6, 11)), user(E, at(6, 11, 0, 5), "visa pour le Canada ?", "ask_visa", "fr"),
    user(E, at(6, 11, 1), "xyzzy plugh", "nlu_fallback", "fr"),
]




def seed(database: Database) -> Database:
    ingester = Ingester(database, text_retention_days=90)
    ingester.apply(EVENTS[:20])  # two batches, as a broker delivers them
    ingester.apply(EVENTS[20:])
    clock = iter([dt.datetime(2026, 11, 2, 14, 5), dt.datetime(2026, 11, 2, 14, 25), dt.datetime(2026, 11, 2, 15, 5),
                  dt.datetime(2026, 11, 4, 18, 32), dt.datetime(2026, 11, 6, 11, 2)])
    tickets = TicketStore(database, clock=lambda: next(clock))
    b = tickets.open_ticket("s-9e8d7c6b5a4f3e21", "en", "request_human", {})
    tickets.add_ticket_message(b.id, "staff", "Hello, here is the answer.")
    tickets.close_ticket(b.id)
    tickets.open_ticket("s-5f5e5d5c5b5a5958", "fr", "needs_staff", {})
    tickets.open_ticket("s-fedcba9876543210", "fr", "request_human", {})
    forget(database, "s-fedcba9876543210", now=dt.datetime(2026, 11, 6, 11, 5))
    tickets.forget("s-fedcba9876543210")
    # An event of E published before the erasure but delivered after it (a broker's backlog): dropped.
    ingester.apply([user(E, at(6, 11, 2), "late one", "nlu_fallback", "fr")])
    return database
