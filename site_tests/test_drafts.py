"""Drafts and schedules visible: `vigie new update --draft`, future dates told in Paris time,
and `vigie check` and `vigie status` listing every draft by its file beside what is scheduled.

"Now" is the suite's fixed moment (conftest.TEST_NOW, 1 November 2026 at 12:00 UTC).
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

import yaml

from conftest import copy_repo, run_vigie

if TYPE_CHECKING:
    from pathlib import Path

INCIDENT = "2024-06-espace-adherent"
UPDATES = f"incidents/{INCIDENT}/updates"
NEXT = "Remplacez chaque [[à compléter : …]], puis lancez « make check »."
DRAFT_NOTE = (
    "Brouillon : cette mise à jour n'est publiée nulle part tant que son en-tête porte "
    "« draft: true » (make serve la montre) ; retirez cette ligne pour la publier."
)
DRAFTS = "Brouillons (publiés seulement une fois « draft: true » retiré) :"
SCHEDULED = "Publication programmée (un build après cette date la publiera) :"


def front_matter(path: Path) -> dict:
    """The YAML between the two « --- » lines of an update, as YAML reads it."""
    return yaml.safe_load(path.read_text(encoding="utf-8").split("---\n")[1])


def filled(repo: Path, rel: str) -> None:
    """The placeholders of a scaffolded file replaced, as staff would."""
    path = repo / rel
    text = re.sub(r"\[\[à compléter : ([^\]]*)\]\]", r"Texte du service", path.read_text("utf-8"))
    path.write_text(text, encoding="utf-8")


def test_new_update_draft_writes_draft_true_and_says_so(tmp_path: Path) -> None:
    repo = copy_repo(tmp_path / "repo")
    result = run_vigie(
        repo, "new", "update", INCIDENT, "--draft", "--title", "Cause trouvée",
        "--date", "2026-10-30T15:00:00+01:00",
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    rel = f"{UPDATES}/2026-10-30T1500-cause-trouvee.md"
    assert result.stdout.splitlines() == [f"Créé : {rel}", DRAFT_NOTE, NEXT]
    head = front_matter(repo / rel)
    assert head["draft"] is True
    assert head["title"] == "Cause trouvée"

    filled(repo, rel)
    check = run_vigie(repo, "check")
    assert check.returncode == 0, check.stderr
    assert check.stdout.splitlines() == [
        "Vérification réussie : 2 incident(s), 7 mise(s) à jour publiée(s).",
        DRAFTS,
        f"  {rel} (Cause trouvée), datée du 30 octobre 2026 à 15 h 00",
    ]
    status = run_vigie(repo, "status")
    assert status.returncode == 0, status.stderr
    assert status.stdout.splitlines()[-2:] == [
        DRAFTS,
        f"  - {rel} (Cause trouvée), datée du 30 octobre 2026 à 15 h 00",
    ]

    # Once « draft: true » is removed, the update is published: no longer a draft.
    path = repo / rel
    path.write_text(re.sub(r"draft: true.*\n", "", path.read_text("utf-8")), encoding="utf-8")
    check = run_vigie(repo, "check")
    assert check.stdout.splitlines() == [
        "Vérification réussie : 2 incident(s), 8 mise(s) à jour publiée(s).",
    ]


def test_new_update_without_draft_has_no_draft_line(tmp_path: Path) -> None:
    repo = copy_repo(tmp_path / "repo")
    result = run_vigie(
        repo, "new", "update", INCIDENT, "--title", "Point", "--date", "2026-10-30T15:00:00+01:00"
    )
    rel = f"{UPDATES}/2026-10-30T1500-point.md"
    assert result.stdout.splitlines() == [f"Créé : {rel}", NEXT]
    assert "draft" not in front_matter(repo / rel)


def test_new_update_in_the_future_says_when_it_is_published_in_paris_time(
    tmp_path: Path,
) -> None:
    repo = copy_repo(tmp_path / "repo")
    # Given in UTC in summer: told at the Paris hour (two hours later).
    result = run_vigie(
        repo, "new", "update", INCIDENT, "--title", "Bilan", "--date", "2027-07-14T08:05:00Z"
    )
    assert result.returncode == 0, result.stderr
    rel = f"{UPDATES}/2027-07-14T1005-bilan.md"
    assert result.stdout.splitlines() == [
        f"Créé : {rel}",
        "Programmée : elle sera publiée par le premier build fait à partir du 14 juillet 2027 "
        "à 10 h 05 (heure de Paris) ; d'ici là, elle n'est nulle part en ligne.",
        NEXT,
    ]
    assert front_matter(repo / rel)["date"].isoformat() == "2027-07-14T10:05:00+02:00"
    filled(repo, rel)
    check = run_vigie(repo, "check")
    assert check.stdout.splitlines()[1:] == [
        SCHEDULED,
        f"  14 juillet 2027 à 10 h 05 : {rel} (Bilan)",
    ]


def test_a_future_draft_says_both(tmp_path: Path) -> None:
    repo = copy_repo(tmp_path / "repo")
    result = run_vigie(
        repo, "new", "update", INCIDENT, "--draft", "--title", "Bilan",
        "--date", "2027-01-04T09:00:00+01:00",
    )  # fmt: skip
    rel = f"{UPDATES}/2027-01-04T0900-bilan.md"
    assert result.stdout.splitlines() == [
        f"Créé : {rel}",
        DRAFT_NOTE,
        "Datée du 4 janvier 2027 à 9 h 00 (heure de Paris) : une fois « draft: true » retiré, "
        "elle sera publiée par le premier build fait à partir de cette heure.",
        NEXT,
    ]
    filled(repo, rel)
    check = run_vigie(repo, "check")
    # A draft is not scheduled: nothing publishes it while « draft: true » stays.
    assert check.stdout.splitlines()[1:] == [
        DRAFTS,
        f"  {rel} (Bilan), datée du 4 janvier 2027 à 9 h 00",
    ]


def test_check_and_status_list_a_draft_incident_by_its_file_beside_the_scheduled(
    tmp_path: Path,
) -> None:
    repo = copy_repo(tmp_path / "repo")
    incident = repo / f"incidents/{INCIDENT}/incident.yml"
    incident.write_text(incident.read_text("utf-8") + "draft: true\n", encoding="utf-8")
    later = repo / "incidents/2024-02-tiers-payant/updates/2026-11-15T0900-bilan.md"
    later.write_text(
        "---\ndate: 2026-11-15T09:00:00+01:00\nstatus: monitoring\ntitle: Bilan\n---\nBilan.\n",
        encoding="utf-8",
    )
    draft_line = (
        f"incidents/{INCIDENT}/incident.yml : tout l'incident « Espace adhérent inaccessible "
        "le 11 juin 2024 » (3 mises à jour)"
    )
    check = run_vigie(repo, "check")
    assert check.returncode == 0, check.stderr
    assert check.stdout.splitlines() == [
        "Vérification réussie : 1 incident(s), 4 mise(s) à jour publiée(s).",
        SCHEDULED,
        "  15 novembre 2026 à 9 h 00 : "
        "incidents/2024-02-tiers-payant/updates/2026-11-15T0900-bilan.md (Bilan)",
        DRAFTS,
        f"  {draft_line}",
    ]
    status = run_vigie(repo, "status").stdout.splitlines()
    assert status[-5:] == [
        "Publications programmées :",
        "  - 15 novembre 2026 à 9 h 00 : "
        "incidents/2024-02-tiers-payant/updates/2026-11-15T0900-bilan.md (Bilan)",
        "",
        DRAFTS,
        f"  - {draft_line}",
    ]


def test_status_says_when_there_is_no_draft(tmp_path: Path) -> None:
    repo = copy_repo(tmp_path / "repo")
    assert run_vigie(repo, "status").stdout.splitlines()[-1] == "Brouillons : aucun"
