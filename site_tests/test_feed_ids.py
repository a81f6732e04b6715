"""Feed ids never depend on a date: `tag:<domain>,<tag_year>:…`, whatever year an update is of.

The site built here says `tag_year: 2019` and has updates in 2024 and 2025, in winter and
summer time, so that an id made from an update's own year, or from the default 2024, shows.
Every expected id and date is written out by hand.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING

import feedparser
import pytest

from conftest import copy_repo, run_vigie

if TYPE_CHECKING:
    from pathlib import Path

TAG = "tag:statut.mutuelle-horizon.example,2019:"
BREACH = "2024-02-tiers-payant"
OUTAGE = "2024-06-espace-adherent"
SLOW = "2025-07-remboursements-lents"

SLOW_INCIDENT = """\
id: 2025-07-remboursements-lents
title: Remboursements ralentis le 3 juillet 2025
summary: Le 3 juillet 2025, vos remboursements ont été traités avec retard pendant l'après-midi.
kind: outage
impact: minor
started: 2025-07-03T14:10:00+02:00
resolved: 2025-07-03T16:00:00+02:00
components:
  remboursements: degraded_performance
data:
  exposed: []
  not_exposed: []
what_happened: |
  Le traitement des remboursements a ralenti.
measures:
  - "Nos équipes ont relancé le traitement."
authorities: []
recommendations:
  - "Vous n'avez rien à faire."
contact:
  name: Service client
  email: service-client@mutuelle-horizon.example
"""
SLOW_UPDATES = {
    "2025-07-03T1430-remboursements-ralentis.md": (
        "---\ndate: 2025-07-03T14:30:00+02:00\nstatus: investigating\n"
        "title: Les remboursements sont ralentis\n---\nNous recherchons la cause.\n"
    ),
    "2025-07-03T1600-remboursements-normaux.md": (
        "---\ndate: 2025-07-03T16:00:00+02:00\nstatus: resolved\n"
        "title: Les remboursements sont de nouveau traités normalement\n"
        "components:\n  remboursements: operational\n---\nTout est rentré dans l'ordre.\n"
    ),
}
WINTER_UPDATE = (
    "2025-01-15T0930-point-annuel.md",
    "---\ndate: 2025-01-15T09:30:00+01:00\nstatus: monitoring\ntitle: Point annuel\n---\n"
    "La surveillance continue.\n",
)


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The example with tag_year 2019, an update in January 2025, an incident in July 2025."""
    repo = copy_repo(tmp_path_factory.mktemp("feed-ids") / "repo")
    config = repo / "mkdocs.yml"
    text = config.read_text(encoding="utf-8")
    assert "      timezone: Europe/Paris\n" in text
    config.write_text(
        text.replace(
            "      timezone: Europe/Paris\n", "      timezone: Europe/Paris\n      tag_year: 2019\n"
        ),
        encoding="utf-8",
    )
    slow = repo / "incidents" / SLOW
    (slow / "updates").mkdir(parents=True)
    (slow / "incident.yml").write_text(SLOW_INCIDENT, encoding="utf-8")
    for name, body in SLOW_UPDATES.items():
        (slow / "updates" / name).write_text(body, encoding="utf-8")
    name, body = WINTER_UPDATE
    (repo / "incidents" / BREACH / "updates" / name).write_text(body, encoding="utf-8")
    result = run_vigie(repo, "build")
    assert result.returncode == 0, result.stderr
    return repo / "site"


def feed(site: Path, path: str) -> feedparser.FeedParserDict:
    parsed = feedparser.parse((site / path).read_bytes())
    assert not parsed.bozo, parsed.bozo_exception
    return parsed


# The site-wide feed, newest first: updates and the messages sent to members.
SITE_ENTRIES = [
    (f"{SLOW}/2025-07-03T1600-remboursements-normaux", "2025-07-03T16:00:00+02:00"),
    (f"{SLOW}/2025-07-03T1430-remboursements-ralentis", "2025-07-03T14:30:00+02:00"),
    (f"{BREACH}/2025-01-15T0930-point-annuel", "2025-01-15T09:30:00+01:00"),
    (f"{OUTAGE}/2024-06-11T1200-service-retabli", "2024-06-11T12:00:00+02:00"),
    (f"{OUTAGE}/2024-06-11T1030-cause-identifiee", "2024-06-11T10:30:00+02:00"),
    (f"{OUTAGE}/2024-06-11T0915-espace-adherent-inaccessible", "2024-06-11T09:15:00+02:00"),
    (f"{BREACH}/communications/2024-02-21T1030-sms", "2024-02-21T10:30:00+01:00"),
    (f"{BREACH}/communications/2024-02-21T1000-courrier", "2024-02-21T10:00:00+01:00"),
    (f"{BREACH}/2024-02-20T1000-surveillance", "2024-02-20T10:00:00+01:00"),
    (f"{BREACH}/2024-02-09T1200-autorites-notifiees", "2024-02-09T12:00:00+01:00"),
    (f"{BREACH}/2024-02-07T1200-donnees-confirmees", "2024-02-07T12:00:00+01:00"),
    (f"{BREACH}/communications/2024-02-06T0900-email", "2024-02-06T09:00:00+01:00"),
    (f"{BREACH}/2024-02-05T1800-premiere-information", "2024-02-05T18:00:00+01:00"),
]


def test_site_feeds_carry_tag_year_ids_in_every_format(site: Path) -> None:
    expected = [TAG + specific for specific, _ in SITE_ENTRIES]
    atom = feed(site, "feeds/atom.xml")
    assert atom.feed.id == TAG + "feed/site"
    assert [e.id for e in atom.entries] == expected
    assert [e.updated for e in atom.entries] == [date for _, date in SITE_ENTRIES]
    rss = feed(site, "feeds/rss.xml")
    assert [e.id for e in rss.entries] == expected
    assert [e.guidislink for e in rss.entries] == [False] * len(expected)
    json_feed = json.loads((site / "feeds/feed.json").read_text(encoding="utf-8"))
    assert [item["id"] for item in json_feed["items"]] == expected
    assert [item["date_modified"] for item in json_feed["items"]] == [d for _, d in SITE_ENTRIES]


def test_incident_and_service_feeds_carry_tag_year_ids(site: Path) -> None:
    slow = feed(site, f"incidents/{SLOW}/atom.xml")
    assert slow.feed.id == f"{TAG}feed/incident/{SLOW}"
    assert [e.id for e in slow.entries] == [
        f"{TAG}{SLOW}/2025-07-03T1600-remboursements-normaux",
        f"{TAG}{SLOW}/2025-07-03T1430-remboursements-ralentis",
    ]
    breach = feed(site, f"incidents/{BREACH}/rss.xml")
    assert [e.id for e in breach.entries][:2] == [
        f"{TAG}{BREACH}/2025-01-15T0930-point-annuel",
        f"{TAG}{BREACH}/communications/2024-02-21T1030-sms",
    ]
    service = feed(site, "components/remboursements/atom.xml")
    assert service.feed.id == f"{TAG}feed/component/remboursements"
    assert [e.id for e in service.entries][:2] == [
        f"{TAG}{SLOW}/2025-07-03T1600-remboursements-normaux",
        f"{TAG}{SLOW}/2025-07-03T1430-remboursements-ralentis",
    ]


def test_api_updates_name_the_same_feed_ids(site: Path) -> None:
    incidents = json.loads((site / "api/v2/incidents.json").read_text(encoding="utf-8"))
    ids = {u["id"]: u["x_feed_id"] for i in incidents["incidents"] for u in i["incident_updates"]}
    assert ids["2025-07-03T1600-remboursements-normaux"] == (
        f"{TAG}{SLOW}/2025-07-03T1600-remboursements-normaux"
    )
    assert ids["2025-01-15T0930-point-annuel"] == f"{TAG}{BREACH}/2025-01-15T0930-point-annuel"
    assert ids["2024-02-05T1800-premiere-information"] == (
        f"{TAG}{BREACH}/2024-02-05T1800-premiere-information"
    )
    assert {feed_id.split(":")[1] for feed_id in ids.values()} == {
        "statut.mutuelle-horizon.example,2019"
    }
