from functools import lru_cache

from pydantic_settings import SettingsConfigDict

from shared.config import ServiceSettings


class MatchingSettings(ServiceSettings):
    model_config = SettingsConfigDict(env_prefix="CONSORCIA_MATCHING_", extra="ignore")

    database_url: str = "sqlite+aiosqlite:///var/data/matching.db"


@lru_cache
def get_settings() -> MatchingSettings:
    return MatchingSettings()
