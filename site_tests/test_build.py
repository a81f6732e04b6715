"""Bad input never publishes: every problem listed, exit code 1, previous `site/` intact."""

from __future__ import annotations

import os
import pstats
import subprocess
import sys
from pathlib import Path

from conftest import copy_repo, run_mkdocs, run_vigie, tree_bytes
from vigie import messages as msg

BROKEN_STATUS = (
    "incidents/2024-06-espace-adherent/updates/2024-06-11T1030-cause-identifiee.md",
    "status: identified",
    "status: identifie",
)
EXPECTED_LINE = (
    "incidents/2024-06-espace-adherent/updates/2024-06-11T1030-cause-identifiee.md:3: "
    "valeur inconnue « identifie » pour « status » ; valeurs possibles : "
    "investigating, identified, monitoring, resolved, postmortem (incident) ; "
    "scheduled, in_progress, verifying, completed (maintenance planifiée)"
)


def _break(repo: Path) -> None:
    path, old, new = BROKEN_STATUS
    text = (repo / path).read_text(encoding="utf-8")
    assert old in text.splitlines()[2]
    (repo / path).write_text(text.replace(old, new, 1), encoding="utf-8")


def test_check_passes_on_the_example(example_repo: Path) -> None:
    result = run_vigie(example_repo, "check")
    assert result.returncode == 0, result.stderr
    assert "Vérification réussie" in result.stdout


def test_strict_mkdocs_build_is_clean(tmp_path: Path) -> None:
    repo = copy_repo(tmp_path / "repo")
    result = run_mkdocs(repo, "build", "--strict")
    assert result.returncode == 0, result.stderr
    assert "WARNING" not in result.stderr


def test_check_reports_the_exact_line_and_fails(tmp_path: Path) -> None:
    repo = copy_repo(tmp_path / "repo")
    _break(repo)
    result = run_vigie(repo, "check")
    assert result.returncode == 1
    assert EXPECTED_LINE in result.stderr.splitlines()
    assert "Traceback" not in result.stderr


def test_failed_build_leaves_the_previous_site_byte_identical(tmp_path: Path) -> None:
    repo = copy_repo(tmp_path / "repo")
    assert run_vigie(repo, "build").returncode == 0
    before = tree_bytes(repo / "site")
    _break(repo)
    result = run_vigie(repo, "build")
    assert result.returncode == 1
    assert EXPECTED_LINE in result.stderr.splitlines()
    assert "Traceback" not in result.stderr
    assert tree_bytes(repo / "site") == before
    assert sorted(p.name for p in repo.iterdir() if p.name.startswith(".site")) == []


def test_plain_mkdocs_build_also_refuses_and_keeps_the_site(tmp_path: Path) -> None:
    repo = copy_repo(tmp_path / "repo")
    assert run_mkdocs(repo, "build").returncode == 0
    before = tree_bytes(repo / "site")
    _break(repo)
    result = run_mkdocs(repo, "build")
    assert result.returncode == 1
    assert any(line.endswith(EXPECTED_LINE) for line in result.stderr.splitlines())
    assert "Traceback" not in result.stderr
    assert tree_bytes(repo / "site") == before


def test_a_strict_mode_warning_also_keeps_the_previous_site(tmp_path: Path) -> None:
    repo = copy_repo(tmp_path / "repo")
    assert run_vigie(repo, "build").returncode == 0
    before = tree_bytes(repo / "site")
    page = repo / "pages/a-propos.md"
    page.write_text(
        page.read_text(encoding="utf-8") + "\n[lien cassé](nulle-part.md)\n", encoding="utf-8"
    )
    result = run_vigie(repo, "build")
    assert result.returncode == 1
    assert "nulle-part.md" in result.stderr
    assert tree_bytes(repo / "site") == before


def test_the_vigie_command_as_a_process_says_everything_and_leaves_nothing_behind(
    tmp_path: Path,
) -> None:
    """The console script leaves Python without its teardown (`cli.run`): what it prints, its
    exit code, the site swapped in and the cache written are those of `main`."""
    repo = copy_repo(tmp_path / "repo")
    command = [str(Path(sys.executable).parent / "vigie"), "-f", str(repo / "mkdocs.yml")]
    # Its output buffered, as in a pipe of CI (this machine's shell sets PYTHONUNBUFFERED).
    env = {k: v for k, v in os.environ.items() if k != "PYTHONUNBUFFERED"}
    env["NO_MKDOCS_2_WARNING"] = "1"

    def vigie(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [*command, *args], capture_output=True, text=True, env=env, check=False, timeout=300
        )

    built = vigie("build")
    assert built.returncode == 0, built.stderr
    site = tree_bytes(repo / "site")
    # The count is that of the files swapped in, counted once (csp.txt, _headers and the
    # manifest included).
    assert built.stdout.splitlines()[-1] == msg.BUILD_OK.format(
        site_dir=repo / "site", files=len(site)
    )
    pages = {p: p.stat().st_ino for p in (repo / "site" / "incidents").rglob("*.html")}
    again = vigie("build")
    assert again.returncode == 0, again.stderr
    assert again.stderr == ""  # no damaged cache rebuilt, no warning
    assert tree_bytes(repo / "site") == site
    # The cache the first process wrote is whole: the archived pages are its files, linked.
    linked = [p for p, inode in pages.items() if p.stat().st_ino == inode]
    assert len(linked) > len(pages) / 2

    _break(repo)
    refused = vigie("build")
    assert refused.returncode == 1
    assert EXPECTED_LINE in refused.stderr.splitlines()
    assert tree_bytes(repo / "site") == site


def test_the_vigie_command_under_the_profiler_writes_its_profile(tmp_path: Path) -> None:
    """Under cProfile (the command docs/cache.md gives), the command takes Python's usual way
    out, on which the profiler writes its file."""
    repo = copy_repo(tmp_path / "repo")
    profile = tmp_path / "check.prof"
    command = [sys.executable, "-m", "cProfile", "-o", str(profile), "-m", "vigie.cli"]
    checked = subprocess.run(
        [*command, "-f", str(repo / "mkdocs.yml"), "check"],
        capture_output=True,
        text=True,
        check=False,
        timeout=300,
    )
    assert checked.returncode == 0, checked.stderr
    stats = pstats.Stats(str(profile))
    assert any(name == "main" and "vigie/cli" in path for path, _, name in stats.stats)
