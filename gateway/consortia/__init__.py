"""Consortia, memberships, verification and people in GraphQL (directory's community side)."""
