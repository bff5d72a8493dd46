"""The actions, driven with a rasa_sdk Tracker and CollectingDispatcher."""
import asyncio
import datetime as dt

import yaml
from rasa_sdk import Tracker
from rasa_sdk.events import ConversationPaused, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.answer import ActionAnswer, ActionYesNo
from actions.conversation import ActionFaq, ActionHelp, ActionNotUnderstood, ActionShowProfile
from actions.extract import read_message_facts
from actions.handoff import ActionHandoff

DOMAIN = yaml.safe_load(open("domain.yml", encoding="utf-8"))
TODAY = "2027-09-20"


def tracker(text="", intent="inform", entities=(), detected=None, events=(), **slots):
    message = {"text": text, "intent": {"name": intent, "confidence": 0.9}, "entities": list(entities),
               "language": detected, "metadata": {"today": TODAY}}
    return Tracker("student-1", {**{name: None for name in DOMAIN["slots"]}, **slots}, message, list(events), False,
                   None, {}, "action_listen")


def run(action, tracker_):
    dispatcher = CollectingDispatcher()
    events = asyncio.run(action.run(dispatcher, tracker_, DOMAIN))
    return dispatcher.messages, events


def run_reading(tracker_):
    """What every action reads of the message first (language, facts), on its own."""
    return [], read_message_facts(tracker_)


def response_text(name, lang):
    """The domain's response `name` in `lang`, as Rasa would choose its variant by the language slot."""
    return next(v["text"] for v in DOMAIN["responses"][name]
                if v["condition"] == [{"type": "slot", "name": "language", "value": lang}])


def slots_set(events):
    return {e["name"]: e["value"] for e in events if e["event"] == "slot"}


# -- extraction -------------------------------------------------------------------------------

def test_a_french_question_with_facts_sets_the_language_the_question_and_the_facts():
    _, events = run_reading(tracker(
        "je suis en B3 et je pars à Trèves en Erasmus, j'ai droit à une bourse ?", "ask_funding",
        [{"entity": "semester", "value": "3", "text": "B3"}, {"entity": "location", "value": "Trier"},
         {"entity": "mobility_type", "value": "erasmus_plus"}], detected="fr"))
    assert slots_set(events) == {"language": "fr", "question": "ask_funding", "semester": 3, "level": "bachelor",
                                 "host_city": "Trier", "mobility_type": "erasmus_plus"}


def test_a_message_in_english_switches_the_conversation_to_english():
    _, events = run_reading(tracker("do I need a visa?", "ask_visa", detected="en",
                                                          language="fr"))
    assert slots_set(events)["language"] == "en"


def test_a_message_without_language_clues_keeps_the_conversation_language():
    _, events = run_reading(tracker("B3", "inform", detected=None, language="en"))
    assert "language" not in slots_set(events)


def test_a_one_word_reply_in_the_other_language_keeps_the_conversation_language():
    _, events = run_reading(tracker("non", "deny", detected="fr", language="en"))
    assert "language" not in slots_set(events)


def test_a_sentence_in_the_other_language_switches_the_conversation_language():
    _, events = run_reading(tracker("non je prefere en francais", "deny", detected="fr", language="en"))
    assert slots_set(events)["language"] == "fr"


def test_a_first_message_with_few_english_clues_is_answered_in_english():
    _, events = run_reading(tracker("chinese passport, lux residence card. erasmus in vienna. visa??", "ask_visa",
                                    detected=None, language=None))
    assert slots_set(events)["language"] == "en"


def test_the_fonds_de_mobilite_named_in_an_english_message_is_no_french():
    from nlu_components.language import detect

    assert detect("do I get the Fonds de mobilité for my exchange in Japan?") == "en"


def test_a_bare_yes_answers_the_pending_yes_no_question():
    _, events = run_reading(tracker("oui", "affirm", detected="fr",
                                                          requested_fact="native_speaker"))
    assert slots_set(events)["native_speaker"] is True


def test_an_impossible_date_is_reported_not_stored():
    _, events = run_reading(tracker("le 31 février", "inform", detected="fr",
                                                          requested_fact="course_start_date"))
    assert slots_set(events)["input_problems"] == ["impossible_date:31 février"]
    assert "course_start_date" not in slots_set(events)


def test_a_new_host_town_forgets_the_host_country_of_the_previous_one():
    _, events = run_reading(tracker("finalement Metz", "inform",
                                                          [{"entity": "location", "value": "Metz"}], detected="fr",
                                                          host_city="Verdun", host_country="CA", language="fr"))
    assert slots_set(events) == {"host_city": "Metz", "host_country": None}


# -- answering --------------------------------------------------------------------------------

def test_a_question_with_a_missing_fact_asks_for_it_with_quick_replies():
    messages, events = run(ActionAnswer(), tracker("j'ai droit à une bourse ?", "ask_funding", detected="fr",
                                                   question="ask_funding", language="fr"))
    assert messages[-1]["text"].startswith("Quel type de mobilité")
    assert [b["payload"] for b in messages[-1]["buttons"]][0] == '/inform{"mobility_type":"erasmus_plus"}'
    assert slots_set(events)["requested_fact"] == "mobility_type"


def test_known_facts_give_the_rendered_decision_with_its_citation():
    messages, events = run(ActionAnswer(), tracker(
        "Erasmus", "inform", question="ask_funding", mobility_type="erasmus_plus", host_city="Metz",
        requested_fact="mobility_type", language="en"))
    assert messages[-1]["text"].startswith("No.\n- Metz (France) is about 45.8 km")
    assert "(Art. 5(4), mobility circular of 11 February 2021)" in messages[-1]["text"]
    assert slots_set(events)["requested_fact"] is None
    assert slots_set(events)["last_decision"]["outcome"] == "no"


def test_the_learning_agreement_deadline_is_a_date_with_weekday_and_days_left():
    messages, _ = run(ActionAnswer(), tracker("", "inform", question="ask_learning_agreement", level="bachelor",
                                              course_start_date="2027-09-14", language="fr"))
    assert "après le mardi 12 octobre 2027" in messages[-1]["text"]
    assert "Il vous reste 22 jour(s)" in messages[-1]["text"]


def test_a_correction_after_an_answer_gives_the_updated_answer():
    last = {"question": "ask_obligation", "outcome": "yes"}
    messages, _ = run(ActionAnswer(), tracker("en fait je suis en master", "inform", question="ask_obligation",
                                              level="master", last_decision=last, language="fr"))
    assert messages[0]["text"].startswith("Compte tenu de ce que vous venez de me dire")
    assert messages[1]["text"].startswith("Non.\n- La circulaire n'impose pas")


def test_a_case_for_staff_ends_with_the_offer_to_reach_the_mobility_office():
    messages, events = run(ActionAnswer(), tracker("", "inform", question="ask_interruption", stay_days=40,
                                                   force_majeure=True, language="en"))
    assert messages[-2]["text"].startswith("Your case needs a look from the mobility office")
    assert messages[-1]["buttons"] == [{"title": "Yes", "payload": "/affirm"}, {"title": "No", "payload": "/deny"}]
    assert slots_set(events)["handoff_offered"] is True


def test_an_impossible_date_gets_a_clear_message_then_the_question_again():
    messages, _ = run(ActionAnswer(), tracker("31 février", "inform", question="ask_learning_agreement",
                                              level="bachelor", requested_fact="course_start_date",
                                              input_problems=["impossible_date:31 février"], language="fr"))
    assert messages[0]["text"] == "La date « 31 février » n'existe pas. Pouvez-vous la vérifier ?"
    assert messages[-1]["text"].startswith("À quelle date commencent les cours")


def test_facts_without_a_question_are_acknowledged():
    messages, _ = run(ActionAnswer(), tracker("je suis en B3", "inform", level="bachelor", language="fr"))
    assert messages[-1]["text"] == "C'est noté. Quelle est votre question ?"


# -- yes / no, handoff ------------------------------------------------------------------------

def test_accepting_the_offer_hands_the_case_over_with_facts_decision_and_transcript_then_pauses():
    events_so_far = [{"event": "user", "text": "je dois rentrer plus tôt"}, {"event": "bot", "text": "Combien de jours ?"}]
    messages, events = run(ActionYesNo(), tracker("oui", "affirm", events=events_so_far, handoff_offered=True,
                                                  question="ask_interruption", stay_days=40, force_majeure=True,
                                                  last_decision={"outcome": "needs_staff"}, language="fr"))
    handoff = messages[-1]["custom"]["handoff"]
    assert handoff["facts"] == {"stay_days": 40, "force_majeure": True}
    assert handoff["decision"] == {"outcome": "needs_staff"} and handoff["language"] == "fr"
    assert handoff["transcript"][0] == {"from": "student", "text": "je dois rentrer plus tôt"}
    assert ConversationPaused() in events


def test_declining_the_offer_keeps_the_bot():
    messages, events = run(ActionYesNo(), tracker("non", "deny", handoff_offered=True, language="en"))
    assert messages[-1]["text"].startswith("All right.")
    assert slots_set(events)["handoff_offered"] is False


def test_a_no_that_corrects_a_fact_while_staff_is_offered_answers_again_with_the_correction():
    situation = dict(question="ask_funding", language="fr", level="bachelor", mobility_type="erasmus_plus",
                     host_city="Vienne", host_country="AT", handoff_offered=True, handoff_reason="needs_staff")
    messages, events = run(ActionYesNo(), tracker("ah non désolé, en fait c'est à Metz", "deny", detected="fr",
                                                  **situation))
    assert slots_set(events)["host_city"] == "Metz" and slots_set(events)["handoff_offered"] is False
    assert slots_set(events)["last_decision"]["outcome"] == "no" and "art. 5(4)" in messages[-1]["text"]
    english = {**situation, "language": "en"}
    _, events = run(ActionYesNo(), tracker("no sorry my bad, it's trier", "deny", detected="en", **english))
    assert slots_set(events)["host_city"].casefold() == "trier" and slots_set(events)["handoff_offered"] is False


def test_asking_for_a_person_hands_over_at_once():
    messages, events = run(ActionHandoff(), tracker("je veux parler à quelqu'un", "request_human",
                                                    language="fr"))
    assert messages[-1]["custom"]["handoff"]["reason"] == "request_human"
    assert ConversationPaused() in events


def test_a_yes_to_a_pending_fact_is_an_answer_not_a_handoff():
    messages, events = run(ActionYesNo(), tracker("yes", "affirm", question="ask_language_test",
                                                  mobility_type="erasmus_plus", native_speaker=True,
                                                  requested_fact="native_speaker", language="en"))
    assert messages[-1]["text"].startswith("No.\n- As a native speaker")
    assert ConversationPaused() not in events


# -- not understood, profile --------------------------------------------------------------------

def test_out_of_scope_says_what_the_assistant_can_do_and_the_second_failure_offers_staff():
    messages, events = run(ActionNotUnderstood(), tracker("quel temps fait-il ?", "out_of_scope", detected="fr",
                                                          language="fr"))
    assert messages[0]["text"].startswith("Désolé, je ne peux répondre qu'aux questions sur la mobilité")
    assert slots_set(events) == {"failures": 1}
    messages, events = run(ActionNotUnderstood(), tracker("et la cantine ?", "out_of_scope", failures=1,
                                                          language="fr"))
    assert messages[-1]["buttons"][0]["payload"] == "/affirm"
    assert slots_set(events) == {"failures": 2, "handoff_offered": True, "handoff_reason": "misunderstanding"}


def test_a_german_message_is_told_politely_which_languages_the_assistant_speaks():
    messages, _ = run(ActionNotUnderstood(), tracker("Muss ich ins Ausland?", "out_of_scope", detected="de",
                                                     language="en"))
    assert messages[0]["text"] == "Sorry, I only speak French and English. Could you ask again in one of these languages?"


def test_an_empty_message_gets_a_prompt():
    messages, _ = run(ActionNotUnderstood(), tracker("   ", "nlu_fallback", language="fr"))
    assert messages[0]["text"].startswith("Votre message est vide")


def test_the_profile_reads_back_every_known_fact():
    messages, _ = run(ActionShowProfile(), tracker("que sais-tu de moi", "ask_profile", level="master",
                                                   host_country="DE", earlier_mobilities=[{"funded": True}],
                                                   course_start_date="2027-09-14", language="fr"))
    assert messages[0]["text"].splitlines()[1:] == [
        "- Niveau : Master", "- Pays d'accueil : Allemagne", "- Mobilités déjà faites : financée",
        "- Début des cours sur place : mardi 14 septembre 2027"]


def test_a_message_that_changes_nothing_is_acknowledged_without_repeating_the_answer():
    first, events = run(ActionAnswer(), tracker("", "inform", question="ask_fees", mobility_type="free_mover",
                                                language="en"))
    last = slots_set(events)["last_decision"]
    messages, _ = run(ActionAnswer(), tracker("ok cool", "inform", question="ask_fees", mobility_type="free_mover",
                                              last_decision=last, language="en"))
    assert [m["text"] for m in messages] == ["Noted; that does not change my answer. Anything else?"]


def test_an_unclear_message_that_answers_the_pending_question_carries_the_question_on():
    events_so_far = [{"event": "user", "text": "I am in bachelor actually"},
                     {"event": "slot", "name": "level", "value": "bachelor"}]
    messages, _ = run(ActionNotUnderstood(), tracker("I am in bachelor actually", "nlu_fallback", detected="en",
                                                     events=events_so_far, question="ask_obligation",
                                                     requested_fact="level", level="bachelor", language="en"))
    assert messages[-1]["text"].startswith("Yes.\n- In a Bachelor programme")


def test_dates_that_do_not_fit_together_are_named_cleared_and_asked_again():
    messages, events = run(ActionAnswer(), tracker("", "inform", question="ask_validation", ects_enrolled=30,
                                                   departure_date="2027-06-01", return_date="2027-03-01",
                                                   language="en"))
    assert messages[0]["text"] == "These details do not fit together, so I set them aside: Return. Could you give them again?"
    assert slots_set(events)["return_date"] is None
    assert messages[-1]["text"].startswith("On what date did (or will) you come back?")


def test_a_pending_offer_is_forgotten_once_a_new_answer_is_given():
    _, events = run(ActionAnswer(), tracker("", "inform", question="ask_fees", mobility_type="semp",
                                            handoff_offered=True, language="en"))
    assert slots_set(events)["handoff_offered"] is False


def test_a_german_message_sets_no_fact_even_if_a_word_looks_like_a_place():
    _, events = run_reading(tracker("Muss ich ins Ausland?", "out_of_scope",
                                                          [{"entity": "location", "value": "Ausland"}], detected="de",
                                                          language="fr", question="ask_fees"))
    assert slots_set(events) == {}


def test_i_dont_know_to_a_pending_question_is_recorded_for_the_offices_report():
    _, events = run_reading(tracker("je sais pas trop", "inform", detected="fr", language="fr",
                                                          requested_fact="course_start_date"))
    assert slots_set(events)["fact_not_known"] == "course_start_date"
    _, events = run_reading(tracker("no idea", "inform", detected="en", language="en"))
    assert "fact_not_known" not in slots_set(events)  # nothing was asked


def test_an_accepted_offer_hands_over_with_the_reason_it_was_made_for():
    _, events = run(ActionYesNo(), tracker("oui", "affirm", handoff_offered=True, handoff_reason="needs_staff",
                                           language="fr", question="ask_exemption"))
    messages, _ = run(ActionYesNo(), tracker("oui", "affirm", handoff_offered=True, handoff_reason="misunderstanding",
                                             language="fr"))
    assert any(isinstance(e, dict) and e.get("event") == "pause" for e in events)
    assert [m["custom"]["handoff"]["reason"] for m in messages if m.get("custom")] == ["misunderstanding"]


def test_i_dont_know_to_a_yes_no_fact_gets_the_answer_in_each_case_not_the_same_question():
    asked = tracker("je sais pas", "inform", detected="fr", language="fr", question="ask_language_test",
                    mobility_type="erasmus_plus", requested_fact="native_speaker")
    _, extraction = run_reading(asked)
    assert slots_set(extraction)["unknown_facts"] == ["native_speaker"]
    messages, events = run(ActionAnswer(), tracker("je sais pas", "inform", detected="fr", language="fr",
                                                   question="ask_language_test", mobility_type="erasmus_plus",
                                                   requested_fact="native_speaker", unknown_facts=["native_speaker"]))
    text = messages[-1]["text"]
    assert text.startswith("Cela dépend de ce que vous ne savez pas encore")
    assert "Si « Locuteur natif de la langue d'enseignement » : Oui — Non." in text and "art. 12(1)" in text
    assert slots_set(events)["last_decision"]["outcome"] == "conditional"
    assert slots_set(events)["requested_fact"] is None


def test_i_dont_know_to_the_mobilities_already_done_gets_the_answer_with_and_without_one():
    messages, events = run(ActionAnswer(), tracker("no idea", "inform", detected="en", language="en",
                                                   question="ask_mobility_count", level="bachelor",
                                                   mobility_type="erasmus_plus", requested_fact="earlier_mobilities",
                                                   unknown_facts=["earlier_mobilities"]))
    text = messages[0]["text"]
    assert text.startswith("It depends on what you do not know yet (You have already done a mobility)")
    assert "Art. 28(2)" in text and slots_set(events)["last_decision"]["outcome"] == "conditional"
    assert not slots_set(events).get("handoff_offered")


def test_a_needed_fact_the_student_does_not_know_leads_to_an_offer_of_staff_not_a_loop():
    messages, events = run(ActionAnswer(), tracker("no idea", "inform", detected="en", language="en",
                                                   question="ask_funding", level="bachelor",
                                                   mobility_type="erasmus_plus", requested_fact="host_country",
                                                   host_city="Zzyzx", earlier_mobilities=[], is_extension=False,
                                                   refused_or_cancelled_place=False, excluded_for_misconduct=False,
                                                   unknown_facts=["host_country"]))
    assert messages[0]["text"] == ("All right. Without that information (Host country), "
                                   "I cannot settle your question.")
    assert slots_set(events)["handoff_offered"] is True and slots_set(events)["handoff_reason"] == "needs_staff"
    assert slots_set(events)["requested_fact"] is None


# -- never a loop, never a regulation answer outside the circular ----------------------------------

def asked(fact):
    return {"event": "slot", "name": "requested_fact", "value": fact}


def test_a_fact_asked_twice_without_an_answer_is_not_asked_a_third_time():
    situation = dict(question="ask_language_test", language="en", level="bachelor", mobility_type="erasmus_plus",
                     host_city="Madrid", requested_fact="native_speaker")
    messages, events = run(ActionAnswer(), tracker("blah", "inform", events=[asked("native_speaker")] * 2,
                                                   **situation))
    assert "I cannot read your answer" in messages[0]["text"]
    assert slots_set(events).get("requested_fact") is None
    assert "native_speaker" in slots_set(events)["unknown_facts"]
    assert "if" in messages[-1]["text"].casefold() or messages[-1].get("buttons")  # each case, or the offer


def test_the_same_fact_asked_once_before_is_still_asked_again():
    situation = dict(question="ask_language_test", language="en", level="bachelor", mobility_type="erasmus_plus",
                     host_city="Madrid", requested_fact="native_speaker")
    _, events = run(ActionAnswer(), tracker("blah", "inform", events=[asked("native_speaker")], **situation))
    assert slots_set(events)["requested_fact"] == "native_speaker"


def test_an_unclear_message_during_a_pending_question_asks_it_again_instead_of_the_scope_notice():
    messages, events = run(ActionNotUnderstood(), tracker(
        "hmm well", "out_of_scope", detected="en", language="en", question="ask_obligation",
        requested_fact="level"))
    assert "only answer questions about student mobility" not in messages[0]["text"]
    assert slots_set(events)["requested_fact"] == "level"


def test_i_dont_know_read_as_help_during_a_pending_question_answers_the_question():
    events_before = [{"event": "user", "text": "I don't know"},
                     {"event": "slot", "name": "unknown_facts", "value": ["native_speaker"]}]
    messages, _ = run(ActionHelp(), tracker(
        "I don't know", "help", detected="en", language="en", question="ask_language_test", level="bachelor",
        mobility_type="erasmus_plus", host_city="Madrid", requested_fact="native_speaker",
        unknown_facts=["native_speaker"], events=events_before))
    assert not any(m.get("text") == response_text("utter_help", "en") for m in messages)
    assert "Art. 12(1)" in messages[-1]["text"]


def test_help_without_a_pending_question_gives_the_help_text():
    messages, _ = run(ActionHelp(), tracker("help", "help", detected="en", language="en"))
    assert [m["text"] for m in messages] == [response_text("utter_help", "en")]


def test_a_tuition_amount_question_is_redirected_to_the_university_s_student_services():
    messages, events = run(ActionNotUnderstood(), tracker("how much is the tuition fee per semester?",
                                                          "out_of_scope", detected="en", language="en"))
    assert "outside the student-mobility rules" in messages[0]["text"] and "SEVE" in messages[0]["text"]
    assert "last_decision" not in slots_set(events)


def test_a_residence_permit_question_names_the_directorate_of_immigration_in_french():
    messages, _ = run(ActionNotUnderstood(), tracker("comment obtenir mon titre de séjour pour étudier ici ?",
                                                     "out_of_scope", detected="fr", language="fr"))
    assert "Direction de l'immigration" in messages[0]["text"]


def test_a_what_if_follow_up_keeps_the_question_just_answered_and_changes_the_fact():
    last = {"question": "ask_funding", "outcome": "yes", "conclusions": [], "values": []}
    _, events = run_reading(tracker(
        "et si je pars à Nancy à la place ?", "ask_mobility_count", [{"entity": "location", "value": "Nancy"}],
        detected="fr", language="fr", question="ask_funding", last_decision=last, host_city="Lisbonne"))
    slots = slots_set(events)
    assert "question" not in slots and slots["host_city"] == "Nancy"


def test_two_question_intents_too_close_to_call_get_the_likelier_answer_not_rephrase():
    ranking = [{"name": "nlu_fallback", "confidence": 0.25}, {"name": "ask_mobility_count", "confidence": 0.45},
               {"name": "ask_extension", "confidence": 0.42}]
    state = tracker("if I extend my erasmus does it count as my second mobility?", "nlu_fallback", detected="en",
                    language="en", level="bachelor", earlier_mobilities=[], mobility_type="erasmus_plus")
    state.latest_message["intent_ranking"] = ranking
    messages, events = run(ActionNotUnderstood(), state)
    assert slots_set(events)["question"] == "ask_mobility_count"
    assert "Art. 28" in messages[-1]["text"]



def faq_tracker(text, topic, **slots):
    state = tracker(text, "faq", detected="fr", language="fr", **slots)
    state.latest_message["response_selector"] = {"faq": {"response": {"utter_action": f"utter_faq/{topic}",
                                                                      "intent_response_key": f"faq/{topic}"}}}
    return state


def test_an_informational_question_gets_its_topic_s_answer():
    messages, _ = run(ActionFaq(), faq_tracker("c'est quoi le bureau de la mobilité ?", "support"))
    assert [m["text"] for m in messages] == [response_text("utter_faq/support", "fr")]


def test_an_answer_to_the_pending_question_taken_for_a_topic_carries_the_question_on():
    events_so_far = [{"event": "user", "text": "oui c'est passé par le bureau de la mobilité"},
                     {"event": "slot", "name": "declared_to_mobility_office", "value": True}]
    messages, _ = run(ActionFaq(), faq_tracker(
        "oui c'est passé par le bureau de la mobilité", "support", question="ask_validation",
        requested_fact="declared_to_mobility_office", declared_to_mobility_office=True, ects_enrolled=30,
        departure_date="2027-04-01", return_date="2027-07-31", host_city="Saarbrücken", events=events_so_far))
    assert not any(m.get("text") == response_text("utter_faq/support", "fr") for m in messages)
    assert "art. 20(2)" in messages[-1]["text"]


def test_what_about_another_town_after_an_answer_recomputes_it_instead_of_the_profile():
    last = {"question": "ask_funding", "outcome": "no", "conclusions": [], "values": []}
    messages, _ = run(ActionShowProfile(), tracker(
        "what about Liège?", "ask_profile", detected="en", language="en", question="ask_funding", last_decision=last,
        level="bachelor", mobility_type="erasmus_plus", host_city="Liège", earlier_mobilities=[],
        refused_or_cancelled_place=False, country_of_origin="LU"))
    assert "Art. 5(1)" in messages[-1]["text"] and "Here is what I know" not in messages[0]["text"]


def test_a_question_asked_in_passing_becomes_the_conversation_s_question():
    state = tracker("je commence mon master en septembre, je voudrais faire mon premier semestre à Montréal, c jouable ?",
                    "inform", detected="fr", language="fr", level="master", semester=1)
    state.latest_message["intent_ranking"] = [{"name": "inform", "confidence": 0.5},
                                              {"name": "ask_departure_semester", "confidence": 0.3}]
    messages, events = run(ActionAnswer(), state)
    assert slots_set(events)["question"] == "ask_departure_semester"
    assert messages[-1]["text"].startswith("Non.")


def test_an_answer_with_a_computed_deadline_carries_its_date_and_article_for_reminders():
    messages, _ = run(ActionAnswer(), tracker("", "inform", question="ask_learning_agreement", level="bachelor",
                                              course_start_date="2027-09-14", language="fr"))
    offer = messages[-1]["custom"]["reminder_offer"]
    assert offer["language"] == "fr"
    assert [(s["kind"], s["date"], s["article"], s["lapses"]) for s in offer["steps"]] == \
        [("learning_agreement_change_deadline", "2027-10-12", "Art. 8(2)", True)]
    assert offer["steps"][0]["label"]["en"] == "last day to change your learning agreement"


def test_an_answer_without_a_dated_step_offers_no_reminder():
    messages, _ = run(ActionAnswer(), tracker("", "inform", question="ask_obligation", level="master", language="fr"))
    assert not any(m.get("custom") for m in messages)


def test_the_checklist_answer_gives_each_step_its_date_and_asks_the_channel_for_the_reminders_set():
    messages, _ = run(ActionAnswer(), tracker("", "inform", question="ask_deadlines", mobility_type="erasmus_plus",
                                              departure_date="2027-09-01", return_date="2028-01-31", language="en"))
    assert "Before leaving, by Wednesday 1 September 2027: sign the mobility contract" in messages[-1]["text"]
    assert "on your return, on Monday 31 January 2028" in messages[-1]["text"]
    custom = messages[-1]["custom"]
    assert custom["checklist"] == {"language": "en"}
    assert {s["kind"] for s in custom["reminder_offer"]["steps"]} == \
        {"mobility_contract_due", "ols_before_departure", "ols_after_return"}


# -- sessions and events per turn ---------------------------------------------------------------

def test_a_new_session_carries_each_slot_once_however_often_it_was_set():
    from actions.session import ActionSessionStart

    ended = tracker("", language="en", level="master", mobility_type="erasmus_plus", failures=0,
                    events=[{"event": "slot", "name": "level", "value": v} for v in ("bachelor", "master") * 50])
    _, events = run(ActionSessionStart(), ended)
    assert [e["event"] for e in events][0] == "session_started" and events[-1]["name"] == "action_listen"
    assert slots_set(events) == {"language": "en", "level": "master", "mobility_type": "erasmus_plus", "failures": 0}
    assert len([e for e in events if e["event"] == "slot"]) == 4


def test_a_session_started_without_carry_over_keeps_no_slot():
    from actions.session import ActionSessionStart

    domain = {**DOMAIN, "session_config": {**DOMAIN["session_config"], "carry_over_slots_to_new_session": False}}
    events = asyncio.run(ActionSessionStart().run(CollectingDispatcher(), tracker("", level="master"), domain))
    assert slots_set(events) == {}


def test_an_answer_sets_only_the_slots_it_changes():
    facts = dict(level="bachelor", mobility_type="erasmus_plus", host_city="Lisbon", country_of_origin="LU",
                 earlier_mobilities=[], refused_or_cancelled_place=False)
    _, events = run(ActionAnswer(), tracker("j'ai droit à une bourse ?", "ask_funding", detected="fr", language="fr",
                                            question="ask_funding", failures=0, handoff_offered=False, **facts))
    # the question read in the message (its wording is the one answered) and the decision; nothing was
    # pending, no failure, no offer: those slots are left as they are
    assert set(slots_set(events)) == {"question", "last_decision"}
    _, events = run(ActionAnswer(), tracker("j'ai droit à une bourse ?", "ask_funding", detected="fr", language="fr",
                                            question="ask_funding", failures=1, handoff_offered=True,
                                            requested_fact="host_city", **facts))
    assert set(slots_set(events)) == {"question", "requested_fact", "failures", "handoff_offered", "last_decision"}
    assert [slots_set(events)[n] for n in ("requested_fact", "failures", "handoff_offered")] == [None, 0, False]


def test_an_action_reads_the_message_before_answering_it():
    messages, events = run(ActionAnswer(), tracker(
        "I'm a master student, will I get a grant for a Global Exchange in Montreal?", "ask_funding",
        [{"entity": "level", "value": "master"}], detected="en"))
    slots = slots_set(events)
    assert slots["language"] == "en" and slots["level"] == "master" and slots["question"] == "ask_funding"
    assert messages[-1]["text"].startswith("No.")


def test_a_greeting_in_a_new_language_is_answered_in_that_language():
    from actions.conversation import ActionSmallTalk

    messages, events = run(ActionSmallTalk(), tracker("hello, anybody there?", "greet", detected="en", language="fr"))
    assert slots_set(events)["language"] == "en"
    assert [m["text"] for m in messages] == [response_text("utter_greet", "en")]


# -- session 5: what the classifier missed, the dialogue still answers -----------------------------

def test_a_question_that_outscores_the_near_miss_threshold_in_a_message_of_facts_is_answered():
    # out_of_scope was put first by the near-miss threshold, but the grant question scored higher still
    ranking = [{"name": "nlu_fallback", "confidence": 0.25}, {"name": "out_of_scope", "confidence": 0.33},
               {"name": "ask_funding", "confidence": 0.6}]
    state = tracker("Spanish, living in Belval for my studies, Erasmus in Sevilla: any money for me?", "nlu_fallback",
                    detected="en", language="en",
                    events=[{"event": "user", "text": "..."}, {"event": "slot", "name": "host_city", "value": "Sevilla"}])
    state.latest_message["intent_ranking"] = ranking
    messages, events = run(ActionNotUnderstood(), state)
    assert slots_set(events)["question"] == "ask_funding"
    assert "rephrase" not in messages[0]["text"]


def test_a_follow_up_named_by_its_own_words_is_answered_even_when_the_classifier_falls_back():
    ranking = [{"name": "nlu_fallback", "confidence": 0.25}, {"name": "out_of_scope", "confidence": 0.35},
               {"name": "faq", "confidence": 0.3}]
    state = tracker("and could the OLS score be used in place of the certificate Bologna wants?", "nlu_fallback",
                    detected="en", language="en", question="ask_language_test", mobility_type="erasmus_plus")
    state.latest_message["intent_ranking"] = ranking
    messages, events = run(ActionNotUnderstood(), state)
    assert slots_set(events)["question"] == "ask_language_test"
    assert messages[-1]["text"].startswith("No") and "Art. 12(2)" in messages[-1]["text"]


def test_an_obligation_question_the_classifier_took_for_the_internship_topic_gets_the_rules_answer():
    state = faq_tracker("si je fais un stage de 6 mois à Vienne, je dois quand même partir un semestre ?",
                        "internship", level="bachelor")
    messages, events = run(ActionFaq(), state)
    assert slots_set(events)["question"] == "ask_obligation"
    assert "art. 1(3)" in messages[-1]["text"]


def test_the_grant_asked_right_after_an_extension_is_the_grant_of_the_extension():
    state = tracker("and is that extra semester funded too?", "ask_funding", detected="en", language="en",
                    question="ask_extension", last_decision={"question": "ask_extension", "outcome": "conditional"})
    events = read_message_facts(state)
    assert slots_set(events)["is_extension"] is True and slots_set(events)["question"] == "ask_funding"


def test_a_year_code_in_a_correction_does_not_undo_the_semester_said_before():
    state = tracker("oh wait sorry, I'm in M1, not bachelor", "ask_obligation", detected="en", language="en",
                    question="ask_departure_semester", semester=2, level="bachelor",
                    last_decision={"question": "ask_departure_semester", "outcome": "no"})
    state.latest_message["entities"] = [{"entity": "semester", "value": "1", "text": "M1"}]
    events = read_message_facts(state)
    slots = slots_set(events)
    assert slots["level"] == "master" and "semester" not in slots and "question" not in slots


def test_a_reply_that_answers_the_pending_fact_and_asks_another_question_without_its_mark_asks_it():
    _, events = run_reading(tracker("M2 here. can i go abroad in my third semester or is that too late",
                                    "ask_departure_semester", detected="en", language="en",
                                    question="ask_learning_agreement", requested_fact="level"))
    slots = slots_set(events)
    assert slots["question"] == "ask_departure_semester"
    assert slots["level"] == "master"


def test_a_plain_reply_to_the_pending_fact_keeps_the_question():
    _, events = run_reading(tracker("M2, in the data science programme", "ask_departure_semester", detected="en",
                                    language="en", question="ask_learning_agreement", requested_fact="level"))
    slots = slots_set(events)
    assert "question" not in slots
    assert slots["level"] == "master"
