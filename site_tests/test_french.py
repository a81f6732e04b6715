"""The French Python writes (vigie.french): durations, dates in winter and summer, agreement.

Every expected text is written out by hand, as a reader would want to read it.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from vigie import french
from vigie.model import ComponentStatus, Impact, Kind, Status

PARIS = "Europe/Paris"


@pytest.mark.parametrize(
    ("duration", "text"),
    [
        (timedelta(0), "0 min"),
        (timedelta(seconds=59), "0 min"),
        (timedelta(minutes=1), "1 min"),
        (timedelta(minutes=45), "45 min"),
        (timedelta(minutes=59, seconds=59), "59 min"),
        (timedelta(hours=1), "1 h"),
        (timedelta(hours=1, minutes=5), "1 h 05 min"),
        (timedelta(hours=2, minutes=45), "2 h 45 min"),
        (timedelta(hours=3, minutes=20), "3 h 20 min"),
        (timedelta(hours=23, minutes=59), "23 h 59 min"),
        # One day is « 1 jour », never « 1 jours »; with days, minutes are left out.
        (timedelta(days=1), "1 jour"),
        (timedelta(days=1, minutes=30), "1 jour"),
        (timedelta(days=1, hours=1), "1 jour et 1 h"),
        (timedelta(days=1, hours=23, minutes=59), "1 jour et 23 h"),
        (timedelta(days=2), "2 jours"),
        (timedelta(days=2, hours=3, minutes=10), "2 jours et 3 h"),
        (timedelta(days=10, hours=23), "10 jours et 23 h"),
    ],
)
def test_duration_in_days_hours_and_minutes(duration: timedelta, text: str) -> None:
    assert french.duration_text(duration) == text


@pytest.mark.parametrize(
    ("moment", "text", "iso"),
    [
        # Winter: Paris is UTC+1.
        (
            datetime(2024, 2, 9, 11, 0, tzinfo=UTC),
            "9 février 2024 à 12 h 00",
            "2024-02-09T12:00:00+01:00",
        ),
        # Summer: UTC+2.
        (
            datetime(2024, 6, 11, 6, 40, tzinfo=UTC),
            "11 juin 2024 à 8 h 40",
            "2024-06-11T08:40:00+02:00",
        ),
        # The night the clocks go forward (31 March 2024, 2 h -> 3 h).
        (
            datetime(2024, 3, 31, 0, 59, tzinfo=UTC),
            "31 mars 2024 à 1 h 59",
            "2024-03-31T01:59:00+01:00",
        ),
        (
            datetime(2024, 3, 31, 1, 0, tzinfo=UTC),
            "31 mars 2024 à 3 h 00",
            "2024-03-31T03:00:00+02:00",
        ),
        # New Year in Paris while it is still the old year in UTC; the first of the month.
        (
            datetime(2024, 12, 31, 23, 30, tzinfo=UTC),
            "1er janvier 2025 à 0 h 30",
            "2025-01-01T00:30:00+01:00",
        ),
        (
            datetime(2025, 8, 1, 7, 5, tzinfo=UTC),
            "1er août 2025 à 9 h 05",
            "2025-08-01T09:05:00+02:00",
        ),
    ],
)
def test_date_and_time_in_the_site_time_zone(moment: datetime, text: str, iso: str) -> None:
    assert french.datetime_text(moment, PARIS) == text
    assert french.iso(moment, PARIS) == iso


def test_dates_days_and_months() -> None:
    assert french.date_text(date(2024, 2, 1)) == "1er février 2024"
    assert french.date_text(date(2024, 2, 2)) == "2 février 2024"
    assert french.date_text(date(2023, 12, 31)) == "31 décembre 2023"
    assert french.weekday_date_text(date(2024, 2, 9)) == "Vendredi 9 février 2024"
    assert french.weekday_date_text(date(2024, 6, 10)) == "Lundi 10 juin 2024"
    assert french.weekday_date_text(date(2025, 3, 1)) == "Samedi 1er mars 2025"
    assert french.month_text(2024, 8) == "Août 2024"
    assert french.month_text(2025, 1) == "Janvier 2025"


def test_words_agree_with_their_number() -> None:
    assert french.count(1, "mesure ajoutée", "mesures ajoutées") == "1 mesure ajoutée"
    assert french.count(2, "mesure ajoutée", "mesures ajoutées") == "2 mesures ajoutées"
    assert french.count(12, "mesure ajoutée", "mesures ajoutées") == "12 mesures ajoutées"


def test_labels_and_lower_first() -> None:
    assert french.label(Status.RESOLVED) == "Résolu"
    assert french.label(Status.IN_PROGRESS) == "En cours"
    assert french.label(ComponentStatus.PARTIAL_OUTAGE) == "Panne partielle"
    assert french.label(ComponentStatus.DEGRADED_PERFORMANCE) == "Ralentissements"
    assert french.label(Impact.CRITICAL) == "Critique"
    assert french.label(Kind.DATA_BREACH) == "Violation de données personnelles"
    assert french.lower_first("Panne majeure") == "panne majeure"
    assert french.lower_first("") == ""
    with pytest.raises(KeyError):
        french.label("inconnu")  # type: ignore[arg-type]
