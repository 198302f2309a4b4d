"""The seed data: the source document's meetings, valid as the API would check them."""
import pytest

from services.registration import seed
from services.registration.countries import all_countries


def test_the_shipped_meetings_are_valid_and_in_known_countries():
    meetings = seed.load_meetings(seed.DEFAULT_FILE.read_text("utf-8"))
    assert len(meetings) == 13
    assert len({m["code"] for m in meetings}) == 13
    assert all(m["country"] in all_countries() and m["starts_on"] <= m["ends_on"]
               for m in meetings)
    cop2 = next(m for m in meetings if m["code"] == "COP-2")
    assert (cop2["city"], cop2["starts_on"].isoformat()) == ("Geneva", "2018-11-19")


def test_a_seed_file_with_a_bad_meeting_schedules_nothing():
    text = ("- {code: OK-1, title: T, kind: cop, city: Geneva, country: CHE,"
            " starts_on: 2018-01-01, ends_on: 2018-01-02, symbol_prefix: UNEP/MC/OK.1}\n"
            "- {code: BAD, title: T, kind: party, city: Geneva, country: CHE,"
            " starts_on: 2018-01-01, ends_on: 2018-01-02, symbol_prefix: UNEP/MC/B.1}\n")
    with pytest.raises(seed.SeedError, match=r"meeting 2 \(BAD\).*kind"):
        seed.load_meetings(text)
    with pytest.raises(seed.SeedError, match="YAML list"):
        seed.load_meetings("code: COP-2\n")
