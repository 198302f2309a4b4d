"""`coord.dumping.dumper` answers exactly what marshmallow's `dump` answers: every
response body of every service goes through it."""
import enum
from datetime import date, datetime, time, timedelta, timezone
from decimal import Decimal
from types import SimpleNamespace

import pytest
from marshmallow import Schema, fields, post_dump

from coord.dumping import dumper
from coord.http import page_of


class Colour(enum.Enum):
    RED = "red"


class Tag(Schema):
    name = fields.String(required=True)
    weight = fields.Integer()


class Shouting(Schema):
    word = fields.String()

    @post_dump
    def shout(self, data, **kwargs):
        return {key: value.upper() for key, value in data.items()}


class Node(Schema):
    label = fields.String()
    children = fields.List(fields.Nested(lambda: Node()))


class Everything(Schema):
    text = fields.String()
    number = fields.Integer()
    number_as_text = fields.Integer(as_string=True)
    ratio = fields.Float()
    amount = fields.Decimal(as_string=True)
    flag = fields.Boolean()
    raw = fields.Raw()
    at = fields.AwareDateTime()
    at_naive = fields.DateTime()
    at_year = fields.DateTime(format="%Y")
    at_timestamp = fields.DateTime(format="timestamp")
    on = fields.Date()
    clock = fields.Time()
    duration = fields.TimeDelta()
    tag = fields.Nested(Tag)
    tag_name_only = fields.Nested(Tag, only=("name",))
    tags = fields.Nested(Tag, many=True)
    tag_list = fields.List(fields.Nested(Tag))
    names = fields.List(fields.String())
    plucked = fields.Pluck(Tag, "name")
    shouting = fields.Nested(Shouting)
    tree = fields.Nested(Node)
    mapping = fields.Dict(keys=fields.String(), values=fields.Integer())
    colour = fields.Enum(Colour)
    renamed = fields.String(data_key="renamedKey")
    elsewhere = fields.String(attribute="other")
    dotted = fields.String(attribute="meeting.code")
    defaulted = fields.String(dump_default="none given")
    secret = fields.String(load_only=True)
    computed = fields.Method("compute")
    function = fields.Function(lambda obj: "made")

    def compute(self, obj):
        return "computed"


AT = datetime(2030, 3, 5, 9, 30, 15, 123456, tzinfo=timezone.utc)

FULL = {
    "text": "Ana", "number": 42, "number_as_text": 7, "ratio": 0.5,
    "amount": Decimal("12.50"), "flag": True, "raw": [1, {"a": None}], "at": AT,
    "at_naive": AT.replace(tzinfo=None), "at_year": AT, "at_timestamp": AT,
    "on": date(2030, 3, 5), "clock": time(9, 30), "duration": timedelta(minutes=3),
    "tag": {"name": "t", "weight": 2}, "tag_name_only": {"name": "u", "weight": 3},
    "tags": [{"name": "a"}, {"name": "b", "weight": 1}],
    "tag_list": [{"name": "c", "weight": 4}], "names": ["x", "y"], "plucked": {"name": "p"},
    "shouting": {"word": "hello"},
    "tree": {"label": "root", "children": [{"label": "leaf", "children": []}]},
    "mapping": {"k": 1}, "colour": Colour.RED, "renamedKey": "not this",
    "renamed": "this", "other": "from other", "meeting": {"code": "COP-2"},
    "secret": "never dumped",
}

# Values marshmallow converts, not passes on: each must come out as marshmallow has it.
CONVERTED = {
    **FULL, "text": 5, "number": True, "ratio": 3, "flag": 1, "names": [1, None, "z"],
    "tags": ({"name": 9},), "number_as_text": 7.9,
}

NONES = {name: None for name in FULL}

SPARSE = {"text": "only this"}


@pytest.mark.parametrize("data", [FULL, CONVERTED, NONES, SPARSE, {}],
                         ids=["full", "converted", "nones", "sparse", "empty"])
def test_a_mapping_dumps_as_marshmallow_dumps_it(data):
    schema = Everything()
    assert dumper(schema)(data) == schema.dump(data)


@pytest.mark.parametrize("data", [FULL, CONVERTED, NONES, SPARSE],
                         ids=["full", "converted", "nones", "sparse"])
def test_an_object_dumps_as_marshmallow_dumps_it(data):
    """Attributes, properties and missing attributes of an object (an ORM row)."""
    schema = Everything()
    record = SimpleNamespace(**{key: value for key, value in data.items()
                                if key != "meeting"})
    if data.get("meeting"):
        record.meeting = SimpleNamespace(**data["meeting"])
    assert dumper(schema)(record) == schema.dump(record)


def test_many_dumps_as_marshmallow_dumps_it():
    schema, many_schema = Everything(), Everything(many=True)
    rows = [FULL, CONVERTED, SPARSE]
    assert dumper(schema)(rows, many=True) == schema.dump(rows, many=True)
    assert dumper(many_schema)(rows) == many_schema.dump(rows)
    assert dumper(many_schema)(None) == many_schema.dump(None)


def test_a_page_dumps_as_marshmallow_dumps_it():
    schema = page_of(Tag)()
    listed = {"items": [SimpleNamespace(name="a", weight=1), {"name": "b"}],
              "next_cursor": None}
    assert dumper(schema)(listed) == schema.dump(listed)


def test_a_schema_with_hooks_is_dumped_by_marshmallow_itself():
    schema = Shouting()
    assert dumper(schema)({"word": "hi"}) == {"word": "HI"}
