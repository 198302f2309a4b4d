"""Each event type's schema: docs/events.md names the same types, a producer's real data
passes, a wrong type or a missing field is refused, and a type with no schema yet passes."""
import re
from pathlib import Path

import pytest

from coord import event_schemas
from coord.envelope import Event

DOCS = Path(__file__).resolve().parents[2] / "docs" / "events.md"


def _documented_types():
    """Every event type in the first column of the per-service tables of docs/events.md."""
    types, in_service_table = set(), False
    for line in DOCS.read_text(encoding="utf-8").splitlines():
        if line.startswith("## "):
            in_service_table = "(exchange `" in line
        elif in_service_table and line.startswith("| `"):
            types.update(re.findall(r"`([a-z_]+)`", line.split("|")[1]))
    return types


def test_docs_and_schemas_name_the_same_event_types():
    assert _documented_types() == set(event_schemas.SCHEMAS)


def _meeting_scheduled(**data):
    return Event("meeting_scheduled", "meeting", "m-1", actor="mc", data={
        "code": "COP-2", "title": "Second COP", "kind": "cop", "city": "Geneva",
        "country": "CHE", "starts_on": "2026-11-02", "ends_on": "2026-11-13",
        "symbol_prefix": "COP.2", "translations": None, "waiting": None,
        "added_later": "a producer may add fields", **data}).envelope("registration")


def test_a_well_formed_event_passes():
    event_schemas.check_data(_meeting_scheduled())


@pytest.mark.parametrize("data, field", [
    ({"code": 5}, "code"),
    ({"starts_on": "next week"}, "starts_on"),
    ({"waiting": {"action": "x", "late": "perhaps"}}, "waiting"),
])
def test_a_field_of_the_wrong_type_is_refused_and_named(data, field):
    with pytest.raises(event_schemas.EventRejected) as refused:
        event_schemas.check_data(_meeting_scheduled(**data))
    assert "meeting_scheduled" in str(refused.value) and field in str(refused.value)


def test_a_missing_field_is_refused():
    envelope = _meeting_scheduled()
    del envelope["data"]["code"]
    with pytest.raises(event_schemas.EventRejected):
        event_schemas.check_data(envelope)


def test_a_type_with_no_schema_yet_passes_on_its_envelope(caplog):
    envelope = Event("a_type_added_tomorrow", "organisation", "unep", actor="mc",
                     data={"anything": 1}).envelope("registration")
    event_schemas.check_data(envelope)
    event_schemas.check_data(envelope)
    warnings = [r for r in caplog.records if "a_type_added_tomorrow" in r.getMessage()]
    assert len(warnings) == 1  # said once per process, not per event


def test_the_size_limit():
    event_schemas.check_size(64 * 1024)
    with pytest.raises(event_schemas.EventRejected):
        event_schemas.check_size(64 * 1024 + 1)
