"""The feed as Atom 1.0 (RFC 4287), for feed readers. Plain Python over feedgen."""
import re

from feedgen.feed import FeedGenerator

from coord.db import utcnow
from services.notifications.names import organisation

TITLE = "Minamata Convention meetings: staff feed"

# Characters XML 1.0 cannot hold. The APIs refuse them, but an event from any producer on
# the bus may still carry one, and one such entry must not break the feed for everyone.
NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def xml_safe(text):
    return NOT_XML.sub("\ufffd", text)


def render(entries, *, self_url, page_url, filters):
    """An Atom document of `entries` (newest first).

    `self_url`: where this document was fetched (without any token), its Atom id too.
    `filters`: the feed's filters, named in the subtitle so a reader's subscriptions
    can be told apart.
    """
    feed = FeedGenerator()
    feed.id(self_url)
    feed.title(TITLE)
    feed.subtitle(xml_safe(_subtitle(filters)))
    feed.author({"name": "Minamata Convention secretariat"})
    feed.link(href=self_url, rel="self", type="application/atom+xml")
    feed.link(href=page_url, rel="alternate", type="text/html")
    feed.updated(entries[0].at if entries else utcnow())
    for entry in entries:
        item = feed.add_entry(order="append")
        item.id(f"urn:uuid:{entry.id}")
        summary = xml_safe(entry.summary)
        item.title(("LATE: " if entry.late else "") + summary)
        item.summary(summary)
        item.content(summary, type="text")
        item.published(entry.at)
        item.updated(entry.at)
        item.author({"name": organisation(entry.actor)})
        item.category(term=entry.type, label=entry.type.replace("_", " "))
    return feed.atom_str(pretty=True)


def _subtitle(filters):
    chosen = [f"{name.replace('_', ' ')} {filters[name]}"
              for name in ("meeting_id", "owner", "type") if filters.get(name)]
    return "Everything that happens, newest first" + (
        f" ({', '.join(chosen)})" if chosen else "") + "."
