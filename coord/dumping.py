"""`dumper(schema)`: a function that gives exactly what `schema.dump` gives, faster.

marshmallow dumps every value of every object through several calls (`Field.serialize`,
`get_value`, the schema's accessor, `_serialize`): for a page of 50 rows that was about
half of a list request. A dumper reads each field's plan once, when the schema is first
used, and then does per value only what marshmallow would do to that value: a field
whose type formats nothing (`Boolean`, `Raw`) passes the value on, a `String` passes a
`str` on, an `Integer` an `int`, a date or time is formatted by the same function
marshmallow picks for the field's format, `Nested` and `List` dump their contents the
same way. Whatever it does not know as such (a custom field, a `Method`, a `Decimal`, a
dotted `attribute`, a `dump_default`, a schema with `pre_dump`/`post_dump` hooks or its
own accessor) is left to marshmallow itself, field by field or schema by schema, so the
result is always marshmallow's.
"""
from marshmallow import Schema, fields, missing
from marshmallow.decorators import POST_DUMP, PRE_DUMP


def dumper(schema):
    """`dump(obj, many=None)`, equal to `schema.dump(obj, many=many)`."""
    if (schema._hooks[PRE_DUMP] or schema._hooks[POST_DUMP]
            or type(schema).dump is not Schema.dump
            or type(schema)._serialize is not Schema._serialize):
        return schema.dump
    one = _ObjectDumper(schema)

    def dump(obj, many=None):
        if (schema.many if many is None else many) and obj is not None:
            return [one(item) for item in obj]
        return one(obj)

    return dump


class _ObjectDumper:
    """One object as `schema._serialize(obj)` makes it; the plan is made at first use, so a
    schema that nests itself is planned one level at a time."""

    def __init__(self, schema):
        self._schema = schema
        self._plan = None

    def __call__(self, obj):
        if self._plan is None:
            self._plan = [_step(self._schema, name, field)
                          for name, field in self._schema.dump_fields.items()]
        lookup = _item_or_attribute if hasattr(obj, "__getitem__") else getattr
        result = self._schema.dict_class()
        for key, attribute, convert, serialize in self._plan:
            if serialize is not None:
                value = serialize(obj)
            else:
                value = lookup(obj, attribute, missing)
                if value is not missing and convert is not None:
                    value = convert(value, obj)
            if value is not missing:
                result[key] = value
        return result


def _item_or_attribute(obj, name, default):
    """marshmallow's lookup on anything indexable: `obj[name]`, else `obj.name`."""
    try:
        return obj[name]
    except (KeyError, IndexError, TypeError, AttributeError):
        return getattr(obj, name, default)


def _step(schema, name, field):
    """(output key, attribute, convert(value, obj) or None to pass the value on,
    serialize(obj) when marshmallow must read and convert the value itself)."""
    key = field.data_key if field.data_key is not None else name
    attribute = field.attribute if field.attribute is not None else name
    plain_lookup = (field._CHECK_ATTRIBUTE and field.dump_default is missing
                    and "." not in attribute
                    and type(field).get_value is fields.Field.get_value
                    and type(schema).get_attribute is Schema.get_attribute)
    if not plain_lookup:
        return key, attribute, None, (
            lambda obj: field.serialize(name, obj, accessor=schema.get_attribute))
    return key, attribute, _converter(field, name), None


def _converter(field, name):
    """convert(value, obj) doing what `field._serialize(value, name, obj)` does, or None
    when that returns the value unchanged."""
    serialize = type(field)._serialize
    if serialize is fields.Field._serialize:
        return None
    if serialize is fields.String._serialize:
        return _passing(str, field, name)
    if (serialize is fields.Number._serialize and not field.as_string
            and type(field)._format_num is fields.Number._format_num):
        return _passing(field.num_type, field, name)
    if serialize is fields._TemporalField._serialize:
        format_value = field.SERIALIZATION_FUNCS.get(field.format or field.DEFAULT_FORMAT)
        if format_value is not None:
            return lambda value, obj: None if value is None else format_value(value)
    if serialize is fields.Nested._serialize:
        return _nested(field)
    if serialize is fields.List._serialize:
        inner = _converter(field.inner, name)
        if inner is None:
            return lambda value, obj: None if value is None else list(value)
        return lambda value, obj: (None if value is None
                                   else [inner(each, obj) for each in value])
    return lambda value, obj: field._serialize(value, name, obj)


def _passing(kind, field, name):
    """A value already of exactly `kind` (or None) is what marshmallow returns for it."""
    def convert(value, obj):
        if value is None or value.__class__ is kind:
            return value
        return field._serialize(value, name, obj)
    return convert


def _nested(field):
    dump = None

    def convert(value, obj):
        nonlocal dump
        schema = field.schema
        if value is None:
            return None
        if dump is None:
            dump = dumper(schema)
        return dump(value, many=schema.many or field.many)
    return convert
