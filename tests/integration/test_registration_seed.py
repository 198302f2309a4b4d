"""`python -m services.registration.seed`: the source document's meetings, once."""
from services.registration import seed
from tests.registration_support import events, registration  # noqa: F401 (fixtures)


def test_the_seed_schedules_the_source_meetings_once_with_their_events(
        registration, events, capsys):
    url = registration.config["DATABASE_URL"]
    assert seed.main(["--database-url", url]) == 0
    assert "scheduled 13 meeting(s)" in capsys.readouterr().out

    meetings = registration.client.get("/meetings").json()["items"]
    assert [m["code"] for m in meetings][-1] == "COP-2"
    assert len(meetings) == 13
    regional = registration.client.get("/meetings", params={"kind": "regional", "year": 2018})
    assert [m["city"] for m in regional.json()["items"]] == ["Lusaka", "Chisinau", "Bangkok",
                                                             "Lima"]
    scheduled = events.wait_for("meeting_scheduled", count=13)
    assert {e["data"]["code"] for e in scheduled} == {m["code"] for m in meetings}

    assert seed.main(["--database-url", url]) == 0
    assert "scheduled 0 meeting(s): none; skipped 13" in capsys.readouterr().out
    assert len(registration.client.get("/meetings").json()["items"]) == 13
