"""Citations: every conclusion of the rules core points to the circular by article.

References are checked against the circular's structure (Art. 1-28 and the Master
headings) so a typo in a rule cannot produce a citation to nothing.
"""
from __future__ import annotations

import datetime as dt
import re

from pydantic import BaseModel, validator

CIRCULAR_VERSION = dt.date(2021, 2, 11)
CIRCULAR_TITLE_FR = "Circulaire concernant la mobilité des étudiants de l'Université du Luxembourg"

# The Master section has no article numbers; it is cited by heading (regulation notes).
POSSIBILITY = "Possibilité de mobilité"
SELECTION = "Procédure de sélection"
FUNDING = "Financement de la mobilité"
LEARNING_AGREEMENT = "Learning agreement"
COUNT = "Nombre de mobilités possibles"
MASTER_HEADINGS = (POSSIBILITY, SELECTION, FUNDING, LEARNING_AGREEMENT, COUNT)
_ARTICLE = re.compile(r"^Art\. (?P<n>\d{1,2})(\((?P<p>\d)\))?( (?P<item>[1-5])°)?$")


class Citation(BaseModel):
    """A reference to one article, paragraph or Master heading of one version of the circular."""

    reference: str
    version: dt.date = CIRCULAR_VERSION

    class Config:
        frozen = True
        extra = "forbid"

    @validator("reference")
    def _exists_in_circular(cls, ref: str) -> str:
        if ref.startswith("Master — "):
            if ref[len("Master — "):] not in MASTER_HEADINGS:
                raise ValueError(f"no Master heading {ref!r} in the circular")
            return ref
        match = _ARTICLE.match(ref)
        if not match or not 1 <= int(match["n"]) <= 28:
            raise ValueError(f"no article {ref!r} in the circular (Art. 1 to 28)")
        return ref


def art(number: int, paragraph: int | None = None, item: int | None = None) -> Citation:
    """`art(2, 1, 3)` cites Art. 2(1) 3°."""
    ref = f"Art. {number}"
    if paragraph is not None:
        ref += f"({paragraph})"
    if item is not None:
        ref += f" {item}°"
    return Citation(reference=ref)


def master(heading: str) -> Citation:
    """Cites a heading of the Master section, e.g. `master("Financement de la mobilité")`."""
    return Citation(reference=f"Master — {heading}")
