from functools import lru_cache

from pydantic_settings import SettingsConfigDict

from shared.config import ServiceSettings


class DirectorySettings(ServiceSettings):
    model_config = SettingsConfigDict(env_prefix="CONSORCIA_DIRECTORY_", extra="ignore")

    database_url: str = "sqlite+aiosqlite:///var/data/directory.db"
    seed_on_start: bool = False
    max_text_length: int = 5000


@lru_cache
def get_settings() -> DirectorySettings:
    return DirectorySettings()
