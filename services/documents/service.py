"""Documents: symbols, the processing chain, languages, deadlines and publication (CONTRACT.md)."""
from coord.outbox import Database
from coord.service import ServiceBase
from services.documents.models import Base


class DocumentsService(ServiceBase):
    name = "documents"
    db = Database(Base.metadata)


SERVICE = DocumentsService
