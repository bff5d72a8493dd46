"""What the rules core accepts as a situation: wrong input is refused with its field named, never
silently read as something else."""
import datetime as dt
import json
import subprocess
import sys

import pytest
from pydantic import ValidationError

from rules_core import Situation, decide


def refused(**facts) -> str:
    with pytest.raises(ValidationError) as error:
        Situation(**facts)
    return str(error.value)


def test_a_json_integer_date_is_refused_not_read_as_a_unix_timestamp():
    assert "1789603200 is not a calendar date" in refused(course_start_date=1789603200)


def test_a_semester_of_2_9_is_refused_not_truncated_to_2():
    assert "2.9 is not a whole number" in refused(semester=2.9)
    assert Situation(semester=3.0).semester == 3
    assert "True is not a whole number" in refused(stay_days=True)


def test_a_date_in_year_9999_is_refused_with_a_clear_message():
    assert "9999-12-31 is outside the years 2000-2100" in refused(course_start_date="9999-12-31")
    assert "outside the years" in refused(return_date=dt.date(1850, 1, 1))


def test_a_date_in_year_9999_through_the_command_line_exits_3_naming_the_field_and_no_traceback():
    result = subprocess.run([sys.executable, "-m", "rules_core", "ask_learning_agreement"],
                            input=json.dumps({"course_start_date": "9999-12-31"}), capture_output=True, text=True,
                            timeout=60)
    assert result.returncode == 3
    assert "course_start_date" in result.stderr and "Traceback" not in result.stderr


def test_a_plausible_date_still_gives_its_deadline():
    decision = decide("ask_learning_agreement", Situation(level="bachelor", course_start_date="2027-09-14"))
    assert decision.outcome.value != "missing_facts"


def test_dates_and_a_day_count_that_disagree_are_refused_naming_the_day_count():
    assert "stay_days: the dates give 30 days, not 45" in refused(departure_date="2027-02-01",
                                                                 return_date="2027-03-02", stay_days=45)
    assert Situation(departure_date="2027-02-01", return_date="2027-03-02", stay_days=30).stay_days == 30


def test_an_exclusion_without_any_earlier_mobility_is_refused():
    assert "excluded_for_misconduct" in refused(excluded_for_misconduct=True, earlier_mobilities=[])


def test_semp_outside_switzerland_is_refused_naming_the_programme():
    assert "SEMP is for a host in Switzerland, not in FR" in refused(mobility_type="semp", host_country="France")
    assert Situation(mobility_type="semp", host_country="Suisse").host_country == "CH"
