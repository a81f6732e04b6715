"""The incident notice and its permanent versions, ready for `overrides/vigie/incident.html`."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from vigie import derive, french, urls
from vigie.model import Breach, Kind, Status, limits_cover
from vigie.pages.fraud import FraudRow, fraud_row, seen_day
from vigie.pages.rows import (
    Badge,
    ComponentRow,
    CorrectionRow,
    DataRow,
    FaqRow,
    UpdateRow,
    When,
    component_rows,
    data_rows,
    status_badge,
    update_row,
    when_of,
)
from vigie.urls import (
    VERSIONS_ANCHOR,
    faq_url,
    incident_faq_anchor,
    incident_url,
    version_url,
)

if TYPE_CHECKING:
    from collections.abc import Iterable
    from datetime import datetime

    from vigie.derive import IncidentView
    from vigie.model import (
        Communication,
        FaqEntry,
        FraudulentMessage,
        Incident,
        NoticeState,
        Party,
        Settings,
    )
    from vigie.urls import FeedLink


# The incident page shows its newest update in full; earlier ones are one line each, linking
# to the version page that shows them in full (GOV.UK's "updates to this page" pattern).
# One, not two: with two, the example breach notice weighs 8.0 KiB of gzip and 339 of the
# 1,000 synthetic notices of `vigie_bench.pageweight` (up to 8.5) go over issue 7's 8 KiB budget
# for a repeat visit; with one, the largest of them weighs 7.9.
LATEST_IN_FULL = 1
ESSENTIAL_ANSWER_LENGTH = 240  # characters of a fraud notice's « Vous avez répondu ? »


@dataclass(frozen=True)
class AuthorityRow:
    name: str
    when: When
    note: str


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
    show_changes: bool  # what it changed, or a correction, to list under it


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
    """What a personal-data breach notice adds (GDPR art. 34), ready to show.

    Its consequences, planned measures and rights go in the notice's own sections (`Notice`).
    """

    discovered: When | None
    exposure_start: When | None
    exposure_end: When | None
    concerned: str
    individual_notice: str
    controller: PartyRow | None
    processor: PartyRow | None
    communications: tuple[CommunicationRow, ...]
    never_ask: tuple[str, ...]
    data_summary: str  # one sentence for "L'essentiel"


@dataclass(frozen=True)
class FraudEssentials:
    """« L'essentiel » of a fraud notice: is it from us, what to do, what if I answered."""

    not_ours: str
    if_answered: str  # Markdown: the one answer all its messages give, else ""


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
    show_archive_banner: bool  # an old version: says so and links the current notice
    show_what_happened: bool
    show_data: bool  # the exposed and spared data, or that none is known (always for a breach)
    show_consequences: bool
    consequences_heading: str
    consequences: tuple[str, ...]  # a breach's likely consequences (Markdown)
    show_measures: bool
    planned_measures: tuple[str, ...]  # a breach's planned measures (Markdown)
    first_recommendation: str  # for « L'essentiel » (Markdown)
    contact_heading: str
    rights: str  # a breach's rights, under the contact (Markdown)
    feeds: tuple[FeedLink, ...] = ()  # the incident's own feeds, for its page
    breach: BreachSections | None = None  # only for personal-data breaches
    fraud: FraudEssentials | None = None  # only for fraud campaigns
    # Reported fraudulent messages (never ours): always on a fraud notice, else when any.
    frauds: tuple[FraudRow, ...] = ()
    show_frauds: bool = False
    # The official register, on every page a feed announces it from (a breach always).
    communications: tuple[CommunicationRow, ...] = ()
    show_communications: bool = False
    alerts_note: str = ""  # the automatic mails of notify.mail, ours though not listed
    never_ask: tuple[str, ...] = ()  # « Ce que nous ne vous demanderons jamais », if shown
    # The first screen of a phone: « Ce que vous devez faire » is on it, for every kind. A
    # fraud notice's « L'essentiel » (is it from us? if I answered?) is short and comes
    # first; a breach's (who is concerned, which data) is staff's length and comes after.
    essentials_first: bool = False
    facts_first: bool = True  # no « L'essentiel »: the facts come before the advice
    organisation: str = ""
    fraud_label: str = ""  # « Message frauduleux signalé : ce message ne vient pas de … »
    draft_label: str = ""  # a draft incident, in a preview
    postmortem: str = ""  # Markdown of the latest post-incident review, if any
    planned_start: When | None = None  # planned maintenance
    planned_end: When | None = None


def _incident_faq_links(entries: Iterable[FaqEntry]) -> tuple[FaqRow, ...]:
    """An incident's questions as its page lists them: each links to its answer on /faq/.

    The page keeps the anchors it had when it showed the answers (`#faq-<id>`).
    """
    return tuple(FaqRow(incident_faq_anchor(e), e.question, e.answer, faq_url(e)) for e in entries)


def _earlier_row(row: UpdateRow, version: int, incident_id: str) -> EarlierUpdateRow:
    return EarlierUpdateRow(
        anchor=row.anchor,
        title=row.title,
        badge=row.badge,
        when=row.when,
        version=version,
        url=version_url(incident_id, version, row.anchor),
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
        badge = status_badge(view, v.state)
        row = update_row(view, v.update, settings, badge)
        update_rows.append(row)
        changes = describe_changes(previous, v.state, settings)
        version_rows.append(
            VersionRow(
                number=v.number,
                url=version_url(incident.id, v.number),
                when=row.when,
                badge=badge,
                title=v.update.title,
                changes=changes,
                corrections=row.corrections,
                is_shown=v.number == version.number,
                show_changes=bool(changes or row.corrections),
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
    resolved = derive.published_end(incident, state)
    is_breach = incident.kind == Kind.DATA_BREACH
    is_fraud = incident.kind == Kind.FRAUD
    until = None if is_current else version.update.date
    communications = _communication_rows(incident.communications, until, settings)
    frauds = tuple(
        fraud_row(incident, m, settings)
        for m in reversed(incident.fraudulent_messages)  # newest first
        if until is None
        or seen_day(m.first_seen, settings.timezone)
        <= french.local(until, settings.timezone).date()
    )
    breach = state.breach if is_breach else Breach()
    components = component_rows(state.components, settings)
    alerts = _alerts_note(incident, {c for c, _ in state.components}, settings)
    return Notice(
        title=incident.title,
        summary=incident.summary,
        kind=french.label(incident.kind),
        badge=status_badge(view, state),
        impact=french.label(state.impact),
        started=when_of(incident.started, settings),
        resolved=when_of(resolved, settings) if resolved else None,
        what_happened=state.what_happened,
        data_exposed=data_rows(state.data_exposed, settings),
        data_not_exposed=data_rows(state.data_not_exposed, settings),
        components=components,
        measures=state.measures,
        authorities=tuple(
            AuthorityRow(a.name, when_of(a.date, settings), a.note or french.NO_NOTE)
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
        history_url=version_url(incident.id, count, VERSIONS_ANCHOR),
        version=version.number,
        version_when=when_of(version.update.date, settings),
        version_count=count,
        current_url=incident_url(incident.id),
        show_archive_banner=not is_current,
        show_what_happened=bool(state.what_happened) or is_breach,
        show_data=is_breach or bool(state.data_exposed or state.data_not_exposed),
        show_consequences=bool(breach.consequences or components),
        consequences_heading=french.CONSEQUENCES_OF_BREACH
        if is_breach
        else french.CONSEQUENCES_ON_SERVICES,
        consequences=breach.consequences,
        show_measures=bool(state.measures or state.authorities or breach.planned_measures),
        planned_measures=breach.planned_measures,
        first_recommendation=state.recommendations[0] if state.recommendations else "",
        contact_heading=french.CONTACT_AND_RIGHTS if is_breach else french.CONTACT,
        rights=breach.rights,
        feeds=urls.incident_links(settings, incident.id, incident.title),
        breach=breach_sections(view, state, until, settings) if is_breach else None,
        fraud=_fraud_essentials(incident.fraudulent_messages, settings) if is_fraud else None,
        frauds=frauds,
        show_frauds=is_fraud or bool(frauds),
        communications=communications,
        show_communications=is_breach or bool(communications) or bool(alerts),
        alerts_note=alerts,
        never_ask=settings.never_ask if is_breach or is_fraud else (),
        essentials_first=is_fraud,
        facts_first=not (is_breach or is_fraud),
        organisation=settings.organisation,
        fraud_label=french.not_from_us(settings.organisation),
        draft_label=french.DRAFT_INCIDENT if incident.draft else "",
        postmortem=next(
            (
                v.update.body
                for v in reversed(view.versions[: version.number])
                if v.update.status == Status.POSTMORTEM
            ),
            "",
        ),
        planned_start=when_of(incident.planned_start, settings) if incident.planned_start else None,
        planned_end=when_of(incident.planned_end, settings) if incident.planned_end else None,
    )


def breach_sections(
    view: IncidentView, state: NoticeState, until: datetime | None, settings: Settings
) -> BreachSections:
    """The art. 34 sections of `state`, with the messages sent up to `until` (None: all).

    The current notice lists every message; a permanent version page lists only those
    sent before it was published, so that it never changes afterwards.
    """
    breach = state.breach

    def when(moment: datetime | None) -> When | None:
        return when_of(moment, settings) if moment else None

    def party(value: Party | None) -> PartyRow | None:
        return PartyRow(value.name, value.role) if value else None

    return BreachSections(
        discovered=when(breach.discovered),
        exposure_start=when(breach.exposure_start),
        exposure_end=when(breach.exposure_end),
        concerned=breach.concerned,
        individual_notice=breach.individual_notice,
        controller=party(breach.controller),
        processor=party(breach.processor),
        communications=_communication_rows(view.incident.communications, until, settings),
        never_ask=settings.never_ask,
        data_summary=data_summary(state, settings),
    )


def _communication_rows(
    messages: Iterable[Communication], until: datetime | None, settings: Settings
) -> tuple[CommunicationRow, ...]:
    """The official messages sent up to `until` (None: all), as the register shows them."""
    return tuple(
        CommunicationRow(
            when_of(c.date, settings),
            french.channel_label(c.channel),
            c.sender,
            c.subject,
            c.audience,
        )
        for c in messages
        if until is None or c.date <= until
    )


def _fraud_essentials(
    messages: tuple[FraudulentMessage, ...], settings: Settings
) -> FraudEssentials:
    answers = {m.if_answered.strip() for m in messages}
    answer = answers.pop() if len(answers) == 1 else ""
    # Only a short answer: a long one would push « Ce que vous devez faire » off the screen.
    short = answer if len(answer) <= ESSENTIAL_ANSWER_LENGTH else ""
    return FraudEssentials(french.fraud_not_ours(settings.organisation), short)


def data_summary(state: NoticeState, settings: Settings) -> str:
    """Exposed and spared data categories in one sentence, sensitive ones flagged."""

    exposed = (settings.data_category(i) for i in state.data_exposed)
    return french.data_summary(
        ((c.label, c.sensitive) for c in exposed),
        (settings.data_category(i).label for i in state.data_not_exposed),
    )


def describe_changes(
    before: NoticeState, after: NoticeState, settings: Settings
) -> tuple[str, ...]:
    """What one version changed in the notice, in French words."""
    label = french.label
    changes = []
    if before.status is None:
        changes.append(french.FIRST_PUBLICATION)
    if after.status != before.status and after.status is not None:
        old_status = label(before.status) if before.status else None
        changes.append(french.change(french.STATUS_CHANGE, old_status, label(after.status)))
    if after.impact != before.impact:
        changes.append(
            french.change(french.IMPACT_CHANGE, label(before.impact), label(after.impact))
        )
    old_components, new_components = dict(before.components), dict(after.components)
    for component in settings.components:
        old_state, new_state = old_components.get(component.id), new_components.get(component.id)
        if new_state is not None and new_state != old_state:
            old = label(old_state) if old_state else None
            changes.append(french.change(component.name, old, label(new_state)))
    for old_ids, new_ids, exposed in (
        (before.data_exposed, after.data_exposed, True),
        (before.data_not_exposed, after.data_not_exposed, False),
    ):
        for category in settings.data_categories:
            if category.id in new_ids and category.id not in old_ids:
                changes.append(french.data_change(exposed, True, category.label))
            elif category.id in old_ids and category.id not in new_ids:
                changes.append(french.data_change(exposed, False, category.label))
    for authority in after.authorities[len(before.authorities) :]:
        day = french.local(authority.date, settings.timezone).date()
        changes.append(french.authority_informed(authority.name, day))
    added_measures = len(after.measures) - len(before.measures)
    if added_measures:
        changes.append(french.measures_added(added_measures))
    if after.recommendations != before.recommendations:
        added = len(set(after.recommendations) - set(before.recommendations))
        removed = len(set(before.recommendations) - set(after.recommendations))
        changes.append(french.recommendations_changed(added, removed))
    if after.what_happened != before.what_happened and before.what_happened:
        changes.append(french.WHAT_HAPPENED_UPDATED)
    return tuple(changes)


def _alerts_note(incident: Incident, cited: set[str], settings: Settings) -> str:
    """What the register says of the mails `notify.mail` sends about this notice, if any:
    they are ours, though not listed one by one (their text sends readers to this page)."""
    mail = settings.notify.mail
    if mail is None or not limits_cover(mail.components, mail.kinds, incident.kind, cited):
        return ""
    return french.alerts_note(settings.organisation, mail.sender)
