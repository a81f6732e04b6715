"""Facts derived from the model, computed once: versions, current states, timeline, history."""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, TypeVar

from vigie import french
from vigie.model import ComponentStatus, Impact

if TYPE_CHECKING:
    from datetime import date, datetime, timedelta

    from vigie.model import Component, Incident, NoticeState, Site, Update

T = TypeVar("T")


@dataclass(frozen=True)
class Version:
    """The notice as it stood right after update `number` (counted from 1)."""

    number: int
    update: Update
    state: NoticeState


@dataclass(frozen=True)
class IncidentView:
    incident: Incident
    updates: tuple[Update, ...]  # published, oldest first
    versions: tuple[Version, ...]

    @property
    def state(self) -> NoticeState:
        return self.versions[-1].state

    @property
    def last_update(self) -> Update:
        return self.updates[-1]

    @property
    def is_resolved(self) -> bool:
        return self.last_update.status.is_closed

    @property
    def duration(self) -> timedelta | None:
        if self.incident.resolved is None:
            return None
        return self.incident.resolved - self.incident.started


@dataclass(frozen=True)
class TimelineEntry:
    incident: IncidentView
    update: Update


@dataclass(frozen=True)
class SiteView:
    """What the public site says, derived once and used by pages, feeds and the API."""

    site: Site
    incidents: tuple[IncidentView, ...]  # newest start first
    component_states: tuple[tuple[Component, ComponentStatus], ...]
    indicator: Impact

    @property
    def unresolved(self) -> tuple[IncidentView, ...]:
        return tuple(i for i in self.incidents if not i.is_resolved)

    @property
    def resolved(self) -> tuple[IncidentView, ...]:
        return tuple(i for i in self.incidents if i.is_resolved)

    @property
    def updated_at(self) -> datetime | None:
        return max((i.last_update.date for i in self.incidents), default=None)


def apply_update(state: NoticeState, update: Update) -> NoticeState:
    """The notice after `update`: replaced fields replace, lists of events grow."""
    changes = update.changes
    components = dict(state.components) | dict(changes.components)
    return replace(
        state,
        status=update.status,
        impact=changes.impact or state.impact,
        components=tuple(sorted(components.items())),
        data_exposed=_pick(changes.data_exposed, state.data_exposed),
        data_not_exposed=_pick(changes.data_not_exposed, state.data_not_exposed),
        what_happened=_pick(changes.what_happened, state.what_happened),
        measures=state.measures + changes.measures,
        authorities=state.authorities + changes.authorities,
        recommendations=_pick(changes.recommendations, state.recommendations),
        breach=replace(state.breach, **dict(changes.breach)),
    )


def _pick(new: T | None, old: T) -> T:
    return old if new is None else new


def notice_versions(incident: Incident, updates: tuple[Update, ...]) -> tuple[Version, ...]:
    """Version n = `incident.yml` with updates 1..n applied."""
    versions = []
    state = incident.initial
    for number, update in enumerate(updates, start=1):
        state = apply_update(state, update)
        versions.append(Version(number, update, state))
    return tuple(versions)


def _component_impact(status: ComponentStatus) -> Impact:
    return {
        ComponentStatus.MAJOR_OUTAGE: Impact.MAJOR,
        ComponentStatus.PARTIAL_OUTAGE: Impact.MINOR,
        ComponentStatus.DEGRADED_PERFORMANCE: Impact.MINOR,
    }.get(status, Impact.NONE)


def site_view(site: Site) -> SiteView:
    """Everything the site shows, from the published incidents and updates."""
    views = []
    for incident in site.incidents:
        updates = tuple(u for u in incident.updates if not u.draft)
        if incident.draft or not updates:
            continue
        views.append(IncidentView(incident, updates, notice_versions(incident, updates)))
    views.sort(key=lambda v: (v.incident.started, v.incident.id), reverse=True)
    worst: dict[str, ComponentStatus] = {}
    for view in views:
        if view.is_resolved:
            continue
        for component_id, status in view.state.components:
            if component_id not in worst or status.rank > worst[component_id].rank:
                worst[component_id] = status
    component_states = tuple(
        (c, worst.get(c.id, ComponentStatus.OPERATIONAL)) for c in site.settings.components
    )
    impacts = [v.state.impact for v in views if not v.is_resolved]
    impacts += [_component_impact(status) for _, status in component_states]
    indicator = max(impacts, key=lambda i: i.rank, default=Impact.NONE)
    return SiteView(site, tuple(views), component_states, indicator)


def timeline(view: SiteView) -> tuple[tuple[date, tuple[TimelineEntry, ...]], ...]:
    """Every published update, newest first, grouped by day in the site's time zone."""
    timezone = view.site.settings.timezone
    entries = sorted(
        (TimelineEntry(i, u) for i in view.incidents for u in i.updates),
        key=lambda e: (e.update.date, e.incident.incident.id, e.update.slug),
        reverse=True,
    )
    days: dict[date, list[TimelineEntry]] = {}
    for entry in entries:
        days.setdefault(french.local(entry.update.date, timezone).date(), []).append(entry)
    return tuple((day, tuple(items)) for day, items in days.items())


def history(view: SiteView) -> tuple[tuple[tuple[int, int], tuple[IncidentView, ...]], ...]:
    """Every published incident, newest first, grouped by the month it started."""
    timezone = view.site.settings.timezone
    months: dict[tuple[int, int], list[IncidentView]] = {}
    for incident in view.incidents:
        start = french.local(incident.incident.started, timezone)
        months.setdefault((start.year, start.month), []).append(incident)
    return tuple((month, tuple(items)) for month, items in months.items())
