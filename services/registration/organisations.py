"""Organisations as data, and their tokens: registration's use cases for them.

`mc` makes a Party's focal point (`party-<ISO3>`), an observer organisation or a new
partner, and issues it tokens. A token is shown once; this service keeps its digest in
the `organisation_tokens` table (coord.auth), in the transaction that issues it, so it
works here at once, and publishes `organisation_token_issued` so that every other service
keeps it too (`coord.auth.hear`). Revoking works the same way.

The organisations then nominate their own people (`check_may_act_for`), which `mc`
still confirms.
"""
from sqlalchemy import select

from coord import auth
from coord.envelope import Event
from coord.errors import Conflict, Forbidden, NotFound
from coord.db import utcnow
from coord.http import decode_cursor, page
from coord.vocabulary import OBSERVER, ORGANISATIONS, ORGANISER
from services.registration import domain
from services.registration.countries import country
from services.registration.models import TOKENS, AdmittedObserver, Meeting, Organisation


def create_organisation(uow, caller, data):
    if data.get("country"):
        country(data["country"])
    domain.check_organisation(data["code"], data["kind"], data.get("country"), ORGANISATIONS)
    if uow.session.get(Organisation, data["code"]) is not None:
        raise _duplicate(data["code"])
    organisation = Organisation(country=data.get("country"), created_by=caller,
                                created_at=utcnow(), **{
                                    name: data[name] for name in ("code", "kind", "name")})
    uow.session.add(organisation)  # a concurrent twin loses at commit: 409 (coord.db)
    return organisation


def _duplicate(code):
    return Conflict(f"An organisation {code} already exists.", code="duplicate",
                    fields={"code": ["Already used."]})


def list_organisations(uow, query):
    """Organisations by code, from the query's cursor on."""
    statement = select(Organisation)
    after = decode_cursor(query["cursor"], expected=str)
    if after:
        statement = statement.where(Organisation.code > after)
    rows = uow.session.scalars(
        statement.order_by(Organisation.code).limit(query["limit"] + 1)).all()
    return page(rows, query["limit"], lambda row: row.code)


def get_organisation(uow, code):
    organisation = uow.session.get(Organisation, code)
    if organisation is None:
        raise NotFound(f"No organisation {code}.")
    return organisation


def issue_token(uow, caller, code):
    """A new token for the organisation: the plain token is in this answer only."""
    organisation = get_organisation(uow, code)
    row, token = auth.issue_token(uow.session, organisation.code, organisation.kind)
    uow.emit(_token_event(auth.TOKEN_ISSUED, row, caller))
    return {"id": row["id"], "token": token, "created_at": row["created_at"]}


def list_tokens(uow, code, query):
    """The organisation's tokens by id: when made, last used here, revoked; never the token
    nor its digest."""
    get_organisation(uow, code)
    statement = select(TOKENS).where(TOKENS.c.organisation == code)
    after = decode_cursor(query["cursor"], expected=str)
    if after:
        statement = statement.where(TOKENS.c.id > after)
    rows = uow.session.execute(
        statement.order_by(TOKENS.c.id).limit(query["limit"] + 1)).mappings().all()
    return page(rows, query["limit"], lambda row: row["id"])


def revoke_token(uow, caller, code, token_id):
    """Revoke a token: refused here at once, elsewhere as soon as each service hears.
    Revoking it again changes nothing and says nothing."""
    get_organisation(uow, code)
    revoked = auth.revoke_token(uow.session, token_id, code)
    if revoked is None:
        raise NotFound(f"{code} has no token {token_id}.")
    row, newly = revoked
    if newly:
        uow.emit(_token_event(auth.TOKEN_REVOKED, row, caller))
    return row


def _token_event(event_type, row, caller):
    return Event(event_type, "organisation", row["organisation"], actor=caller, owner=None,
                 meeting_id=None, data=auth.token_event_data(row))


# Acting for its own people

def check_may_act_for(uow, caller, meeting, *, country, category, organisation_name):
    """403 unless `caller` may nominate (withdraw, present credentials for) this person at
    this meeting: `mc` always; a Party's focal point for its own delegation; an observer
    organisation for its own representatives, once admitted as observer (at this meeting
    or an earlier one: admission carries over)."""
    if caller == ORGANISER:
        return
    organisation = uow.session.get(Organisation, caller)
    if organisation is None:
        raise Forbidden(f"{caller} does not nominate participants.")
    domain.check_nominee(organisation, country=country, category=category,
                         organisation_name=organisation_name)
    if organisation.kind == OBSERVER and not _admitted(uow, organisation, meeting):
        raise Forbidden(f"{organisation.name} is not admitted as an observer to "
                        f"{meeting.code}.")


def check_may_act_for_country(uow, caller, country):
    """403 unless `caller` is mc or the focal point of `country`."""
    if caller == ORGANISER:
        return
    organisation = uow.session.get(Organisation, caller)
    if organisation is None:
        raise Forbidden(f"{caller} does not act for a country.")
    domain.check_acts_for_country(organisation, country)


def _admitted(uow, organisation, meeting):
    return uow.session.scalar(
        select(AdmittedObserver.organisation_key)
        .join(Meeting, AdmittedObserver.meeting_id == Meeting.id)
        .where(AdmittedObserver.organisation_key == domain.organisation_key(organisation.name),
               Meeting.starts_on <= meeting.starts_on)) is not None
