"""Configuration comes from environment variables only, with defaults that suit a laptop."""

import os
from dataclasses import dataclass, field


def _env(name: str, default: str) -> str:
    value = os.environ.get(name, "").strip()
    return value or default


@dataclass(frozen=True)
class Settings:
    amqp_uri: str = field(default_factory=lambda: _env(
        "AMQP_URI", "amqp://guest:guest@127.0.0.1:5672/"))
    mongo_uri: str = field(default_factory=lambda: _env(
        "MONGO_URI", "mongodb://127.0.0.1:27017/?directConnection=true"))
    # Each service owns its database: "<prefix><service>", e.g. workbuddy_profiles.
    db_prefix: str = field(default_factory=lambda: _env("WB_DB_PREFIX", "workbuddy_"))
    max_workers: int = field(default_factory=lambda: int(_env("WB_MAX_WORKERS", "10")))
    log_level: str = field(default_factory=lambda: _env("LOG_LEVEL", "INFO"))

    def database_name(self, service: str) -> str:
        return f"{self.db_prefix}{service}"

    def nameko_config(self) -> dict:
        return {
            "AMQP_URI": self.amqp_uri,
            "max_workers": self.max_workers,
            "serializer": "json",
        }
