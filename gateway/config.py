from functools import lru_cache

from pydantic_settings import SettingsConfigDict

from shared.config import InfrastructureSettings


class GatewaySettings(InfrastructureSettings):
    model_config = SettingsConfigDict(env_prefix="CONSORCIA_GATEWAY_", extra="ignore")

    directory_url: str = "http://127.0.0.1:8401"
    matching_url: str = "http://127.0.0.1:8402"
    forum_url: str = "http://127.0.0.1:8403"
    notifications_url: str = "http://127.0.0.1:8404"
    service_timeout_s: float = 10.0
    introspection: bool = True
    graphiql: bool = True


@lru_cache
def get_settings() -> GatewaySettings:
    return GatewaySettings()
