"""Judge the shape of each source document against the JSON Schemas shipped in `schemas/`.

Required fields, unknown fields, types and closed vocabularies: the same files editors use
to complete and check what staff type, explained here in staff's words at the right line.
"""

from __future__ import annotations

import json
from functools import cache
from importlib import resources
from typing import TYPE_CHECKING, Any

import jsonschema

from vigie import messages as msg
from vigie.cache import fingerprint
from vigie.messages import Problem
from vigie.model import ComponentStatus, Impact, Kind, Status
from vigie.sources.kept import ProblemRecords, from_records, problem_records
from vigie.sources.load import SLUG_PATTERN, name_reason
from vigie.sources.yaml_messages import text_with_colon

if TYPE_CHECKING:
    from collections.abc import Iterator

    from vigie.memo import Memo
    from vigie.sources.load import Document


@cache
def schema(name: str) -> dict[str, Any]:
    """One of the shipped JSON Schemas: `incident`, `update`, `faq` or `communications`."""
    text = (
        resources.files("vigie.sources").joinpath(f"schemas/{name}.schema.json").read_text("utf-8")
    )
    return json.loads(text)


@cache
def _validator(name: str) -> jsonschema.Draft202012Validator:
    return jsonschema.Draft202012Validator(schema(name))


def _field_name(path: tuple[str | int, ...]) -> str:
    name = ".".join(str(key) for key in path if isinstance(key, str))
    if not name and path:  # an item of a top-level list (faq.yml, communications.yml)
        return msg.LIST_ITEM.format(number=int(path[-1]) + 1)
    return name or "(racine)"


def _example(subschema: dict[str, Any], root: dict[str, Any]) -> str:
    if "$ref" in subschema:
        subschema = root["$defs"][subschema["$ref"].rsplit("/", 1)[-1]]
    if "x-example" in subschema:
        return str(subschema["x-example"])
    if "enum" in subschema:
        return str(subschema["enum"][0])
    return "…"


def _type_name(value: Any) -> str:
    names = {str: "string", bool: "boolean", list: "array", dict: "object", int: "integer"}
    name = names.get(type(value), "number" if isinstance(value, float) else "null")
    return msg.TYPE_NAMES[name]


def structure_problems(doc: Document, schema_name: str) -> Iterator[Problem]:
    """Every way `doc` departs from its JSON Schema, in staff's words."""
    root = schema(schema_name)
    for error in _validator(schema_name).iter_errors(doc.data):
        path = tuple(error.absolute_path)
        if doc.refused(*path):  # load.py told why this value could not be read
            continue
        field = _field_name(path)
        kind = error.validator
        if kind == "required":
            for name in error.validator_value:
                if name not in error.instance:
                    example = f"{name}: {_example(error.schema['properties'][name], root)}"
                    yield Problem(
                        doc.path,
                        doc.line(*path),
                        msg.REQUIRED.format(field=name, example=example),
                    )
        elif kind == "additionalProperties" and error.schema.get("properties") is not None:
            allowed = sorted(error.schema["properties"])
            for name in error.instance:
                if name in allowed:
                    continue
                hint = msg.unknown_name_hint(name, allowed, msg.ALLOWED_FIELDS)
                yield Problem(
                    doc.path,
                    doc.key_line(*path, name),
                    msg.UNKNOWN_FIELD.format(field=name, hint=hint),
                )
        elif kind == "type" and error.schema.get("format") == "date-time":
            yield Problem(doc.path, doc.line(*path), msg.NOT_A_DATE.format(value=error.instance))
        elif kind == "type" and error.validator_value == "string" and path in doc.colon_texts:
            head, line = doc.colon_texts[path]
            yield Problem(doc.path, doc.line(*path), text_with_colon(field, head, line))
        elif kind == "type":
            expected = error.validator_value
            expected = expected[0] if isinstance(expected, list) else expected
            yield Problem(
                doc.path,
                doc.line(*path),
                msg.WRONG_TYPE.format(
                    field=field,
                    expected=msg.TYPE_NAMES[expected],
                    found=_type_name(error.instance),
                ),
            )
        elif kind == "enum" and isinstance(error.instance, (list, dict)):  # a word was meant
            found = _type_name(error.instance)
            expected = msg.TYPE_NAMES["string"]
            yield Problem(
                doc.path,
                doc.line(*path),
                msg.WRONG_TYPE.format(field=field, expected=expected, found=found),
            )
        elif kind == "enum":
            allowed = error.schema.get("x-allowed") or ", ".join(
                str(v) for v in error.validator_value
            )
            yield Problem(
                doc.path,
                doc.line(*path),
                msg.UNKNOWN_VALUE.format(value=error.instance, field=field, allowed=allowed),
            )
        elif kind == "minLength":
            yield Problem(doc.path, doc.line(*path), msg.EMPTY_VALUE.format(field=field))
        elif kind == "uniqueItems":
            yield Problem(doc.path, doc.line(*path), msg.DUPLICATE_VALUE.format(field=field))
        else:
            message = msg.BAD_FORMAT.format(
                field=field, value=error.instance, example=_example(error.schema, root)
            )
            reason = name_reason(error.instance) if isinstance(error.instance, str) else None
            if kind == "pattern" and error.validator_value == SLUG_PATTERN and reason:
                message = msg.NAME_REASON.format(message=message, reason=reason)
            yield Problem(doc.path, doc.line(*path), message)


def judged_structure(doc: Document, schema_name: str, judged: Memo | None) -> list[Problem]:
    """`structure_problems`, or what it found for this very text in an earlier check.

    The data and lines of a document follow from its text and first line alone (`yamldoc`),
    and the schema is part of the code that scopes `judged`.
    """
    if judged is None:
        return list(structure_problems(doc, schema_name))
    key = fingerprint(
        "structure", schema_name, doc.path, doc.first_line, doc.data is None, doc.text
    )
    found = judged.made(
        key, lambda: problem_records(structure_problems(doc, schema_name)), ProblemRecords
    )
    return from_records(found)


def check_schemas_match_model() -> list[str]:
    """Closed vocabularies in the schemas that differ from the model's enums (for tests)."""
    incident, update = schema("incident"), schema("update")
    pairs = [
        (incident["properties"]["kind"]["enum"], Kind),
        (incident["properties"]["impact"]["enum"], Impact),
        (update["properties"]["status"]["enum"], Status),
        (incident["$defs"]["components"]["additionalProperties"]["enum"], ComponentStatus),
    ]
    return [enum.__name__ for values, enum in pairs if sorted(values) != sorted(enum)]
