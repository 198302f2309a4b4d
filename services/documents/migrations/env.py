from coord.migrations import run_migrations
from services.documents.models import Base

run_migrations(Base.metadata)
