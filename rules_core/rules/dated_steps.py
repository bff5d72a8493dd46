"""Steps of the circular that fall on a date the rules can compute, so a channel can remind the
student of them: the date, its article, and whether the step lapses once the date has passed.

Kinds the circular gives no date for are left out on purpose:
- the end-of-stay steps "at the end of the first semester" of an extension (Art. 17): no fact of
  the situation holds the end of that semester, and the circular names no date for it;
- reporting a withdrawal "without delay" (Art. 18): it is due the moment the student withdraws,
  which no date of the situation says in advance.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Dict, List, Optional

from rules_core.citations import Citation, art
from rules_core.decision import Decision
from rules_core.engine import Facts, Findings


@dataclass(frozen=True)
class StepKind:
    """A computed value that is the date of a step; `lapses`: once the date has passed the step can
    no longer be done (a deadline), so a reminder of it that comes late is pointless."""

    lapses: bool


# Computed-value name -> kind. The value's citation is the step's article.
DATED_STEPS: Dict[str, StepKind] = {
    "learning_agreement_change_deadline": StepKind(lapses=True),   # Art. 8(2) / Master — Learning agreement
    "mobility_contract_due": StepKind(lapses=True),                # Art. 10: handed in before departure
    "ols_before_departure": StepKind(lapses=True),                 # Art. 12(1): before departure
    "ols_after_return": StepKind(lapses=False),                    # Art. 12(1): on return, still due after
}


@dataclass(frozen=True)
class DatedStep:
    kind: str
    date: dt.date
    citation: Citation
    lapses: bool


def art_10_contract_date(f: Facts, out: Findings) -> Optional[dt.date]:
    """The mobility contract is handed to the mobility office before departure: by the departure date."""
    departure = f.get("departure_date")
    if departure is not None:
        return out.compute("mobility_contract_due", departure, art(10), unit="date")
    return None


def art_12_1_ols_before_date(f: Facts, out: Findings) -> Optional[dt.date]:
    """The OLS test is taken before departure (native speakers are exempt)."""
    departure = f.get("departure_date")
    if departure is not None and f.get("native_speaker") is not True:
        return out.compute("ols_before_departure", departure, art(12, 1), unit="date")
    return None


def art_12_1_ols_after_date(f: Facts, out: Findings) -> Optional[dt.date]:
    """The OLS test is taken again on return (native speakers are exempt)."""
    back = f.get("return_date")
    if back is not None and f.get("native_speaker") is not True:
        return out.compute("ols_after_return", back, art(12, 1), unit="date")
    return None


def dated_steps(decision: Decision) -> List[DatedStep]:
    """The steps with a date among a decision's computed values, in the decision's order."""
    return [DatedStep(v.name, v.value, v.citation, DATED_STEPS[v.name].lapses) for v in decision.values
            if v.name in DATED_STEPS and isinstance(v.value, dt.date)]
