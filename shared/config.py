"""Settings: one prefix per service, with the infrastructure shared under ``CONSORCIA_``.

A service reads ``CONSORCIA_DIRECTORY_NATS_URL`` first and falls back to ``CONSORCIA_NATS_URL``, so one
environment can point every service at the same broker while a single service can still be moved.
"""

from __future__ import annotations

from typing import ClassVar

from pydantic import Field, model_validator
from pydantic_settings import BaseSettings, EnvSettingsSource, PydanticBaseSettingsSource, SettingsConfigDict

COMMON_PREFIX = "CONSORCIA_"


class InfrastructureSettings(BaseSettings):
    """What every process needs: broker, cache, namespace, logging."""

    model_config = SettingsConfigDict(env_prefix=COMMON_PREFIX, extra="ignore")
    service_name: ClassVar[str] = "consorcia"

    nats_url: str = "nats://127.0.0.1:4222"
    redis_url: str = "redis://127.0.0.1:6379/0"
    # Prefix of every stream name and subject, so several deployments (or test runs) share one broker.
    namespace: str = Field(default="", pattern=r"^[A-Za-z0-9_-]*$")
    stream_replicas: int = Field(default=1, ge=1, le=5)
    log_level: str = "INFO"
    # Ed25519 public key (PEM, or a file holding it) that verifies the gateway's access tokens.
    jwt_public_key: str | None = None
    jwt_public_key_file: str | None = None

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        common = EnvSettingsSource(settings_cls, env_prefix=COMMON_PREFIX, case_sensitive=False)
        return init_settings, env_settings, common, dotenv_settings, file_secret_settings

    def subject(self, relative: str) -> str:
        return f"{self.namespace}.{relative}" if self.namespace else relative

    def stream_name(self, owner: str) -> str:
        base = owner.upper().replace("-", "_")
        return f"{self.namespace.upper()}_{base}" if self.namespace else base


class ServiceSettings(InfrastructureSettings):
    """A service with its own database, outbox and consumers."""

    database_url: str = "sqlite+aiosqlite:///var/data/service.db"
    migrate_on_start: bool = True
    # Redelivery: ack_wait bounds one attempt; backoff spaces the attempts; after the last one the
    # message goes to the dead-letter stream with the reason.
    consumer_ack_wait_s: float = 30.0
    consumer_max_deliver: int = Field(default=5, ge=1)
    consumer_backoff_s: list[float] = [1.0, 5.0, 30.0, 120.0]
    consumer_batch: int = Field(default=64, ge=1, le=1024)
    # After applying a batch that was not full, wait this long before fetching again, so that more
    # gather: one transaction for a few events costs far less than one each, at the price of up to
    # this much latency under a steady flow (a lone event after a quiet spell is applied at once).
    consumer_batch_wait_s: float = Field(default=0.0, ge=0, le=1.0)
    stream_duplicate_window_s: float = 120.0
    # Processed-event ids must outlive every possible redelivery and the broker's dedupe window,
    # otherwise a late duplicate would be applied twice.
    processed_retention_s: float = 7 * 24 * 3600.0
    outbox_poll_interval_s: float = 1.0
    outbox_batch: int = Field(default=256, ge=1, le=5000)
    outbox_retention_s: float = 7 * 24 * 3600.0

    @model_validator(mode="after")
    def _retention_outlives_redelivery(self) -> ServiceSettings:
        redelivery = self.consumer_ack_wait_s * self.consumer_max_deliver + sum(self.consumer_backoff_s)
        floor = max(redelivery, self.stream_duplicate_window_s)
        if self.processed_retention_s <= floor:
            raise ValueError(
                f"processed_retention_s ({self.processed_retention_s}) must exceed {floor:.0f}s: "
                "ack_wait x max_deliver + backoff, and the stream's duplicate window"
            )
        return self

    def backoff_for(self, attempt: int) -> float:
        """Delay before redelivering after the given (1-based) failed attempt."""
        if not self.consumer_backoff_s:
            return 0.0
        return self.consumer_backoff_s[min(attempt, len(self.consumer_backoff_s)) - 1]
