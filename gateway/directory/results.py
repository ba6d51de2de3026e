"""Results of directory's mutations: the success type, or why it failed (gateway/errors.py)."""

from __future__ import annotations

from typing import Annotated

import strawberry

from gateway.directory.checkup_types import Checkup
from gateway.directory.types import Organization
from gateway.errors import ConflictError, NotFoundError, PermissionError, ValidationError


@strawberry.type(description="The organization was registered; the caller is its manager.")
class RegisterOrganizationSuccess:
    organization: Organization


@strawberry.type(description="The profile was changed.")
class UpdateOrganizationSuccess:
    organization: Organization


@strawberry.type(description="The organization left the network.")
class DeleteOrganizationSuccess:
    id: strawberry.ID


@strawberry.type(description="The check-up was scored; the organization shows the new score.")
class SubmitCheckupSuccess:
    checkup: Checkup
    organization: Organization | None


RegisterOrganizationResult = Annotated[
    RegisterOrganizationSuccess | ValidationError | ConflictError | PermissionError,
    strawberry.union(
        "RegisterOrganizationResult", description="The organization, or why it was not registered."
    ),
]
UpdateOrganizationResult = Annotated[
    UpdateOrganizationSuccess | ValidationError | ConflictError | NotFoundError | PermissionError,
    strawberry.union(
        "UpdateOrganizationResult", description="The changed profile, or why it was not changed."
    ),
]
DeleteOrganizationResult = Annotated[
    DeleteOrganizationSuccess | NotFoundError | PermissionError,
    strawberry.union("DeleteOrganizationResult", description="Deleted, or why not."),
]
SubmitCheckupResult = Annotated[
    SubmitCheckupSuccess | ValidationError | NotFoundError | PermissionError,
    strawberry.union("SubmitCheckupResult", description="The scored check-up, or why it was refused."),
]
