"""The problems a check found, as the build cache keeps them (JSON): a list for each."""

from __future__ import annotations

from typing import TYPE_CHECKING

from vigie.messages import Problem

if TYPE_CHECKING:
    from collections.abc import Iterable

# The shape of the kept problems (`vigie.shapes`): [path, line, message] for each.
ProblemRecords = list[tuple[str, int, str]]


def problem_records(problems: Iterable[Problem]) -> list[list[str | int]]:
    """`problems` as the cache keeps them (`ProblemRecords`)."""
    return [[p.path, p.line, p.message] for p in problems]


def from_records(records: ProblemRecords) -> list[Problem]:
    """The problems `problem_records` kept."""
    return [Problem(*record) for record in records]
