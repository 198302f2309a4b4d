"""Travel's tables. The outbox and inbox live in the same database (coord.db)."""
from sqlalchemy.orm import DeclarativeBase

from coord.db import add_messaging_tables


class Base(DeclarativeBase):
    pass


add_messaging_tables(Base.metadata)
