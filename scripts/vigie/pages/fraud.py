"""Reported fraudulent messages as pages show them: defanged, and never as ours.

The incident page lists its own (`notice.py`); the « Se protéger » page lists every
current one, newest first: a message of an incident not resolved yet, or seen (last
reported, else first) in the last `CURRENT_DAYS` days.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING

from vigie import french, urls
from vigie.pages.rows import When, when_of
from vigie.sources.fraud import Piece, defang, pieces
from vigie.sources.registers import seen_day

if TYPE_CHECKING:
    from vigie.derive import IncidentView, SiteView
    from vigie.model import FraudulentMessage, Incident, Settings

CURRENT_DAYS = 90


@dataclass(frozen=True)
class FraudRow:
    """One reported fraudulent message, every word of the fraudster's defanged."""

    anchor: str
    channel: str
    first_seen: When
    last_seen: When | None
    sender: tuple[Piece, ...]
    subject: tuple[Piece, ...]
    fakes: tuple[str, ...]  # defanged, each shown in code style
    if_answered: str  # Markdown, ours
    incident_title: str = ""  # on « Se protéger »: the notice it belongs to
    incident_url: str = ""


@dataclass(frozen=True)
class ProtectPage:
    """What « Se protéger » adds below its hand-written advice."""

    messages: tuple[FraudRow, ...]
    caption: str  # « Messages frauduleux signalés : aucun de ces messages ne vient de … »
    label: str  # on each: « Message frauduleux signalé : ce message ne vient pas de … »
    none: str = french.FRAUD_CURRENT_NONE
    days: int = CURRENT_DAYS


def seen_when(value: date, settings: Settings) -> When:
    """A sighting as people read it: with its hour when the source gives one."""
    if isinstance(value, datetime):
        return when_of(value, settings)
    return When(value.isoformat(), french.date_text(value))


def fraud_row(incident: Incident, message: FraudulentMessage, settings: Settings) -> FraudRow:
    """The row of `message`, reported about `incident`."""
    return FraudRow(
        anchor=urls.fraud_anchor(message),
        channel=french.channel_label(message.channel),
        first_seen=seen_when(message.first_seen, settings),
        last_seen=seen_when(message.last_seen, settings) if message.last_seen else None,
        sender=pieces(message.sender),
        subject=pieces(message.subject),
        fakes=tuple(defang(fake) for fake in message.fakes),
        if_answered=message.if_answered,
        incident_title=incident.title,
        incident_url=urls.incident_url(incident.id, urls.fraud_anchor(message)),
    )


def last_seen_day(message: FraudulentMessage, timezone: str) -> date:
    """The day it was last reported (else first), in the site's time zone."""
    return seen_day(message.last_seen or message.first_seen, timezone)


def is_current(view: IncidentView, message: FraudulentMessage, today: date, timezone: str) -> bool:
    """Of an incident not resolved, or reported in the last `CURRENT_DAYS` days."""
    recent = today - last_seen_day(message, timezone) <= timedelta(days=CURRENT_DAYS)
    return not view.is_resolved or recent


def protect_page(view: SiteView, now: datetime) -> ProtectPage:
    """Every current fraudulent message, newest first (by last sighting, then first)."""
    settings = view.site.settings
    zone = settings.timezone
    today = french.local(now, zone).date()
    current = [
        (incident, message)
        for incident in view.incidents
        for message in incident.incident.fraudulent_messages
        if is_current(incident, message, today, zone)
    ]
    current.sort(
        key=lambda pair: (
            last_seen_day(pair[1], zone),
            seen_day(pair[1].first_seen, zone),
            pair[1].id,
        ),
        reverse=True,
    )
    rows = tuple(fraud_row(i.incident, m, settings) for i, m in current)
    organisation = settings.organisation
    return ProtectPage(rows, french.fraud_caption(organisation), french.not_from_us(organisation))
