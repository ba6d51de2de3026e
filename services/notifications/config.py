from functools import lru_cache

from pydantic_settings import SettingsConfigDict

from shared.config import ServiceSettings


class NotificationsSettings(ServiceSettings):
    model_config = SettingsConfigDict(env_prefix="CONSORCIA_NOTIFICATIONS_", extra="ignore")

    database_url: str = "sqlite+aiosqlite:///var/data/notifications.db"


@lru_cache
def get_settings() -> NotificationsSettings:
    return NotificationsSettings()
