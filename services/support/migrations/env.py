from coord.migrations import run_migrations
from services.support.models import Base

run_migrations(Base.metadata)
