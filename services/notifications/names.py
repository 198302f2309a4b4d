"""Plain-language names for the codes events carry, so a summary reads like a sentence.

Country and language names come from the CLDR data that babel ships (ISO 3166-1 alpha-3
codes are CLDR territory aliases), so no country list is kept here. Every function
accepts anything an event might hold and falls back to showing the value as it came.
"""
from decimal import Decimal, InvalidOperation
from functools import lru_cache

from babel import Locale
from babel.core import get_global
from babel.numbers import format_decimal

ORGANISATION_NAMES = {
    "mc": "the secretariat",
    "chb": "CHB",
    "brs": "BRS",
    "unon-dcs": "UNON-DCS",
    "law": "the Law Division",
    "europe": "the UNEP Office for Europe",
    "unog-security": "UNOG Security",
    "rc-pretoria": "the Pretoria regional centre",
    "rc-brno": "the Brno regional centre",
    "rc-montevideo": "the Montevideo regional centre",
    "rc-jakarta": "the Jakarta regional centre",
}

REGION_NAMES = {
    "africa": "Africa", "asia-pacific": "Asia-Pacific", "eastern-europe": "Eastern Europe",
    "grulac": "Latin America and the Caribbean", "weog": "Western Europe and Others",
}

SUPPORT_CATEGORIES = {
    "travel": "travel booking", "dsa_payment": "DSA payment",
    "onsite_registration": "on-site registration", "it_equipment": "IT equipment",
    "technical": "technical support", "communications": "communications support",
    "document_processing": "document processing", "logistics": "logistics",
}

BASES = {
    "reciprocity": "on reciprocity", "reimbursement": "against reimbursement",
    "own": "as its own work",
}

ENGLISH = Locale("en")


def text(value, default=""):
    """A string or number as display text; anything else (None, lists, objects, booleans,
    blanks) gives `default`."""
    if isinstance(value, bool) or not isinstance(value, (str, int, float)):
        return default
    return str(value).strip() or default


def organisation(code, default="someone"):
    """'BRS', 'the secretariat'...; an unknown code or free text is shown as it came."""
    return named(ORGANISATION_NAMES, code, default)


@lru_cache(maxsize=None)
def _territory_for_alpha3(code):
    aliases = get_global("territory_aliases").get(code) or ()
    return next((alpha2 for alpha2 in aliases if alpha2 in ENGLISH.territories), None)


def country(code):
    """'Peru' for 'PER'; the code itself when CLDR does not know it."""
    if not isinstance(code, str) or not code:
        return None
    alpha2 = _territory_for_alpha3(code.upper()) if len(code) == 3 else code.upper()
    return ENGLISH.territories.get(alpha2, code)


def named(names, code, default=""):
    """The name of `code` in `names`, else the code as it came (or `default`)."""
    if isinstance(code, str) and code in names:
        return names[code]
    return text(code, default)


def language(code):
    return named(ENGLISH.languages, code)


def listing(words):
    """'a', 'a and b', 'a, b and c'."""
    words = [word for word in words if word]
    if len(words) <= 1:
        return "".join(words)
    return f"{', '.join(words[:-1])} and {words[-1]}"


def languages(codes):
    return listing(language(code) for code in codes) if isinstance(codes, list) else ""


def money(value):
    """'USD 1,234.50' from {"amount": "1234.50", "currency": "USD"}; raw text otherwise."""
    if not isinstance(value, dict):
        return text(value)
    currency = text(value.get("currency"))
    try:
        amount = format_decimal(Decimal(str(value.get("amount"))), format="#,##0.00",
                                locale="en")
    except (InvalidOperation, ValueError, TypeError):
        amount = text(value.get("amount"), "an amount")
    return f"{currency} {amount}".strip()
