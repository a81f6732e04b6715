"""Nothing said in public is silently rewritten: versions, corrections, guard, manifest."""

from __future__ import annotations

import os
import shutil
import subprocess
from typing import TYPE_CHECKING

import feedparser
import pytest

from conftest import copy_repo, parse_html, run_vigie, tree_bytes

if TYPE_CHECKING:
    from pathlib import Path

BREACH = "incidents/2024-02-tiers-payant"
CONFIRMED = f"{BREACH}/updates/2024-02-07T1200-donnees-confirmees.md"
FIRST = f"{BREACH}/updates/2024-02-05T1800-premiere-information.md"
GIT_ENV = {
    "GIT_AUTHOR_NAME": "Service communication",
    "GIT_AUTHOR_EMAIL": "communication@mutuelle-horizon.example",
    "GIT_COMMITTER_NAME": "Service communication",
    "GIT_COMMITTER_EMAIL": "communication@mutuelle-horizon.example",
    "GIT_AUTHOR_DATE": "2024-02-20T10:05:00+01:00",
    "GIT_COMMITTER_DATE": "2024-02-20T10:05:00+01:00",
}


def git(repo: Path, *args: str) -> str:
    result = subprocess.run(
        ["git", "-C", str(repo), *args],
        capture_output=True,
        text=True,
        check=True,
        env={**os.environ, **GIT_ENV},
    )
    return result.stdout


def git_repo(path: Path) -> Path:
    """A copy of the example sources, committed once in a new git repository."""
    repo = copy_repo(path)
    (repo / ".gitignore").write_text("site/\n", encoding="utf-8")
    git(repo, "init", "-q", "-b", "main")
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "Sources publiées")
    return repo


def _history(soup) -> dict[str, list[str]]:
    return {
        entry.p.get_text(" ", strip=True).split(" — ")[0]: [
            li.get_text(" ", strip=True) for li in entry.select(".vigie-versions__changes li")
        ]
        for entry in soup.select(".vigie-versions__entry")
    }


def test_one_permanent_page_per_version_as_it_stood(site: Path) -> None:
    versions = sorted((site / BREACH / "versions").iterdir())
    assert [v.name for v in versions] == ["1", "2", "3", "4"]
    expected = {
        "1": ("Enquête en cours", 0, 0),
        "2": ("Cause identifiée", 8, 5),
        "3": ("Cause identifiée", 8, 5),
        "4": ("Sous surveillance", 8, 5),
    }
    published = {
        "1": "2024-02-05T18:00:00+01:00",
        "2": "2024-02-07T12:00:00+01:00",
        "3": "2024-02-09T12:00:00+01:00",
    }
    for number, (status, exposed, not_exposed) in expected.items():
        soup = parse_html(site / BREACH / "versions" / number / "index.html")
        facts = soup.select_one(".vigie-facts")
        assert facts.select_one(".vigie-badge__text").get_text() == status
        assert f"Version {number} — mise à jour le" in facts.get_text(" ", strip=True)
        assert len(soup.select("table.vigie-data--exposed tbody tr")) == exposed
        assert len(soup.select("table.vigie-data--not-exposed tbody tr")) == not_exposed
        assert len(soup.select("article.vigie-update")) == int(number)
        banner = soup.select_one(".vigie-version-banner")
        if number == "4":  # the newest version is the current one: no archive banner
            assert banner is None
            continue
        assert banner.select_one(".admonition-title").get_text() == "Version archivée"
        assert banner.a["href"] == "../../"
        assert banner.a.get_text() == "lire la version actuelle (version 4)"
        assert banner.time["datetime"] == published[number]
    # The incident page itself is the current notice.
    assert parse_html(site / BREACH / "index.html").select_one(".vigie-version-banner") is None


def test_version_history_says_what_changed_in_french(html_page) -> None:
    # On the page of each version; the incident page links to the newest one's.
    history = _history(html_page(f"/{BREACH}/versions/4/"))
    assert history["Version 1"] == ["Première publication de l'avis", "Statut : enquête en cours"]
    assert history["Version 2"][0] == "Statut : enquête en cours → cause identifiée"
    assert "Donnée exposée ajoutée : numéro de sécurité sociale" in history["Version 2"]
    assert "Donnée non exposée ajoutée : coordonnées bancaires" in history["Version 2"]
    assert history["Version 3"][:3] == [
        "Autorité informée : ANSSI, le 2 février 2024",
        "Autorité informée : CNIL, le 8 février 2024",
        "Autorité informée : Procureur de la République, le 9 février 2024",
    ]
    assert history["Version 4 (affichée)"] == [
        "Statut : cause identifiée → sous surveillance",
        "Ce que nous avons fait : 1 mesure ajoutée",
    ]
    assert list(_history(html_page(f"/{BREACH}/versions/2/"))) == [
        "Version 2 (affichée)",
        "Version 1",
    ]
    outage = _history(html_page("/incidents/2024-06-espace-adherent/versions/3/"))
    assert outage["Version 3 (affichée)"][:2] == [
        "Statut : cause identifiée → résolu",
        "Espace adhérent : panne majeure → fonctionne normalement",
    ]


def _correct(repo: Path) -> None:
    path = repo / CONFIRMED
    text = path.read_text(encoding="utf-8")
    text = text.replace(
        "title: Les données concernées sont confirmées\n",
        "title: Les données concernées sont confirmées\n"
        "corrections:\n"
        "  - date: 2024-02-10T09:00:00+01:00\n"
        "    reason: Une date de naissance était mal écrite dans le texte\n",
    )
    (repo / CONFIRMED).write_text(
        text + "\nPrécision ajoutée après correction.\n", encoding="utf-8"
    )


def test_a_correction_shows_on_the_page_the_history_and_the_feeds(tmp_path: Path) -> None:
    repo = copy_repo(tmp_path / "repo")
    assert run_vigie(repo, "build").returncode == 0
    feed_before = feedparser.parse((repo / "site" / BREACH / "atom.xml").read_bytes())
    _correct(repo)
    result = run_vigie(repo, "build")
    assert result.returncode == 0, result.stderr
    # The incident page says so on the update's line; its version page, in full.
    line = parse_html(repo / "site" / BREACH / "index.html").find(
        "li", id="2024-02-07T1200-donnees-confirmees"
    )
    assert " ".join(line.select_one(".vigie-correction").get_text().split()) == (
        "(corrigée le 10 février 2024 à 9 h 00)"
    )
    for number in ("2", "4"):
        soup = parse_html(repo / "site" / BREACH / "versions" / number / "index.html")
        update = soup.find("article", id="2024-02-07T1200-donnees-confirmees")
        correction = update.select_one(".vigie-correction")
        assert correction.get_text(" ", strip=True) == (
            "Corrigé le 10 février 2024 à 9 h 00 : Une date de naissance était mal écrite dans le texte"
        )
        assert correction.time["datetime"] == "2024-02-10T09:00:00+01:00"
        assert "Précision ajoutée après correction." in update.get_text()
        assert (
            "Corrigée le 10 février 2024 à 9 h 00 : Une date de naissance était mal écrite dans le texte"
            in _history(soup)["Version 2" if number == "4" else "Version 2 (affichée)"]
        )
    feed_after = feedparser.parse((repo / "site" / BREACH / "atom.xml").read_bytes())
    assert not feed_after.bozo
    assert [e.id for e in feed_after.entries] == [e.id for e in feed_before.entries]
    corrected = next(
        e for e in feed_after.entries if e.id.endswith("2024-02-07T1200-donnees-confirmees")
    )
    assert corrected.updated == "2024-02-10T09:00:00+01:00"


@pytest.fixture
def published(tmp_path: Path) -> Path:
    return git_repo(tmp_path / "repo")


def _guard(repo: Path, *since: str) -> tuple[int, list[str]]:
    result = run_vigie(repo, "check", "--since", *since)
    assert "Traceback" not in result.stderr
    return result.returncode, result.stderr.splitlines()


def test_guard_refuses_an_edited_update_without_correction(published: Path) -> None:
    path = published / CONFIRMED
    lines = path.read_text(encoding="utf-8").replace("status: identified", "status: monitoring")
    lines = lines.split("\n")
    edited = len(lines) - 3  # a line of the body, near its end
    lines[edited] = lines[edited] + " Une phrase ajoutée en douce."
    path.write_text("\n".join(lines), encoding="utf-8")
    code, messages = _guard(published, "HEAD")
    assert code == 1
    assert messages[:2] == [
        f"{CONFIRMED}:3: statut d'une mise à jour déjà publiée modifié sans correction : ajoutez une entrée à corrections (date, reason) pour dire publiquement ce qui a changé",
        f"{CONFIRMED}:{edited + 1}: texte d'une mise à jour déjà publiée modifié sans correction : ajoutez une entrée à corrections (date, reason) pour dire publiquement ce qui a changé",
    ]


def test_guard_refuses_a_deleted_or_renamed_update(published: Path) -> None:
    (published / FIRST).rename(published / f"{BREACH}/updates/2024-02-05T1800-premier-message.md")
    (published / CONFIRMED).unlink()
    code, lines = _guard(published, "HEAD")
    assert code == 1
    assert [line for line in lines if "/updates/" in line] == [
        f"{FIRST}:1: mise à jour déjà publiée renommée en {BREACH}/updates/2024-02-05T1800-premier-message.md : son adresse ne doit pas changer ; rendez-lui son nom",
        f"{CONFIRMED}:1: mise à jour déjà publiée supprimée : une mise à jour publiée reste en ligne ; publiez plutôt une correction ou une nouvelle mise à jour",
    ]


def test_guard_refuses_a_deleted_incident(published: Path) -> None:
    shutil.rmtree(published / "incidents/2024-06-espace-adherent")
    code, lines = _guard(published, "HEAD")
    assert code == 1
    assert lines[0] == (
        "incidents/2024-06-espace-adherent/incident.yml:1: incident déjà publié supprimé ou "
        "renommé : son dossier et son identifiant ne doivent pas changer"
    )


def test_guard_refuses_a_changed_date_alone(published: Path) -> None:
    # The body and status stay: only the date moves, by half an hour.
    path = published / CONFIRMED
    text = path.read_text(encoding="utf-8")
    assert text.startswith("---\ndate: 2024-02-07T12:00:00+01:00\n")
    path.write_text(text.replace("T12:00:00+01:00", "T12:30:00+01:00", 1), encoding="utf-8")
    code, lines = _guard(published, "HEAD")
    assert code == 1
    assert lines == [
        f"{CONFIRMED}:2: date d'une mise à jour déjà publiée modifié sans correction : ajoutez une entrée à corrections (date, reason) pour dire publiquement ce qui a changé",
        "1 problème(s) : rien n'a été publié.",
    ]


def test_guard_reads_the_same_moment_in_another_offset_as_unchanged(published: Path) -> None:
    path = published / CONFIRMED
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("T12:00:00+01:00", "T11:00:00+00:00", 1), encoding="utf-8")
    assert _guard(published, "HEAD") == (0, [])


OUTAGE_UPDATES = "incidents/2024-06-espace-adherent/updates"
DRAFT = f"{OUTAGE_UPDATES}/2024-06-11T1100-point-d-etape.md"


def test_guard_lets_staff_change_a_committed_draft(published: Path) -> None:
    """A draft was never public: its text, date and status may change without a correction."""
    draft = published / DRAFT
    draft.write_text(
        "---\ndate: 2024-06-11T11:00:00+02:00\nstatus: identified\ntitle: Point d'étape\n"
        "draft: true\n---\nPremière rédaction.\n",
        encoding="utf-8",
    )
    git(published, "add", "-A")
    git(published, "commit", "-q", "-m", "Brouillon")
    draft.write_text(
        "---\ndate: 2024-06-11T11:15:00+02:00\nstatus: investigating\ntitle: Point d'étape\n"
        "draft: true\n---\nSeconde rédaction, tout autre.\n",
        encoding="utf-8",
    )
    assert _guard(published, "HEAD") == (0, [])
    # Published now (draft: false), it is still new to the guard; deleted, it never was public.
    draft.write_text(
        draft.read_text(encoding="utf-8").replace("draft: true", "draft: false"), encoding="utf-8"
    )
    assert _guard(published, "HEAD") == (0, [])
    draft.unlink()
    assert _guard(published, "HEAD") == (0, [])


def test_guard_refuses_to_turn_a_published_update_back_into_a_draft(published: Path) -> None:
    middle = f"{OUTAGE_UPDATES}/2024-06-11T1030-cause-identifiee.md"
    path = published / middle
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("status: identified\n", "status: identified\ndraft: true\n", 1))
    code, lines = _guard(published, "HEAD")
    assert code == 1
    assert lines == [
        f"{middle}:4: mise à jour déjà publiée redevenue brouillon : elle quitterait le site en "
        "silence ; retirez « draft: true » (pour changer son texte : une entrée à corrections)",
        "1 problème(s) : rien n'a été publié.",
    ]


def test_guard_accepts_a_proper_correction_and_new_updates(published: Path) -> None:
    _correct(published)
    new = published / f"{BREACH}/updates/2024-03-01T1000-point-mensuel.md"
    new.write_text(
        "---\ndate: 2024-03-01T10:00:00+01:00\nstatus: monitoring\ntitle: Point mensuel\n---\n"
        "Rien de nouveau.\n",
        encoding="utf-8",
    )
    git(published, "add", "-A")
    git(published, "commit", "-q", "-m", "Correction et point mensuel")
    code, lines = _guard(published)  # default reference: HEAD~1
    assert code == 0, lines


def test_guard_in_a_shallow_clone_says_which_history_it_needs(
    published: Path, tmp_path: Path
) -> None:
    git(published, "commit", "-q", "--allow-empty", "-m", "Deuxième commit")
    clone = tmp_path / "clone"
    subprocess.run(
        ["git", "clone", "-q", "--depth", "1", f"file://{published}", str(clone)], check=True
    )
    code, lines = _guard(clone)
    assert code == 1
    assert lines == [
        "historique git insuffisant : la révision « HEAD~1 » est absente de ce clone superficiel ; récupérez l'historique (git fetch --unshallow, ou fetch-depth: 0 dans GitHub Actions, GIT_DEPTH: 0 dans GitLab CI) pour vérifier les mises à jour publiées"
    ]


def test_same_commit_in_two_folders_gives_identical_bytes(tmp_path: Path) -> None:
    first = git_repo(tmp_path / "premier-dossier")
    second = git_repo(tmp_path / "ailleurs" / "autre-nom")
    assert git(first, "rev-parse", "HEAD") == git(second, "rev-parse", "HEAD")
    assert run_vigie(first, "build").returncode == 0
    assert run_vigie(second, "build", env={"TZ": "Pacific/Auckland"}).returncode == 0
    one, two = tree_bytes(first / "site"), tree_bytes(second / "site")
    assert one.keys() == two.keys()
    assert [name for name in one if one[name] != two[name]] == []
    footer = parse_html(first / "site" / "index.html").select_one(".vigie-site-version")
    commit = git(first, "rev-parse", "--short", "HEAD").strip()
    assert footer.get_text(" ", strip=True) == f"Version du site : {commit} du 20 février 2024"


def test_verify_catches_a_changed_byte_a_missing_and_an_extra_file(tmp_path: Path) -> None:
    repo = copy_repo(tmp_path / "repo")
    assert run_vigie(repo, "build").returncode == 0
    site = repo / "site"
    assert run_vigie(repo, "verify", str(site)).returncode == 0
    page = site / "faq" / "index.html"
    data = bytearray(page.read_bytes())
    data[100] ^= 1
    page.write_bytes(bytes(data))
    (site / "timeline" / "index.html").unlink()
    (site / "intrus.html").write_text("<p>ajouté</p>", encoding="utf-8")
    result = run_vigie(repo, "verify", str(site))
    assert result.returncode == 1
    assert result.stderr.splitlines() == [
        "modifié : faq/index.html",
        "manquant : timeline/index.html",
        "en trop : intrus.html",
        "3 différence(s) avec le manifeste.",
    ]
