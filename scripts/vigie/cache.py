"""The build cache in `.vigie-cache/`: what a build may reuse from the last one, verified.

Everything kept is keyed by a fingerprint of the inputs that made it (`fingerprint`), inside
a scope naming what every entry depends on: the cache format, Vigie's own code, the versions
of every installed package and Python, and for pages the settings, the theme and the pages
folder. An entry from another scope is never reused. Tables are JSON (a cache restored by
CI is data, never code to run) with a checksum; page bytes are content-addressed blobs,
checked against their name when read. A damaged table or blob is reported and rebuilt.

Nothing is saved until the caller says the build succeeded (`save`), under a lock that two
builds at once share in turn. Deleting the folder is always safe: the next build is full.
"""

from __future__ import annotations

import contextlib
import fcntl
import functools
import hashlib
import json
import os
import pickle
import sys
import tempfile
import zlib
from importlib import metadata
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from collections.abc import Callable, Iterator

CACHE_DIR = ".vigie-cache"
FORMAT = 1
_PACKAGE = Path(__file__).parent
_BLOBS = "blobs"
_LOCK = "lock"

# Shown on standard error; the build goes on without the damaged part.
CACHE_DAMAGED = (
    "cache endommagé, ignoré et reconstruit : {path} (tronqué, modifié ou d'une autre source ; "
    "rien n'en est publié)"
)
CACHE_CHANGED_DURING_BUILD = (
    "le cache a changé pendant la construction (page {page}) : rien n'est publié ; "
    "relancez vigie build, ou vigie build --clean"
)


def fingerprint(*values: object) -> str:
    """A digest of `values` that changes whenever any part of them does, type included.

    The values are pickled (every field of a dataclass, by class name): equal bytes mean
    equal values, so a reused entry is never a wrong one. Values whose pickle is not the
    same from one process to the next (a set of strings) would only be missed, never mixed
    up: the model holds none (a test checks the fingerprints of a build in two processes).
    """
    try:
        data = pickle.dumps(values, protocol=5)
    except (pickle.PicklingError, TypeError, AttributeError) as error:
        raise TypeError(f"no fingerprint for {values!r:.80}") from error
    return hashlib.blake2b(data, digest_size=20).hexdigest()


@functools.cache
def code_fingerprint() -> str:
    """Vigie's own code, every installed package's version and Python's."""
    code = sorted(
        (str(path.relative_to(_PACKAGE)), path.read_bytes())
        for path in _PACKAGE.rglob("*")
        if path.is_file() and path.suffix in {".py", ".json", ".yml", ".md", ".html"}
    )
    packages = sorted(
        (d.metadata["Name"] or "", d.version) for d in metadata.distributions() if d.metadata
    )
    import vigie  # read when called: a version bumped in place is another scope

    return fingerprint(FORMAT, vigie.__version__, sys.version, code, packages)


def folder_fingerprint(folder: Path) -> str:
    """Every file under `folder`, by relative path and bytes (templates, assets, pages)."""
    if not folder.is_dir():
        return fingerprint(None)
    return fingerprint(
        sorted(
            (str(path.relative_to(folder)), path.read_bytes())
            for path in folder.rglob("*")
            if path.is_file()
        )
    )


class Memo:
    """A table's entries as the last build left them, and those this build used (kept)."""

    def __init__(self, known: dict[str, Any] | None = None, scope: str = "") -> None:
        self.known = known if known is not None else {}
        self.scope = scope  # what every entry depends on: saved with them
        self.used: dict[str, Any] = {}

    def get(self, key: str) -> Any:
        """The value kept under `key`, or None; a value read is kept for the next build."""
        value = self.known.get(key)
        if value is not None:
            self.used[key] = value
        return value

    def put(self, key: str, value: Any) -> None:
        self.used[key] = value


class BuildCache:
    """The tables and blobs of one `.vigie-cache/` folder, read and saved under one scope."""

    def __init__(self, folder: Path, warn: Callable[[str], None], *, read: bool = True) -> None:
        self.folder = folder
        self.warn = warn
        self.read = read  # False (`vigie build --clean`): nothing reused, a fresh cache saved
        self._blobs_in_use: set[str] = set()
        self._memos: dict[str, Memo] = {}
        self._lock: int | None = None

    @contextlib.contextmanager
    def locked(self) -> Iterator[BuildCache]:
        """Hold the folder for one build; a second build waits for the first to finish."""
        self.folder.mkdir(parents=True, exist_ok=True)
        descriptor = os.open(self.folder / _LOCK, os.O_RDWR | os.O_CREAT, 0o644)
        try:
            fcntl.flock(descriptor, fcntl.LOCK_EX)
            self._lock = descriptor
            yield self
        finally:
            self._lock = None
            os.close(descriptor)  # closing releases the lock

    def _table_path(self, name: str) -> Path:
        return self.folder / f"{name}.json"

    def memo(self, name: str, scope: str) -> Memo:
        """The table `name` as the last successful build saved it, if under the same `scope`."""
        if name not in self._memos:
            self._memos[name] = Memo(self._load(name, scope) if self.read else {}, scope)
        return self._memos[name]

    def _load(self, name: str, scope: str) -> dict[str, Any]:
        path = self._table_path(name)
        try:
            stored = json.loads(path.read_bytes())
        except FileNotFoundError:
            return {}
        except (OSError, ValueError):
            self.warn(CACHE_DAMAGED.format(path=self._shown(path)))
            return {}
        if not isinstance(stored, dict) or stored.get("format") != FORMAT:
            return {}
        if stored.get("scope") != scope:
            return {}  # another Vigie, package set, theme or mkdocs.yml: not reused
        entries = stored.get("entries")
        if not isinstance(entries, dict) or stored.get("checksum") != _checksum(entries):
            self.warn(CACHE_DAMAGED.format(path=self._shown(path)))
            return {}
        return entries

    def blob(self, digest: str) -> bytes | None:
        """The bytes stored under their SHA-256 `digest`; None (reported) when damaged."""
        path = self._blob_path(digest)
        try:
            data = zlib.decompress(path.read_bytes())
        except FileNotFoundError:
            return None
        except (OSError, zlib.error):
            data = b""
        if hashlib.sha256(data).hexdigest() != digest:
            self.warn(CACHE_DAMAGED.format(path=self._shown(path)))
            return None
        self._blobs_in_use.add(digest)
        return data

    def put_blob(self, data: bytes) -> str:
        """Store `data` (if new) under its SHA-256; blobs never change once written."""
        digest = hashlib.sha256(data).hexdigest()
        path = self._blob_path(digest)
        if not path.exists():
            path.parent.mkdir(parents=True, exist_ok=True)
            _write_atomic(path, zlib.compress(data, 1))
        self._blobs_in_use.add(digest)
        return digest

    def _blob_path(self, digest: str) -> Path:
        return self.folder / _BLOBS / digest[:2] / digest

    def save(self, *, complete: bool = False) -> None:
        """Write each table; `complete` (a build: it asked for all it needs) keeps only what
        this run used, and the blobs it used, so that nothing grows. Otherwise (a check,
        which asks for no page and for no HTML of a text already judged) nothing is dropped."""
        assert self._lock is not None, "saved under the lock"
        for name, memo in self._memos.items():
            entries = memo.used if complete else {**memo.known, **memo.used}
            stored = {
                "format": FORMAT,
                "scope": memo.scope,
                "checksum": _checksum(entries),
                "entries": entries,
            }
            text = json.dumps(stored, ensure_ascii=False, separators=(",", ":"))
            _write_atomic(self._table_path(name), text.encode("utf-8"))
        if complete:
            for path in (self.folder / _BLOBS).glob("*/*"):
                if path.name not in self._blobs_in_use:
                    path.unlink(missing_ok=True)

    def _shown(self, path: Path) -> str:
        return str(Path(CACHE_DIR, path.relative_to(self.folder)))


def _checksum(entries: dict[str, Any]) -> str:
    text = json.dumps(entries, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _write_atomic(path: Path, data: bytes) -> None:
    """Write `data` to `path` whole or not at all (a reader never sees half a file)."""
    descriptor, temporary = tempfile.mkstemp(prefix=".tmp-", dir=path.parent)
    try:
        with os.fdopen(descriptor, "wb") as handle:
            handle.write(data)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
