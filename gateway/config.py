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
    # Sign-in (docs/accounts.md): the Ed25519 private key that signs access tokens (PEM, or a file).
    jwt_private_key: str | None = None
    jwt_private_key_file: str | None = None
    access_token_ttl_s: int = 900
    # A refresh token family lives this long after its last use; each use rotates the token.
    refresh_token_ttl_s: int = 30 * 24 * 3600
    # Per e-mail address, whatever the IP: failed sign-ins per window, reset e-mails per hour.
    sign_in_failures_per_window: int = 10
    sign_in_failure_window_s: int = 900
    password_resets_per_hour: int = 3
    # Limits (docs/graphql.md): every one answers with a stable `extensions.code`.
    # Comma-separated origins allowed by CORS and for browser WebSocket handshakes; "*" for any.
    cors_origins: str = ""
    max_depth: int = 10
    max_tokens: int = 2000
    max_aliases: int = 30
    max_cost: int = 5000
    # `first: $var` without a default is costed at this page size (validation never sees variables).
    cost_default_page_size: int = 100
    rate_limit_enabled: bool = True
    rate_limit_user_per_minute: int = 600
    rate_limit_ip_per_minute: int = 300
    rate_limit_burst: int = 60
    # Seconds the gateway answers directory's reference lists (countries, regions) from memory.
    reference_cache_s: float = 300.0
    ws_init_timeout_s: float = 5.0
    ws_max_subscriptions: int = 20

    @property
    def cors_origin_list(self) -> list[str]:
        return [o.strip() for o in self.cors_origins.split(",") if o.strip()]


@lru_cache
def get_settings() -> GatewaySettings:
    return GatewaySettings()
