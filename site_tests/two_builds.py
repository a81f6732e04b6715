"""Two builds of the example sources at two commits (every page's footer names the
version, so the two differ): made once per run, for the deploy tests of every target."""

from __future__ import annotations

import fcntl
import json
import os
import shutil
import subprocess
from dataclasses import dataclass
from typing import TYPE_CHECKING

from conftest import copy_repo, run_vigie

if TYPE_CHECKING:
    from pathlib import Path

    import pytest

GIT_IDENTITY = {
    "GIT_AUTHOR_NAME": "Service communication",
    "GIT_AUTHOR_EMAIL": "communication@mutuelle-horizon.example",
    "GIT_COMMITTER_NAME": "Service communication",
    "GIT_COMMITTER_EMAIL": "communication@mutuelle-horizon.example",
}


def git(repo: Path, *args: str, date: str = "2024-02-20T10:05:00+01:00") -> str:
    env = {**os.environ, **GIT_IDENTITY, "GIT_AUTHOR_DATE": date, "GIT_COMMITTER_DATE": date}
    result = subprocess.run(
        ["git", *args], cwd=repo, capture_output=True, text=True, check=True, env=env
    )
    return result.stdout.strip()


@dataclass(frozen=True)
class Builds:
    repo: Path  # a git checkout of the example sources, at commit B
    a: Path  # built at the first commit
    b: Path  # the same sources, built at a second commit (every page's footer differs)
    commit_a: str
    commit_b: str


def make_builds(base: Path) -> Builds:
    repo = copy_repo(base / "repo")
    git(repo, "init", "-q", "-b", "main")
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "Sources publiées")
    built = {}
    for label, date in (("a", None), ("b", "2024-02-21T09:00:00+01:00")):
        if date:
            git(repo, "commit", "-q", "--allow-empty", "-m", "Reconstruction", date=date)
        result = run_vigie(repo, "build", "-d", str(base / f"site-{label}"))
        assert result.returncode == 0, result.stderr
        built[label] = (base / f"site-{label}", git(repo, "rev-parse", "--short", "HEAD"))
    return Builds(repo, built["a"][0], built["b"][0], built["a"][1], built["b"][1])


def shared_builds(tmp_path_factory: pytest.TempPathFactory) -> Builds:
    """`make_builds` once per run, shared by every test file and both xdist workers (a lock
    file in the run's own temporary folder): two builds, not eight."""
    root = tmp_path_factory.getbasetemp()
    if os.environ.get("PYTEST_XDIST_WORKER"):
        root = root.parent  # pytest-N/, this run's, above each worker's popen-gwN/
    base = root / "s3-builds"
    with open(root / "s3-builds.lock", "a", encoding="utf-8") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        done = base / "builds.json"
        if not done.is_file():
            shutil.rmtree(base, ignore_errors=True)
            base.mkdir()
            built = make_builds(base)
            done.write_text(json.dumps([built.commit_a, built.commit_b]), encoding="utf-8")
        commit_a, commit_b = json.loads(done.read_text(encoding="utf-8"))
    return Builds(base / "repo", base / "site-a", base / "site-b", commit_a, commit_b)
