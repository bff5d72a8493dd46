"""The offline gazetteer and the great-circle distance behind the 100 km rule."""
import pytest

from rules_core import countries
from rules_core.gazetteer import gazetteer, great_circle_km
from rules_core.rules.place import _seat_distance


@pytest.mark.parametrize("name, expected", [("Trèves", "Trier"), ("treves", "Trier"), ("Sarrebruck", "Saarbrücken"),
                                            ("Aix-la-Chapelle", "Aachen"), ("Lisbonne", "Lisbon"), ("Vienne", "Vienna"),
                                            ("Cologne", "Köln"), ("Genève", "Geneva"), ("Cracovie", "Kraków")])
def test_french_and_english_names_find_the_same_town(name, expected):
    assert gazetteer().lookup(name)[0].name == expected


@pytest.mark.parametrize("name, km", [("Metz", 44), ("Trier", 56), ("Saarbrücken", 80), ("Nancy", 91),
                                      ("Liège", 130), ("Strasbourg", 164), ("Brussels", 190)])
def test_distances_from_the_seat_match_the_notes_worked_figures_within_3_km(name, km):
    assert _seat_distance(gazetteer().lookup(name)[0]) == pytest.approx(km, abs=3)


def test_a_name_shared_by_towns_of_similar_size_stays_ambiguous_until_a_country_is_given():
    assert len(gazetteer().lookup("Springfield")) > 1
    assert {p.country for p in gazetteer().lookup("Saint-Louis", "FR")} == {"FR"}


def test_great_circle_distance_of_a_known_pair():
    # Paris - London is about 344 km on the sphere.
    assert great_circle_km(48.8566, 2.3522, 51.5074, -0.1278) == pytest.approx(344, abs=2)


def test_country_names_in_french_and_english_give_iso_codes():
    assert [countries.to_iso(n) for n in ("Allemagne", "germany", "DE", "Pays-Bas", "Royaume-Uni", "USA")] == \
        ["DE", "DE", "DE", "NL", "GB", "US"]
    assert countries.to_iso("Atlantis") is None
