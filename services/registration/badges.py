"""Badges: an A6 card per participant with a QR code the check-in desk scans.

The code is `<registration id>.<signature>`, the signature an HMAC (SHA-256) of the
meeting and registration ids under the service's badge secret (`BADGE_SECRET`, else a
key made once in the var folder), so a code cannot be forged, nor a badge of one
meeting used at another.
"""
import base64
import hashlib
import hmac
import io
import os
import secrets

import segno

from coord.errors import Invalid
from coord.settings import var_dir
from services.registration.letters.typesetting import LATIN, new_document

# Category colours, as the printed band shows them.
COLOURS = {
    "party": (31, 95, 168), "observer-state": (0, 128, 128), "igo": (46, 139, 87),
    "ngo": (214, 120, 0), "secretariat": (60, 60, 60), "media": (190, 30, 45),
}
A6 = (105, 148)  # millimetres, portrait
LABELS = {"party": "PARTY", "observer-state": "OBSERVER STATE", "igo": "IGO", "ngo": "NGO",
          "secretariat": "SECRETARIAT", "media": "MEDIA"}


def badge_secret():
    """BADGE_SECRET, or a random key kept in the var folder (made on first use)."""
    configured = os.environ.get("BADGE_SECRET")
    if configured:
        return configured.encode()
    path = os.path.join(var_dir(), "badge-secret")
    if not os.path.exists(path):
        os.makedirs(var_dir(), exist_ok=True)
        with open(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600), "w") as out:
            out.write(secrets.token_hex(32))
    with open(path) as key:
        return key.read().strip().encode()


def _signature(meeting_id, registration_id):
    mac = hmac.new(badge_secret(), f"{meeting_id}:{registration_id}".encode(), hashlib.sha256)
    return base64.urlsafe_b64encode(mac.digest()[:16]).decode().rstrip("=")


def badge_code(meeting_id, registration_id):
    return f"{registration_id}.{_signature(meeting_id, registration_id)}"


def registration_id_of(code):
    """The registration a code claims to be, before its signature is checked (400 for
    something that is not a badge code at all)."""
    registration_id, _, signature = (code or "").strip().partition(".")
    if len(registration_id) != 36 or not signature:
        raise Invalid("This is not a badge code.", code="invalid_badge_code",
                      fields={"code": ["Not a badge code."]})
    return registration_id


def signature_matches(code, meeting_id):
    registration_id, _, signature = code.strip().partition(".")
    return hmac.compare_digest(signature, _signature(meeting_id, registration_id))


def render_badge(*, name, affiliation, category, meeting_code, meeting_title, code):
    """The badge as A6 PDF bytes: meeting, name in its own script, country or
    organisation, the category's colour band and the QR code."""
    colour = COLOURS[category]
    pdf = new_document("\n".join((name, affiliation, meeting_code, meeting_title,
                                  LABELS[category])), format=A6, title=f"Badge {name}")
    pdf.set_auto_page_break(False)
    pdf.set_margins(6, 6, 6)
    pdf.add_page()
    width = pdf.w
    pdf.set_fill_color(*colour)
    pdf.rect(0, 0, width, 22, style="F")
    pdf.set_text_color(255, 255, 255)
    pdf.set_xy(6, 4)
    pdf.set_font(LATIN, "B", 14)
    pdf.cell(width - 12, 7, meeting_code, align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font(LATIN, "", 7.5)
    pdf.multi_cell(width - 12, 3.6, meeting_title, align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.set_text_color(0, 0, 0)
    pdf.set_xy(6, 30)
    pdf.set_font(LATIN, "B", 18)
    pdf.multi_cell(width - 12, 8.5, name, align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.ln(2)
    pdf.set_font(LATIN, "", 11)
    pdf.multi_cell(width - 12, 5.5, affiliation, align="C", new_x="LMARGIN", new_y="NEXT")
    qr = io.BytesIO()
    segno.make(code, error="m").save(qr, kind="png", scale=8, border=2)
    qr.seek(0)
    pdf.image(qr, x=(width - 40) / 2, y=pdf.h - 68, w=40, h=40)
    pdf.set_fill_color(*colour)
    pdf.rect(0, pdf.h - 22, width, 22, style="F")
    pdf.set_text_color(255, 255, 255)
    pdf.set_font(LATIN, "B", 16)
    pdf.set_xy(0, pdf.h - 16)
    pdf.cell(width, 10, LABELS[category], align="C")
    return bytes(pdf.output())
