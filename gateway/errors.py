"""Expected failures as types: clients branch on ``code`` in a success | error union."""

from __future__ import annotations

import strawberry
from strawberry.utils.str_converters import to_camel_case

from gateway.clients import ServiceError


@strawberry.interface(description="An expected failure with a stable machine-readable code.")
class Error:
    code: str = strawberry.field(description="Stable code, e.g. `duplicate_organization`.")
    message: str = strawberry.field(description="Human-readable explanation.")


@strawberry.type(description="One invalid input field.")
class FieldProblem:
    field: str
    problem: str


@strawberry.type(description="The input was not valid; `fields` says which parts and why.")
class ValidationError(Error):
    fields: list[FieldProblem]


@strawberry.type(description="The thing referred to does not exist.")
class NotFoundError(Error):
    id: strawberry.ID | None = None


@strawberry.type(description="It already exists; `existingId` points at it.")
class ConflictError(Error):
    existing_id: strawberry.ID | None = None


@strawberry.type(description="The caller may not do this.")
class PermissionError(Error):
    pass


# Details that describe the limit rather than name an input (the message says them in words).
_ABOUT_THE_LIMIT = frozenset({"allowed", "limit", "max", "min", "length", "id"})


def field_problems(exc: ServiceError) -> list[FieldProblem]:
    """The inputs a refusal names, in the schema's spelling: a service's list of fields, or the one field
    its details name (the message is its problem), or else the inputs whose values were refused."""
    details = exc.details
    if listed := details.get("fields"):
        return [FieldProblem(field=to_camel_case(f["field"]), problem=f["problem"]) for f in listed]
    if "field" in details:
        return [FieldProblem(field=to_camel_case(str(details["field"])), problem=exc.message)]
    return [
        FieldProblem(
            field=to_camel_case(k),
            problem=f"{exc.code}: {', '.join(map(str, v)) if isinstance(v, list) else v}",
        )
        for k, v in details.items()
        if k not in _ABOUT_THE_LIMIT
    ]


def from_service_error(
    exc: ServiceError,
) -> ValidationError | NotFoundError | ConflictError | PermissionError:
    """Map a service's error model onto the schema's error types; unexpected statuses re-raise (masked)."""
    if exc.status == 422:
        return ValidationError(code=exc.code, message=exc.message, fields=field_problems(exc))
    if exc.status == 404:
        return NotFoundError(code=exc.code, message=exc.message, id=exc.details.get("id"))
    if exc.status == 409:
        return ConflictError(code=exc.code, message=exc.message, existing_id=exc.details.get("existing_id"))
    if exc.status in (401, 403):
        return PermissionError(code=exc.code, message=exc.message)
    raise exc
