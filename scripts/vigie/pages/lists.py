"""The pages that list the site: home, timeline, history, FAQ."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from vigie import derive, french
from vigie.pages.rows import (
    Badge,
    ComponentRow,
    FaqRow,
    IncidentRow,
    UpdateRow,
    When,
    component_rows,
    day_of,
    incident_row,
    status_badge,
    update_row,
    when_of,
)
from vigie.states import IMPACT_LEVELS
from vigie.urls import faq_anchor, follow, incident_url

if TYPE_CHECKING:
    from collections.abc import Iterable

    from vigie.derive import IncidentView, SiteView
    from vigie.model import FaqEntry, Settings
    from vigie.urls import ComponentFeeds


RECENT_RESOLVED = 5


@dataclass(frozen=True)
class MaintenanceRow:
    title: str
    url: str
    badge: Badge
    start: When
    end: When
    summary: str


@dataclass(frozen=True)
class HomeContext:
    overall: Badge
    banners: tuple[IncidentRow, ...]
    components: tuple[ComponentRow, ...]
    unresolved: tuple[IncidentRow, ...]
    recent: tuple[IncidentRow, ...]
    updated: When | None
    maintenances: tuple[MaintenanceRow, ...] = ()
    follow_components: tuple[ComponentFeeds, ...] = ()  # each service's feeds, to follow one


@dataclass(frozen=True)
class TimelineDay:
    when: When
    entries: tuple[UpdateRow, ...]


@dataclass(frozen=True)
class Timeline:
    days: tuple[TimelineDay, ...]
    shown: int  # updates on the page
    older: int  # updates left off, older than the last one shown
    intro: str  # every update, or the newest ones
    older_text: str  # how many are left off, in words; "" for none


# The timeline shows the newest updates only: a page listing all 10,000 updates of a long
# history weighs 7 MB; older ones stay on their notices, reached from /history/.
TIMELINE_ENTRIES = 100


@dataclass(frozen=True)
class HistoryMonth:
    label: str
    anchor: str
    incidents: tuple[IncidentRow, ...]


@dataclass(frozen=True)
class FaqSection:
    title: str
    url: str
    entries: tuple[FaqRow, ...] = field(default_factory=tuple)


def _faq_rows(entries: Iterable[FaqEntry], prefix: str) -> tuple[FaqRow, ...]:
    return tuple(FaqRow(f"{prefix}{e.id}", e.question, e.answer) for e in entries)


def home(view: SiteView) -> HomeContext:
    settings = view.site.settings
    level, icon = IMPACT_LEVELS[view.indicator]
    unresolved = tuple(incident_row(i, settings) for i in view.unresolved)
    return HomeContext(
        overall=Badge(view.headline, level, icon),
        banners=unresolved,
        components=component_rows(((c.id, s) for c, s in view.component_states), settings),
        unresolved=unresolved,
        recent=tuple(incident_row(i, settings) for i in view.resolved[:RECENT_RESOLVED]),
        updated=when_of(view.updated_at, settings) if view.updated_at else None,
        maintenances=tuple(maintenance_row(i, settings) for i in view.maintenances),
        follow_components=follow(settings).components,
    )


# Where several open incidents share the worst impact, the least advanced one speaks.
def maintenance_row(view: IncidentView, settings: Settings) -> MaintenanceRow:
    incident = view.incident
    start = incident.planned_start or incident.started
    return MaintenanceRow(
        title=incident.title,
        url=incident_url(incident.id),
        badge=Badge(french.label(view.last_update.status), "maintenance", "material/wrench"),
        start=when_of(start, settings),
        end=when_of(incident.planned_end or start, settings),
        summary=incident.summary,
    )


def timeline(view: SiteView, limit: int = TIMELINE_ENTRIES) -> Timeline:
    """The newest `limit` published updates, by day; how many older ones are left off."""
    settings = view.site.settings
    days = []
    shown = total = 0
    for day, entries in derive.timeline(view):
        total += len(entries)
        rows = []
        for entry in entries[: max(0, limit - shown)]:
            number = entry.incident.updates.index(entry.update)
            state = entry.incident.versions[number].state
            badge = status_badge(entry.incident, state)
            rows.append(update_row(entry.incident, entry.update, settings, badge))
        shown += len(rows)
        if rows:
            days.append(TimelineDay(day_of(day), tuple(rows)))
    older = total - shown
    return Timeline(
        tuple(days), shown, older, french.timeline_intro(shown, older), french.older_updates(older)
    )


def history(view: SiteView) -> tuple[HistoryMonth, ...]:
    settings = view.site.settings
    return tuple(
        HistoryMonth(
            french.month_text(year, month),
            f"{year}-{month:02d}",
            tuple(incident_row(i, settings) for i in incidents),
        )
        for (year, month), incidents in derive.history(view)
    )


def faq(view: SiteView) -> tuple[FaqSection, ...]:
    sections = [FaqSection(french.GENERAL_QUESTIONS, "", _faq_rows(view.site.faq, ""))]
    for incident in view.incidents:
        if incident.incident.faq:
            sections.append(
                FaqSection(
                    incident.incident.title,
                    incident_url(incident.incident.id),
                    tuple(
                        FaqRow(faq_anchor(e), e.question, e.answer) for e in incident.incident.faq
                    ),
                )
            )
    return tuple(s for s in sections if s.entries)
