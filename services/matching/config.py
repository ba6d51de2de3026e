from functools import lru_cache

from pydantic import Field
from pydantic_settings import SettingsConfigDict

from shared.config import ServiceSettings


class MatchingSettings(ServiceSettings):
    model_config = SettingsConfigDict(env_prefix="CONSORCIA_MATCHING_", extra="ignore")

    database_url: str = "sqlite+aiosqlite:///var/data/matching.db"
    # A new match at or above this score is announced (match.found) once per pair and type.
    alert_threshold: float = Field(default=0.6, ge=0.0, le=1.0)
    # Suggestions kept per organization and type when it registers or changes.
    suggestions_per_type: int = Field(default=10, ge=1, le=100)
    # Below this a pair is not stored at all.
    min_score: float = Field(default=0.3, ge=0.0, le=1.0)
    formation_min_size: int = Field(default=7, ge=2)
    formation_max_size: int = Field(default=10, ge=2)
    formation_max_pool: int = Field(default=5000, ge=2)


@lru_cache
def get_settings() -> MatchingSettings:
    return MatchingSettings()
