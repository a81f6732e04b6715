"""Shared fixtures: the example repository copied, checked and built as staff would."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

REPO = Path(__file__).resolve().parents[1]
SOURCE_PARTS = ("mkdocs.yml", "incidents", "pages", "overrides")


def copy_repo(target: Path) -> Path:
    """A copy of the sources staff edit (not the package), ready to break or extend."""
    target.mkdir(parents=True, exist_ok=True)
    for part in SOURCE_PARTS:
        source = REPO / part
        if source.is_dir():
            shutil.copytree(source, target / part)
        else:
            shutil.copy2(source, target / part)
    return target


def run_vigie(
    repo: Path, *args: str, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    """Run the `vigie` command on `repo` as a separate process, as staff do."""
    return subprocess.run(
        [sys.executable, "-m", "vigie.cli", "-f", str(repo / "mkdocs.yml"), *args],
        capture_output=True,
        text=True,
        env={**os.environ, "NO_MKDOCS_2_WARNING": "1", **(env or {})},
        check=False,
        timeout=300,
    )


def run_mkdocs(repo: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """Run plain `mkdocs` on `repo`, as someone who never heard of the `vigie` command would."""
    return subprocess.run(
        [sys.executable, "-m", "mkdocs", *args, "-f", str(repo / "mkdocs.yml")],
        capture_output=True,
        text=True,
        env={**os.environ, "NO_MKDOCS_2_WARNING": "1"},
        check=False,
        timeout=300,
    )


def parse_html(path: Path) -> BeautifulSoup:
    return BeautifulSoup(path.read_text(encoding="utf-8"), "lxml")


def tree_bytes(folder: Path) -> dict[str, bytes]:
    """Every file under `folder` with its bytes, to compare two trees exactly."""
    return {
        str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()
    }


@pytest.fixture(scope="session")
def example_repo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The example repository, copied and built once for the whole session."""
    repo = copy_repo(tmp_path_factory.mktemp("example") / "repo")
    result = run_vigie(repo, "build")
    assert result.returncode == 0, result.stderr
    return repo


@pytest.fixture(scope="session")
def site(example_repo: Path) -> Path:
    """The built example site."""
    return example_repo / "site"


@pytest.fixture
def html_page(site: Path):
    """Parse one built page by its public address, e.g. page("/incidents/x/")."""

    def parse(address: str) -> BeautifulSoup:
        path = (
            site / address.strip("/") / "index.html"
            if not address.endswith(".html")
            else site / address.strip("/")
        )
        return parse_html(path)

    return parse
