"""The office's figures from the seeded, scripted week of tests/report_seed.py (both languages,
handoffs, fallbacks, a /forget), every expected figure counted by hand below."""
import datetime as dt

import pytest

from bot.report import render
from bot.report.figures import compute, percentile
from bot.report.ingest import Ingester, grouping_key
from bot.storage.database import Database
from tests.report_seed import HOURS, NOW, SINCE, UNTIL, seed


@pytest.fixture
def seeded(desk_db_url):
    database = seed(Database(desk_db_url).migrate())
    yield database
    database.close()


def test_the_report_counts_conversations_students_messages_and_questions_per_language(seeded):
    figures = compute(seeded, SINCE, UNTIL, HOURS, now=NOW)
    t = figures.totals
    assert (t["all"]["conversations"], t["all"]["students"], t["all"]["messages"], t["all"]["questions"]) == (5, 4, 13, 5)
    assert (t["fr"]["conversations"], t["fr"]["students"], t["fr"]["messages"], t["fr"]["questions"]) == (2, 2, 7, 3)
    assert (t["en"]["conversations"], t["en"]["students"], t["en"]["messages"], t["en"]["questions"]) == (2, 1, 5, 2)
    assert (t["other"]["conversations"], t["other"]["messages"]) == (1, 1)
    assert figures.questions == {"ask_funding": {"all": 2, "fr": 1, "en": 1}, "ask_obligation": {"all": 1, "en": 1},
                                 "ask_exemption": {"all": 1, "fr": 1}}
    assert figures.faq_topics == {"mobility_contract": {"all": 1, "fr": 1}}


def test_a_question_is_deflected_when_its_conversation_had_no_ticket(seeded):
    t = compute(seeded, SINCE, UNTIL, HOURS, now=NOW).totals
    assert (t["all"]["deflected"], t["all"]["deflection_rate"]) == (3, 3 / 5)
    assert (t["fr"]["deflected"], t["fr"]["deflection_rate"]) == (2, 2 / 3)
    assert (t["en"]["deflected"], t["en"]["deflection_rate"]) == (1, 1 / 2)
    assert t["all"]["handoffs"] == 2  # B's first conversation and C's


def test_not_understood_and_out_of_scope_messages_are_rated_and_the_texts_grouped(seeded):
    figures = compute(seeded, SINCE, UNTIL, HOURS, now=NOW)
    t = figures.totals["all"]
    assert (t["not_understood"], t["out_of_scope"]) == (2, 2)
    assert (t["not_understood_rate"], t["out_of_scope_rate"]) == (2 / 13, 2 / 13)
    assert figures.not_understood == [
        {"text": "blorp xqz", "language": "en", "kind": "not_understood", "count": 2},
        {"text": "Muss ich ins Ausland?", "language": "de", "kind": "out_of_scope", "count": 1},
        {"text": "quel temps fait-il", "language": "fr", "kind": "out_of_scope", "count": 1},
    ]


def test_outcomes_handoffs_ticket_times_and_unknown_facts(seeded):
    figures = compute(seeded, SINCE, UNTIL, HOURS, now=NOW)
    assert figures.outcomes == {"ask_exemption": {"yes": 0, "no": 0, "conditional": 0, "needs_staff": 1},
                                "ask_funding": {"yes": 1, "no": 1, "conditional": 0, "needs_staff": 0},
                                "ask_obligation": {"yes": 0, "no": 0, "conditional": 1, "needs_staff": 0}}
    assert figures.handoffs == {"request_human": 1, "needs_staff": 1}
    assert figures.ticket_times["all"] == {"tickets": 2, "first_reply_median_min": 20.0, "first_reply_p90_min": 20.0,
                                           "close_median_min": 60.0, "close_p90_min": 60.0}
    assert figures.ticket_times["inside_hours"]["tickets"] == 1 and figures.ticket_times["outside_hours"] == {
        "tickets": 1, "first_reply_median_min": None, "first_reply_p90_min": None, "close_median_min": None,
        "close_p90_min": None}
    assert figures.open_tickets == 1
    assert figures.unknown_facts == {"ask_funding": {"level": 1}}


def test_a_forgotten_student_leaves_no_trace_even_from_events_delivered_late(seeded):
    figures = compute(seeded, SINCE, UNTIL, HOURS, now=NOW)
    assert "ask_visa" not in figures.questions
    assert all(e["text"] not in ("xyzzy plugh", "late one") for e in figures.not_understood)
    assert "fedcba9876543210" not in render.csv_text(figures) + render.html_page(figures, "en")


def test_days_are_counted_in_the_office_time_zone(seeded):
    series = compute(seeded, SINCE, UNTIL, HOURS, now=NOW).series
    assert list(series) == ["2026-11-02", "2026-11-03", "2026-11-04", "2026-11-05"]
    assert [series[d]["all"]["questions"] for d in series] == [3, 1, 1, 0]
    assert series["2026-11-02"]["all"]["deflection_rate"] == 2 / 3


def test_no_student_reference_reaches_the_page_or_the_csv(seeded):
    figures = compute(seeded, SINCE, UNTIL, HOURS, now=NOW)
    page, table = render.html_page(figures, "fr"), render.csv_text(figures)
    for ref in ("0a1b2c3d4e5f6071", "9e8d7c6b5a4f3e21", "5f5e5d5c5b5a5958", "13579bdf02468ace"):
        assert ref not in page and ref not in table
    assert page.count("<svg") == 5 and "chart-trend" in page


def test_texts_past_their_retention_are_removed(seeded):
    Ingester(seeded, 90).purge_expired(now=dt.datetime(2027, 1, 31, 14, 1, 30))  # 90 days after 2 Nov 14:01
    texts = compute(seeded, SINCE, UNTIL, HOURS, now=NOW).not_understood
    assert [(e["text"], e["count"]) for e in texts] == [("Blorp  XQZ!", 1), ("Muss ich ins Ausland?", 1),
                                                        ("quel temps fait-il", 1)]


def test_an_empty_period_says_so():
    database = Database("sqlite://").migrate()
    figures = compute(database, SINCE, UNTIL, HOURS, now=NOW)
    assert figures.empty
    assert "No data yet for this period." in render.html_page(figures, "en")
    assert "Pas encore de données" in render.summary_text(figures, "fr")


def test_near_identical_texts_share_a_group_and_percentiles_are_nearest_rank():
    assert grouping_key("Blorp  XQZ!") == grouping_key("blorp xqz") == "blorp xqz"
    assert grouping_key("Où est-ce ?") == "ou est ce"
    assert percentile([1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 90) == 9 and percentile([], 50) is None


def test_a_student_text_that_looks_like_a_spreadsheet_formula_stays_text_in_the_csv():
    database = Database("sqlite://").migrate()
    Ingester(database).apply([
        {"event": "session_started", "sender_id": "tg-s-0000000000000001", "timestamp": 1793692800.0},
        {"event": "user", "sender_id": "tg-s-0000000000000001", "timestamp": 1793692805.0,
         "text": '=HYPERLINK("http://x","clic")', "parse_data": {"intent": {"name": "nlu_fallback"}}}])
    figures = compute(database, dt.datetime(2026, 11, 1), dt.datetime(2026, 12, 1), HOURS, now=NOW)
    table = render.csv_text(figures)
    assert "'=HYPERLINK" in table and ",=HYPERLINK" not in table


def test_asking_why_follows_up_an_answer_and_is_not_counted_as_another_question():
    from bot.report.ingest import message_kind

    assert message_kind("ask_why") == "conversation"
    assert message_kind("ask_funding") == "question"
