"""Publish a built site: releases switched atomically, rollback, and Pages branches.

A deploy folder (`vigie deploy dir <path>`) holds:

    <path>/releases/<name>/   one whole copy of a built site per deploy, verified
    <path>/current            a symbolic link to releases/<name>: what the web server serves
    <path>/.vigie-lock        locked while a deploy or a rollback runs

`<name>` is `<UTC time of the deploy, to the millisecond>-<commit or "local">-<first 8 hex
digits of the SHA-256 of version.json>`, e.g. `20240220T090500.123Z-f8ead6e-1a2b3c4d`: unique,
sorted by deploy time, and naming the build (two builds of one commit differ by the end).

A release is copied under a temporary name, verified against its manifest, renamed, and only
then made live by renaming a new symbolic link over `current` (one `rename`, atomic): a reader
gets a file of the old release or of the new one, never a mix, and a deploy killed at any
point leaves `current` on a whole release. The next deploy removes what a killed one left.
"""

from __future__ import annotations

import fcntl
import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING

from vigie.publish import hosting, manifest
from vigie.publish import messages as msg

if TYPE_CHECKING:
    from collections.abc import Iterator, Sequence

RELEASES = "releases"
CURRENT = "current"
LOCK = ".vigie-lock"
TEMPORARY = ".tmp-"  # in the name of anything a deploy has not finished
# For tests only: seconds to wait once the copy is verified, before it goes live, so that a
# test can kill the deploy at that point.
PAUSE_ENV = "VIGIE_DEPLOY_PAUSE"
_STAMP = "%Y%m%dT%H%M%S"
_NAME = re.compile(r"^(\d{8}T\d{6})\.(\d{3})Z-")
_COMMIT = re.compile(r"^[0-9a-f]{4,40}$")


class DeployError(Exception):
    """A deploy, rollback or publication refused, with the reason: nothing changed online."""

    def __init__(self, message: str, details: Sequence[str] = ()) -> None:
        self.details = tuple(details)
        super().__init__(message)


@dataclass(frozen=True)
class Release:
    """One deployed copy of the site."""

    name: str
    path: Path
    commit: str  # "" outside git
    commit_date: str
    live: bool


@dataclass(frozen=True)
class Deployed:
    """What a deploy did."""

    release: Release
    previous: str | None  # the release live before, if any
    cleaned: tuple[str, ...]  # leftovers of interrupted deploys, removed
    pruned: tuple[str, ...]  # old releases removed
    files: int
    seconds: float
    policy_changed: bool  # the Content-Security-Policy differs from the previous release's


@dataclass(frozen=True)
class Published:
    """What `deploy_git` did: the new commit, or None when the branch already held the site."""

    commit: str | None
    message: str
    previous: str | None = None  # the branch's tip before, if any


# --- Releases ---------------------------------------------------------------------------------


def _version(folder: Path) -> tuple[str, str, bytes]:
    data = (folder / manifest.MANIFEST).read_bytes()
    document = json.loads(data)
    return str(document.get("commit") or ""), str(document.get("commit_date") or ""), data


def release_name(site_dir: Path, moment: datetime) -> str:
    """The name of a release of the site in `site_dir` deployed at `moment`."""
    commit, _, data = _version(site_dir)
    stamp = moment.astimezone(UTC)
    digest = hashlib.sha256(data).hexdigest()[:8]
    label = commit if _COMMIT.match(commit) else "local"
    return f"{stamp.strftime(_STAMP)}.{stamp.microsecond // 1000:03d}Z-{label}-{digest}"


def _moment(name: str) -> datetime | None:
    match = _NAME.match(name)
    if not match:
        return None
    moment = datetime.strptime(match.group(1), _STAMP).replace(tzinfo=UTC)
    return moment + timedelta(milliseconds=int(match.group(2)))


def live_name(target: Path) -> str | None:
    """The name of the release `<target>/current` points to, or None."""
    link = target / CURRENT
    if not link.is_symlink():
        if link.exists():
            raise DeployError(msg.DEPLOY_CURRENT_NOT_LINK.format(current=link))
        return None
    resolved = (target / os.readlink(link)).resolve()
    releases = (target / RELEASES).resolve()
    return resolved.name if resolved.parent == releases and resolved.is_dir() else None


def releases(target: Path) -> list[Release]:
    """The releases deployed in `target`, newest first."""
    folder = target / RELEASES
    if not folder.is_dir():
        return []
    live = live_name(target)
    found = []
    for entry in folder.iterdir():
        if entry.name.startswith(".") or TEMPORARY in entry.name or not entry.is_dir():
            continue
        try:
            commit, commit_date, _ = _version(entry)
        except (OSError, ValueError):
            commit, commit_date = "", ""
        found.append(Release(entry.name, entry, commit, commit_date, entry.name == live))
    return sorted(found, key=lambda release: release.name, reverse=True)


def find_release(candidates: Sequence[Release], wanted: str) -> Release:
    """The release named by `wanted`: its name, the start of it, its commit or manifest hash."""
    tests = (
        lambda r: r.name == wanted,
        lambda r: r.name.startswith(wanted),
        lambda r: len(wanted) >= 4 and r.commit.startswith(wanted),
        lambda r: r.name.endswith(f"-{wanted}"),
    )
    for test in tests:
        matches = [release for release in candidates if test(release)]
        if len(matches) == 1:
            return matches[0]
        if matches:
            names = ", ".join(release.name for release in matches)
            raise DeployError(msg.ROLLBACK_AMBIGUOUS.format(wanted=wanted, names=names))
    names = ", ".join(release.name for release in candidates)
    raise DeployError(msg.ROLLBACK_UNKNOWN.format(wanted=wanted, names=names))


# --- Files ------------------------------------------------------------------------------------


def _remove(path: Path) -> None:
    if path.is_symlink() or path.is_file():
        path.unlink()
    elif path.is_dir():
        shutil.rmtree(path)


def _fsync_dir(folder: Path) -> None:
    descriptor = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)


def _copy_synced(source: str, destination: str) -> str:
    # On disk before the release goes live, so that a power cut cannot leave `current`
    # pointing at files whose bytes were never written.
    shutil.copy2(source, destination)
    with open(destination, "rb") as handle:
        os.fsync(handle.fileno())
    return destination


def _copy_verified(site_dir: Path, destination: Path) -> int:
    shutil.copytree(site_dir, destination, copy_function=_copy_synced)
    for folder in sorted({p.parent for p in destination.rglob("*")} | {destination}):
        _fsync_dir(folder)
    problems = manifest.verify(destination)
    if problems:
        shutil.rmtree(destination, ignore_errors=True)
        raise DeployError(msg.DEPLOY_COPY_UNVERIFIED.format(path=destination), problems)
    return sum(1 for p in destination.rglob("*") if p.is_file())


def cleanup(target: Path) -> list[str]:
    """Remove what interrupted deploys left in `target`; the names removed."""
    removed = []
    folder = target / RELEASES
    for entry in sorted(folder.iterdir()) if folder.is_dir() else []:
        if TEMPORARY in entry.name:
            _remove(entry)
            removed.append(f"{RELEASES}/{entry.name}")
    for entry in sorted(target.iterdir()):
        if entry.name.startswith(f"{CURRENT}{TEMPORARY}"):
            _remove(entry)
            removed.append(entry.name)
    return removed


def switch(target: Path, name: str) -> None:
    """Point `<target>/current` at `releases/<name>` in one atomic rename."""
    link = target / f"{CURRENT}{TEMPORARY}{os.getpid()}"
    _remove(link)
    os.symlink(f"{RELEASES}/{name}", link)  # relative: the folder may be moved or mounted
    os.replace(link, target / CURRENT)
    _fsync_dir(target)


def prune(target: Path, keep: int, protect: set[str]) -> list[str]:
    """Remove all but the newest `keep` releases, never one in `protect`; the names removed."""
    removed = []
    for release in releases(target)[keep:]:
        if release.name in protect or release.live:
            continue
        # Renamed first: a deploy killed while deleting leaves a leftover, not half a release.
        doomed = release.path.with_name(f"{release.name}{TEMPORARY}suppression")
        release.path.rename(doomed)
        shutil.rmtree(doomed)
        removed.append(release.name)
    return removed


@contextmanager
def _locked(target: Path) -> Iterator[None]:
    target.mkdir(parents=True, exist_ok=True)
    with open(target / LOCK, "a", encoding="utf-8") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise DeployError(msg.DEPLOY_LOCKED.format(path=target)) from None
        yield  # the lock goes with the process, even one killed with SIGKILL


def _new_name(site_dir: Path, target: Path, now: datetime | None) -> str:
    moment = now or datetime.now(UTC)
    stamps = [stamp for release in releases(target) if (stamp := _moment(release.name))]
    if stamps and moment <= max(stamps):  # a clock set back must not break the order
        moment = max(stamps) + timedelta(milliseconds=1)
    while (target / RELEASES / (name := release_name(site_dir, moment))).exists():
        moment += timedelta(milliseconds=1)
    return name


def _check_built(site_dir: Path) -> None:
    if not site_dir.is_dir():
        raise DeployError(msg.DEPLOY_NO_SITE.format(site_dir=site_dir))
    problems = manifest.verify(site_dir)
    if problems:
        raise DeployError(msg.DEPLOY_UNVERIFIED.format(site_dir=site_dir), problems)


def _pause_for_tests() -> None:
    seconds = float(os.environ.get(PAUSE_ENV) or 0)
    if seconds > 0:
        print(
            msg.DEPLOY_PAUSE.format(env=PAUSE_ENV, seconds=seconds),
            file=sys.stderr,
            flush=True,
        )
        time.sleep(seconds)


def deploy_dir(
    site_dir: Path, target: Path, keep: int = 10, now: datetime | None = None
) -> Deployed:
    """Copy the built site into a new release of `target` and make it live."""
    if keep < 1:
        raise DeployError(msg.DEPLOY_BAD_KEEP)
    _check_built(site_dir)
    started = time.monotonic()
    with _locked(target):
        previous = live_name(target)
        cleaned = cleanup(target)
        (target / RELEASES).mkdir(exist_ok=True)
        name = _new_name(site_dir, target, now)
        final = target / RELEASES / name
        staging = final.with_name(f"{name}{TEMPORARY}{os.getpid()}")
        files = _copy_verified(site_dir, staging)
        _pause_for_tests()
        staging.rename(final)
        _fsync_dir(final.parent)
        old_policy = hosting.policy_in(target / RELEASES / previous) if previous else None
        switch(target, name)
        pruned = prune(target, keep, {name})
    new_policy = hosting.policy_in(final)
    commit, commit_date, _ = _version(final)
    return Deployed(
        release=Release(name, final, commit, commit_date, live=True),
        previous=previous,
        cleaned=tuple(cleaned),
        pruned=tuple(pruned),
        files=files,
        seconds=time.monotonic() - started,
        policy_changed=old_policy is not None and old_policy != new_policy,
    )


def rollback(target: Path, to: str | None = None) -> tuple[Release, str | None]:
    """Make an older release live again (the previous one, or the one named by `to`)."""
    with _locked(target):
        cleanup(target)
        candidates = releases(target)
        if not candidates:
            raise DeployError(msg.ROLLBACK_NO_RELEASES.format(path=target))
        live = live_name(target)
        if to is not None:
            chosen = find_release(candidates, to)
        elif live is None:
            raise DeployError(msg.ROLLBACK_NO_LIVE.format(path=target))
        else:
            older = [release for release in candidates if release.name < live]
            if not older:
                raise DeployError(msg.ROLLBACK_NO_OLDER.format(name=live))
            chosen = older[0]
        if chosen.name != live:
            problems = manifest.verify(chosen.path)
            if problems:
                raise DeployError(msg.ROLLBACK_UNVERIFIED.format(name=chosen.name), problems)
            switch(target, chosen.name)
    return Release(chosen.name, chosen.path, chosen.commit, chosen.commit_date, True), live


# --- Pages branch -----------------------------------------------------------------------------


# The bytes published must be the bytes built: no line-end or attribute conversion.
_BYTE_EXACT = (
    *("-c", "core.autocrlf=false"),
    *("-c", "core.safecrlf=false"),
    *("-c", f"core.attributesFile={os.devnull}"),
)
# Where git would otherwise look for a repository: the temporary one replaces them all.
_REPOSITORY_VARIABLES = (
    "GIT_DIR",
    "GIT_WORK_TREE",
    "GIT_INDEX_FILE",
    "GIT_OBJECT_DIRECTORY",
    "GIT_ALTERNATE_OBJECT_DIRECTORIES",
    "GIT_COMMON_DIR",
    "GIT_NAMESPACE",
    "GIT_PREFIX",
)


def _git(args: Sequence[str], env: dict[str, str], what: str) -> str:
    result = subprocess.run(
        ["git", *_BYTE_EXACT, *args],
        capture_output=True,
        text=True,
        env=env,
        check=False,
    )
    if result.returncode != 0:
        detail = (result.stderr or result.stdout).strip().splitlines()
        raise DeployError(msg.DEPLOY_GIT_FAILED.format(what=what), detail)
    return result.stdout.strip()


def _config_value(root: Path, key: str) -> str:
    result = subprocess.run(
        ["git", "-C", str(root), "config", key], capture_output=True, text=True, check=False
    )
    return result.stdout.strip()


def checkout_remote(root: Path, remote: str) -> str:
    """`remote` as git reads it from the checkout at `root`: a remote's name (`origin`, what
    the CI templates pass) is its URL there, since the work happens in another repository."""
    if "/" in remote or ":" in remote:
        return remote
    result = subprocess.run(
        ["git", "-C", str(root), "remote", "get-url", remote],
        capture_output=True,
        text=True,
        check=False,
    )
    return result.stdout.strip() if result.returncode == 0 and result.stdout.strip() else remote


def _checkout_headers(root: Path) -> dict[str, str]:
    """The checkout's HTTP headers (`http.<url>.extraheader`: where actions/checkout keeps
    the token), for the other repository, as git config in the environment: never in the
    command line, which any process of the machine can read."""
    result = subprocess.run(
        ["git", "-C", str(root), "config", "--get-regexp", r"^http\..*extraheader$"],
        capture_output=True,
        text=True,
        check=False,
    )
    pairs = [line.split(" ", 1) for line in result.stdout.splitlines() if " " in line]
    start = int(os.environ.get("GIT_CONFIG_COUNT", "0") or 0)
    env = {}
    for index, (key, value) in enumerate(pairs, start):
        env[f"GIT_CONFIG_KEY_{index}"], env[f"GIT_CONFIG_VALUE_{index}"] = key, value
    if pairs:
        env["GIT_CONFIG_COUNT"] = str(start + len(pairs))
    return env


def _git_env(work: Path, tree: Path, identity_root: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in _REPOSITORY_VARIABLES}
    env.update(_checkout_headers(identity_root))
    env.update(
        {
            "GIT_DIR": str(work / "pages.git"),
            "GIT_WORK_TREE": str(tree),
            "GIT_INDEX_FILE": str(work / "index"),
            "GIT_ATTR_NOSYSTEM": "1",
            "GIT_TERMINAL_PROMPT": "0",
        }
    )
    # Whoever runs the command signs the commit; a CI runner with no git identity gets one.
    name = _config_value(identity_root, "user.name") or "Vigie"
    email = _config_value(identity_root, "user.email") or "vigie@localhost"
    for kind in ("AUTHOR", "COMMITTER"):
        env.setdefault(f"GIT_{kind}_NAME", name)
        env.setdefault(f"GIT_{kind}_EMAIL", email)
    return env


def pages_message(site_dir: Path) -> str:
    """The commit message of a publication: it names the site version."""
    commit, commit_date, data = _version(site_dir)
    return msg.DEPLOY_GIT_MESSAGE.format(
        version=commit or "hors git",
        date=commit_date or "inconnue",
        manifest=hashlib.sha256(data).hexdigest()[:8],
    )


def deploy_git(
    site_dir: Path,
    remote: str,
    branch: str = "gh-pages",
    cname: str | None = None,
    identity_root: Path | None = None,
) -> Published:
    """Publish the built site as one new commit on `branch` of the git repository `remote`.

    Works in a temporary repository: the checkout the command runs from is never touched.
    """
    _check_built(site_dir)
    message = pages_message(site_dir)
    ref = f"refs/heads/{branch}"
    remote = checkout_remote(identity_root or Path.cwd(), remote)
    with tempfile.TemporaryDirectory(prefix="vigie-pages-") as temporary:
        work = Path(temporary)
        tree = work / "tree"
        shutil.copytree(site_dir, tree)
        (tree / ".nojekyll").write_bytes(b"")  # GitHub Pages: serve folders starting with _
        if cname:
            (tree / "CNAME").write_text(f"{cname}\n", encoding="utf-8")
        env = _git_env(work, tree, identity_root or site_dir)
        bare = {k: v for k, v in env.items() if k != "GIT_WORK_TREE"}
        _git(["init", "--quiet", "--bare", env["GIT_DIR"]], bare, "init")
        heads = _git(["ls-remote", "--heads", remote, ref], env, f"ls-remote {remote}")
        parent = None
        if heads:
            _git(["fetch", "--quiet", "--depth", "1", remote, ref], env, f"fetch {remote}")
            parent = _git(["rev-parse", "FETCH_HEAD"], env, "rev-parse")
        _git(["add", "--all", "--force", "."], env, "add")
        new_tree = _git(["write-tree"], env, "write-tree")
        if parent and _git(["rev-parse", f"{parent}^{{tree}}"], env, "rev-parse") == new_tree:
            return Published(None, message, parent)
        parents = ["-p", parent] if parent else []
        commit = _git(["commit-tree", new_tree, *parents, "-m", message], env, "commit-tree")
        _git(["push", "--quiet", remote, f"{commit}:{ref}"], env, f"push {remote} {branch}")
    return Published(commit, message, parent)
