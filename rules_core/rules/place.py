"""Where the host is: country, and distance to the university's seat (for Art. 5(4))."""
from __future__ import annotations

from dataclasses import dataclass
from enum import Enum
from typing import List, Optional

from rules_core import parameters
from rules_core.engine import Facts, Missing
from rules_core.gazetteer import Place, gazetteer, great_circle_km


class Proximity(str, Enum):
    within = "within"  # clearly inside the radius
    review = "review"  # within the review margin of the line
    beyond = "beyond"  # clearly outside
    unknown_place = "unknown_place"  # the gazetteer does not know the town
    namesakes = "namesakes"  # towns of that name in that country lie on both sides of the line


@dataclass(frozen=True)
class HostDistance:
    proximity: Proximity
    place: Optional[Place] = None
    distance_km: Optional[float] = None


def _seat_distance(place: Place) -> float:
    seat = parameters.value("university_seat")
    return great_circle_km(
        seat["latitude"], seat["longitude"], place.latitude, place.longitude, parameters.value("earth_radius_km")
    )


def _classify(distance_km: float) -> Proximity:
    radius = parameters.value("proximity_radius_km")
    margin = parameters.value("proximity_review_margin_km")
    if abs(distance_km - radius) <= margin:
        return Proximity.review
    return Proximity.within if distance_km < radius else Proximity.beyond


def _country_is_far(country: str) -> bool:
    """Every town of the country lies clearly beyond the radius: no city needed."""
    seat = parameters.value("university_seat")
    nearest = gazetteer().nearest_in_country(country, seat["latitude"], seat["longitude"])
    limit = parameters.value("proximity_radius_km") + parameters.value("proximity_review_margin_km")
    return nearest is None or nearest > limit


def _candidates(f: Facts) -> List[Place]:
    return gazetteer().lookup(f.need("host_city"), f.get("host_country"))


def _country_is_near(country: str) -> bool:
    """The whole country lies clearly inside the radius (Luxembourg): no city needed."""
    seat = parameters.value("university_seat")
    farthest = gazetteer().farthest_in_country(country, seat["latitude"], seat["longitude"])
    limit = parameters.value("proximity_radius_km") - parameters.value("proximity_review_margin_km")
    return farthest is not None and farthest < limit


def host_distance(f: Facts) -> HostDistance:
    """Distance class of the host, asking for the city (and the country only when it matters)."""
    country = f.get("host_country")
    if country is not None and _country_is_far(country):
        return HostDistance(Proximity.beyond)
    if country is not None and _country_is_near(country):
        return HostDistance(Proximity.within)
    # Every namesake, however small: a small town near Belval is likelier meant than a big one
    # far away, so population must not hide it.
    candidates = gazetteer().lookup(f.need("host_city"), country, dominance=False)
    if not candidates:
        return HostDistance(Proximity.unknown_place)
    classes = {_classify(_seat_distance(p)) for p in candidates}
    if len(classes) > 1:
        if country is None and len({p.country for p in candidates}) > 1:
            raise Missing("host_country")  # namesakes on both sides of the line: the country may settle it
        # Namesakes of one country on both sides of the line: staff check which one, no guess.
        return HostDistance(Proximity.namesakes, candidates[0])
    place = candidates[0]  # the most populous of an agreeing set
    distance = _seat_distance(place)
    return HostDistance(_classify(distance), place, round(distance, 1))


def possible_host_countries(f: Facts) -> set:
    """The countries the host may be in: the one given, else those of every town of that name
    ("Barcelona": Spain or Venezuela)."""
    country = f.get("host_country")
    if country is not None:
        return {country}
    if f.get("host_city") is None:
        raise Missing("host_city")
    return {p.country for p in _candidates(f)}


def host_country(f: Facts) -> str:
    """The host's country: given, or the one all places of that name share."""
    country = f.get("host_country")
    if country is not None:
        return country
    if f.get("host_city") is None:
        raise Missing("host_city")
    countries = {p.country for p in _candidates(f)}
    if len(countries) != 1:
        raise Missing("host_country")
    return countries.pop()
