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
from typing import TYPE_CHECKING, Any, BinaryIO

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


def remove(path: Path) -> None:
    """Whatever stands at `path`: a file, a link, a pipe or a whole folder."""
    if path.is_dir() and not path.is_symlink():
        shutil.rmtree(path, ignore_errors=True)
    else:
        path.unlink(missing_ok=True)


@contextlib.contextmanager
def written_whole(path: Path) -> Iterator[BinaryIO]:
    """A file written beside `path`, put in its place only once whole (never half a file)."""
    descriptor, temporary = tempfile.mkstemp(prefix=".tmp-", dir=path.parent)
    try:
        with os.fdopen(descriptor, "wb") as handle:
            yield handle
        if path.is_dir() and not path.is_symlink():
            remove(path)  # a folder where the file goes: `os.replace` cannot replace it
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def identity(stat: os.stat_result) -> list[int]:
    """What tells a file apart without reading it: inode, size, change and modification times."""
    return [stat.st_ino, stat.st_size, stat.st_mtime_ns, stat.st_ctime_ns]


def holds(path: Path, stat: os.stat_result, recorded: list[Any] | None, digest: str) -> bool:
    """Whether the file at `path` (`stat`: its own, links not followed) holds the bytes of
    `digest` as `recorded` by `Placed` ([digest, *identity]): the same identity, or a plain
    file of the recorded size whose SHA-256 is the digest (read only then: 0.03 ms a page)."""
    if not recorded or recorded[0] != digest:
        return False
    if not S_ISREG(stat.st_mode):
        return False
    if recorded[1:] == identity(stat):
        return True
    if stat.st_size != recorded[2]:
        return False
    try:
        with open(path, "rb") as handle:
            return hashlib.file_digest(handle, "sha256").hexdigest() == digest
    except OSError:
        return False
