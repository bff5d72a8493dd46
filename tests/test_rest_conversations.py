"""Conversations through Rasa's REST channel: real model, real action server, real rules core."""
import time
import uuid

import httpx
import pytest

from bot.relay.rasa_client import RasaClient
from tests.rasa_servers import Servers, isolated_settings

TODAY = {"today": "2027-09-20"}


@pytest.fixture(scope="module")
def servers(tmp_path_factory):
    running = Servers(isolated_settings(tmp_path_factory.mktemp("rasa"))).start()
    yield running
    running.stop()


@pytest.fixture
def client(servers):
    rest = RasaClient(servers.settings.rasa_url, timeout_s=60, token=servers.settings.rasa_auth_token)
    yield rest
    rest.close()


@pytest.fixture
def student():
    return f"student-{uuid.uuid4().hex[:8]}"


def say(client, student, text, **metadata):
    return client.send(student, text, {**TODAY, **metadata})


def texts(replies):
    return "\n".join(r.get("text") or "" for r in replies)


def test_a_french_student_is_asked_only_the_missing_facts_then_gets_a_cited_answer(client, student):
    replies = say(client, student, "Salut, est-ce que j'aurai une bourse pour mon semestre à l'étranger ?")
    assert "Quel type de mobilité" in texts(replies)
    assert replies[-1]["buttons"][0]["payload"] == '/inform{"mobility_type":"erasmus_plus"}'
    replies = say(client, student, '/inform{"mobility_type":"erasmus_plus"}')
    assert "Dans quelle ville" in texts(replies)
    replies = say(client, student, "Trèves")
    assert texts(replies).startswith("Non.\n- Trier (Allemagne) est à environ 57,1 km")
    assert "(art. 5(4), circulaire mobilité du 11 février 2021)" in texts(replies)


def test_facts_given_inside_an_english_question_are_used_at_once(client, student):
    replies = say(client, student, "I'm a master student, will I get a grant for a Global Exchange in Montreal?")
    assert texts(replies).startswith("No.\n- Master students are not eligible for the Fonds de mobilité grant")


def test_a_student_who_switches_language_is_answered_in_the_new_one(client, student):
    assert "Êtes-vous en Bachelor ou en Master" in texts(say(client, student, "est-ce que je dois partir à l'étranger ?"))
    replies = say(client, student, "I am in bachelor actually, sorry I prefer English")
    assert texts(replies).startswith("Yes.\n- In a Bachelor programme, one semester of study abroad is compulsory")


def test_a_correction_recomputes_the_answer(client, student):
    say(client, student, "do I have to go abroad? I'm a bachelor student")
    say(client, student, '/inform{"fact_value":"none"}')
    replies = say(client, student, "actually I'm in master")
    assert "updated answer" in texts(replies)
    assert "does not require Master students" in texts(replies)


@pytest.mark.parametrize("message", ["", "a" * 5000, "😀🎉👍", "Muss ich ins Ausland gehen?",
                                     "Moien, wéi kann ech e Stipendium kréien?"])
def test_bad_input_gets_a_polite_answer_and_the_conversation_goes_on(client, student, message):
    say(client, student, "bonjour")
    replies = say(client, student, message)
    assert replies and all(r.get("text") or r.get("buttons") for r in replies)
    assert "Traceback" not in texts(replies)
    follow_up = say(client, student, "est-ce que je dois partir à l'étranger ?")
    assert "Bachelor ou en Master" in texts(follow_up)


def test_an_impossible_date_is_pointed_out_and_asked_again(client, student):
    say(client, student, "jusqu'à quand je peux modifier mon learning agreement ? je suis en licence")
    replies = say(client, student, "les cours commencent le 31 février")
    assert "« 31 février » n'existe pas" in texts(replies)
    assert "À quelle date commencent les cours" in texts(replies)
    replies = say(client, student, "le 14 septembre 2027")
    assert "mardi 12 octobre 2027" in texts(replies)


def test_asking_for_a_person_hands_over_the_case_and_pauses_the_bot(client, student):
    say(client, student, "je dois rentrer plus tôt de mon erasmus, que se passe-t-il ?")
    replies = say(client, student, "je voudrais parler à quelqu'un du bureau de la mobilité")
    handoff = next(r["custom"]["handoff"] for r in replies if r.get("custom"))
    assert handoff["reason"] == "request_human" and handoff["question"] == "ask_interruption"
    assert handoff["transcript"][0]["from"] == "student"
    assert say(client, student, "allo ?") == []  # paused: staff answer now


def test_a_returning_student_keeps_their_facts_after_a_restart(servers, client, student):
    say(client, student, "je suis en master et je pars en Erasmus à Lisbonne, j'ai droit à une bourse ?")
    servers.restart_rasa()
    replies = say(client, student, "qu'est-ce que tu sais sur moi ?")
    assert "- Niveau : Master" in texts(replies)
    assert "- Type de mobilité : Erasmus+" in texts(replies)


def test_a_student_back_after_the_session_expired_keeps_their_facts_in_a_new_session(servers, client, student):
    say(client, student, "je suis en master et je pars en Erasmus à Lisbonne, j'ai droit à une bourse ?")
    events = client.tracker(student)["events"]
    # The same conversation as if it had ended two hours ago (domain.yml: sessions expire after 60 minutes).
    start = next(i for i, e in enumerate(events) if e["event"] == "action" and e["name"] == "action_session_start")
    two_hours_ago = time.time() - 2 * 3600
    returning = f"{student}-back"
    httpx.post(f"{servers.settings.rasa_url}/conversations/{returning}/tracker/events",
               params={"token": servers.settings.rasa_auth_token}, timeout=60,
               json=[{**e, "timestamp": two_hours_ago + 0.001 * i} for i, e in enumerate(events[start:])]
               ).raise_for_status()
    replies = say(client, returning, "qu'est-ce que tu sais sur moi ?")
    assert "- Niveau : Master" in texts(replies)
    assert "- Type de mobilité : Erasmus+" in texts(replies)
    later = client.tracker(returning)["events"]
    assert [e["event"] for e in later].count("session_started") == 2  # a new session, the facts carried over


def test_after_staff_hand_the_conversation_back_the_bot_answers_again(client, student):
    say(client, student, "I want to talk to a person from the mobility office")
    assert say(client, student, "hello?") == []
    client.resume(student)
    assert "Goodbye" in texts(say(client, student, "goodbye!"))
    assert "Are you a Bachelor or a Master student?" in texts(say(client, student, "do I have to go abroad?"))


def test_a_german_message_during_a_question_gets_the_languages_answer_not_a_repeat(client, student):
    say(client, student, "et pour les frais d'inscription en free mover ?")
    replies = say(client, student, "Muss ich ins Ausland?")
    assert texts(replies).startswith("Désolé, je ne parle que français et anglais")


def test_why_after_an_answer_explains_it_and_names_the_change_that_would_lift_the_refusal(client, student):
    replies = say(client, student, "je suis en bachelor et je pars en Erasmus à Trèves, j'aurai une bourse ?")
    answer = next(r for r in replies if (r.get("text") or "").startswith("Non."))
    assert answer["buttons"] == [{"title": "Pourquoi ?", "payload": "/ask_why"}]
    replies = say(client, student, answer["buttons"][0]["payload"])  # the quick reply
    said = texts(replies)
    assert said.startswith("Voici comment je suis arrivé à cette réponse.")
    assert "- Ville d'accueil : Trier" in said and "(art. 5(4), circulaire mobilité du 11 février 2021)" in said
    assert "Avec une université d'accueil à plus de 100 km d'Esch-sur-Alzette — Liège (Belgique, 128,5 km) " \
           "par exemple —, la règle qui bloque (art. 5(4)) ne s'appliquerait plus" in said
    typed = texts(say(client, student, "et si je voulais la bourse, il faudrait quoi ?"))
    assert typed == said  # typed, the same explanation of the same answer


def test_why_typed_in_english_explains_and_the_staff_ticket_carries_the_explanation(client, student):
    say(client, student, "I'm a bachelor student going to Trier with Erasmus, do I get a grant?")
    said = texts(say(client, student, "why?"))
    assert said.startswith("Here is how I reached this answer.") and "- Host city: Trier" in said
    replies = say(client, student, "I want to talk to a person from the mobility office")
    handoff = next(r["custom"]["handoff"] for r in replies if r.get("custom"))
    assert handoff["explanation"]["outcome"] == "no"
    assert handoff["explanation"]["what_would_change"][0]["params"]["city"] == "Liège"


def test_a_message_with_two_questions_gets_both_answered_or_the_second_offered_next(client, student):
    replies = say(client, student, "I'm in the bachelor. Is the semester abroad compulsory for me? "
                                   "And who do I pay my tuition fees to while I'm on Erasmus?")
    said = texts(replies)
    assert "You also asked" in said  # the classifier picks which one comes first; both are answered
    assert "Art. 11" in said and "Art. 1(1)" in said
