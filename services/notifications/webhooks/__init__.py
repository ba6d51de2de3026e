"""Webhooks for agency CRMs: endpoints, signing, the SSRF guard."""
