from services.matching.models import Base
from shared.migrations import run_env

run_env(Base.metadata)
