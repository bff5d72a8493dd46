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
