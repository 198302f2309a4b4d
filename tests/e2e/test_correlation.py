"""Following one request through the services' logs: each process (`python -m coord.run`)
logs JSON, one object a line, and the correlation id a request starts travels in every
event it causes and every event those cause."""
import json
import uuid

import requests

from tests.e2e.processes import run_services
from tests.support import COP2, wait_for

SERVICES = ("registration", "travel", "support", "notifications")


def log_lines(processes, process):
    """Every line of a process's output, each parsed as the JSON object it must be."""
    return [json.loads(line) for line in processes.log(process).splitlines() if line.strip()]


def lines_of(processes, process, correlation_id):
    return [(line["message"], line["service"]) for line in log_lines(processes, process)
            if line["correlation_id"] == correlation_id]


def test_one_confirmation_and_one_withdrawal_are_followed_through_every_log(
        processes, services, tmp_path):
    started, url = run_services(processes, SERVICES, services.amqp_uri,
                                services.tokens.path, tmp_path / "var",
                                COORD_ACCESS_LOG="on")
    mc = services.tokens.headers("mc")

    def post(service, path, body=None, request_id=None):
        headers = {**mc, **({"X-Request-ID": request_id} if request_id else {})}
        response = requests.post(url[service] + path, json=body or {}, headers=headers,
                                 timeout=10)
        assert response.status_code in (200, 201), response.text
        return response

    meeting = post("registration", "/meetings", COP2).json()
    nominee = post("registration", f"/meetings/{meeting['id']}/registrations", {
        "given_name": "Ana", "family_name": "Pérez", "email": "ana.perez@example.org",
        "country": "PER", "category": "party", "organisation": "Ministry of Environment",
        "funding_requested": True, "visa_letter_requested": False}).json()

    confirmation_id = f"confirm-{uuid.uuid4().hex}"
    confirmed = post("registration", f"/registrations/{nominee['id']}/confirm",
                     {"funded": True}, request_id=confirmation_id)
    assert confirmed.headers["X-Request-ID"] == confirmation_id
    wait_for(lambda: ("handled travel_case_opened", "notifications") in lines_of(
        processes, started["notifications"], confirmation_id),
        timeout=30, message="notifications to handle the case opened by the confirmation")

    assert ("POST /registrations/<registration_id>/confirm 200", "registration") in lines_of(
        processes, started["registration"], confirmation_id)
    assert ("recorded registration_confirmed", "registration") in lines_of(
        processes, started["registration"], confirmation_id)
    assert {("handled registration_confirmed", "travel"),
            ("recorded travel_case_opened", "travel")} <= set(
        lines_of(processes, started["travel"], confirmation_id))
    assert ("handled registration_confirmed", "notifications") in lines_of(
        processes, started["notifications"], confirmation_id)

    # The withdrawal cancels the case in travel, whose event support records: one request
    # through all four services.
    withdrawal_id = f"withdraw-{uuid.uuid4().hex}"
    post("registration", f"/registrations/{nominee['id']}/withdraw", request_id=withdrawal_id)
    wait_for(lambda: ("handled travel_case_cancelled", "support") in lines_of(
        processes, started["support"], withdrawal_id),
        timeout=30, message="support to handle the cancellation caused by the withdrawal")
    assert {("handled registration_withdrawn", "travel"),
            ("recorded travel_case_cancelled", "travel")} <= set(
        lines_of(processes, started["travel"], withdrawal_id))
    wait_for(lambda: {("handled registration_withdrawn", "notifications"),
                      ("handled travel_case_cancelled", "notifications")} <= set(
        lines_of(processes, started["notifications"], withdrawal_id)),
        timeout=30, message="notifications to handle both events of the withdrawal")

    # Each line carries the fields an operator filters on, and no token.
    for name, process in started.items():
        for line in log_lines(processes, process):
            assert {"time", "service", "level", "event_id", "correlation_id",
                    "message"} <= line.keys(), line
            assert line["service"] == name
        assert "test-token-mc" not in processes.log(process)
    handled = [line for line in log_lines(processes, started["travel"])
               if line["message"] == "handled registration_confirmed"]
    assert handled and all(line["event_id"] for line in handled)
