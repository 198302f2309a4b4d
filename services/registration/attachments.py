"""What registration's mails attach, rendered when each mail is sent (coord.mail): the
participants' letters, letters of invitation, side events' practical information."""
from services.registration import information, invitations, usecases
from services.registration.letters import render_invitation, render_side_event_information

PDF = "application/pdf"


def render(session, spec):
    """A mail's attachment from its spec: (bytes, media type)."""
    if spec["letter"] == "invitation":
        return render_invitation(spec["lang"], invitations.letter_facts(
            session, spec["invitation_id"])), PDF
    if spec["letter"] == "side-event":
        return render_side_event_information(information.side_event_facts(
            session, spec["side_event_id"])), PDF
    return usecases.mail_attachment(session, spec)
