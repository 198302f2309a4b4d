"""The `coord` command against the real services: tables for people, JSON for scripts,
one clear line and a non-zero exit for anything that goes wrong."""
import json

import pytest

from coord_client.cli import main
from tests.support import COP2, StubService, free_port, wait_for
from tests.travel_support import TICKET, open_cases

MEETING_ID = "7a0e7a52-4c3b-4b7c-9a43-2d7c8c1e0b02"


@pytest.fixture
def coord(monkeypatch, capsys):
    """Run `coord ARGS...` in this process: (exit code, stdout, stderr)."""
    monkeypatch.setenv("COLUMNS", "250")
    for name in ("COORD_TOKEN", "COORD_HOST", "COORD_URL_TRAVEL"):
        monkeypatch.delenv(name, raising=False)

    def run(*argv, env=None):
        for name, value in (env or {}).items():
            monkeypatch.setenv(name, value)
        try:
            main(list(argv))
            code = 0
        except SystemExit as exit_:
            code = exit_.code
        out, err = capsys.readouterr()
        return code, out, err

    return run


def env_for(running, token):
    env = {"COORD_TOKEN": token, "COORD_HOST": "127.0.0.1"}
    for service in running:
        env[f"{service.name.upper()}_PORT"] = service.url.rsplit(":", 1)[1]
    return env


def test_brs_lists_and_clears_its_travel_queue(services, coord):
    travel = services.start("travel", TRAVEL_TODAY="2018-11-10")
    open_cases(services, MEETING_ID, ("africa", "grulac", "weog"))
    env = env_for([travel], services.tokens.plain["brs"])

    def listed():
        code, out, err = coord("travel", "list", "--owner", "brs", "--status", "open",
                               "--json", env=env)
        assert code == 0, err
        return json.loads(out)

    cases = wait_for(lambda: len(listed()) == 2 and listed(), message="brs's two cases")
    assert {case["region"] for case in cases} == {"africa", "grulac"}

    code, table, _ = coord("travel", "list", "--owner", "brs", "--status", "open", env=env)
    assert code == 0
    assert "Ana Pérez 0" in table and "Ana Pérez 1" in table and "Ana Pérez 2" not in table
    assert cases[0]["id"] in table

    code, out, err = coord(
        "travel", "ticket", cases[0]["id"], "--carrier", TICKET["carrier"],
        "--number", TICKET["ticket_number"], "--fare", "812.40", "--currency", "USD",
        "--outbound", TICKET["outbound_on"], "--return", TICKET["return_on"], env=env)
    assert code == 0, err
    assert "ticketed" in out
    assert [case["id"] for case in listed()] == [cases[1]["id"]]


def test_a_delegation_is_nominated_row_by_row_from_a_csv(services, coord, tmp_path):
    registration = services.start("registration")
    registration.client.post("/meetings", json=COP2)
    delegation = tmp_path / "delegation.csv"
    delegation.write_text(
        "given_name,family_name,email,country,category,organisation,funding_requested\n"
        "Amina,Njoroge,amina@example.go.ke,KEN,party,Ministry of Environment,yes\n"
        "Otieno,Kamau,otieno@example.go.ke,KEN,party,Ministry of Environment,no\n"
        "Nobody,Atall,not-an-address,KEN,party,Ministry of Environment,no\n", encoding="utf-8")
    env = env_for([registration], services.tokens.plain["mc"])

    code, out, err = coord("nominate", "--meeting", "COP-2", str(delegation), env=env)
    assert code == 1
    assert "2 nominated, 1 refused" in out and "row 4" in out and "email" in out
    listed = registration.client.get("/meetings").json()["items"][0]
    names = [item["family_name"] for item in registration.client.get(
        f"/meetings/{listed['id']}/registrations").json()["items"]]
    assert sorted(names) == ["Kamau", "Njoroge"]


def test_a_wrong_address_a_refused_token_and_a_server_error_are_one_line_each(services,
                                                                              coord):
    travel = services.start("travel")
    refused = coord("travel", "list", env=env_for([travel], "not-a-token"))
    unreachable = coord("travel", "list", env={
        "COORD_TOKEN": "t", "COORD_HOST": "127.0.0.1", "TRAVEL_PORT": str(free_port())})
    stub = StubService([500] * 10)
    try:
        failing = coord("travel", "list", env={"COORD_TOKEN": "t",
                                               "COORD_URL_TRAVEL": stub.url})
    finally:
        stub.close()
    for (code, out, err), expected in ((refused, "401"), (unreachable, "Cannot reach"),
                                       (failing, "500")):
        assert code == 1 and out == ""
        assert err.count("\n") == 1 and err.startswith("coord: ") and expected in err
        assert "Traceback" not in err


def test_operators_add_a_token_and_read_parked_events(services, coord, tmp_path):
    from coord.auth import TokenRegistry

    tokens_file = tmp_path / "tokens.yaml"
    tokens_file.write_text("mc: []\n", encoding="utf-8")
    code, out, err = coord("tokens", "new", "law", "--file", str(tokens_file))
    assert code == 0, err
    token = out.strip()
    assert TokenRegistry.from_file(tokens_file).organisation_for(f"Bearer {token}") == "law"
    assert token not in tokens_file.read_text(encoding="utf-8")

    code, out, err = coord("dlq", "list", "notifications", "--json",
                           env={"AMQP_URI": services.amqp_uri})
    assert code == 1 and err.startswith("coord: Cannot read the parked events")
    assert "Traceback" not in err and err.count("\n") == 1

    services.start("notifications")  # declares its queues, dead-letter queue included
    listed = wait_for(lambda: (lambda result: result[0] == 0 and result)(coord(
        "dlq", "list", "notifications", "--json", env={"AMQP_URI": services.amqp_uri})),
        message="the dead-letter queue")
    assert json.loads(listed[1]) == []
