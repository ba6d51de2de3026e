"""Matching's use cases: the only code that changes matching's state (keyword-only ``session``)."""

from services.matching.service.feedback import respond
from services.matching.service.formation import get_formation, propose_formation
from services.matching.service.matches import get_match, list_matches, refresh_matches
from services.matching.service.projection import (
    add_manager,
    get_projection,
    join_consortium,
    leave_consortium,
    project_organization,
    remove_manager,
    remove_organization,
)

__all__ = [
    "add_manager",
    "get_formation",
    "get_match",
    "get_projection",
    "join_consortium",
    "leave_consortium",
    "list_matches",
    "project_organization",
    "propose_formation",
    "refresh_matches",
    "remove_manager",
    "remove_organization",
    "respond",
]
