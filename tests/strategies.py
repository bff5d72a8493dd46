"""Hypothesis strategies for situations: any combination of known and unknown facts."""
from __future__ import annotations

import datetime as dt

from hypothesis import strategies as st
from pydantic import ValidationError

from rules_core.situation import EarlierMobility, ExemptionGround, Level, MobilityType, Situation, SpecialStatus

CITIES = ["Metz", "Trèves", "Sarrebruck", "Nancy", "Liège", "Lisbonne", "Tokyo", "Montréal", "Zurich", "Berlin",
          "Luxembourg", "Paris", "Springfield", "Saint-Nicolas-de-Port", "Kusel", "Vienne"]
COUNTRIES = ["Allemagne", "France", "Belgium", "LU", "Canada", "Japon", "Suisse", "US", "PT", "Maroc"]


def maybe(strategy):
    return st.one_of(st.none(), strategy)


def enum_list(enum):
    return maybe(st.lists(st.sampled_from(list(enum)), unique=True, max_size=3))


dates = st.dates(dt.date(2020, 1, 1), dt.date(2032, 12, 31))

fields = st.fixed_dictionaries(
    {},
    optional={
        "level": maybe(st.sampled_from(list(Level))),
        "semester": maybe(st.integers(1, 8)),
        "last_semester": maybe(st.booleans()),
        "mobility_type": maybe(st.sampled_from(list(MobilityType))),
        "host_city": maybe(st.one_of(st.sampled_from(CITIES), st.text(min_size=1, max_size=30).filter(str.strip))),
        "host_country": maybe(st.sampled_from(COUNTRIES)),
        "country_of_origin": maybe(st.sampled_from(COUNTRIES)),
        "resides_temporarily_elsewhere": maybe(st.booleans()),
        "eu_national": maybe(st.booleans()),
        "native_speaker": maybe(st.booleans()),
        "special_statuses": enum_list(SpecialStatus),
        "exemption_grounds": enum_list(ExemptionGround),
        "earlier_mobilities": maybe(st.lists(st.builds(
            EarlierMobility, mobility_type=maybe(st.sampled_from(list(MobilityType))), funded=st.booleans(),
            validated=maybe(st.booleans())), max_size=3)),
        "is_extension": maybe(st.booleans()),
        "extension_same_academic_year": maybe(st.booleans()),
        "excluded_for_misconduct": maybe(st.booleans()),
        "refused_or_cancelled_place": maybe(st.booleans()),
        "course_start_date": maybe(dates),
        "departure_date": maybe(dates),
        "return_date": maybe(dates),
        "stay_days": maybe(st.integers(0, 730)),
        "full_host_term": maybe(st.booleans()),
        "ects_enrolled": maybe(st.floats(0, 120, allow_nan=False)),
        "course_hours": maybe(st.floats(0.5, 3000, allow_nan=False)),
        "force_majeure": maybe(st.booleans()),
        "declared_to_mobility_office": maybe(st.booleans()),
        "today": maybe(dates),
    },
)


@st.composite
def situations(draw) -> Situation:
    """Valid situations only: combinations the model rejects are discarded."""
    from hypothesis import assume

    try:
        return Situation(**draw(fields))
    except ValidationError:
        assume(False)
