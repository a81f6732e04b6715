"""Facts derived from the model, computed once: versions, current states, timeline, history."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import UTC, datetime
from typing import TYPE_CHECKING, TypeVar

from vigie import french
from vigie.model import ComponentStatus, Impact, Status

if TYPE_CHECKING:
    from collections.abc import Iterator, Mapping
    from datetime import date, timedelta

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
    updates: tuple[Update, ...]  # published (in a preview: all), oldest first
    versions: tuple[Version, ...]
    now: datetime | None = None  # updates dated after it are scheduled

    def is_scheduled(self, update: Update) -> bool:
        """Dated after "now": only a preview shows it."""
        return self.now is not None and update.date > self.now

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
    def resolved(self) -> datetime | None:
        """The end `incident.yml` gives, once the update that closes it is published."""
        return published_end(self.incident, self.state)

    @property
    def duration(self) -> timedelta | None:
        """From start to the published end; None while no closing update is published."""
        if self.resolved is None:
            return None
        return self.resolved - self.incident.started


@dataclass(frozen=True)
class TimelineEntry:
    incident: IncidentView
    update: Update


@dataclass(frozen=True)
class SiteView:
    """What the public site says, derived once and used by pages, feeds and the API."""

    site: Site
    incidents: tuple[IncidentView, ...]  # newest start first, planned maintenance included
    component_states: tuple[tuple[Component, ComponentStatus], ...]
    indicator: Impact
    now: datetime | None = None  # updates dated after it are not published yet
    preview: bool = False  # drafts and scheduled updates shown, marked: never to publish

    @property
    def unresolved(self) -> tuple[IncidentView, ...]:
        """Open incidents (planned maintenance has its own block)."""
        return tuple(
            i for i in self.incidents if not i.is_resolved and not i.incident.is_maintenance
        )

    @property
    def resolved(self) -> tuple[IncidentView, ...]:
        return tuple(i for i in self.incidents if i.is_resolved and not i.incident.is_maintenance)

    @property
    def maintenances(self) -> tuple[IncidentView, ...]:
        """Planned maintenance not completed yet, soonest first."""
        open_ones = [i for i in self.incidents if i.incident.is_maintenance and not i.is_resolved]
        return tuple(sorted(open_ones, key=lambda i: (_planned_start(i), i.incident.id)))

    @property
    def updated_at(self) -> datetime | None:
        return max((i.last_update.date for i in self.incidents), default=None)

    @property
    def headline_status(self) -> Status | None:
        """The status the site's headline tells: that of an open incident of the overall impact.

        Among the open incidents of that impact (else, when the impact comes from a service's
        state, among all open incidents), the least advanced; None when no incident is open.
        """
        unresolved = self.unresolved
        worst = [i for i in unresolved if i.state.impact == self.indicator] or unresolved
        statuses = {i.state.status for i in worst}
        return next((s for s in _HEADLINE_ORDER if s in statuses), None)

    @property
    def headline(self) -> str:
        """The site's state in one French sentence: home page, site badge and `vigie status`."""
        return french.headline(self.indicator, self.headline_status)


# The least advanced first: a headline never says more is known than of its slowest incident.
_HEADLINE_ORDER = (Status.INVESTIGATING, Status.IDENTIFIED, Status.MONITORING)


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


def published_end(incident: Incident, state: NoticeState) -> datetime | None:
    """`resolved` (for maintenance, its completion) as a notice in `state` may say it.

    `incident.yml` may already give the end while the update that resolves or completes the
    incident is dated after "now": until that update is published, the end is not told.
    """
    closed = state.status is not None and state.status.is_closed
    return incident.resolved if closed else None


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


def _planned_start(view: IncidentView) -> datetime:
    return view.incident.planned_start or view.incident.started


def publication_time(environ: Mapping[str, str]) -> datetime:
    """ "Now" for scheduled updates: `SOURCE_DATE_EPOCH` when set, else the clock."""
    epoch = environ.get("SOURCE_DATE_EPOCH", "").strip()
    if epoch.isdigit():
        return datetime.fromtimestamp(int(epoch), tz=UTC)
    return datetime.now(tz=UTC)


def is_published(update: Update, now: datetime | None) -> bool:
    """Neither a draft nor dated after `now`."""
    return not update.draft and (now is None or update.date <= now)


def scheduled_updates(site: Site, now: datetime) -> tuple[Update, ...]:
    """Updates dated after `now` (drafts aside), soonest first: published by a later build."""
    return tuple(
        sorted(
            (
                u
                for i in site.incidents
                if not i.draft
                for u in i.updates
                if not u.draft and u.date > now
            ),
            key=lambda u: (u.date, u.incident_id, u.slug),
        )
    )


def site_view(site: Site, now: datetime | None = None, preview: bool = False) -> SiteView:
    """Everything the site shows: the incidents and updates published at `now`.

    With `preview`, drafts and scheduled updates are included too (for `vigie serve
    --drafts` only: such a build is never published).
    """
    views = [
        IncidentView(incident, updates, notice_versions(incident, updates), now)
        for incident, updates in _shown(site, now, preview)
    ]
    views.sort(key=lambda v: (v.incident.started, v.incident.id), reverse=True)
    worst: dict[str, ComponentStatus] = {}
    for view in views:
        if view.is_resolved or view.last_update.status == Status.SCHEDULED:
            continue
        for component_id, status in view.state.components:
            if component_id not in worst or status.rank > worst[component_id].rank:
                worst[component_id] = status
    component_states = tuple(
        (c, worst.get(c.id, ComponentStatus.OPERATIONAL)) for c in site.settings.components
    )
    impacts = [v.state.impact for v in views if not v.is_resolved and not v.incident.is_maintenance]
    impacts += [_component_impact(status) for _, status in component_states]
    indicator = max(impacts, key=lambda i: i.rank, default=Impact.NONE)
    return SiteView(site, tuple(views), component_states, indicator, now, preview)


def published_count(site: Site, now: datetime | None) -> tuple[int, int]:
    """How many incidents and updates `site_view(site, now)` shows, without making it."""
    shown = list(_shown(site, now, preview=False))
    return len(shown), sum(len(updates) for _, updates in shown)


def _shown(
    site: Site, now: datetime | None, preview: bool
) -> Iterator[tuple[Incident, tuple[Update, ...]]]:
    """Each incident the site shows at `now`, with the updates it shows."""
    for incident in site.incidents:
        updates = tuple(u for u in incident.updates if preview or is_published(u, now))
        if updates and (preview or not incident.draft):
            yield incident, updates


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
