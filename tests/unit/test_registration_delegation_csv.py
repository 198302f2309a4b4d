"""Reading a delegation's CSV file: what is refused whole, and how rows are numbered."""
import io

import pytest

from coord.errors import Invalid
from services.registration import delegation_csv
from services.registration.delegation_csv import Limits

HEADER = "given_name,family_name,email,country,category,organisation\n"
ROW = "Ana,Pérez,ana@example.org,PER,party,Ministry\n"


def read_rows(raw, limits=Limits()):
    """The whole file's rows and errors, as the import sees them one by one."""
    rows, errors = [], {}
    for number, cells, problem in delegation_csv.read_rows(
            limits.body_chunks(io.BytesIO(raw)), limits):
        if problem:
            errors[delegation_csv.row_label(number)] = problem
        else:
            rows.append((number, cells))
    return rows, errors


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
        list(limits.body_chunks(body))
    assert refused.value.code == "file_too_large"
    assert body.tell() == limits.max_bytes + 1  # the rest was never read
    whole = Limits(max_bytes=len(body.getvalue()))
    assert b"".join(whole.body_chunks(io.BytesIO(body.getvalue()))) == body.getvalue()
    with pytest.raises(Invalid) as declared:  # a declared length over the limit: at once
        limits.body_chunks(body, declared_length=limits.max_bytes + 1)
    assert declared.value.code == "file_too_large"


def test_a_file_arriving_in_pieces_reads_as_the_same_file():
    """Chunks end anywhere: inside a character, a line, a quoted cell's line break."""
    raw = (HEADER + 'Nguyễn,"Văn\nAn",an@example.org,VNM,party,"Ministry, Hanoi"\n'
           + ROW).encode()
    whole = list(delegation_csv.read_rows(iter([raw])))
    byte_by_byte = list(delegation_csv.read_rows(raw[i:i + 1] for i in range(len(raw))))
    assert byte_by_byte == whole
    assert whole[0] == (2, {"given_name": "Nguyễn", "family_name": "Văn\nAn",
                            "email": "an@example.org", "country": "VNM",
                            "category": "party", "organisation": "Ministry, Hanoi"}, None)
    assert [number for number, _, _ in whole] == [2, 3]  # a record is a row
