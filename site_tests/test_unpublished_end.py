"""Nothing of an unpublished update shows: the end `incident.yml` gives waits for its update.

Staff may write `resolved:` in `incident.yml` together with the resolving (or, for planned
maintenance, completing) update dated later. The example gets an outage and a maintenance
written that way; the site is built at two fixed "now": before those updates (the end is
nowhere: home, notice page, notice JSON, API, feeds, iCalendar) and after (it is everywhere).
"""

from __future__ import annotations

import json
from datetime import datetime
from typing import TYPE_CHECKING

import feedparser
import icalendar
import pytest

from conftest import copy_repo, parse_html, run_vigie

if TYPE_CHECKING:
    from pathlib import Path

BEFORE = datetime.fromisoformat("2026-11-01T12:00:00+00:00")  # both closing updates to come
AFTER = datetime.fromisoformat("2026-11-03T12:00:00+00:00")  # both published

OUTAGE = "2026-10-espace-adherent"
MAINTENANCE = "2026-10-maintenance-remboursements"
FILES = {
    f"{OUTAGE}/incident.yml": """\
id: 2026-10-espace-adherent
title: Espace adhérent inaccessible fin octobre 2026
summary: L'espace adhérent est inaccessible.
kind: outage
impact: major
started: 2026-10-31T09:00:00+01:00
resolved: 2026-11-02T10:00:00+01:00
components:
  espace-adherent: major_outage
what_happened: |
  L'espace adhérent ne répond plus.
contact:
  name: Service client
  email: service-client@mutuelle-horizon.example
""",
    f"{OUTAGE}/updates/2026-10-31T0900-panne.md": """\
---
date: 2026-10-31T09:00:00+01:00
status: investigating
title: Espace adhérent inaccessible
---
Nous cherchons la cause.
""",
    f"{OUTAGE}/updates/2026-11-02T1000-retabli.md": """\
---
date: 2026-11-02T10:00:00+01:00
status: resolved
title: Espace adhérent rétabli
components:
  espace-adherent: operational
---
L'espace adhérent fonctionne de nouveau.
""",
    f"{MAINTENANCE}/incident.yml": """\
id: 2026-10-maintenance-remboursements
title: Maintenance des remboursements fin octobre 2026
summary: Les remboursements sont suspendus pendant une mise à jour.
kind: maintenance
impact: minor
started: 2026-10-20T10:00:00+02:00
resolved: 2026-11-02T09:00:00+01:00
planned:
  start: 2026-10-31T22:00:00+01:00
  end: 2026-11-01T02:00:00+01:00
components:
  remboursements: under_maintenance
what_happened: |
  Le logiciel des remboursements est mis à jour.
contact:
  name: Service client
  email: service-client@mutuelle-horizon.example
""",
    f"{MAINTENANCE}/updates/2026-10-20T1000-annonce.md": """\
---
date: 2026-10-20T10:00:00+02:00
status: scheduled
title: Maintenance annoncée
---
Les remboursements seront suspendus la nuit du 31 octobre.
""",
    f"{MAINTENANCE}/updates/2026-10-31T2200-debut.md": """\
---
date: 2026-10-31T22:00:00+01:00
status: in_progress
title: Maintenance commencée
---
La mise à jour a commencé.
""",
    f"{MAINTENANCE}/updates/2026-11-02T0900-terminee.md": """\
---
date: 2026-11-02T09:00:00+01:00
status: completed
title: Maintenance terminée
components:
  remboursements: operational
---
Les remboursements reprennent.
""",
}


def build_at(folder: Path, now: datetime) -> Path:
    repo = copy_repo(folder)
    for name, text in FILES.items():
        path = repo / "incidents" / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    result = run_vigie(repo, "build", env={"SOURCE_DATE_EPOCH": str(int(now.timestamp()))})
    assert result.returncode == 0, result.stdout + result.stderr
    return repo / "site"


@pytest.fixture(scope="module")
def before(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_at(tmp_path_factory.mktemp("before") / "repo", BEFORE)


@pytest.fixture(scope="module")
def after(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_at(tmp_path_factory.mktemp("after") / "repo", AFTER)


def home_dates(site: Path, incident_id: str) -> str:
    """The dates line of the incident's row on the home page, spaces collapsed."""
    home = parse_html(site / "index.html")
    link = home.select_one(f".vigie-incident__title a[href='incidents/{incident_id}/']")
    row = link.find_parent(class_="vigie-incident")
    return " ".join(row.select_one(".vigie-incident__dates").get_text(" ").split())


def notice_terms(site: Path, incident_id: str) -> dict[str, str]:
    page = parse_html(site / "incidents" / incident_id / "index.html")
    return {
        dt.get_text(strip=True): " ".join(dt.find_next_sibling("dd").get_text(" ").split())
        for dt in page.select("dt")
    }


def load(site: Path, path: str) -> dict:
    return json.loads((site / path).read_text(encoding="utf-8"))


def api_entry(site: Path, endpoint: str, key: str, incident_id: str) -> dict:
    return next(i for i in load(site, f"api/v2/{endpoint}.json")[key] if i["id"] == incident_id)


def test_home_shows_no_end_before_the_resolving_update(before: Path):
    assert home_dates(before, OUTAGE) == (
        "Début : 31 octobre 2026 à 9 h 00 · Dernière mise à jour : 31 octobre 2026 à 9 h 00"
    )


def test_home_shows_the_end_and_duration_once_published(after: Path):
    assert home_dates(after, OUTAGE) == (
        "Début : 31 octobre 2026 à 9 h 00 · Fin : 2 novembre 2026 à 10 h 00 (durée : 2 jours et 1 h)"
    )


def test_notice_page_says_no_end_before_the_resolving_update(before: Path):
    assert "Fin" not in notice_terms(before, OUTAGE)
    assert "Fin" not in notice_terms(before, MAINTENANCE)


def test_notice_page_says_the_end_once_published(after: Path):
    assert notice_terms(after, OUTAGE)["Fin"] == "2 novembre 2026 à 10 h 00"
    assert notice_terms(after, MAINTENANCE)["Fin"] == "2 novembre 2026 à 9 h 00"


def test_notice_json_has_no_end_before_the_resolving_update(before: Path, after: Path):
    assert load(before, f"incidents/{OUTAGE}/notice.json")["resolved_at"] is None
    assert load(before, f"incidents/{MAINTENANCE}/notice.json")["resolved_at"] is None
    assert load(after, f"incidents/{OUTAGE}/notice.json")["resolved_at"] == (
        "2026-11-02T10:00:00+01:00"
    )
    assert load(after, f"incidents/{MAINTENANCE}/notice.json")["resolved_at"] == (
        "2026-11-02T09:00:00+01:00"
    )


def test_api_has_no_resolved_at_before_the_resolving_update(before: Path):
    outage = api_entry(before, "incidents", "incidents", OUTAGE)
    assert (outage["status"], outage["resolved_at"]) == ("investigating", None)
    maintenance = api_entry(before, "scheduled-maintenances", "scheduled_maintenances", MAINTENANCE)
    assert (maintenance["status"], maintenance["resolved_at"]) == ("in_progress", None)
    assert OUTAGE in {
        i["id"] for i in load(before, "api/v2/incidents/unresolved.json")["incidents"]
    }


def test_api_has_resolved_at_once_published(after: Path):
    outage = api_entry(after, "incidents", "incidents", OUTAGE)
    assert (outage["status"], outage["resolved_at"]) == (
        "resolved",
        "2026-11-02T10:00:00.000+01:00",
    )
    maintenance = api_entry(after, "scheduled-maintenances", "scheduled_maintenances", MAINTENANCE)
    assert (maintenance["status"], maintenance["resolved_at"]) == (
        "completed",
        "2026-11-02T09:00:00.000+01:00",
    )


def feed_titles(site: Path, path: str) -> list[str]:
    return [e.title for e in feedparser.parse((site / path).read_bytes()).entries]


@pytest.mark.parametrize(
    "path", ["feeds/rss.xml", "feeds/atom.xml", f"incidents/{OUTAGE}/atom.xml"]
)
def test_feeds_hold_the_closing_updates_only_once_published(before: Path, after: Path, path: str):
    titles_before, titles_after = feed_titles(before, path), feed_titles(after, path)
    assert not any("rétabli" in t or "terminée" in t for t in titles_before), titles_before
    assert any("Espace adhérent rétabli" in t for t in titles_after), titles_after


def calendar_event(site: Path) -> dict[str, str]:
    """The maintenance's VEVENT, each property as its text."""
    calendar = icalendar.Calendar.from_ical((site / "feeds" / "maintenances.ics").read_bytes())
    for event in calendar.walk("VEVENT"):
        if MAINTENANCE in str(event["URL"]):
            return {key: str(value) for key, value in event.items()}
    raise AssertionError("no event for the maintenance")


def test_calendar_says_in_progress_until_the_completing_update(before: Path, after: Path):
    assert calendar_event(before)["SUMMARY"] == (
        "Maintenance des remboursements fin octobre 2026 (en cours)"
    )
    assert calendar_event(before)["SEQUENCE"] == "1"
    assert calendar_event(after)["SUMMARY"] == (
        "Maintenance des remboursements fin octobre 2026 (terminée)"
    )
    assert calendar_event(after)["SEQUENCE"] == "2"
