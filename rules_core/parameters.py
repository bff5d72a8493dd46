"""Dated, cited parameters of the circular, loaded from data/parameters.yml on first use."""
from __future__ import annotations

import datetime as dt
from functools import lru_cache
from pathlib import Path
from typing import Any, Dict, List, Optional

import yaml
from pydantic import BaseModel, validator

PARAMETERS_FILE = Path(__file__).with_name("data") / "parameters.yml"


class DatedValue(BaseModel):
    value: Any
    applies_from: dt.date
    source: str

    @validator("value")
    def _no_yaml_booleans_in_lists(cls, value: Any) -> Any:
        # YAML 1.1 reads bare NO, YES, ON, OFF as booleans: Norway would silently become `false`.
        if isinstance(value, list) and any(isinstance(item, bool) for item in value):
            raise ValueError(f"a list holds true/false ({value}): quote codes such as \"NO\"")
        return value


class Parameter(BaseModel):
    description: str
    unit: Optional[str] = None
    history: List[DatedValue]

    @validator("history")
    def _chronological(cls, history: List[DatedValue]) -> List[DatedValue]:
        if not history:
            raise ValueError("a parameter needs at least one dated value")
        return sorted(history, key=lambda v: v.applies_from)

    def at(self, on: Optional[dt.date] = None) -> DatedValue:
        """The value in force on `on` (the latest one when no date is given)."""
        if on is None:
            return self.history[-1]
        in_force = [v for v in self.history if v.applies_from <= on]
        if not in_force:
            raise LookupError(f"no value in force on {on.isoformat()} (first from {self.history[0].applies_from})")
        return in_force[-1]


class ParameterSet(BaseModel):
    circular: Dict[str, Any]
    parameters: Dict[str, Parameter]

    def value(self, name: str, on: Optional[dt.date] = None) -> Any:
        try:
            return self.parameters[name].at(on).value
        except KeyError:
            raise KeyError(f"unknown parameter {name!r}") from None


@lru_cache(maxsize=1)
def parameters() -> ParameterSet:
    return ParameterSet.parse_obj(yaml.safe_load(PARAMETERS_FILE.read_text(encoding="utf-8")))


def value(name: str, on: Optional[dt.date] = None) -> Any:
    """Shorthand: `value("proximity_radius_km")` -> 100."""
    return parameters().value(name, on)
