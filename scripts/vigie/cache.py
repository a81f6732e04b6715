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
import gc
import hashlib
import json
import os
import pickle
import sys
import zlib
from importlib import metadata
from pathlib import Path
from typing import TYPE_CHECKING, Any

from vigie import shapes
from vigie import wholefiles as files
from vigie.memo import Memo
from vigie.placed import Placed
from vigie.shapes import Digest

if TYPE_CHECKING:
    from collections.abc import Callable, Iterator

CACHE_DIR = ".vigie-cache"
FORMAT = 2
_PACKAGE = Path(__file__).parent
_BLOBS = "blobs"
_LOCK = "lock"
PLACED = "placed"  # the table of the files put in the live site (a build's), sealed last

# Shown on standard error; the build goes on without the damaged part.
CACHE_DAMAGED = (
    "cache endommagé, ignoré et reconstruit : {path} (tronqué, modifié ou d'une autre source ; "
    "rien n'en est publié)"
)

# The build goes on without the cache: nothing reused from now on, nothing saved in it.
CACHE_UNUSABLE = (
    "cache inutilisable ({reason} : {path}) : la construction se fait sans lui, et rien n'y "
    "est enregistré"
)
CACHE_WAITING = "une autre construction utilise le cache : attente de sa fin…"
# The preview never waits: while a build runs, MkDocs' server would answer no request.
CACHE_BUSY = "une autre construction utilise le cache : cet aperçu se fait sans lui"

# Each table left is whole and checked; a record of the site older than it is verified anyway.
CACHE_NOT_SAVED = (
    "cache non enregistré ({reason}) : le site est construit ; la prochaine construction "
    "refera ce qui manque"
)


def fingerprint(*values: object) -> str:
    """A digest of `values` that changes whenever any part of them does, type included.

    The values are pickled (every field of a dataclass, by class name): equal bytes mean
    equal values, so a reused entry is never a wrong one. Values whose pickle is not the
    same from one process to the next (a set of strings) would only be missed, never mixed
    up: the model holds none (a test checks the fingerprints of a build in two processes).

    A text given as such is encoded first: pickle would keep a UTF-8 copy inside each str it
    is given, for as long as the str lives (tens of megabytes of French text in a long history).
    """
    values = tuple(v.encode("utf-8", "surrogatepass") if type(v) is str else v for v in values)
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
    # A set: a folder twice on the path (PYTHONPATH naming an editable install's) lists its
    # packages twice, and would be another scope.
    packages = sorted(
        {(d.metadata["Name"] or "", d.version) for d in metadata.distributions() if d.metadata}
    )
    import vigie  # read when called: a version bumped in place is another scope

    return fingerprint(FORMAT, vigie.__version__, sys.version, code, packages)


@contextlib.contextmanager
def uncollected() -> Iterator[None]:
    """Python's cycle collector paused while a table is read or the sources are read and
    modeled, then all that lives frozen until the cache is let go (`BuildCache.release`):
    millions of objects at 1,000 incidents, none in a cycle, that the collector would walk
    again at every full collection (a second of a build)."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        gc.freeze()
        if was_enabled:
            gc.enable()


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


class BuildCache:
    """The tables and blobs of one `.vigie-cache/` folder, read and saved under one scope."""

    def __init__(self, folder: Path, warn: Callable[[str], None], *, read: bool = True) -> None:
        self.folder = folder
        self.warn = warn
        self.read = read  # False (`vigie build --clean`): nothing reused, a fresh cache saved
        self._stores: dict[str, Blobs] = {}
        self._memos: dict[str, Memo] = {}
        self._placed: Placed | None = None
        self._lock: int | None = None
        self.usable = True  # False once the folder cannot be used: the build goes on without
        self._forgotten: set[str] = set()  # tables read no more (`forget`)

    @contextlib.contextmanager
    def locked(self) -> Iterator[BuildCache]:
        """Hold the folder for one build; a second build waits for the first to finish. What a
        build that fails wrote into it goes (`abandon`)."""
        self.acquire()
        try:
            yield self
        except BaseException:
            self.abandon()
            raise
        finally:
            self.release()

    def acquire(self, *, wait: bool = True) -> None:
        """Take the folder's lock (waiting for another build to finish, and saying so; without
        `wait`, going on without the folder instead); a folder that cannot be used
        (unreadable, read-only, removed again and again while taken) is told once, and the
        build goes on without it."""
        for attempt in range(3):  # the folder removed between its making and the lock's
            try:
                self._lock = self._locked(wait=wait)
                break
            except BlockingIOError:
                self.go_without(CACHE_BUSY)
                break
            except FileNotFoundError as error:
                if attempt == 2:
                    self.unusable(error)
            except OSError as error:
                self.unusable(error)
                break
        for leftover in self.folder.glob(".tmp-*") if self.usable else ():
            files.remove(leftover)  # a table being written when its build was killed

    def _locked(self, *, wait: bool) -> int:
        self.make_folder_way(self.folder)
        self.folder.mkdir(parents=True, exist_ok=True)
        files.make_way(lock := self.folder / _LOCK)  # a folder, link, pipe: held by nobody
        descriptor = os.open(lock, os.O_RDWR | os.O_CREAT | os.O_NOFOLLOW, 0o644)
        try:
            fcntl.flock(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            if not wait:
                os.close(descriptor)
                raise
            self.warn(CACHE_WAITING)
            fcntl.flock(descriptor, fcntl.LOCK_EX)
        except BaseException:
            os.close(descriptor)
            raise
        return descriptor

    def unusable(self, error: OSError) -> None:
        """Go on without the folder, which `error` keeps from being used (`go_without`)."""
        where = Path(error.filename) if error.filename else self.folder
        shown = self.shown(where) if where.is_relative_to(self.folder) else str(where)
        self.go_without(CACHE_UNUSABLE.format(reason=error.strerror or error, path=shown))

    def go_without(self, told: str) -> None:
        """Go on without the folder, `told` once: nothing reused from now on, nothing saved."""
        if self.usable:
            self.warn(told)
        self.usable = self.read = False

    def make_folder_way(self, folder: Path) -> None:
        """Remove whatever stands where `folder` of the cache goes, a link to a folder too
        (what is under it would be outside), and report it."""
        if files.make_way(folder, folder=True):
            self.warn(CACHE_DAMAGED.format(path=self.shown(folder)))

    def abandon(self) -> None:
        """Remove the bytes stored by a build that failed: the folder is left as it was."""
        for store in self._stores.values():
            store.abandon()

    def release(self) -> None:
        """Let go of the lock, and of what was frozen while the sources were read
        (`uncollected`): a preview process reads them again at its next rebuild."""
        gc.unfreeze()
        if self._lock is not None:
            os.close(self._lock)  # closing releases the lock
            self._lock = None

    def _table_path(self, name: str) -> Path:
        return self.folder / f"{name}.json"

    def memo(self, name: str, scope: str) -> Memo:
        """The table `name` as the last successful build saved it, if under the same `scope`."""
        if not self.usable:
            return self._memos.setdefault(name, Memo({}, scope))
        if name not in self._memos:
            reused = self.read and name not in self._forgotten
            self._memos[name] = Memo(self._load(name, scope) if reused else {}, scope)
        return self._memos[name]

    def forget(self, name: str) -> None:
        """Nothing of the table `name` reused from now on: it is saved with what is put in it."""
        self._forgotten.add(name)
        if name in self._memos:
            self._memos[name] = Memo({}, self._memos[name].scope)

    def _load(self, name: str, scope: str) -> dict[str, bytes]:
        """A table file: a line for each entry (its key and its value in JSON, a tab between),
        then a last line (format, scope, checksum of the rest). Values are left undecoded."""
        path = self._table_path(name)
        try:
            data = files.plain_bytes(path)
            cut = data.rfind(b"\n") + 1  # 0: a table of no entry
            header = json.loads(data[cut:])
            if not isinstance(header, dict) or header.get("format") != FORMAT:
                return {}  # another format: not read
            if header.get("scope") != scope:
                return {}  # another Vigie, package set, theme or mkdocs.yml: not reused
            if header.get("checksum") != hashlib.sha256(memoryview(data)[:cut]).hexdigest():
                raise ValueError("checksum")
            entries = {}
            with uncollected():  # what was made before lives on too: the site view, the model
                for line in data[:cut].split(b"\n")[:-1]:
                    key, entry = line.split(b"\t", 1)
                    if type(name := json.loads(key)) is not str:  # under a forged checksum
                        raise ValueError("key")
                    entries[name] = entry
        except FileNotFoundError:
            return {}
        except (OSError, ValueError, RecursionError):  # RecursionError: JSON nested too deep
            self.warn(CACHE_DAMAGED.format(path=self.shown(path)))
            return {}
        return entries

    def blobs(self, name: str) -> Blobs:
        """The store of bytes kept beside the table `name` (e.g. the pages' HTML)."""
        if name not in self._stores:
            self._stores[name] = Blobs(self.folder / _BLOBS / name, self)
            if self.usable:
                self.make_folder_way(self.folder / _BLOBS)
                self.make_folder_way(self.folder / _BLOBS / name)
        return self._stores[name]

    def placed(
        self,
        live: Path,
        *,
        table: str = PLACED,
        moved: Path | None = None,
        spare: Path | None = None,
    ) -> Placed:
        """The record `table` of the pages put in the live site `live` by the last build there;
        `moved`: where that site now stands (a preview moves its last one aside); `spare`: a
        site not served whose unchanged folders may be moved into the new one."""
        if self._placed is None:
            # Named from the repository, not the disk: a copied or moved repository (a CI
            # checkout elsewhere) keeps its record, each file of it read before it is linked.
            memo = self.memo(table, fingerprint(os.path.relpath(live, self.folder.parent)))
            self._placed = Placed(memo, live, table, moved or live, spare)
        return self._placed

    def save(self, *, complete: bool = False, settled: Callable[[], None] | None = None) -> None:
        """Write each table; `complete` (a build: it asked for all it needs) keeps only what
        this run used, and the blobs it used, so that nothing grows. Otherwise (a check,
        which asks for no page and for no HTML of a text already judged) nothing is dropped.

        `settled` returns once nothing else touches the live site's files: the record of the
        files placed there is taken after it. Removing the replaced site, whose files the new
        one links, changes their change time: recorded before, none would be linked again.
        """
        if not self.usable:
            if settled is not None:
                settled()
            return
        assert self._lock is not None, "saved under the lock"
        placed = self._placed.table if self._placed is not None else None
        try:
            try:
                for name in [n for n in self._memos if n != placed]:
                    self._write(name, complete)
            finally:
                if settled is not None:
                    settled()
            if self._placed is not None:  # the new site is in place: its files are recorded
                self._placed.seal()
                self._write(self._placed.table, complete)
            if complete:
                for store in self._stores.values():
                    store.prune()
        except OSError as error:  # the site is already in place: a build that succeeded
            self.warn(CACHE_NOT_SAVED.format(reason=error.strerror or error))

    def _write(self, name: str, complete: bool) -> None:
        memo = self._memos[name]
        if not complete and not memo.changed:
            return  # a check that found every entry it needed: the file already holds them
        entries = memo.used if complete else {**memo.known, **memo.used}
        _write_table(self._table_path(name), entries, {"format": FORMAT, "scope": memo.scope})

    def shown(self, path: Path) -> str:
        return str(Path(CACHE_DIR, path.relative_to(self.folder)))


class Blobs:
    """Bytes stored under their SHA-256, compressed; checked against their name when read."""

    def __init__(self, folder: Path, cache: BuildCache) -> None:
        self.folder = folder
        self.cache = cache
        self._in_use: set[str] = set()
        self._stored: list[Path] = []  # each blob this run stored: removed if the build fails
        self._made: list[Path] = []  # each folder made for them: removed with them
        self._sound: set[str] = set()  # the folders checked (a folder, not a link to one)

    def get(self, digest: str) -> bytes | None:
        """The bytes stored under `digest`; None when missing, or damaged (reported)."""
        if not shapes.fits(digest, Digest):  # never a path out of the folder, nor one removed
            return None
        path = self._checked_path(digest)
        try:
            data = zlib.decompress(files.plain_bytes(path))
        except FileNotFoundError:
            return None
        except PermissionError as error:  # a cache restored with other modes: not damaged
            self.cache.unusable(error)
            return None
        except (OSError, zlib.error):
            data = b""
        if hashlib.sha256(data).hexdigest() != digest:
            self.cache.warn(CACHE_DAMAGED.format(path=self.cache.shown(path)))
            files.remove(path)  # so that the page made again is stored again (`put`)
            return None
        self._in_use.add(digest)
        return data

    def hold(self, digest: str) -> None:
        """Keep the blob of `digest` (unread: its page was linked from the live site)."""
        self._in_use.add(digest)

    def put(self, data: bytes) -> str:
        """Store `data` (if new) under its SHA-256; a blob never changes once written."""
        digest = hashlib.sha256(data).hexdigest()
        path = self._path(digest)
        if self.cache.usable and not files.is_plain(path):  # a folder or link: it goes
            try:
                path = self._checked_path(digest)
                for folder in (path.parent, self.folder, self.folder.parent):
                    if not os.path.lexists(folder):
                        self._made.append(folder)
                path.parent.mkdir(parents=True, exist_ok=True)
                files.write_whole(path, zlib.compress(data, 1))
                self._stored.append(path)
            except OSError as error:  # a full disk, the folder removed: the site comes first
                self.cache.unusable(error)
        self._in_use.add(digest)
        return digest

    def abandon(self) -> None:
        """Remove each blob this run stored (its build failed)."""
        for path in self._stored:
            files.remove(path)
        for folder in sorted(self._made, key=lambda made: len(made.parts), reverse=True):
            with contextlib.suppress(OSError):  # not empty: another build's blobs in it
                folder.rmdir()
        self._stored.clear()
        self._made.clear()

    def prune(self) -> None:
        """Remove every blob this run did not read or write, never through a link."""
        with contextlib.suppress(FileNotFoundError, NotADirectoryError):
            for folder in os.scandir(self.folder):
                if not folder.is_dir(follow_symlinks=False):
                    files.remove(Path(folder.path))
                    continue
                for blob in os.scandir(folder.path):
                    # Kept unread (its page linked from the live site) yet a link or a pipe:
                    # it goes too, and the page is made again when next needed.
                    if blob.name not in self._in_use or not blob.is_file(follow_symlinks=False):
                        files.remove(Path(blob.path))

    def _checked_path(self, digest: str) -> Path:
        """The path of the blob of `digest`, its folder checked once a run: a link there would
        be read, pruned and written through."""
        path = self._path(digest)
        if digest[:2] not in self._sound:
            self.cache.make_folder_way(path.parent)
            self._sound.add(digest[:2])
        return path

    def _path(self, digest: str) -> Path:
        return self.folder / digest[:2] / digest


def _write_table(path: Path, entries: dict[str, Any], header: dict[str, Any]) -> None:
    """A line for each entry, sorted (the same table, the same bytes), a thousand at a time (a
    table of HTML can weigh tens of megabytes: never held twice in memory), then the header
    line with its checksum. JSON escapes every tab and line break inside a key or a value."""
    digest = hashlib.sha256()
    with files.written_whole(path) as handle:
        keys = sorted(entries)
        for start in range(0, len(keys), 1000):
            lines = [
                json.dumps(key, ensure_ascii=False).encode()
                + b"\t"
                + (entry if type(entry := entries[key]) is bytes else _encoded(entry))
                + b"\n"
                for key in keys[start : start + 1000]
            ]
            batch = b"".join(lines)
            digest.update(batch)
            handle.write(batch)
        handle.write(json.dumps({**header, "checksum": digest.hexdigest()}).encode())


def _encoded(value: Any) -> bytes:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":")).encode()
