from functools import lru_cache

from pydantic_settings import SettingsConfigDict

from shared.config import ServiceSettings


class ForumSettings(ServiceSettings):
    model_config = SettingsConfigDict(env_prefix="CONSORCIA_FORUM_", extra="ignore")

    database_url: str = "sqlite+aiosqlite:///var/data/forum.db"


@lru_cache
def get_settings() -> ForumSettings:
    return ForumSettings()
