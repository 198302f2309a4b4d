from coord.migrations import run_migrations
from services.travel.models import Base

run_migrations(Base.metadata)
