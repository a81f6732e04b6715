"""Which sources a site was built from, and the SHA-256 of every file it holds.

`version.json` lets anyone check that a copy of the site (a mirror, an archive, the
live server) holds exactly what was built: `vigie verify <folder-or-URL>`.
"""

from __future__ import annotations

import hashlib
import os
import re
import subprocess
import urllib.error
import urllib.request
from dataclasses import asdict, dataclass
from pathlib import PurePosixPath
from typing import TYPE_CHECKING, Any, TypedDict

from vigie import __version__, shapes
from vigie.outputs.feeds import dump_json
from vigie.shapes import Digest  # noqa: TC001 - read at run time by get_type_hints

if TYPE_CHECKING:
    from collections.abc import Iterable, Mapping
    from pathlib import Path

MANIFEST = "version.json"
# Files a static host reads as its configuration and does not serve (Netlify, Cloudflare).
HOST_CONFIGURATION = frozenset({"_headers"})


@dataclass(frozen=True)
class SiteVersion:
    """The sources' git commit (short hash and date) and the Vigie that built them."""

    commit: str
    commit_date: str  # ISO 8601 with offset, or "" outside git
    vigie: str = __version__

    @property
    def label(self) -> str:
        return self.commit or "hors git"


@dataclass(frozen=True)
class FileEntry:
    path: str
    size: int
    sha256: str


def _git(root: Path, *args: str) -> str | None:
    try:
        result = subprocess.run(
            ["git", "-C", str(root), *args], capture_output=True, text=True, check=False
        )
    except OSError:
        return None
    return result.stdout.strip() if result.returncode == 0 else None


def site_version(root: Path) -> SiteVersion:
    """The commit the sources under `root` come from, read from git."""
    line = _git(root, "log", "-1", "--format=%h %cI")
    if not line:
        return SiteVersion("", "")
    commit, date = line.split(" ", 1)
    return SiteVersion(commit, date)


def file_entries(
    site_dir: Path,
    known: Mapping[str, tuple[int, str]] | None = None,
    files: Iterable[str] | None = None,
) -> list[FileEntry]:
    """Every file of the built site but the manifest itself, sorted by path.

    `known`: size and SHA-256 of files this build wrote from bytes it had checked (pages
    taken from the cache), by path: not read again. `files`: the site's files, when the
    caller has listed them (`site_files`).
    """
    known = known or {}
    entries = []
    listed = site_files(site_dir) if files is None else files
    for relative in sorted(listed, key=lambda relative: relative.split("/")):
        if relative in known:
            entries.append(FileEntry(relative, *known[relative]))
        elif relative != MANIFEST:
            data = (site_dir / relative).read_bytes()
            entries.append(FileEntry(relative, len(data), hashlib.sha256(data).hexdigest()))
    return entries


def site_files(site_dir: Path) -> list[str]:
    """Every regular file under `site_dir`, as POSIX paths, unsorted (`os.scandir` reads
    the file types with the names: a long history's 14,000 files are not each stat'ed)."""
    found: list[str] = []
    folders = [("", os.fspath(site_dir))]
    while folders:
        prefix, folder = folders.pop()
        with os.scandir(folder) as entries:
            for entry in entries:
                if entry.is_dir(follow_symlinks=False):
                    folders.append((f"{prefix}{entry.name}/", entry.path))
                elif entry.is_file():
                    found.append(prefix + entry.name)
    return found


def manifest_json(version: SiteVersion, entries: list[FileEntry]) -> str:
    """The text of `version.json`."""
    document = {
        "commit": version.commit,
        "commit_date": version.commit_date,
        "vigie_version": version.vigie,
        "files": [asdict(e) for e in entries],
    }
    return dump_json(document).decode()


def write_manifest(
    site_dir: Path,
    version: SiteVersion,
    known: Mapping[str, tuple[int, str]] | None = None,
    files: Iterable[str] | None = None,
) -> int:
    """Write `version.json` for everything already in `site_dir` (`known`, `files`:
    `file_entries`); the number of files the site then holds, itself included."""
    entries = file_entries(site_dir, known, files)
    (site_dir / MANIFEST).write_text(manifest_json(version, entries), encoding="utf-8")
    return len(entries) + 1


def _read(location: str | Path, relative: str) -> bytes | None:
    if isinstance(location, str):
        url = location.rstrip("/") + "/" + urllib.request.quote(relative)
        try:
            with urllib.request.urlopen(url, timeout=30) as response:  # noqa: S310 (https or a local test server)
                return response.read()
        except urllib.error.HTTPError as error:
            if error.code == 404:
                return None
            raise
    path = location / relative
    try:
        return path.read_bytes() if path.is_file() else None
    except OSError:  # a name too long, a folder in the way: not there as listed
        return None


class _Listed(TypedDict):
    """A file as `version.json` lists it (`FileEntry`)."""

    path: str
    size: int
    sha256: Digest


_CONTROL = re.compile("[\x00-\x1f\x7f]")


def _listed(manifest: bytes) -> dict[str, _Listed] | None:
    """The files a manifest lists, by path; None unless it is one (a copy may hold anything:
    not JSON, nested too deep, another shape, a path leading out of the copy)."""
    document = shapes.loads(manifest, dict[str, Any])
    files = document.get("files") if document is not None else None
    if not shapes.fits(files, list[_Listed]):
        return None
    parts = [PurePosixPath(entry["path"]) for entry in files]
    if any(path.is_absolute() or ".." in path.parts or not path.parts for path in parts):
        return None
    if any(_CONTROL.search(entry["path"]) for entry in files):  # printed: never a terminal code
        return None
    return {entry["path"]: entry for entry in files}


def listed_count(location: str | Path) -> int:
    """How many files the manifest at `location` lists."""
    manifest = _read(location, MANIFEST)
    listed = _listed(manifest) if manifest else None
    return len(listed) if listed else 0


def verify(location: str | Path) -> list[str]:
    """Every way the copy at `location` (a folder or a base URL) differs from its manifest."""
    manifest = _read(location, MANIFEST)
    if manifest is None:
        return [f"manquant : {MANIFEST} (aucun manifeste : impossible de vérifier)"]
    listed = _listed(manifest)
    if listed is None:
        return [f"illisible : {MANIFEST} (pas un manifeste de Vigie : impossible de vérifier)"]
    problems = []
    for relative, entry in sorted(listed.items()):
        if isinstance(location, str) and relative in HOST_CONFIGURATION:
            continue  # read by the host, never served: nothing to compare over HTTP
        data = _read(location, relative)
        if data is None:
            problems.append(f"manquant : {relative}")
        elif len(data) != entry["size"] or hashlib.sha256(data).hexdigest() != entry["sha256"]:
            problems.append(f"modifié : {relative}")
    if not isinstance(location, str):
        for path in sorted(p for p in location.rglob("*") if p.is_file()):
            relative = path.relative_to(location).as_posix()
            if relative != MANIFEST and relative not in listed:
                problems.append(f"en trop : {relative}")
    return problems
