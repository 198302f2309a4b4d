"""Information for the people who come: the organiser of an accepted side event gets
its practical information (room, slot, what to bring, contacts) as a letter, by mail."""
from coord.errors import Conflict, NotFound
from coord.mail import queue_mail
from services.registration import domain, usecases
from services.registration.countries import country
from services.registration.letters import MeetingFacts, SideEventFacts
from services.registration.models import MAIL_OUTBOX, Meeting, SideEvent

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
