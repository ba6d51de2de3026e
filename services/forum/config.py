from functools import lru_cache

from pydantic import Field
from pydantic_settings import SettingsConfigDict

from shared.config import ServiceSettings


class ForumSettings(ServiceSettings):
    model_config = SettingsConfigDict(env_prefix="CONSORCIA_FORUM_", extra="ignore")

    database_url: str = "sqlite+aiosqlite:///var/data/forum.db"
    # Load the 2015 meeting's categories and debates at start-up (idempotent); `make run` turns it on.
    seed_on_start: bool = False
    max_post_chars: int = Field(default=20_000, ge=100)
    max_title_chars: int = Field(default=200, ge=10)
    # Open flags that hide a post until a moderator reviews it.
    flags_to_hide: int = Field(default=3, ge=1)
    # Accounts younger than this may post only so many times an hour (counted in Redis).
    new_account_period_s: float = 24 * 3600.0
    new_account_posts_per_hour: int = Field(default=10, ge=1)
    # The same text from the same person inside this window is rejected as a repeat.
    duplicate_window_s: float = 600.0
    advisory_escalate_after_s: float = 48 * 3600.0
    advisory_check_interval_s: float = 60.0


@lru_cache
def get_settings() -> ForumSettings:
    return ForumSettings()
