"""News of new rows, for readers that follow a table (the feed's server-sent events).

A writer announces new rows in its transaction (`News.announce(session)`); once it
commits, every reader waiting in this process wakes at once, and on PostgreSQL every
other process sharing the database wakes too (`NOTIFY`, which PostgreSQL delivers at
commit, to each process's `LISTEN` connection). Readers still poll, slowly, as a fallback:
for a writer in another process on SQLite, or a notification lost with a connection.

A reader takes a ticket before it reads and waits on the ticket after, so news announced
between its read and its wait is never missed.
"""
import logging

import eventlet
import psycopg2
from eventlet.event import Event
from eventlet.hubs import trampoline
from nameko.extensions import DependencyProvider
from sqlalchemy import event, text
from sqlalchemy.engine import make_url

log = logging.getLogger(__name__)

RELISTEN_SECONDS = 5


class News:
    """Tickets, waits and announcements for one table's new rows (`channel`)."""

    def __init__(self, channel, fallback_poll=5.0):
        self.channel = channel
        self.fallback_poll = fallback_poll  # seconds a reader waits for news at most
        self._next = Event()

    def ticket(self):
        """Take before reading; `wait` on it after, for news announced since."""
        return self._next

    def wait(self, ticket, timeout):
        """True when there is news since `ticket`, False after `timeout` seconds without."""
        if not ticket.ready():
            with eventlet.Timeout(timeout, False):
                ticket.wait()
        return ticket.ready()

    def wake(self):
        """Wake every reader of this process."""
        current, self._next = self._next, Event()
        current.send(True)

    def announce(self, session):
        """New rows are written in `session`'s transaction: wake readers when it commits
        (announced once a transaction, however many rows it writes)."""
        if session.info.get(self.channel):
            return
        session.info[self.channel] = True
        if session.get_bind().dialect.name == "postgresql":
            session.execute(text("SELECT pg_notify(:channel, '')"), {"channel": self.channel})
        event.listen(session, "after_commit", lambda _session: self.wake(), once=True)


class Announcements(DependencyProvider):
    """A service's `News` of `channel`; on PostgreSQL it also listens for other processes'
    announcements (config DATABASE_URL), reconnecting when the connection is lost.
    Config NEWS_FALLBACK_POLL: seconds a reader waits without news before it reads anyway
    (default 5)."""

    def __init__(self, channel):
        self.channel = channel
        self.news = None
        self._listener = None

    def setup(self):
        self.news = News(self.channel,
                         float(self.container.config.get("NEWS_FALLBACK_POLL", 5.0)))

    def start(self):
        url = make_url(self.container.config["DATABASE_URL"])
        if url.get_backend_name() == "postgresql":
            self._listener = self.container.spawn_managed_thread(
                lambda: self._listen(url), identifier=f"listen-{self.channel}")

    def stop(self):
        if self._listener is not None:
            self._listener.kill()

    kill = stop

    def get_dependency(self, worker_ctx):
        return self.news

    def _listen(self, url):
        arguments = url.set(drivername="postgresql").render_as_string(hide_password=False)
        while True:
            connection = None
            try:
                connection = psycopg2.connect(arguments)
                connection.autocommit = True
                with connection.cursor() as cursor:
                    cursor.execute(f'LISTEN "{self.channel}"')
                self.news.wake()  # anything committed while not listening
                while True:
                    trampoline(connection, read=True)
                    connection.poll()
                    if connection.notifies:
                        connection.notifies.clear()
                        self.news.wake()
            except psycopg2.Error as exc:
                log.warning("listening for %s failed (%s); again in %ss", self.channel,
                            " ".join(str(exc).split()), RELISTEN_SECONDS)
                eventlet.sleep(RELISTEN_SECONDS)
            finally:
                if connection is not None:
                    connection.close()
