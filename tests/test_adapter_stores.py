"""The adapter's SQL stores (students, inbox, tickets, button payloads) on one database, on SQLite
and on PostgreSQL."""
from types import SimpleNamespace

import pytest

from bot.desk.tickets import TicketStore
from bot.relay.inbox import Inbox
from bot.storage.database import Database
from bot.storage.students import Students
from bot.telegram.app import Adapter
from bot.telegram.payloads import ButtonPayloads

CASE = {"language": "fr", "question": "ask_exemption", "facts": {"level": "bachelor"},
        "decision": None, "transcript": [{"from": "student", "text": "je veux une dispense"}]}


def stores_on(database: Database) -> SimpleNamespace:
    return SimpleNamespace(database=database, students=Students(database), inbox=Inbox(database),
                           tickets=TicketStore(database), payloads=ButtonPayloads(database))


def adapter_of(store: SimpleNamespace) -> Adapter:
    """The adapter's erasure works on its stores alone: the clients are not needed for it."""
    return Adapter(settings=None, database=store.database, students=store.students, inbox=store.inbox,
                   tickets=store.tickets, payloads=store.payloads, rasa=None, desk=None, relay=None, key=b"")


@pytest.fixture
def store(desk_db_url):
    database = Database(desk_db_url).migrate()
    yield stores_on(database)
    database.close()


def test_a_student_is_remembered_by_reference_with_the_chat_to_answer(store):
    assert store.students.remember("s-1", 42).language is None
    store.students.set_language("s-1", "en")
    assert store.students.remember("s-1", 42).language == "en"
    assert store.students.get("s-1").chat_id == 42


def test_inbox_messages_come_back_in_the_order_they_arrived_until_answered(store):
    store.students.remember("s-1", 42)
    first = store.inbox.keep("s-1", "bonjour", meta={"language_code": "fr"})
    second = store.inbox.keep("s-1", "/affirm", shown="Oui")
    assert store.inbox.next_pending("s-1").id == first
    assert store.inbox.next_pending("s-1").meta == {"language_code": "fr"}
    store.inbox.mark_done(first)
    assert (store.inbox.next_pending("s-1").id, store.inbox.next_pending("s-1").shown) == (second, "Oui")
    store.inbox.mark_done(second)
    assert store.inbox.next_pending("s-1") is None


def test_the_unavailable_notice_is_due_once_per_waiting_message(store):
    store.inbox.keep("s-1", "a")
    store.inbox.keep("s-1", "b")
    assert store.inbox.mark_told_unavailable("s-1") == 2
    assert store.inbox.mark_told_unavailable("s-1") == 0
    store.inbox.keep("s-1", "c")
    assert store.inbox.mark_told_unavailable("s-1") == 1


def test_students_with_waiting_messages_are_listed_oldest_first(store):
    store.inbox.keep("s-2", "x")
    store.inbox.keep("s-1", "y")
    store.inbox.keep("s-2", "z")
    assert store.inbox.refs_with_pending() == ["s-2", "s-1"]


def test_a_student_has_at_most_one_open_ticket_and_it_keeps_the_whole_case(store):
    ticket = store.tickets.open_ticket("s-1", "fr", "request_human", CASE)
    assert store.tickets.open_ticket("s-1", "fr", "offer_accepted", CASE).id == ticket.id
    assert store.tickets.ticket(ticket.id).case == CASE
    assert store.tickets.open_ticket_of("s-1").status == "open"


def test_take_then_close_and_closing_twice_changes_nothing(store):
    ticket = store.tickets.open_ticket("s-1", "fr", "request_human", CASE)
    assert store.tickets.take(ticket.id, "Marie").taken_by == "Marie"
    assert store.tickets.close_ticket(ticket.id).status == "closed"
    assert store.tickets.close_ticket(ticket.id) is None
    assert store.tickets.take(ticket.id, "Paul") is None
    assert store.tickets.open_ticket_of("s-1") is None


def test_staff_posts_lead_back_to_their_ticket(store):
    ticket = store.tickets.open_ticket("s-1", "fr", "request_human", CASE)
    store.tickets.add_staff_post(-100, 7, ticket.id)
    assert store.tickets.ticket_of_post(-100, 7) == ticket.id
    assert store.tickets.ticket_of_post(-100, 8) is None
    assert store.tickets.ticket_of_post(-101, 7) is None


def test_forget_erases_the_student_their_messages_and_tickets_and_names_the_staff_posts(store):
    store.students.remember("s-1", 42)
    store.students.remember("s-2", 43)
    store.inbox.keep("s-1", "bonjour")
    mine = store.tickets.open_ticket("s-1", "fr", "request_human", CASE)
    store.tickets.add_ticket_message(mine.id, "student", "hello")
    store.tickets.add_staff_post(-100, 7, mine.id)
    other = store.tickets.open_ticket("s-2", "en", "request_human", CASE)
    store.tickets.add_staff_post(-100, 9, other.id)
    assert adapter_of(store).forget("s-1") == [(-100, 7)]
    assert store.students.get("s-1") is None and store.inbox.next_pending("s-1") is None
    assert store.tickets.tickets_of("s-1") == [] and store.tickets.ticket_messages(mine.id) == []
    assert store.tickets.ticket_of_post(-100, 7) is None
    assert store.tickets.ticket_of_post(-100, 9) == other.id and store.students.get("s-2") is not None


def test_a_button_key_stands_for_its_choice_once_and_only_for_the_student_it_was_issued_to(store):
    first, second = store.payloads.issue("s-1", [('/inform{"level":"master"}', "Master"),
                                                 ('/inform{"level":"bachelor"}', "Licence")])
    assert store.payloads.redeem("s-2", first).status == "unknown"  # another student's key
    assert store.payloads.redeem("s-1", "b:forged").status == "unknown"
    choice = store.payloads.redeem("s-1", first)
    assert (choice.status, choice.payload, choice.title) == ("ok", '/inform{"level":"master"}', "Master")
    assert store.payloads.redeem("s-1", second).status == "used"  # one choice per keyboard
    assert store.payloads.redeem("s-1", first).status == "used"


def test_an_old_button_key_is_refused_as_expired_and_forget_erases_the_keys(store):
    import datetime as dt

    from bot.telegram.payloads import ButtonPayloads

    (key,) = store.payloads.issue("s-1", [("/affirm", "Oui")])
    later = ButtonPayloads(store.database, ttl=dt.timedelta(seconds=-1))  # as if the key were a day old
    assert later.redeem("s-1", key).status == "expired"
    adapter_of(store).forget("s-1")
    assert store.payloads.redeem("s-1", key).status == "unknown"


def test_tickets_and_waiting_messages_survive_a_new_process_on_the_same_database(desk_db_url):
    first = Database(desk_db_url).migrate()
    ticket = TicketStore(first).open_ticket("s-1", "en", "request_human", CASE)
    TicketStore(first).add_staff_post(-100, 7, ticket.id)
    Inbox(first).keep("s-2", "still waiting")
    first.close()
    second = Database(desk_db_url).migrate()  # migrating an existing database changes nothing
    assert TicketStore(second).ticket_of_post(-100, 7) == ticket.id
    assert TicketStore(second).open_ticket_of("s-1").id == ticket.id
    assert Inbox(second).next_pending("s-2").text == "still waiting"
    second.close()
