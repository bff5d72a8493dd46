"""Reading facts from what students type: dates, numbers with units, yes/no, places, codes."""
import datetime as dt

import pytest

from actions.understanding import read_message, yes_no

TODAY = dt.date(2027, 9, 20)


def facts(text, requested=None, intent="inform", entities=()):
    reading = read_message(text, intent, list(entities), requested, TODAY)
    return reading.facts, reading.problems


@pytest.mark.parametrize("text, expected", [
    ("les cours commencent le 14 septembre 2027", {"course_start_date": dt.date(2027, 9, 14)}),
    ("courses start Sept 14th", {"course_start_date": dt.date(2027, 9, 14)}),
    ("du 1/9/2027 au 28/11/2027", {"departure_date": dt.date(2027, 9, 1), "return_date": dt.date(2027, 11, 28)}),
    ("parti le 15 mars, rentré le 10 juin", {"departure_date": dt.date(2027, 3, 15), "return_date": dt.date(2027, 6, 10)}),
    ("I stayed 85 days and had 30 ECTS", {"stay_days": 85, "ects_enrolled": 30}),
    ("semester 3, 30 ECTS", {"semester": 3, "ects_enrolled": 30}),
    ("un cours de 45 heures", {"course_hours": 45}),
    ("je suis en B3", {"semester": 3, "level": "bachelor"}),
    ("my French is B2", {}),
    ("je suis en master et je pars en Erasmus", {"level": "master", "mobility_type": "erasmus_plus"}),
    ("does the master section apply?", {}),
])
def test_facts_are_read_from_free_text(text, expected):
    assert facts(text)[0] == expected


@pytest.mark.parametrize("text", ["le 31 février", "le 12/13", "0/0", "2027-02-30"])
def test_an_impossible_date_is_a_problem_to_report_not_a_crash(text):
    found, problems = facts(text, requested="course_start_date")
    assert "course_start_date" not in found and problems and problems[0].startswith("impossible_date:")


@pytest.mark.parametrize("text, intent, expected", [
    ("oui", "affirm", True), ("non", "deny", False), ("yes", None, True), ("nope", None, False),
    ("non je sais pas", "deny", None), ("no idea", "deny", None), ("I don't know", None, None),
])
def test_yes_and_no_answer_the_pending_question_and_unsure_answers_do_not(text, intent, expected):
    assert facts(text, requested="force_majeure", intent=intent)[0].get("force_majeure") is expected


def test_only_a_known_town_answers_the_host_city_question():
    assert facts("Tübingen", requested="host_city")[0] == {"host_city": "Tübingen"}
    assert facts("merci", requested="host_city", intent="thank")[0] == {}
    assert facts("je ne sais pas encore", requested="host_city")[0] == {}


def test_a_country_answers_the_country_of_origin_question_not_the_host():
    found, _ = facts("Allemagne", requested="country_of_origin", entities=[{"entity": "location", "value": "Germany"}])
    assert found == {"country_of_origin": "DE"}


def test_earlier_mobilities_keep_their_count_funding_and_type():
    assert facts("oui, deux fois, une financée", requested="earlier_mobilities", intent="affirm")[0] == \
        {"earlier_mobilities": [{"funded": True}, {"funded": False}]}
    assert facts("I had an Erasmus semester, funded", requested="earlier_mobilities")[0] == \
        {"earlier_mobilities": [{"funded": True, "mobility_type": "erasmus_plus"}]}


def test_an_earlier_mobility_named_without_its_funding_is_a_mobility_whose_funding_is_unknown():
    assert facts("one, erasmus+ in lyon", requested="earlier_mobilities")[0] == \
        {"earlier_mobilities": [{"mobility_type": "erasmus_plus"}]}
    assert facts("un semestre erasmus à madrid, je sais pas si j'ai eu la bourse",
                 requested="earlier_mobilities")[0] == {"earlier_mobilities": [{"mobility_type": "erasmus_plus"}]}


def test_the_town_of_an_earlier_mobility_is_not_taken_for_the_new_host():
    assert "host_city" not in facts("one: erasmus+ in vienna, with the erasmus grant",
                                    requested="earlier_mobilities")[0]


def test_a_level_the_student_denies_does_not_count_even_when_tagged():
    tagged = [{"entity": "level", "value": "bachelor", "text": "licence"}]
    assert facts("non pardon, je suis en master de physique, pas en licence", entities=tagged)[0]["level"] == "master"


def test_a_no_followed_by_what_the_student_is_answers_a_yes_no_question():
    assert yes_no("no im just a normal full time student", "out_of_scope") is False
    assert yes_no("no idea", "out_of_scope") is None


def test_credits_earned_abroad_count_as_validated_only_when_the_student_says_so():
    # Without a word on the validation they are read as not validated yet: the rules core then answers
    # "yes, once validated", which holds whichever the truth is.
    assert facts("30 ECTS obtenus à l'étranger", requested="exemption_grounds")[0] == \
        {"exemption_grounds": ["foreign_credits_not_validated"]}
    assert facts("30 ECTS obtenus à l'étranger, validés", requested="exemption_grounds")[0] == \
        {"exemption_grounds": ["foreign_credits_validated"]}


def test_odd_entities_do_not_break_the_reading():
    assert facts("hello", entities=["not a dict", {"entity": "location"}])[0] == {}


@pytest.mark.parametrize("text, requested, expected", [
    ("je suis luxembourgeoise", "country_of_origin", {"country_of_origin": "LU", "eu_national": True}),
    ("Luxembourgish", "country_of_origin", {"country_of_origin": "LU", "eu_national": True}),
    ("I'm Portuguese btw", None, {"country_of_origin": "PT", "eu_national": True}),
    ("indian citizen", "eu_national", {"country_of_origin": "IN", "eu_national": False}),
    ("jsuis bresilienne", None, {"country_of_origin": "BR", "eu_national": False}),
    ("de nationalité belge", None, {"country_of_origin": "BE", "eu_national": True}),
])
def test_a_nationality_is_read_as_the_country_of_origin_and_eu_nationality(text, requested, expected):
    assert facts(text, requested) == (expected, [])


@pytest.mark.parametrize("text", ["les cours sont en anglais", "I speak English and French", "je pars en Suisse",
                                  "my German course"])
def test_a_language_or_a_country_is_not_taken_for_a_nationality(text):
    found, _ = facts(text)
    assert "country_of_origin" not in found and "eu_national" not in found


def test_a_semester_said_as_such_wins_over_a_year_code():
    found, _ = facts("jsuis en B1, jpeux partir en s2 ?", intent="ask_departure_semester")
    assert found["semester"] == 2 and found["level"] == "bachelor"


@pytest.mark.parametrize("text, level", [("licence", "bachelor"), ("bachelor en informatique", "bachelor"),
                                         ("MSc", "master"), ("L2", "bachelor"), ("m1", "master")])
def test_a_bare_level_word_answers_the_level_question(text, level):
    found, _ = facts(text, requested="level")
    assert found["level"] == level


@pytest.mark.parametrize("text, value", [("no, portuguese is my native language", False),
                                         ("non, ma langue maternelle c'est le portugais", False),
                                         ("yes - german is my mother tongue", True)])
def test_a_yes_or_no_followed_by_its_reason_answers_the_pending_question(text, value):
    found, _ = facts(text, requested="native_speaker")
    assert found["native_speaker"] is value


def test_a_long_message_starting_with_no_is_not_taken_for_an_answer():
    found, _ = facts("non mais est-ce que je peux partir au semestre 3 si je suis en master ?",
                     requested="native_speaker")
    assert "native_speaker" not in found


@pytest.mark.parametrize("text, town", [("köln, cologne", "köln"), ("homburg (sarre)", "homburg")])
def test_a_town_given_with_a_second_name_or_a_region_is_read(text, town):
    found, _ = facts(text, requested="host_city")
    assert found["host_city"] == town


def test_a_year_less_course_start_is_the_next_one_to_come_and_the_assumption_is_said():
    reading = read_message("14 septembre", "inform", [], "course_start_date", dt.date(2026, 12, 1))
    assert reading.facts["course_start_date"] == dt.date(2027, 9, 14)
    assert reading.problems == ["assumed_year:2027-09-14"]


def test_a_year_less_return_stays_in_the_recent_past():
    reading = read_message("je suis rentrée le 14 septembre", "inform", [], "return_date", dt.date(2026, 12, 1))
    assert reading.facts["return_date"] == dt.date(2026, 9, 14)


def test_a_decimal_number_is_not_an_impossible_date():
    assert facts("GPA 3.0") == ({}, [])


def test_a_correction_that_names_the_wrong_level_too_keeps_the_right_one():
    found, _ = facts("non pardon je me suis trompé, je suis en master de physique, pas en licence", intent="deny")
    assert found["level"] == "master"


def test_a_date_the_student_already_lived_is_read_in_the_past_even_for_a_future_question():
    reading = read_message("courses started on October 1st, I want to swap a course", "ask_learning_agreement", [],
                           None, dt.date(2026, 12, 1))
    assert reading.facts["course_start_date"] == dt.date(2026, 10, 1)


def test_two_programme_types_named_with_a_doubt_leave_the_type_unknown():
    reading = read_message("where do I pay? not sure yet if it's global exchange or free mover", "ask_fees",
                           [{"entity": "mobility_type", "value": "free_mover"}], None, TODAY)
    assert "mobility_type" not in reading.facts and reading.unsure == ["mobility_type"]


def test_the_next_semester_after_the_one_the_student_is_in_is_the_mobility_semester():
    assert facts("je suis en M1 (1er semestre), je peux partir le semestre prochain ?")[0]["semester"] == 2


@pytest.mark.parametrize("text, requested, expected", [
    ("i live in luxembourg permanently, always have", "resides_temporarily_elsewhere", False),
    ("j'habite au luxembourg pour mes études, ma famille est à braga", "resides_temporarily_elsewhere", True),
    ("non, c'est un choix perso", "force_majeure", False),
    ("my father had a stroke so I flew home", "force_majeure", True),
    ("oui le français c'est ma langue maternelle", "native_speaker", True),
])
def test_a_yes_no_fact_answered_in_the_student_s_own_words(text, requested, expected):
    assert facts(text, requested=requested)[0][requested] is expected


def test_a_mother_tongue_alone_does_not_say_whether_it_is_the_teaching_language():
    assert "native_speaker" not in facts("my mother tongue is portuguese", requested="native_speaker")[0]


@pytest.mark.parametrize("text, expected", [
    ("end of feb 2027", dt.date(2027, 2, 25)),
    ("fin février 2027", dt.date(2027, 2, 25)),
    ("mi-mars 2027", dt.date(2027, 3, 15)),
    ("early october 2027", dt.date(2027, 10, 5)),
    ("début octobre 2027", dt.date(2027, 10, 5)),
])
def test_a_part_of_a_month_is_read_as_a_day_of_it_and_said_back(text, expected):
    reading = read_message(text, "inform", [], "return_date", TODAY)
    assert reading.facts["return_date"] == expected
    assert reading.problems == [f"assumed_year:{expected.isoformat()}"]


@pytest.mark.parametrize("text, fact, value", [
    ("jsuis inscrite en 2 bachelors en meme temps, faut que je parte 2 fois ??", "special_statuses", ["double_enrolment"]),
    ("I am a part-time law student, can I be exempted?", "special_statuses", ["part_time"]),
    ("I switched to another bachelor after my Erasmus semester was validated, must I go again?", "special_statuses",
     ["programme_change_validated_mobility"]),
    ("I have two kids, can I skip the semester abroad?", "exemption_grounds", ["family_obligations"]),
    ("je suis sous dialyse trois fois par semaine, une dispense ?", "exemption_grounds", ["illness_or_disability"]),
    ("je suis brésilienne et j'ai eu mon diplôme de fin de lycée à São Paulo", "exemption_grounds",
     ["third_country_diploma"]),
])
def test_a_situation_stated_in_passing_is_a_fact_without_a_list_of_legal_categories(text, fact, value):
    assert facts(text, intent="ask_exemption")[0][fact] == value


@pytest.mark.parametrize("text", ["my family lives in Braga", "I work part-time in a shop",
                                  "brazilian, but I did my bac in Luxembourg", "je suis portugaise, bac au Portugal"])
def test_everyday_words_that_state_no_special_situation_set_none(text):
    found = facts(text, intent="ask_exemption")[0]
    assert "special_statuses" not in found and "exemption_grounds" not in found


@pytest.mark.parametrize("text, expected", [("1er septembre 2026", "fr"), ("le 3ème semestre", "fr"),
                                            ("15 mars", "fr"), ("human pls", "en"), ("1st of september", "en"),
                                            ("Muss ich ins Ausland?", "de")])
def test_a_date_or_an_ordinal_is_not_taken_for_another_language(text, expected):
    from nlu_components.language import detect

    assert detect(text) == expected


def test_of_two_programme_types_told_as_a_story_the_plan_told_last_is_the_question_s():
    tagged = [{"entity": "mobility_type", "value": "erasmus_plus", "text": "erasmus"},
              {"entity": "mobility_type", "value": "global_exchange", "text": "global exchange"}]
    found = facts("au S3 j'ai fait erasmus à Trèves, là je repars en global exchange à Tokyo au S5, j'aurai une bourse ?",
                  intent="ask_funding", entities=tagged)[0]
    assert found["mobility_type"] == "global_exchange" and found["semester"] == 5


@pytest.mark.parametrize("intent, text, question", [
    ("ask_credit_conversion", "30 ects au LA, du 1er avril au 31 juillet, ça sera validé pour la mobilité obligatoire ?",
     "ask_validation"),
    ("ask_credit_conversion", "how do I convert 3 units into ECTS?", "ask_credit_conversion"),
    ("ask_obligation", "someone said I might not need to do the semester abroad, how do I ask for it?", "ask_exemption"),
    ("ask_obligation", "is the semester abroad mandatory?", "ask_obligation"),
    ("ask_departure_semester", "can I do one more exchange in my last semester?", "ask_mobility_count"),
    ("ask_extension", "where do I pay the fees for my extension semester?", "ask_fees"),
    ("ask_extension", "can I extend my stay until June?", "ask_extension"),
])
def test_the_student_s_words_settle_a_question_the_classifier_confused_with_its_neighbour(intent, text, question):
    from actions.understanding import refine_question

    assert refine_question(intent, text) == question


def test_a_place_the_student_declined_is_a_refused_place():
    assert facts("I declined my Erasmus+ place in Leuven last month, any funding left?")[0][
        "refused_or_cancelled_place"] is True
    assert "refused_or_cancelled_place" not in facts("what happens if I cancel my place?")[0]


@pytest.mark.parametrize("text, town", [("strasbourgh", "Strasbourg"), ("heidelbeg", "Heidelberg"),
                                        ("maastrich", "Maastricht"), ("liège now (metz was my first idea)", "liège")])
def test_a_host_town_with_a_typo_or_among_other_words_answers_the_host_question(text, town):
    assert facts(text, requested="host_city")[0]["host_city"] == town


@pytest.mark.parametrize("text, town", [("slt, erasmus a heidelbeg au S5, c finance ?", "Heidelberg"),
                                        ("thinking of an exchange in rotterdamm next year, any grant?", "Rotterdam")])
def test_a_host_town_with_a_typo_where_the_sentence_puts_the_host_is_the_host(text, town):
    assert facts(text)[0]["host_city"] == town


@pytest.mark.parametrize("text", ["un stage en entreprise peut remplacer la mobilité ?", "erasmus en novembre ?",
                                  "erasmus a l'etranger c obligatoire ?"])
def test_words_in_the_host_s_place_that_are_no_town_are_no_host(text):
    assert "host_city" not in facts(text)[0]


@pytest.mark.parametrize("text", ["erasmus", "not sure yet", "une fac en allemagne", "merci"])
def test_words_that_are_some_village_s_name_do_not_answer_the_host_question(text):
    assert "host_city" not in facts(text, requested="host_city")[0]


@pytest.mark.parametrize("text, expected", [
    ("du 3 au 28 février 2027", [dt.date(2027, 2, 3), dt.date(2027, 2, 28)]),
    ("2027/09/01", [dt.date(2027, 9, 1)]),
    ("2.5 ECTS", []), ("moyenne 14.5", []), ("j'ai eu 14/20 au dernier exam", []),
])
def test_ranges_year_first_dates_and_numbers_that_are_not_dates(text, expected):
    from actions.understanding import parse_dates

    assert parse_dates(text, TODAY) == expected


@pytest.mark.parametrize("text, aspects", [
    ("can i just drop one course from my learning agreement without asking anyone?", ["change_alone"]),
    ("est-ce que je peux le modifier moi-même ?", ["change_alone"]),
    ("je pars seule à Vienne, jusqu'à quand modifier mon LA ?", []),
    ("I accepted my SEMP place, can I just not go without telling anyone?", ["leave_silently"]),
    ("ça veut dire que je suis accepté définitivement ?", ["nomination_is_acceptance"]),
])
def test_what_exactly_the_student_asks_is_read_from_their_words(text, aspects):
    from actions.understanding import aspects_of

    assert aspects_of(text) == aspects


def test_an_earlier_programme_named_beside_an_unknown_new_one_leaves_the_new_one_unknown():
    tagged = [{"entity": "mobility_type", "value": "erasmus_plus", "text": "erasmus"}]
    reading = read_message("i already did one in stockholm (erasmus), dont know yet which programme australia would be",
                           "ask_mobility_count", tagged, None, TODAY)
    assert "mobility_type" not in reading.facts and reading.unsure == ["mobility_type"]


def test_a_stay_the_student_is_extending_is_an_extension():
    assert facts("I'm extending my Erasmus+ stay in Porto to the spring, where do I pay?", intent="ask_fees")[0][
        "is_extension"] is True


@pytest.mark.parametrize("text, facts_read", [
    ("i came back after about 7 weeks because my father had a stroke", {"stay_days": 49, "force_majeure": True}),
    ("came back from nancy after 6 weeks bc i didnt like the courses", {"stay_days": 42, "force_majeure": False}),
])
def test_a_return_told_with_its_length_in_weeks_and_its_reason_gives_both_facts(text, facts_read):
    found = facts(text, intent="ask_interruption")[0]
    assert {k: found.get(k) for k in facts_read} == facts_read


@pytest.mark.parametrize("text, town", [("et si je pars a nancy a la place ?", "nancy"), ("et à Le Havre ?", "Le Havre"),
                                        ("what about Liège?", "Liège")])
def test_a_town_named_in_a_follow_up_is_that_town_not_another_name_of_a_far_one(text, town):
    from actions.understanding import bare_place

    assert bare_place(text) == town


def test_a_year_code_tagged_as_a_semester_by_the_model_still_tells_the_level():
    tagged = [{"entity": "semester", "value": "2", "text": "L2"}]
    assert facts("jsuis en L2, jpeux avoir une bourse erasmus pour lisbonne ?", intent="ask_funding",
                 entities=tagged)[0]["level"] == "bachelor"


# -- session 5: facts students give in passing, in their own words ---------------------------------

from actions.understanding import aspects_of, is_what_if, named_question  # noqa: E402


@pytest.mark.parametrize("text, expected", [
    ("hmm sorry, I meant Leuven not Lille", True),
    ("oups en fait je suis en master, pas en licence", True),
    ("sorry for the long message, can I get a grant?", False),
])
def test_a_correction_of_what_was_just_said_is_a_follow_up_of_the_same_question(text, expected):
    assert is_what_if(text) is expected


@pytest.mark.parametrize("text, question", [
    ("et si la fac de Lyon m'envoie le relevé de notes trop tard, le délai peut être repoussé ?", "ask_deadlines"),
    ("could they push back the deadline for my grades so I still graduate this summer?", "ask_deadlines"),
    ("is it ok to hand in my OLS score instead of the C1 certificate Uppsala asks for?", "ask_language_test"),
    ("et si je rate mes exams, l'université peut retirer ma candidature ?", "ask_application"),
    ("bonjour, est-il obligatoire de partir a l'etranger pendant la licence ?", "ask_obligation"),
    ("can you tell me where the library is?", None),
])
def test_a_few_words_name_the_question_whatever_the_classifier_heard(text, question):
    assert named_question(text) == question


def test_asking_whether_the_ols_replaces_a_certificate_is_that_aspect_of_the_language_question():
    assert "certificate_replaced" in aspects_of("Can my OLS result replace the B2 certificate the host wants?")


@pytest.mark.parametrize("text, expected", [
    ("only Bologna", [{}]), ("just the one I'm on now", [{}]), ("seulement celle-ci", [{}]),
])
def test_an_only_mobility_named_is_one_earlier_mobility_with_funding_unknown(text, expected):
    assert facts(text, requested="earlier_mobilities")[0]["earlier_mobilities"] == expected


def test_a_special_situation_given_as_the_ground_is_the_situation_and_no_ground():
    found, _ = facts("only that I study part time, that's all", requested="exemption_grounds")
    assert found == {"special_statuses": ["part_time"], "exemption_grounds": []}


def test_a_holiday_job_as_the_reason_to_leave_early_is_no_force_majeure():
    found, _ = facts("I'd leave on 20 April because I have a summer job back home")
    assert found["force_majeure"] is False


def test_a_return_told_before_the_arrival_still_gives_the_stay_in_order():
    found, _ = facts("I came back on 10 December, I had arrived mid October")
    assert found["departure_date"] < found["return_date"]
    assert (found["departure_date"].month, found["return_date"].month) == (10, 12)


def test_a_town_the_student_rules_out_is_not_the_host():
    text = "my place is on the Esch campus of Lorraine, not in Nancy: is Metz funded?"
    entities = [{"entity": "location", "value": "Nancy", "text": "Nancy"},
                {"entity": "location", "value": "Metz", "text": "Metz"}]
    assert facts(text, intent="ask_funding", entities=entities)[0]["host_city"] == "Metz"


@pytest.mark.parametrize("text", ["I'm Italian but was born and raised in Luxembourg",
                                  "je suis italienne mais j'ai toujours vécu au Luxembourg"])
def test_a_lifelong_home_is_read_beside_the_nationality(text):
    found, _ = facts(text)
    assert found["country_of_origin"] == "IT" and found["permanent_residence_country"] == "LU"


@pytest.mark.parametrize("text, semester", [("je voudrais partir pendant mon premier semestre", 1),
                                            ("in my third semester I would go to Oslo", 3)])
def test_a_semester_said_as_an_ordinal_word_is_that_semester(text, semester):
    assert facts(text)[0]["semester"] == semester


def test_a_year_code_is_a_weak_clue_to_the_semester():
    reading = read_message("actually I'm in M1", "inform", [], None, TODAY)
    assert reading.facts["level"] == "master" and "semester" in reading.weak


def test_a_level_the_student_compares_with_is_not_their_level():
    text = "master student here, how many ECTS minimum in my learning agreement? for bachelors it's 30 I think"
    entities = [{"entity": "level", "value": "bachelor", "text": "bachelors", "start": text.index("bachelors")}]
    found, _ = facts(text, intent="ask_learning_agreement", entities=entities)
    assert found["level"] == "master"
    assert "ects_minimum" in aspects_of(text)


@pytest.mark.parametrize("text", [
    "as an MSc student on exchange in Lund, must my LA add up to 30 ECTS? the host offers only 20",
    "en master, est-ce obligatoire d'avoir 30 crédits dans mon contrat d'études ?",
    "faut til vraiment 30 ects sur le learnig agreement pour un master",
    "is it compulsory that my learning agreement has thirty credits",
])
def test_asking_whether_the_learning_agreement_must_reach_30_ects_is_that_aspect(text):
    assert "ects_thirty_required" in aspects_of(text)


@pytest.mark.parametrize("text", [
    "my learning agreement lists 30 ECTS, until when may I change a course?",
    "j'ai 30 crédits dans mon LA, qui doit le signer ?",
])
def test_a_learning_agreement_that_states_its_30_ects_does_not_ask_whether_they_are_required(text):
    assert "ects_thirty_required" not in aspects_of(text)


@pytest.mark.parametrize("text", [
    "sad. and what if I postpone and do Bergen in autumn 2027 rather, would the grant come back then?",
    "bon. et si j'attends et que je pars à Cork au printemps 2028 à la place, j'y ai droit ?",
    "what if I go to Tartu next year instead?",
])
def test_a_what_if_that_moves_the_mobility_to_a_later_academic_year_is_read_so(text):
    from actions.understanding import is_what_if, later_academic_year

    assert is_what_if(text) and later_academic_year(text, dt.date(2026, 12, 7))


def test_a_what_if_within_the_same_academic_year_does_not_move_it():
    from actions.understanding import later_academic_year

    assert not later_academic_year("what if I go to Tartu in spring 2027 instead?", dt.date(2026, 12, 7))


def test_a_long_new_question_that_starts_with_what_if_is_no_what_if_of_the_last_answer():
    from actions.understanding import is_what_if

    assert not is_what_if("what if my flight home is cancelled by a strike and I must stay two more weeks in Porto, "
                          "is that a problem for my grades?")


def test_numbers_with_their_unit_count_beside_dates():
    found, _ = facts("Lund from 20 January to 5 June 2028, 30 ECTS on my LA, validated?")
    assert found["ects_enrolled"] == 30 and found["departure_date"] == dt.date(2028, 1, 20)


def test_the_host_named_in_passing_is_the_last_destination_told_not_the_earlier_one():
    found, _ = facts("en S3 j'ai fait erasmus à Trèves, maintenant je repars en échange à Montréal, bourse ?",
                     intent="ask_funding")
    assert found["host_city"].casefold() in ("montréal", "montreal")


@pytest.mark.parametrize("text, town", [
    ("slt jai droit a la bourse erasmus pour trier ?", "trier"),
    ("is there any grant for leuven??", "leuven"),
])
def test_the_town_a_grant_is_asked_for_is_the_host(text, town):
    assert read_message(text, "ask_funding", [], None, TODAY).facts.get("host_city") == town


@pytest.mark.parametrize("text", ["je veux une bourse pour partir", "a grant for the semester"])
def test_a_grant_asked_for_something_that_is_no_town_names_no_host(text):
    assert "host_city" not in read_message(text, "ask_funding", [], None, TODAY).facts


@pytest.mark.parametrize("text, semester", [
    ("I'm an M1 student, would my second semester be ok to go abroad?", 2),
    ("en M1, est-ce que je peux partir pendant mon deuxième semestre", 2),
    ("B2 student here, could I leave during my fifth semester?", 5),
])
def test_a_semester_the_student_names_in_words_wins_over_the_year_code(text, semester):
    found = facts(text, intent="ask_departure_semester", entities=[{"entity": "semester", "value": "M1", "text": "M1"}]
                  if "M1" in text else ())[0]
    assert found["semester"] == semester


def test_a_second_semester_said_without_owning_it_is_not_read_as_semester_two():
    assert facts("je suis en L3 et je pars au second semestre", intent="ask_departure_semester")[0]["semester"] == 3


@pytest.mark.parametrize("text", [
    "my mum is in hospital back home, I have to leave Porto now, what about my exchange?",
    "mon père a eu un AVC, je dois rentrer de Valence au plus vite",
    "there was a flood in my home town and I need to go home, what happens with my mobility",
    "ma soeur est gravement malade, je dois rentrer chez moi",
])
def test_a_serious_event_told_beside_a_return_is_a_force_majeure_claim(text):
    assert facts(text, intent="ask_interruption")[0].get("force_majeure") is True


@pytest.mark.parametrize("text", [
    "I need to go home, I am bored here",
    "going home for christmas, does my semester still count?",
])
def test_a_return_without_a_serious_event_claims_no_force_majeure(text):
    assert facts(text, intent="ask_interruption")[0].get("force_majeure") is not True


@pytest.mark.parametrize("text", [
    "could I swap a module in my learning agreement by myself? my host lecturer agreed",
    "le professeur de l'université d'accueil m'a dit que c'est ok, je peux changer un cours de mon LA ?",
    "can i drop a course from my LA myself",
])
def test_a_change_of_the_learning_agreement_on_ones_own_or_one_partys_word_is_the_change_alone_aspect(text):
    from actions.understanding import aspects_of

    assert "change_alone" in aspects_of(text)


def test_how_to_change_the_learning_agreement_is_not_a_change_alone():
    from actions.understanding import aspects_of

    assert "change_alone" not in aspects_of("what is the procedure to modify my LA?")


@pytest.mark.parametrize("text", [
    "I went on erasmus to Lund in my third semester, may I do one more?",
    "j'ai déjà fait un erasmus à Prague, est-ce que je peux en faire une autre ?",
])
def test_the_type_of_a_mobility_already_done_is_not_the_type_of_the_one_asked_about(text):
    assert "mobility_type" not in facts(text, intent="ask_mobility_count")[0]


def test_a_type_named_for_the_next_mobility_after_one_done_is_the_planned_type():
    found = facts("did an erasmus in Lund, is a second one possible with global exchange?", intent="ask_mobility_count")[0]
    assert found.get("mobility_type") == "global_exchange"


@pytest.mark.parametrize("text", [
    "and once that is over, could I go on another exchange to Oslo in my sixth semester?",
    "après ça, je pourrais refaire un séjour erasmus au S6 à Porto ?",
])
def test_another_mobility_asked_about_after_an_extension_is_no_extension(text):
    assert facts(text, intent="ask_mobility_count")[0].get("is_extension") is False


def test_an_extension_stated_with_a_second_mobility_question_stays_an_extension():
    found = facts("si je prolonge mon erasmus au S4, est-ce une nouvelle mobilité ?", intent="ask_mobility_count")[0]
    assert found.get("is_extension") is True


def test_where_the_student_lives_is_not_the_host_when_the_host_university_is_named():
    text = ("j'ai eu une place Erasmus+ à l'Université de Fribourg-en-Brisgau, mais je vis chez mes parents à Trèves "
            "et je fais la route chaque jour")
    entities = [{"entity": "location", "value": "Trier", "start": text.index("Trèves")}]
    found, _ = facts(text, intent="ask_funding", entities=entities)
    assert found.get("host_city") != "Trier"


def test_where_the_student_lives_is_not_the_host_beside_another_town():
    text = "I got a spot at Bonn for the summer, I live with my parents in Metz"
    entities = [{"entity": "location", "value": "Bonn", "start": text.index("Bonn")},
                {"entity": "location", "value": "Metz", "start": text.index("Metz")}]
    assert facts(text, intent="ask_funding", entities=entities)[0]["host_city"] == "Bonn"


def test_a_town_the_student_lives_in_is_still_the_host_when_it_is_the_only_place():
    text = "I live in Krakow now for my erasmus, do I get the grant?"
    entities = [{"entity": "location", "value": "Krakow", "start": text.index("Krakow")}]
    assert facts(text, intent="ask_funding", entities=entities)[0]["host_city"] == "Krakow"
