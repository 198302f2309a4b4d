"""Support: the reciprocal-support ledger between secretariats (CONTRACT.md)."""
from coord.outbox import Database
from coord.service import ServiceBase
from services.support.models import Base


class SupportService(ServiceBase):
    name = "support"
    db = Database(Base.metadata)


SERVICE = SupportService
