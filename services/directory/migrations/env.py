import services.directory.accounts.models  # noqa: F401  (tables of people, consortia, verification)
import services.directory.consortia.models  # noqa: F401
import services.directory.verification.models  # noqa: F401
from services.directory.models import Base
from shared.migrations import run_env

run_env(Base.metadata)
