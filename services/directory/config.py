from functools import lru_cache

from pydantic_settings import SettingsConfigDict

from shared.config import ServiceSettings


class DirectorySettings(ServiceSettings):
    model_config = SettingsConfigDict(env_prefix="CONSORCIA_DIRECTORY_", extra="ignore")

    database_url: str = "sqlite+aiosqlite:///var/data/directory.db"
    seed_on_start: bool = False
    max_text_length: int = 5000
    # Where a password-reset e-mail sends people; the single-use token is appended.
    password_reset_url: str = "http://127.0.0.1:8400/reset-password?token="
    password_reset_ttl_s: int = 3600
    # Organizations untouched this long are flagged stale (ProfileStale); 0 disables the periodic sweep.
    stale_after_days: int = 365
    stale_check_interval_s: float = 6 * 3600.0
    # PostgreSQL: a search with more matches than about this many gets its total and facet counts
    # estimated from a random eighth of them (exactCounts false); 0 keeps every count exact.
    search_exact_counts_up_to: int = 5000


@lru_cache
def get_settings() -> DirectorySettings:
    return DirectorySettings()
