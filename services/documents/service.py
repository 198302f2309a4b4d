"""Documents service: symbols, the processing chain with conference services, six
languages, deadlines and publication (CONTRACT.md, port 8003).

Meetings are known from registration's `meeting_scheduled` events, or asked of
registration when a request names one not heard of yet (coord.rpc). Every state change is
published through the outbox; a timer sends `document_late` once per missed deadline.
"""
import base64

from werkzeug.wrappers import Response

from coord.configured import configured_timer
from coord.corrections import CorrectionPage
from coord.dumping import dumper
from coord.events import subscribe
from coord.http import PageQuery, api, json_response, page_of
from coord.outbox import Database
from coord.rpc import RegistrationMeetings
from coord.public import public_response, reader_language
from coord.service import ServiceBase
from services.documents import public, public_views, usecases
from services.documents.dependencies import Clock, Files
from services.documents.domain import FILE_TYPES
from services.documents.models import Base
from services.documents.schemas import (
    ContributionCreateSchema, ContributionSchema, DocumentCreateSchema, DocumentListQuery,
    DocumentPatchSchema, DocumentSchema, FileSchema, PublicDocumentSchema, PublicDocumentsQuery,
    PublicFeedQuery, PublicPageQuery,
)

PublicDocumentPage = page_of(PublicDocumentSchema)
# Built once: the public list is made here (for its ETag), not by `@api`.
dump_public_documents = dumper(PublicDocumentPage())


class DocumentsService(ServiceBase):
    name = "documents"
    db = Database(Base.metadata)
    clock = Clock()
    files = Files()
    meetings = RegistrationMeetings(known=usecases.meeting_known, keep=usecases.keep_meeting)

    @subscribe("registration")
    def on_registration_event(self, uow, envelope):
        if envelope["type"] in ("meeting_scheduled", "meeting_updated"):
            usecases.record_meeting(uow, envelope, self.clock.today())

    @api("POST", "/documents", body=DocumentCreateSchema, returns=DocumentSchema, status=201,
         allowed=(), action="register documents")
    def register_document(self, request, caller, body):
        """Register a document (mc); its symbol is assigned, never typed."""
        self.meetings.make_known(self.db, body["meeting_id"])
        with self.db.unit_of_work() as uow:
            today = self.clock.today()
            return usecases.describe(usecases.register_document(uow, caller, body, today),
                                     today)

    @api("GET", "/documents", query=DocumentListQuery, returns=page_of(DocumentSchema))
    def list_documents(self, request, caller, query):
        """Documents by meeting, status, kind, holder, and whether late."""
        today = self.clock.today()
        with self.db.unit_of_work() as uow:
            listed = usecases.list_documents(uow, caller, query, today)
            return {**listed, "items": [usecases.describe(d, today) for d in listed["items"]]}

    @api("GET", "/documents/<document_id>", returns=DocumentSchema)
    def get_document(self, request, caller, document_id):
        """One document, its languages and contributions."""
        with self.db.unit_of_work() as uow:
            return usecases.describe(usecases.read_document(uow, caller, document_id),
                                     self.clock.today())

    @api("PATCH", "/documents/<document_id>", body=DocumentPatchSchema, returns=DocumentSchema,
         allowed=(), action="correct documents")
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
            return usecases.document_history(uow, caller, document_id, query)

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
            document, version, content = usecases.read_file(uow, caller, document_id, lang,
                                                            files=self.files)
        return _file_response(document, version, content, disposition="attachment")

    # The public face: no token, published documents only, cacheable (coord.public).

    @api("GET", "/public/documents", public=True, query=PublicDocumentsQuery,
         returns=PublicDocumentPage)
    def public_documents(self, request, query):
        """A meeting's published documents, for anyone (no token)."""
        with self.db.unit_of_work() as uow:
            listed = public.published_documents(
                uow, public.meeting_by_code(uow, query["meeting"]), query)
        return public_response(request, json_response(dump_public_documents(listed)))

    @api("GET", "/public/documents/<path:symbol>/<lang>", public=True,
         content_types=tuple(FILE_TYPES),
         summary="A published document's file in one language, for anyone (no token); "
                 "the symbol keeps its slashes: /public/documents/UNEP/MC/COP.2/1/fr.")
    def public_file(self, request, symbol, lang):
        with self.db.unit_of_work() as uow:
            document, version, content = public.published_file(uow, symbol, lang,
                                                               files=self.files)
        return public_response(request, _file_response(document, version, content,
                                                       disposition="inline"))

    @api("GET", "/public/documents.atom", public=True, query=PublicFeedQuery,
         content_types=("application/atom+xml",))
    def public_feed(self, request, query):
        """A meeting's new publications as Atom, for feed readers (no token)."""
        base_url = request.host_url.rstrip("/")
        with self.db.unit_of_work() as uow:
            meeting = public.meeting_by_code(uow, query["meeting"])
            feed = public_views.publications_atom(
                meeting, public.latest_publications(uow, meeting), base_url=base_url,
                self_url=f"{base_url}/public/documents.atom?meeting={meeting.code}",
                page_url=f"{base_url}{_page_path(meeting.code)}")
        return public_response(request, Response(feed, mimetype="application/atom+xml"))

    @api("GET", "/public/meetings/<code>/documents.html", public=True, query=PublicPageQuery,
         content_types=("text/html",))
    def public_page(self, request, code, query):
        """A meeting's published documents by agenda item as a plain HTML page (no
        script) a website can embed, in English, French or Spanish: `?lang=`, else the
        reader's Accept-Language."""
        language = reader_language(request, query.get("lang"))
        with self.db.unit_of_work() as uow:
            meeting = public.meeting_by_code(uow, code)
            html = public_views.documents_page(
                meeting, public.by_agenda_item(uow, meeting), language=language,
                base_url=request.host_url.rstrip("/"), page_path=_page_path(meeting.code))
        response = Response(html, mimetype="text/html", headers={
            "Content-Language": language,
            # Nothing to run, nothing to load: the page is text, links and its own style.
            "Content-Security-Policy": "default-src 'none'; style-src 'unsafe-inline'"})
        if not query.get("lang"):
            response.vary.add("Accept-Language")
        return public_response(request, response)

    @configured_timer("DOCUMENTS_LATE_CHECK_INTERVAL", 3600, eager=True)
    def mark_late_documents(self):
        """Send `document_late` for each newly missed deadline, naming the holder."""
        usecases.mark_late_documents(self.db.unit_of_work, self.clock.today())


def _page_path(meeting_code):
    return f"/public/meetings/{meeting_code}/documents.html"


def _file_response(document, version, content, *, disposition):
    """A language version's file, with its SHA-256 in ETag and Repr-Digest."""
    digest = base64.b64encode(bytes.fromhex(version.file_sha256)).decode()
    extension = FILE_TYPES[version.file_content_type]
    filename = f"{document.symbol.replace('/', '_')}-{version.language}.{extension}"
    return Response(content, mimetype=version.file_content_type, headers={
        "ETag": f'"{version.file_sha256}"', "Repr-Digest": f"sha-256=:{digest}:",
        "Digest": f"SHA-256={digest}",
        "Content-Disposition": f'{disposition}; filename="{filename}"'})


SERVICE = DocumentsService
