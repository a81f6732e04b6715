"""`vigie serve`, as staff use it: save a file, see the page change; break it, see why; fix it."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from typing import TYPE_CHECKING

import pytest
from bs4 import BeautifulSoup

from conftest import copy_repo

if TYPE_CHECKING:
    from collections.abc import Callable, Iterator
    from pathlib import Path

UPDATE = "incidents/2024-06-espace-adherent/updates/2024-06-11T1200-service-retabli.md"
OLD_TITLE = "L’espace adhérent fonctionne de nouveau"
NEW_TITLE = "L’espace adhérent est de nouveau ouvert"
DEADLINE = 120.0  # seconds: a rebuild of the example takes a few seconds on a quiet machine


def _free_port() -> int:
    # mkdocs serve takes an address, not a socket: a port the system just gave out is the
    # least likely to be taken; a clash is reported by the server's own error, not hidden.
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _wait_for(condition: Callable[[], bool], what: str, server: subprocess.Popen[str]) -> None:
    deadline = time.monotonic() + DEADLINE
    while time.monotonic() < deadline:
        if server.poll() is not None:
            pytest.fail(f"vigie serve stopped while waiting for {what}")
        if condition():
            return
        time.sleep(0.2)
    pytest.fail(f"no {what} within {DEADLINE:.0f} s")


def _fetch(url: str) -> str | None:
    try:
        with urllib.request.urlopen(url, timeout=10) as response:
            return response.read().decode("utf-8")
    except (urllib.error.URLError, ConnectionError, TimeoutError):
        return None


def _latest_title(url: str) -> str | None:
    page = _fetch(url)
    if page is None:
        return None
    heading = BeautifulSoup(page, "lxml").select_one("article h3")
    return heading.get_text(" ", strip=True) if heading else None


@pytest.fixture
def served(tmp_path: Path) -> Iterator[tuple[Path, str, Path, subprocess.Popen[str]]]:
    repo = copy_repo(tmp_path / "repo")
    port = _free_port()
    log = tmp_path / "serve.log"
    with log.open("w", encoding="utf-8") as output:
        server = subprocess.Popen(
            [sys.executable, "-m", "vigie.cli", "-f", str(repo / "mkdocs.yml")]
            + ["serve", "-a", f"127.0.0.1:{port}"],
            stdout=output,
            stderr=subprocess.STDOUT,
            text=True,
            env={**os.environ, "NO_MKDOCS_2_WARNING": "1"},
        )
        try:
            url = f"http://127.0.0.1:{port}/incidents/2024-06-espace-adherent/"
            yield repo, url, log, server
        finally:
            server.terminate()
            try:
                server.wait(timeout=30)
            except subprocess.TimeoutExpired:
                server.kill()
                server.wait()


def test_a_saved_update_shows_an_error_then_the_fixed_page(
    served: tuple[Path, str, Path, subprocess.Popen[str]],
) -> None:
    repo, url, log, server = served
    _wait_for(lambda: _latest_title(url) is not None, "first page", server)
    assert OLD_TITLE in (_latest_title(url) or "")

    update = repo / UPDATE
    text = update.read_text(encoding="utf-8")
    update.write_text(text.replace(OLD_TITLE, NEW_TITLE), encoding="utf-8")
    _wait_for(lambda: NEW_TITLE in (_latest_title(url) or ""), "page with the new title", server)

    # A status that does not exist: the preview says where and why, as vigie check would.
    update.write_text(
        text.replace(OLD_TITLE, NEW_TITLE).replace("status: resolved", "status: resolu"),
        encoding="utf-8",
    )
    expected = f"{UPDATE}:3: valeur inconnue « resolu » pour « status »"
    _wait_for(lambda: expected in log.read_text(encoding="utf-8"), "error message", server)

    fixed_title = "L’espace adhérent est rouvert"
    update.write_text(text.replace(OLD_TITLE, fixed_title), encoding="utf-8")
    _wait_for(lambda: fixed_title in (_latest_title(url) or ""), "page after the fix", server)
