"""Documents service: symbols, the processing chain with conference services, six
languages, deadlines and publication (CONTRACT.md, port 8003).

Meetings are known from registration's `meeting_scheduled` events. Every state change is
published through the outbox; a timer sends `document_late` once per missed deadline.
"""
import base64

from werkzeug.wrappers import Response

from coord.auth import require
from coord.configured import configured_timer
from coord.corrections import CorrectionPage
from coord.events import subscribe
from coord.http import PageQuery, api, page_of
from coord.outbox import Database
from coord.service import ServiceBase
from services.documents import usecases
from services.documents.dependencies import Clock, Files
from services.documents.domain import FILE_TYPES
from services.documents.models import Base
from services.documents.schemas import (
    ContributionCreateSchema, ContributionSchema, DocumentCreateSchema, DocumentListQuery,
    DocumentPatchSchema, DocumentSchema, FileSchema,
)


class DocumentsService(ServiceBase):
    name = "documents"
    db = Database(Base.metadata)
    clock = Clock()
    files = Files()

    @subscribe("registration")
    def on_registration_event(self, envelope):
        if envelope["type"] in ("meeting_scheduled", "meeting_updated"):
            with self.db.unit_of_work() as uow:
                usecases.record_meeting(uow, envelope, self.clock.today())

    @api("POST", "/documents", body=DocumentCreateSchema, returns=DocumentSchema, status=201)
    def register_document(self, request, caller, body):
        """Register a document (mc); its symbol is assigned, never typed."""
        require(caller, action="register documents")
        with self.db.unit_of_work() as uow:
            today = self.clock.today()
            return usecases.describe(usecases.register_document(uow, caller, body, today),
                                     today)

    @api("GET", "/documents", query=DocumentListQuery, returns=page_of(DocumentSchema))
    def list_documents(self, request, caller, query):
        """Documents by meeting, status, kind, holder, and whether late."""
        today = self.clock.today()
        with self.db.unit_of_work() as uow:
            listed = usecases.list_documents(uow, query, today)
            return {**listed, "items": [usecases.describe(d, today) for d in listed["items"]]}

    @api("GET", "/documents/<document_id>", returns=DocumentSchema)
    def get_document(self, request, caller, document_id):
        """One document, its languages and contributions."""
        with self.db.unit_of_work() as uow:
            return usecases.describe(usecases.get_document(uow, document_id),
                                     self.clock.today())

    @api("PATCH", "/documents/<document_id>", body=DocumentPatchSchema, returns=DocumentSchema)
    def correct_document(self, request, caller, document_id, body):
        """Correct the title, agenda item or due date (mc); If-Match: its etag."""
        today = self.clock.today()
        with self.db.unit_of_work() as uow:
            return usecases.describe(usecases.correct_document(
                uow, caller, document_id, body, request.headers.get("If-Match"), today), today)

    @api("GET", "/documents/<document_id>/history", query=PageQuery, returns=CorrectionPage)
    def document_history(self, request, caller, document_id, query):
        """The document's corrections, oldest first (deadlines its meeting moved too)."""
        with self.db.unit_of_work() as uow:
            return usecases.document_history(uow, document_id, query)

    @api("POST", "/documents/<document_id>/contributions", body=ContributionCreateSchema,
         returns=ContributionSchema, status=201)
    def contribute(self, request, caller, document_id, body):
        """Record a partner's contribution to a draft (any organisation)."""
        with self.db.unit_of_work() as uow:
            return usecases.contribute(uow, caller, document_id, body["note"])

    @api("POST", "/documents/<document_id>/submit", returns=DocumentSchema)
    def submit(self, request, caller, document_id):
        """Submit to conference services (mc); unon-dcs holds it next."""
        return self._act(usecases.submit, caller, document_id)

    @api("POST", "/documents/<document_id>/edited", returns=DocumentSchema)
    def mark_edited(self, request, caller, document_id):
        """Mark the document edited (unon-dcs)."""
        return self._act(usecases.mark_edited, caller, document_id)

    @api("POST", "/documents/<document_id>/translations/<lang>", returns=DocumentSchema)
    def translate(self, request, caller, document_id, lang):
        """Record one language's translation as done (unon-dcs)."""
        return self._act(usecases.translate, caller, document_id, lang)

    @api("POST", "/documents/<document_id>/publish", returns=DocumentSchema)
    def publish(self, request, caller, document_id):
        """Publish (mc); needs every required language, always en, fr and es."""
        return self._act(usecases.publish, caller, document_id)

    def _act(self, step, caller, document_id, *args):
        with self.db.unit_of_work() as uow:
            return usecases.describe(step(uow, caller, document_id, *args), self.clock.today())

    @api("PUT", "/documents/<document_id>/files/<lang>", returns=FileSchema,
         accepts=tuple(FILE_TYPES),
         summary="Upload one language version's file, PDF or DOCX, as the raw body "
                 "(mc, unon-dcs).")
    def upload_file(self, request, caller, document_id, lang):
        # One byte over the limit is enough to refuse, without reading a huge body.
        content = request.stream.read(self.files.max_bytes + 1)
        with self.db.unit_of_work() as uow:
            return usecases.attach_file(uow, caller, document_id, lang, files=self.files,
                                        content_type=request.mimetype, content=content)

    @api("GET", "/documents/<document_id>/files/<lang>", content_types=tuple(FILE_TYPES),
         summary="Download one language version's file, with its SHA-256 in ETag and "
                 "Repr-Digest.")
    def download_file(self, request, caller, document_id, lang):
        with self.db.unit_of_work() as uow:
            document, version, content = usecases.read_file(uow, document_id, lang,
                                                            files=self.files)
        digest = base64.b64encode(bytes.fromhex(version.file_sha256)).decode()
        extension = FILE_TYPES[version.file_content_type]
        filename = f"{document.symbol.replace('/', '_')}-{lang}.{extension}"
        return Response(content, mimetype=version.file_content_type, headers={
            "ETag": f'"{version.file_sha256}"', "Repr-Digest": f"sha-256=:{digest}:",
            "Digest": f"SHA-256={digest}",
            "Content-Disposition": f'attachment; filename="{filename}"'})

    @configured_timer("DOCUMENTS_LATE_CHECK_INTERVAL", 3600, eager=True)
    def mark_late_documents(self):
        """Send `document_late` for each newly missed deadline, naming the holder."""
        usecases.mark_late_documents(self.db.unit_of_work, self.clock.today())


SERVICE = DocumentsService
