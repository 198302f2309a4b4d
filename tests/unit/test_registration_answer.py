"""Registrations answered from plain rows rather than ORM objects, for speed: the answer to
a delegation file (dumped without marshmallow) and a page of a meeting's registrations
(dumped as @api dumps it) must say exactly what RegistrationSchema says of the same
registrations."""
import json

import pytest
from sqlalchemy import select

from coord import migrations
from coord.db import UnitOfWork, make_engine
from coord.dumping import dumper
from coord.errors import NotFound
from coord.http import encode_cursor, page_of
from services.registration import exports, usecases
from services.registration.delegation_csv import Limits
from services.registration.models import REGISTRATION_ITEM_COLUMNS, Base, Registration
from services.registration.schemas import (
    MeetingCreateSchema, RegistrationBatchSchema, RegistrationListQuery, RegistrationSchema,
)
from tests.support import COP2

FILE = ("given_name,family_name,email,country,category,organisation,funding_requested,"
        "visa_letter_requested,language\n"
        "Nguyễn,Văn An,An.Nguyen@example.org,VNM,party,\"Ministry, Hanoi\",yes,yes,fr\n"
        "Minh,Tran,minh@example.org,VNM,ngo,Green Mekong,,,\n"
        "Ana,Pérez,ana@example.org,PER,party,Ministerio del Ambiente,no,no,es\n")


@pytest.fixture
def unit_of_work(tmp_path):
    url = f"sqlite:///{tmp_path / 'registration.db'}"
    migrations.upgrade("registration", url)
    engine = make_engine(url)
    yield engine, lambda: UnitOfWork(engine, Base.metadata, "registration")
    engine.dispose()


def _three_registrations(unit):
    """A meeting with three registrations, one with every optional field set (checked in
    and corrected); the delegation file's import."""
    with unit() as uow:
        meeting = usecases.schedule_meeting(uow, "mc", MeetingCreateSchema().load(COP2))
        uow.commit()
    with unit() as uow:
        imported = usecases.register_delegation(uow, "mc", meeting.id, iter([FILE.encode()]),
                                                Limits())
        uow.commit()
    with unit() as uow:  # a row with every optional field set: checked in and corrected
        minh = uow.session.scalar(select(Registration).where(Registration.number == 2))
        usecases.confirm(uow, "mc", minh.id, funded=False)
        usecases.check_in(uow, "rc-brno", minh.id)
        usecases.correct_registration(uow, "mc", minh.id, {"family_name": "Trần"}, None)
        uow.commit()
    return meeting, imported


def test_the_answer_to_a_file_is_what_the_schema_dumps(unit_of_work):
    engine, unit = unit_of_work
    _, imported = _three_registrations(unit)
    answer = "".join(exports.registrations_json(
        imported.count, imported.meeting_code,
        usecases.created_registrations(engine, imported, REGISTRATION_ITEM_COLUMNS,
                                       page_size=2)))
    with unit() as uow:
        registrations = uow.session.scalars(
            select(Registration).order_by(Registration.number)).all()
        expected = json.dumps(RegistrationBatchSchema().dump(
            {"count": 3, "items": registrations}), ensure_ascii=False)
        by_schema = [RegistrationSchema().dump(r) for r in registrations]
    assert answer == expected  # the same text, keys in the same order
    assert by_schema[1]["checked_in_at"] and by_schema[1]["etag"] != by_schema[0]["etag"]


def test_a_page_of_registrations_is_what_the_schema_dumps(unit_of_work):
    _, unit = unit_of_work
    meeting, _ = _three_registrations(unit)
    schema = page_of(RegistrationSchema)
    dump = dumper(schema())  # as @api dumps an answer
    cursor, pages = None, 0
    while True:
        query = RegistrationListQuery().load({"limit": 2, **({"cursor": cursor} if cursor
                                                              else {})})
        with unit() as uow:
            answer = json.dumps(dump(usecases.list_registrations(uow, "mc", meeting.id, query)),
                                ensure_ascii=False)
        with unit() as uow:
            registrations = uow.session.scalars(select(Registration).order_by(
                Registration.id)).all()
            start = 2 * pages
            items = registrations[start:start + 2]
            expected = schema().dump({"items": items, "next_cursor": (
                encode_cursor(items[-1].id) if start + 2 < len(registrations) else None)})
        assert answer == json.dumps(expected, ensure_ascii=False)  # keys in the same order
        pages += 1
        cursor = expected["next_cursor"]
        if cursor is None:
            break
    assert pages == 2


def test_an_empty_page_is_a_known_meeting_or_a_404(unit_of_work):
    _, unit = unit_of_work
    query = RegistrationListQuery().load({})
    with unit() as uow:
        meeting = usecases.schedule_meeting(uow, "mc", MeetingCreateSchema().load(COP2))
        uow.commit()
    with unit() as uow:
        assert usecases.list_registrations(uow, "mc", meeting.id, query) == {
            "items": [], "next_cursor": None}
        with pytest.raises(NotFound):
            usecases.list_registrations(uow, "mc", "no-such-meeting", query)
