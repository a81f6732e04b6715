"""Shared fixtures: the example repository copied, checked and built as staff would."""

from __future__ import annotations

import contextlib
import io
import logging
import os
import shutil
import subprocess
import sys
import threading
import traceback
from datetime import datetime
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import TYPE_CHECKING, Any

import hypothesis
import pytest
from bs4 import BeautifulSoup
from hypothesis.database import DirectoryBasedExampleDatabase

from vigie_bench.browser import CHROMIUM, CHROMIUM_ARGS

if TYPE_CHECKING:
    from collections.abc import Iterator

REPO = Path(__file__).resolve().parents[1]

# "Now", for every build and check the tests make (scheduled updates, the expiry of
# security.txt): a fixed moment, so that the suite passes the same way next year. Forced,
# not defaulted: a SOURCE_DATE_EPOCH set by CI or a shell must not change what the tests
# see. Tests about time set their own (monkeypatch, or `env=` of run_vigie); only a test
# that says so reads the real clock.
TEST_NOW = datetime.fromisoformat("2026-11-01T12:00:00+00:00")
TEST_EPOCH = str(int(TEST_NOW.timestamp()))
os.environ["SOURCE_DATE_EPOCH"] = TEST_EPOCH

# Hypothesis: in CI (`CI` set, as GitHub Actions and GitLab CI do) the same examples on every
# run, nothing remembered; here, random examples, and the failing ones kept in .hypothesis/
# (git-ignored) so that the next run tries them first. HYPOTHESIS_PROFILE chooses either.
hypothesis.settings.register_profile("ci", derandomize=True, database=None, print_blob=True)
hypothesis.settings.register_profile(
    "local",
    database=DirectoryBasedExampleDatabase(REPO / ".hypothesis" / "examples"),
    print_blob=True,
)
hypothesis.settings.load_profile(
    os.environ.get("HYPOTHESIS_PROFILE") or ("ci" if os.environ.get("CI") else "local")
)
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


# What only a process of its own can give: another string hash seed or code path, a server
# that runs until stopped, the git hooks' own processes.
_SEPARATE_ENV = frozenset({"PYTHONHASHSEED", "PYTHONPATH"})
_SEPARATE_COMMANDS = frozenset({"serve", "install-hooks"})
_LOGGERS = ("", "mkdocs", "vigie", "MARKDOWN")


def run_vigie(
    repo: Path, *args: str, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    """Run the `vigie` command on `repo` as staff do: `vigie.cli.main` with these arguments,
    its exit code, what it printed on each stream (a traceback as the shell would show it).

    In this process by default, sparing a Python and MkDocs start-up per call (they were a
    third of `make test`); in a process of its own from another thread, for `serve` and
    `install-hooks`, or when `env` asks for what only a new process gives (a hash seed,
    another code path).
    """
    if (
        threading.current_thread() is not threading.main_thread()
        or _SEPARATE_ENV & set(env or {})
        or (args and args[0] in _SEPARATE_COMMANDS)
    ):
        return subprocess.run(
            [sys.executable, "-m", "vigie.cli", "-f", str(repo / "mkdocs.yml"), *args],
            capture_output=True,
            text=True,
            env={**os.environ, "NO_MKDOCS_2_WARNING": "1", **(env or {})},
            check=False,
            timeout=300,
        )
    return _run_here(repo, args, env or {})


def _run_here(
    repo: Path, args: tuple[str, ...], env: dict[str, str]
) -> subprocess.CompletedProcess[str]:
    from vigie import cli

    environ = dict(os.environ)
    loggers = [logging.getLogger(name) for name in _LOGGERS]
    kept = [(list(log.handlers), log.level, log.propagate) for log in loggers]
    out, err = io.StringIO(), io.StringIO()
    os.environ.update({"NO_MKDOCS_2_WARNING": "1", **env})
    try:
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            try:
                code = cli.main(["-f", str(repo / "mkdocs.yml"), *args])
            except SystemExit as exit_:  # argparse, or sys.exit with a message
                if isinstance(exit_.code, str):
                    print(exit_.code, file=sys.stderr)
                code = exit_.code if isinstance(exit_.code, int) else int(exit_.code is not None)
            except Exception:  # noqa: BLE001 (what a process would print before dying)
                traceback.print_exc()
                code = 1
    finally:
        os.environ.clear()
        os.environ.update(environ)
        for log, (handlers, level, propagate) in zip(loggers, kept, strict=True):
            log.handlers[:], log.level, log.propagate = handlers, level, propagate
    return subprocess.CompletedProcess(["vigie", *args], code, out.getvalue(), err.getvalue())


def vigie_here(
    capsys: pytest.CaptureFixture[str], repo: Path, *args: str
) -> subprocess.CompletedProcess[str]:
    """The `vigie` command run in this process: the same code as `run_vigie`, no start-up
    (a test that calls it many times saves a Python and MkDocs start each time)."""
    from vigie import cli

    mkdocs_log = logging.getLogger("mkdocs")
    handlers, level = list(mkdocs_log.handlers), mkdocs_log.level
    capsys.readouterr()
    try:
        code = cli.main(["-f", str(repo / "mkdocs.yml"), *args])
    finally:  # main() may add a handler on the capture's stream: leave the logger as it was
        mkdocs_log.handlers[:], mkdocs_log.level = handlers, level
    out, err = capsys.readouterr()
    return subprocess.CompletedProcess(["vigie", *args], code, out, err)


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


# --- A real browser (README, « Lecteurs ») ------------------------------------------------


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args: dict[str, Any]) -> dict[str, Any]:
    """pytest-playwright launches Debian's Chromium, headless, one browser for the session."""
    return {**browser_type_launch_args, "executable_path": CHROMIUM, "args": list(CHROMIUM_ARGS)}


class SiteHandler(SimpleHTTPRequestHandler):
    """Serves a built site as static hosts do, its `404.html` for unknown addresses."""

    def log_message(self, format: str, *args: Any) -> None:
        pass

    def send_error(self, code: int, message: str | None = None, explain: str | None = None) -> None:
        not_found = Path(self.directory) / "404.html"
        if code != 404 or not not_found.is_file():
            super().send_error(code, message, explain)
            return
        body = not_found.read_bytes()
        self.send_response(404)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)


def serve_folder(folder: Path) -> tuple[ThreadingHTTPServer, str]:
    """Serve `folder` on 127.0.0.1 (a free port) from a thread; returns the server and its URL."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), partial(SiteHandler, directory=str(folder)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, f"http://127.0.0.1:{server.server_port}"


@pytest.fixture(scope="session")
def site_server(site: Path) -> Iterator[str]:
    """The built example site over HTTP, for the whole session: its base URL."""
    server, url = serve_folder(site)
    yield url
    server.shutdown()
    server.server_close()


@pytest.fixture(scope="session")
def base_url(site_server: str) -> str:
    """pytest-playwright's pages resolve "/faq/" against the example site."""
    return site_server


@pytest.fixture(scope="session")
def builds(tmp_path_factory: pytest.TempPathFactory) -> Any:
    """Two builds of the example sources at two commits (`two_builds.Builds`), made once per
    run for the folder, git and bucket deploy tests."""
    from two_builds import shared_builds

    return shared_builds(tmp_path_factory)


@pytest.fixture
def s3_server(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Any]:
    """A real S3 server (`rclone serve s3`, `s3_servers.S3Server`) on 127.0.0.1 for one test,
    the AWS variables set."""
    from s3_servers import running_server

    yield from running_server(tmp_path, monkeypatch)
