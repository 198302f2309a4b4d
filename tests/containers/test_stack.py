"""The stack as operators run it: the image, compose with the host override, the api and
worker roles, healthchecks, scaled workers, and a worker and the broker connections killed
while COP-2's confirmations flow; every travel case and feed entry exactly once."""
import subprocess
import uuid
from collections import Counter

import pytest
import requests

from tests.containers.conftest import WORKERS
from tests.support import COP2, wait_for

# Building the image and creating containers copies whole file systems on a storage driver
# without copy-on-write: far beyond the suite's usual per-test limit on a busy machine.
pytestmark = pytest.mark.timeout(3600)

PARTICIPANTS = 12
# One funded participant per country: twelve eligible countries.
COUNTRIES = ("PER", "BRA", "COL", "ECU", "KEN", "NGA", "GHA", "SEN", "IND", "THA", "VNM", "MDA")


def call(stack, method, service, path, body=None, organisation="mc", **headers):
    response = requests.request(method, stack.url(service) + path, json=body,
                                headers=stack.headers(organisation, **headers), timeout=20)
    assert response.status_code in (200, 201), f"{method} {path}: {response.text}"
    return response


def test_every_container_is_healthy_not_root_and_only_apis_listen(stack):
    for container in stack.containers():
        user = container.exec_run(["id", "-u"]).output.decode().strip()
        assert user != "0", f"{container.name} runs as root"
    for service in ("registration", "travel", "documents", "notifications", "support"):
        health = requests.get(stack.url(service) + "/health", timeout=5)
        assert health.status_code == 200 and health.json()["status"] == "ok"
    for worker in WORKERS:
        (container,) = stack.containers(worker)
        environment = dict(item.split("=", 1) for item in container.attrs["Config"]["Env"])
        assert environment["COORD_ROLE"] == "worker"
        # A worker opens no HTTP port, so its api alone answers on the service's port.
        assert "listening on" not in container.logs().decode()


def test_cop2_flow_loses_nothing_when_a_worker_and_the_broker_connections_die(stack):
    scaled = stack.compose("up", "-d", "--no-build", "--scale", "travel-worker=3",
                           "--scale", "notifications-worker=3", check=False)
    assert scaled.returncode == 0, scaled.stderr
    stack.wait_healthy(expected_count=1 + 2 * len(WORKERS) + 4)

    meeting = call(stack, "POST", "registration", "/meetings", COP2).json()
    call(stack, "PUT", "travel", "/dsa-rates/Geneva",
         {"daily": {"amount": "400.00", "currency": "USD"}, "valid_from": "2018-01-01"})
    nominees = [call(stack, "POST", "registration", f"/meetings/{meeting['id']}/registrations", {
        "given_name": "Ana", "family_name": f"Pérez {number}",
        "email": f"ana.perez.{number}@example.org", "country": COUNTRIES[number],
        "category": "party", "organisation": "Ministry of Environment",
        "funding_requested": True, "visa_letter_requested": False}).json()
        for number in range(PARTICIPANTS)]

    first_confirmation = f"confirm-{uuid.uuid4().hex}"
    for number, nominee in enumerate(nominees):
        if number == PARTICIPANTS // 3:
            # A travel worker dies in the middle of the flow: whatever it had taken and not
            # acknowledged goes back to the queue for the other two.
            stack.containers("travel-worker")[0].kill()
        if number == 2 * PARTICIPANTS // 3:
            # Every connection of the stack to the broker is cut: consumers and relays
            # reconnect (or their containers restart) and carry on.
            subprocess.run(["rabbitmqctl", "-q", "close_all_connections", "-p", stack.vhost,
                            "--limit", "1000", "fault drill"], check=True)
        request_id = first_confirmation if number == 0 else None
        call(stack, "POST", "registration", f"/registrations/{nominee['id']}/confirm",
             {"funded": True}, **({"X-Request-ID": request_id} if request_id else {}))

    def cases():
        response = requests.get(stack.url("travel") + "/travel-cases",
                                params={"meeting_id": meeting["id"], "limit": 500},
                                headers=stack.headers(), timeout=10)
        return response.json()["items"] if response.status_code == 200 else []

    wait_for(lambda: len(cases()) >= PARTICIPANTS, timeout=180, interval=1,
             message=f"{PARTICIPANTS} travel cases")

    def feed_counts():
        response = requests.get(stack.url("notifications") + "/feed",
                                params={"meeting_id": meeting["id"], "limit": 500},
                                headers=stack.headers(), timeout=10)
        if response.status_code != 200:
            return Counter()
        return Counter((entry["type"], entry["id"]) for entry in response.json()["items"])

    expected = {"meeting_scheduled": 1, "registration_submitted": PARTICIPANTS,
                "registration_confirmed": PARTICIPANTS, "travel_case_opened": PARTICIPANTS}

    def feed_complete():
        by_type = Counter(event_type for event_type, _ in feed_counts())
        return all(by_type[event_type] >= count for event_type, count in expected.items())

    wait_for(feed_complete, timeout=180, interval=1, message="the feed to show every event")

    registrations = Counter(case["registration_id"] for case in cases())
    assert registrations == Counter({nominee["id"]: 1 for nominee in nominees})
    entries = feed_counts()
    assert all(count == 1 for count in entries.values()), entries
    by_type = Counter(event_type for event_type, _ in entries)
    for event_type, count in expected.items():
        assert by_type[event_type] == count, (event_type, by_type)

    # The first confirmation's id is in the log of the travel worker that opened its case.
    travel_logs = "".join(text for name, text in stack.logs().items() if "travel-worker" in name)
    assert f'"correlation_id": "{first_confirmation}"' in travel_logs
