"""GraphQL types of sign-in: the viewer, tokens, API keys, and the unions of their results."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

import strawberry

from gateway.directory.types import Organization
from gateway.errors import ConflictError, Error, FieldProblem, NotFoundError, PermissionError, ValidationError
from shared.errors import DomainError


@strawberry.type(description="Signing in failed, or a token is no longer good; `code` says which.")
class AuthenticationError(Error):
    pass


@strawberry.type(description="A person's place in an organization.")
class OrganizationRole:
    organization_id: strawberry.ID
    role: str = strawberry.field(description="owner, manager or staff.")

    @strawberry.field(description="The organization.")
    async def organization(self, info: strawberry.Info) -> Organization | None:
        row = await info.context.organizations.load(str(self.organization_id))
        return Organization.from_row(row) if row else None


@strawberry.type(description="The signed-in person's own account.")
class Viewer:
    id: strawberry.ID
    email: str = strawberry.field(description="Their e-mail; only they (and administrators) see it here.")
    display_name: str
    language: str = strawberry.field(description="es or en.")
    roles: list[str] = strawberry.field(
        description="member, consortium_manager, agency_officer, advisor, moderator, admin."
    )
    agency_id: strawberry.ID | None = strawberry.field(description="The agency an agency officer acts for.")
    phone: str | None
    organizations: list[OrganizationRole] = strawberry.field(description="Organizations they act for.")

    @staticmethod
    def from_row(row: dict[str, Any]) -> Viewer:
        return Viewer(
            id=strawberry.ID(row["id"]),
            email=row["email"],
            display_name=row["display_name"],
            language=row["language"],
            roles=list(row["roles"]),
            agency_id=strawberry.ID(row["agency_id"]) if row.get("agency_id") else None,
            phone=row.get("phone"),
            organizations=[
                OrganizationRole(organization_id=strawberry.ID(m["organization_id"]), role=m["role"])
                for m in row.get("organizations", [])
            ],
        )


@strawberry.type(description="A signed-in session: a short access token and a rotating refresh token.")
class AuthPayload:
    access_token: str = strawberry.field(description="Ed25519-signed JWT; send as `Authorization: Bearer …`.")
    refresh_token: str = strawberry.field(
        description="Single use: `refreshToken` returns a new one. Reusing an old one signs every session out."
    )
    token_type: str = strawberry.field(default="Bearer", description="Always Bearer.")
    expires_in: int = strawberry.field(description="Seconds until the access token expires.")
    viewer: Viewer


@strawberry.type(description="An access token for an agency system, exchanged for its API key.")
class AccessTokenPayload:
    access_token: str
    token_type: str = "Bearer"
    expires_in: int = strawberry.field(description="Seconds until it expires; exchange the key again then.")
    viewer: Viewer


@strawberry.type(description="The session ended.")
class SignOutPayload:
    revoked: bool = strawberry.field(description="False when the token was already unknown or revoked.")


@strawberry.type(
    description="If the address has an account, a reset link is on its way (the answer is the same)."
)
class PasswordResetRequested:
    accepted: bool = True


@strawberry.type(description="The password was changed; every session of the account was signed out.")
class PasswordResetDone:
    user_id: strawberry.ID


@strawberry.type(description="An API key for an agency's own systems; the secret is never shown again.")
class ApiKey:
    id: strawberry.ID
    name: str
    prefix: str = strawberry.field(description="The first characters of the key, to tell keys apart.")
    created_at: datetime
    last_used_at: datetime | None
    revoked_at: datetime | None

    @staticmethod
    def from_row(row: dict[str, Any]) -> ApiKey:
        def moment(key: str) -> datetime | None:
            return datetime.fromisoformat(row[key]) if row.get(key) else None

        return ApiKey(
            id=strawberry.ID(row["id"]),
            name=row["name"],
            prefix=row["prefix"],
            created_at=datetime.fromisoformat(row["created_at"]),
            last_used_at=moment("last_used_at"),
            revoked_at=moment("revoked_at"),
        )


@strawberry.type(description="The new API key, with its secret (shown once).")
class ApiKeyCreated:
    api_key: ApiKey
    secret: str


def _union(name: str, description: str) -> Any:
    return strawberry.union(name, description=description)


SignUpResult = Annotated[
    AuthPayload | ValidationError | ConflictError,
    _union("SignUpResult", "The new session, or why sign-up failed."),
]
SignInResult = Annotated[
    AuthPayload | AuthenticationError, _union("SignInResult", "The new session, or why sign-in failed.")
]
RefreshResult = Annotated[
    AuthPayload | AuthenticationError, _union("RefreshTokenResult", "The rotated session, or why it ended.")
]
ResetPasswordResult = Annotated[
    PasswordResetDone | ValidationError, _union("ResetPasswordResult", "Done, or why the token was refused.")
]
ApiKeyResult = Annotated[
    ApiKeyCreated | ValidationError | PermissionError | ConflictError,
    _union("CreateApiKeyResult", "The key, or why not."),
]
RevokeApiKeyResult = Annotated[
    ApiKey | NotFoundError | PermissionError, _union("RevokeApiKeyResult", "The revoked key, or why not.")
]
ExchangeApiKeyResult = Annotated[
    AccessTokenPayload | AuthenticationError,
    _union("ExchangeApiKeyResult", "An access token, or why the key was refused."),
]
GrantRolesResult = Annotated[
    Viewer | ValidationError | NotFoundError | PermissionError,
    _union("GrantRolesResult", "The person's account, or why not."),
]


def as_error(exc: DomainError, *, signing_in: bool = False) -> Any:
    """An expected failure as a member of a result union, by its HTTP status class.

    401 is an AuthenticationError where signing in is the operation, a PermissionError elsewhere.
    """
    if exc.status == 422 and signing_in:
        # Sign-in results have no ValidationError member: a malformed e-mail or key is a refused sign-in.
        return AuthenticationError(code=exc.code, message=exc.message)
    if exc.status == 422:
        fields = exc.details.get("fields") or [
            {"field": exc.details.get("field", ""), "problem": exc.message}
        ]
        return ValidationError(
            code=exc.code,
            message=exc.message,
            fields=[FieldProblem(field=f["field"], problem=f["problem"]) for f in fields],
        )
    if exc.status in (401, 429) and signing_in:
        return AuthenticationError(code=exc.code, message=exc.message)
    if exc.status in (401, 403):
        return PermissionError(code=exc.code, message=exc.message)
    if exc.status == 404:
        return NotFoundError(code=exc.code, message=exc.message, id=exc.details.get("id"))
    if exc.status == 409:
        return ConflictError(code=exc.code, message=exc.message, existing_id=exc.details.get("existing_id"))
    raise exc
