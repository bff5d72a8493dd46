import os

# Rasa must never phone home from tests.
os.environ.setdefault("RASA_TELEMETRY_ENABLED", "false")

import pytest


@pytest.fixture(scope="session")
def trained_model():
    """The assistant's model, trained once if the training data changed (a few minutes)."""
    from bot.runtime.supervisor import train_if_needed
    from bot.runtime.settings import Settings

    settings = Settings()
    train_if_needed(settings, echo=lambda *_: None)
    return settings.model_path


@pytest.fixture(params=["sqlite", "postgresql"])
def desk_db_url(request, tmp_path):
    """A ticket-store database URL: SQLite in a temporary folder, then a fresh PostgreSQL database."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'tickets.db'}"
        return
    from tests.desk_db import drop_postgres, postgres_url

    url = postgres_url()
    yield url
    drop_postgres(url)
