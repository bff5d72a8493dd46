"""All configuration, from the environment first; nothing is read at import time."""
from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Mapping, Optional

ROOT = Path(__file__).resolve().parent.parent


@dataclass(frozen=True)
class Settings:
    project_dir: Path = ROOT
    rasa_port: int = 5005
    action_port: int = 5055
    rasa_url: str = "http://127.0.0.1:5005"
    model_name: str = "assistant"
    endpoints_file: str = "endpoints.yml"
    sender_id: str = "console"
    telegram_token: Optional[str] = field(default=None, repr=False)  # a secret: never printed
    request_timeout_s: float = 30.0
    startup_timeout_s: float = 300.0

    @classmethod
    def from_env(cls, env: Mapping[str, str] = os.environ) -> "Settings":
        rasa_port = int(env.get("RASA_PORT", "5005"))
        return cls(
            rasa_port=rasa_port,
            action_port=int(env.get("ACTION_PORT", "5055")),
            rasa_url=env.get("RASA_URL", f"http://127.0.0.1:{rasa_port}"),
            endpoints_file=env.get("RASA_ENDPOINTS", "endpoints.yml"),
            sender_id=env.get("CONSOLE_SENDER_ID", "console"),
            telegram_token=env.get("TELEGRAM_BOT_TOKEN") or None,
            request_timeout_s=float(env.get("RASA_TIMEOUT_S", "30")),
            startup_timeout_s=float(env.get("STARTUP_TIMEOUT_S", "300")),
        )

    @property
    def models_dir(self) -> Path:
        return self.project_dir / "models"

    @property
    def model_path(self) -> Path:
        return self.models_dir / f"{self.model_name}.tar.gz"

    @property
    def var_dir(self) -> Path:
        return self.project_dir / "var"
