"""The accessibility statement (RGAA's « déclaration d'accessibilité »), a generated page.

It is filled from the `accessibility` options of the Vigie plugin in `mkdocs.yml`, so that its
conformity level, dates and contacts are settings that staff change in one place.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from vigie import french
from vigie.pages.rows import When

if TYPE_CHECKING:
    from datetime import date

    from vigie.model import Accessibility, Settings


STATEMENT_URI = "accessibilite.md"


@dataclass(frozen=True)
class Statement:
    """The accessibility statement, ready to show."""

    organisation: str
    site_name: str
    site_url: str
    status: str
    status_rule: str
    standard: str
    compliance_rate: str  # "87 %" or ""
    audit_date: When | None
    audited_by: str  # who audited, or « une évaluation »
    statement_date: When | None
    non_compliant: tuple[str, ...]
    exemptions: tuple[str, ...]
    contact_email: str
    contact_phone: str
    contact_url: str
    postal_address: str


def _day(day: date | None) -> When | None:
    return When(day.isoformat(), french.date_text(day)) if day else None


def statement(options: Accessibility, settings: Settings) -> Statement:
    """The statement's content from the plugin options and the site's own settings."""
    rate = options.compliance_rate
    return Statement(
        organisation=settings.organisation,
        site_name=settings.site_name,
        site_url=settings.site_url,
        status=options.status,
        status_rule=french.RGAA_LEVELS.get(options.status, ""),
        standard=options.standard,
        compliance_rate=f"{rate:g}\u202f%".replace(".", ",") if rate is not None else "",
        audit_date=_day(options.audit_date),
        audited_by=options.audited_by or french.UNNAMED_AUDITOR,
        statement_date=_day(options.statement_date),
        non_compliant=options.non_compliant,
        exemptions=options.exemptions,
        contact_email=options.contact_email or settings.contact_email,
        contact_phone=options.contact_phone,
        contact_url=options.contact_url,
        postal_address=options.postal_address,
    )
