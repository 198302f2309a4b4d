"""The API documents stay true: each service's api.yaml examples are what its schemas
accept and return, and the error codes they name are ones the code raises."""
import re
from pathlib import Path

import pytest
import yaml

from coord.http import Api
from coord.settings import SERVICES

ROOT = Path(__file__).resolve().parents[2]
RAISED_CODES = set(re.findall(r'code="([a-z_]+)"', "\n".join(
    path.read_text(encoding="utf-8") for folder in ("services", "coord")
    for path in (ROOT / folder).rglob("*.py"))))
GENERIC_CODES = {"validation_failed", "unauthenticated", "forbidden", "not_found"}


def fields_outside(example, schema, components, where="example"):
    """The example's keys that the schema does not document, recursively."""
    if "$ref" in schema:
        schema = components[schema["$ref"].rsplit("/", 1)[-1]]
    for option in schema.get("allOf", []) + schema.get("oneOf", []):
        yield from fields_outside(example, option, components, where)
    if isinstance(example, dict) and "properties" in schema:
        for key, value in example.items():
            if key not in schema["properties"]:
                yield f"{where}.{key}"
            else:
                yield from fields_outside(value, schema["properties"][key], components,
                                          f"{where}.{key}")
    elif isinstance(example, list) and "items" in schema:
        for item in example:
            yield from fields_outside(item, schema["items"], components, f"{where}[]")


@pytest.mark.parametrize("name", SERVICES)
def test_examples_and_error_codes_are_true_to_the_service(services, name):
    service = services.start(name)
    notes = yaml.safe_load((ROOT / "services" / name / "api.yaml").read_text(encoding="utf-8"))
    document = service.client.get("/openapi.json").json()
    assert notes["description"].split("\n")[0] in document["info"]["description"]
    entrypoints = {entrypoint.method_name: entrypoint
                   for entrypoint in service.container.entrypoints if isinstance(entrypoint, Api)}
    operations = {operation["operationId"]: operation for methods in document["paths"].values()
                  for operation in methods.values()}
    components = document["components"]["schemas"]
    for operation_id, note in notes.get("operations", {}).items():
        assert operation_id in entrypoints, f"api.yaml documents no operation {operation_id}"
        body_schema = entrypoints[operation_id].body_schema
        if "request" in note and body_schema is not None:
            body_schema.load(note["request"])  # raises if the example would be refused
        if "response" in note:
            success = next(content for status, content in operations[operation_id][
                "responses"].items() if status < "400")
            schema = success["content"]["application/json"]["schema"]
            assert not list(fields_outside(note["response"], schema, components)), operation_id
        for status, codes in note.get("errors", {}).items():
            unknown = set(codes) - RAISED_CODES - GENERIC_CODES
            assert not unknown, f"{operation_id} names codes nothing raises: {unknown}"
            assert all(f"`{code}`" in operations[operation_id]["responses"][str(status)][
                "description"] for code in codes)


@pytest.mark.parametrize("module, columns, service, operation", [
    ("services.registration.exports", "PARTICIPANT_COLUMNS", "registration", "participants"),
    ("services.support.reports", "CSV_COLUMNS", "support", "ledger_csv"),
])
def test_csv_examples_have_the_columns_the_service_writes(module, columns, service,
                                                         operation):
    import importlib
    notes = yaml.safe_load((ROOT / "services" / service / "api.yaml").read_text("utf-8"))
    header = notes["operations"][operation]["examples"]["text/csv"].splitlines()[0]
    assert tuple(header.split(",")) == getattr(importlib.import_module(module), columns)
