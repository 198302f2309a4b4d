"""One plain sentence per event, for staff who do not know the system. Plain Python."""

ORGANISATION_NAMES = {
    "mc": "The Minamata secretariat", "chb": "CHB", "brs": "BRS", "unon-dcs": "UNON-DCS",
    "law": "the Law Division", "europe": "the Office for Europe",
    "unog-security": "UNOG Security",
}


def organisation(code):
    return ORGANISATION_NAMES.get(code, (code or "someone").upper())


def _person(data):
    name = " ".join(p for p in (data.get("given_name"), data.get("family_name")) if p)
    country = data.get("country")
    return f"{name} ({country})" if name and country else name or "a participant"


def _meeting(data):
    return data.get("meeting_code") or data.get("code") or "the meeting"


def _next(envelope):
    owner = envelope.get("owner")
    return f" Now waiting on {organisation(owner)}." if owner else ""


SENTENCES = {
    "meeting_scheduled": lambda e, d: (
        f"{organisation(e['actor'])} scheduled {d.get('code')} "
        f"({d.get('title')}) in {d.get('city')}, {d.get('starts_on')} to {d.get('ends_on')}."),
    "registration_submitted": lambda e, d: (
        f"{_person(d)} was nominated for {_meeting(d)}."),
    "registration_confirmed": lambda e, d: (
        f"{organisation(e['actor'])} confirmed {_person(d)} for {_meeting(d)}"
        f"{', with funding' if d.get('funded') else ''}."),
}


def summarise(envelope):
    """The sentence for an event; a generic one for types this version does not know."""
    data = envelope.get("data") or {}
    sentence = SENTENCES.get(envelope["type"])
    if sentence is None:
        subject = envelope.get("subject") or {}
        text = (f"{organisation(envelope.get('actor'))} recorded "
                f"{envelope['type'].replace('_', ' ')} on {subject.get('kind', 'an item')} "
                f"{subject.get('id', '')}".rstrip() + ".")
    else:
        text = sentence(envelope, data)
    return text + _next(envelope)
