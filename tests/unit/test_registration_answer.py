"""The answer to a delegation file is dumped without marshmallow, for speed: it must say
exactly what RegistrationSchema says of the same registrations."""
import json

import pytest
from sqlalchemy import select

from coord import migrations
from coord.db import UnitOfWork, make_engine
from services.registration import exports, usecases
from services.registration.delegation_csv import Limits
from services.registration.models import Base, Registration
from services.registration.schemas import (
    MeetingCreateSchema, RegistrationBatchSchema, RegistrationSchema,
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


def test_the_answer_to_a_file_is_what_the_schema_dumps(unit_of_work):
    engine, unit = unit_of_work
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

    answer = "".join(exports.registrations_json(
        imported.count, imported.meeting_code,
        usecases.created_registrations(engine, imported, exports.REGISTRATION_ITEM_COLUMNS,
                                       page_size=2)))
    with unit() as uow:
        registrations = uow.session.scalars(
            select(Registration).order_by(Registration.number)).all()
        expected = json.dumps(RegistrationBatchSchema().dump(
            {"count": 3, "items": registrations}), ensure_ascii=False)
        by_schema = [RegistrationSchema().dump(r) for r in registrations]
    assert answer == expected  # the same text, keys in the same order
    assert by_schema[1]["checked_in_at"] and by_schema[1]["etag"] != by_schema[0]["etag"]
