"""Real Rasa and action servers for end-to-end tests, on their own ports and tracker database."""
from __future__ import annotations

import dataclasses
from pathlib import Path

from bot.runtime import supervisor as services
from bot.runtime.settings import Settings


def isolated_settings(tmp_dir: Path, rasa_port: int = 5105, action_port: int = 5155) -> Settings:
    endpoints = tmp_dir / "endpoints.yml"
    endpoints.write_text(
        f'action_endpoint:\n  url: "http://127.0.0.1:{action_port}/webhook"\n'
        '  enable_selective_domain: true\n'  # as endpoints.yml, with its tracker store
        'tracker_store:\n  type: rasa_extensions.tracker_cache.CachedSQLTrackerStore\n'
        f'  dialect: "sqlite"\n  db: "{tmp_dir / "tracker.db"}"\n')
    return dataclasses.replace(Settings(), rasa_port=rasa_port, action_port=action_port,
                               rasa_url=f"http://127.0.0.1:{rasa_port}", endpoints_file=str(endpoints))


class Servers:
    """The action server and the Rasa server; Rasa can be restarted to test persistence."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.actions = self.rasa = None

    def start(self) -> "Servers":
        services.train_if_needed(self.settings, echo=lambda *_: None)
        self.actions = services.start_action_server(self.settings)
        self.rasa = services.start_rasa_server(self.settings)
        return self

    def restart_rasa(self) -> None:
        services.stop(self.rasa)
        self.rasa = services.start_rasa_server(self.settings)

    def stop(self) -> None:
        services.stop(self.rasa)
        services.stop(self.actions)
