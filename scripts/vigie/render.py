"""What each generated page shows: plain data for the templates in `overrides/vigie/`.

Templates only lay these values out; every decision (order, labels, dates, which state a
component is in) is made here or in `derive`.
"""

from __future__ import annotations

import html
from dataclasses import dataclass, field
from functools import partial
from typing import TYPE_CHECKING, Any

import markdown
import yaml
from markdown.extensions import Extension
from markdown.treeprocessors import Treeprocessor
from markupsafe import Markup

from vigie import derive, feeds, french
from vigie.model import ComponentStatus, Impact, Kind, Status

if TYPE_CHECKING:
    from collections.abc import Callable, Iterable
    from datetime import date, datetime
    from xml.etree.ElementTree import Element

    from vigie.derive import IncidentView, SiteView
    from vigie.feeds import FeedLink
    from vigie.model import FaqEntry, NoticeState, Party, Settings, Update

RECENT_RESOLVED = 5
# The incident page shows its newest update in full; earlier ones are one line each, linking
# to the version page that shows them in full (GOV.UK's "updates to this page" pattern).
# One, not two: with two, the example breach notice weighs 8.0 KiB of gzip and 339 of the
# 1,000 synthetic notices of `vigie.pageweight` (up to 8.5) go over issue 7's 8 KiB budget
# for a repeat visit; with one, the largest of them weighs 7.9.
LATEST_IN_FULL = 1


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
class AuthorityRow:
    name: str
    when: When
    note: str


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
class EarlierUpdateRow:
    """An earlier update on the incident page: one line, its full text on its version page."""

    anchor: str  # the update's public anchor, kept on the incident page
    title: str
    badge: Badge
    when: When
    version: int
    url: str  # the version page that shows it in full, at the same anchor
    corrections: tuple[CorrectionRow, ...]
    draft_label: str = ""


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


@dataclass(frozen=True)
class VersionRow:
    """One line of the "Historique des versions" block."""

    number: int
    url: str
    when: When
    badge: Badge
    title: str
    changes: tuple[str, ...]
    corrections: tuple[CorrectionRow, ...]
    is_shown: bool


@dataclass(frozen=True)
class CommunicationRow:
    when: When
    channel: str
    sender: str
    subject: str
    audience: str


@dataclass(frozen=True)
class PartyRow:
    name: str
    role: str


@dataclass(frozen=True)
class BreachSections:
    """What a personal-data breach notice adds (GDPR art. 34), ready to show."""

    discovered: When | None
    exposure_start: When | None
    exposure_end: When | None
    concerned: str
    individual_notice: str
    consequences: tuple[str, ...]
    planned_measures: tuple[str, ...]
    controller: PartyRow | None
    processor: PartyRow | None
    rights: str
    communications: tuple[CommunicationRow, ...]
    never_ask: tuple[str, ...]
    data_summary: str  # one sentence for "L'essentiel"


@dataclass(frozen=True)
class Notice:
    """The incident page, or one of its permanent versions."""

    title: str
    summary: str
    kind: str
    badge: Badge
    impact: str
    started: When
    resolved: When | None
    what_happened: str
    data_exposed: tuple[DataRow, ...]
    data_not_exposed: tuple[DataRow, ...]
    components: tuple[ComponentRow, ...]
    measures: tuple[str, ...]
    authorities: tuple[AuthorityRow, ...]
    recommendations: tuple[str, ...]
    contact_name: str
    contact_email: str
    contact_url: str
    contact_phone: str
    updates: tuple[UpdateRow, ...]  # every update up to the version shown, newest first
    faq: tuple[FaqRow, ...]
    versions: tuple[VersionRow, ...]  # newest first, up to the one shown
    in_full: tuple[UpdateRow, ...]  # the updates the page shows in full, newest first
    earlier: tuple[EarlierUpdateRow, ...]  # the others, one line each (incident page only)
    is_version_page: bool  # /versions/<n>/, the archive, rather than the incident page
    history_url: str  # the version history, on the page of the newest version
    version: int
    version_when: When
    version_count: int
    current_url: str
    is_current: bool
    feeds: tuple[FeedLink, ...] = ()  # the incident's own feeds, for its page
    breach: BreachSections | None = None  # only for personal-data breaches
    consequences_title: str = "Conséquences sur nos services"
    draft_label: str = ""  # a draft incident, in a preview
    postmortem: str = ""  # Markdown of the latest post-incident review, if any
    planned_start: When | None = None  # planned maintenance
    planned_end: When | None = None


@dataclass(frozen=True)
class GeneratedPage:
    """One page Vigie adds to the MkDocs site."""

    uri: str
    title: str
    template: str
    # What the template shows, made when the page is rendered and then let go: the notices
    # of 11,000 version pages held at once would not fit in the build's memory budget.
    make_context: Callable[[], Any]
    search_text: str
    searchable: bool = True
    source: str = ""
    in_nav: bool = False
    updated: str = ""  # YYYY-MM-DD of the newest thing the page says: the sitemap's lastmod

    @property
    def context(self) -> Any:
        return self.make_context()

    @property
    def markdown(self) -> str:
        meta: dict[str, Any] = {"title": self.title, "template": self.template}
        if not self.searchable:
            meta["search"] = {"exclude": True}
        return f"---\n{yaml.safe_dump(meta, allow_unicode=True, sort_keys=True)}---\n"

    @property
    def search_html(self) -> str:
        """The only text MkDocs sees as page content: what search indexes."""
        return f"<p>{html.escape(self.search_text)}</p>"


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


@dataclass(frozen=True)
class TimelineDay:
    when: When
    entries: tuple[UpdateRow, ...]


@dataclass(frozen=True)
class Timeline:
    days: tuple[TimelineDay, ...]
    shown: int  # updates on the page
    older: int  # updates left off, older than the last one shown


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


LEVELS = {
    ComponentStatus.OPERATIONAL: ("ok", "material/check-circle"),
    ComponentStatus.UNDER_MAINTENANCE: ("maintenance", "material/wrench"),
    ComponentStatus.DEGRADED_PERFORMANCE: ("minor", "material/alert-circle"),
    ComponentStatus.PARTIAL_OUTAGE: ("major", "material/alert"),
    ComponentStatus.MAJOR_OUTAGE: ("critical", "material/close-octagon"),
}
IMPACT_LEVELS = {
    Impact.NONE: ("ok", "material/check-circle"),
    Impact.MINOR: ("minor", "material/alert-circle"),
    Impact.MAJOR: ("major", "material/alert"),
    Impact.CRITICAL: ("critical", "material/close-octagon"),
}


def incident_url(incident_id: str) -> str:
    return f"incidents/{incident_id}/"


def version_url(incident_id: str, number: int) -> str:
    return f"incidents/{incident_id}/versions/{number}/"


def _when(moment: datetime, settings: Settings) -> When:
    return When(
        french.iso(moment, settings.timezone), french.datetime_text(moment, settings.timezone)
    )


def _day(day: date) -> When:
    return When(day.isoformat(), french.weekday_date_text(day))


def _status_badge(view: IncidentView, state: NoticeState) -> Badge:
    assert state.status is not None
    if state.status.is_closed:
        level, icon = "ok", "material/check-circle"
    else:
        level, icon = IMPACT_LEVELS[state.impact]
    return Badge(french.label(state.status), level, icon)


def _component_rows(
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


def _data_rows(ids: Iterable[str], settings: Settings) -> tuple[DataRow, ...]:
    return tuple(
        DataRow(settings.data_category(i).label, settings.data_category(i).sensitive) for i in ids
    )


def preview_label(view: IncidentView, update: Update, settings: Settings) -> str:
    """Why a preview shows an update the public site does not: draft or scheduled."""
    if update.draft:
        return "BROUILLON : non publié"
    if view.is_scheduled(update):
        when = french.datetime_text(update.date, settings.timezone)
        return f"PROGRAMMÉE : publiée à partir du {when}"
    return ""


def _update_row(view: IncidentView, update: Update, settings: Settings, status: Badge) -> UpdateRow:
    return UpdateRow(
        draft_label=preview_label(view, update, settings),
        anchor=update.slug,
        title=update.title,
        badge=status,
        when=_when(update.date, settings),
        body=update.body,
        corrections=tuple(
            CorrectionRow(_when(c.date, settings), c.reason) for c in update.corrections
        ),
        url=f"{incident_url(view.incident.id)}#{update.slug}",
        incident_title=view.incident.title,
    )


def faq_anchor(entry: FaqEntry) -> str:
    """The anchor of a question on /faq/: the incident id, then the question's id."""
    return f"{entry.incident_id}-{entry.id}" if entry.incident_id else entry.id


def _faq_rows(entries: Iterable[FaqEntry], prefix: str) -> tuple[FaqRow, ...]:
    return tuple(FaqRow(f"{prefix}{e.id}", e.question, e.answer) for e in entries)


def _incident_faq_links(entries: Iterable[FaqEntry]) -> tuple[FaqRow, ...]:
    """An incident's questions as its page lists them: each links to its answer on /faq/.

    The page keeps the anchors it had when it showed the answers (`#faq-<id>`).
    """
    return tuple(
        FaqRow(f"faq-{e.id}", e.question, e.answer, f"faq/#{faq_anchor(e)}") for e in entries
    )


def _earlier_row(row: UpdateRow, version: int, incident_id: str) -> EarlierUpdateRow:
    return EarlierUpdateRow(
        anchor=row.anchor,
        title=row.title,
        badge=row.badge,
        when=row.when,
        version=version,
        url=f"{version_url(incident_id, version)}#{row.anchor}",
        corrections=row.corrections,
        draft_label=row.draft_label,
    )


def notice(view: IncidentView, settings: Settings, number: int | None = None) -> Notice:
    """The incident notice at version `number` (the current one when None)."""
    count = len(view.versions)
    version = view.versions[(number or count) - 1]
    state = version.state
    incident = view.incident
    update_rows = []
    version_rows = []
    previous = incident.initial
    for v in view.versions[: version.number]:
        badge = _status_badge(view, v.state)
        row = _update_row(view, v.update, settings, badge)
        update_rows.append(row)
        version_rows.append(
            VersionRow(
                number=v.number,
                url=version_url(incident.id, v.number),
                when=row.when,
                badge=badge,
                title=v.update.title,
                changes=describe_changes(previous, v.state, settings),
                corrections=row.corrections,
                is_shown=v.number == version.number,
            )
        )
        previous = v.state
    is_current = version.number == count
    # Newest first. A version page is the archive: it shows every update in full.
    updates = tuple(reversed(update_rows))
    in_full = updates if number else updates[:LATEST_IN_FULL]
    earlier = tuple(
        _earlier_row(row, version.number - index, incident.id)
        for index, row in enumerate(updates)
        if index >= len(in_full)
    )
    resolved = incident.resolved if is_current or state.status.is_closed else None  # type: ignore[union-attr]
    return Notice(
        title=incident.title,
        summary=incident.summary,
        kind=french.label(incident.kind),
        badge=_status_badge(view, state),
        impact=french.label(state.impact),
        started=_when(incident.started, settings),
        resolved=_when(resolved, settings) if resolved else None,
        what_happened=state.what_happened,
        data_exposed=_data_rows(state.data_exposed, settings),
        data_not_exposed=_data_rows(state.data_not_exposed, settings),
        components=_component_rows(state.components, settings),
        measures=state.measures,
        authorities=tuple(
            AuthorityRow(a.name, _when(a.date, settings), a.note)
            for a in sorted(state.authorities, key=lambda a: (a.date, a.name))
        ),
        recommendations=state.recommendations,
        contact_name=incident.contact.name,
        contact_email=incident.contact.email,
        contact_url=incident.contact.url,
        contact_phone=incident.contact.phone,
        updates=updates,
        faq=_incident_faq_links(incident.faq),
        versions=tuple(reversed(version_rows)),
        in_full=in_full,
        earlier=earlier,
        is_version_page=bool(number),
        history_url=f"{version_url(incident.id, count)}#versions",
        version=version.number,
        version_when=_when(version.update.date, settings),
        version_count=count,
        current_url=incident_url(incident.id),
        is_current=is_current,
        feeds=feeds.incident_links(settings, incident.id, incident.title),
        breach=breach_sections(view, state, None if is_current else version.update.date, settings)
        if incident.kind == Kind.DATA_BREACH
        else None,
        consequences_title="Conséquences possibles"
        if incident.kind == Kind.DATA_BREACH
        else "Conséquences sur nos services",
        draft_label="BROUILLON : incident non publié" if incident.draft else "",
        postmortem=next(
            (
                v.update.body
                for v in reversed(view.versions[: version.number])
                if v.update.status == Status.POSTMORTEM
            ),
            "",
        ),
        planned_start=_when(incident.planned_start, settings) if incident.planned_start else None,
        planned_end=_when(incident.planned_end, settings) if incident.planned_end else None,
    )


CHANNELS = {"courrier": "Courrier", "email": "E-mail", "sms": "SMS"}


def breach_sections(
    view: IncidentView, state: NoticeState, until: datetime | None, settings: Settings
) -> BreachSections:
    """The art. 34 sections of `state`, with the messages sent up to `until` (None: all).

    The current notice lists every message; a permanent version page lists only those
    sent before it was published, so that it never changes afterwards.
    """
    breach = state.breach

    def when(moment: datetime | None) -> When | None:
        return _when(moment, settings) if moment else None

    def party(value: Party | None) -> PartyRow | None:
        return PartyRow(value.name, value.role) if value else None

    return BreachSections(
        discovered=when(breach.discovered),
        exposure_start=when(breach.exposure_start),
        exposure_end=when(breach.exposure_end),
        concerned=breach.concerned,
        individual_notice=breach.individual_notice,
        consequences=breach.consequences,
        planned_measures=breach.planned_measures,
        controller=party(breach.controller),
        processor=party(breach.processor),
        rights=breach.rights,
        communications=tuple(
            CommunicationRow(
                _when(c.date, settings),
                CHANNELS.get(c.channel, c.channel),
                c.sender,
                c.subject,
                c.audience,
            )
            for c in view.incident.communications
            if until is None or c.date <= until
        ),
        never_ask=settings.never_ask,
        data_summary=data_summary(state, settings),
    )


def data_summary(state: NoticeState, settings: Settings) -> str:
    """Exposed and spared data categories in one sentence, sensitive ones flagged."""

    def words(ids: Iterable[str], flag_sensitive: bool) -> str:
        labels = []
        for category in (settings.data_category(i) for i in ids):
            sensitive = " (donnée sensible)" if flag_sensitive and category.sensitive else ""
            labels.append(_lower(category.label) + sensitive)
        return ", ".join(labels)

    exposed = words(state.data_exposed, flag_sensitive=True)
    sentence = f"Exposées : {exposed}." if exposed else "Aucune donnée exposée connue à ce jour."
    if state.data_not_exposed:
        sentence += f" Non concernées : {words(state.data_not_exposed, flag_sensitive=False)}."
    return sentence


def _lower(text: str) -> str:
    return text[:1].lower() + text[1:]


def _count(number: int, singular: str, plural: str) -> str:
    return f"{number} {singular if number == 1 else plural}"


def describe_changes(
    before: NoticeState, after: NoticeState, settings: Settings
) -> tuple[str, ...]:
    """What one version changed in the notice, in French words."""
    changes = []
    if before.status is None:
        changes.append("Première publication de l'avis")
    if after.status != before.status and after.status is not None:
        old = f"{_lower(french.label(before.status))} → " if before.status else ""
        changes.append(f"Statut : {old}{_lower(french.label(after.status))}")
    if after.impact != before.impact:
        old_impact, new_impact = french.label(before.impact), french.label(after.impact)
        changes.append(f"Gravité : {_lower(old_impact)} → {_lower(new_impact)}")
    old_components, new_components = dict(before.components), dict(after.components)
    for component in settings.components:
        old_state, new_state = old_components.get(component.id), new_components.get(component.id)
        if new_state is not None and new_state != old_state:
            old = f"{_lower(french.label(old_state))} → " if old_state else ""
            changes.append(f"{component.name} : {old}{_lower(french.label(new_state))}")
    for old_ids, new_ids, words in (
        (before.data_exposed, after.data_exposed, "Donnée exposée"),
        (before.data_not_exposed, after.data_not_exposed, "Donnée non exposée"),
    ):
        for category in settings.data_categories:
            label = _lower(category.label)
            if category.id in new_ids and category.id not in old_ids:
                changes.append(f"{words} ajoutée : {label}")
            elif category.id in old_ids and category.id not in new_ids:
                changes.append(f"{words} retirée : {label}")
    for authority in after.authorities[len(before.authorities) :]:
        day = french.date_text(french.local(authority.date, settings.timezone))
        changes.append(f"Autorité informée : {authority.name}, le {day}")
    added_measures = len(after.measures) - len(before.measures)
    if added_measures:
        measures = _count(added_measures, "mesure ajoutée", "mesures ajoutées")
        changes.append(f"Ce que nous avons fait : {measures}")
    if after.recommendations != before.recommendations:
        added = len(set(after.recommendations) - set(before.recommendations))
        removed = len(set(before.recommendations) - set(after.recommendations))
        parts = [
            _count(added, "ajoutée", "ajoutées") if added else "",
            _count(removed, "retirée", "retirées") if removed else "",
        ]
        changes.append("Recommandations : " + (", ".join(p for p in parts if p) or "réordonnées"))
    if after.what_happened != before.what_happened and before.what_happened:
        changes.append("« Ce qui s'est passé » mis à jour")
    return tuple(changes)


def incident_row(view: IncidentView, settings: Settings) -> IncidentRow:
    incident = view.incident
    return IncidentRow(
        title=incident.title,
        url=incident_url(incident.id),
        summary=incident.summary,
        badge=_status_badge(view, view.state),
        started=_when(incident.started, settings),
        last_update=_when(view.last_update.date, settings),
        resolved=_when(incident.resolved, settings) if incident.resolved else None,
        duration=french.duration_text(view.duration) if view.duration else "",
    )


def home(view: SiteView) -> HomeContext:
    settings = view.site.settings
    level, icon = IMPACT_LEVELS[view.indicator]
    unresolved = tuple(incident_row(i, settings) for i in view.unresolved)
    return HomeContext(
        overall=Badge(french.OVERALL[view.indicator], level, icon),
        banners=unresolved,
        components=_component_rows(((c.id, s) for c, s in view.component_states), settings),
        unresolved=unresolved,
        recent=tuple(incident_row(i, settings) for i in view.resolved[:RECENT_RESOLVED]),
        updated=_when(view.updated_at, settings) if view.updated_at else None,
        maintenances=tuple(maintenance_row(i, settings) for i in view.maintenances),
    )


def maintenance_row(view: IncidentView, settings: Settings) -> MaintenanceRow:
    incident = view.incident
    start = incident.planned_start or incident.started
    return MaintenanceRow(
        title=incident.title,
        url=incident_url(incident.id),
        badge=Badge(french.label(view.last_update.status), "maintenance", "material/wrench"),
        start=_when(start, settings),
        end=_when(incident.planned_end or start, settings),
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
            badge = _status_badge(entry.incident, state)
            rows.append(_update_row(entry.incident, entry.update, settings, badge))
        shown += len(rows)
        if rows:
            days.append(TimelineDay(_day(day), tuple(rows)))
    return Timeline(tuple(days), shown, total - shown)


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
    sections = [FaqSection("Questions générales", "", _faq_rows(view.site.faq, ""))]
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


def _day_iso(moment: datetime | None, settings: Settings) -> str:
    return french.local(moment, settings.timezone).date().isoformat() if moment else ""


def site_updated(view: SiteView) -> str:
    """Date of the newest published update (YYYY-MM-DD), for pages that follow the site."""
    return _day_iso(view.updated_at, view.site.settings)


def pages(view: SiteView) -> tuple[GeneratedPage, ...]:
    """Every page Vigie generates, with what its template shows."""
    settings = view.site.settings
    updated = site_updated(view)
    result = [
        GeneratedPage(
            "index.md",
            "État des services",
            "vigie/home.html",
            partial(home, view),
            f"État des services et incidents en cours de {settings.organisation}.",
            in_nav=True,
            updated=updated,
        ),
        GeneratedPage(
            "timeline.md",
            "Chronologie",
            "vigie/timeline.html",
            partial(timeline, view),
            "Toutes les mises à jour publiées, de la plus récente à la plus ancienne.",
            in_nav=True,
            updated=updated,
        ),
        GeneratedPage(
            "history.md",
            "Historique des incidents",
            "vigie/history.html",
            partial(history, view),
            "Tous les incidents, mois par mois, avec leur durée.",
            in_nav=True,
            updated=updated,
        ),
        GeneratedPage(
            "faq.md",
            "Questions fréquentes",
            "vigie/faq.html",
            partial(faq, view),
            " ".join(
                e.question
                for e in (*view.site.faq, *(f for i in view.incidents for f in i.incident.faq))
            ),
            in_nav=True,
            updated=updated,
        ),
    ]
    for incident in view.incidents:
        source = str(incident.incident.source / "incident.yml")
        result.append(
            GeneratedPage(
                f"incidents/{incident.incident.id}/index.md",
                incident.incident.title,
                "vigie/incident.html",
                partial(notice, incident, settings),
                incident.incident.summary,
                source=source,
                updated=_day_iso(incident.last_update.date, settings),
            )
        )
        for version in incident.versions:
            result.append(
                GeneratedPage(
                    f"incidents/{incident.incident.id}/versions/{version.number}.md",
                    f"{incident.incident.title} — version {version.number}",
                    "vigie/incident.html",
                    partial(notice, incident, settings, version.number),
                    incident.incident.summary,
                    searchable=False,
                    source=source,
                    updated=_day_iso(version.update.date, settings),
                )
            )
    return tuple(result)


class _ShiftHeadings(Treeprocessor):
    """Staff text sits under a heading of the page: its own headings start one level below.

    Update bodies sit under an h3, so `# Titre` and `## Titre` become h4; the text of a
    section (« Ce qui s'est passé », FAQ answers…) sits under an h2, so they become h3.
    """

    below = 3  # the level of the page heading the text sits under

    def run(self, root: Element) -> None:
        for element in root.iter():
            if len(element.tag) == 2 and element.tag[0] == "h" and element.tag[1] in "123456":
                level = int(element.tag[1]) + self.below - 1
                element.tag = f"h{max(self.below + 1, min(6, level))}"


class _ShiftHeadingsExtension(Extension):
    def __init__(self) -> None:
        super().__init__()
        self.shift: _ShiftHeadings | None = None

    def extendMarkdown(self, md: markdown.Markdown) -> None:  # noqa: N802 (Markdown's API)
        self.shift = _ShiftHeadings(md)
        md.treeprocessors.register(self.shift, "vigie_shift_headings", 0)


class MarkdownRenderer:
    """Renders staff-written Markdown to HTML once per distinct text."""

    EXTENSIONS = ("tables", "sane_lists", "attr_list", "admonition", "smarty")

    def __init__(self) -> None:
        self._headings = _ShiftHeadingsExtension()
        self._markdown = markdown.Markdown(
            extensions=[*self.EXTENSIONS, self._headings],
            extension_configs={"smarty": {"smart_quotes": False}},
        )
        self._cache: dict[tuple[str, int], Markup] = {}

    def forget(self) -> None:
        """Let go of every HTML rendered so far (each text is rendered again if asked)."""
        self._cache.clear()

    def html(self, text: str, below: int = 3) -> Markup:
        """The HTML of `text`, marked safe for templates that escape everything else.

        `below` is the level of the page heading the text sits under (`| markdown(2)` in a
        template, for text right under an h2): the text's own headings start one level lower.
        """
        key = (text, below)
        if key not in self._cache:
            assert self._headings.shift is not None
            self._headings.shift.below = below
            self._cache[key] = Markup(self._markdown.reset().convert(text))
        return self._cache[key]
