"""What is public stays: plain `vigie check` and `vigie build` compare with the public version.

The public version is the upstream branch git tracks, and the record of the last build
(`site/published.json`); what neither holds (a commit never pushed, a draft, an update
scheduled later) may change freely.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
from typing import TYPE_CHECKING

import pytest

from conftest import REPO, copy_repo
from vigie import cli

if TYPE_CHECKING:
    from pathlib import Path

OUTAGE = "incidents/2024-06-espace-adherent"
CAUSE = f"{OUTAGE}/updates/2024-06-11T1030-cause-identifiee.md"
BREACH = "incidents/2024-02-tiers-payant"
DRAFT = f"{OUTAGE}/updates/2024-06-12T0900-bilan.md"
SCHEDULED = f"{OUTAGE}/updates/2027-01-15T0900-point-annuel.md"
RECORD = "site/published.json"
CAUSE_TEXT_LINE = 17  # the first line under the closing « --- » of CAUSE
ATTACK_LINE = 21  # « Il ne s’agit pas d’une attaque. … » in CAUSE
GIT_ENV = {
    "GIT_AUTHOR_NAME": "Service communication",
    "GIT_AUTHOR_EMAIL": "communication@mutuelle-horizon.example",
    "GIT_COMMITTER_NAME": "Service communication",
    "GIT_COMMITTER_EMAIL": "communication@mutuelle-horizon.example",
    "GIT_AUTHOR_DATE": "2024-06-20T10:00:00+02:00",  # commits dated, not by the clock: the
    "GIT_COMMITTER_DATE": "2024-06-20T10:00:00+02:00",  # same commit ids on every run
}
WAY_OUT = "ajoutez une entrée à corrections (date, reason) qui dit publiquement ce qui a changé"


def git(repo: Path, *args: str) -> str:
    result = subprocess.run(
        ["git", "-C", str(repo), *args],
        capture_output=True,
        text=True,
        check=True,
        env={**os.environ, **GIT_ENV},
    )
    return result.stdout


def vigie(repo: Path, capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, list[str]]:
    capsys.readouterr()
    code = cli.main(["-f", str(repo / "mkdocs.yml"), *args])
    errors = capsys.readouterr().err.splitlines()
    assert not any("Traceback" in line for line in errors)
    return code, errors


def _sources(path: Path) -> Path:
    """The example, a draft and an update scheduled after the tests' now, committed once."""
    repo = copy_repo(path)
    (repo / DRAFT).write_text(
        "---\ndate: 2024-06-12T09:00:00+02:00\nstatus: resolved\ntitle: Bilan de la panne\n"
        "draft: true\n---\nPremier jet du bilan, pas encore relu.\n",
        encoding="utf-8",
    )
    (repo / SCHEDULED).write_text(
        "---\ndate: 2027-01-15T09:00:00+01:00\nstatus: resolved\ntitle: Point annuel\n---\n"
        "Le point annuel sur la panne, publié le 15 janvier.\n",
        encoding="utf-8",
    )
    (repo / ".gitignore").write_text("site/\n", encoding="utf-8")
    git(repo, "init", "-q", "-b", "main")
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "Sources")
    return repo


@pytest.fixture(scope="module")
def built_once(tmp_path_factory: pytest.TempPathFactory) -> Path:
    repo = _sources(tmp_path_factory.mktemp("built") / "repo")
    assert cli.main(["-f", str(repo / "mkdocs.yml"), "build"]) == 0
    return repo


@pytest.fixture
def built(built_once: Path, tmp_path: Path) -> Path:
    """The sources with `site/` from their build, and no upstream branch."""
    repo = tmp_path / "repo"
    shutil.copytree(built_once, repo, symlinks=True)
    return repo


def _edit(repo: Path, path: str, old: str, new: str) -> None:
    text = (repo / path).read_text(encoding="utf-8")
    assert text.count(old) == 1
    (repo / path).write_text(text.replace(old, new), encoding="utf-8")


def _rewrite_attack_line(repo: Path) -> None:
    _edit(
        repo,
        CAUSE,
        "Il ne s’agit pas d’une attaque. Aucune donnée",
        "Il ne s’agit sans doute pas d’une attaque. Aucune donnée",
    )


def _add_correction(repo: Path) -> None:
    _edit(
        repo,
        CAUSE,
        "title: La cause de la panne est identifiée\n",
        "title: La cause de la panne est identifiée\ncorrections:\n"
        "  - date: 2024-06-12T10:00:00+02:00\n"
        "    reason: Nous ne pouvions pas encore exclure une attaque\n",
    )


def test_the_build_records_what_it_published(built: Path) -> None:
    record = json.loads((built / RECORD).read_bytes())
    assert record["schema_version"] == 1
    assert sorted(i["id"] for i in record["incidents"]) == [
        "2024-02-tiers-payant",
        "2024-06-espace-adherent",
    ]
    outage = next(i for i in record["incidents"] if i["id"] == "2024-06-espace-adherent")
    # The draft and the update scheduled after now are not public: not in the record.
    assert [u["id"] for u in outage["updates"]] == [
        "2024-06-11T0915-espace-adherent-inaccessible",
        "2024-06-11T1030-cause-identifiee",
        "2024-06-11T1200-service-retabli",
    ]
    cause = outage["updates"][1]
    text = (built / CAUSE).read_text(encoding="utf-8").split("\n---\n", 1)[1].strip()
    assert cause == {
        "id": "2024-06-11T1030-cause-identifiee",
        "date": "2024-06-11T10:30:00+02:00",
        "status": "identified",
        "corrections": 0,
        "text_sha256": hashlib.sha256(text.encode("utf-8")).hexdigest(),
    }
    assert RECORD.removeprefix("site/") in {
        f["path"] for f in json.loads((built / "site/version.json").read_bytes())["files"]
    }


def test_a_published_text_changed_without_correction_is_refused(
    built: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _rewrite_attack_line(built)
    expected = (
        f"{CAUSE}:{CAUSE_TEXT_LINE}: texte d'une mise à jour publiée modifié sans correction "
        f"(version publique : {RECORD}) : {WAY_OUT}"
    )
    code, errors = vigie(built, capsys, "check")
    assert code == 1
    assert errors == [expected, "1 problème(s) : rien n'a été publié."]
    before = (built / "site/index.html").read_bytes()
    code, errors = vigie(built, capsys, "build")
    assert code == 1
    assert expected in errors
    assert (built / "site/index.html").read_bytes() == before  # the public site is kept


def test_a_changed_date_or_status_is_refused_at_its_line(
    built: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _edit(built, CAUSE, "date: 2024-06-11T10:30:00+02:00", "date: 2024-06-11T10:45:00+02:00")
    _edit(built, CAUSE, "status: identified", "status: monitoring")
    code, errors = vigie(built, capsys, "check")
    assert code == 1
    assert errors[:2] == [
        f"{CAUSE}:2: date d'une mise à jour publiée modifié sans correction "
        f"(version publique : {RECORD}) : {WAY_OUT}",
        f"{CAUSE}:3: statut d'une mise à jour publiée modifié sans correction "
        f"(version publique : {RECORD}) : {WAY_OUT}",
    ]


def test_the_same_change_with_a_correction_passes_and_is_then_recorded(
    built: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _rewrite_attack_line(built)
    _add_correction(built)
    assert vigie(built, capsys, "check")[0] == 0
    assert vigie(built, capsys, "build")[0] == 0
    record = json.loads((built / RECORD).read_bytes())
    outage = next(i for i in record["incidents"] if i["id"] == "2024-06-espace-adherent")
    assert outage["updates"][1]["corrections"] == 1
    assert vigie(built, capsys, "check")[0] == 0


def test_a_deleted_published_update_is_refused(
    built: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (built / CAUSE).unlink()
    code, errors = vigie(built, capsys, "check")
    assert code == 1
    assert (
        f"{CAUSE}:1: mise à jour publiée supprimée (version publique : {RECORD}) : une mise à "
        "jour publiée reste en ligne ; remettez le fichier, puis corrigez-le avec une entrée à "
        "corrections (date, reason) ou publiez une nouvelle mise à jour"
    ) in errors


def test_a_renamed_published_update_is_refused(
    built: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    renamed = f"{OUTAGE}/updates/2024-06-11T1030-cause-trouvee.md"
    (built / CAUSE).rename(built / renamed)
    code, errors = vigie(built, capsys, "check")
    assert code == 1
    assert errors == [
        f"{CAUSE}:1: mise à jour publiée renommée en {renamed} (version publique : {RECORD}) : "
        "son adresse ne doit pas changer ; rendez-lui son nom",
        "1 problème(s) : rien n'a été publié.",
    ]


GONE = (
    "incident publié supprimé, renommé ou vidé (version publique : {where}) : son dossier, son "
    "identifiant et son incident.yml restent ; pour le retirer, publiez une dernière mise à "
    "jour qui dit pourquoi (README « Versions, corrections et vérification »)"
)


def test_an_incident_emptied_to_comments_only_is_refused(
    built: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (built / BREACH / "incident.yml").write_text(
        "# Retiré en attendant l'accord du service juridique\n", encoding="utf-8"
    )
    code, errors = vigie(built, capsys, "check")
    assert code == 1
    assert f"{BREACH}/incident.yml:1: {GONE.format(where=RECORD)}" in errors
    code, errors = vigie(built, capsys, "build")
    assert code == 1
    assert f"{BREACH}/incident.yml:1: {GONE.format(where=RECORD)}" in errors


def test_a_deleted_incident_folder_is_refused(
    built: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    shutil.rmtree(built / BREACH)
    code, errors = vigie(built, capsys, "check")
    assert code == 1
    assert errors[0] == f"{BREACH}/incident.yml:1: {GONE.format(where=RECORD)}"


def test_a_published_update_turned_back_into_a_draft_is_refused(
    built: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _edit(built, CAUSE, "status: identified\n", "status: identified\ndraft: true\n")
    code, errors = vigie(built, capsys, "check")
    assert code == 1
    assert errors == [
        f"{CAUSE}:4: mise à jour publiée redevenue brouillon (version publique : {RECORD}) : "
        "elle quitterait le site en silence ; retirez « draft: true » (pour changer son texte : "
        "une entrée à corrections)",
        "1 problème(s) : rien n'a été publié.",
    ]


def test_a_draft_and_a_scheduled_update_change_freely(
    built: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _edit(built, DRAFT, "Premier jet du bilan", "Deuxième jet du bilan")
    _edit(built, SCHEDULED, "publié le 15 janvier", "publié mi-janvier")
    _edit(built, SCHEDULED, "date: 2027-01-15T09:00:00+01:00", "date: 2027-01-16T09:00:00+01:00")
    assert vigie(built, capsys, "check")[0] == 0
    (built / DRAFT).unlink()
    assert vigie(built, capsys, "check")[0] == 0


def test_a_typo_in_a_commit_never_pushed_nor_built_may_be_fixed(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    repo = _sources(tmp_path / "repo")  # no site/, no upstream branch
    _rewrite_attack_line(repo)
    git(repo, "commit", "-q", "--amend", "-a", "--no-edit")
    assert vigie(repo, capsys, "check") == (0, [])


def _pushed(repo: Path, remote: Path) -> None:
    git(remote.parent, "init", "-q", "--bare", "-b", "main", str(remote))
    git(repo, "remote", "add", "origin", str(remote))
    git(repo, "push", "-q", "-u", "origin", "main")


def test_an_update_on_the_upstream_branch_is_public(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    repo = _sources(tmp_path / "repo")  # never built: the upstream branch alone tells
    _pushed(repo, tmp_path / "origin.git")
    commit = git(repo, "rev-parse", "HEAD").strip()[:12]
    where = f"branche amont origin/main, commit {commit}"
    _rewrite_attack_line(repo)
    code, errors = vigie(repo, capsys, "check")
    assert code == 1
    assert errors == [
        f"{CAUSE}:{ATTACK_LINE}: texte d'une mise à jour publiée modifié sans correction "
        f"(version publique : {where}) : {WAY_OUT}",
        "1 problème(s) : rien n'a été publié.",
    ]
    # Committed but not pushed: still refused, since the branch has the published text.
    git(repo, "commit", "-q", "-a", "-m", "Réécriture")
    code, errors = vigie(repo, capsys, "check")
    assert code == 1
    assert errors[0].startswith(f"{CAUSE}:{ATTACK_LINE}: texte d'une mise à jour publiée")
    # The draft and the scheduled update pushed are not public yet.
    _add_correction(repo)
    _edit(repo, DRAFT, "Premier jet du bilan", "Deuxième jet du bilan")
    _edit(repo, SCHEDULED, "publié le 15 janvier", "publié mi-janvier")
    assert vigie(repo, capsys, "check")[0] == 0


def test_both_references_tell_a_change_once(
    built: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _pushed(built, tmp_path / "origin.git")
    commit = git(built, "rev-parse", "HEAD").strip()[:12]
    _rewrite_attack_line(built)
    code, errors = vigie(built, capsys, "check")
    assert code == 1
    assert errors == [
        f"{CAUSE}:{ATTACK_LINE}: texte d'une mise à jour publiée modifié sans correction "
        f"(version publique : branche amont origin/main, commit {commit}) : {WAY_OUT}",
        "1 problème(s) : rien n'a été publié.",
    ]


def test_since_still_compares_with_the_revision_given_alone(
    built: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _rewrite_attack_line(built)
    git(built, "commit", "-q", "-a", "-m", "Réécriture")
    # HEAD holds the rewrite: compared with HEAD alone, nothing changed (site/ not read).
    assert vigie(built, capsys, "check", "--since", "HEAD")[0] == 0
    code, errors = vigie(built, capsys, "check", "--since", "HEAD~1")
    assert code == 1
    assert errors[0] == (
        f"{CAUSE}:{ATTACK_LINE}: texte d'une mise à jour déjà publiée modifié sans correction : "
        "ajoutez une entrée à corrections (date, reason) pour dire publiquement ce qui a changé"
    )


def test_the_pre_commit_hook_lets_an_unpushed_typo_be_fixed_and_refuses_a_pushed_one(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    repo = _sources(tmp_path / "repo")
    (repo / ".venv").symlink_to(REPO / ".venv")  # the hook runs $top/.venv/bin/vigie
    assert vigie(repo, capsys, "install-hooks")[0] == 0
    _rewrite_attack_line(repo)
    amended = subprocess.run(
        ["git", "-C", str(repo), "commit", "-q", "--amend", "-a", "--no-edit"],
        capture_output=True,
        text=True,
        check=False,
        env={**os.environ, **GIT_ENV, "NO_MKDOCS_2_WARNING": "1"},
    )
    assert amended.returncode == 0, amended.stderr  # never pushed: not public
    _pushed(repo, tmp_path / "origin.git")
    commit = git(repo, "rev-parse", "HEAD").strip()[:12]
    _edit(repo, CAUSE, "Nous avons trouvé", "Nous avons enfin trouvé")
    refused = subprocess.run(
        ["git", "-C", str(repo), "commit", "-q", "-a", "-m", "Réécriture"],
        capture_output=True,
        text=True,
        check=False,
        env={**os.environ, **GIT_ENV, "NO_MKDOCS_2_WARNING": "1"},
    )
    assert refused.returncode == 1
    assert refused.stderr.splitlines() == [
        f"{CAUSE}:{CAUSE_TEXT_LINE}: texte d'une mise à jour publiée modifié sans correction "
        f"(version publique : branche amont origin/main, commit {commit}) : {WAY_OUT}",
        "1 problème(s) : rien n'a été publié.",
    ]
