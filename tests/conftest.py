import os

# Rasa must never phone home from tests.
os.environ.setdefault("RASA_TELEMETRY_ENABLED", "false")
