"""The contract's shared vocabulary (CONTRACT.md "Everywhere"; DOMAIN.md owners table).

These are the words every partner's integration depends on, so they live in one place;
rules about them belong to each service's own domain module.
"""

ORGANISER = "mc"

ORGANISATIONS = (
    "mc", "chb", "brs", "unon-dcs", "law", "europe", "unog-security",
    "rc-pretoria", "rc-brno", "rc-montevideo", "rc-jakarta",
)

# Codes of the organisations made since as data (registration's POST /organisations),
# as events carry them: lower-case words joined by hyphens (`ozone-secretariat`), or a
# Party's focal point, `party-<ISO3>` with the country upper-case as everywhere.
ORGANISATION_CODE = r"^(?:(?!party-)[a-z][a-z0-9]*(?:-[a-z0-9]+)*|party-[A-Z]{3})$"
ORGANISATION_CODE_LENGTH = 60

# Kinds of organisation: a Party's focal point, an observer organisation, a partner (every
# organisation of the tokens file is one).
PARTY, OBSERVER, PARTNER = "party", "observer", "partner"
ORGANISATION_KINDS = (PARTY, OBSERVER, PARTNER)

REGIONS = ("africa", "asia-pacific", "eastern-europe", "grulac", "weog")

LANGUAGES = ("ar", "zh", "en", "fr", "ru", "es")
