"""ISO 4217 currencies, read from `data/currencies.csv` (sources in currencies.SOURCE.md).

Kept as data, not code, so a new currency needs no release. Each currency says how many
decimal places an amount in it may have, so "12.505 USD" is refused rather than rounded.
"""
import csv
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources


@dataclass(frozen=True)
class Currency:
    code: str
    name: str
    minor_units: int | None  # None: not money anyone pays in (gold, test codes)


@lru_cache(maxsize=1)
def all_currencies():
    text = resources.files(__package__).joinpath("data/currencies.csv").read_text("utf-8")
    return {
        row["code"]: Currency(
            code=row["code"], name=row["name"],
            minor_units=int(row["minor_units"]) if row["minor_units"] else None)
        for row in csv.DictReader(text.splitlines())
    }


def problem_with(amount, code):
    """Why `amount` in `code` is not an amount one can pay, as {field: [message]}; {} if fine."""
    found = all_currencies().get(code)
    if found is None or found.minor_units is None:
        return {"currency": [f"{code!r} is not an ISO 4217 currency one can pay in."]}
    if -amount.as_tuple().exponent > found.minor_units:
        return {"amount": [f"{found.name} ({code}) amounts have at most "
                           f"{found.minor_units} decimal places."]}
    return {}
