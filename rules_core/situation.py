"""The student's situation: every fact a decision of the circular depends on.

Every field is optional: "unknown" is a legitimate state, and the rules core answers
with the facts it still needs. Fields are declared in the order a conversation should
ask for them; `FACT_ORDER` is that order.
"""
from __future__ import annotations

import datetime as dt
from enum import Enum
from typing import List, Optional

from pydantic import BaseModel, Field, conint, confloat, root_validator, validator

from rules_core import countries


PLAUSIBLE_YEARS = (2000, 2100)  # dates outside are typing mistakes, not mobilities


class Level(str, Enum):
    bachelor = "bachelor"
    master = "master"


class MobilityType(str, Enum):
    erasmus_plus = "erasmus_plus"
    semp = "semp"  # Swiss-European Mobility Programme
    global_exchange = "global_exchange"
    free_mover = "free_mover"


class SpecialStatus(str, Enum):
    """Situations of Art. 2(2) and Art. 24-27 that change the obligation."""

    part_time = "part_time"  # Art. 27
    employment_programme = "employment_programme"  # Art. 2(2), "en cours d'emploi"
    double_enrolment = "double_enrolment"  # Art. 26
    programme_change_validated_mobility = "programme_change_validated_mobility"  # Art. 24(1)
    # Art. 24(1) too, but whether that mobility was validated is not said: it counts only once validated
    programme_change_after_mobility = "programme_change_after_mobility"
    ul_bachelor_obtained = "ul_bachelor_obtained"  # Art. 25


class ExemptionGround(str, Enum):
    """Grounds of Art. 2(1) 1°-5° and Art. 2(3)."""

    foreign_diploma_four_semesters = "foreign_diploma_four_semesters"  # 1°
    foreign_credits_validated = "foreign_credits_validated"  # 2°, validated (Art. 33(2) of the law)
    foreign_credits_not_validated = "foreign_credits_not_validated"  # 2°, not validated yet
    illness_or_disability = "illness_or_disability"  # 3°
    family_obligations = "family_obligations"  # 4°
    third_country_diploma = "third_country_diploma"  # 5°
    specific_needs = "specific_needs"  # Art. 2(3)


class EarlierMobility(BaseModel):
    """A mobility semester already done (an extension belongs to its mobility, Art. 28(3))."""

    mobility_type: Optional[MobilityType] = None
    funded: Optional[bool] = Field(None, description="Whether the semester was funded (Art. 5(2)); None: the "
                                                     "student does not know, the answer then covers both cases.")
    validated: Optional[bool] = None

    class Config:
        extra = "forbid"


class Situation(BaseModel):
    """What the student has told us. None means unknown; [] means "none of these"."""

    level: Optional[Level] = None
    semester: Optional[conint(ge=1, le=8)] = Field(
        None, description="Programme semester in which the mobility takes place (1-8)."
    )
    last_semester: Optional[bool] = Field(None, description="The mobility semester is the programme's last.")
    mobility_type: Optional[MobilityType] = None
    host_city: Optional[str] = Field(None, min_length=1, max_length=120)
    host_country: Optional[str] = Field(None, description="Name (French or English) or ISO 3166 code.")
    country_of_origin: Optional[str] = Field(None, description="Name (French or English) or ISO 3166 code.")
    resides_temporarily_elsewhere: Optional[bool] = Field(
        None, description="Lives temporarily outside the country of origin when applying (Art. 5(3))."
    )
    permanent_residence_country: Optional[str] = Field(
        None, description="Country the student has always lived in, or lives in for good (not for the studies)."
    )
    eu_national: Optional[bool] = None
    native_speaker: Optional[bool] = Field(None, description="Native speaker of the host's teaching language.")
    special_statuses: Optional[List[SpecialStatus]] = None
    exemption_grounds: Optional[List[ExemptionGround]] = None
    school_diploma_country: Optional[str] = Field(
        None, description="Country that issued the secondary-school leaving diploma (Art. 2(1) 5°)."
    )
    earlier_mobilities: Optional[List[EarlierMobility]] = None
    is_extension: Optional[bool] = Field(None, description="The semester asked about extends a mobility.")
    extension_same_academic_year: Optional[bool] = None
    excluded_for_misconduct: Optional[bool] = Field(
        None, description="Excluded by a host, or made to abandon a semester, for misconduct (Art. 16(2))."
    )
    refused_or_cancelled_place: Optional[bool] = Field(
        None, description="Refused or cancelled an allocated place in the academic year of the mobility."
    )
    course_start_date: Optional[dt.date] = Field(None, description="First day of courses at the host.")
    change_date: Optional[dt.date] = Field(None, description="Day on which the student means to change the "
                                                             "learning agreement (asked about, Art. 8(2)).")
    departure_date: Optional[dt.date] = None
    return_date: Optional[dt.date] = Field(None, description="Return, or interruption, date.")
    stay_days: Optional[conint(ge=0, le=730)] = Field(None, description="Days spent abroad, if no dates.")
    full_host_term: Optional[bool] = Field(None, description="Stayed a complete host semester or trimester.")
    ects_enrolled: Optional[confloat(ge=0, le=120)] = None
    course_hours: Optional[confloat(gt=0, le=3000)] = None
    force_majeure: Optional[bool] = None
    declared_to_mobility_office: Optional[bool] = None
    today: Optional[dt.date] = Field(None, description="Reference date for 'days left' (set by the channel).")

    class Config:
        extra = "forbid"
        validate_assignment = True
        anystr_strip_whitespace = True

    @validator("course_start_date", "change_date", "departure_date", "return_date", "today", pre=True)
    def _calendar_date(cls, value):
        if isinstance(value, (bool, int, float)):  # pydantic would read 1735689600 as a Unix timestamp
            raise ValueError(f"{value!r} is not a calendar date (expected YYYY-MM-DD)")
        if isinstance(value, str):
            try:
                value = dt.date.fromisoformat(value.strip())
            except ValueError:
                raise ValueError(f"{value!r} is not a calendar date (expected YYYY-MM-DD)") from None
        if isinstance(value, dt.datetime):
            value = value.date()
        if isinstance(value, dt.date) and not PLAUSIBLE_YEARS[0] <= value.year <= PLAUSIBLE_YEARS[1]:
            # Date arithmetic near year 9999 overflows; no mobility is planned that far away.
            raise ValueError(f"{value.isoformat()} is outside the years {PLAUSIBLE_YEARS[0]}-{PLAUSIBLE_YEARS[1]}")
        return value

    @validator("semester", "stay_days", pre=True)
    def _whole_number(cls, value):
        # pydantic 1 truncates 2.9 to 2 for an int field: a semester or a day count is whole, or wrong.
        if isinstance(value, bool) or (isinstance(value, float) and not value.is_integer()):
            raise ValueError(f"{value!r} is not a whole number")
        return value

    @validator("host_country", "country_of_origin", "permanent_residence_country", "school_diploma_country")
    def _known_country(cls, value: Optional[str]) -> Optional[str]:
        if value is None:
            return None
        code = countries.to_iso(value)
        if code is None:
            raise ValueError(f"unknown country {value!r}")
        return code

    @validator("special_statuses", "exemption_grounds")
    def _no_duplicates(cls, value):
        if value is not None and len(set(value)) != len(value):
            raise ValueError("a value is listed twice")
        return value

    @root_validator(skip_on_failure=True)
    def _consistent(cls, values):
        start, end = values.get("departure_date"), values.get("return_date")
        if start and end and end < start:
            raise ValueError("return_date: the return cannot come before the departure")
        days = values.get("stay_days")
        if start and end and days is not None:
            from rules_core import parameters  # read on first use, not at import

            counted = (end - start).days + (1 if parameters.value("stay_days_count_both_ends") else 0)
            if counted != days:
                raise ValueError(f"stay_days: the dates give {counted} days, not {days}")
        if values.get("excluded_for_misconduct") and values.get("earlier_mobilities") == []:
            raise ValueError("excluded_for_misconduct: an exclusion from a mobility needs an earlier mobility")
        if values.get("mobility_type") == MobilityType.semp and values.get("host_country") not in (None, "CH"):
            raise ValueError(f"mobility_type: SEMP is for a host in Switzerland, not in {values['host_country']}")
        grounds = values.get("exemption_grounds") or []
        if {ExemptionGround.foreign_credits_validated, ExemptionGround.foreign_credits_not_validated} <= set(grounds):
            raise ValueError("exemption_grounds: foreign credits cannot be both validated and not validated")
        return values


FACT_ORDER: tuple[str, ...] = tuple(Situation.__fields__)
