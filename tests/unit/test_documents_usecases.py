"""The service layer on a scratch database, without the broker: numbering, idempotent
meetings, late notices stored once, and the file store."""
import json
from datetime import date

import pytest
from sqlalchemy import select

from coord import migrations
from coord.db import OUTBOX, UnitOfWork, make_engine
from coord.envelope import Event
from coord.errors import Invalid
from services.documents import usecases
from services.documents.files import FileStore
from services.documents.models import Base
from tests.documents_support import working_document
from tests.support import COP2, deliver


@pytest.fixture
def unit_of_work(tmp_path):
    url = f"sqlite:///{tmp_path / 'documents.db'}"
    migrations.upgrade("documents", url)
    engine = make_engine(url)
    yield lambda: UnitOfWork(engine, Base.metadata, "documents")
    engine.dispose()


def _announce(unit_of_work, meeting_id="m-1", event_id="e-1"):
    envelope = Event("meeting_scheduled", "meeting", meeting_id, actor="mc",
                     meeting_id=meeting_id, data=COP2).envelope("registration",
                                                                event_id=event_id)
    deliver(unit_of_work, lambda uow, event: usecases.record_meeting(uow, event, REGISTERED_ON),
            envelope)


REGISTERED_ON = date(2018, 1, 2)  # before every deadline of COP-2


def _register(unit_of_work, **overrides):
    body = {"parent_id": None, "relation": None, "original_language": "en",
            "languages": "all", **working_document("m-1"), **overrides}
    with unit_of_work() as uow:
        return usecases.register_document(uow, "mc", body, REGISTERED_ON)


def _outbox(unit_of_work, event_type):
    with unit_of_work() as uow:
        table = Base.metadata.tables[OUTBOX]
        return [json.loads(payload) for payload in uow.session.scalars(
            select(table.c.payload).where(table.c.type == event_type))]


def test_a_refused_document_spends_no_number(unit_of_work):
    _announce(unit_of_work)
    assert _register(unit_of_work).symbol == "UNEP/MC/COP.2/1"
    with pytest.raises(Invalid):
        _register(unit_of_work, languages=["en", "fr"])
    assert _register(unit_of_work).symbol == "UNEP/MC/COP.2/2"
    assert _register(unit_of_work, kind="information").symbol == "UNEP/MC/COP.2/INF/1"
    assert len(_outbox(unit_of_work, "document_registered")) == 3


def test_each_missed_deadline_is_noticed_once_however_often_the_timer_runs(unit_of_work):
    _announce(unit_of_work)
    late = _register(unit_of_work)
    _register(unit_of_work, kind="information")  # no deadline
    today = date(2018, 10, 18)
    assert usecases.mark_late_documents(unit_of_work, today) == 2
    assert usecases.mark_late_documents(unit_of_work, today) == 0
    notices = _outbox(unit_of_work, "document_late")
    assert sorted((n["data"]["deadline"], n["data"]["days_late"]) for n in notices) == [
        ("due", 10), ("submission", 38)]
    assert {(n["subject"]["id"], n["actor"], n["owner"]) for n in notices} == {
        (late.id, "mc", "mc")}
    assert notices[0]["data"]["meeting_code"] == "COP-2"


def test_files_are_kept_under_their_checksum(tmp_path):
    store = FileStore(tmp_path / "files")
    sha256 = store.put(b"%PDF-1.4 first")
    assert store.put(b"%PDF-1.4 first") == sha256
    assert store.read(sha256) == b"%PDF-1.4 first"
    assert (tmp_path / "files" / sha256).exists()
    assert [p.name for p in (tmp_path / "files").iterdir()] == [sha256]  # no temporary left
    assert store.read("0" * 64) is None
