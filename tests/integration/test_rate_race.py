"""A city's DSA rate recorded while a case of a meeting in that city opens: the case is
flagged, since the rate was not yet committed when it looked, and the rate's own
settlement ran before the case was committed. The case still gets its entitlement."""
import uuid
from datetime import date, datetime, timezone
from decimal import Decimal

from sqlalchemy.orm import Session

from coord.db import make_engine
from services.travel.models import DsaRate
from tests.support import wait_for
from tests.travel_support import EventTap, confirmed, meeting_scheduled


def test_a_case_opened_while_its_citys_rate_is_recorded_gets_its_entitlement(
        services, database_kind):
    travel = services.start("travel", TRAVEL_RATE_CHECK_INTERVAL="0.2")
    tap = EventTap(services.amqp_uri, "travel")
    published = tap.events
    meeting = str(uuid.uuid4())
    services.publish("registration", meeting_scheduled(meeting))
    confirmation = confirmed(meeting, "grulac")

    engine = make_engine(travel.config["DATABASE_URL"])
    with Session(engine) as recording:
        # What `PUT /dsa-rates/Geneva` has written when it looks for the flagged cases to
        # settle. On PostgreSQL it stays uncommitted while the case opens, as in the race;
        # SQLite takes one writer at a time, so there it lands after the case, as the race
        # leaves it.
        recording.add(DsaRate(
            id=str(uuid.uuid4()), city="Geneva", city_key="geneva",
            valid_from=date(2018, 1, 1), daily_amount=Decimal("412.00"), currency="CHF",
            travel_days=1, set_by="mc", set_at=datetime.now(timezone.utc)))
        if database_kind == "postgresql":
            recording.flush()
        services.publish("registration", confirmation)
        wait_for(lambda: published("dsa_rate_missing", meeting), timeout=30,
                 message="the case opened without a rate")
        recording.commit()
    engine.dispose()

    [fixed] = wait_for(lambda: published("dsa_entitlement_fixed", meeting), timeout=30,
                       message="the entitlement fixed by the next check")
    assert fixed["subject"]["id"] == published("travel_case_opened", meeting)[0]["subject"]["id"]
    case = travel.client.get(f"/travel-cases/{fixed['subject']['id']}").json()
    assert case["dsa_rate_missing"] is False
    assert case["entitlement"] == {"amount": "2472.00", "currency": "CHF"}
    travel.stop()  # the check has run many times since: still one fix, nothing more
    assert len(published("dsa_entitlement_fixed", meeting)) == 1
    tap.close()
