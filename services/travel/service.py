"""Travel: tickets and daily subsistence allowance for funded participants (CONTRACT.md)."""
from coord.outbox import Database
from coord.service import ServiceBase
from services.travel.models import Base


class TravelService(ServiceBase):
    name = "travel"
    db = Database(Base.metadata)


SERVICE = TravelService
