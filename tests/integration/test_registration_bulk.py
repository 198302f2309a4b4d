"""A delegation nominated from a CSV file: every row is checked, and nothing is imported
unless every row is good."""
from tests.registration_support import (  # noqa: F401 (fixtures)
    error_of, events, meeting, registration,
)
from tests.support import nominate, schedule_meeting

HEADER = "given_name,family_name,email,country,category,organisation,visa_letter_requested\n"
GOOD_ROWS = (
    "Nguyễn,Văn An,an.nguyen@example.org,VNM,party,Ministry of Natural Resources,yes\n"
    "Thi,Lan,lan.thi@example.org,VNM,party,\"Ministry of Health, Hanoi\",\n"
    "Minh,Tran,minh.tran@example.org,VNM,ngo,Green Mekong,no\n")


def upload(registration, meeting_id, text, encoding="utf-8", content_type="text/csv"):
    return registration.client.post(
        f"/meetings/{meeting_id}/registrations.csv", data=text.encode(encoding),
        headers={"Content-Type": f"{content_type}; charset=utf-8"})


def registered(registration, meeting_id):
    response = registration.client.get(f"/meetings/{meeting_id}/registrations")
    return response.json()["items"]


def test_a_file_with_bad_rows_is_refused_whole_with_each_row_named(registration, events,
                                                                   meeting):
    existing = nominate(registration, meeting["id"], 1)
    text = HEADER + GOOD_ROWS + (
        "Bad,Email,not-an-email,VNM,party,Ministry,\n"
        f"Ana,Again,{existing['email']},PER,party,Ministry,\n"
        "Who,Where,who@example.org,XYZ,minister,Ministry,maybe\n"
        "Dup,Licate,lan.thi@example.org,VNM,party,Ministry,\n"
        "Short,Row,short@example.org\n")
    error = error_of(upload(registration, meeting["id"], text), 400, "invalid_rows")
    assert "nothing was imported" in error["message"]
    fields = error["fields"]
    assert list(fields) == ["row 5", "row 6", "row 7", "row 8", "row 9"]
    assert set(fields["row 5"]) == {"email"}
    assert "Already registered" in fields["row 6"]["email"][0]
    assert set(fields["row 7"]) == {"category", "visa_letter_requested"}
    assert fields["row 8"]["email"] == ["Same email as row 3."]
    assert "_row" in fields["row 9"]
    assert [r["id"] for r in registered(registration, meeting["id"])] == [existing["id"]]

    created = upload(registration, meeting["id"], HEADER + GOOD_ROWS)
    assert created.status_code == 201, created.text
    assert created.json()["count"] == 3
    first = created.json()["items"][0]
    assert (first["given_name"], first["status"], first["region"], first["priority"]) == (
        "Nguyễn", "nominated", "asia-pacific", False)
    assert first["visa_letter_requested"] is True
    assert len(registered(registration, meeting["id"])) == 4
    events.wait_for("registration_submitted", count=4)
    assert events.types().count("registration_submitted") == 4  # none for the refused file


def test_a_file_that_cannot_be_read_is_refused_before_any_row(registration, meeting):
    error = error_of(upload(registration, meeting["id"], HEADER + (
        "José,Pérez,jose@example.org,PER,party,Ministerio del Ambiente,\n"),
        encoding="cp1252"), 400, "bad_encoding")
    assert "UTF-8" in error["message"]
    error = error_of(upload(registration, meeting["id"],
                            "first,last,email\nAna,Pérez,ana@example.org\n"), 400, "bad_header")
    assert "Missing columns: given_name" in error["fields"]["row 1"][0]
    error_of(upload(registration, meeting["id"], HEADER), 400, "empty_csv")
    error_of(upload(registration, meeting["id"], HEADER + GOOD_ROWS,
                    content_type="application/vnd.ms-excel"), 400, "unsupported_media_type")
    error_of(registration.client.post(
        f"/meetings/{meeting['id']}/registrations.csv", data=(HEADER + GOOD_ROWS).encode(),
        headers={"Content-Type": "text/csv"}, as_="brs"), 403)
    assert registered(registration, meeting["id"]) == []


def test_spreadsheet_exports_with_a_bom_and_semicolons_are_read(registration, meeting):
    text = "\ufeff" + (HEADER + GOOD_ROWS).replace(",", ";").replace(
        '"Ministry of Health; Hanoi"', "Ministry of Health")
    created = upload(registration, meeting["id"], text)
    assert created.status_code == 201, created.text
    assert [r["email"] for r in created.json()["items"]] == [
        "an.nguyen@example.org", "lan.thi@example.org", "minh.tran@example.org"]


def test_the_operators_limits_refuse_a_bigger_file_whole(services):
    """DELEGATION_MAX_ROWS and DELEGATION_MAX_BYTES: a file over either is refused, and
    nothing of it is stored; a file within them is imported."""
    small = services.start("registration", DELEGATION_MAX_ROWS=2,
                           DELEGATION_MAX_BYTES=len((HEADER + GOOD_ROWS).encode()) + 100)
    meeting_id = schedule_meeting(small)["id"]
    rows = GOOD_ROWS.splitlines(keepends=True)
    error = error_of(upload(small, meeting_id, HEADER + "".join(rows)), 400, "too_many_rows")
    assert "at most 2" in error["message"]
    error_of(upload(small, meeting_id, HEADER + GOOD_ROWS + "#" * 200), 400, "file_too_large")
    # The file's size is refused before its meeting is looked for: 400 before 404.
    error_of(upload(small, "no-such-meeting", HEADER + GOOD_ROWS + "#" * 200), 400,
             "file_too_large")
    error_of(upload(small, "no-such-meeting", HEADER + GOOD_ROWS), 404)
    assert registered(small, meeting_id) == []
    assert upload(small, meeting_id, HEADER + "".join(rows[:2])).status_code == 201
    assert len(registered(small, meeting_id)) == 2


def numbered_rows(count, bad=None):
    """`count` participant rows (file rows 2 to count + 1), with `bad`: {row: line}."""
    lines = [f"Ana,Delegate {n},delegate.{n}@example.org,PER,party,Ministry\n"
             for n in range(2, count + 2)]
    for row, line in (bad or {}).items():
        lines[row - 2] = line
    return HEADER.replace(",visa_letter_requested", "") + "".join(lines)


def test_a_bad_row_beyond_the_first_batch_stores_nothing_and_emits_nothing(registration,
                                                                          events, meeting):
    """Rows go in by the thousand inside one transaction: a bad row after some went in
    still leaves nothing stored and no event, and every bad row is named."""
    refused = numbered_rows(2600, bad={
        2400: "Ana,Again,delegate.3@example.org,PER,party,Ministry\n",
        2500: "Bad,Email,not-an-email,PER,party,Ministry\n"})
    error = error_of(upload(registration, meeting["id"], refused), 400, "invalid_rows")
    assert list(error["fields"]) == ["row 2400", "row 2500"]
    assert error["fields"]["row 2400"]["email"] == ["Same email as row 3."]
    assert registered(registration, meeting["id"]) == []

    created = upload(registration, meeting["id"], numbered_rows(2600))
    assert created.status_code == 201, created.text[:500]
    answer = created.json()
    assert answer["count"] == 2600
    assert [item["email"] for item in answer["items"]] == [
        f"delegate.{n}@example.org" for n in range(2, 2602)]  # every one, in file order
    assert [item["reference"] for item in answer["items"][:2]] == [
        "COP-2/REG/0001", "COP-2/REG/0002"]
    events.wait_for("registration_submitted", count=2600)
    assert events.types().count("registration_submitted") == 2600  # none for the refusal
