"""The student's level when a message names two: the one they are in, not the one they had."""
from actions.understanding import _from_entities


def _levels(text, *words):
    entities, start = [], 0
    for word, value in words:
        start = text.index(word, start)
        entities.append({"entity": "level", "value": value, "start": start})
        start += len(word)
    return _from_entities(entities, text, None).get("level")


def test_a_master_student_who_speaks_of_the_bachelor_they_had_is_a_master_student():
    text = "I started my MSc last month. During my bachelor in Trier the semester abroad was required, what about now in the msc?"
    assert _levels(text, ("MSc", "master"), ("bachelor", "bachelor"), ("msc", "master")) == "master"


def test_en_francais_la_licence_finie_ne_fait_pas_le_niveau():
    text = "j'ai terminé ma licence l'an dernier, maintenant je suis en master, c'est obligatoire aussi ?"
    assert _levels(text, ("licence", "bachelor"), ("master", "master")) == "master"


def test_two_levels_without_a_past_context_keep_the_last_one_named():
    text = "bachelor or master, whatever, I'm in the master now"
    assert _levels(text, ("bachelor", "bachelor"), ("master", "master")) == "master"


def test_asking_how_to_be_let_off_the_mobility_asks_for_the_exemption():
    from actions.understanding import refine_question

    assert refine_question("ask_obligation", "a friend says I may not have to go abroad, how can I apply for it?") \
        == "ask_exemption"
    assert refine_question("ask_obligation", "on m'a dit que c'était pas obligatoire pour moi, comment le demander ?") \
        == "ask_exemption"
    assert refine_question("ask_obligation", "is the semester abroad compulsory?") == "ask_obligation"


def test_a_ground_the_student_denies_in_french_is_no_ground():
    import datetime as dt

    from actions.understanding import read_message

    reading = read_message("rien de spécial, pas malade, pas d'enfant", "inform", [], "exemption_grounds",
                           dt.date(2026, 12, 1))
    assert reading.facts["exemption_grounds"] == []


def test_a_level_named_with_its_subject_at_the_end_of_a_question_is_the_students():
    import datetime as dt

    from actions.understanding import read_message

    assert read_message("must i go abroad? msc in chemistry", "ask_obligation", [], None,
                        dt.date(2026, 12, 1)).facts["level"] == "master"
    assert read_message("Licence en droit, je dois partir ?", "ask_obligation", [], None,
                        dt.date(2026, 12, 1)).facts["level"] == "bachelor"


def test_the_minimum_credits_of_the_learning_agreement_is_a_learning_agreement_question():
    from actions.understanding import named_question

    assert named_question("quick q: LA for Porto, how many credits at least?") == "ask_learning_agreement"
    assert named_question("il faut combien de crédits dans le contrat d'études au minimum ?") == "ask_learning_agreement"


def test_without_entities_the_level_started_now_beats_the_one_of_before():
    import datetime as dt

    from actions.understanding import read_message

    text = "I've just begun my MSc. During my bachelor going abroad was a must, is it for us too?"
    assert read_message(text, "ask_obligation", [], None, dt.date(2026, 12, 1)).facts["level"] == "master"
