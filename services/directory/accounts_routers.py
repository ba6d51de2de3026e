"""The routers of people, accounts, consortia and verification, for main.py to mount in one line."""

from services.directory.accounts.api import router as accounts_router
from services.directory.accounts.people_api import router as people_router
from services.directory.consortia.api import router as consortia_router
from services.directory.verification.api import router as verification_router

ROUTERS = [accounts_router, people_router, consortia_router, verification_router]
