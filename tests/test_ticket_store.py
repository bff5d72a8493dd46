"""The staff desk's SQL store, on SQLite and on PostgreSQL."""
import pytest

from bot.desk.tickets import TicketStore

CASE = {"language": "fr", "question": "ask_exemption", "facts": {"level": "bachelor"},
        "decision": None, "transcript": [{"from": "student", "text": "je veux une dispense"}]}


@pytest.fixture
def store(desk_db_url):
    opened = TicketStore(desk_db_url).create()
    yield opened
    opened.close()


def test_a_student_is_remembered_by_reference_with_the_chat_to_answer(store):
    assert store.remember_student("s-1", 42).language is None
    store.set_language("s-1", "en")
    assert store.remember_student("s-1", 42).language == "en"
    assert store.student("s-1").chat_id == 42


def test_inbox_messages_come_back_in_the_order_they_arrived_until_answered(store):
    store.remember_student("s-1", 42)
    first = store.keep("s-1", "bonjour", meta={"language_code": "fr"})
    second = store.keep("s-1", "/affirm", shown="Oui")
    assert store.next_pending("s-1").id == first
    assert store.next_pending("s-1").meta == {"language_code": "fr"}
    store.mark_done(first)
    assert (store.next_pending("s-1").id, store.next_pending("s-1").shown) == (second, "Oui")
    store.mark_done(second)
    assert store.next_pending("s-1") is None


def test_the_unavailable_notice_is_due_once_per_waiting_message(store):
    store.keep("s-1", "a")
    store.keep("s-1", "b")
    assert store.mark_told_unavailable("s-1") == 2
    assert store.mark_told_unavailable("s-1") == 0
    store.keep("s-1", "c")
    assert store.mark_told_unavailable("s-1") == 1


def test_students_with_waiting_messages_are_listed_oldest_first(store):
    store.keep("s-2", "x")
    store.keep("s-1", "y")
    store.keep("s-2", "z")
    assert store.refs_with_pending() == ["s-2", "s-1"]


def test_a_student_has_at_most_one_open_ticket_and_it_keeps_the_whole_case(store):
    ticket = store.open_ticket("s-1", "fr", "request_human", CASE)
    assert store.open_ticket("s-1", "fr", "offer_accepted", CASE).id == ticket.id
    assert store.ticket(ticket.id).case == CASE
    assert store.open_ticket_of("s-1").status == "open"


def test_take_then_close_and_closing_twice_changes_nothing(store):
    ticket = store.open_ticket("s-1", "fr", "request_human", CASE)
    assert store.take(ticket.id, "Marie").taken_by == "Marie"
    assert store.close_ticket(ticket.id).status == "closed"
    assert store.close_ticket(ticket.id) is None
    assert store.take(ticket.id, "Paul") is None
    assert store.open_ticket_of("s-1") is None


def test_staff_posts_lead_back_to_their_ticket(store):
    ticket = store.open_ticket("s-1", "fr", "request_human", CASE)
    store.add_staff_post(-100, 7, ticket.id)
    assert store.ticket_of_post(-100, 7) == ticket.id
    assert store.ticket_of_post(-100, 8) is None
    assert store.ticket_of_post(-101, 7) is None


def test_forget_erases_the_student_their_messages_and_tickets_and_names_the_staff_posts(store):
    store.remember_student("s-1", 42)
    store.remember_student("s-2", 43)
    store.keep("s-1", "bonjour")
    mine = store.open_ticket("s-1", "fr", "request_human", CASE)
    store.add_ticket_message(mine.id, "student", "hello")
    store.add_staff_post(-100, 7, mine.id)
    other = store.open_ticket("s-2", "en", "request_human", CASE)
    store.add_staff_post(-100, 9, other.id)
    assert store.forget("s-1") == [(-100, 7)]
    assert store.student("s-1") is None and store.next_pending("s-1") is None
    assert store.tickets_of("s-1") == [] and store.ticket_messages(mine.id) == []
    assert store.ticket_of_post(-100, 7) is None
    assert store.ticket_of_post(-100, 9) == other.id and store.student("s-2") is not None


def test_long_button_payloads_are_kept_by_key(store):
    store.keep_payload("k:abc", '/inform{"fact_value":"long"}')
    store.keep_payload("k:abc", '/inform{"fact_value":"long"}')
    assert store.payload("k:abc") == '/inform{"fact_value":"long"}'
    assert store.payload("k:zzz") is None


def test_tickets_survive_a_new_store_on_the_same_database(desk_db_url):
    first = TicketStore(desk_db_url).create()
    ticket = first.open_ticket("s-1", "en", "request_human", CASE)
    first.add_staff_post(-100, 7, ticket.id)
    first.close()
    second = TicketStore(desk_db_url).create()
    assert second.ticket_of_post(-100, 7) == ticket.id
    assert second.open_ticket_of("s-1").id == ticket.id
    second.close()
