"""Travel reads a batch's cases and withdrawals ahead, but only under each meeting's lock:
what another transaction records for a meeting it holds is seen once it lets go."""
import uuid
from datetime import date, datetime, timezone

import eventlet
import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from coord.db import UnitOfWork, make_engine
from coord.events import handle_deliveries
from services.travel import usecases
from services.travel.models import Base, Meeting, TravelCase, Withdrawal
from tests.travel_support import confirmed, meeting_scheduled

TODAY = date(2018, 10, 1)


def test_a_withdrawal_committed_under_its_meetings_lock_is_seen_by_a_batch_that_waited(
        database_kind, postgresql):
    if database_kind == "sqlite":
        pytest.skip("SQLite runs one transaction at a time: nothing to wait for")
    engine = make_engine(postgresql("travel"))
    deliver = _delivering(engine)
    first, second = str(uuid.uuid4()), str(uuid.uuid4())
    deliver([meeting_scheduled(first), meeting_scheduled(second)])
    late = confirmed(second, "africa")  # its registration withdrawn meanwhile, below

    with Session(engine) as withdrawal:  # registration's withdrawal, handled elsewhere
        withdrawal.scalar(select(Meeting).where(Meeting.id == second).with_for_update())
        withdrawal.add(Withdrawal(registration_id=late["subject"]["id"],
                                  withdrawn_at=datetime.now(timezone.utc)))
        withdrawal.flush()
        # The batch reads ahead at its first event, of the first meeting, then waits for
        # the second meeting's lock.
        batch = eventlet.spawn(deliver, [confirmed(first, "africa"), late])
        eventlet.sleep(1)
        assert not batch.dead, "the batch did not wait for the meeting's lock"
        withdrawal.commit()
    batch.wait()

    with Session(engine) as session:
        opened = session.scalars(select(TravelCase.meeting_id)).all()
    engine.dispose()
    assert opened == [first]  # none for the withdrawn registration


def _delivering(engine):
    def deliver(envelopes):
        outcomes = handle_deliveries(
            lambda: UnitOfWork(engine, Base.metadata, "travel"),
            lambda uow, envelope: usecases.handle_registration_event(uow, envelope, TODAY),
            envelopes)
        assert outcomes == [None] * len(envelopes)
    return deliver
