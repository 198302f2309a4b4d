"""Money as the contract writes it: `{"amount": "1234.50", "currency": "USD"}`, a
`Decimal` amount in one ISO 4217 currency, never a float, never added across currencies.

Currencies and their minor units come from `data/currencies.csv` (see
currencies.SOURCE.md), kept as data so finance can follow ISO 4217 without a release.
"""
import csv
import re
from dataclasses import dataclass
from decimal import Decimal
from functools import lru_cache
from importlib import resources

from marshmallow import Schema, ValidationError, fields, post_load, validates_schema

from coord.errors import Invalid

# Digits, an optional fraction; a sign is allowed only so a negative amount gets its own
# message. Fifteen integer digits is far beyond any meeting's budget.
AMOUNT_PATTERN = re.compile(r"^-?\d{1,15}(\.\d+)?$")


@dataclass(frozen=True)
class Money:
    amount: Decimal
    currency: str

    def as_json(self):
        return {"amount": str(self.amount), "currency": self.currency}


@lru_cache(maxsize=1)
def minor_units():
    """ISO 4217 code -> number of decimal places, for every active currency."""
    text = resources.files(__package__).joinpath("data/currencies.csv").read_text("utf-8")
    return {row["code"]: int(row["minor_units"]) for row in csv.DictReader(text.splitlines())}


def unit(currency):
    """The smallest amount in `currency`, e.g. Decimal('0.01') for USD, Decimal('1') for JPY."""
    return Decimal(1).scaleb(-minor_units()[currency])


def amount_errors(amount):
    """Why a decimal string (or a Decimal) is not an amount, or None. The currency is
    checked apart."""
    if isinstance(amount, Decimal):
        amount = str(amount)
    if not isinstance(amount, str):
        return "Give the amount as a decimal string, e.g. \"1234.50\"."
    if not AMOUNT_PATTERN.match(amount):
        return "Not a decimal amount; use digits and an optional '.', e.g. \"1234.50\"."
    if Decimal(amount) <= 0:
        return "Must be greater than 0."
    return None


def money_errors(amount_text, currency):
    """Field -> messages for a `{"amount", "currency"}` pair; empty when it is valid money."""
    errors = {}
    problem = amount_errors(amount_text)
    if problem:
        errors["amount"] = [problem]
    if currency not in minor_units():
        errors["currency"] = ["Not an active ISO 4217 currency code, e.g. USD."]
    elif not errors:
        places = minor_units()[currency]
        if Decimal(amount_text) != Decimal(amount_text).quantize(unit(currency)):
            errors["amount"] = [f"{currency} has {places} decimal place(s) at most."]
    return errors


def money(amount_text, currency):
    """Validated Money, its amount written to the currency's minor units; 400 otherwise."""
    errors = money_errors(amount_text, currency)
    if errors:
        raise Invalid(f"{amount_text!r} {currency!r} is not a valid amount of money.",
                      code="invalid_money", fields=errors)
    return Money(Decimal(amount_text).quantize(unit(currency)), currency)


def money_from_event(value, field):
    """Money reported in another service's event (`{"amount", "currency"}`)."""
    if not isinstance(value, dict):
        raise Invalid(f"The event's {field} is not a money object.", fields={field: ["Missing."]})
    return money(value.get("amount"), value.get("currency"))


def total(amounts, currency):
    """The exact sum of amounts in one currency, written to its minor units."""
    return sum(amounts, Decimal(0)).quantize(unit(currency))


class DecimalString(fields.Field):
    """An amount sent as a decimal string and loaded as a Decimal: a JSON number could
    already carry binary rounding."""

    default_error_messages = {
        "not_decimal_string": "Give the amount as a decimal string, e.g. \"1234.50\"."}

    def _deserialize(self, value, attr, data, **kwargs):
        if not isinstance(value, str) or not AMOUNT_PATTERN.match(value):
            raise self.make_error("not_decimal_string")
        return Decimal(value)

    def _serialize(self, value, attr, obj, **kwargs):
        return None if value is None else str(value)


class MoneySchema(Schema):
    """`{"amount": "1234.50", "currency": "USD"}`: a positive decimal string with at most
    the currency's minor units, in an active ISO 4217 currency. Loads to
    `{"amount": Decimal, "currency": str}`, the amount written to the currency's minor
    units ("100.5" USD becomes 100.50)."""

    amount = DecimalString(required=True, metadata={"type": "string", "example": "1234.50"})
    currency = fields.String(required=True, metadata={"example": "USD"})

    @validates_schema
    def _is_money(self, data, **kwargs):
        if "amount" in data and "currency" in data:
            errors = money_errors(data["amount"], data["currency"])
            if errors:
                raise ValidationError(errors)

    @post_load
    def normalised(self, data, **kwargs):
        """Subclasses may override this to load another shape (e.g. `Money`)."""
        loaded = money(data["amount"], data["currency"])
        return {"amount": loaded.amount, "currency": loaded.currency}
