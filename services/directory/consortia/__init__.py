"""Consortia: organizations of kind consortium, and which organizations belong to them."""
