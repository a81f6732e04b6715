"""The pieces every page shows: a moment, a state badge, a row per update, incident, component."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from vigie import french
from vigie.states import IMPACT_LEVELS, LEVELS
from vigie.urls import incident_url, update_anchor

if TYPE_CHECKING:
    from collections.abc import Iterable
    from datetime import date, datetime

    from vigie.derive import IncidentView
    from vigie.model import ComponentStatus, NoticeState, Settings, Update


@dataclass(frozen=True)
class When:
    """A moment as people read it and as machines read it (`<time datetime>`)."""

    iso: str
    text: str


@dataclass(frozen=True)
class Badge:
    """A state shown with words, an icon and a colour class, never colour alone."""

    text: str
    level: str  # ok | minor | major | critical | maintenance: a CSS class, not a meaning
    icon: str  # Material icon path under .icons/


@dataclass(frozen=True)
class ComponentRow:
    name: str
    description: str
    badge: Badge


@dataclass(frozen=True)
class DataRow:
    label: str
    sensitive: bool


@dataclass(frozen=True)
class CorrectionRow:
    when: When
    reason: str


@dataclass(frozen=True)
class UpdateRow:
    anchor: str
    title: str
    badge: Badge
    when: When
    body: str
    corrections: tuple[CorrectionRow, ...]
    url: str = ""
    incident_title: str = ""
    draft_label: str = ""  # shown in previews only: drafts and scheduled updates


@dataclass(frozen=True)
class FaqRow:
    anchor: str
    question: str
    answer: str
    url: str = ""  # where the answer is, from an incident page: the question on /faq/


@dataclass(frozen=True)
class IncidentRow:
    title: str
    url: str
    summary: str
    badge: Badge
    started: When
    last_update: When
    resolved: When | None
    duration: str


def when_of(moment: datetime, settings: Settings) -> When:
    return When(
        french.iso(moment, settings.timezone), french.datetime_text(moment, settings.timezone)
    )


def day_of(day: date) -> When:
    return When(day.isoformat(), french.weekday_date_text(day))


def status_badge(view: IncidentView, state: NoticeState) -> Badge:
    assert state.status is not None
    if state.status.is_closed:
        level, icon = "ok", "material/check-circle"
    else:
        level, icon = IMPACT_LEVELS[state.impact]
    return Badge(french.label(state.status), level, icon)


def component_rows(
    states: Iterable[tuple[str, ComponentStatus]], settings: Settings
) -> tuple[ComponentRow, ...]:
    order = {c.id: index for index, c in enumerate(settings.components)}
    rows = []
    for component_id, status in sorted(states, key=lambda s: order[s[0]]):
        component = settings.component(component_id)
        level, icon = LEVELS[status]
        rows.append(
            ComponentRow(
                component.name, component.description, Badge(french.label(status), level, icon)
            )
        )
    return tuple(rows)


def data_rows(ids: Iterable[str], settings: Settings) -> tuple[DataRow, ...]:
    return tuple(
        DataRow(settings.data_category(i).label, settings.data_category(i).sensitive) for i in ids
    )


def preview_label(view: IncidentView, update: Update, settings: Settings) -> str:
    """Why a preview shows an update the public site does not: draft or scheduled."""
    if update.draft:
        return french.DRAFT_UPDATE
    if view.is_scheduled(update):
        return french.scheduled_label(update.date, settings.timezone)
    return ""


def update_row(view: IncidentView, update: Update, settings: Settings, status: Badge) -> UpdateRow:
    return UpdateRow(
        draft_label=preview_label(view, update, settings),
        anchor=update_anchor(update),
        title=update.title,
        badge=status,
        when=when_of(update.date, settings),
        body=update.body,
        corrections=tuple(
            CorrectionRow(when_of(c.date, settings), c.reason) for c in update.corrections
        ),
        url=incident_url(view.incident.id, update_anchor(update)),
        incident_title=view.incident.title,
    )


def incident_row(view: IncidentView, settings: Settings) -> IncidentRow:
    incident = view.incident
    return IncidentRow(
        title=incident.title,
        url=incident_url(incident.id),
        summary=incident.summary,
        badge=status_badge(view, view.state),
        started=when_of(incident.started, settings),
        last_update=when_of(view.last_update.date, settings),
        resolved=when_of(view.resolved, settings) if view.resolved else None,
        duration=french.duration_text(view.duration) if view.duration else "",
    )
