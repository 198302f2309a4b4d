"""A delegation's nominations as a CSV file: decoding, header and row shape.

Rows are numbered as a spreadsheet shows them: the header is row 1, the first participant
row 2. Every problem is reported against its row so the sender can fix the file and send
it again; the caller imports nothing unless every row is good.

The file is read as it arrives, a chunk at a time, and handed on row by row: a file of
100,000 rows is never held whole, as bytes, text or rows.
"""
import codecs
import csv
import itertools
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

    def body_chunks(self, stream, declared_length=None):
        """The request body in chunks as it arrives. Refused (`file_too_large`) unread when
        its declared length is over the limit: here, at the call, before the meeting is
        looked for (the contract's order puts a body's size before the subject's 404);
        else at one byte over the limit (the rest is not read)."""
        if declared_length is not None and declared_length > self.max_bytes:
            raise self._too_large()
        return self._chunks(stream)

    def _chunks(self, stream):
        received = 0
        while chunk := stream.read(min(CHUNK_BYTES, self.max_bytes + 1 - received)):
            received += len(chunk)
            if received > self.max_bytes:
                raise self._too_large()
            yield chunk

    def _too_large(self):
        return Invalid(f"The file is over the limit of {self.max_bytes} bytes; split the "
                       "delegation into several files.", code="file_too_large")


CHUNK_BYTES = 64 * 1024


def row_label(number):
    return f"row {number}"


def read_rows(chunks, limits=Limits()):
    """The file's participant rows, one at a time, as (row number, {column: cell}, None),
    or (row number, None, {"_row": [problem]}) for a row of the wrong shape.

    Empty cells are left out, so a missing required value reads "Missing data" and an
    empty yes/no column takes its default. Blank lines are skipped. A file that is not
    UTF-8, not CSV, has a wrong header, no rows or too many is refused whole (400), when
    the reader reaches the problem.
    """
    lines = _lines(chunks)
    first = next(lines, None)
    if first is None:
        raise Invalid("The file is empty.", code="empty_csv")
    reader = csv.reader(itertools.chain([first], lines), delimiter=_delimiter(first),
                        strict=True)
    try:
        header = _header(next(reader))
        count = 0
        for number, cells in enumerate(reader, start=2):
            if not any(cell.strip() for cell in cells):
                continue
            if count == limits.max_rows:
                raise Invalid(f"Send at most {limits.max_rows} participants per file.",
                              code="too_many_rows")
            count += 1
            if len(cells) != len(header):
                yield number, None, {"_row": [
                    f"Has {len(cells)} cells; the header has {len(header)}."]}
                continue
            yield number, {name: cell.strip()
                           for name, cell in zip(header, cells) if cell.strip()}, None
    except csv.Error as exc:
        raise Invalid(f"The file is not valid CSV: {exc}.", code="malformed_csv") from exc
    if not count:
        raise Invalid("The file has no participant rows below its header.",
                      code="empty_csv")


def _lines(chunks):
    """The text of the file, line by line, each with its "\n" (as a file opened with
    newline="" gives them to the CSV reader, so quoted cells may hold line breaks)."""
    decoder = codecs.getincrementaldecoder("utf-8-sig")()  # spreadsheets often start with a BOM
    received, partial = 0, ""
    for chunk in itertools.chain(chunks, [b""]):  # b"": the end, to flush the decoder
        pending = len(decoder.getstate()[0])
        try:
            text = partial + decoder.decode(chunk, final=not chunk)
        except UnicodeDecodeError as exc:
            raise Invalid(f"The file is not UTF-8 (byte {received - pending + exc.start} "
                          "cannot be read); save it as 'CSV UTF-8' and send it again.",
                          code="bad_encoding") from exc
        received += len(chunk)
        *complete, partial = text.split("\n")
        yield from (line + "\n" for line in complete)
    if partial:
        yield partial


def _delimiter(first_line):
    """Commas, or semicolons as spreadsheets write CSV in French or Spanish settings."""
    return ";" if first_line.count(";") > first_line.count(",") else ","


def _header(cells):
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
