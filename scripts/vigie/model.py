"""The typed model every later stage works on: frozen, with aware datetimes only."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from typing import TYPE_CHECKING

from vigie import config

if TYPE_CHECKING:
    from collections.abc import Iterable
    from datetime import date, datetime
    from pathlib import PurePosixPath


class Kind(StrEnum):
    DATA_BREACH = "data-breach"
    OUTAGE = "outage"
    MAINTENANCE = "maintenance"
    FRAUD = "fraud"  # a wave of fraudulent messages in the organisation's name
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
    """An update's status: the incident vocabulary, then planned maintenance's (Statuspage's)."""

    INVESTIGATING = "investigating"
    IDENTIFIED = "identified"
    MONITORING = "monitoring"
    RESOLVED = "resolved"
    POSTMORTEM = "postmortem"
    SCHEDULED = "scheduled"
    IN_PROGRESS = "in_progress"
    VERIFYING = "verifying"
    COMPLETED = "completed"

    @property
    def is_closed(self) -> bool:
        return self in (Status.RESOLVED, Status.POSTMORTEM, Status.COMPLETED)

    @property
    def is_maintenance(self) -> bool:
        return self in MAINTENANCE_STATUSES


MAINTENANCE_STATUSES = frozenset(
    {Status.SCHEDULED, Status.IN_PROGRESS, Status.VERIFYING, Status.COMPLETED}
)
INCIDENT_STATUSES = frozenset(set(Status) - MAINTENANCE_STATUSES)


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


# The defaults of the plugin's options, declared in config.py.
DEFAULT_LINK_HOSTS: tuple[str, ...] = config.default("link_hosts")
DEFAULT_NEVER_ASK: tuple[str, ...] = config.default("never_ask")
DEFAULT_DATA_CATEGORIES = tuple(DataCategory(**c) for c in config.default("data_categories"))


@dataclass(frozen=True)
class Accessibility:
    """The accessibility statement's settings: the `accessibility` options (config.py)."""

    status: str = config.default("accessibility.status")
    standard: str = config.default("accessibility.standard")
    # The share of applicable criteria met, in %.
    compliance_rate: float | None = config.default("accessibility.compliance_rate")
    audit_date: date | None = config.default("accessibility.audit_date")
    audited_by: str = config.default("accessibility.audited_by")
    statement_date: date | None = config.default("accessibility.statement_date")
    non_compliant: tuple[str, ...] = config.default("accessibility.non_compliant")
    exemptions: tuple[str, ...] = config.default("accessibility.exemptions")
    # The site's contact address when empty.
    contact_email: str = config.default("accessibility.contact_email")
    contact_phone: str = config.default("accessibility.contact_phone")
    contact_url: str = config.default("accessibility.contact_url")
    postal_address: str = config.default("accessibility.postal_address")


@dataclass(frozen=True)
class Webhook:
    """One endpoint told of each new update (`notify.webhooks`); its URL and key in the env."""

    id: str
    format: str  # statuspage | slack | teams
    url_env: str
    secret_env: str = ""
    components: tuple[str, ...] = ()  # only updates of incidents citing one of these
    kinds: tuple[str, ...] = ()  # only incidents of these kinds


@dataclass(frozen=True)
class Mail:
    """The SMTP server and recipients told of each new update (`notify.mail`)."""

    host: str
    port: int
    security: str  # starttls | tls | none
    sender: str
    recipients: tuple[str, ...]
    username_env: str = ""
    password_env: str = ""
    components: tuple[str, ...] = ()
    kinds: tuple[str, ...] = ()


def limits_cover(
    components: tuple[str, ...], kinds: tuple[str, ...], kind: str, cited: Iterable[str]
) -> bool:
    """Whether a channel limited to `components` and `kinds` (empty: no limit) is told of a
    notice of `kind` citing the services `cited`: what is sent, and what a page says is."""
    if components and not set(components) & set(cited):
        return False
    return not kinds or kind in kinds


@dataclass(frozen=True)
class Notify:
    """Who is told at deploy: WebSub hubs, webhooks, mail (publish/notify/)."""

    hubs: tuple[str, ...] = ()
    webhooks: tuple[Webhook, ...] = ()
    mail: Mail | None = None
    timeout: float = 5.0


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
    feed_entries: int = config.default("feed_entries")
    tag_year: int = config.default("tag_year")
    never_ask: tuple[str, ...] = DEFAULT_NEVER_ASK  # "Ce que nous ne vous demanderons jamais"
    # Security (links.py, securitytxt.py): where links may go, who to tell about a flaw.
    own_domains: tuple[str, ...] = ()
    link_hosts: tuple[str, ...] = DEFAULT_LINK_HOSTS
    security_contact: str = ""
    security_expires: datetime | None = None
    accessibility: Accessibility = Accessibility()
    incidents_dir: str = config.default("incidents_dir")
    pages_dir: str = "pages"
    config_path: str = "mkdocs.yml"
    notify: Notify = Notify()

    def component(self, component_id: str) -> Component:
        return next(c for c in self.components if c.id == component_id)

    def data_category(self, category_id: str) -> DataCategory:
        return next(c for c in self.data_categories if c.id == category_id)


class AuthorityType(StrEnum):
    CNIL = "cnil"
    ANSSI = "anssi"
    COMPLAINT = "plainte"
    OTHER = "autre"


@dataclass(frozen=True)
class Authority:
    name: str
    date: datetime
    note: str = ""
    type: AuthorityType = AuthorityType.OTHER
    delay_reason: str = ""


@dataclass(frozen=True)
class Party:
    """The controller of the data, or the processor acting for it (GDPR art. 4)."""

    name: str
    role: str = ""


@dataclass(frozen=True)
class Breach:
    """What GDPR art. 34 asks a personal-data breach notice to tell the people concerned."""

    discovered: datetime | None = None
    exposure_start: datetime | None = None
    exposure_end: datetime | None = None
    concerned: str = ""  # Markdown: how members know whether they are concerned
    individual_notice: str = ""  # Markdown: how they will be told individually
    consequences: tuple[str, ...] = ()
    planned_measures: tuple[str, ...] = ()
    controller: Party | None = None
    processor: Party | None = None
    rights: str = ""  # Markdown: their rights, including a complaint to the CNIL


@dataclass(frozen=True)
class Communication:
    """A letter, e-mail or SMS actually sent to members about an incident."""

    id: str
    date: datetime
    channel: str
    sender: str
    subject: str
    audience: str


class FraudChannel(StrEnum):
    """How a fraudulent message reached members (fraudulent-messages.yml)."""

    SMS = "sms"
    EMAIL = "email"
    LETTER = "courrier"
    CALL = "appel"
    OTHER = "autre"


@dataclass(frozen=True)
class FraudulentMessage:
    """A message reported to the organisation that it did NOT send, quoted as members got it.

    `sender`, `subject` and `fakes` are the fraudster's words: every page and feed shows them
    defanged (`sources/fraud.py`), never as links. `first_seen` and `last_seen` are a date,
    or an aware datetime when the hour is known.
    """

    id: str
    channel: FraudChannel
    first_seen: date  # a datetime (aware) when the hour is known
    sender: str
    subject: str
    fakes: tuple[str, ...]
    if_answered: str  # Markdown: what to do if you answered or clicked
    last_seen: date | None = None


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
    breach: Breach = field(default_factory=Breach)


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
    breach: tuple[tuple[str, object], ...] = ()  # Breach fields this update replaces


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
    communications: tuple[Communication, ...] = ()  # official messages the organisation sent
    fraudulent_messages: tuple[FraudulentMessage, ...] = ()  # reported, NOT sent by it
    planned_start: datetime | None = None  # planned maintenance only
    planned_end: datetime | None = None
    sources_digest: str = ""  # of the texts it was read from (IncidentSources.digest)

    @property
    def is_maintenance(self) -> bool:
        return self.kind == Kind.MAINTENANCE


@dataclass(frozen=True)
class Site:
    settings: Settings
    incidents: tuple[Incident, ...]
    faq: tuple[FaqEntry, ...]
