"""The ledger as partners read it: a JSON document, and a CSV sheet for finance.

Amounts are written to each currency's minor units, one currency per entry or row.
"""
import csv
import io
import re

from coord.money import unit

MONEY_COLUMNS = ("tickets", "dsa", "invoiced", "owed", "settled", "outstanding",
                 "refunds_pending", "refunded")
CSV_COLUMNS = ("meeting_code", "provider", "basis", "currency") + MONEY_COLUMNS


def ledger_document(meeting, lines):
    """The `GET /ledger` body (LedgerSchema) for a meeting's ledger lines."""
    return {
        "meeting_id": meeting.id,
        "meeting_code": meeting.code,
        "lines": [{
            "provider": line.provider, "basis": line.basis,
            "requests": line.requests, "items": line.items, "travel": line.travel,
            "amounts": [_currency_entry(currency, line.amounts[currency])
                        for currency in sorted(line.amounts)],
        } for line in lines],
    }


def _currency_entry(currency, totals):
    return {"currency": currency, **{
        column: str(getattr(totals, column).quantize(unit(currency)))
        for column in MONEY_COLUMNS}}


def ledger_csv(document):
    """One row per meeting, provider, basis and currency: the money, nothing summed across
    currencies. Lines without money (counts only) are in the JSON ledger."""
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=CSV_COLUMNS, lineterminator="\r\n")
    writer.writeheader()
    for line in document["lines"]:
        for entry in line["amounts"]:
            writer.writerow({"meeting_code": document["meeting_code"],
                             "provider": line["provider"], "basis": line["basis"], **entry})
    return buffer.getvalue()


def csv_filename(document):
    return "ledger-" + re.sub(r"[^A-Za-z0-9.-]", "_", document["meeting_code"]) + ".csv"
