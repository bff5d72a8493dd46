"""A correction of the host town told while another fact is pending ("no sorry autocorrect, TOURS not
trier", "pardon je voulais dire Gand, pas Gênes"): the town is replaced and the pending question goes
on, rather than the reply being read as a bad answer to it (or its country as the student's origin).
"""
from __future__ import annotations

import re
from typing import Optional

from actions.understanding import follow_up_place
from rules_core.countries import to_iso

# Words that say the student corrects what they said before.
CORRECTION_CUE = re.compile(
    r"\b(?:sorry|soz|oops|oups|my bad|auto-?correct\w*|typo|i meant|i mean|meant to (?:say|write)|mistake|wrong town|"
    r"wrong city|pardon|d[ée]sol[ée]e?|correcteur|je voulais dire|je veux dire|erreur|faute de frappe|j(?:e |.)?me suis tromp\w*|"
    r"je dis n.importe quoi|mixed (?:it |everything |things )?up|"
    r"correction|actually|en fait|dsl|my mistake)\b", re.I)
# Facts a host town can never answer: with one of them pending, a town named with a correction is the host.
# (The earlier mobilities are told with their town: "one erasmus in madrid, no idea if it was actually paid".)
PLACE_FACTS = {"host_city", "host_country", "earlier_mobilities"}


def corrected_host_town(text: str, requested: Optional[str], question_open: bool = False) -> Optional[str]:
    """The host town a correction names while a fact other than the host is pending, or while a question
    is open with nothing pending ("ah non pardon c a nancy" as the offer of staff waits), or None."""
    if (not requested and not question_open) or requested in PLACE_FACTS or not CORRECTION_CUE.search(text or ""):
        return None
    town = follow_up_place(text)  # the first town named that the student does not rule out ("not trier")
    return town if town and not to_iso(town) else None
