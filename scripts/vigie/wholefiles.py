"""Files written whole, read only when plain, told apart by their identity: the build
cache's way with the disk.

A cache restored by CI, or left by a crash, may hold anything where a file should be: half a
file, a folder, a link, a pipe. Reading never follows nor waits on one; writing replaces it.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import shutil
import tempfile
from pathlib import Path
from stat import S_ISREG
from typing import TYPE_CHECKING, BinaryIO

if TYPE_CHECKING:
    from collections.abc import Iterator


def write_whole(path: Path, data: bytes) -> None:
    """`data` at `path`, never half of it."""
    with written_whole(path) as handle:
        handle.write(data)


def plain_bytes(path: Path) -> bytes:
    """The bytes of the plain file at `path`, else OSError: a folder, a link or a pipe put in
    the cache's place is never followed, nor waited on."""
    with open(os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK), "rb") as handle:
        if not S_ISREG(os.fstat(handle.fileno()).st_mode):
            raise OSError(f"{path}: not a plain file")
        return handle.read()


def is_plain(path: Path) -> bool:
    """Whether `path` is a plain file, not a link to one."""
    return path.is_file() and not path.is_symlink()


def is_folder(path: Path) -> bool:
    """Whether `path` is a folder, not a link to one."""
    return path.is_dir() and not path.is_symlink()


def remove(path: Path) -> None:
    """Whatever stands at `path`: a file, a link, a pipe or a whole folder, as far as it can
    be (a folder that may not be read or written keeps it: callers check what is left)."""
    with contextlib.suppress(OSError):  # nothing there, or not to be removed
        if os.path.isdir(path) and not os.path.islink(path):
            shutil.rmtree(path, ignore_errors=True)
        else:
            path.unlink()


def make_way(path: Path, *, folder: bool = False) -> bool:
    """Remove what stands at `path` unless it is what goes there: a plain file, or with
    `folder` a folder (never a link to one: what is read or removed under it would be
    outside). Whether anything was removed."""
    if not os.path.lexists(path) or (is_folder(path) if folder else is_plain(path)):
        return False
    remove(path)
    return True


@contextlib.contextmanager
def written_whole(path: Path) -> Iterator[BinaryIO]:
    """A file written beside `path`, put in its place only once whole (never half a file)."""
    descriptor, temporary = tempfile.mkstemp(prefix=".tmp-", dir=path.parent)
    try:
        with os.fdopen(descriptor, "wb") as handle:
            yield handle
        make_way(path)  # `os.replace` cannot replace a folder
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def identity(stat: os.stat_result) -> list[int]:
    """What tells a file apart without reading it: inode, size, change and modification times."""
    return [stat.st_ino, stat.st_size, stat.st_mtime_ns, stat.st_ctime_ns]


def has_bytes(path: Path, digest: str) -> bool:
    """Whether the file at `path` can be read and its SHA-256 is `digest`."""
    try:
        with open(path, "rb") as handle:
            return hashlib.file_digest(handle, "sha256").hexdigest() == digest
    except OSError:
        return False
