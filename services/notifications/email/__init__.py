"""E-mail: bilingual templates, digests, signed one-click unsubscribe, SMTP or a local sink."""
