"""Each language version can carry a PDF or DOCX file: checked, size-limited, kept on disk
under its SHA-256 across restarts, and downloaded with its checksum."""
import base64
import hashlib

from tests.documents_support import (
    DOCX, PDF_BYTES, announce_meeting, docx_bytes, register_when_known, working_document,
)

LIMIT = 4096


def _put(documents, path, content, content_type, as_="mc"):
    return documents.client.put(path, data=content, headers={"Content-Type": content_type},
                                as_=as_)


def _error_code(response, status):
    assert response.status_code == status, response.text
    return response.json()["error"]["code"]


def test_language_files_are_checked_stored_and_downloaded_with_their_checksum(
        services, tmp_path):
    files_config = {"DOCUMENTS_FILE_DIR": str(tmp_path / "files"),
                    "DOCUMENTS_MAX_FILE_BYTES": LIMIT}
    documents = services.start("documents", **files_config)
    meeting_id = announce_meeting(services)
    document = register_when_known(documents, working_document(meeting_id, languages="reduced"))
    files = f"/documents/{document['id']}/files"
    docx = docx_bytes()

    uploaded = _put(documents, f"{files}/en", PDF_BYTES, "application/pdf")
    assert uploaded.status_code == 200, uploaded.text
    assert uploaded.json()["sha256"] == hashlib.sha256(PDF_BYTES).hexdigest()
    assert _put(documents, f"{files}/fr", docx, DOCX, as_="unon-dcs").status_code == 200

    assert _error_code(_put(documents, f"{files}/es", b"plain text", "text/plain"),
                       400) == "unsupported_file_type"
    assert _error_code(_put(documents, f"{files}/es", docx, "application/pdf"),
                       400) == "file_type_mismatch"
    assert _error_code(_put(documents, f"{files}/es", b"PK\x03\x04not a zip", DOCX),
                       400) == "file_type_mismatch"
    assert _error_code(_put(documents, f"{files}/es", PDF_BYTES + b" " * LIMIT,
                            "application/pdf"), 400) == "file_too_large"
    assert _error_code(_put(documents, f"{files}/es", PDF_BYTES, "application/pdf", as_="brs"),
                       403) == "forbidden"
    assert _error_code(_put(documents, f"{files}/ar", PDF_BYTES, "application/pdf"),
                       409) == "language_not_required"
    assert _error_code(_put(documents, f"{files}/xx", PDF_BYTES, "application/pdf"),
                       400) == "unknown_language"
    assert _error_code(documents.client.get(f"{files}/es"), 404) == "not_found"

    languages = {v["language"]: v["file"]
                 for v in documents.client.get(f"/documents/{document['id']}").json()["languages"]}
    assert languages["es"] is None
    assert (languages["en"]["size"], languages["en"]["content_type"]) == (
        len(PDF_BYTES), "application/pdf")
    assert (languages["fr"]["sha256"], languages["fr"]["uploaded_by"]) == (
        hashlib.sha256(docx).hexdigest(), "unon-dcs")

    documents.container.kill()
    documents = services.start("documents", DATABASE_URL=documents.config["DATABASE_URL"],
                               **files_config)
    download = documents.client.get(f"{files}/fr", as_="unon-dcs")  # its uploader
    assert download.status_code == 200, download.text
    assert download.content == docx
    assert download.headers["Content-Type"].startswith(DOCX)
    assert download.headers["ETag"] == f'"{hashlib.sha256(docx).hexdigest()}"'
    assert download.headers["Repr-Digest"] == (
        f"sha-256=:{base64.b64encode(hashlib.sha256(docx).digest()).decode()}:")
    assert "UNEP_MC_COP.2_1-fr.docx" in download.headers["Content-Disposition"]
