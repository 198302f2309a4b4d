"""Faults a real process meets: killed between commit and publish."""
import os
import signal

import requests

from tests.e2e.processes import PYTHON, environment, migrate, service_ports, wait_healthy
from tests.support import COP2, feed_types, wait_for


def test_a_process_killed_after_commit_publishes_its_event_when_restarted(
        processes, services, tmp_path):
    notifications = services.start("notifications")
    ports = service_ports(["registration"])
    env = environment(services.amqp_uri, tmp_path / "var", COORD_TOKENS_FILE=services.tokens.path,
                      **ports)
    migrate(env)
    url = f"http://127.0.0.1:{ports['REGISTRATION_PORT']}"
    command = [PYTHON, "-m", "coord.run", "registration"]

    # Relay off: the meeting and its event commit, and the process dies before publishing.
    first = processes.start(command, {**env, "OUTBOX_RELAY": "off"}, "registration-1")
    wait_healthy([url], first, processes)
    response = requests.post(url + "/meetings", json=COP2, headers=services.tokens.headers("mc"),
                             timeout=5)
    assert response.status_code == 201, response.text
    os.killpg(first.pid, signal.SIGKILL)
    first.wait()
    assert feed_types(notifications) == []

    second = processes.start(command, env, "registration-2")
    wait_healthy([url], second, processes)
    wait_for(lambda: feed_types(notifications, meeting_id=response.json()["id"]) ==
             ["meeting_scheduled"], timeout=15, message="the event after the restart")
