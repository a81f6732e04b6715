"""`vigie serve`, as staff use it: save a file, see the page change; break it, see why; fix it.

All in French: the address to open, the same `path:line: message` lines as `vigie check`, and
« Aperçu à jour » once a save builds again; MkDocs' English only with -v.
"""

from __future__ import annotations

import os
import re
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from typing import TYPE_CHECKING

import pytest
from bs4 import BeautifulSoup

from conftest import copy_repo, run_vigie

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


# MkDocs' own English lines, never shown to staff without -v.
ENGLISH = (
    "Aborted",
    "BuildError",
    "appear stuck",
    "Serving on",
    "Building documentation",
    "Detected file changes",
    "Reloading browsers",
    "Watching paths",
    "Browser connected",
    "Documentation built",
    "Shutting down",
    "INFO -",
    "WARNING -",
    "ERROR -",
    "Traceback",
)
PREPARING = "Préparation de l'aperçu…"
NOT_UPDATED = (
    "Aperçu non mis à jour : corrigez les erreurs ci-dessus et enregistrez ; le navigateur "
    "garde la version précédente"
)
UPDATED = re.compile(r"Aperçu à jour \(\d\d:\d\d:\d\d\)")


def _serve_command(repo: Path, *args: str) -> list[str]:
    return [sys.executable, "-m", "vigie.cli", "-f", str(repo / "mkdocs.yml"), "serve", *args]


ENV = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}


@pytest.fixture
def serve(tmp_path: Path) -> Iterator[Callable[..., tuple[Path, int, Path, subprocess.Popen[str]]]]:
    """Start `vigie serve <args>` on a copy of the example, on a free port; stopped after."""
    servers: list[subprocess.Popen[str]] = []

    def start(
        *args: str, env: dict[str, str] | None = None
    ) -> tuple[Path, int, Path, subprocess.Popen[str]]:
        repo = copy_repo(tmp_path / f"repo{len(servers)}")
        port = _free_port()
        log = tmp_path / f"serve{len(servers)}.log"
        with log.open("w", encoding="utf-8") as output:
            server = subprocess.Popen(
                _serve_command(repo, "-a", f"127.0.0.1:{port}", *args),
                stdout=output,
                stderr=subprocess.STDOUT,
                text=True,
                env={**ENV, **(env or {})},
            )
        servers.append(server)
        return repo, port, log, server

    yield start
    for server in servers:
        server.terminate()
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()


def _lines(log: Path) -> list[str]:
    return log.read_text(encoding="utf-8").splitlines()


def test_a_saved_update_shows_an_error_then_the_fixed_page(
    serve: Callable[..., tuple[Path, int, Path, subprocess.Popen[str]]],
) -> None:
    repo, port, log, server = serve("--drafts")
    url = f"http://127.0.0.1:{port}/incidents/2024-06-espace-adherent/"
    ready = f"Aperçu : http://127.0.0.1:{port} (brouillons visibles)"
    _wait_for(lambda: ready in _lines(log), "the address of the preview", server)
    assert _lines(log) == [PREPARING, ready]
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
    _wait_for(lambda: NOT_UPDATED in _lines(log), "the refusal", server)
    shown = _lines(log)
    assert any(line.startswith(expected) for line in shown)
    # The same lines as vigie check, in the same order, then the refusal.
    check = run_vigie(repo, "check")
    assert check.returncode == 1
    told = shown[shown.index(check.stderr.splitlines()[0]) :]
    assert told == [*check.stderr.splitlines(), NOT_UPDATED]

    fixed_title = "L’espace adhérent est rouvert"
    update.write_text(text.replace(OLD_TITLE, fixed_title), encoding="utf-8")
    _wait_for(lambda: fixed_title in (_latest_title(url) or ""), "page after the fix", server)
    _wait_for(lambda: UPDATED.fullmatch(_lines(log)[-1]) is not None, "« Aperçu à jour »", server)
    shown = _lines(log)
    refused = shown.index(NOT_UPDATED)
    # Each good save is told, before the refusal and after it. Not "exactly twice": under
    # load, one write_text may reach the watcher as two events (truncate, then write).
    assert any(UPDATED.fullmatch(line) for line in shown[:refused])
    assert any(UPDATED.fullmatch(line) for line in shown[refused + 1 :])
    english = [line for line in shown if any(words in line for words in ENGLISH)]
    assert english == []


ARCHIVED = "incidents/2024-02-tiers-payant/versions/1/index.html"


def test_a_rebuild_of_the_preview_links_the_pages_it_kept(
    serve: Callable[..., tuple[Path, int, Path, subprocess.Popen[str]]], tmp_path: Path
) -> None:
    """MkDocs empties the preview's folder before each rebuild: the last preview is set aside
    first, and an archived page that did not change is the same file again, linked from it,
    served whole; nothing is left beside the preview once rebuilt."""
    temporary = tmp_path / "tmp"
    temporary.mkdir()
    repo, port, log, server = serve(env={"TMPDIR": str(temporary)})
    base = f"http://127.0.0.1:{port}"
    _wait_for(lambda: f"Aperçu : {base}" in "".join(_lines(log)), "the preview", server)
    (served,) = temporary.glob("mkdocs_*")
    first = (served / ARCHIVED).stat().st_ino
    update = repo / UPDATE
    update.write_text(update.read_text("utf-8").replace(OLD_TITLE, NEW_TITLE), "utf-8")
    url = f"{base}/incidents/2024-06-espace-adherent/"
    _wait_for(lambda: NEW_TITLE in (_latest_title(url) or ""), "page with the new title", server)
    _wait_for(lambda: UPDATED.fullmatch(_lines(log)[-1]) is not None, "« Aperçu à jour »", server)
    assert (served / ARCHIVED).stat().st_ino == first
    kept = (served / ARCHIVED).read_text("utf-8").rsplit("</body>", 1)[0]
    assert (_fetch(f"{base}/{ARCHIVED}") or "").startswith(kept)  # + MkDocs' reload script
    assert sorted(p.name for p in temporary.iterdir()) == [served.name]


def test_verbose_keeps_mkdocs_lines_and_without_drafts_says_so(
    serve: Callable[..., tuple[Path, int, Path, subprocess.Popen[str]]],
) -> None:
    _, port, log, server = serve("-v")
    ready = (
        f"Aperçu : http://127.0.0.1:{port} (sans les brouillons ni les publications programmées)"
    )
    _wait_for(lambda: ready in _lines(log), "the address of the preview", server)
    shown = "\n".join(_lines(log))
    assert f"Serving on http://127.0.0.1:{port}/" in shown
    assert "INFO - Building documentation..." in shown


def test_a_broken_source_at_start_is_told_in_french(tmp_path: Path) -> None:
    repo = copy_repo(tmp_path / "repo")
    update = repo / UPDATE
    update.write_text(
        update.read_text(encoding="utf-8").replace("title: ", "title: Point : "),
        encoding="utf-8",
    )
    check = run_vigie(repo, "check")
    result = subprocess.run(
        _serve_command(repo, "-a", f"127.0.0.1:{_free_port()}"),
        capture_output=True,
        text=True,
        env=ENV,
        timeout=DEADLINE,
        check=False,
    )
    assert result.returncode == 1
    assert result.stderr.splitlines() == [
        PREPARING,
        *check.stderr.splitlines(),
        "Aperçu impossible : corrigez les erreurs ci-dessus, puis relancez make serve.",
    ]
    yaml_line = f"{UPDATE}:4: syntaxe YAML (colonne 14) : "
    assert any(line.startswith(yaml_line) for line in check.stderr.splitlines())
    assert not [words for words in ENGLISH if words in result.stdout + result.stderr]


def test_a_taken_address_is_told_in_french(tmp_path: Path) -> None:
    repo = copy_repo(tmp_path / "repo")
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        address = f"127.0.0.1:{taken.getsockname()[1]}"
        result = subprocess.run(
            _serve_command(repo, "-a", address),
            capture_output=True,
            text=True,
            env=ENV,
            timeout=DEADLINE,
            check=False,
        )
    assert result.returncode == 1
    assert result.stderr.splitlines() == [
        PREPARING,
        f"Aperçu impossible à l'adresse {address} : elle est déjà prise (un autre aperçu "
        "tourne-t-il encore ?) ou interdite ; arrêtez l'autre aperçu, ou choisissez une autre "
        "adresse (exemple : vigie serve -a 127.0.0.1:8001)",
    ]


def test_the_last_preview_is_set_aside_then_removed_or_put_back(tmp_path: Path) -> None:
    from vigie.pages import reuse

    served = tmp_path / "mkdocs_x"
    assert reuse.set_aside(served) == tmp_path / "mkdocs_x-previous"  # nothing to set aside
    assert not (tmp_path / "mkdocs_x-previous").exists()
    (served / "incidents").mkdir(parents=True)
    (served / "incidents/index.html").write_text("dernier aperçu", "utf-8")
    aside = reuse.set_aside(served)
    assert sorted(p.name for p in served.iterdir()) == []  # left empty for MkDocs
    assert (aside / "incidents/index.html").read_text("utf-8") == "dernier aperçu"
    (served / "index.html").write_text("reconstruction interrompue", "utf-8")
    reuse.put_back_set_aside(served)  # the rebuild failed: the last preview is served again
    assert (served / "incidents/index.html").read_text("utf-8") == "dernier aperçu"
    assert not (served / "index.html").exists()
    assert not aside.exists()
    reuse.set_aside(served)
    reuse.remove_set_aside(served)  # the rebuild succeeded
    assert not aside.exists()
    aside.mkdir()  # left by a rebuild stopped halfway: the next one starts clean
    (aside / "vieux.html").write_text("", "utf-8")
    reuse.set_aside(served)
    assert not (aside / "vieux.html").exists()


def test_a_build_holding_the_cache_never_holds_the_preview(
    serve: Callable[..., tuple[Path, int, Path, subprocess.Popen[str]]],
) -> None:
    """MkDocs' server answers no request while it rebuilds: a preview that waited for a
    `vigie build` holding the cache (or one stopped, or stuck) would answer none for as long.
    It rebuilds without the cache instead, and the saved change shows."""
    import fcntl

    from vigie.cache import CACHE_BUSY

    repo, port, log, server = serve("--drafts")
    url = f"http://127.0.0.1:{port}/incidents/2024-06-espace-adherent/"
    _wait_for(lambda: f"Aperçu : http://127.0.0.1:{port}" in "".join(_lines(log)), "ready", server)
    with open(repo / ".vigie-cache" / "lock", "rb+") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # as a `vigie build` does, for as long as it runs
        update = repo / UPDATE
        update.write_text(update.read_text("utf-8").replace(OLD_TITLE, NEW_TITLE), "utf-8")
        _wait_for(lambda: NEW_TITLE in (_latest_title(url) or ""), "the new title", server)
    assert not [line for line in _lines(log) if "Traceback" in line]
    assert CACHE_BUSY in _lines(log)  # said, once per rebuild that went without
