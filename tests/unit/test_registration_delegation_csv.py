"""Reading a delegation's CSV file: what is refused whole, and how rows are numbered."""
import io

import pytest

from coord.errors import Invalid
from services.registration.delegation_csv import Limits, read_rows

HEADER = "given_name,family_name,email,country,category,organisation\n"
ROW = "Ana,Pérez,ana@example.org,PER,party,Ministry\n"


def refusal(raw, limits=Limits()):
    with pytest.raises(Invalid) as refused:
        read_rows(raw, limits)
    return refused.value


def test_rows_are_numbered_as_a_spreadsheet_shows_them():
    rows, errors = read_rows((HEADER + ROW + "\n" + ROW.replace("ana@", "eva@")).encode())
    assert [number for number, _ in rows] == [2, 4]  # the blank row 3 is skipped
    assert rows[0][1] == {"given_name": "Ana", "family_name": "Pérez",
                          "email": "ana@example.org", "country": "PER",
                          "category": "party", "organisation": "Ministry"}
    assert errors == {}


def test_empty_cells_are_left_out_so_defaults_and_required_messages_apply():
    rows, _ = read_rows((HEADER.strip() + ",funding_requested\n"
                         "Ana, ,ana@example.org,PER,party,Ministry,\n").encode())
    assert "family_name" not in rows[0][1] and "funding_requested" not in rows[0][1]


def test_a_row_with_the_wrong_number_of_cells_is_reported_against_its_row():
    rows, errors = read_rows((HEADER + ROW + "Eva,Short\n").encode())
    assert len(rows) == 1
    assert errors == {"row 3": {"_row": ["Has 2 cells; the header has 6."]}}


def test_header_names_are_read_in_any_case_and_order():
    rows, _ = read_rows(b"EMAIL,Given_Name,family_name,country,category,organisation\n"
                        b"ana@example.org,Ana,P,PER,party,M\n")
    assert rows[0][1]["email"] == "ana@example.org"


@pytest.mark.parametrize("header, problem", [
    ("given_name,family_name,email,country,category\n", "Missing columns: organisation."),
    (HEADER.strip() + ",passport\n", "Unknown columns: passport."),
    (HEADER.strip() + ",email\n", "Repeated columns: email."),
])
def test_a_wrong_header_is_refused_whole(header, problem):
    error = refusal((header + ROW).encode())
    assert error.code == "bad_header"
    assert error.fields == {"row 1": [problem]}


def test_a_file_not_in_utf8_is_refused_whole():
    error = refusal((HEADER + ROW).encode("cp1252"))
    assert error.code == "bad_encoding" and "CSV UTF-8" in error.message


def test_a_bom_and_semicolons_from_spreadsheets_are_understood():
    rows, _ = read_rows(("\ufeff" + HEADER + ROW).replace(",", ";").encode())
    assert rows[0][1]["given_name"] == "Ana"


@pytest.mark.parametrize("raw, code", [
    (b"", "empty_csv"), (HEADER.encode(), "empty_csv"),
    ((HEADER + 'Ana,"unclosed\n').encode(), "malformed_csv"),
])
def test_files_without_usable_rows_are_refused(raw, code):
    assert refusal(raw).code == code


def test_the_operators_row_limit_is_a_file_at_most_that_long():
    limits = Limits(max_rows=2)
    rows, _ = read_rows((HEADER + ROW * 2).encode(), limits)
    assert len(rows) == 2
    assert refusal((HEADER + ROW * 3).encode(), limits).code == "too_many_rows"


def test_a_body_over_the_operators_byte_limit_is_refused_unread():
    body = io.BytesIO((HEADER + ROW * 100).encode())
    limits = Limits(max_bytes=len(HEADER) + len(ROW.encode()))
    with pytest.raises(Invalid) as refused:
        limits.read_body(body)
    assert refused.value.code == "file_too_large"
    assert body.tell() == limits.max_bytes + 1  # the rest was never read
    assert Limits(max_bytes=len(body.getvalue())).read_body(io.BytesIO(body.getvalue()))
