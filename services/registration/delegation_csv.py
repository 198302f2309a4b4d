"""A delegation's nominations as a CSV file: decoding, header and row shape.

Rows are numbered as a spreadsheet shows them: the header is row 1, the first participant
row 2. Every problem is reported against its row so the sender can fix the file and send
it again; the caller imports nothing unless every row is good.
"""
import csv
import io
from dataclasses import dataclass

from coord.errors import Invalid
from services.registration.schemas import RegistrationCreateSchema

COLUMNS = tuple(RegistrationCreateSchema().fields)
REQUIRED_COLUMNS = tuple(name for name, field in RegistrationCreateSchema().fields.items()
                         if field.required)
OPTIONAL_COLUMNS = tuple(name for name in COLUMNS if name not in REQUIRED_COLUMNS)


@dataclass(frozen=True)
class Limits:
    """How big a file the operator accepts (DELEGATION_MAX_ROWS, DELEGATION_MAX_BYTES,
    checked at start by coord.settings). A file over either is refused whole, without
    reading it further."""

    max_rows: int = 100_000
    max_bytes: int = 32 * 2 ** 20

    @classmethod
    def from_config(cls, config):
        return cls(max_rows=int(config.get("DELEGATION_MAX_ROWS", cls.max_rows)),
                   max_bytes=int(config.get("DELEGATION_MAX_BYTES", cls.max_bytes)))

    def read_body(self, stream):
        """The request body, refused at one byte over the limit (the rest is not read)."""
        raw = stream.read(self.max_bytes + 1)
        if len(raw) > self.max_bytes:
            raise Invalid(f"The file is over the limit of {self.max_bytes} bytes; split the "
                          "delegation into several files.", code="file_too_large")
        return raw


def row_label(number):
    return f"row {number}"


def read_rows(raw, limits=Limits()):
    """The file's participant rows as ([(row number, {column: cell})], {row label: errors}).

    Empty cells are left out, so a missing required value reads "Missing data" and an
    empty yes/no column takes its default. Blank lines are skipped. A file that is not
    UTF-8, not CSV, has a wrong header or no rows is refused whole (400).
    """
    reader = csv.reader(io.StringIO(_decode(raw)), delimiter=_delimiter(raw), strict=True)
    try:
        header = _header(next(reader, None))
        rows, errors = [], {}
        for number, cells in enumerate(reader, start=2):
            if not any(cell.strip() for cell in cells):
                continue
            if len(rows) + len(errors) == limits.max_rows:
                raise Invalid(f"Send at most {limits.max_rows} participants per file.",
                              code="too_many_rows")
            if len(cells) != len(header):
                errors[row_label(number)] = {"_row": [
                    f"Has {len(cells)} cells; the header has {len(header)}."]}
                continue
            rows.append((number, {name: cell.strip()
                                  for name, cell in zip(header, cells) if cell.strip()}))
    except csv.Error as exc:
        raise Invalid(f"The file is not valid CSV: {exc}.", code="malformed_csv") from exc
    if not rows and not errors:
        raise Invalid("The file has no participant rows below its header.",
                      code="empty_csv")
    return rows, errors


def _decode(raw):
    try:
        return raw.decode("utf-8-sig")  # spreadsheet programs often start with a BOM
    except UnicodeDecodeError as exc:
        raise Invalid(f"The file is not UTF-8 (byte {exc.start} cannot be read); save it as "
                      "'CSV UTF-8' and send it again.", code="bad_encoding") from exc


def _delimiter(raw):
    """Commas, or semicolons as spreadsheets write CSV in French or Spanish settings."""
    first_line = raw.split(b"\n", 1)[0]
    return ";" if first_line.count(b";") > first_line.count(b",") else ","


def _header(cells):
    if cells is None:
        raise Invalid("The file is empty.", code="empty_csv")
    header = [cell.strip().lower() for cell in cells]
    problems = []
    missing = [name for name in REQUIRED_COLUMNS if name not in header]
    if missing:
        problems.append(f"Missing columns: {', '.join(missing)}.")
    unknown = [name for name in header if name not in COLUMNS]
    if unknown:
        problems.append(f"Unknown columns: {', '.join(unknown)}.")
    repeated = sorted({name for name in header if header.count(name) > 1})
    if repeated:
        problems.append(f"Repeated columns: {', '.join(repeated)}.")
    if problems:
        raise Invalid(f"The header (row 1) must name the columns {', '.join(COLUMNS)} "
                      f"({', '.join(OPTIONAL_COLUMNS)} may be left out).", code="bad_header",
                      fields={row_label(1): problems})
    return header
