from functools import lru_cache

from pydantic import Field
from pydantic_settings import SettingsConfigDict

from shared.config import ServiceSettings

# The Standard Webhooks specification's example schedule: immediately, then these delays between
# attempts; about three days in all before a delivery is given up.
STANDARD_WEBHOOKS_SCHEDULE_S = [5, 300, 1800, 7200, 18000, 36000, 50400, 72000, 86400]


class NotificationsSettings(ServiceSettings):
    model_config = SettingsConfigDict(env_prefix="CONSORCIA_NOTIFICATIONS_", extra="ignore")

    database_url: str = "sqlite+aiosqlite:///var/data/notifications.db"
    # Where links in e-mails point (the unsubscribe page is served by this service).
    public_url: str = "http://127.0.0.1:8404"
    app_url: str = "http://127.0.0.1:8400"
    # Many alerts of one kind for one person within this window become one notification.
    group_window_s: float = Field(default=60.0, ge=0)
    dedupe_ttl_s: int = 7 * 24 * 3600
    # Subscriptions are read on every event: each replica caches them this long.
    subscription_cache_s: float = Field(default=2.0, ge=0)
    # A batch of events is fanned out with a handful of statements whatever its size: letting 10 ms of
    # events gather between fetches cuts the CPU per event by half or more at 200 events/s.
    consumer_batch_wait_s: float = Field(default=0.01, ge=0, le=1.0)

    # E-mail: a real SMTP server when smtp_host is set, otherwise one .eml per message in mail_sink_dir.
    smtp_host: str | None = None
    smtp_port: int = 587
    smtp_username: str | None = None
    smtp_password: str | None = None
    smtp_starttls: bool = False
    smtp_timeout_s: float = 20.0
    mail_sink_dir: str | None = None
    mail_from: str = "Consorcia <alertas@consorcia.local>"
    email_retry_schedule_s: list[float] = [60, 300, 1800, 7200, 21600]
    # Signs unsubscribe links; when unset, a random one is kept in the database (stable across replicas).
    unsubscribe_secret: str | None = None

    # Webhooks.
    webhook_timeout_s: float = Field(default=20.0, ge=1, le=30)
    webhook_retry_schedule_s: list[float] = Field(default_factory=lambda: list(STANDARD_WEBHOOKS_SCHEDULE_S))
    webhook_jitter: float = Field(default=0.1, ge=0, le=0.5)
    webhook_retry_after_max_s: float = 24 * 3600
    # Consecutive failed attempts after which an endpoint is disabled (a dead delivery also disables it).
    webhook_disable_after_failures: int = Field(default=40, ge=1)
    # Development only: let webhooks reach loopback and private networks.
    webhook_allow_private: bool = False

    # The delivery queue.
    delivery_poll_interval_s: float = 0.5
    delivery_batch: int = Field(default=200, ge=1, le=2000)
    delivery_concurrency: int = Field(default=64, ge=1, le=1000)
    # A claimed delivery whose worker died becomes due again after this lease.
    delivery_lease_s: float = 120.0
    digest_interval_s: float = 60.0
    run_workers: bool = True


@lru_cache
def get_settings() -> NotificationsSettings:
    return NotificationsSettings()
