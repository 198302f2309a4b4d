"""`make run` from the operator's side: five services up, a flow through them, Ctrl-C."""
import os
import signal

import requests
import yaml

from coord.settings import SERVICES
from tests.e2e.processes import environment, healthy, service_ports, wait_healthy
from tests.support import COP2, wait_for


def test_make_run_serves_every_service_and_stops_cleanly_on_ctrl_c(
        processes, rabbit_config, tmp_path):
    ports = service_ports(SERVICES)
    env = environment(rabbit_config["AMQP_URI"], tmp_path / "var", **ports)
    make = processes.start(["make", "--no-print-directory", "run"], env, "make-run")
    urls = [f"http://127.0.0.1:{ports[f'{name.upper()}_PORT']}" for name in SERVICES]
    wait_healthy(urls, make, processes)
    registration, notifications = urls[0], urls[3]

    output = processes.log(make)
    assert "development tokens:" in output
    for url in urls:
        assert url.rsplit(":", 1)[1] in output  # it says where each service listens
    plain = yaml.safe_load((tmp_path / "var" / "tokens.plain.yaml").read_text())
    mc = {"Authorization": f"Bearer {plain['mc']}"}

    meeting = requests.post(f"{registration}/meetings", json=COP2, headers=mc, timeout=5)
    assert meeting.status_code == 201, meeting.text
    nominee = requests.post(
        f"{registration}/meetings/{meeting.json()['id']}/registrations", headers=mc, timeout=5,
        json={"given_name": "Ana", "family_name": "Pérez", "email": "ana@example.org",
              "country": "PER", "category": "party", "organisation": "MINAM"})
    assert nominee.status_code == 201, nominee.text
    confirmed = requests.post(f"{registration}/registrations/{nominee.json()['id']}/confirm",
                              json={"funded": True}, headers=mc, timeout=5)
    assert confirmed.status_code == 200, confirmed.text

    def confirmation_in_feed():
        feed = requests.get(f"{notifications}/feed", params={"type": "registration_confirmed"},
                            headers=mc, timeout=5).json()
        return [entry for entry in feed["items"] if entry["subject"]["id"] == nominee.json()["id"]]

    assert wait_for(confirmation_in_feed, timeout=15, message="the confirmation in the feed")

    os.killpg(make.pid, signal.SIGINT)  # what Ctrl-C in the terminal does
    make.wait(timeout=60)  # make itself reports the interrupt with its own exit code
    output = processes.log(make)
    assert "all services stopped" in output
    assert "Traceback" not in output
    assert not any(healthy(url) for url in urls)
