"""The held-out conversations (tests/conversations/, never trained on) played against the real
servers over the REST channel: every conversation recorded as passing must still pass, and no
conversation may loop. `passing.txt` is rewritten by `python -m benchmarks.conversations --record`
after a measured improvement; a name leaves it only with a reason in the commit."""
from __future__ import annotations

from pathlib import Path

import pytest

from benchmarks.conversations import GUARDED, SETS, Player, load
from tests.rasa_servers import Servers, isolated_settings

PASSING = Path(__file__).parent / "conversations" / "passing.txt"


def recorded_passing():
    return {line.strip() for line in PASSING.read_text(encoding="utf-8").splitlines()
            if line.strip() and not line.startswith("#")}


@pytest.fixture(scope="module")
def player(tmp_path_factory):
    running = Servers(isolated_settings(tmp_path_factory.mktemp("heldout"), 6005, 6055)).start()
    yield Player(running.settings.rasa_url, running.settings.rasa_auth_token)
    running.stop()


def guarded():
    """(set, conversation) for every conversation of the development sets."""
    return [(which, c) for which in GUARDED for c in load(None, which)]


def test_the_recorded_set_is_large_enough_to_guard_against_regressions():
    names = {c["name"] for _, c in guarded()}
    passing = recorded_passing()
    assert passing <= names, f"names no longer in the held-out set: {sorted(passing - names)}"
    assert len(passing) >= 60


def test_every_conversation_that_passed_still_passes_and_none_loops(player):
    passing = recorded_passing()
    regressions, loops = [], []
    for which, conversation in guarded():
        player.today = SETS[which][1]  # each set is played as of the day it was written
        ok, problems, _ = player.play(conversation)
        if conversation["name"] in passing and not ok:
            regressions.append(f"{conversation['name']}: {problems}")
        loops += [f"{conversation['name']}: {p}" for p in problems if p.startswith("loop")]
    assert not regressions, "\n".join(regressions)
    assert not loops, "\n".join(loops)
