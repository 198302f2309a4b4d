"""Helpers for the registration service's tests: a tap on its event exchange, and the
steps most tests share (a meeting, a confirmed participant)."""
import json
from queue import Empty

import pytest
from kombu import Connection, Queue

from coord import topology
from tests.support import nominate, schedule_meeting, wait_for


class EventTap:
    """Every event the registration service publishes from now on, as the broker
    delivers it to a queue of the test's own (bound to every routing key)."""

    def __init__(self, amqp_uri):
        self._connection = Connection(amqp_uri)
        queue = Queue("test.registration-tap", exchange=topology.event_exchange("registration"),
                      routing_key="#", durable=False, auto_delete=True)
        self._queue = self._connection.SimpleQueue(queue)
        self.received = []

    def _drain(self):
        while True:
            try:
                message = self._queue.get_nowait()
            except Empty:
                return self.received
            self.received.append(json.loads(message.body))
            message.ack()

    def of_type(self, event_type):
        return [event for event in self._drain() if event["type"] == event_type]

    def wait_for(self, event_type, count=1):
        """The first `count` events of `event_type`, once that many have arrived."""
        return wait_for(lambda: (found := self.of_type(event_type)) and len(found) >= count
                        and found[:count], message=f"{count} {event_type} event(s)")

    def types(self):
        return [event["type"] for event in self._drain()]

    def close(self):
        self._queue.close()
        self._connection.close()


@pytest.fixture
def registration(services):
    """The registration service, running."""
    return services.start("registration")


@pytest.fixture
def events(services, registration):
    tap = EventTap(services.amqp_uri)
    yield tap
    tap.close()


@pytest.fixture
def meeting(registration, events):
    """COP-2, scheduled after the tap is listening."""
    return schedule_meeting(registration)


def confirmed(registration, meeting_id, number=0, funded=False, **overrides):
    """A nominee, confirmed."""
    nominee = nominate(registration, meeting_id, number, **overrides)
    response = registration.client.post(f"/registrations/{nominee['id']}/confirm",
                                        json={"funded": funded})
    assert response.status_code == 200, response.text
    return response.json()


def error_of(response, status, code=None):
    """The contract's error body of a refused request, checked for status and code."""
    assert response.status_code == status, response.text
    error = response.json()["error"]
    if code:
        assert error["code"] == code, error
    return error
