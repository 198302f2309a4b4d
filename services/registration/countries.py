"""Country reference data, read from `data/countries.csv` (sources in countries.SOURCE.md).

Kept as data, not code, so the secretariat can update eligibility lists without a release.
"""
import csv
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

from coord.errors import Invalid


@dataclass(frozen=True)
class Country:
    alpha3: str
    name: str
    region: str
    funding_eligible: bool
    least_developed: bool
    small_island_developing: bool
    un_name: str  # as UN lists of participants print it: "Republic of Moldova"
    language: str = "en"  # the Secretariat writes to it in (data/languages.csv)

    @property
    def priority(self):
        """Least developed countries and small island developing States come first."""
        return self.least_developed or self.small_island_developing


def _rows(filename):
    text = resources.files(__package__).joinpath(f"data/{filename}").read_text("utf-8")
    return csv.DictReader(text.splitlines())


@lru_cache(maxsize=1)
def all_countries():
    un_names = {row["alpha3"]: row["un_name"] for row in _rows("un_names.csv")}
    languages = {row["alpha3"]: row["language"] for row in _rows("languages.csv")}
    return {
        row["alpha3"]: Country(
            alpha3=row["alpha3"], name=row["name"], region=row["region"],
            funding_eligible=row["funding_eligible"] == "true",
            least_developed=row["least_developed"] == "true",
            small_island_developing=row["small_island_developing"] == "true",
            un_name=un_names.get(row["alpha3"], row["name"]),
            language=languages.get(row["alpha3"], "en"),
        )
        for row in _rows("countries.csv")
    }


def country(alpha3, field="country"):
    """The country with this ISO 3166-1 alpha-3 code, or a 400 on `field`."""
    found = all_countries().get((alpha3 or "").upper())
    if found is None:
        raise Invalid(f"{alpha3!r} is not a known ISO 3166-1 alpha-3 country code.",
                      code="unknown_country", fields={field: ["Unknown country code."]})
    return found
