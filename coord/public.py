"""The public face: what every endpoint readable without a token has in common.

Public answers go to websites, caches and feed readers, so each one is cacheable the
same way: a strong `ETag` computed from the exact bytes sent (a cache may keep the copy
it has while the ETag matches: `If-None-Match` gets a bodiless 304), and
`Cache-Control: public, max-age=...` so caches between the service and the reader may
share one copy. Public text is offered in the languages the Convention's website uses.
"""
from marshmallow import fields, validate

PUBLIC_LANGUAGES = ("en", "fr", "es")
DEFAULT_LANGUAGE = "en"

# Long enough to spare the service a request per page view on a busy website, short enough
# that a newly published document shows within minutes even where caches do not revalidate.
MAX_AGE_SECONDS = 300


def public_response(request, response, max_age=MAX_AGE_SECONDS):
    """`response` made public and conditional: its ETag (kept if set, else the hash of
    its body), Cache-Control, and a 304 without a body when the reader's `If-None-Match`
    names the same ETag; readable by any website's script (CORS), as it needs no token.
    Only successful answers go through here: errors keep no validator."""
    response.headers["Access-Control-Allow-Origin"] = "*"
    response.cache_control.public = True
    response.cache_control.max_age = max_age
    response.add_etag()  # keeps an ETag already set (a file's SHA-256)
    return response.make_conditional(request)


def language_field(**kwargs):
    """A `?lang=` query parameter: one of the public languages."""
    return fields.String(validate=validate.OneOf(PUBLIC_LANGUAGES), metadata={
        "description": "en, fr or es; without it, the best match for Accept-Language."},
        **kwargs)


def reader_language(request, requested=None):
    """The language to answer in: the one asked for by `?lang=`, else the best of
    `Accept-Language` among the public languages, else English."""
    return requested or request.accept_languages.best_match(
        PUBLIC_LANGUAGES, default=DEFAULT_LANGUAGE)


def translations(record):
    """A record's translated fields, `{"fr": {"title": ..., "city": ...}, ...}`, for the
    public languages other than English; empty where the record keeps none (a record
    without a `translations` attribute, or with it unset)."""
    stored = getattr(record, "translations", None) or {}
    return {language: dict(stored[language]) for language in PUBLIC_LANGUAGES
            if language != DEFAULT_LANGUAGE and isinstance(stored.get(language), dict)}


def translated(record, field, language):
    """`record.<field>` in `language` where a translation exists, else as entered."""
    return translations(record).get(language, {}).get(field) or getattr(record, field)
