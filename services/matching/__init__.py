"""Matching: who could export with whom, and why. Its read model is fed only by directory's events."""
