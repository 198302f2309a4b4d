"""What waits on whom, per organisation, as JSON and as text for an e-mail."""
import uuid
from datetime import datetime, timedelta, timezone

import requests

from tests.notifications_support import SAMPLE
from tests.support import stream_ticket, wait_for

T0 = datetime.now(timezone.utc) - timedelta(days=3)


def publish(services, event_type, subject_id, hours, **changes):
    sample = SAMPLE[event_type]
    envelope = sample.envelope(subject_id, occurred_at=T0 + timedelta(hours=hours))
    envelope.update(changes)
    services.publish(sample.source, envelope)


def test_the_digest_lists_what_currently_waits_on_an_organisation(services):
    notifications = services.start("notifications")
    late_document, submitted_document, case, request = (str(uuid.uuid4()) for _ in range(4))
    publish(services, "document_registered", late_document, 0)
    publish(services, "document_late", late_document, 2)
    publish(services, "document_submitted", submitted_document, 3)
    publish(services, "document_registered", submitted_document, 1)  # older, arrives later
    publish(services, "travel_case_opened", case, 0)
    publish(services, "ticket_issued", case, 1)
    publish(services, "support_requested", request, 1)
    wait_for(lambda: len(notifications.client.get("/feed").json()["items"]) == 7,
             message="seven entries")

    overview = notifications.client.get("/waiting", as_="mc").json()["organisations"]
    counts = {row["owner"]: (row["waiting"], row["late"]) for row in overview}
    assert counts["mc"] == (1, 1) and counts["unon-dcs"] == (1, 0)
    assert counts["chb"] == (1, 0) and counts["brs"] == (1, 0) and counts["law"] == (0, 0)

    brs = notifications.client.get("/digest", params={"owner": "brs"}).json()
    assert (brs["owner"], brs["owner_name"], brs["waiting"], brs["late"]) == ("brs", "BRS", 1, 0)
    (item,) = brs["items"]
    assert item["subject"] == {"kind": "support_request", "id": request}
    assert item["type"] == "support_requested" and item["meeting_code"] is None
    assert item["days_waiting"] == 2 and not item["late"]
    assert "BRS is to accept or decline it" in item["summary"]

    own = notifications.client.get("/digest", as_="mc").json()  # default: the caller's
    assert own["owner"] == "mc" and own["late"] == 1
    assert own["items"][0]["subject"]["id"] == late_document and own["items"][0]["late"]

    text = requests.get(notifications.url + "/digest.txt", timeout=10, params={
        "owner": "mc", "ticket": stream_ticket(notifications, "mc")})
    assert text.status_code == 200 and text.headers["Content-Type"].startswith("text/plain")
    lines = text.text.splitlines()
    assert lines[0].startswith("Waiting on the secretariat: 1 item, 1 of them late (")
    assert lines[2] == "COP-2"  # waiting on mc since it was registered, three days ago
    assert lines[3].startswith("- [late, 3 days] UNEP/MC/COP.2/11 (Report of the")
