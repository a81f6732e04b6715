"""`/incidents/<id>/notice.json`: the notice as data, for regulators, journalists, partners.

Every element GDPR art. 34 asks for (with art. 33(3) b–d), the data categories and the
register of messages sent and, apart, the fraudulent messages reported (never ours: their
addresses defanged), as the current notice states them. Markdown fields are given
as written by staff; dates are ISO 8601 with offset, in the site's time zone.
"""

from __future__ import annotations

from datetime import datetime
from functools import partial
from typing import TYPE_CHECKING, Any

from vigie import french, urls
from vigie.model import Kind
from vigie.outputs.feeds import dump_json
from vigie.sources.fraud import defang

if TYPE_CHECKING:
    from collections.abc import Callable
    from datetime import date

    from vigie.derive import IncidentView, SiteView
    from vigie.model import FraudulentMessage, Party, Settings

SCHEMA_VERSION = 1


def _iso(moment: datetime | None, settings: Settings) -> str | None:
    return french.iso(moment, settings.timezone) if moment else None


def _party(party: Party | None) -> dict[str, str] | None:
    return {"name": party.name, "role": party.role} if party else None


def _seen(day: date | None, settings: Settings) -> str | None:
    if day is None:
        return None
    if isinstance(day, datetime):
        return french.iso(day, settings.timezone)
    return day.isoformat()


def fraud_document(
    incident_id: str, message: FraudulentMessage, settings: Settings
) -> dict[str, Any]:
    """A reported fraudulent message as data: what the fraudster wrote, defanged."""
    return {
        "id": message.id,
        "warning": french.not_from_us(settings.organisation),
        "sent_by_us": False,
        "url": urls.incident_page(settings, incident_id, urls.fraud_anchor(message)),
        "channel": message.channel.value,
        "first_seen": _seen(message.first_seen, settings),
        "last_seen": _seen(message.last_seen, settings),
        "sender": defang(message.sender),
        "subject": defang(message.subject),
        "fakes": [defang(fake) for fake in message.fakes],
        "if_answered": message.if_answered,
    }


def notice_document(view: IncidentView, settings: Settings) -> dict[str, Any]:
    """The notice of one incident as plain data (see the module docstring)."""
    incident, state = view.incident, view.state
    breach = state.breach

    def categories(ids: tuple[str, ...]) -> list[dict[str, Any]]:
        return [
            {"id": c.id, "label": c.label, "sensitive": c.sensitive}
            for c in (settings.data_category(i) for i in ids)
        ]

    return {
        "schema_version": SCHEMA_VERSION,
        "id": incident.id,
        "url": urls.incident_page(settings, incident.id),
        "title": incident.title,
        "summary": incident.summary,
        "kind": incident.kind.value,
        "is_personal_data_breach": incident.kind == Kind.DATA_BREACH,
        "status": state.status.value if state.status else None,
        "impact": state.impact.value,
        "started_at": _iso(incident.started, settings),
        "resolved_at": _iso(view.resolved, settings),
        "updated_at": _iso(view.last_update.date, settings),
        "version": len(view.versions),
        "controller": _party(breach.controller),
        "processor": _party(breach.processor),
        "nature": {
            "what_happened": state.what_happened,
            "discovered_at": _iso(breach.discovered, settings),
            "exposure": {
                "start": _iso(breach.exposure_start, settings),
                "end": _iso(breach.exposure_end, settings),
            },
        },
        "data": {
            "exposed": categories(state.data_exposed),
            "not_exposed": categories(state.data_not_exposed),
        },
        "concerned": breach.concerned,
        "individual_notice": breach.individual_notice,
        "likely_consequences": list(breach.consequences),
        "measures": {"taken": list(state.measures), "planned": list(breach.planned_measures)},
        "authorities": [
            {
                "name": a.name,
                "type": a.type.value,
                "notified_at": _iso(a.date, settings),
                "note": a.note,
                "delay_reason": a.delay_reason,
            }
            for a in sorted(state.authorities, key=lambda a: (a.date, a.name))
        ],
        "recommendations": list(state.recommendations),
        "contact": {
            "name": incident.contact.name,
            "email": incident.contact.email,
            "url": incident.contact.url or None,
            "phone": incident.contact.phone or None,
        },
        "rights": breach.rights,
        "communications": [
            {
                "id": c.id,
                "sent_at": _iso(c.date, settings),
                "channel": c.channel,
                "sender": c.sender,
                "subject": c.subject,
                "audience": c.audience,
            }
            for c in incident.communications
        ],
        "fraudulent_messages": [
            fraud_document(incident.id, m, settings) for m in reversed(incident.fraudulent_messages)
        ],
        "never_ask": list(settings.never_ask),
    }


def files(view: SiteView) -> dict[str, Callable[[], bytes]]:
    """`notice.json` of every published incident, by its path in the site, each made when
    called (a build reusing an incident's files never makes it)."""
    settings = view.site.settings
    return {
        urls.notice_json(i.incident.id): partial(_notice_bytes, i, settings) for i in view.incidents
    }


def _notice_bytes(view: IncidentView, settings: Settings) -> bytes:
    return dump_json(notice_document(view, settings))
