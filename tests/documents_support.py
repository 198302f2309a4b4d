"""Helpers for the documents service's tests: meetings announced as registration would,
documents registered once the meeting is known, small valid PDF and DOCX files, a tap on
the documents exchange, and a PostgreSQL database."""
import io
import json
import uuid
import zipfile

from kombu import Connection, Queue, binding

from coord import topology
from coord.envelope import Event
from tests.support import COP2, wait_for


DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
PDF_BYTES = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"


def docx_bytes(text="Report"):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", f"<w:document>{text}</w:document>")
    return buffer.getvalue()


def announce_meeting(services, **overrides):
    """Publish `meeting_scheduled` as registration does; returns the meeting's id."""
    meeting_id = str(uuid.uuid4())
    services.publish("registration", Event(
        "meeting_scheduled", "meeting", meeting_id, actor="mc", meeting_id=meeting_id,
        data={**COP2, **overrides}).envelope("registration"))
    return meeting_id


def working_document(meeting_id, **overrides):
    return {"meeting_id": meeting_id, "kind": "working", "agenda_item": "5 (a)",
            "title": "Report of the Implementation and Compliance Committee", **overrides}


def register_when_known(documents, body):
    """POST /documents, waiting while the meeting's event is still on its way."""
    def attempt():
        response = documents.client.post("/documents", json=body)
        if response.status_code == 409 and response.json()["error"]["code"] == "unknown_meeting":
            return None
        assert response.status_code == 201, response.text
        return response.json()

    return wait_for(attempt, message="the meeting to reach documents")


class EventTap:
    """A queue of our own bound to a service's event exchange, as any partner may bind:
    `envelopes()` returns every event of the given types received so far."""

    def __init__(self, amqp_uri, source, *types):
        self._connection = Connection(amqp_uri)
        channel = self._connection.default_channel
        exchange = topology.event_exchange(source)
        exchange(channel).declare()
        self._queue = Queue(f"test-tap-{uuid.uuid4().hex}", durable=False, auto_delete=True,
                            bindings=[binding(exchange, routing_key=t) for t in types])(channel)
        self._queue.declare()
        self._received = []

    def envelopes(self):
        while (message := self._queue.get(no_ack=True)) is not None:
            self._received.append(json.loads(message.body))
        return list(self._received)

    def close(self):
        self._connection.release()


def publish_reduced(documents, document_id, files):
    """Take a document in en, fr and es through the whole chain to published, uploading
    `files` ({language: (bytes, content type)}) on the way, as mc and unon-dcs would."""
    client, path = documents.client, f"/documents/{document_id}"

    def ok(response):
        assert response.status_code == 200, response.text
        return response.json()

    for language, (content, content_type) in files.items():
        ok(client.put(f"{path}/files/{language}", data=content,
                      headers={"Content-Type": content_type}, as_="unon-dcs"))
    ok(client.post(f"{path}/submit"))
    ok(client.post(f"{path}/edited", as_="unon-dcs"))
    for language in ("fr", "es"):
        ok(client.post(f"{path}/translations/{language}", as_="unon-dcs"))
    return ok(client.post(f"{path}/publish"))
