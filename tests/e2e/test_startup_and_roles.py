"""What a process checks before it runs (`python -m coord.run`), and its roles: an api
(HTTP, relay) and a worker (consumers only, no HTTP port) of the same service."""
import json
import socket
import subprocess
from types import SimpleNamespace

import requests

from tests.e2e.processes import PYTHON, ROOT, environment, migrate, service_ports, wait_healthy
from tests.support import COP2, Client, nominate, wait_for


def start_refused(env, *args):
    """Run a service that must refuse to start: (exit code, its only log line as JSON)."""
    finished = subprocess.run([PYTHON, "-m", "coord.run", *args], cwd=ROOT, env=env,
                              capture_output=True, text=True, timeout=120)
    lines = [json.loads(line) for line in finished.stdout.splitlines() if line.strip()]
    errors = [line for line in lines if line["level"] == "ERROR"]
    assert len(errors) == 1, finished.stdout + finished.stderr
    return finished.returncode, errors[0]["message"]


def test_a_malformed_variable_stops_the_service_with_one_line_naming_it(tmp_path):
    env = environment("amqp://guest:guest@127.0.0.1:5672/", tmp_path, TRAVEL_PORT="eighty")
    code, message = start_refused(env, "travel")
    assert code == 2
    assert message == "TRAVEL_PORT='eighty' is not a whole number (1-65535)."


def test_a_malformed_or_missing_tokens_file_stops_the_service(tmp_path):
    tokens = tmp_path / "tokens.yaml"
    tokens.write_text("mc: [abc\n")
    env = environment("amqp://guest:guest@127.0.0.1:5672/", tmp_path,
                      COORD_TOKENS_FILE=tokens)
    assert start_refused(env, "travel")[1].startswith("COORD_TOKENS_FILE")
    tokens.write_text("nobody-we-know: [abc]\n")
    assert "unknown organisation" in start_refused(env, "travel")[1]
    production = environment("amqp://guest:guest@127.0.0.1:5672/", tmp_path,
                              COORD_ENV="production")
    assert start_refused(production, "travel")[1].startswith("COORD_TOKENS_FILE is missing")


def test_a_database_behind_its_migrations_refuses_to_start_or_is_migrated_when_told(
        processes, services, tmp_path):
    ports = service_ports(["support"])
    env = environment(services.amqp_uri, tmp_path / "var",
                      COORD_TOKENS_FILE=services.tokens.path, **ports)
    (tmp_path / "var").mkdir()
    code, message = start_refused(env, "support")
    assert code == 2
    assert "support database is at revision (none: empty)" in message
    assert "this release needs" in message and "COORD_MIGRATE=1" in message

    process = processes.start([PYTHON, "-m", "coord.run", "support"],
                              {**env, "COORD_MIGRATE": "1"}, "support")
    wait_healthy([f"http://127.0.0.1:{ports['SUPPORT_PORT']}"], process, processes)


def test_a_worker_consumes_without_an_http_port_while_its_api_serves(
        processes, services, tmp_path):
    ports = service_ports(["registration", "travel"])
    env = environment(services.amqp_uri, tmp_path / "var",
                      COORD_TOKENS_FILE=services.tokens.path, **ports)
    migrate(env)
    url = {name: f"http://127.0.0.1:{ports[f'{name.upper()}_PORT']}"
           for name in ("registration", "travel")}
    registration = processes.start([PYTHON, "-m", "coord.run", "registration", "--role", "api"],
                                   env, "registration")
    api = processes.start([PYTHON, "-m", "coord.run", "travel", "--role", "api"], env,
                          "travel-api")
    wait_healthy([url["registration"]], registration, processes)
    wait_healthy([url["travel"]], api, processes)
    # The worker shares the api's port setting, and must not try to listen on it.
    worker = processes.start([PYTHON, "-m", "coord.run", "travel"],
                             {**env, "COORD_ROLE": "worker"}, "travel-worker")
    wait_for(lambda: "travel worker consuming events" in processes.log(worker), timeout=60,
             message="the worker to start")

    headers = services.tokens.headers("mc")
    meeting = requests.post(url["registration"] + "/meetings", json=COP2, headers=headers,
                            timeout=10).json()
    nominee = nominate(SimpleNamespace(client=Client(url["registration"], services.tokens)),
                       meeting["id"])
    confirmed = requests.post(url["registration"] + f"/registrations/{nominee['id']}/confirm",
                              json={"funded": True}, headers=headers, timeout=10)
    assert confirmed.status_code == 200, confirmed.text

    def cases():
        response = requests.get(url["travel"] + "/travel-cases", headers=headers,
                                params={"meeting_id": meeting["id"]}, timeout=10)
        return response.json()["items"]

    wait_for(lambda: len(cases()) == 1, timeout=30, message="the worker to open the case")
    assert "handled registration_confirmed" in processes.log(worker)
    assert "handled registration_confirmed" not in processes.log(api)
    assert worker.poll() is None
    with socket.socket() as probe:  # the api holds the port; the worker never bound it
        assert probe.connect_ex(("127.0.0.1", ports["TRAVEL_PORT"])) == 0
    assert "listening on" not in processes.log(worker)
