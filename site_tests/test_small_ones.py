"""Issue 16's small ones: a planned window lasts, the scheduled list is told once, and the
home headline says where the worst open incident stands, not only how grave it is."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest

from conftest import TEST_EPOCH, copy_repo, parse_html
from vigie import cli

if TYPE_CHECKING:
    from pathlib import Path

MAINTENANCE = "2026-12-maintenance-espace"
WINDOW = """\
id: 2026-12-maintenance-espace
title: Maintenance de l'espace adhérent en décembre 2026
summary: L'espace adhérent sera fermé la nuit du 12 au 13 décembre 2026.
kind: maintenance
impact: minor
started: 2026-10-20T10:00:00+02:00
planned:
  start: 2026-12-12T22:00:00+01:00
  end: {end}
components:
  espace-adherent: under_maintenance
what_happened: |
  Le logiciel de l'espace adhérent sera mis à jour.
contact:
  name: Service client
  email: service-client@mutuelle-horizon.example
"""
ANNOUNCE = """\
---
date: 2026-10-20T10:00:00+02:00
status: scheduled
title: Maintenance annoncée
---
L'espace adhérent sera fermé la nuit du 12 au 13 décembre.
"""
PLANNED_END_MESSAGE = (
    "la fin prévue (planned.end) doit venir après le début (planned.start) : "
    "une fenêtre de maintenance a une durée"
)


@pytest.fixture(autouse=True)
def _fixed_now(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", TEST_EPOCH)  # 2026-11-01T12:00:00Z


def write(repo: Path, files: dict[str, str]) -> None:
    for name, text in files.items():
        path = repo / "incidents" / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")


def run(repo: Path, command: str, capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    capsys.readouterr()
    code = cli.main(["-f", str(repo / "mkdocs.yml"), command])
    out, err = capsys.readouterr()
    return code, out, err


# --- A planned window must end after it starts. ---


@pytest.mark.parametrize(
    "end",
    [
        "2026-12-12T22:00:00+01:00",  # the template's placeholder: end = start
        "2026-12-12T21:00:00Z",  # the same instant written in UTC
        "2026-12-12T21:59:00+01:00",  # before the start
    ],
)
@pytest.mark.parametrize("command", ["check", "build"])
def test_a_window_that_does_not_last_is_refused_at_its_end(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], end: str, command: str
) -> None:
    repo = copy_repo(tmp_path / "repo")
    write(
        repo,
        {
            f"{MAINTENANCE}/incident.yml": WINDOW.format(end=end),
            f"{MAINTENANCE}/updates/2026-10-20T1000-annonce.md": ANNOUNCE,
        },
    )
    code, _, err = run(repo, command, capsys)
    assert code == 1
    assert err.splitlines()[0] == (f"incidents/{MAINTENANCE}/incident.yml:9: {PLANNED_END_MESSAGE}")
    assert "Traceback" not in err


def test_a_window_of_one_minute_is_accepted(tmp_path: Path, capsys: pytest.CaptureFixture[str]):
    repo = copy_repo(tmp_path / "repo")
    write(
        repo,
        {
            f"{MAINTENANCE}/incident.yml": WINDOW.format(end="2026-12-12T22:01:00+01:00"),
            f"{MAINTENANCE}/updates/2026-10-20T1000-annonce.md": ANNOUNCE,
        },
    )
    code, _, err = run(repo, "check", capsys)
    assert (code, err) == (0, "")


# --- The scheduled list, told once. ---

SCHEDULED = {
    "2024-02-tiers-payant/updates/2026-11-15T0900-bilan.md": """\
---
date: 2026-11-15T09:00:00+01:00
status: monitoring
title: Bilan à un mois
---
Le bilan sera publié ici.
""",
}
SCHEDULED_LIST = [
    "Publication programmée (un build après cette date la publiera) :",
    "  15 novembre 2026 à 9 h 00 : "
    "incidents/2024-02-tiers-payant/updates/2026-11-15T0900-bilan.md (Bilan à un mois)",
]


@pytest.mark.parametrize("command", ["check", "build"])
def test_the_scheduled_list_is_printed_once(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], command: str
) -> None:
    repo = copy_repo(tmp_path / "repo")
    write(repo, SCHEDULED)
    code, out, _ = run(repo, command, capsys)
    assert code == 0
    lines = out.splitlines()
    assert lines.count(SCHEDULED_LIST[0]) == 1, out
    start = lines.index(SCHEDULED_LIST[0])
    assert lines[start : start + 2] == SCHEDULED_LIST
    assert sum("2026-11-15T0900-bilan.md" in line for line in lines) == 1, out


# --- The home headline: impact and status. ---

OUTAGE = """\
id: 2026-10-espace-adherent
title: Espace adhérent inaccessible
summary: L'espace adhérent est inaccessible.
kind: outage
impact: {impact}
started: 2026-10-31T09:00:00+01:00
components:
  espace-adherent: {component}
what_happened: |
  L'espace adhérent ne répond plus.
contact:
  name: Service client
  email: service-client@mutuelle-horizon.example
"""
OUTAGE_UPDATE = """\
---
date: 2026-10-31T09:00:00+01:00
status: {status}
title: Espace adhérent inaccessible
---
Nous suivons la situation.
"""


def headline(tmp_path: Path, capsys: pytest.CaptureFixture[str], files: dict[str, str]) -> str:
    repo = copy_repo(tmp_path / "repo")
    write(repo, files)
    code, _, err = run(repo, "build", capsys)
    assert code == 0, err
    home = parse_html(repo / "site" / "index.html")
    return home.select_one(".vigie-overall").get_text(" ", strip=True)


def outage(impact: str, status: str, component: str = "major_outage") -> dict[str, str]:
    return {
        "2026-10-espace-adherent/incident.yml": OUTAGE.format(impact=impact, component=component),
        "2026-10-espace-adherent/updates/2026-10-31T0900-panne.md": OUTAGE_UPDATE.format(
            status=status
        ),
    }


def test_the_example_headline_says_under_watch(site: Path):
    """The example's breach notice (major) is « Sous surveillance »."""
    home = parse_html(site / "index.html")
    overall = home.select_one(".vigie-overall").get_text(" ", strip=True)
    assert overall == "Un incident majeur est sous surveillance"


@pytest.mark.parametrize(
    ("status", "words"),
    [
        ("investigating", "Un incident critique est en cours"),
        ("identified", "Un incident critique est identifié"),
        ("monitoring", "Un incident critique est sous surveillance"),
    ],
)
def test_the_headline_says_the_status_of_the_worst_incident(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], status: str, words: str
) -> None:
    assert headline(tmp_path, capsys, outage("critical", status)) == words


def test_a_lesser_incident_does_not_speak_for_the_worst(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A minor outage under investigation beside the major breach under watch."""
    files = outage("minor", "investigating", component="degraded_performance")
    assert headline(tmp_path, capsys, files) == "Un incident majeur est sous surveillance"


def test_of_two_incidents_of_the_worst_impact_the_least_advanced_speaks(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A major outage just identified beside the major breach under watch."""
    files = outage("major", "identified")
    assert headline(tmp_path, capsys, files) == "Un incident majeur est identifié"


def test_the_api_indicator_stays_statuspage_s(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Statuspage's indicator and its description do not follow the status."""
    import json

    repo = copy_repo(tmp_path / "repo")
    code, _, err = run(repo, "build", capsys)
    assert code == 0, err
    status = json.loads((repo / "site" / "api" / "v2" / "status.json").read_text())["status"]
    assert status == {
        "indicator": "major",
        "description": "Partial System Outage",
        "x_description_fr": "Un incident majeur est en cours",
    }
