"""Warm-up of the action server. rasa_sdk imports every module of the `actions` package when the
server starts (`--actions actions`), this one with the others: it loads the gazetteer (about 2.5 s)
in the background, while Rasa itself is still starting, so the first student who names a town does
not wait for it (docs/benchmarks.md, issue 12). Nothing else imports this module."""
from __future__ import annotations

import threading


def _load() -> None:
    from rules_core.gazetteer import gazetteer

    gazetteer()


threading.Thread(target=_load, name="gazetteer-warm-up", daemon=True).start()
