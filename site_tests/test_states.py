"""Every state, every output: a site where each service state and each status occurs at once.

The fixture site (site_tests/sites/every-state/) is built once, at a fixed "now"; every
output people or programs read (home page, API, badges, feeds, `vigie status`) must say
the same states, checked against values written out here by hand.

At 2025-07-01T10:00:00Z (12 h 00 in Paris) the sources say:
- messagerie: one open incident (monitoring), degraded performance;
- paiement: two open incidents, a partial outage (older) and a major outage (newer): the
  worst wins, whatever the order;
- agenda: a resolved incident whose notice still says major outage (impact critical), a
  completed maintenance, an announced one to come: operational;
- prelevements: the open partial outage, and a 2023 incident resolved then postmortem;
- annuaire: a maintenance in progress (impact critical, which the indicator must ignore).
One update is dated after "now" (scheduled): nothing may show it yet.
"""

from __future__ import annotations

import json
import shutil
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import TYPE_CHECKING

import feedparser
import material
import pytest

from conftest import REPO, parse_html, run_vigie
from vigie import cli

if TYPE_CHECKING:
    from bs4 import BeautifulSoup, Tag

FIXTURE = Path(__file__).parent / "sites" / "every-state"
# 2025-07-01T10:00:00Z, written out (date -d 2025-07-01T10:00:00Z +%s).
NOW_EPOCH = "1751364000"
ROOT = "https://etat.vigieville.example/"
TAG = "tag:etat.vigieville.example,2024:"  # tag_year 2024 in every id, whatever the date
SVG = "{http://www.w3.org/2000/svg}"
ICONS = Path(material.__file__).parent / "templates" / ".icons"

# Each service, in the order of mkdocs.yml: name, state in words, colour class, icon,
# API status, badge colour.
SERVICES = {
    "messagerie": (
        "Messagerie",
        "Ralentissements",
        "minor",
        "material/alert-circle",
        "degraded_performance",
        "#8a5a00",
    ),
    "paiement": (
        "Paiement en ligne",
        "Panne majeure",
        "critical",
        "material/close-octagon",
        "major_outage",
        "#b71c1c",
    ),
    "agenda": (
        "Agenda des rendez-vous",
        "Fonctionne normalement",
        "ok",
        "material/check-circle",
        "operational",
        "#2e7d32",
    ),
    "prelevements": (
        "Prélèvements",
        "Panne partielle",
        "major",
        "material/alert",
        "partial_outage",
        "#a84300",
    ),
    "annuaire": (
        "Annuaire",
        "En maintenance",
        "maintenance",
        "material/wrench",
        "under_maintenance",
        "#005a9c",
    ),
}
OVERALL = "Un incident majeur est en cours"
ICON_NAMES = (
    "material/check-circle",
    "material/alert-circle",
    "material/alert",
    "material/close-octagon",
    "material/wrench",
)

# Every published update, newest first: (incident, file stem, status, status in words).
UPDATES = [
    ("2025-07-annuaire", "2025-07-01T0800-debut", "in_progress", "En cours"),
    (
        "2025-06-paiement-panne",
        "2025-06-30T1430-paiement-interrompu",
        "investigating",
        "Enquête en cours",
    ),
    ("2025-06-paiement-lenteurs", "2025-06-29T1100-cause", "identified", "Cause identifiée"),
    ("2025-06-paiement-lenteurs", "2025-06-28T0930-echecs", "investigating", "Enquête en cours"),
    ("2025-07-agenda", "2025-06-25T1000-annonce", "scheduled", "Planifiée"),
    ("2025-07-annuaire", "2025-06-20T0900-annonce", "scheduled", "Planifiée"),
    ("2025-02-messagerie", "2025-06-15T1000-surveillance", "monitoring", "Sous surveillance"),
    ("2025-02-messagerie", "2025-02-11T1000-cause", "identified", "Cause identifiée"),
    ("2025-02-messagerie", "2025-02-10T0815-lenteurs", "investigating", "Enquête en cours"),
    ("2023-11-agenda", "2023-11-06T0130-fin", "completed", "Terminée"),
    ("2023-11-agenda", "2023-11-06T0100-verification", "verifying", "Vérification en cours"),
    ("2023-11-agenda", "2023-11-05T2200-debut", "in_progress", "En cours"),
    ("2023-11-agenda", "2023-11-02T1000-annonce", "scheduled", "Planifiée"),
    ("2023-08-prelevements", "2023-08-20T1000-retour", "postmortem", "Retour d'expérience publié"),
    ("2023-08-prelevements", "2023-08-01T1500-repris", "resolved", "Résolu"),
    ("2023-08-prelevements", "2023-08-01T1030-echec", "investigating", "Enquête en cours"),
    ("2023-01-agenda", "2023-01-16T1200-retabli", "resolved", "Résolu"),
    ("2023-01-agenda", "2023-01-16T0900-indisponible", "investigating", "Enquête en cours"),
]
# When each was published, in Paris time: winter +01:00, summer +02:00 (some sources are in UTC).
PUBLISHED = [
    "2025-07-01T08:00:00+02:00",
    "2025-06-30T14:30:00+02:00",
    "2025-06-29T11:00:00+02:00",
    "2025-06-28T09:30:00+02:00",
    "2025-06-25T10:00:00+02:00",
    "2025-06-20T09:00:00+02:00",
    "2025-06-15T10:00:00+02:00",
    "2025-02-11T10:00:00+01:00",
    "2025-02-10T08:15:00+01:00",
    "2023-11-06T01:30:00+01:00",
    "2023-11-06T01:00:00+01:00",
    "2023-11-05T22:00:00+01:00",
    "2023-11-02T10:00:00+01:00",
    "2023-08-20T10:00:00+02:00",
    "2023-08-01T15:00:00+02:00",
    "2023-08-01T10:30:00+02:00",
    "2023-01-16T12:00:00+01:00",
    "2023-01-16T09:00:00+01:00",
]
SCHEDULED_STEM = "2025-07-03T1000-surveillance"  # dated after "now"
SCHEDULED_TITLE = "Correctif en surveillance"


def copy_fixture(target: Path) -> Path:
    """The fixture site with the example's pages and templates."""
    shutil.copytree(FIXTURE, target)
    for part in ("pages", "overrides"):
        shutil.copytree(REPO / part, target / part)
    return target


def build(repo: Path) -> Path:
    """`vigie build` at the fixed "now", whatever SOURCE_DATE_EPOCH the caller has set."""
    result = run_vigie(repo, "build", env={"SOURCE_DATE_EPOCH": NOW_EPOCH})
    assert result.returncode == 0, result.stdout + result.stderr
    return repo / "site"


@pytest.fixture(scope="module")
def repo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The fixture site, built once for the module."""
    target = copy_fixture(tmp_path_factory.mktemp("every-state") / "repo")
    build(target)
    return target


@pytest.fixture(scope="module")
def site(repo: Path) -> Path:
    return repo / "site"


@pytest.fixture(scope="module")
def home(site: Path) -> BeautifulSoup:
    return parse_html(site / "index.html")


def api(site: Path, endpoint: str) -> dict:
    return json.loads((site / "api/v2" / endpoint).read_text(encoding="utf-8"))


def _drawn(svg: ET.Element | Tag) -> list[str]:
    if isinstance(svg, ET.Element):
        return [p.get("d", "") for p in svg.iter(f"{SVG}path")]
    return [p["d"] for p in svg.select("path")]


def icon_of(badge: Tag) -> str:
    """Which of Material's icons the badge draws (compared path by path with the icon set)."""
    svg = badge.select_one(".vigie-badge__icon > svg")
    assert svg is not None
    drawn = _drawn(svg)
    names = [n for n in ICON_NAMES if _drawn(ET.parse(ICONS / f"{n}.svg").getroot()) == drawn]
    assert len(names) == 1, drawn
    return names[0]


def badge_of(element: Tag) -> tuple[str, str, str]:
    """A page badge as people see it: its words, its colour class, its icon."""
    badge = element.select_one(".vigie-badge")
    assert badge is not None
    levels = [c for c in badge["class"] if c.startswith("vigie-badge--")]
    assert len(levels) == 1, badge["class"]
    text = badge.select_one(".vigie-badge__text")
    assert text is not None
    return text.get_text(), levels[0].removeprefix("vigie-badge--"), icon_of(badge)


# --- Home page ----------------------------------------------------------------------------


def test_home_shows_each_service_in_words_colour_and_icon(home: BeautifulSoup):
    rows = home.select("table.vigie-components tbody tr")
    shown = [(row.th.contents[0].strip(), *badge_of(row.td)) for row in rows]
    assert shown == [
        ("Messagerie", "Ralentissements", "minor", "material/alert-circle"),
        ("Paiement en ligne", "Panne majeure", "critical", "material/close-octagon"),
        ("Agenda des rendez-vous", "Fonctionne normalement", "ok", "material/check-circle"),
        ("Prélèvements", "Panne partielle", "major", "material/alert"),
        ("Annuaire", "En maintenance", "maintenance", "material/wrench"),
    ]


def test_home_says_the_overall_state(home: BeautifulSoup):
    overall = home.select_one("p.vigie-overall")
    assert overall is not None
    assert overall["class"] == ["vigie-overall", "vigie-overall--major"]
    assert badge_of(overall) == (OVERALL, "major", "material/alert")
    updated = home.select_one("p.vigie-muted time")
    assert updated is not None
    assert (updated["datetime"], updated.get_text()) == (
        "2025-07-01T08:00:00+02:00",
        "1er juillet 2025 à 8 h 00",
    )


def _incident_rows(home: BeautifulSoup, heading: str) -> list[tuple]:
    title = home.find("h2", id=heading)
    assert title is not None
    listing = title.find_next_sibling()
    assert listing is not None
    if listing.name != "ul":
        return []
    rows = []
    for item in listing.select("li.vigie-incident"):
        times = [(t["datetime"], t.get_text()) for t in item.select(".vigie-incident__dates time")]
        dates = item.select_one(".vigie-incident__dates")
        assert dates is not None
        rows.append((item.h3.a["href"], *badge_of(item), times, " ".join(dates.get_text().split())))
    return rows


def test_home_lists_the_open_incidents_newest_first(home: BeautifulSoup):
    alert = ("minor", "material/alert-circle")  # each open incident's impact is minor
    assert _incident_rows(home, "en-cours") == [
        (
            "incidents/2025-06-paiement-panne/",
            "Enquête en cours",
            *alert,
            [
                ("2025-06-30T14:00:00+02:00", "30 juin 2025 à 14 h 00"),
                ("2025-06-30T14:30:00+02:00", "30 juin 2025 à 14 h 30"),
            ],
            "Début : 30 juin 2025 à 14 h 00 · Dernière mise à jour : 30 juin 2025 à 14 h 30",
        ),
        (
            "incidents/2025-06-paiement-lenteurs/",
            "Cause identifiée",
            *alert,
            [
                ("2025-06-28T09:00:00+02:00", "28 juin 2025 à 9 h 00"),
                ("2025-06-29T11:00:00+02:00", "29 juin 2025 à 11 h 00"),
            ],
            "Début : 28 juin 2025 à 9 h 00 · Dernière mise à jour : 29 juin 2025 à 11 h 00",
        ),
        (
            "incidents/2025-02-messagerie/",
            "Sous surveillance",
            *alert,
            [
                ("2025-02-10T08:00:00+01:00", "10 février 2025 à 8 h 00"),
                ("2025-06-15T10:00:00+02:00", "15 juin 2025 à 10 h 00"),
            ],
            "Début : 10 février 2025 à 8 h 00 · Dernière mise à jour : 15 juin 2025 à 10 h 00",
        ),
    ]
    banners = [
        (b.select_one(".admonition-title a")["href"], *badge_of(b))
        for b in home.select(".vigie-banner")
    ]
    assert banners == [
        ("incidents/2025-06-paiement-panne/", "Enquête en cours", *alert),
        ("incidents/2025-06-paiement-lenteurs/", "Cause identifiée", *alert),
        ("incidents/2025-02-messagerie/", "Sous surveillance", *alert),
    ]


def test_home_lists_resolved_incidents_as_resolved(home: BeautifulSoup):
    # Closed: the « ok » look, whatever the impact (major, critical).
    assert _incident_rows(home, "recents") == [
        (
            "incidents/2023-08-prelevements/",
            "Retour d'expérience publié",
            "ok",
            "material/check-circle",
            [
                ("2023-08-01T10:00:00+02:00", "1er août 2023 à 10 h 00"),
                ("2023-08-01T15:00:00+02:00", "1er août 2023 à 15 h 00"),
            ],
            "Début : 1er août 2023 à 10 h 00 · Fin : 1er août 2023 à 15 h 00 (durée : 5 h)",
        ),
        (
            "incidents/2023-01-agenda/",
            "Résolu",
            "ok",
            "material/check-circle",
            [
                ("2023-01-16T08:30:00+01:00", "16 janvier 2023 à 8 h 30"),
                ("2023-01-16T12:00:00+01:00", "16 janvier 2023 à 12 h 00"),
            ],
            "Début : 16 janvier 2023 à 8 h 30 · Fin : 16 janvier 2023 à 12 h 00 "
            "(durée : 3 h 30 min)",
        ),
    ]


def test_home_lists_maintenance_to_come_and_in_progress_soonest_first(home: BeautifulSoup):
    items = home.select("ul.vigie-maintenances li")
    shown = [
        (
            item.h3.a["href"],
            *badge_of(item),
            [(t["datetime"], t.get_text()) for t in item.select("time")],
        )
        for item in items
    ]
    assert shown == [
        (
            "incidents/2025-07-annuaire/",
            "En cours",
            "maintenance",
            "material/wrench",
            [
                ("2025-07-01T08:00:00+02:00", "1er juillet 2025 à 8 h 00"),
                ("2025-07-01T18:00:00+02:00", "1er juillet 2025 à 18 h 00"),
            ],
        ),
        (
            "incidents/2025-07-agenda/",
            "Planifiée",
            "maintenance",
            "material/wrench",
            [
                ("2025-07-12T22:00:00+02:00", "12 juillet 2025 à 22 h 00"),
                ("2025-07-13T02:00:00+02:00", "13 juillet 2025 à 2 h 00"),
            ],
        ),
    ]


# --- API ----------------------------------------------------------------------------------

STATUS = {
    "indicator": "major",
    "description": "Partial System Outage",
    "x_description_fr": OVERALL,
}
COMPONENTS = [
    ("messagerie", "degraded_performance", 1, "Ralentissements"),
    ("paiement", "major_outage", 2, "Panne majeure"),
    ("agenda", "operational", 3, "Fonctionne normalement"),
    ("prelevements", "partial_outage", 4, "Panne partielle"),
    ("annuaire", "under_maintenance", 5, "En maintenance"),
]
UNRESOLVED = [
    ("2025-06-paiement-panne", "investigating", "minor"),
    ("2025-06-paiement-lenteurs", "identified", "minor"),
    ("2025-02-messagerie", "monitoring", "minor"),
]


def _components(document: dict) -> list[tuple]:
    return [
        (c["id"], c["status"], c["position"], c["x_status_label"]) for c in document["components"]
    ]


def _incidents(document: dict, key: str = "incidents") -> list[tuple]:
    return [(i["id"], i["status"], i["impact"]) for i in document[key]]


def test_api_status_is_the_worst_open_state(site: Path):
    assert api(site, "status.json")["status"] == STATUS


def test_api_components_say_each_state(site: Path):
    assert _components(api(site, "components.json")) == COMPONENTS


def test_api_summary_says_the_states_the_open_incidents_and_maintenance(site: Path):
    summary = api(site, "summary.json")
    assert summary["status"] == STATUS
    assert _components(summary) == COMPONENTS
    assert _incidents(summary) == UNRESOLVED
    assert [(m["id"], m["status"]) for m in summary["scheduled_maintenances"]] == [
        ("2025-07-agenda", "scheduled"),
        ("2025-07-annuaire", "in_progress"),
    ]


def test_api_unresolved_lists_the_open_incidents_only(site: Path):
    unresolved = api(site, "incidents/unresolved.json")
    assert _incidents(unresolved) == UNRESOLVED
    # Both open incidents on « paiement » list it; the service shows the worst of them.
    both = {
        i["id"]: [(c["id"], c["status"]) for c in i["components"]] for i in unresolved["incidents"]
    }
    assert both == {
        "2025-06-paiement-panne": [("paiement", "major_outage")],
        "2025-06-paiement-lenteurs": [
            ("paiement", "major_outage"),
            ("prelevements", "partial_outage"),
        ],
        "2025-02-messagerie": [("messagerie", "degraded_performance")],
    }
    changed = [
        (
            u["id"],
            [
                f"{a['code']} {a['old_status']} -> {a['new_status']}"
                for a in u["affected_components"]
            ],
        )
        for i in unresolved["incidents"]
        for u in i["incident_updates"]
    ]
    assert changed == [
        ("2025-06-30T1430-paiement-interrompu", ["paiement operational -> major_outage"]),
        (
            "2025-06-29T1100-cause",
            [
                "paiement partial_outage -> partial_outage",
                "prelevements partial_outage -> partial_outage",
            ],
        ),
        (
            "2025-06-28T0930-echecs",
            [
                "paiement operational -> partial_outage",
                "prelevements operational -> partial_outage",
            ],
        ),
        (
            "2025-06-15T1000-surveillance",
            ["messagerie degraded_performance -> degraded_performance"],
        ),
        ("2025-02-11T1000-cause", ["messagerie degraded_performance -> degraded_performance"]),
        ("2025-02-10T0815-lenteurs", ["messagerie operational -> degraded_performance"]),
    ]


def test_api_incidents_lists_open_and_resolved_with_their_status(site: Path):
    incidents = api(site, "incidents.json")["incidents"]
    assert [(i["id"], i["status"], i["resolved_at"]) for i in incidents] == [
        ("2025-06-paiement-panne", "investigating", None),
        ("2025-06-paiement-lenteurs", "identified", None),
        ("2025-02-messagerie", "monitoring", None),
        ("2023-08-prelevements", "postmortem", "2023-08-01T15:00:00.000+02:00"),
        ("2023-01-agenda", "resolved", "2023-01-16T12:00:00.000+01:00"),
    ]


def test_api_maintenance_to_come_and_in_progress(site: Path):
    def listed(endpoint: str) -> list[tuple[str, str, str, str]]:
        return [
            (m["id"], m["status"], m["scheduled_for"], m["scheduled_until"])
            for m in api(site, endpoint)["scheduled_maintenances"]
        ]

    coming = (
        "2025-07-agenda",
        "scheduled",
        "2025-07-12T22:00:00.000+02:00",
        "2025-07-13T02:00:00.000+02:00",
    )  # noqa: E501
    going = (
        "2025-07-annuaire",
        "in_progress",
        "2025-07-01T08:00:00.000+02:00",
        "2025-07-01T18:00:00.000+02:00",
    )  # noqa: E501
    done = (
        "2023-11-agenda",
        "completed",
        "2023-11-05T22:00:00.000+01:00",
        "2023-11-06T02:00:00.000+01:00",
    )  # noqa: E501
    assert listed("scheduled-maintenances/upcoming.json") == [coming]
    assert listed("scheduled-maintenances/active.json") == [going]
    assert listed("scheduled-maintenances.json") == [coming, going, done]


# --- Badges -------------------------------------------------------------------------------


def read_badge(path: Path) -> tuple[list[str], str, list[str]]:
    """A badge's two texts, its spoken form (title and aria-label agree), its two fills."""
    root = ET.parse(path).getroot()
    title = root.find(f"{SVG}title")
    assert title is not None
    assert root.get("aria-label") == title.text
    texts = [t.text or "" for t in root.iter(f"{SVG}text")]
    return texts, title.text or "", [r.get("fill", "") for r in root.iter(f"{SVG}rect")]


def test_site_badge_says_the_overall_state(site: Path):
    assert read_badge(site / "badge.svg") == (
        ["Mairie de Vigieville", OVERALL],
        f"Mairie de Vigieville : {OVERALL}",
        ["#4a4a4a", "#a84300"],
    )


@pytest.mark.parametrize("component", list(SERVICES))
def test_service_badge_says_its_state_in_words_and_colour(site: Path, component: str):
    name, words, _level, _icon, _status, colour = SERVICES[component]
    assert read_badge(site / "components" / component / "badge.svg") == (
        [name, words],
        f"{name} : {words}",
        ["#4a4a4a", colour],
    )


# --- Feeds --------------------------------------------------------------------------------


def _entries(path: Path) -> list[tuple[str, str, str]]:
    parsed = feedparser.parse(path.read_bytes())
    assert not parsed.bozo, parsed.get("bozo_exception")
    return [(e.id, e.tags[0].term, e.tags[0].get("label") or "") for e in parsed.entries]


def test_atom_feed_has_each_update_once_with_its_status(site: Path):
    entries = _entries(site / "feeds/atom.xml")
    assert entries == [(f"{TAG}{i}/{stem}", status, words) for i, stem, status, words in UPDATES]
    assert [e.published for e in feedparser.parse(site / "feeds/atom.xml").entries] == PUBLISHED


def test_rss_feed_has_each_update_once_with_its_status_in_words(site: Path):
    # RSS 2.0 has no category label: the category says the status in words.
    entries = _entries(site / "feeds/rss.xml")
    assert entries == [(f"{TAG}{i}/{stem}", words, "") for i, stem, _status, words in UPDATES]


def test_json_feed_has_each_update_once_with_its_status(site: Path):
    items = json.loads((site / "feeds/feed.json").read_text(encoding="utf-8"))["items"]
    assert [(i["id"], i["tags"], i["date_published"]) for i in items] == [
        (f"{TAG}{i}/{stem}", [words], when)
        for (i, stem, _status, words), when in zip(UPDATES, PUBLISHED, strict=True)
    ]


@pytest.mark.parametrize(
    ("component", "incidents"),
    [
        ("messagerie", ["2025-02-messagerie"]),
        ("paiement", ["2025-06-paiement-panne", "2025-06-paiement-lenteurs"]),
        ("agenda", ["2025-07-agenda", "2023-11-agenda", "2023-01-agenda"]),
        ("prelevements", ["2025-06-paiement-lenteurs", "2023-08-prelevements"]),
        ("annuaire", ["2025-07-annuaire"]),
    ],
)
def test_service_feed_has_the_updates_of_its_incidents(
    site: Path, component: str, incidents: list[str]
):
    assert _entries(site / "components" / component / "atom.xml") == [
        (f"{TAG}{i}/{stem}", status, words) for i, stem, status, words in UPDATES if i in incidents
    ]


def test_nothing_shows_the_scheduled_update_yet(site: Path):
    showing = [
        str(p.relative_to(site))
        for p in sorted(site.rglob("*"))
        if p.is_file()
        and (
            SCHEDULED_STEM.encode() in p.read_bytes() or SCHEDULED_TITLE.encode() in p.read_bytes()
        )
    ]
    assert showing == []


# --- vigie status -------------------------------------------------------------------------

STATUS_REPORT = """\
État général : Un incident majeur est en cours

Incidents en cours :
  - Paiement en ligne interrompu (2025-06-paiement-panne) : Enquête en cours, dernière mise à jour le 30 juin 2025 à 14 h 30 : Le paiement en ligne ne répond plus
  - Paiements et prélèvements perturbés (2025-06-paiement-lenteurs) : Cause identifiée, dernière mise à jour le 29 juin 2025 à 11 h 00 : La cause est connue
  - Messagerie lente (2025-02-messagerie) : Sous surveillance, dernière mise à jour le 15 juin 2025 à 10 h 00 : Nouveau filtre en service

Services :
  - Messagerie : Ralentissements
  - Paiement en ligne : Panne majeure
  - Agenda des rendez-vous : Fonctionne normalement
  - Prélèvements : Panne partielle
  - Annuaire : En maintenance

Opérations planifiées :
  - Maintenance de l'annuaire (2025-07-annuaire) : En cours, du 1er juillet 2025 à 8 h 00 au 1er juillet 2025 à 18 h 00
  - Maintenance de l'agenda en juillet (2025-07-agenda) : Planifiée, du 12 juillet 2025 à 22 h 00 au 13 juillet 2025 à 2 h 00

Publications programmées :
  - 3 juillet 2025 à 10 h 00 : incidents/2025-06-paiement-lenteurs/updates/2025-07-03T1000-surveillance.md (Correctif en surveillance)

Brouillons : aucun
"""  # noqa: E501


def test_vigie_status_says_what_is_open_and_each_state(
    repo: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", NOW_EPOCH)
    monkeypatch.setenv("NO_MKDOCS_2_WARNING", "1")
    capsys.readouterr()
    code = cli.main(["-f", str(repo / "mkdocs.yml"), "status"])
    out, err = capsys.readouterr()
    assert (code, err) == (0, "")
    assert out == STATUS_REPORT


# --- A resolution dated after "now" ---------------------------------------------------------

LENTEURS_ID = "2025-06-paiement-lenteurs"
LENTEURS = f"incidents/{LENTEURS_ID}"


@pytest.fixture(scope="module")
def resolving(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The same site, except that the scheduled update resolves its incident (in two days).

    The sources must then say `resolved:` (the last update is closed), but until that update
    is published the incident is open: nothing may give its end yet.
    """
    target = copy_fixture(tmp_path_factory.mktemp("resolving") / "repo")
    update = target / LENTEURS / "updates" / f"{SCHEDULED_STEM}.md"
    update.write_text(
        update.read_text(encoding="utf-8").replace("status: monitoring", "status: resolved"),
        encoding="utf-8",
    )
    incident = target / LENTEURS / "incident.yml"
    started = "started: 2025-06-28T09:00:00+02:00\n"
    text = incident.read_text(encoding="utf-8")
    assert text.count(started) == 1
    incident.write_text(
        text.replace(started, f"{started}resolved: 2025-07-03T10:00:00+02:00\n"), encoding="utf-8"
    )
    return build(target)


def test_a_scheduled_resolution_leaves_the_api_open(resolving: Path):
    assert _incidents(api(resolving, "incidents/unresolved.json")) == UNRESOLVED
    lenteurs = next(
        i for i in api(resolving, "incidents.json")["incidents"] if i["id"] == LENTEURS_ID
    )
    assert (lenteurs["status"], lenteurs["resolved_at"]) == ("identified", None)
    assert _components(api(resolving, "components.json")) == COMPONENTS


def test_a_scheduled_resolution_gives_no_end_yet(resolving: Path):
    def dates(page: str) -> list[str]:
        rows = parse_html(resolving / page).select("li.vigie-incident")
        return [
            " ".join(r.select_one(".vigie-incident__dates").get_text().split())
            for r in rows
            if r.h3.a["href"].endswith(f"{LENTEURS}/")
        ]

    open_row = "Début : 28 juin 2025 à 9 h 00 · Dernière mise à jour : 29 juin 2025 à 11 h 00"
    assert dates("index.html") == [open_row]
    assert dates("history/index.html") == [open_row]
    notice = parse_html(resolving / LENTEURS / "index.html")
    assert [dt.get_text() for dt in notice.select("dt") if dt.get_text() == "Fin"] == []
    notice_json = json.loads((resolving / LENTEURS / "notice.json").read_text(encoding="utf-8"))
    assert notice_json["resolved_at"] is None
