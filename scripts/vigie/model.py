"""The typed model every later stage works on: frozen, with aware datetimes only."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from datetime import datetime
    from pathlib import PurePosixPath


class Kind(StrEnum):
    DATA_BREACH = "data-breach"
    OUTAGE = "outage"
    MAINTENANCE = "maintenance"
    OTHER = "other"


class Impact(StrEnum):
    NONE = "none"
    MINOR = "minor"
    MAJOR = "major"
    CRITICAL = "critical"

    @property
    def rank(self) -> int:
        return list(Impact).index(self)


class Status(StrEnum):
    INVESTIGATING = "investigating"
    IDENTIFIED = "identified"
    MONITORING = "monitoring"
    RESOLVED = "resolved"
    POSTMORTEM = "postmortem"

    @property
    def is_closed(self) -> bool:
        return self in (Status.RESOLVED, Status.POSTMORTEM)


class ComponentStatus(StrEnum):
    OPERATIONAL = "operational"
    UNDER_MAINTENANCE = "under_maintenance"
    DEGRADED_PERFORMANCE = "degraded_performance"
    PARTIAL_OUTAGE = "partial_outage"
    MAJOR_OUTAGE = "major_outage"

    @property
    def rank(self) -> int:
        """Severity order, used to pick the worst state reported for a component."""
        return list(ComponentStatus).index(self)


@dataclass(frozen=True)
class Component:
    id: str
    name: str
    description: str = ""


@dataclass(frozen=True)
class DataCategory:
    id: str
    label: str
    sensitive: bool = False


@dataclass(frozen=True)
class Settings:
    """Site-wide settings, from the Vigie plugin's options in `mkdocs.yml`."""

    organisation: str
    site_url: str
    site_name: str
    timezone: str
    contact_email: str
    components: tuple[Component, ...]
    data_categories: tuple[DataCategory, ...]
    feed_entries: int = 50
    tag_year: int = 2024

    def component(self, component_id: str) -> Component:
        return next(c for c in self.components if c.id == component_id)

    def data_category(self, category_id: str) -> DataCategory:
        return next(c for c in self.data_categories if c.id == category_id)


@dataclass(frozen=True)
class Authority:
    name: str
    date: datetime
    note: str = ""


@dataclass(frozen=True)
class Contact:
    name: str
    email: str
    url: str = ""
    phone: str = ""


@dataclass(frozen=True)
class Correction:
    date: datetime
    reason: str


@dataclass(frozen=True)
class NoticeState:
    """What the notice says at one point: `incident.yml`, then each update folded in."""

    status: Status | None
    impact: Impact
    components: tuple[tuple[str, ComponentStatus], ...]
    data_exposed: tuple[str, ...]
    data_not_exposed: tuple[str, ...]
    what_happened: str
    measures: tuple[str, ...]
    authorities: tuple[Authority, ...]
    recommendations: tuple[str, ...]


@dataclass(frozen=True)
class NoticeChanges:
    """What one update changes in the notice; None means "unchanged"."""

    impact: Impact | None = None
    components: tuple[tuple[str, ComponentStatus], ...] = ()
    data_exposed: tuple[str, ...] | None = None
    data_not_exposed: tuple[str, ...] | None = None
    what_happened: str | None = None
    measures: tuple[str, ...] = ()
    authorities: tuple[Authority, ...] = ()
    recommendations: tuple[str, ...] | None = None


@dataclass(frozen=True)
class Update:
    incident_id: str
    slug: str
    source: PurePosixPath
    date: datetime
    status: Status
    title: str
    body: str
    changes: NoticeChanges = field(default_factory=NoticeChanges)
    corrections: tuple[Correction, ...] = ()
    draft: bool = False


@dataclass(frozen=True)
class FaqEntry:
    id: str
    question: str
    answer: str
    incident_id: str | None = None


@dataclass(frozen=True)
class Incident:
    id: str
    source: PurePosixPath
    title: str
    summary: str
    kind: Kind
    started: datetime
    resolved: datetime | None
    initial: NoticeState
    contact: Contact
    updates: tuple[Update, ...]
    faq: tuple[FaqEntry, ...] = ()
    draft: bool = False


@dataclass(frozen=True)
class Site:
    settings: Settings
    incidents: tuple[Incident, ...]
    faq: tuple[FaqEntry, ...]


DEFAULT_DATA_CATEGORIES = (
    DataCategory("nom", "Nom"),
    DataCategory("prenom", "Prénom"),
    DataCategory("date-naissance", "Date de naissance"),
    DataCategory("rang-naissance", "Rang de naissance"),
    DataCategory("numero-securite-sociale", "Numéro de sécurité sociale", sensitive=True),
    DataCategory("assureur", "Nom de l'organisme complémentaire"),
    DataCategory("numero-contrat", "Numéro de contrat"),
    DataCategory("reference-interne", "Référence interne de l'opérateur"),
    DataCategory("adresse-postale", "Adresse postale"),
    DataCategory("telephone", "Numéro de téléphone"),
    DataCategory("email", "Adresse e-mail"),
    DataCategory("coordonnees-bancaires", "Coordonnées bancaires"),
    DataCategory("donnees-medicales", "Données médicales", sensitive=True),
)
