"""A static, read-only API under `/api/v2/` in the shape of Atlassian Statuspage's public v2 API.

Existing status tools read it without change: same keys, nesting, nullables and value
vocabularies as Statuspage (see `site_tests/schemas/STATUSPAGE_NOTES.md`). What Statuspage
has no key for is added under keys starting with `x_`. Every value comes from the derived
model (`vigie.derive`); nothing is recomputed here, and no date is the build time.
"""

from __future__ import annotations

import hashlib
from typing import TYPE_CHECKING, Any

from vigie import french, urls
from vigie.model import ComponentStatus, Impact, Status
from vigie.outputs import feeds, notice_json

if TYPE_CHECKING:
    from datetime import datetime

    from vigie.derive import IncidentView, SiteView, Version
    from vigie.memo import Memo
    from vigie.model import Component, Settings, Update
    from vigie.outputs.feeds import MarkdownToHtml

INCIDENTS_LIMIT = 50
PAGE_ID_LENGTH = 12
ALPHABET = "0123456789abcdefghijklmnopqrstuvwxyz"

# Statuspage's own wording for the roll-up (one fixed choice among those seen in real
# responses; see STATUSPAGE_NOTES.md). The French text goes in `x_description_fr`.
DESCRIPTIONS = {
    Impact.NONE: "All Systems Operational",
    Impact.MINOR: "Minor Service Outage",
    Impact.MAJOR: "Partial System Outage",
    Impact.CRITICAL: "Major System Outage",
}

Json = dict[str, Any]


def page_id(settings: Settings) -> str:
    """12 lowercase letters and digits, like Statuspage's ids, from the site's domain only."""
    digest = hashlib.sha256(urls.domain(settings).encode()).digest()
    number = int.from_bytes(digest, "big")
    digits = []
    for _ in range(PAGE_ID_LENGTH):
        number, digit = divmod(number, len(ALPHABET))
        digits.append(ALPHABET[digit])
    return "".join(digits)


def timestamp(moment: datetime, settings: Settings) -> str:
    """Statuspage's form: milliseconds and the offset of the page's time zone."""
    return french.local(moment, settings.timezone).isoformat(timespec="milliseconds")


class _Api:
    """The documents of one build, sharing the page object and the component objects."""

    def __init__(self, view: SiteView, markdown: MarkdownToHtml, kept: Memo | None) -> None:
        self.view = view
        self.settings = view.site.settings
        self.markdown = markdown
        self.kept = kept  # texts made by earlier builds (feeds.kept_text)
        self.page_id = page_id(self.settings)
        updated = view.updated_at or feeds.epoch(self.settings)
        self.page: Json = {
            "id": self.page_id,
            "name": self.settings.site_name,
            "url": urls.site_address(self.settings),
            "time_zone": self.settings.timezone,
            "updated_at": timestamp(updated, self.settings),
        }
        self.components = {c.id: self._component(n, c, s) for n, (c, s) in self._positions()}

    def _positions(self) -> list[tuple[int, tuple[Component, ComponentStatus]]]:
        return list(enumerate(self.view.component_states, start=1))

    def _component(self, position: int, component: Component, status: ComponentStatus) -> Json:
        # created_at: the site's first published update (the component has been on the page
        # since then); updated_at: the last update of an incident whose notice lists it.
        first = min(
            (u.date for i in self.view.incidents for u in i.updates),
            default=feeds.epoch(self.settings),
        )
        touched = [
            v.update.date
            for i in self.view.incidents
            for v in i.versions
            if component.id in dict(v.state.components)
        ]
        return {
            "id": component.id,
            "name": component.name,
            "status": status.value,
            "created_at": timestamp(first, self.settings),
            "updated_at": timestamp(max(touched, default=first), self.settings),
            "position": position,
            "description": component.description or None,
            "showcase": True,
            "start_date": None,
            "group_id": None,
            "page_id": self.page_id,
            "group": False,
            "only_show_if_degraded": False,
            "x_status_label": french.COMPONENT_STATUS[status],
        }

    def _affected(self, before: Version | None, version: Version) -> list[Json] | None:
        # Before an incident's first update, its components are taken as operational.
        old = dict(before.state.components) if before else {}
        rows = [
            {
                "code": component_id,
                "name": self.settings.component(component_id).name,
                "old_status": old.get(component_id, ComponentStatus.OPERATIONAL).value,
                "new_status": status.value,
            }
            for component_id, status in self._in_page_order(version.state.components)
        ]
        return rows or None

    def _in_page_order(
        self, states: tuple[tuple[str, ComponentStatus], ...]
    ) -> list[tuple[str, ComponentStatus]]:
        order = {c.id: n for n, c in enumerate(self.settings.components)}
        return sorted(states, key=lambda s: (order.get(s[0], len(order)), s[0]))

    def _update(self, view: IncidentView, number: int, update: Update) -> Json:
        before = view.versions[number - 1] if number else None
        changed = max((update.date, *(c.date for c in update.corrections)))
        return {
            "id": update.slug,
            "status": update.status.value,
            "body": update.body,
            "incident_id": view.incident.id,
            "created_at": timestamp(update.date, self.settings),
            "updated_at": timestamp(changed, self.settings),
            "display_at": timestamp(update.date, self.settings),
            "affected_components": self._affected(before, view.versions[number]),
            "deliver_notifications": True,
            "custom_tweet": None,
            "tweet_id": None,
            "x_title": update.title,
            "x_url": urls.permalink(self.settings, update),
            "x_feed_id": urls.entry_id(self.settings, update),
            "x_body_html": feeds.kept_text(
                self.kept,
                "absolute",
                feeds.absolute_urls,
                str(self.markdown(update.body)),
                urls.incident_page(self.settings, view.incident.id),
            ),
            "x_corrections": [
                {"date": timestamp(c.date, self.settings), "reason": c.reason}
                for c in sorted(update.corrections, key=lambda c: (c.date, c.reason))
            ],
        }

    def _data(self, ids: tuple[str, ...]) -> list[Json]:
        return [
            {"id": c.id, "label": c.label, "sensitive": c.sensitive}
            for c in (self.settings.data_category(i) for i in ids)
        ]

    def incident(self, view: IncidentView) -> Json:
        """One incident, its updates newest first."""
        incident, state = view.incident, view.state
        assert state.status is not None
        updates = sorted(
            enumerate(view.updates), key=lambda n_u: (n_u[1].date, n_u[1].slug), reverse=True
        )
        changes = [u.date for u in view.updates] + [
            c.date for u in view.updates for c in u.corrections
        ]
        monitoring = next((u.date for u in view.updates if u.status is Status.MONITORING), None)
        resolved = view.resolved
        url = urls.incident_page(self.settings, incident.id)
        return {
            "id": incident.id,
            "name": incident.title,
            "status": state.status.value,
            "created_at": timestamp(view.updates[0].date, self.settings),
            "updated_at": timestamp(max(changes), self.settings),
            "monitoring_at": timestamp(monitoring, self.settings) if monitoring else None,
            "resolved_at": timestamp(resolved, self.settings) if resolved else None,
            "impact": state.impact.value,
            "shortlink": url,
            "started_at": timestamp(incident.started, self.settings),
            "page_id": self.page_id,
            "incident_updates": [self._update(view, n, u) for n, u in updates],
            "components": [self.components[i] for i, _ in self._in_page_order(state.components)],
            "reminder_intervals": None,
            "x_url": url,
            "x_summary": incident.summary,
            "x_kind": incident.kind.value,
            "x_kind_label": french.KIND[incident.kind],
            "x_status_label": french.STATUS[state.status],
            "x_data_exposed": self._data(state.data_exposed),
            "x_data_not_exposed": self._data(state.data_not_exposed),
            "x_feeds": {
                "rss": urls.absolute(self.settings, urls.incident_feed(incident.id, "rss")),
                "atom": urls.absolute(self.settings, urls.incident_feed(incident.id, "atom")),
            },
            "x_notice": urls.absolute(self.settings, urls.notice_json(incident.id)),
            "x_communications": [
                {
                    "id": message.id,
                    "sent_at": timestamp(message.date, self.settings),
                    "channel": message.channel,
                    "sender": message.sender,
                    "subject": message.subject,
                    "audience": message.audience,
                }
                for message in incident.communications
            ],
            # Reported, NOT sent by the organisation: never among its messages above.
            "x_fraudulent_messages": [
                notice_json.fraud_document(incident.id, message, self.settings)
                for message in reversed(incident.fraudulent_messages)
            ],
        }

    def status(self) -> Json:
        indicator = self.view.indicator
        return {
            "indicator": indicator.value,
            "description": DESCRIPTIONS[indicator],
            "x_description_fr": french.OVERALL[indicator],
        }

    def maintenance(self, view: IncidentView) -> Json:
        """A planned maintenance: the incident shape plus its planned window."""
        planned_start = view.incident.planned_start or view.incident.started
        planned_end = view.incident.planned_end or planned_start
        return {
            **self.incident(view),
            "scheduled_for": timestamp(planned_start, self.settings),
            "scheduled_until": timestamp(planned_end, self.settings),
        }

    def documents(self) -> dict[str, Json]:
        components = list(self.components.values())
        incident_views = [i for i in self.view.incidents if not i.incident.is_maintenance]
        # Only the newest incidents and the unresolved ones are listed: of a long history,
        # the thousands of others are never turned into documents.
        listed = incident_views[:INCIDENTS_LIMIT]
        by_id = {i.incident.id: self.incident(i) for i in (*listed, *self.view.unresolved)}
        incidents = [by_id[i.incident.id] for i in listed]
        unresolved = [by_id[i.incident.id] for i in self.view.unresolved]
        maintenance_views = sorted(
            (i for i in self.view.incidents if i.incident.is_maintenance),
            key=lambda i: (i.incident.planned_start or i.incident.started, i.incident.id),
            reverse=True,
        )
        upcoming_views = [
            i for i in self.view.maintenances if i.last_update.status == Status.SCHEDULED
        ]
        active_views = [
            i
            for i in self.view.maintenances
            if i.last_update.status in (Status.IN_PROGRESS, Status.VERIFYING)
        ]
        shown = (*maintenance_views[:INCIDENTS_LIMIT], *upcoming_views, *active_views)
        maintenances = {i.incident.id: self.maintenance(i) for i in shown}
        upcoming = [maintenances[i.incident.id] for i in upcoming_views]
        active = [maintenances[i.incident.id] for i in active_views]
        page = self.page
        return {
            urls.API_SUMMARY: {
                "page": page,
                "status": self.status(),
                "components": components,
                "incidents": unresolved,
                "scheduled_maintenances": upcoming + active,
            },
            urls.API_STATUS: {"page": page, "status": self.status()},
            urls.API_COMPONENTS: {"page": page, "components": components},
            urls.API_INCIDENTS: {"page": page, "incidents": incidents},
            urls.API_UNRESOLVED: {"page": page, "incidents": unresolved},
            urls.API_MAINTENANCES: {
                "page": page,
                "scheduled_maintenances": [
                    maintenances[i.incident.id] for i in maintenance_views[:INCIDENTS_LIMIT]
                ],
            },
            urls.API_UPCOMING: {
                "page": page,
                "scheduled_maintenances": upcoming,
            },
            urls.API_ACTIVE: {
                "page": page,
                "scheduled_maintenances": active,
            },
        }


def documents(
    view: SiteView, markdown: MarkdownToHtml, kept: Memo | None = None
) -> dict[str, Json]:
    """Every API document as plain data, by its path in the site."""
    return _Api(view, markdown, kept).documents()


def files(view: SiteView, markdown: MarkdownToHtml, kept: Memo | None = None) -> dict[str, bytes]:
    """Every API file by its path in the site."""
    made = documents(view, markdown, kept)
    return {path: feeds.dump_json(doc) for path, doc in sorted(made.items())}
