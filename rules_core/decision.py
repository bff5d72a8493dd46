"""What the rules core answers: an outcome, cited conclusions, computed values, missing facts."""
from __future__ import annotations

import datetime as dt
from enum import Enum
from typing import Dict, List, Optional, Union

from pydantic import BaseModel, Field, StrictBool, StrictFloat, StrictInt, StrictStr, conlist, root_validator

from rules_core.citations import CIRCULAR_TITLE_FR, CIRCULAR_VERSION, Citation


class Outcome(str, Enum):
    yes = "yes"
    no = "no"
    conditional = "conditional"  # yes, if ... (or: the university decides, here is how)
    needs_staff = "needs_staff"  # case by case, or outside the text: a person must look
    missing_facts = "missing_facts"


class Question(str, Enum):
    """The top-level intents of the intent catalogue answered by the rules core."""

    ask_obligation = "ask_obligation"
    ask_exemption = "ask_exemption"
    ask_departure_semester = "ask_departure_semester"
    ask_application = "ask_application"
    ask_funding = "ask_funding"
    ask_learning_agreement = "ask_learning_agreement"
    ask_credit_conversion = "ask_credit_conversion"
    ask_validation = "ask_validation"
    ask_interruption = "ask_interruption"
    ask_extension = "ask_extension"
    ask_cancellation = "ask_cancellation"
    ask_fees = "ask_fees"
    ask_language_test = "ask_language_test"
    ask_mobility_count = "ask_mobility_count"
    ask_visa = "ask_visa"
    ask_deadlines = "ask_deadlines"


# Strict types: pydantic would otherwise turn 57.1 into 57, or 1 into True.
Scalar = Union[StrictBool, StrictInt, StrictFloat, dt.date, StrictStr, None]


class Conclusion(BaseModel):
    """One finding, rendered by its `key` from the bilingual texts, with its sources."""

    key: str
    citations: conlist(Citation, min_items=1)
    params: Dict[str, Scalar] = Field(default_factory=dict)

    class Config:
        frozen = True


class ComputedValue(BaseModel):
    """A figure the student should not have to compute: a date, a day count, a distance, credits."""

    name: str
    value: Union[StrictInt, StrictFloat, dt.date, StrictStr]
    unit: Optional[str] = None  # km, days, ECTS, hours, date, semester
    weekday: Optional[str] = None  # for dates, in English (the renderer translates)
    citation: Citation


class FactRequest(BaseModel):
    """A fact the decision still needs, with how to ask for it."""

    fact: str
    kind: str  # choice, multi_choice, bool, date, number, text, mobilities
    options: Optional[List[str]] = None


class CircularRef(BaseModel):
    title: str = CIRCULAR_TITLE_FR
    version: dt.date = CIRCULAR_VERSION


OTHERWISE = "otherwise"  # a branch's fact when it holds in every case the other branches do not name


class Branch(BaseModel):
    """What the answer would be with one value of a fact the student does not know."""

    fact: str
    value: Union[StrictBool, StrictStr]
    outcome: Outcome
    conclusions: List[Conclusion] = Field(default_factory=list)
    branches: List["Branch"] = Field(default_factory=list)  # a second unknown fact, within this case


Branch.update_forward_refs()


class Decision(BaseModel):
    question: Question
    outcome: Outcome
    conclusions: List[Conclusion] = Field(default_factory=list)
    values: List[ComputedValue] = Field(default_factory=list)
    missing_facts: List[FactRequest] = Field(default_factory=list)
    # When the answer depends on a fact the student does not know: the answer for each value
    # (the conclusions then hold one `depends_on` conclusion citing every branch's articles).
    branches: List[Branch] = Field(default_factory=list)
    # What exactly was asked of the question (ASPECTS below), when the outcome answers that.
    aspects: List[str] = Field(default_factory=list)
    circular: CircularRef = Field(default_factory=CircularRef)

    @root_validator(skip_on_failure=True)
    def _coherent(cls, values):
        outcome, missing, conclusions = values["outcome"], values["missing_facts"], values["conclusions"]
        if (outcome == Outcome.missing_facts) != bool(missing):
            raise ValueError("missing_facts is the outcome exactly when facts are missing")
        if outcome != Outcome.missing_facts and not conclusions:
            raise ValueError("an answer needs at least one cited conclusion")
        return values

    def value(self, name: str) -> Union[dt.date, float, int, str]:
        for computed in self.values:
            if computed.name == name:
                return computed.value
        raise KeyError(name)


# Aspects of a question the outcome can answer on its own terms (see rules_core.engine.asked):
ASPECTS = {
    "change_alone": "ask_learning_agreement",  # "can I change it / drop a course on my own?" -> never alone
    "leave_silently": "ask_cancellation",      # "can I just not go without telling anyone?" -> report it
    "next_year": "ask_cancellation",           # "can I apply again next year?" -> yes, the exclusion is for that year
    "nomination_is_acceptance": "ask_application",  # "does the nomination mean I am accepted?" -> the host decides
    "ul_cancels_application": "ask_application",  # "can the University cancel my application?" -> yes, Art. 7(5)
    "certificate_replaced": "ask_language_test",  # "can the OLS replace the host's certificate?" -> no, Art. 12(2)
    "ols_named": "ask_language_test",  # "must I take the OLS test?" -> no outside Erasmus+ (Art. 12(1))
    "ects_minimum": "ask_learning_agreement",  # "how many ECTS at least in my LA?" -> 30 (Bachelor), Master silent
    "who_pays": "ask_funding",  # "who pays my SEMP grant, uni.lu or the host?" -> the Swiss host, Art. 5(8)
    "ul_pays": "ask_funding",  # "does uni.lu pay my SEMP grant?" -> no, the Swiss host does, Art. 5(8)
    "later_academic_year": "ask_funding",  # "and if I wait until next year?" after a refused place -> Art. 5(5) no longer bars
    "ects_listed": "ask_learning_agreement",  # "my LA has only 24 ECTS, ok?" -> no below 30 (Bachelor), Art. 8(1)
    "ects_thirty_required": "ask_learning_agreement",  # "must my LA have 30 ECTS?" -> yes (Bachelor), no (Master)
    "counts_as_another": "ask_mobility_count",  # "does extending count as my second mobility?" -> no, Art. 28(3)
    "signed_by_all": "ask_learning_agreement",  # "and if my prof and my director both sign it?" -> not after the limit
    "who_signs": "ask_learning_agreement",  # "who signs it?" beside "can I change it alone?" -> Art. 8(1) too
    "go_twice": "ask_obligation",
    "several_mobilities": "ask_mobility_count",  # "two exchanges during my master?" -> no, one (Master — Nombre)
    "still_valid": "ask_interruption",  # "I came home early: is my mobility still valid?" -> the rule the other way round  # "two bachelors: must I go abroad twice?" -> no, one mobility (Art. 26)
    "grade_deadline": "ask_deadlines",  # "can the grade deadline be extended so I graduate?" -> no, Art. 1(2)
}
