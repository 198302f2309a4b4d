from coord.migrations import run_migrations
from services.registration.models import Base

run_migrations(Base.metadata)
