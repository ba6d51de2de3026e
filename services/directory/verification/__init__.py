"""Verification of organizations by agency officers, and the reminder for stale profiles."""
