"""The contract's shared vocabulary (CONTRACT.md "Everywhere"; DOMAIN.md owners table).

These are the words every partner's integration depends on, so they live in one place;
rules about them belong to each service's own domain module.
"""

ORGANISER = "mc"

ORGANISATIONS = (
    "mc", "chb", "brs", "unon-dcs", "law", "europe", "unog-security",
    "rc-pretoria", "rc-brno", "rc-montevideo", "rc-jakarta",
)

REGIONS = ("africa", "asia-pacific", "eastern-europe", "grulac", "weog")

LANGUAGES = ("ar", "zh", "en", "fr", "ru", "es")
