"""`[[à compléter : …]]` marks what a scaffolded file (`vigie new`) still needs.

While any is left, `vigie check` fails and lists each one with its line, so nothing
half-written is ever published.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

from vigie import messages as msg
from vigie.messages import Problem

if TYPE_CHECKING:
    from collections.abc import Iterator

    from vigie.sources.load import Document, UpdateSource

PLACEHOLDER = re.compile(r"\[\[\s*à compléter\s*:?\s*(?P<what>[^\]]*?)\s*\]\]", re.IGNORECASE)


def contains(value: Any) -> bool:
    """Whether `value` is text holding a placeholder."""
    return isinstance(value, str) and PLACEHOLDER.search(value) is not None


def _in_text(text: str, path: str, first_line: int) -> Iterator[Problem]:
    for index, line in enumerate(text.split("\n")):
        for found in PLACEHOLDER.finditer(line):
            yield Problem(path, first_line + index, msg.TO_COMPLETE.format(what=found["what"]))


def in_document(doc: Document) -> Iterator[Problem]:
    """Every placeholder left in a YAML document, at its own line."""

    def walk(value: Any, keys: tuple[str | int, ...]) -> Iterator[Problem]:
        if isinstance(value, dict):
            for key, item in value.items():
                yield from _in_text(key, doc.path, doc.key_line(*keys, key))
                yield from walk(item, (*keys, key))
        elif isinstance(value, list):
            for index, item in enumerate(value):
                yield from walk(item, (*keys, index))
        elif isinstance(value, str):
            yield from _in_text(value, doc.path, doc.text_line(*keys))

    yield from walk(doc.data, ())


def in_update(source: UpdateSource) -> Iterator[Problem]:
    """Every placeholder left in an update: its front matter and its text."""
    yield from in_document(source.front_matter)
    yield from _in_text(source.body, source.path, source.body_line)
