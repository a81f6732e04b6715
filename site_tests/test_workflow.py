"""Staff workflow, driven through the `vigie` command as a staff member would."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from datetime import datetime
from typing import TYPE_CHECKING

import feedparser
import icalendar
import yaml

from conftest import REPO, copy_repo, parse_html, run_vigie

if TYPE_CHECKING:
    from pathlib import Path

NEW = "incidents/2024-07-panne-espace"
FIRST = f"{NEW}/updates/2024-07-02T0900-premiere-information.md"


def build_time(repo: Path, moment: str) -> dict[str, str]:
    """The environment of a build made at `moment` (SOURCE_DATE_EPOCH), with the copy's
    security.txt still valid then (it must expire within a year of the build)."""
    when = datetime.fromisoformat(moment)
    config = repo / "mkdocs.yml"
    expires = when.replace(year=when.year + 1, month=1, day=1).isoformat()
    text = re.sub(
        r"security_expires: \S+", f"security_expires: {expires}", config.read_text("utf-8")
    )
    config.write_text(text, encoding="utf-8")
    return {"SOURCE_DATE_EPOCH": str(int(when.timestamp()))}


def fill(repo: Path, folder: str, **special: str) -> None:
    """Replace every placeholder as staff would: special ones by their words, others by text."""
    for path in sorted((repo / folder).rglob("*")):
        if not path.is_file():
            continue
        text = path.read_text(encoding="utf-8")
        for words, value in special.items():
            text = text.replace(f'"[[à compléter : {words}]]"', value)
        text = re.sub(r"\[\[à compléter : ([^\]]*)\]\]", r"Texte écrit par le service : \1", text)
        path.write_text(text, encoding="utf-8")


def all_text(site: Path) -> str:
    """Every text file of a built site, concatenated: to prove something is nowhere."""
    texts = []
    for path in sorted(site.rglob("*")):
        if path.is_file() and path.suffix in {".html", ".xml", ".json", ".ics", ".txt", ".svg"}:
            texts.append(path.read_text(encoding="utf-8", errors="replace"))
    return "\n".join(texts)


def test_new_incident_check_fill_update_build(tmp_path: Path) -> None:
    repo = copy_repo(tmp_path / "repo")
    created = run_vigie(
        repo, "new", "incident", "2024-07-panne-espace", "--kind", "outage",
        "--date", "2024-07-02T09:00:00+02:00",
    )  # fmt: skip
    assert created.returncode == 0, created.stderr
    assert created.stdout.splitlines()[:3] == [
        f"Créé : {NEW}/incident.yml",
        f"Créé : {FIRST}",
        f"Créé : {NEW}/faq.yml",
    ]
    check = run_vigie(repo, "check")
    assert check.returncode == 1
    assert check.stderr.splitlines() == [
        f"{NEW}/faq.yml:5: à compléter : réponse en quelques phrases",
        f"{NEW}/incident.yml:4: à compléter : titre court, par ex. Espace adhérent inaccessible",
        f"{NEW}/incident.yml:5: à compléter : une ou deux phrases : ce qui ne marche pas, ce qui marche",
        f"{NEW}/incident.yml:10: à compléter : identifiant du service",
        f"{NEW}/incident.yml:12: à compléter : ce que les adhérents constatent",
        f"{NEW}/incident.yml:14: à compléter : que faire en attendant",
        f"{FIRST}:8: à compléter : le texte de la mise à jour, en phrases simples",
        "7 problème(s) : rien n'a été publié.",
    ]
    fill(repo, NEW, **{"identifiant du service": "espace-adherent"})
    assert run_vigie(repo, "check").returncode == 0
    update = run_vigie(
        repo, "new", "update", "2024-07-panne-espace", "--title", "Cause identifiée !",
        "--status", "identified", "--date", "2024-07-02T10:30:00+02:00",
    )  # fmt: skip
    assert update.returncode == 0, update.stderr
    second = repo / NEW / "updates/2024-07-02T1030-cause-identifiee.md"
    assert yaml.safe_load(second.read_text(encoding="utf-8").split("---")[1]) == {
        "date": datetime.fromisoformat("2024-07-02T10:30:00+02:00"),
        "status": "identified",
        "title": "Cause identifiée !",
    }
    assert run_vigie(repo, "check").returncode == 1  # its text is still to write
    fill(repo, NEW)
    build = run_vigie(repo, "build")
    assert build.returncode == 0, build.stderr
    site = repo / "site"
    page = parse_html(site / NEW / "index.html")
    assert [a["id"] for a in page.select("article.vigie-update, ol.vigie-earlier > li")] == [
        "2024-07-02T1030-cause-identifiee",
        "2024-07-02T0900-premiere-information",
    ]
    timeline = parse_html(site / "timeline/index.html")
    assert timeline.find("a", href=f"../{NEW}/#2024-07-02T1030-cause-identifiee")
    feed = feedparser.parse((site / "feeds/atom.xml").read_bytes())
    assert feed.entries[0].id.endswith("2024-07-panne-espace/2024-07-02T1030-cause-identifiee")
    assert feed.entries[0].title.endswith("Cause identifiée : Cause identifiée !")


def test_new_refuses_bad_or_existing_ids_unknown_incidents_and_never_overwrites(
    tmp_path: Path,
) -> None:
    repo = copy_repo(tmp_path / "repo")
    bad = run_vigie(repo, "new", "incident", "Panne Juillet", "--kind", "outage")
    assert (bad.returncode, bad.stderr) == (
        1,
        "identifiant invalide « Panne Juillet » : lettres minuscules sans accent, chiffres et "
        "tirets (exemple : 2024-07-panne-espace-adherent)\n",
    )
    taken = run_vigie(repo, "new", "incident", "2024-02-tiers-payant", "--kind", "outage")
    assert (taken.returncode, taken.stderr) == (
        1,
        "l'incident « 2024-02-tiers-payant » existe déjà (incidents/2024-02-tiers-payant/) : "
        "choisissez un autre identifiant\n",
    )
    unknown = run_vigie(repo, "new", "update", "2024-02-tiers-paiement")
    assert (unknown.returncode, unknown.stderr) == (
        1,
        "incident inconnu « 2024-02-tiers-paiement » ; incidents existants : "
        "2024-02-tiers-payant, 2024-06-espace-adherent\n",
    )
    args = ("new", "update", "2024-02-tiers-payant", "--date", "2024-03-01T10:00:00+01:00")
    first = run_vigie(repo, *args, "--title", "Point mensuel")
    assert first.returncode == 0
    path = repo / "incidents/2024-02-tiers-payant/updates/2024-03-01T1000-point-mensuel.md"
    path.write_text(path.read_text(encoding="utf-8") + "Texte déjà écrit.\n", encoding="utf-8")
    before = path.read_bytes()
    again = run_vigie(repo, *args, "--title", "Point mensuel")
    assert again.returncode == 1
    assert "existe déjà : rien n'a été écrit" in again.stderr
    assert path.read_bytes() == before
    # Without --status, the update takes the incident's current status.
    assert "status: monitoring" in path.read_text(encoding="utf-8")


def test_a_draft_is_in_no_public_output_but_in_the_preview(tmp_path: Path) -> None:
    repo = copy_repo(tmp_path / "repo")
    draft = repo / "incidents/2024-02-tiers-payant/updates/2024-03-01T1000-brouillon-secret.md"
    draft.write_text(
        "---\ndate: 2024-03-01T10:00:00+01:00\nstatus: monitoring\ntitle: Texte-en-preparation\n"
        "draft: true\n---\nPhrase-encore-secrete dans un brouillon.\n",
        encoding="utf-8",
    )
    hidden = copy_repo(tmp_path / "other") / "incidents/2024-06-espace-adherent/incident.yml"
    hidden.write_text(hidden.read_text(encoding="utf-8") + "draft: true\n", encoding="utf-8")
    assert run_vigie(repo, "build").returncode == 0
    everything = all_text(repo / "site")
    for word in ("Phrase-encore-secrete", "Texte-en-preparation", "brouillon-secret"):
        assert word not in everything
    assert run_vigie(hidden.parents[2], "build").returncode == 0
    assert "2024-06-espace-adherent" not in all_text(hidden.parents[2] / "site")
    preview = subprocess.run(
        [
            sys.executable,
            "-m",
            "mkdocs",
            "build",
            "-f",
            str(repo / "mkdocs.yml"),
            "-d",
            str(tmp_path / "apercu"),
        ],
        capture_output=True,
        text=True,
        env={**os.environ, "VIGIE_PREVIEW": "1", "NO_MKDOCS_2_WARNING": "1"},
        check=False,
    )
    assert preview.returncode == 0, preview.stderr
    page = parse_html(tmp_path / "apercu/incidents/2024-02-tiers-payant/index.html")
    article = page.find("article", id="2024-03-01T1000-brouillon-secret")
    assert article.select_one(".vigie-draft").get_text(strip=True) == "BROUILLON : non publié"
    assert "Aperçu de travail" in page.select_one(".md-banner").get_text()
    assert not (tmp_path / "apercu/version.json").exists()  # a preview cannot be deployed


def test_a_scheduled_update_waits_for_its_date(tmp_path: Path) -> None:
    repo = copy_repo(tmp_path / "repo")
    later = repo / "incidents/2024-02-tiers-payant/updates/2031-01-15T0900-bilan-annuel.md"
    later.write_text(
        "---\ndate: 2031-01-15T09:00:00+01:00\nstatus: monitoring\ntitle: Bilan annuel\n---\n"
        "Le bilan de l'année écoulée.\n",
        encoding="utf-8",
    )
    before = build_time(repo, "2030-01-01T00:00:00+00:00")
    check = run_vigie(repo, "check", env=before)
    assert check.returncode == 0
    assert check.stdout.splitlines()[1:] == [
        "Publication programmée (un build après cette date la publiera) :",
        "  15 janvier 2031 à 9 h 00 : incidents/2024-02-tiers-payant/updates/2031-01-15T0900-bilan-annuel.md (Bilan annuel)",
    ]
    assert run_vigie(repo, "build", env=before).returncode == 0
    assert "bilan-annuel" not in all_text(repo / "site")
    after = build_time(repo, "2031-02-01T00:00:00+00:00")
    assert run_vigie(repo, "build", env=after).returncode == 0
    page = parse_html(repo / "site/incidents/2024-02-tiers-payant/index.html")
    assert page.find("article", id="2031-01-15T0900-bilan-annuel")
    feed = feedparser.parse((repo / "site/feeds/rss.xml").read_bytes())
    assert feed.entries[0].id.endswith("/2031-01-15T0900-bilan-annuel")


MAINTENANCE = """\
id: 2031-03-maintenance-espace
title: Maintenance de l'espace adhérent
summary: L'espace adhérent sera indisponible pendant la nuit du 4 au 5 mars.
kind: maintenance
impact: minor
started: 2031-02-20T10:00:00+01:00
planned:
  start: 2031-03-04T22:00:00+01:00
  end: 2031-03-05T02:00:00+01:00
components:
  espace-adherent: operational
contact:
  name: Service client
  email: service-client@mutuelle-horizon.example
"""


def _maintenance(repo: Path, *updates: tuple[str, str, str]) -> None:
    folder = repo / "incidents/2031-03-maintenance-espace"
    (folder / "updates").mkdir(parents=True)
    (folder / "incident.yml").write_text(MAINTENANCE, encoding="utf-8")
    for stamp, status, title in updates:
        name = f"{stamp[:10]}T{stamp[11:13]}{stamp[14:16]}-{status.replace('_', '-')}.md"
        (folder / "updates" / name).write_text(
            f"---\ndate: {stamp}\nstatus: {status}\ntitle: {title}\n---\n{title}.\n",
            encoding="utf-8",
        )


def test_planned_maintenance_on_home_api_status_and_calendar(tmp_path: Path) -> None:
    repo = copy_repo(tmp_path / "repo")
    _maintenance(repo, ("2031-02-20T10:00:00+01:00", "scheduled", "Opération annoncée"))
    now = build_time(repo, "2031-02-21T00:00:00+01:00")
    assert run_vigie(repo, "build", env=now).returncode == 0
    site = repo / "site"
    home = parse_html(site / "index.html")
    planned = home.find("h2", id="operations-planifiees").find_next("ul")
    assert planned.h3.get_text(strip=True) == "Maintenance de l'espace adhérent"
    assert "du 4 mars 2031 à 22 h 00 au 5 mars 2031 à 2 h 00" in planned.get_text(" ", strip=True)
    assert "Planifiée" in planned.get_text()
    upcoming = json.loads((site / "api/v2/scheduled-maintenances/upcoming.json").read_text("utf-8"))
    assert [m["id"] for m in upcoming["scheduled_maintenances"]] == ["2031-03-maintenance-espace"]
    first = upcoming["scheduled_maintenances"][0]
    assert (first["status"], first["scheduled_for"]) == (
        "scheduled",
        "2031-03-04T22:00:00.000+01:00",
    )
    incidents = json.loads((site / "api/v2/incidents.json").read_text("utf-8"))
    assert "2031-03-maintenance-espace" not in [i["id"] for i in incidents["incidents"]]
    calendar = icalendar.Calendar.from_ical((site / "feeds/maintenances.ics").read_bytes())
    events = list(calendar.walk("VEVENT"))
    assert len(events) == 1
    event = events[0]
    assert str(event["uid"]) == "2031-03-maintenance-espace@statut.mutuelle-horizon.example"
    start = event.decoded("dtstart")
    assert (start.isoformat(), str(start.tzinfo)) == ("2031-03-04T22:00:00+01:00", "Europe/Paris")
    assert event.decoded("dtend").isoformat() == "2031-03-05T02:00:00+01:00"
    assert list(calendar.walk("VTIMEZONE"))[0]["tzid"] == "Europe/Paris"
    status = run_vigie(repo, "status", env=now)
    assert status.returncode == 0
    assert (
        "  - Maintenance de l'espace adhérent (2031-03-maintenance-espace) : Planifiée, "
        "du 4 mars 2031 à 22 h 00 au 5 mars 2031 à 2 h 00"
    ) in status.stdout.splitlines()
    # The same event, completed later: same UID, higher SEQUENCE.
    shutil.rmtree(repo / "incidents/2031-03-maintenance-espace")
    _maintenance(
        repo,
        ("2031-02-20T10:00:00+01:00", "scheduled", "Opération annoncée"),
        ("2031-03-04T22:00:00+01:00", "in_progress", "Opération commencée"),
        ("2031-03-05T01:30:00+01:00", "completed", "Opération terminée"),
    )
    (repo / "incidents/2031-03-maintenance-espace/incident.yml").write_text(
        MAINTENANCE + "resolved: 2031-03-05T01:30:00+01:00\n", encoding="utf-8"
    )
    later = build_time(repo, "2031-03-06T00:00:00+01:00")
    assert run_vigie(repo, "build", env=later).returncode == 0
    again = icalendar.Calendar.from_ical((repo / "site/feeds/maintenances.ics").read_bytes())
    event = next(iter(again.walk("VEVENT")))
    assert (str(event["uid"]), int(event["sequence"])) == (
        "2031-03-maintenance-espace@statut.mutuelle-horizon.example",
        2,
    )
    assert parse_html(repo / "site/index.html").find("h2", id="operations-planifiees") is None


def test_maintenance_statuses_are_refused_for_incidents_and_the_reverse(tmp_path: Path) -> None:
    repo = copy_repo(tmp_path / "repo")
    _maintenance(repo, ("2031-02-20T10:00:00+01:00", "investigating", "Mauvais statut"))
    result = run_vigie(repo, "check")
    assert result.stderr.splitlines()[0] == (
        "incidents/2031-03-maintenance-espace/updates/2031-02-20T1000-investigating.md:3: "
        "statut « investigating » impossible pour une maintenance planifiée ; valeurs possibles : "
        "scheduled, in_progress, verifying, completed"
    )


def test_vigie_status_says_what_the_site_says(example_repo: Path) -> None:
    result = run_vigie(example_repo, "status")
    assert result.returncode == 0
    assert result.stdout.splitlines() == [
        "État général : Un incident majeur est sous surveillance",
        "",
        "Incidents en cours :",
        "  - Cyberattaque chez notre opérateur de tiers payant (2024-02-tiers-payant) : Sous "
        "surveillance, dernière mise à jour le 20 février 2024 à 10 h 00 : Information "
        "individuelle des adhérents et surveillance",
        "",
        "Services :",
        "  - Tiers payant : Fonctionne normalement",
        "  - Remboursements : Fonctionne normalement",
        "  - Espace adhérent : Fonctionne normalement",
        "  - Service client : Fonctionne normalement",
        "",
        "Opérations planifiées : aucune",
        "",
        "Publications programmées : aucune",
        "",
        "Brouillons : aucun",
    ]


def test_postmortem_scaffold_section_and_api_status(tmp_path: Path) -> None:
    repo = copy_repo(tmp_path / "repo")
    made = run_vigie(
        repo, "new", "update", "2024-06-espace-adherent", "--status", "postmortem",
        "--date", "2024-06-20T10:00:00+02:00",
    )  # fmt: skip
    assert made.returncode == 0, made.stderr
    path = repo / "incidents/2024-06-espace-adherent/updates/2024-06-20T1000-retour-d-experience.md"
    text = path.read_text(encoding="utf-8")
    assert [line for line in text.splitlines() if line.startswith("## ")] == [
        "## Ce qui s'est passé",
        "## Cause première",
        "## Ce qui change",
    ]
    check = run_vigie(repo, "check")
    assert [line.split(": ", 1)[1] for line in check.stderr.splitlines()[:3]] == [
        "à compléter : le déroulé, de la détection à la résolution",
        "à compléter : la cause, expliquée simplement",
        "à compléter : ce que nous changeons pour que cela ne se reproduise pas",
    ]
    fill(repo, "incidents/2024-06-espace-adherent")
    assert run_vigie(repo, "build").returncode == 0
    page = parse_html(repo / "site/incidents/2024-06-espace-adherent/index.html")
    section = page.find("h2", id="retour-d-experience")
    assert section.get_text(strip=True) == "Retour d'expérience"
    # Under the section's h2, the post-mortem's own `##` headings are h3 (no level skipped).
    assert [h.get_text(strip=True) for h in section.find_next("div").find_all("h3")] == [
        "Ce qui s'est passé",
        "Cause première",
        "Ce qui change",
    ]
    api = json.loads((repo / "site/api/v2/incidents.json").read_text("utf-8"))
    outage = next(i for i in api["incidents"] if i["id"] == "2024-06-espace-adherent")
    assert outage["status"] == "postmortem"


def test_install_hooks_blocks_a_broken_commit(tmp_path: Path) -> None:
    repo = copy_repo(tmp_path / "repo")
    env = {**os.environ, "GIT_AUTHOR_NAME": "Staff", "GIT_AUTHOR_EMAIL": "s@example.org",
           "GIT_COMMITTER_NAME": "Staff", "GIT_COMMITTER_EMAIL": "s@example.org",
           "GIT_AUTHOR_DATE": "2024-07-02T09:00:00+02:00",
           "GIT_COMMITTER_DATE": "2024-07-02T09:00:00+02:00"}  # fmt: skip
    subprocess.run(["git", "init", "-q", str(repo)], check=True)
    (repo / ".venv").symlink_to(REPO / ".venv")
    installed = run_vigie(repo, "install-hooks")
    assert installed.returncode == 0, installed.stderr
    hook = repo / ".git/hooks/pre-commit"
    assert os.access(hook, os.X_OK)
    subprocess.run(["git", "-C", str(repo), "add", "-A"], check=True)
    ok = subprocess.run(
        ["git", "-C", str(repo), "commit", "-qm", "Sources"],
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert ok.returncode == 0, ok.stderr
    broken = repo / "incidents/2024-06-espace-adherent/updates/2024-06-11T1030-cause-identifiee.md"
    broken.write_text(
        broken.read_text(encoding="utf-8").replace("status: identified", "status: ok"),
        encoding="utf-8",
    )
    subprocess.run(["git", "-C", str(repo), "add", "-A"], check=True)
    refused = subprocess.run(
        ["git", "-C", str(repo), "commit", "-qm", "Cassé"],
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert refused.returncode != 0
    assert (
        "2024-06-11T1030-cause-identifiee.md:3: valeur inconnue « ok » pour « status »"
        in refused.stderr
    )
    again = run_vigie(repo, "install-hooks")
    assert again.returncode == 0  # same hook: reinstalling is harmless
    hook.write_text("#!/bin/sh\necho autre\n", encoding="utf-8")
    assert run_vigie(repo, "install-hooks").returncode == 1
