"""The accessibility statement (RGAA's « déclaration d'accessibilité »), a generated page.

It is filled from the `accessibility` options of the Vigie plugin in `mkdocs.yml`, so that its
conformity level, dates and contacts are settings that staff change in one place.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from vigie import french
from vigie.pages.rows import When
from vigie.pages.site import GeneratedPage

if TYPE_CHECKING:
    from datetime import date

    from vigie.model import Settings


STATEMENT_URI = "accessibilite.md"


@dataclass(frozen=True)
class StatementSettings:
    """The `accessibility` options of the Vigie plugin, as written in `mkdocs.yml`."""

    status: str = "non conforme"
    standard: str = "RGAA 4.1"
    compliance_rate: float | None = None  # share of applicable criteria met, in %
    audit_date: date | None = None
    audited_by: str = ""
    statement_date: date | None = None
    non_compliant: tuple[str, ...] = ()
    exemptions: tuple[str, ...] = ()
    contact_email: str = ""  # the site's contact address when empty
    contact_phone: str = ""
    contact_url: str = ""
    postal_address: str = ""


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


def statement_problems(options: StatementSettings) -> list[str]:
    """What RGAA forbids in the declared status, each as one French sentence."""
    problems = []
    if options.status not in french.RGAA_LEVELS:
        choices = ", ".join(f"« {level} »" for level in french.RGAA_LEVELS)
        problems.append(f"accessibility.status « {options.status} » inconnu ; choix : {choices}")
    elif options.status != "non conforme" and options.audit_date is None:
        problems.append(
            f"accessibility.status « {options.status} » demande un audit : indiquez "
            "accessibility.audit_date (sans audit, le RGAA impose « non conforme »)"
        )
    rate = options.compliance_rate
    if rate is not None:
        expected = (
            "totalement conforme"
            if rate >= 100
            else "partiellement conforme"
            if rate >= 50
            else "non conforme"
        )
        if not 0 <= rate <= 100:
            problems.append(f"accessibility.compliance_rate {rate:g} : un pourcentage de 0 à 100")
        elif options.status in french.RGAA_LEVELS and expected != options.status:
            problems.append(
                f"accessibility.compliance_rate {rate:g} % correspond à « {expected} », "
                f"pas à « {options.status} »"
            )
    return problems


def statement(options: StatementSettings, settings: Settings) -> Statement:
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


def statement_page(options: StatementSettings, settings: Settings) -> GeneratedPage:
    """The page `/accessibilite/`, in the navigation, dated by the statement."""
    shown = statement(options, settings)
    return GeneratedPage(
        STATEMENT_URI,
        french.STATEMENT_TITLE,
        "vigie/accessibility.html",
        lambda: shown,
        french.statement_search_text(shown.status, shown.standard),
        source=settings.config_path,
        in_nav=True,
        updated=options.statement_date.isoformat() if options.statement_date else "",
    )
