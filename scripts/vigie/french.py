"""French words for dates, durations and the closed vocabularies shown to readers."""

from __future__ import annotations

from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from vigie.model import ComponentStatus, Impact, Kind, Status

if TYPE_CHECKING:
    from datetime import date, datetime, timedelta

MONTHS = (
    "janvier",
    "février",
    "mars",
    "avril",
    "mai",
    "juin",
    "juillet",
    "août",
    "septembre",
    "octobre",
    "novembre",
    "décembre",
)
WEEKDAYS = ("lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche")

STATUS = {
    Status.INVESTIGATING: "Enquête en cours",
    Status.IDENTIFIED: "Cause identifiée",
    Status.MONITORING: "Sous surveillance",
    Status.RESOLVED: "Résolu",
    Status.POSTMORTEM: "Retour d'expérience publié",
    Status.SCHEDULED: "Planifiée",
    Status.IN_PROGRESS: "En cours",
    Status.VERIFYING: "Vérification en cours",
    Status.COMPLETED: "Terminée",
}
COMPONENT_STATUS = {
    ComponentStatus.OPERATIONAL: "Fonctionne normalement",
    ComponentStatus.UNDER_MAINTENANCE: "En maintenance",
    ComponentStatus.DEGRADED_PERFORMANCE: "Ralentissements",
    ComponentStatus.PARTIAL_OUTAGE: "Panne partielle",
    ComponentStatus.MAJOR_OUTAGE: "Panne majeure",
}
IMPACT = {
    Impact.NONE: "Aucun",
    Impact.MINOR: "Mineur",
    Impact.MAJOR: "Majeur",
    Impact.CRITICAL: "Critique",
}
KIND = {
    Kind.DATA_BREACH: "Violation de données personnelles",
    Kind.OUTAGE: "Panne",
    Kind.MAINTENANCE: "Maintenance",
    Kind.OTHER: "Autre",
}
OVERALL = {
    Impact.NONE: "Tous les services fonctionnent normalement",
    Impact.MINOR: "Un incident mineur est en cours",
    Impact.MAJOR: "Un incident majeur est en cours",
    Impact.CRITICAL: "Un incident critique est en cours",
}


def label(value: Status | ComponentStatus | Impact | Kind) -> str:
    """The French label of a status, component state, impact or kind."""
    for table in (STATUS, COMPONENT_STATUS, IMPACT, KIND):
        if value in table:
            return table[value]  # type: ignore[index]
    raise KeyError(value)


def _day(day: int) -> str:
    return "1er" if day == 1 else str(day)


def local(moment: datetime, timezone: str) -> datetime:
    """`moment` in the site's time zone."""
    return moment.astimezone(ZoneInfo(timezone))


def iso(moment: datetime, timezone: str) -> str:
    """Machine-readable form, in the site's time zone: 2024-02-09T12:00:00+01:00."""
    return local(moment, timezone).isoformat(timespec="seconds")


def date_text(day: date) -> str:
    """9 février 2024."""
    return f"{_day(day.day)} {MONTHS[day.month - 1]} {day.year}"


def weekday_date_text(day: date) -> str:
    """Vendredi 9 février 2024."""
    return f"{WEEKDAYS[day.weekday()].capitalize()} {date_text(day)}"


def datetime_text(moment: datetime, timezone: str) -> str:
    """9 février 2024 à 12 h 00, in the site's time zone."""
    there = local(moment, timezone)
    return f"{date_text(there.date())} à {there.hour} h {there.minute:02d}"


def month_text(year: int, month: int) -> str:
    """Février 2024."""
    return f"{MONTHS[month - 1].capitalize()} {year}"


def duration_text(duration: timedelta) -> str:
    """2 jours et 3 h, 2 h 45 min, 45 min."""
    minutes = int(duration.total_seconds() // 60)
    days, minutes = divmod(minutes, 24 * 60)
    hours, minutes = divmod(minutes, 60)
    if days:
        day_words = f"{days} jour{'s' if days > 1 else ''}"
        return f"{day_words} et {hours} h" if hours else day_words
    if hours:
        return f"{hours} h {minutes:02d} min" if minutes else f"{hours} h"
    return f"{minutes} min"


def lower_first(text: str) -> str:
    """`text` with its first letter in lower case, for a label inside a sentence."""
    return text[:1].lower() + text[1:]


def count(number: int, singular: str, plural: str) -> str:
    """`1 mesure ajoutée`, `2 mesures ajoutées`: the number and the word that agrees with it."""
    return f"{number} {singular if number == 1 else plural}"
