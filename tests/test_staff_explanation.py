"""The staff ticket shows how the assistant reached its last answer: the rules core's explanation,
stored with the ticket (SQLite and PostgreSQL) and rendered in the staff's language."""
import datetime as dt
import json
from types import SimpleNamespace

from bot.desk.office_hours import OfficeHours
from bot.desk.staff_desk import StaffDesk
from bot.desk.tickets import TicketStore
from bot.storage.database import Database
from rules_core import Situation, decide
from rules_core.explain import explain

TRIER = Situation(level="bachelor", mobility_type="erasmus_plus", host_city="Trier", country_of_origin="LU",
                  earlier_mobilities=[], refused_or_cancelled_place=False)


def case_with_explanation():
    """The case as the handoff action leaves it (actions/handoff.py)."""
    return {"language": "fr", "question": "ask_funding", "facts": {"host_city": "Trier"},
            "decision": json.loads(decide("ask_funding", TRIER).json()),
            "explanation": json.loads(explain("ask_funding", TRIER).json()),
            "transcript": [{"from": "student", "text": "pourquoi pas de bourse pour Trèves ?"}]}


def desk(lang: str) -> StaffDesk:
    settings = SimpleNamespace(staff_language=lang, staff_chat_id=None, staff_user_ids=set())
    return StaffDesk(settings, tickets=None, students=None, bot=None, hours=OfficeHours.parse("mon-fri 09:00-17:00", "Europe/Luxembourg"),
                     clock=lambda: dt.datetime(2026, 12, 7, 10, tzinfo=dt.timezone.utc))


def test_staff_read_how_the_assistant_reached_its_answer_and_what_would_change_it(desk_db_url):
    database = Database(desk_db_url).migrate()
    try:
        store = TicketStore(database)
        opened = store.open_ticket("s-1", "fr", "request_human", case_with_explanation())
        ticket = store.ticket(opened.id)  # read back from the database, as the desk posts it
        english = desk("en").details(ticket)
        french = desk("fr").details(ticket)
    finally:
        database.close()
    assert "How the assistant reached it:\nHere is how I reached this answer." in english
    assert "- Host city: Trier" in english and "inside the 100 km radius" in english
    assert "Liège (Belgium, 128.5 km), for example —, the answer would be: Yes." in english
    assert "Comment l'assistant y est arrivé :\nVoici comment je suis arrivé à cette réponse." in french
    assert "Liège (Belgique, 128,5 km) par exemple —, la réponse serait : Oui." in french
    # the explanation sits between the last answer and the conversation
    assert english.index("The assistant's last answer:") < english.index("How the assistant reached it:") \
        < english.index("Conversation:")


def test_a_ticket_without_an_answer_has_no_explanation_part(desk_db_url):
    database = Database(desk_db_url).migrate()
    try:
        store = TicketStore(database)
        case = {**case_with_explanation(), "decision": None, "explanation": None}
        ticket = store.ticket(store.open_ticket("s-2", "en", "request_human", case).id)
        details = desk("en").details(ticket)
    finally:
        database.close()
    assert "How the assistant reached it" not in details and "Conversation:" in details
