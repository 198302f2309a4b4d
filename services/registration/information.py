"""Information for the people who come: the organiser of an accepted side event gets
its practical information (room, slot, what to bring, contacts) as a letter, by mail;
participants get the meeting's information note for participants by mail once documents
publishes it (`document_published` of `<prefix>/INF/1`, domain.is_information_note), and
those confirmed later when they are confirmed."""
from datetime import datetime

from sqlalchemy import select

from coord.errors import Conflict, NotFound
from coord.mail import queue_mail
from services.registration import domain, usecases
from services.registration.countries import country
from services.registration.letters import MeetingFacts, SideEventFacts, translated
from services.registration.models import (
    MAIL_OUTBOX, InformationNote, Meeting, Registration, SideEvent,
)

SIDE_EVENT_MAIL = (
    "Your side event at {code}: room {room}, {day}",
    "Dear organisers,\n\nYour side event \"{title}\" is accepted: it will be held in {room} "
    "on {day}, from {starts_at} to {ends_at} UTC. The attached letter says what to "
    "bring and whom to contact.\n\nSecretariat of the Minamata Convention on Mercury\n")


def decide_side_event(uow, caller, side_event_id, decision, mail_enabled):
    """The decision (usecases.decide_side_event); an acceptance mails the organiser its
    practical information, the letter attached."""
    side_event = usecases.decide_side_event(uow, caller, side_event_id, decision)
    if side_event.status == domain.ACCEPTED and mail_enabled:
        facts = side_event_facts(uow.session, side_event.id)
        subject, body = SIDE_EVENT_MAIL
        words = {"code": facts.meeting.meeting_code, "room": facts.room, "title": facts.title,
                 "day": facts.starts_at.date().isoformat(),
                 "starts_at": facts.starts_at.strftime("%H:%M"),
                 "ends_at": facts.ends_at.strftime("%H:%M")}
        queue_mail(uow.session, MAIL_OUTBOX, to=side_event.contact_email,
                   subject=subject.format(**words), body=body.format(**words), language="en",
                   kind="side_event_information", about_id=side_event.id, attachments=[{
                       "letter": "side-event", "side_event_id": side_event.id,
                       "filename": f"{facts.reference.replace('/', '-')}-information.pdf"}])
    return side_event


def side_event_information(uow, caller, side_event_id):
    """The letter's facts for a reader of the side event (404 for others, as for none)."""
    return side_event_facts(uow.session,
                            usecases.read_side_event(uow, caller, side_event_id).id)


def side_event_facts(session, side_event_id):
    """What the practical information letter says; 409 unless the side event is accepted
    (or was held): only then does it have a room and a slot."""
    side_event = session.get(SideEvent, side_event_id)
    if side_event is None:
        raise NotFound(f"No side event with id {side_event_id}.")
    if side_event.status not in domain.HOLDING_ROOMS:
        raise Conflict(
            f"The side event is {side_event.status}; its practical information exists once "
            "it is accepted into a room and slot.", code="illegal_state")
    meeting = session.get(Meeting, side_event.meeting_id)
    return SideEventFacts(
        reference=f"{meeting.code}/SE/{side_event.id[:8]}", title=side_event.title,
        organiser=side_event.organiser, room=side_event.room,
        starts_at=side_event.starts_at, ends_at=side_event.ends_at,
        meeting=MeetingFacts.of(meeting, country(meeting.country).name))


NOTE_MAIL = {
    "en": ("Information for participants: {title} ({symbol})",
           "Dear participant,\n\nThe information note for participants in the {meeting} "
           "({code}) is published: {symbol}, \"{title}\".{link}\n\nSecretariat of the "
           "Minamata Convention on Mercury\n", "\n\nRead it at {url}"),
    "fr": ("Informations à l'intention des participants : {title} ({symbol})",
           "Madame, Monsieur,\n\nLa note d'information à l'intention des participants à la "
           "{meeting} ({code}) est publiée : {symbol}, « {title} ».{link}\n\nSecrétariat de "
           "la Convention de Minamata sur le mercure\n", "\n\nVous pouvez la lire à {url}"),
    "es": ("Información para los participantes: {title} ({symbol})",
           "Estimado/a participante:\n\nSe ha publicado la nota informativa para los "
           "participantes en la {meeting} ({code}): {symbol}, «{title}».{link}\n\n"
           "Secretaría del Convenio de Minamata sobre el Mercurio\n", "\n\nPuede leerla en {url}"),
}


def record_information_note(uow, envelope, mail_enabled, documents_url):
    """A published document (`document_published`): when it is a meeting's information
    note for participants, keep it and mail it to every participant, once."""
    data = envelope["data"]
    meeting = uow.session.scalar(select(Meeting).where(Meeting.code == data.get("meeting_code")))
    if meeting is None or not domain.is_information_note(
            data.get("kind"), data.get("symbol"), meeting.symbol_prefix):
        return
    if uow.session.get(InformationNote, meeting.id):
        return
    note = InformationNote(meeting_id=meeting.id, symbol=data["symbol"],
                           title=data.get("title") or data["symbol"],
                           languages=data.get("languages") or ["en"],
                           published_at=datetime.fromisoformat(envelope["occurred_at"]))
    uow.session.add(note)
    if mail_enabled:
        for registration in uow.session.scalars(select(Registration).where(
                Registration.meeting_id == meeting.id,
                Registration.status.in_(domain.PARTICIPATING)).order_by(Registration.number)):
            _mail_note(uow, note, registration, documents_url)


def confirm(uow, caller, registration_id, funded, mail_enabled, documents_url):
    """A confirmation (usecases.confirm, which mails the letters); a participant confirmed
    after the information note was published is mailed it too."""
    registration = usecases.confirm(uow, caller, registration_id, funded, mail_enabled)
    note = uow.session.get(InformationNote, registration.meeting_id)
    if note and mail_enabled:
        _mail_note(uow, note, registration, documents_url)
    return registration


def _mail_note(uow, note, registration, documents_url):
    """The note's mail, in the participant's language where the note exists in it (else in
    English), linking to its public file when the documents' public address is set."""
    language = next((language for language in (registration.language, "en")
                     if language in NOTE_MAIL and language in note.languages), "en")
    meeting = registration.meeting
    subject, body, link = NOTE_MAIL[language]
    url = documents_url and f"{documents_url.rstrip('/')}/public/documents/{note.symbol}/{language}"
    words = {"title": note.title, "symbol": note.symbol, "code": meeting.code,
             "meeting": translated(meeting.title, meeting.translations or {}, language,
                                   "title")[0],
             "link": link.format(url=url) if url else ""}
    queue_mail(uow.session, MAIL_OUTBOX, to=registration.email,
               subject=subject.format(**words), body=body.format(**words), language=language,
               kind="information_note", about_id=registration.id)
