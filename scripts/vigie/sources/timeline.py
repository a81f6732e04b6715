"""An incident in time: its updates after its start, one per moment, and its end told by its
last update (and only then)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from vigie import messages as msg
from vigie.messages import Problem

if TYPE_CHECKING:
    from datetime import datetime

    from vigie.model import Update
    from vigie.sources.load import IncidentSources


def problems(
    sources: IncidentSources,
    started: datetime | None,
    resolved: datetime | None,
    published: list[Update],
) -> list[Problem]:
    """What is wrong with the moments of an incident (`started`, `resolved`, as read) and
    of its `published` updates, in date order."""
    doc = sources.incident
    assert doc is not None
    found: list[Problem] = []

    def report(path: str, line: int, message: str) -> None:
        found.append(Problem(path, line, message))

    by_date: dict[datetime, Update] = {}
    for update in published:
        path = str(update.source)
        source = next(s for s in sources.updates if s.path == path)
        line = source.front_matter.line("date")
        if started and update.date < started:
            report(
                path,
                line,
                msg.UPDATE_BEFORE_START.format(
                    date=update.date.isoformat(), started=started.isoformat()
                ),
            )
        if update.date in by_date:
            other = by_date[update.date].source.name
            report(
                path,
                line,
                msg.SAME_DATE_UPDATES.format(date=update.date.isoformat(), other=other),
            )
        by_date.setdefault(update.date, update)
    if started and resolved and resolved < started:
        report(doc.path, doc.line("resolved"), msg.RESOLVED_BEFORE_START)
    if not sources.update_files:
        report(doc.path, 1, msg.NO_UPDATES)
    if not published:
        return found
    last = published[-1]
    if resolved and not last.status.is_closed:
        report(
            doc.path,
            doc.line("resolved"),
            msg.RESOLVED_BUT_OPEN.format(last=last.source.name, status=last.status),
        )
    if last.status.is_closed and "resolved" not in (doc.data or {}):
        report(
            doc.path,
            doc.line("started"),
            msg.CLOSED_BUT_NOT_RESOLVED.format(status=last.status, example=last.date.isoformat()),
        )
    return found
