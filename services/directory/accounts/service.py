"""Accounts' use cases: sign-up, authentication, roles and profiles of people."""

from __future__ import annotations

import uuid

from email_validator import EmailNotValidError, validate_email
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from services.directory.accounts import passwords
from services.directory.accounts.models import OrganizationMember, User
from services.directory.accounts.schemas import (
    AccountOut,
    AccountUpdateIn,
    MembershipOut,
    PersonOut,
    SignUpIn,
)
from services.directory.memberships import announce_contact
from services.directory.models import Organization, outbox
from shared.auth import Principal, Role
from shared.errors import DomainError, NotFound
from shared.events.directory import UserRegistered
from shared.outbox import record

# Kinds of organization an agency officer may act for.
AGENCY_KINDS = frozenset({"agency", "regional_body"})


def normalize_email(raw: str) -> str:
    """The canonical form of an address, or ``invalid_email``. No DNS: sign-up works offline."""
    try:
        checked = validate_email(raw.strip(), check_deliverability=False)
    except EmailNotValidError as exc:
        raise DomainError(
            "invalid_email", f"not a valid e-mail address: {exc}", details={"field": "email"}
        ) from None
    return checked.normalized.lower()


async def sign_up(data: SignUpIn, *, session: AsyncSession, roles: list[str] | None = None) -> User:
    email = normalize_email(data.email)
    passwords.check_strength(data.password)
    if await _user_by_email(session, email) is not None:
        raise DomainError(
            "email_taken", "an account with this e-mail already exists", details={"field": "email"}
        )
    user = User(
        id=uuid.uuid4(),
        email=email,
        password_hash=await passwords.hash_password(data.password),
        display_name=data.display_name,
        language=data.language,
        roles=sorted(set(roles or []) | {Role.member.value}),
    )
    session.add(user)
    await session.flush()
    registered = UserRegistered(
        user_id=user.id, display_name=user.display_name, language=user.language, roles=user.roles
    )
    await record(session, outbox, registered, subject=str(user.id))
    await announce_contact(session, user_id=user.id)
    return user


async def authenticate(email: str, password: str, *, session: AsyncSession) -> User:
    """The account these credentials open, or ``invalid_credentials`` — same answer and cost either way."""
    user = await _user_by_email(session, email.strip().lower())
    if not await passwords.verify_password(user.password_hash if user else None, password):
        raise DomainError("invalid_credentials", "the e-mail or the password is wrong")
    assert user is not None
    if passwords.needs_rehash(user.password_hash):
        user.password_hash = await passwords.hash_password(password)
    return user


async def get_user(user_id: uuid.UUID, *, session: AsyncSession) -> User:
    user = await session.get(User, user_id)
    if user is None:
        raise NotFound("user", user_id, code="user_not_found")
    return user


async def get_users(ids: list[uuid.UUID], *, session: AsyncSession) -> list[User]:
    if not ids:
        return []
    return list((await session.execute(select(User).where(User.id.in_(ids)))).scalars())


async def update_account(user_id: uuid.UUID, data: AccountUpdateIn, *, session: AsyncSession) -> User:
    user = await get_user(user_id, session=session)
    changes = data.model_dump(exclude_unset=True)
    for field in ("display_name", "language"):
        if changes.get(field) is not None:
            setattr(user, field, changes[field])
    if "phone" in changes:
        user.phone = changes["phone"] or None
    await session.flush()
    if "language" in changes:
        await announce_contact(session, user_id=user.id)
    return user


async def grant_roles(
    user_id: uuid.UUID,
    roles: list[Role],
    *,
    session: AsyncSession,
    by: Principal | None,
    agency_id: uuid.UUID | None = None,
) -> User:
    """Set a person's roles (admins only; ``by=None`` is the operator's command line)."""
    if by is not None and Role.admin not in by.roles:
        raise DomainError("forbidden", "only an administrator grants roles")
    user = await get_user(user_id, session=session)
    wanted = {str(r) for r in roles} | {Role.member.value}
    if Role.agency_officer.value in wanted:
        agency = (
            await session.get(Organization, agency_id or user.agency_id)
            if (agency_id or user.agency_id)
            else None
        )
        if agency is None or agency.kind not in AGENCY_KINDS:
            raise DomainError(
                "validation_error",
                "an agency officer acts for an agency or regional body: give its agency_id",
                details={
                    "fields": [{"field": "agency_id", "problem": "an agency or regional body is required"}]
                },
            )
        user.agency_id = agency.id
    user.roles = sorted(wanted)
    await session.flush()
    return user


async def account_view(user: User, *, session: AsyncSession) -> AccountOut:
    query = select(OrganizationMember).where(OrganizationMember.user_id == user.id)
    members = (await session.execute(query.order_by(OrganizationMember.created_at))).scalars()
    return AccountOut(
        id=user.id,
        email=user.email,
        display_name=user.display_name,
        language=user.language,
        roles=list(user.roles),
        agency_id=user.agency_id,
        phone=user.phone,
        organizations=[MembershipOut.model_validate(m) for m in members],
        created_at=user.created_at,
    )


def person_view(user: User, viewer: Principal | None) -> PersonOut:
    """Personal e-mails and phones only for signed-in members, never for anonymous readers."""
    contacts = viewer is not None
    return PersonOut(
        id=user.id,
        display_name=user.display_name,
        language=user.language,
        roles=list(user.roles),
        email=user.email if contacts else None,
        phone=user.phone if contacts else None,
    )


async def _user_by_email(session: AsyncSession, email: str) -> User | None:
    return (await session.execute(select(User).where(User.email == email))).scalar_one_or_none()
