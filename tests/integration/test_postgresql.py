"""The production database: migrations, the green driver, and the funding race on PostgreSQL."""
import os
import threading
import uuid

import psycopg2
import pytest

from coord import migrations
from tests.support import feed_types, nominate, schedule_meeting, wait_for

SERVER = os.environ.get("TEST_POSTGRESQL_URL", "postgresql://postgres@127.0.0.1:5432")


@pytest.fixture
def postgresql_databases():
    """Fresh databases on the local PostgreSQL server; dropped afterwards."""
    try:
        admin = psycopg2.connect(f"{SERVER}/postgres", connect_timeout=3)
    except psycopg2.OperationalError as exc:
        pytest.skip(f"no PostgreSQL server at {SERVER}: {exc}")
    admin.autocommit = True
    created = []

    def database(service):
        name = f"coord_test_{uuid.uuid4().hex[:8]}_{service}"
        with admin.cursor() as cursor:
            cursor.execute(f'CREATE DATABASE "{name}"')
        created.append(name)
        url = f"{SERVER}/{name}"
        migrations.upgrade(service, url)
        return url

    yield database
    with admin.cursor() as cursor:
        for name in created:
            cursor.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    admin.close()


def test_the_flow_and_the_funding_race_hold_on_postgresql(postgresql_databases, services):
    registration = services.start("registration",
                                  DATABASE_URL=postgresql_databases("registration"))
    notifications = services.start("notifications",
                                   DATABASE_URL=postgresql_databases("notifications"))
    meeting = schedule_meeting(registration)
    nominees = [nominate(registration, meeting["id"], number, country="KEN")
                for number in range(2)]
    statuses = []

    def confirm(nominee):
        response = registration.client.post(f"/registrations/{nominee['id']}/confirm",
                                            json={"funded": True})
        statuses.append(response.status_code)

    racers = [threading.Thread(target=confirm, args=(nominee,)) for nominee in nominees]
    for racer in racers:
        racer.start()
    for racer in racers:
        racer.join()

    assert sorted(statuses) == [200, 409]
    wait_for(lambda: feed_types(notifications).count("registration_confirmed") == 1
             and len(feed_types(notifications)) == 4, message="one confirmation in the feed")
    registration.stop()  # before the databases are dropped
    notifications.stop()


def test_concurrent_nominations_take_distinct_reference_numbers_on_postgresql(
        postgresql_databases, services):
    registration = services.start("registration",
                                  DATABASE_URL=postgresql_databases("registration"))
    meeting = schedule_meeting(registration)
    references = []

    def nominate_one(number):
        references.append(nominate(registration, meeting["id"], number)["reference"])

    racers = [threading.Thread(target=nominate_one, args=(number,)) for number in range(6)]
    for racer in racers:
        racer.start()
    for racer in racers:
        racer.join()
    assert sorted(references) == [f"COP-2/REG/{n:04d}" for n in range(1, 7)]
    registration.stop()  # before the database is dropped
