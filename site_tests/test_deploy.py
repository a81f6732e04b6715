"""Deploy and rollback with real servers: Debian's nginx serves the releases while they switch.

Two builds of the same sources at two commits (so every page's footer differs) are deployed
and rolled back under load; a deploy is killed with SIGKILL; the site is published to a bare
git repository; a copy built for `https://example.org/statut/` is served under that path and
crawled.
"""

from __future__ import annotations

import fcntl
import gzip
import hashlib
import http.client
import json
import os
import re
import select
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
from contextlib import ExitStack
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import TYPE_CHECKING
from urllib.parse import unquote, urldefrag, urljoin, urlsplit

import pytest
from bs4 import BeautifulSoup

from conftest import copy_repo, parse_html, run_vigie, tree_bytes, vigie_here
from two_builds import GIT_IDENTITY, Builds, git
from vigie.publish import deploy, hosting, manifest
from vigie.publish import messages as publish_msg

if TYPE_CHECKING:
    from collections.abc import Callable, Iterator
    from pathlib import Path

NGINX = shutil.which("nginx") or "/usr/sbin/nginx"
SECURITY = {
    "Strict-Transport-Security": "max-age=31536000",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "X-Frame-Options": "DENY",
    "Permissions-Policy": hosting.PERMISSIONS_POLICY,
}
SHORT = "public, max-age=300, must-revalidate"
LONG = "public, max-age=31536000, immutable"
# An address written in text or data, without the punctuation around it: "(https://…/)."
TEXT_URL = re.compile(r"https?://[^\s\"'<>()\\]+")
FOOTER = re.compile(r'class="vigie-site-version">Version du site : <a href="[^"]*">([^<]+)</a>')


def test_a_new_commit_changes_the_pages_that_follow_the_site_and_no_notice(
    builds: Builds,
) -> None:
    """A notice or an archived version says its own dates, never the site's version: its
    bytes stay the same from one release to the next (a deploy re-sends only what changed)."""
    a, b = tree_bytes(builds.a), tree_bytes(builds.b)
    changed = sorted(name for name in a if name.endswith(".html") and a[name] != b[name])
    assert "index.html" in changed
    assert "history/index.html" in changed
    assert [name for name in changed if name.startswith("incidents/")] == []
    notice = parse_html(builds.a / "incidents" / "2024-02-tiers-payant" / "index.html")
    assert notice.select(".vigie-site-version") == []
    home = parse_html(builds.b / "index.html").select_one(".vigie-site-version")
    assert home.get_text(" ", strip=True).startswith(f"Version du site : {builds.commit_b} du ")


# --- nginx ------------------------------------------------------------------------------------


def wait_for(condition: Callable[[], bool], what: str, timeout: float = 60) -> None:
    """Poll `condition` until it holds; the deadline is generous, reached only on a fault."""
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"{what} : toujours pas au bout de {timeout} s")
        time.sleep(0.02)


def listening_socket() -> socket.socket:
    """A socket listening on a free port of 127.0.0.1, held by the test until nginx stops.

    nginx takes it over through its `NGINX` variable, the way it hands its sockets to a new
    binary on upgrade: the port is bound once, so no other process can take it between its
    choice and nginx serving (a port probed, then freed, can be). Were nginx to ignore the
    variable, its own bind() on the held port would fail, loudly.
    """
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(128)
    return listener


class Nginx:
    """Debian's nginx on 127.0.0.1 with its own config, pid file, temp folders and logs."""

    def __init__(self, folder: Path, snippet: str, listener: socket.socket) -> None:
        folder.mkdir(parents=True, exist_ok=True)
        self.folder = folder
        self.port = listener.getsockname()[1]
        (folder / "vigie.conf").write_text(snippet, encoding="utf-8")
        temp = "\n".join(
            f"  {kind}_temp_path {folder / kind};"
            for kind in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi")
        )
        user = "user root;\n" if os.geteuid() == 0 else ""  # workers must read pytest's tmp
        pid = folder / "nginx.pid"
        (folder / "nginx.conf").write_text(
            f"{user}worker_processes 1;\ndaemon off;\npid {pid};\n"
            f"error_log {folder / 'error.log'};\nevents {{ worker_connections 256; }}\n"
            f"http {{\n  include /etc/nginx/mime.types;\n  default_type application/octet-stream;\n"
            f"  access_log off;\n{temp}\n  include {folder / 'vigie.conf'};\n}}\n",
            encoding="utf-8",
        )
        command = [NGINX, "-p", str(folder), "-c", str(folder / "nginx.conf")]
        command += ["-e", str(folder / "error.log")]
        fd = listener.fileno()
        env = {**os.environ, "NGINX": f"{fd};"}  # `-t` binds too: it must use the socket
        checked = subprocess.run(
            [*command, "-t"], capture_output=True, text=True, check=False, env=env, pass_fds=[fd]
        )
        assert checked.returncode == 0, checked.stderr + snippet
        with open(folder / "stderr.log", "w", encoding="utf-8") as stderr:
            self.process = subprocess.Popen(command, stderr=stderr, env=env, pass_fds=[fd])

        def started() -> bool:  # nginx writes its pid file once its sockets are set up
            assert self.process.poll() is None, (folder / "stderr.log").read_text("utf-8")
            return pid.is_file() and pid.read_text(encoding="utf-8").strip() == str(
                self.process.pid
            )

        try:
            wait_for(started, "nginx démarré")
        except BaseException:
            self.process.kill()
            self.process.wait()
            raise

    def stop(self) -> None:
        self.process.send_signal(signal.SIGQUIT)  # graceful: workers finish their requests
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()

    def get(self, path: str, headers: dict[str, str] | None = None) -> http.client.HTTPResponse:
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=10)
        connection.request("GET", path, headers=headers or {})
        response = connection.getresponse()
        response.body = response.read()  # type: ignore[attr-defined]
        connection.close()
        return response


@pytest.fixture
def serve(tmp_path: Path) -> Iterator[Callable[[Path, Path], Nginx]]:
    """Start nginx with the snippet `vigie nginx-config` prints for a deploy folder."""
    with ExitStack() as stack:  # at the end: every nginx stopped, then every socket closed

        def start(repo: Path, target: Path) -> Nginx:
            listener = stack.enter_context(listening_socket())
            listen = f"127.0.0.1:{listener.getsockname()[1]}"
            root = str(target / "current")
            result = run_vigie(repo, "nginx-config", "--root", root, "--listen", listen)
            assert result.returncode == 0, result.stderr
            server = Nginx(tmp_path / f"nginx-{listener.getsockname()[1]}", result.stdout, listener)
            stack.callback(server.stop)
            return server

        yield start


def deploy_cli(builds_repo: Path, site: Path, target: Path, *more: str, env=None):
    return run_vigie(builds_repo, "deploy", "dir", str(target), "-d", str(site), *more, env=env)


def live(target: Path) -> str:
    return os.readlink(target / "current").removeprefix("releases/")


# --- The generated hosting configuration ------------------------------------------------------


def parse_headers_file(text: str) -> list[tuple[str, list[tuple[str, str]]]]:
    rules: list[tuple[str, list[tuple[str, str]]]] = []
    for line in text.splitlines():
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        if not line.startswith(" "):
            rules.append((line, []))
        else:
            name, _, value = line.strip().partition(": ")
            rules[-1][1].append((name, value))
    return rules


def matches(pattern: str, path: str) -> bool:
    """Netlify / Cloudflare Pages matching: `*` any characters, `:name` one path segment."""
    parts = [
        "[^/]+" if part.startswith(":") else ".*" if part == "*" else re.escape(part)
        for part in re.split(r"(\*|:[a-z]+)", pattern)
        if part
    ]
    return re.fullmatch("".join(parts), path) is not None


def test_headers_file_gives_each_file_one_value_per_header(builds: Builds) -> None:
    site = builds.a
    rules = parse_headers_file((site / "_headers").read_text(encoding="utf-8"))
    policy = (site / "csp.txt").read_text(encoding="utf-8").strip()
    assert "'unsafe-inline'" not in policy
    assert "frame-ancestors 'none'" in policy
    assert len(rules) < 100  # Cloudflare Pages' limits: 100 rules, 2,000 characters a line
    assert max(len(line) for line in (site / "_headers").read_text("utf-8").splitlines()) < 2000
    files = sorted(p.relative_to(site).as_posix() for p in site.rglob("*") if p.is_file())
    fingerprinted = [f for f in files if hosting.FINGERPRINTED.match(f)]
    assert "assets/javascripts/bundle.a5f9d56c.min.js" in fingerprinted or any(
        f.startswith("assets/javascripts/bundle.") for f in fingerprinted
    )
    assert any(f.startswith("assets/stylesheets/main.") for f in fingerprinted)
    assert "assets/stylesheets/vigie.css" not in fingerprinted
    for path in files:
        headers: dict[str, list[str]] = {}
        for pattern, values in rules:
            if matches(pattern, f"/{path}"):
                for name, value in values:
                    headers.setdefault(name, []).append(value)
        # Cloudflare joins a header set by two matching rules with a comma: never twice.
        assert all(len(values) == 1 for values in headers.values()), (path, headers)
        flat = {name: values[0] for name, values in headers.items()}
        assert flat["Content-Security-Policy"] == policy
        assert {k: flat[k] for k in SECURITY} == SECURITY
        assert flat.get("Cache-Control") == (LONG if path in fingerprinted else None), path
        expected_type = {
            "rss.xml": "application/rss+xml; charset=utf-8",
            "atom.xml": "application/atom+xml; charset=utf-8",
            "feed.json": "application/feed+json",
        }.get(path.rsplit("/", 1)[-1])
        if path.endswith(".ics"):
            expected_type = "text/calendar; charset=utf-8"
        assert flat.get("Content-Type") == expected_type, path


def with_calendar(site: Path, target: Path) -> Path:
    """A copy of `site` with an iCalendar file, listed in its manifest like any other."""
    shutil.copytree(site, target)
    if (target / "feeds" / "maintenances.ics").is_file():
        return target
    (target / "feeds" / "maintenances.ics").write_text(
        "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//Vigie//FR\r\nEND:VCALENDAR\r\n",
        encoding="utf-8",
    )
    document = json.loads((site / "version.json").read_text(encoding="utf-8"))
    version = manifest.SiteVersion(document["commit"], document["commit_date"])
    manifest.write_manifest(target, version)
    return target


def test_nginx_serves_current_with_headers_types_gzip_and_404(
    builds: Builds, tmp_path: Path, serve
) -> None:
    site = with_calendar(builds.a, tmp_path / "site")
    target = tmp_path / "srv"
    assert deploy_cli(builds.repo, site, target).returncode == 0
    server = serve(builds.repo, target)
    policy = (site / "csp.txt").read_text(encoding="utf-8").strip()
    bundle = next((site / "assets" / "javascripts").glob("bundle.*.min.js")).name
    expected = {
        "/": ("text/html; charset=utf-8", SHORT),
        "/incidents/2024-02-tiers-payant/": ("text/html; charset=utf-8", SHORT),
        "/feeds/rss.xml": ("application/rss+xml; charset=utf-8", SHORT),
        "/feeds/atom.xml": ("application/atom+xml; charset=utf-8", SHORT),
        "/incidents/2024-02-tiers-payant/rss.xml": ("application/rss+xml; charset=utf-8", SHORT),
        "/feeds/feed.json": ("application/feed+json", SHORT),
        "/feeds/maintenances.ics": ("text/calendar; charset=utf-8", SHORT),
        "/api/v2/summary.json": ("application/json", SHORT),
        "/version.json": ("application/json", SHORT),
        "/badge.svg": ("image/svg+xml", SHORT),
        "/assets/stylesheets/vigie.css": ("text/css; charset=utf-8", SHORT),
        f"/assets/javascripts/{bundle}": ("application/javascript; charset=utf-8", LONG),
    }
    for path, (content_type, cache) in expected.items():
        response = server.get(path)
        assert response.status == 200, path
        assert response.getheader("Content-Type") == content_type, path
        assert response.getheader("Cache-Control") == cache, path
        assert response.getheader("Content-Security-Policy") == policy, path
        assert {name: response.getheader(name) for name in SECURITY} == SECURITY, path
        file = site / (path.strip("/") or "index.html")
        assert response.body == (file / "index.html" if file.is_dir() else file).read_bytes()
    for path in ("/", "/feeds/rss.xml", "/api/v2/summary.json"):
        response = server.get(path, {"Accept-Encoding": "gzip"})
        assert response.getheader("Content-Encoding") == "gzip", path
        assert response.getheader("Vary") == "Accept-Encoding", path
        assert len(response.body) < len(gzip.decompress(response.body))
        assert gzip.decompress(response.body) == server.get(path).body
    missing = server.get("/incidents/n-existe-pas/")
    assert missing.status == 404
    assert missing.body == (site / "404.html").read_bytes()
    assert missing.getheader("Content-Security-Policy") == policy
    assert {name: missing.getheader(name) for name in SECURITY} == SECURITY
    redirect = server.get("/faq")
    assert (redirect.status, redirect.getheader("Location")) == (301, "/faq/")
    # What nginx serves is exactly what was built, file for file.
    verified = run_vigie(builds.repo, "verify", f"http://127.0.0.1:{server.port}/")
    assert verified.returncode == 0, verified.stderr


# --- Switching under load ---------------------------------------------------------------------


def manifest_hashes(*sites: Path) -> dict[str, set[str]]:
    hashes: dict[str, set[str]] = {}
    for site in sites:
        data = (site / "version.json").read_bytes()
        hashes.setdefault("version.json", set()).add(hashlib.sha256(data).hexdigest())
        for entry in json.loads(data)["files"]:
            hashes.setdefault(entry["path"], set()).add(entry["sha256"])
    return hashes


# The pages whose footer names the site's version (those that follow the whole site).
PAGES = ("/", "/faq/", "/timeline/", "/history/")
OTHERS = (
    "/feeds/rss.xml",
    "/api/v2/summary.json",
    "/assets/stylesheets/vigie.css",
    "/incidents/2024-02-tiers-payant/",
    "/incidents/2024-02-tiers-payant/versions/2/",
)


def test_readers_never_see_a_mix_while_deploys_and_rollbacks_run(
    builds: Builds, tmp_path: Path, serve
) -> None:
    target = tmp_path / "srv"
    deploy.deploy_dir(builds.a, target, keep=3)
    server = serve(builds.repo, target)
    hashes = manifest_hashes(builds.a, builds.b)
    versions = {builds.commit_a, builds.commit_b}
    switches: list[tuple[float, float]] = []  # when `current` may have changed
    observations: list[tuple[float, float, str, str, str]] = []
    failures: list[str] = []
    counts: list[int] = []
    done = threading.Event()
    observed = threading.Condition()  # told of each observation, and of each reader's end

    def fetch(connection: http.client.HTTPConnection, path: str) -> bytes:
        connection.request("GET", path)
        response = connection.getresponse()
        body = response.read()
        file = f"{path.lstrip('/')}index.html" if path.endswith("/") else path.lstrip("/")
        if response.status != 200:
            failures.append(f"{path} : {response.status}")
        elif hashlib.sha256(body).hexdigest() not in hashes[file]:
            # Whole files only: the bytes of one release's file, never a mix of two.
            failures.append(f"{path} : contenu d'aucune version construite")
        return body

    def reader(number: int) -> None:
        connection = http.client.HTTPConnection("127.0.0.1", server.port, timeout=10)
        turn = number
        try:
            while not done.is_set():
                page = PAGES[turn % len(PAGES)]
                started = time.monotonic()
                html = fetch(connection, page).decode("utf-8")
                version = json.loads(fetch(connection, "/version.json"))["commit"]
                ended = time.monotonic()
                found = FOOTER.search(html)
                footer = found.group(1) if found else "?"
                with observed:
                    observations.append((started, ended, page, footer, version))
                    observed.notify_all()
                fetch(connection, OTHERS[turn % len(OTHERS)])
                turn += 1
        except Exception as error:  # a failed request is what this test looks for
            failures.append(f"lecteur {number} : {error!r}")
        finally:
            connection.close()
            with observed:
                counts.append(3 * (turn - number))
                observed.notify_all()

    def seen_after(moment: float, commit: str) -> None:
        """Wait until the readers made 10 observations begun after `moment`: all of `commit`."""
        with observed:
            enough = observed.wait_for(
                lambda: len(counts) > 0 or sum(o[0] > moment for o in observations) >= 10,
                timeout=60,
            )
            after = [o for o in observations if o[0] > moment]
        assert enough, "les lecteurs ne lisent plus"
        assert not counts, failures  # a reader stopped: its error is in `failures`
        assert {(o[3], o[4]) for o in after} == {(commit, commit)}, after

    readers = [threading.Thread(target=reader, args=(n,)) for n in range(4)]
    for thread in readers:
        thread.start()
    began = time.monotonic()
    try:
        seen_after(began, builds.commit_a)
        # Two rounds; after each switch, the readers read the release now live, whole.
        operations = [
            (lambda: deploy.deploy_dir(builds.b, target, keep=3), builds.commit_b),
            (lambda: deploy.rollback(target), builds.commit_a),
            (lambda: deploy.deploy_dir(builds.a, target, keep=3), builds.commit_a),
            (lambda: deploy.rollback(target, builds.commit_b), builds.commit_b),
        ] * 2
        for operation, live_commit in operations:
            start = time.monotonic()
            operation()
            switches.append((start, time.monotonic()))
            seen_after(switches[-1][1], live_commit)
    finally:
        done.set()
        for thread in readers:
            thread.join(timeout=20)
    elapsed = time.monotonic() - began
    print(
        f"\n{sum(counts)} requêtes servies en {elapsed:.1f} s pendant "
        f"{len(switches)} déploiements et retours arrière"
    )
    assert failures == []
    assert sum(counts) > 200
    assert {footer for _, _, _, footer, _ in observations} == versions  # both were seen live
    assert {version for *_, version in observations} == versions
    calm = [
        o for o in observations if not any(s < o[1] and o[0] < e for s, e in switches)
    ]  # no switch between the page request and the version.json request
    assert len(calm) > 50
    assert [o for o in calm if o[3] != o[4]] == []
    assert len(deploy.releases(target)) == 3


# --- Interrupted deploys, refusals, releases and rollback ------------------------------------


@pytest.fixture
def spawn() -> Iterator[Callable[[list[str], dict[str, str]], subprocess.Popen[str]]]:
    """Start a process (its stderr piped); killed at the end if the test left it running."""
    processes: list[subprocess.Popen[str]] = []

    def start(command: list[str], env: dict[str, str]) -> subprocess.Popen[str]:
        processes.append(subprocess.Popen(command, stderr=subprocess.PIPE, text=True, env=env))
        return processes[-1]

    yield start
    for process in processes:
        if process.poll() is None:
            process.kill()
        process.communicate()


def test_a_deploy_killed_midway_leaves_current_whole_and_the_next_one_cleans_up(
    builds: Builds, tmp_path: Path, spawn
) -> None:
    target = tmp_path / "srv"
    assert deploy_cli(builds.repo, builds.a, target).returncode == 0
    before = live(target)
    command = [sys.executable, "-m", "vigie.cli", "-f", str(builds.repo / "mkdocs.yml")]
    command += ["deploy", "dir", str(target), "-d", str(builds.b)]
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1", deploy.PAUSE_ENV: "60"}
    process = spawn(command, env)
    assert process.stderr is not None
    ready, _, _ = select.select([process.stderr], [], [], 120)
    assert ready, "aucune pause annoncée"
    line = process.stderr.readline()  # printed once the copy is written and verified
    assert line.startswith(f"{deploy.PAUSE_ENV} : pause"), line
    leftovers = [p.name for p in (target / "releases").iterdir() if ".tmp-" in p.name]
    assert len(leftovers) == 1
    process.send_signal(signal.SIGKILL)
    process.wait(timeout=10)
    assert process.returncode == -signal.SIGKILL
    assert live(target) == before
    verified = run_vigie(builds.repo, "verify", str(target / "current"))
    assert verified.returncode == 0, verified.stderr
    # As if killed between making the new link and renaming it over `current`.
    os.symlink(f"releases/{leftovers[0]}", target / "current.tmp-4242")
    result = deploy_cli(builds.repo, builds.b, target)
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines()[0] == publish_msg.DEPLOY_CLEANED.format(
        names=f"releases/{leftovers[0]}, current.tmp-4242"
    )
    assert sorted(p.name for p in target.iterdir()) == [".vigie-lock", "current", "releases"]
    assert not [p for p in (target / "releases").iterdir() if ".tmp-" in p.name]
    assert live(target) != before
    assert json.loads((target / "current" / "version.json").read_bytes())["commit"] == (
        builds.commit_b
    )


UNREADABLE_MANIFEST = (
    "illisible : version.json (pas un manifeste de Vigie : impossible de vérifier)"
)
_DIGEST = "ab" * 32


@pytest.mark.parametrize(
    "manifest",
    [
        b"{",
        b"[" * 100_000 + b"]" * 100_000,  # deeper than Python's JSON decoder goes
        b"[]",
        b'{"files": 7}',
        b'{"files": [{"path": "index.html", "size": "1", "sha256": "%s"}]}' % _DIGEST.encode(),
        b'{"files": [{"path": "index.html", "size": 1, "sha256": "../x"}]}',
        b'{"files": [{"path": "index.html", "size": 1}]}',
        b'{"files": [{"path": "../../etc/passwd", "size": 1, "sha256": "%s"}]}' % _DIGEST.encode(),
        b'{"files": [{"path": "/etc/passwd", "size": 1, "sha256": "%s"}]}' % _DIGEST.encode(),
        b'{"files": [{"path": "", "size": 1, "sha256": "%s"}]}' % _DIGEST.encode(),
        b'{"files": [{"path": "a\\u001b[31mb", "size": 1, "sha256": "%s"}]}' % _DIGEST.encode(),
        b'{"files": [{"path": "a\\u0000b", "size": 1, "sha256": "%s"}]}' % _DIGEST.encode(),
    ],
    ids=[
        "not-json",
        "too-deep",
        "a-list",
        "files-a-number",
        "size-text",
        "digest-path",
        "no-digest",
        "path-up",
        "path-absolute",
        "path-empty",
        "path-escape",
        "path-nul",
    ],
)
def test_a_copy_whose_manifest_is_not_one_is_refused_with_one_line(
    builds: Builds, tmp_path: Path, manifest: bytes
) -> None:
    """`vigie verify` and `vigie deploy` on a copy whose `version.json` is anything but a
    manifest: refused with one line, never a traceback, nothing read outside the copy."""
    copy = tmp_path / "copie"
    shutil.copytree(builds.b, copy)
    (copy / "version.json").write_bytes(manifest)
    verified = run_vigie(builds.repo, "verify", str(copy))
    assert verified.returncode == 1
    assert verified.stderr.splitlines() == [
        UNREADABLE_MANIFEST,
        publish_msg.VERIFY_FAILED.format(count=1),
    ]
    target = tmp_path / "srv"
    result = deploy_cli(builds.repo, copy, target)
    assert result.returncode == 1
    assert result.stderr.splitlines() == [
        publish_msg.DEPLOY_UNVERIFIED.format(site_dir=copy),
        f"  {UNREADABLE_MANIFEST}",
    ]


def test_a_listed_file_whose_name_no_folder_can_hold_is_missing(
    builds: Builds, tmp_path: Path
) -> None:
    copy = tmp_path / "copie"
    shutil.copytree(builds.b, copy)
    document = json.loads((copy / "version.json").read_bytes())
    long_names = ["x" * 300, "d/" * 3000 + "x"]  # a name, then a path, too long for the disk
    document["files"] += [{"path": name, "size": 1, "sha256": _DIGEST} for name in long_names]
    (copy / "version.json").write_text(json.dumps(document), "utf-8")
    verified = run_vigie(builds.repo, "verify", str(copy))
    assert verified.returncode == 1
    assert verified.stderr.splitlines() == [
        *(f"manquant : {name}" for name in sorted(long_names)),
        publish_msg.VERIFY_FAILED.format(count=2),
    ]


def test_deploy_refuses_a_failed_or_altered_build_with_the_reason(
    builds: Builds, tmp_path: Path
) -> None:
    target = tmp_path / "srv"
    assert deploy_cli(builds.repo, builds.a, target).returncode == 0
    before = live(target)
    failed = tmp_path / "failed"
    shutil.copytree(builds.b, failed)
    (failed / "version.json").unlink()
    result = deploy_cli(builds.repo, failed, target)
    assert result.returncode == 1
    assert result.stderr.splitlines() == [
        publish_msg.DEPLOY_UNVERIFIED.format(site_dir=failed),
        "  manquant : version.json (aucun manifeste : impossible de vérifier)",
    ]
    altered = tmp_path / "altered"
    shutil.copytree(builds.b, altered)
    (altered / "faq" / "index.html").write_text("<p>remplacé</p>", encoding="utf-8")
    result = deploy_cli(builds.repo, altered, target)
    assert result.returncode == 1
    assert result.stderr.splitlines()[1:] == ["  modifié : faq/index.html"]
    result = deploy_cli(builds.repo, tmp_path / "absent", target)
    assert result.stderr.strip() == publish_msg.DEPLOY_NO_SITE.format(site_dir=tmp_path / "absent")
    assert "Traceback" not in result.stderr
    assert live(target) == before
    assert [r.name for r in deploy.releases(target)] == [before]


def test_a_second_deploy_at_the_same_time_is_refused(builds: Builds, tmp_path: Path) -> None:
    target = tmp_path / "srv"
    target.mkdir()
    with open(target / deploy.LOCK, "a") as held:
        fcntl.flock(held, fcntl.LOCK_EX)
        result = deploy_cli(builds.repo, builds.a, target)
    assert result.returncode == 1
    assert result.stderr.strip() == publish_msg.DEPLOY_LOCKED.format(path=target)
    assert not (target / "current").exists()


def test_releases_rollback_and_keep(
    builds: Builds, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Release names are stamped by the real clock (when each deploy runs, as on a server):
    checked for their form and order, which hold at any date."""
    target = tmp_path / "srv"
    names = []

    def deploy_here(site: Path) -> subprocess.CompletedProcess[str]:
        return vigie_here(
            capsys, builds.repo, "deploy", "dir", str(target), "-d", str(site), "--keep", "3"
        )

    for site in (builds.a, builds.b, builds.a, builds.b):
        result = deploy_here(site)
        assert result.returncode == 0, result.stderr
        names.append(live(target))
    assert re.fullmatch(rf"\d{{8}}T\d{{6}}\.\d{{3}}Z-{builds.commit_a}-[0-9a-f]{{8}}", names[0])
    assert names == sorted(names)
    assert len(set(names)) == 4
    assert names[0].rsplit("-", 1)[1] == names[2].rsplit("-", 1)[1]  # same build, same hash
    assert [r.name for r in deploy.releases(target)] == names[:0:-1]  # the oldest was pruned
    listing = vigie_here(capsys, builds.repo, "releases", str(target)).stdout.splitlines()
    assert listing[0] == publish_msg.RELEASES_HEADER.format(path=target)
    assert listing[1].startswith(f"* {names[3]}   commit {builds.commit_b} du 2024-02-21T09:00")
    assert listing[1].endswith(publish_msg.RELEASE_LIVE)
    assert listing[2].startswith(f"  {names[2]}   commit {builds.commit_a} du ")

    def rollback(*args: str) -> subprocess.CompletedProcess[str]:
        return vigie_here(capsys, builds.repo, "rollback", str(target), *args)

    result = rollback()
    assert result.stdout.strip() == publish_msg.ROLLBACK_OK.format(name=names[2], previous=names[3])
    assert rollback().returncode == 0
    assert live(target) == names[1]
    result = rollback()
    assert (result.returncode, result.stderr.strip()) == (
        1,
        publish_msg.ROLLBACK_NO_OLDER.format(name=names[1]),
    )
    assert rollback("--to", builds.commit_a).returncode == 0
    assert live(target) == names[2]
    assert rollback("--to", names[3][:19]).returncode == 0
    assert live(target) == names[3]
    result = rollback("--to", names[3])
    assert result.stdout.strip() == publish_msg.ROLLBACK_ALREADY.format(name=names[3])
    # A fifth deploy: now two releases of commit A are kept, and --to must be told which.
    assert deploy_here(builds.a).returncode == 0
    names.append(live(target))
    result = rollback("--to", builds.commit_a)
    assert result.stderr.strip() == publish_msg.ROLLBACK_AMBIGUOUS.format(
        wanted=builds.commit_a, names=f"{names[4]}, {names[2]}"
    )
    result = rollback("--to", "inconnue")
    assert result.stderr.startswith("aucune version ne correspond à « inconnue »")
    # A release altered on the server is never put back online.
    (target / "releases" / names[3] / "faq" / "index.html").write_text("x", encoding="utf-8")
    result = rollback("--to", names[3])
    assert result.returncode == 1
    assert result.stderr.splitlines() == [
        publish_msg.ROLLBACK_UNVERIFIED.format(name=names[3]),
        "  modifié : faq/index.html",
    ]
    assert live(target) == names[4]
    # Pruning never removes the live release, however old.
    assert rollback("--to", names[2]).returncode == 0
    assert deploy.prune(target, 1, set()) == [names[3]]
    assert [r.name for r in deploy.releases(target)] == [names[4], names[2]]
    assert live(target) == names[2]


# --- Pages branch -----------------------------------------------------------------------------


def bare_git(bare: Path, *args: str) -> str:
    return subprocess.run(
        ["git", "--git-dir", str(bare), *args], capture_output=True, text=True, check=True
    ).stdout.strip()


@pytest.fixture
def checkout(builds: Builds, tmp_path: Path) -> Path:
    """The builds' git checkout copied, history and all, for a test that adds files to it."""
    return shutil.copytree(builds.repo, tmp_path / "checkout", symlinks=True)


def test_deploy_git_publishes_one_commit_per_version_without_touching_the_checkout(
    builds: Builds, checkout: Path, tmp_path: Path
) -> None:
    bare = tmp_path / "pages.git"
    subprocess.run(["git", "init", "-q", "--bare", str(bare)], check=True)
    (checkout / "brouillon.txt").write_text("non commité\n", encoding="utf-8")

    def checkout_state() -> tuple[str, ...]:
        return (
            git(checkout, "status", "--porcelain", "--untracked-files=all"),
            git(checkout, "rev-parse", "HEAD"),
            git(checkout, "branch", "--all"),
            git(checkout, "stash", "list"),
            git(checkout, "ls-files", "--stage"),
        )

    before = checkout_state()

    def publish(site: Path) -> subprocess.CompletedProcess[str]:
        return run_vigie(
            checkout,
            "deploy",
            "git",
            str(bare),
            "--cname",
            "statut.mutuelle-horizon.example",
            "-d",
            str(site),
            env=GIT_IDENTITY,
        )

    result = publish(builds.a)
    assert result.returncode == 0, result.stderr
    log = bare_git(bare, "log", "--format=%H|%P|%s", "gh-pages").splitlines()
    assert len(log) == 1
    assert log[0].split("|")[2] == deploy.pages_message(builds.a)
    assert f"version {builds.commit_a} du 2024-02-20T10:05:00+01:00" in log[0]
    clone = tmp_path / "clone"
    subprocess.run(["git", "clone", "-q", "-b", "gh-pages", str(bare), str(clone)], check=True)
    published = tree_bytes(clone)
    published = {k: v for k, v in published.items() if not k.startswith(".git/")}
    assert published.pop(".nojekyll") == b""
    assert published.pop("CNAME") == b"statut.mutuelle-horizon.example\n"
    assert published == tree_bytes(builds.a)

    result = publish(builds.b)
    assert result.returncode == 0, result.stderr
    log = bare_git(bare, "log", "--format=%H|%P|%s", "gh-pages").splitlines()
    assert len(log) == 2
    assert log[0].split("|")[1] == log[1].split("|")[0]  # one more commit, on the first
    assert f"version {builds.commit_b} du " in log[0]
    result = publish(builds.b)
    assert result.stdout.strip() == publish_msg.DEPLOY_GIT_UNCHANGED.format(
        branch="gh-pages", remote=bare
    )
    assert len(bare_git(bare, "log", "--format=%H", "gh-pages").splitlines()) == 2
    assert checkout_state() == before


# --- Sub-path hosting -------------------------------------------------------------------------

SUB_URL = "https://example.org/statut/"


def test_a_site_served_under_a_sub_path_passes_a_crawl_of_every_internal_link(
    tmp_path: Path, serve
) -> None:
    repo = copy_repo(tmp_path / "repo")
    config = repo / "mkdocs.yml"
    text = config.read_text(encoding="utf-8")
    config.write_text(re.sub(r"(?m)^site_url: .*$", f"site_url: {SUB_URL}", text), "utf-8")
    assert run_vigie(repo, "build").returncode == 0
    target = tmp_path / "srv"
    assert deploy_cli(repo, repo / "site", target).returncode == 0
    server = serve(repo, target)
    local = f"http://127.0.0.1:{server.port}/statut/"
    verified = run_vigie(repo, "verify", local)  # every file of the site, under /statut/
    assert verified.returncode == 0, verified.stderr
    seeds = (
        "",
        "sitemap.xml",
        "404.html",
        "version.json",
        "api/v2/summary.json",
        "api/v2/status.json",
        "api/v2/components.json",
        "api/v2/incidents.json",
        "api/v2/incidents/unresolved.json",
        ".well-known/security.txt",
    )
    queue = [f"{SUB_URL}{seed}" for seed in seeds]
    seen: set[str] = set()
    ids: dict[str, set[str]] = {}
    anchors: list[tuple[str, str, str]] = []
    problems: list[str] = []
    while queue:
        url = queue.pop()
        if url in seen:
            continue
        seen.add(url)
        path = urlsplit(url).path
        response = server.get(path)
        if response.status == 301 and url == SUB_URL.rstrip("/"):  # the API's page.url
            assert response.getheader("Location") == "/statut/"
            continue
        if response.status != 200:
            problems.append(f"{response.status} {url}")
            continue
        kind = response.getheader("Content-Type") or ""
        body = response.body.decode("utf-8", errors="replace")
        links: list[str] = []
        if kind.startswith("text/html"):
            soup = BeautifulSoup(body, "lxml")
            ids[url] = {t["id"] for t in soup.find_all(id=True)}
            for tag in soup.find_all(True):
                links += [urljoin(url, tag[a]) for a in ("href", "src") if tag.get(a)]
            links += [u.rstrip(".,;:!?»") for u in TEXT_URL.findall(soup.get_text(" "))]
        elif "xml" in kind or "json" in kind or kind.startswith("text/"):
            links += [u.rstrip(".,;:!?»") for u in TEXT_URL.findall(body)]
        for link in links:
            target_url, fragment = urldefrag(link)
            parts = urlsplit(target_url)
            if parts.scheme not in ("http", "https"):
                continue
            if parts.hostname == "127.0.0.1":
                problems.append(f"adresse locale dans {url} : {link}")
            elif parts.hostname == "example.org":
                if not target_url.startswith(SUB_URL.rstrip("/")):
                    problems.append(f"hors de /statut/ dans {url} : {link}")
                    continue
                queue.append(target_url)
                if fragment:
                    anchors.append((url, target_url, unquote(fragment)))
    for page, target_url, fragment in anchors:
        if target_url in ids and fragment not in ids[target_url]:
            problems.append(f"ancre absente dans {page} : {target_url}#{fragment}")
    print(f"\n{len(seen)} adresses parcourues sous /statut/, {len(anchors)} ancres vérifiées")
    assert problems == []
    assert len([u for u in ids if "/versions/" in u]) == 7
    assert {f"{SUB_URL}feeds/rss.xml", f"{SUB_URL}api/v2/status.json"} <= seen
    assert len(seen) > 40


def test_deploy_git_to_the_checkouts_remote_by_name_with_its_token_header(
    builds: Builds, checkout: Path, tmp_path: Path
) -> None:
    """What the CI templates run: `vigie deploy git origin`, `origin` being the checkout's
    remote, and the token the HTTP header actions/checkout leaves in the checkout's config."""
    bare = tmp_path / "pages.git"
    subprocess.run(["git", "init", "-q", "--bare", str(bare)], check=True)
    subprocess.run(["git", "-C", str(checkout), "remote", "remove", "origin"], check=False)
    git(checkout, "remote", "add", "origin", str(bare))
    done = run_vigie(checkout, "deploy", "git", "origin", "-d", str(builds.a), env=GIT_IDENTITY)
    assert done.returncode == 0, done.stderr
    assert bare_git(bare, "log", "--format=%s", "gh-pages") == deploy.pages_message(builds.a)

    seen: list[str | None] = []

    class Refusing(BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # noqa: N802 (http.server's name)
            seen.append(self.headers.get("Authorization"))
            self.send_response(403)
            self.end_headers()

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Refusing)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        url = f"http://127.0.0.1:{server.server_address[1]}/"
        git(checkout, "config", f"http.{url}.extraheader", "AUTHORIZATION: basic dG9rZW4=")
        git(checkout, "remote", "set-url", "origin", f"{url}pages.git")
        refused = run_vigie(
            checkout, "deploy", "git", "origin", "-d", str(builds.a), env=GIT_IDENTITY
        )
    finally:
        server.shutdown()
        server.server_close()
    assert refused.returncode == 1
    assert "Traceback" not in refused.stderr
    assert seen
    assert seen[0] == "basic dG9rZW4="
