"""The operator's command line: give roles to an account (how the first administrator is made).

python -m services.directory.accounts.admin ana@example.org admin
python -m services.directory.accounts.admin officer@procomer.cr agency_officer --agency <organization id>
"""

from __future__ import annotations

import argparse
import asyncio
import uuid

from sqlalchemy import select

from services.directory.accounts.models import User
from services.directory.accounts.service import grant_roles
from services.directory.config import get_settings
from shared.auth import Role
from shared.db import create_engine, create_session_factory, unit_of_work


async def grant(
    email: str, roles: list[str], agency_id: uuid.UUID | None = None, *, database_url: str | None = None
) -> list[str]:
    engine = create_engine(database_url or get_settings().database_url)
    try:
        async with unit_of_work(create_session_factory(engine)) as session:
            user = (
                await session.execute(select(User).where(User.email == email.strip().lower()))
            ).scalar_one_or_none()
            if user is None:
                raise SystemExit(f"no account with the e-mail {email}")
            wanted = sorted(set(user.roles) | set(roles))
            updated = await grant_roles(
                user.id, [Role(r) for r in wanted], session=session, by=None, agency_id=agency_id
            )
            return list(updated.roles)
    finally:
        await engine.dispose()


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("email")
    parser.add_argument("roles", nargs="+", choices=[r.value for r in Role])
    parser.add_argument(
        "--agency", type=uuid.UUID, default=None, help="the agency an agency officer acts for"
    )
    args = parser.parse_args()
    print("roles:", ", ".join(asyncio.run(grant(args.email, args.roles, args.agency))))


if __name__ == "__main__":
    main()
