"""Sign-in at the gateway: access tokens, rotating refresh tokens, sign-out, resets and API keys."""
