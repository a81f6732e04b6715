"""Preview: from saving an update file to the page `vigie serve` serves with it.

`python -m vigie_bench.preview REPO [REPO ...]` starts `vigie serve` on each repository,
waits for the first build, adds one update to the newest incident (`synth.add_update`), and
times until the incident's page holds the new update's title: the moment the browser,
reloaded by MkDocs' live reload, shows it. Run on a copy: the repository is changed.
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
from pathlib import Path
from typing import TYPE_CHECKING

from vigie_bench.repository import BenchError
from vigie_bench.synth import add_update

if TYPE_CHECKING:
    from collections.abc import Callable, Sequence

NEW_TITLE = "Nouvelle information"  # the title add_update writes
DEADLINE = 600.0


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _page(url: str) -> str | None:
    try:
        with urllib.request.urlopen(url, timeout=30) as response:
            return response.read().decode("utf-8")
    except (urllib.error.URLError, ConnectionError, TimeoutError):
        return None


def _text(page: str | None) -> str | None:
    """The page without the identifier the live-reload script gets anew on each request."""
    return None if page is None else re.sub(r"livereload\(\d+, \d+\)", "", page)


def _wait(condition: Callable[[], bool], server: subprocess.Popen[bytes], what: str) -> None:
    deadline = time.monotonic() + DEADLINE
    while not condition():
        if server.poll() is not None:
            raise BenchError(f"vigie serve s'est arrêté en attendant {what}")
        if time.monotonic() > deadline:
            raise BenchError(f"{what} : rien après {DEADLINE:.0f} s")
        time.sleep(0.05)


def save_to_page(repo: Path) -> tuple[float, float]:
    """Seconds of the first build, then from saving one update to the page showing it."""
    newest = max(p.name for p in (repo / "incidents").iterdir() if p.is_dir())
    port = _free_port()
    url = f"http://127.0.0.1:{port}/incidents/{newest}/"
    command = [sys.executable, "-m", "vigie.cli", "-f", str(repo / "mkdocs.yml"), "serve"]
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
    started = time.monotonic()
    server = subprocess.Popen(
        [*command, "--dev-addr", f"127.0.0.1:{port}"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        env=env,
    )
    try:
        _wait(lambda: _page(url) is not None, server, "la première construction")
        first = time.monotonic() - started
        time.sleep(1.0)  # the watcher settles after the first build
        before = _text(_page(url))
        saved = time.monotonic()
        add_update(repo)

        def shown() -> bool:  # the incident may hold an update of that title already
            page = _text(_page(url))
            return page is not None and page != before and NEW_TITLE in page

        _wait(shown, server, "la page avec la mise à jour")
        return first, time.monotonic() - saved
    finally:
        server.terminate()
        server.wait(timeout=30)


def main(argv: Sequence[str] | None = None) -> int:
    repos = [Path(a) for a in (sys.argv[1:] if argv is None else argv)]
    if not repos:
        print("usage : python -m vigie_bench.preview DÉPÔT [DÉPÔT ...]", file=sys.stderr)
        return 2
    print("| dépôt | première construction (s) | enregistrement → page à jour (s) |")
    print("| --- | ---: | ---: |")
    for repo in repos:
        try:
            first, update = save_to_page(repo)
        except BenchError as error:
            print(error, file=sys.stderr)
            return 1
        print(f"| {repo.name} | {first:.1f} | {update:.1f} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
