"""Which question the student asks, and not losing it: the question named by its own words when the
classifier misses, FAQ topics rescued, what-ifs kept, replies to a pending fact read as answers, and
a lecturer's own trip told apart from a student's question (issue 9). Wordings are the tests' own."""
import datetime as dt

import pytest
from rasa_sdk.events import ConversationPaused

from actions.conversation import ActionNotUnderstood
from actions.corrections import corrected_host_town
from actions.faq_topics import named_faq_topic
from actions.handoff import ActionHandoff
from actions.staff_mobility import asks_own_staff_mobility
from actions.understanding import bare_place, named_question, refine_question
from nlu_components.language import detect
from tests.test_actions import response_text, run, run_reading, slots_set, tracker

TODAY = dt.date(2027, 9, 20)


# -- the question named by its own words ---------------------------------------------------------

@pytest.mark.parametrize("text", [
    "is the semster abroad realy mandatory?? id rather stay home",
    "do we actually have to do an exchange semester at all?",
    "i still have to go abroad? even with my job?",
    "honestly, must I really go abroad?",
    "la mobilité c vraiment obligatoire ?? jpréfère rester au lux",
    "le semestre à l'étranger est-il toujours obligatoire pour moi ?",
    "je travaille à mi-temps, est-ce que je dois quand même faire le semestre de mobilité ?",
])
def test_a_question_whether_the_mobility_is_compulsory_is_named_the_obligation_question(text):
    assert named_question(text) == "ask_obligation"


@pytest.mark.parametrize("text", [
    "Differdange is closer than Arlon, is Arlon beyond the 100 km so the grant applies?",
    "Maastricht c'est à plus de 100km ? j'aurais la bourse alors ?",
    "would i qualify for the erasmus grant there?",
])
def test_a_question_about_the_100_km_line_or_getting_the_grant_is_named_the_funding_question(text):
    assert named_question(text) == "ask_funding"


@pytest.mark.parametrize("text", [
    "is the OLS test compulsory?",
    "la réunion d'info mobilité est obligatoire ?",
    "do I have to do the exchange in semester 5 or 6?",
    "at KU Leuven, is the semester abroad compulsory for their own students?",
    "la bourse CEDIES c'est pour moins de 100 km aussi ?",
    "what do I still have to do?",
])
def test_words_near_the_obligation_or_the_grant_that_ask_something_else_name_neither(text):
    assert named_question(text) not in ("ask_obligation", "ask_funding")


# -- FAQ topics rescued by their own words --------------------------------------------------------

@pytest.mark.parametrize("text, topic", [
    ("just got home from Tartu, does the host send my transcript of records to uni.lu or do I?", "transcript"),
    ("de retour de Porto : mon relevé de notes, je peux l'envoyer en scan par mail ?", "transcript"),
    ("who will help me pick modules at my partner university? the list is huge", "support"),
    ("qui peut me conseiller pour choisir mes cours à l'université d'accueil ?", "support"),
    ("j'ai échoué un examen pendant mon échange à Gand, je peux le rattraper ?", "resits"),
])
def test_an_faq_topic_named_with_the_mobility_in_sight_is_that_topic(text, topic):
    assert named_faq_topic(text) == topic


@pytest.mark.parametrize("text", [
    "I need my uni.lu transcript for an internship application, where do I get it?",
    "j'ai raté mon partiel de maths ici à Belval (pas en erasmus), le rattrapage c'est quand ?",
    "who can help me choose my courses for next semester here in Belval?",
])
def test_the_same_words_about_the_university_s_own_studies_name_no_faq_topic(text):
    assert named_faq_topic(text) is None


@pytest.mark.parametrize("text", [
    "je suis affiliée à la CNS, ça me couvre au Japon pendant mon échange ?",
    "is my health insurance still valid in Chile during the exchange semester?",
    "am I insured while I'm on erasmus in Krakow or do I need something extra?",
    "pendant ma mobilité à Séoul, la sécu luxembourgeoise rembourse les frais médicaux ?",
])
def test_health_cover_during_the_stay_abroad_is_the_insurance_topic(text):
    assert named_faq_topic(text) == "insurance"


@pytest.mark.parametrize("text", [
    "how do I register with the CNS as a student in Luxembourg?",
    "je dois m'assurer que mon learning agreement est signé avant de partir en erasmus ?",
    "does the erasmus grant cover my rent in Valencia?",
])
def test_insurance_words_without_the_stay_abroad_or_meaning_make_sure_are_no_insurance_topic(text):
    assert named_faq_topic(text) != "insurance"


@pytest.mark.parametrize("lang, text", [
    ("fr", "g la CNS, je suis couvert en Australie pdt mon echange ??"),
    ("en", "got CNS cover, does it work in Mexico during my exchange?"),
])
def test_health_cover_abroad_taken_for_the_cns_s_business_gets_the_insurance_answer(lang, text):
    messages, events = run(ActionNotUnderstood(), tracker(text, "out_of_scope", detected=lang, language=lang))
    assert messages[-1]["text"] == response_text("utter_faq/insurance", lang)


@pytest.mark.parametrize("lang, text, intent", [
    ("en", "back from Ljubljana: how will my transcript reach uni.lu, can I mail them a copy?", "out_of_scope"),
    ("fr", "qui peut m'aider à choisir mes cours chez le partenaire ? je suis perdue", "nlu_fallback"),
])
def test_an_faq_question_the_classifier_took_for_another_service_s_gets_the_faq_answer(lang, text, intent):
    messages, events = run(ActionNotUnderstood(), tracker(text, intent, detected=lang, language=lang))
    topic = "transcript" if "transcript" in text else "support"
    assert messages[-1]["text"] == response_text(f"utter_faq/{topic}", lang)
    assert "question" not in slots_set(events)


# -- what-if follow-ups keep their question --------------------------------------------------------

FUNDED = dict(question="ask_funding", level="bachelor", semester=3, mobility_type="erasmus_plus",
              host_city="Strasbourg", country_of_origin="LU", eu_national=True, earlier_mobilities=[],
              refused_or_cancelled_place=False, is_extension=False,
              last_decision={"question": "ask_funding", "outcome": "yes", "conclusions": [], "values": []})


@pytest.mark.parametrize("lang, text", [
    ("en", "and what if i pick metz instead? rent is lower there"),
    ("fr", "et si je choisis metz à la place ? les loyers sont moins chers"),
])
def test_a_what_if_the_classifier_fell_back_on_keeps_the_question_just_answered(lang, text):
    state = tracker(text, "nlu_fallback", detected=lang, language=lang, **FUNDED)
    state.latest_message["intent_ranking"] = [{"name": "nlu_fallback", "confidence": 1.0},
                                              {"name": "ask_cancellation", "confidence": 0.5}]
    messages, events = run(ActionNotUnderstood(), state)
    slots = slots_set(events)
    assert slots.get("question", "ask_funding") == "ask_funding" and slots["host_city"].casefold() == "metz"
    assert slots["last_decision"]["question"] == "ask_funding" and slots["last_decision"]["outcome"] == "no"
    assert "Art. 5(4)" in messages[-1]["text"] or "art. 5(4)" in messages[-1]["text"]


# -- a reply to a pending fact is that answer -----------------------------------------------------

VALIDATION = dict(question="ask_validation", level="bachelor", ects_enrolled=30,
                  departure_date="2027-01-25", return_date="2027-05-28", requested_fact="declared_to_mobility_office")


@pytest.mark.parametrize("lang, text", [
    ("fr", "oui, je l'ai faite via le bureau de la mobilité"),
    ("en", "yes, the mobility office registered it"),
])
def test_a_reply_that_names_the_office_to_answer_the_pending_fact_is_read_as_that_fact_not_as_a_call_for_a_person(
        lang, text):
    messages, events = run(ActionHandoff(), tracker(text, "request_human", detected=lang, language=lang, **VALIDATION))
    assert ConversationPaused() not in events
    assert slots_set(events)["declared_to_mobility_office"] is True
    assert "handoff" not in str(messages)


@pytest.mark.parametrize("lang, text", [
    ("fr", "oui, mais je voudrais parler à quelqu'un du bureau"),
    ("en", "yes but can i talk to a real person please"),
])
def test_an_explicit_call_for_a_person_hands_over_even_while_a_fact_is_pending(lang, text):
    messages, events = run(ActionHandoff(), tracker(text, "request_human", detected=lang, language=lang, **VALIDATION))
    assert ConversationPaused() in events


@pytest.mark.parametrize("text", ["spain, im spanish", "greek, born in athens"])
def test_a_short_reply_to_the_pending_fact_is_in_the_conversation_s_language_whatever_its_words_sound_like(text):
    state = tracker(text, "out_of_scope", detected="de", language="en", question="ask_funding", level="bachelor",
                    mobility_type="erasmus_plus", host_city="Tours", requested_fact="country_of_origin")
    messages, events = run(ActionNotUnderstood(), state)
    slots = slots_set(events)
    assert slots["country_of_origin"] in ("ES", "GR") and "language" not in slots
    assert not any("only speak" in (m.get("text") or "") for m in messages)


def test_a_long_message_in_another_language_is_still_refused_politely():
    text = "Ich komme aus Spanien und möchte wissen, ob ich das Stipendium bekomme, wenn ich nach Tours gehe"
    state = tracker(text, "out_of_scope", detected="de", language="en", question="ask_funding",
                    requested_fact="country_of_origin")
    messages, events = run(ActionNotUnderstood(), state)
    assert "country_of_origin" not in slots_set(events)
    assert "only speak French and English" in messages[0]["text"]


def test_sms_english_im_is_no_longer_evidence_for_german():
    assert detect("france, im french") is None
    assert detect("Ich bin im Ausland, bekomme ich das Stipendium?") == "de"


@pytest.mark.parametrize("lang, text, town", [
    ("en", "oops my bad, autocorrect: LYON not lille", "LYON"),
    ("fr", "pardon je me suis trompée, c'est Nantes pas Lille", "Nantes"),
])
def test_a_correction_of_the_host_while_another_fact_is_pending_is_applied_and_the_pending_question_goes_on(
        lang, text, town):
    state = tracker(text, "deny", detected=lang, language=lang, question="ask_funding", level="bachelor",
                    mobility_type="erasmus_plus", host_city="Lille", requested_fact="country_of_origin")
    messages, events = run(ActionNotUnderstood(), state)
    slots = slots_set(events)
    assert slots["host_city"] == town and "country_of_origin" not in slots
    assert slots["requested_fact"] == "country_of_origin"
    assert town in messages[0]["text"] and "catch" not in messages[0]["text"] and "compris" not in messages[0]["text"]


def test_a_reply_that_answers_the_origin_with_a_country_is_no_correction_of_the_host():
    assert corrected_host_town("sorry, i meant italy", "country_of_origin") is None
    assert corrected_host_town("sorry, Tours not Trier", "host_city") is None


def test_a_town_the_student_rules_out_is_not_the_place_named_in_a_follow_up():
    assert bare_place("Lisbon not Metz") == "Lisbon" and bare_place("not metz but lisbon") == "lisbon"


# -- a lecturer's own trip is not a student's question ---------------------------------------------

@pytest.mark.parametrize("text, earlier", [
    ("could I get an Erasmus grant to teach for a week in Tartu?", ()),
    ("I'd like to go and teach a seminar in Porto next spring, is that funded by Erasmus?", ()),
    ("est-ce que je pourrais partir enseigner une semaine à Gand avec une bourse Erasmus ?", ()),
    ("je voudrais faire une mission d'enseignement à Lyon, comment on la finance ?", ()),
    ("and can I get the grant for that trip myself?", ("Hello, I'm a senior lecturer in the law faculty.",)),
    ("et pour moi, je peux obtenir un financement pour y aller une semaine ?", ("Je suis enseignante en FHSE.",)),
])
def test_a_staff_member_asking_about_their_own_trip_is_staff_mobility(text, earlier):
    assert asks_own_staff_mobility(text, earlier)


@pytest.mark.parametrize("text, earlier", [
    ("my professor said I must go abroad, is it really compulsory?", ()),
    ("do they teach in English at the host university?", ()),
    ("les cours sont enseignés en anglais à Gand ?", ()),
    ("I am a lecturer; how is a new exchange agreement with a Canadian university signed?", ()),
    ("can my students get the Erasmus grant for Graz?", ("I'm a professor in the economics department.",)),
])
def test_a_student_s_question_or_a_staff_member_s_question_about_students_is_not_staff_mobility(text, earlier):
    assert not asks_own_staff_mobility(text, earlier)


@pytest.mark.parametrize("lang, text, who", [
    ("en", "can I get Erasmus money to teach a short course in Vienna myself?", "staff mobility"),
    ("fr", "je voudrais aller enseigner une semaine à Vienne, j'ai droit à la bourse Erasmus ?", "mobilité du personnel"),
])
def test_a_lecturer_s_own_trip_heard_as_a_funding_question_is_redirected_without_asking_student_facts(lang, text, who):
    messages, events = run(ActionNotUnderstood(), tracker(text, "ask_funding", detected=lang, language=lang))
    assert who in messages[0]["text"] and len(messages) == 1
    assert not {"question", "host_city", "requested_fact"} & set(slots_set(events))


def test_an_earlier_mobility_told_with_its_town_and_an_actually_is_no_correction_of_the_host():
    from actions.corrections import corrected_host_town

    assert corrected_host_town("one semester in vienna, not sure it was actually funded", "earlier_mobilities") is None
    assert corrected_host_town("oops typo, its Liège not Lille", "country_of_origin") == "Liège"


def test_a_what_if_that_names_another_question_asks_that_question_with_the_new_fact():
    from actions.extract import read_message_facts
    from tests.test_actions import slots_set, tracker

    after_fees = tracker("and if I go to Porto with erasmus, will I get the grant?", "ask_fees", detected="en",
                         language="en", question="ask_fees", last_decision={"question": "ask_fees", "outcome": "yes"})
    slots = slots_set(read_message_facts(after_fees))
    assert slots["question"] == "ask_funding" and slots["host_city"] == "Porto"


def test_a_what_if_that_names_the_same_question_keeps_it():
    from actions.extract import read_message_facts
    from tests.test_actions import slots_set, tracker

    after_grant = tracker("and if I go to Nancy instead, would I get the grant?", "ask_fees", detected="en",
                          language="en", question="ask_funding", last_decision={"question": "ask_funding"})
    assert slots_set(read_message_facts(after_grant)).get("question") in (None, "ask_funding")


@pytest.mark.parametrize("text, question", [
    ("is it ok to leave during semester 4? i'm in economics", "ask_departure_semester"),
    ("jpeux faire mon echange au S3 ?", "ask_departure_semester"),
    ("could I do a 2nd exchange in S6?", "ask_mobility_count"),
    ("je peux repartir encore une fois au S6 ?", "ask_mobility_count"),
])
def test_a_semester_asked_about_without_going_twice_is_the_departure_semester_not_the_count(text, question):
    from actions.understanding import refine_question

    assert refine_question("ask_mobility_count", text) == question


# -- what exactly the funding, cancellation and learning-agreement questions ask ---------------------

@pytest.mark.parametrize("text", [
    "swiss-european exchange in Lugano: will uni.lu pay the grant?",
    "does the university give me the grant for SEMP in Bern?",
    "semp à Lausanne : l'université du Luxembourg finance la bourse ?",
    "la bourse semp est-elle payée par l'université ?",
])
def test_whether_the_university_pays_the_grant_is_asked_as_a_yes_or_no(text):
    from actions.understanding import aspects_of

    assert "ul_pays" in aspects_of(text) and "who_pays" not in aspects_of(text)


@pytest.mark.parametrize("text", ["is my semp grant paid by uni.lu or by the host in Geneva?",
                                  "la bourse est versée par l'uni ou par l'EPFL ?"])
def test_a_choice_between_two_payers_is_asked_as_who_pays(text):
    from actions.understanding import aspects_of

    assert "who_pays" in aspects_of(text)


def test_asked_whether_uni_lu_pays_a_semp_grant_the_answer_is_no_at_once():
    from actions.answer import ActionAnswer

    messages, events = run(ActionAnswer(), tracker("semp in Basel, will uni.lu pay my grant like with erasmus?",
                                                   "ask_funding", detected="en", language="en"))
    slots = slots_set(events)
    assert slots["mobility_type"] == "semp" and slots["last_decision"]["outcome"] == "no"
    assert "Art. 5(8)" in messages[-1]["text"] and not slots.get("requested_fact")


@pytest.mark.parametrize("text", [
    "cool, and if I stay on for the summer semester as an extension, is that funded too?",
    "d'accord. et la prolongation au semestre d'été, elle est financée ?",
    "is there any grant for the extension?",
])
def test_whether_an_extension_is_funded_is_the_funding_question_about_an_extension(text):
    from actions.understanding import read_message, refine_question

    assert refine_question("ask_extension", text) == "ask_funding"
    assert read_message(text, "ask_funding", [], None, TODAY).facts["is_extension"] is True


@pytest.mark.parametrize("text", [
    "no grant then, fine. but can I extend at all, and how?",
    "do I pay the tuition fees again for the extension?",
])
def test_an_extension_question_that_only_mentions_money_or_asks_the_fees_is_not_about_its_funding(text):
    from actions.understanding import refine_question

    assert refine_question("ask_extension", text) != "ask_funding"


@pytest.mark.parametrize("text, question", [
    ("I have my Erasmus place in Bologna but might take a job. What happens if I withdraw? Any grant for a free "
     "mover semester this year?", "ask_cancellation"),
    ("si je laisse tomber ma place à Gand, je perds la bourse pour cette année ?", "ask_cancellation"),
    ("I already declined my Erasmus place in Bologna, can I still get a grant as a free mover?", "ask_funding"),
])
def test_a_cancellation_s_consequences_stay_the_cancellation_question_a_refusal_done_asks_the_grant(text, question):
    from actions.understanding import refine_question

    assert refine_question("ask_cancellation", text) == question


def test_a_master_student_asking_who_signs_and_whether_30_ects_apply_to_masters_too_is_a_master_student():
    from actions.understanding import aspects_of, read_message

    text = "MSc student here. who must sign my LA, and is a minimum of 30 credits also for us or only for bachelors?"
    start = text.index("bachelors")
    tagged = [{"entity": "level", "value": "bachelor", "start": start, "end": start + 9}]
    assert read_message(text, "ask_learning_agreement", tagged, None, TODAY).facts["level"] == "master"
    assert {"who_signs", "ects_thirty_required"} <= set(aspects_of(text))


@pytest.mark.parametrize("text, other", [
    ("I'm a master student, does the 30 ects rule apply to us or is it just bachelor?", "bachelor"),
    ("je suis en master : le minimum de 30 crédits, c'est seulement en licence ?", "licence"),
])
def test_a_level_asked_about_as_the_only_one_a_rule_concerns_is_not_the_student_s(text, other):
    from actions.understanding import read_message

    start = text.index(other)
    tagged = [{"entity": "level", "value": "bachelor", "start": start, "end": start + len(other)}]
    assert read_message(text, "ask_learning_agreement", tagged, None, TODAY).facts["level"] == "master"


# -- Session 8: a stay cut short, a rumour of being let off, a second Bachelor -----------------------

@pytest.mark.parametrize("intent, text", [
    ("ask_obligation", "I was in Tartu from 2 September and flew home on 30 October because I felt lonely, must I go again?"),
    ("ask_mobility_count", "je suis rentré de Cluj au bout de six semaines, j'aimais pas la ville, je dois refaire une mobilité ?"),
    ("ask_obligation", "I quit my exchange in Lille after a month, do I have to do a new one?"),
])
def test_a_stay_cut_short_then_whether_one_must_go_again_is_the_interruption_question(intent, text):
    assert refine_question(intent, text) == "ask_interruption"


def test_a_stay_cut_short_then_whether_one_must_go_again_is_named_when_the_classifier_falls_back():
    assert named_question("came back from Brno after 5 weeks bc it was awful, do i need to go again?") == "ask_interruption"


def test_whether_one_may_go_again_after_coming_back_keeps_the_number_of_mobilities():
    assert refine_question("ask_mobility_count", "I came back from Lyon in January, can I go again in S6?") \
        == "ask_mobility_count"


@pytest.mark.parametrize("text", [
    "my cousin says non-EU students don't need to go abroad, does it work for me?",
    "on m'a dit que les étudiants hors UE ont pas besoin de partir, ça s'applique à moi ?",
])
def test_a_rumour_of_being_let_off_asked_as_whether_it_applies_to_me_is_the_exemption_question(text):
    assert refine_question("ask_obligation", text) == "ask_exemption"


@pytest.mark.parametrize("text", [
    "a friend says non-EU students don't need to go abroad. I'm Kenyan in Bachelor S2, do I have to go or not?",
    "un ami dit que les étudiants hors UE ont pas besoin de partir. je suis tunisienne en licence, je suis obligée "
    "de partir ou pas ?",
])
def test_the_obligation_asked_outright_beside_such_a_rumour_stays_the_obligation_question(text):
    assert refine_question("ask_obligation", text) == "ask_obligation"


@pytest.mark.parametrize("text", [
    "licence d'histoire finie à l'uni.lu l'an dernier, maintenant 2e bachelor en philo : remobilité obligatoire ?",
    "graduated from uni.lu in economics, now a new bachelor in IT, is mobility mandatory again?",
])
def test_a_second_bachelor_after_a_ul_one_asking_if_mobility_is_mandatory_again_is_the_obligation_question(text):
    assert named_question(text) == "ask_obligation"


@pytest.mark.parametrize("text", [
    "je reste à Coimbra jusqu'en juillet, c'est une prolongation dans la même année, mon 2e semestre là-bas sera-t-il financé ?",
    "staying on in Utrecht after january, is the extra semester funded as well?",
])
def test_asking_whether_the_added_semester_is_funded_is_the_funding_question(text):
    from actions.understanding import refine_question

    assert refine_question("ask_extension", text) == "ask_funding"


@pytest.mark.parametrize("text", [
    "Graz wants a C1 certificate with my application, could I simply give them my OLS score?",
    "est-ce que je peux leur envoyer mon résultat OLS au lieu du certificat que demande Salamanque ?",
    "will the host accept my OLS result?",
])
def test_offering_the_ols_result_to_the_host_asks_whether_it_replaces_the_certificate(text):
    from actions.understanding import aspects_of, named_question

    assert named_question(text) == "ask_language_test"
    assert "certificate_replaced" in aspects_of(text)


@pytest.mark.parametrize("text, listed", [
    ("mon contrat d'études pour Braga ne fait que 21 crédits, c'est bon ?", True),
    ("my LA for Tartu only has 25 ECTS, is that enough?", True),
    ("I only have 27 credits in my learning agreement, problem?", True),
    ("can I drop a 5 ECTS course from my learning agreement?", False),
])
def test_the_total_a_learning_agreement_lists_is_read_as_such_not_a_course_s_credits(text, listed):
    from actions.understanding import aspects_of

    assert ("ects_listed" in aspects_of(text)) is listed


@pytest.mark.parametrize("text", ["dois-je passer le test OLS pour Dublin ?", "do I have to do the OLS online test?"])
def test_naming_the_ols_test_asks_about_that_test_itself(text):
    from actions.understanding import aspects_of

    assert "ols_named" in aspects_of(text)
