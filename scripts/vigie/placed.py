"""The record of the files a build put in the live site, so that the next one links them.

Linking a file of the live site into the new one instead of writing its bytes again is what
makes a build of a long history quick: a page unchanged since the last build is never read.
The record is one of the build cache's tables (`vigie.cache`); nothing else here is kept.
"""

from __future__ import annotations

import contextlib
import os
from stat import S_ISREG
from typing import TYPE_CHECKING, Any

from vigie import wholefiles as files
from vigie.shapes import Digest

if TYPE_CHECKING:
    from pathlib import Path

    from vigie.memo import Memo

PlacedFile = tuple[Digest, int, int, int, int]  # an entry: digest, then `files.identity`


class Placed:
    """Pages that a build put in the live site, by path: their digest and the file's identity.

    A later build links such a file into its new site instead of writing its bytes again,
    when the file is still the one recorded: same inode, size, modification and change times.
    The change time cannot be set back by hand (any write or `touch` moves it). A file whose
    identity differs (a copied site; another link to it removed, which moves its change time)
    is linked only if its bytes have the recorded SHA-256. So an edited page is never linked:
    its blob is used, or the page is made again.
    """

    def __init__(self, memo: Memo, live: Path, table: str, moved: Path, spare: Path | None) -> None:
        self.memo = memo
        self.live = live  # where the new site will stand, its files recorded by `seal`
        self.table = table
        self.moved = moved  # where the last one stands now, its files linked from
        self.spare = spare  # a site not served, its unchanged folders moved into the new one
        self._taken: list[tuple[Path, Path]] = []  # each folder moved: where to, where from
        self._folders: dict[Path, bool] = {}  # whether each folder is one, not a link to one

    def take_folder(
        self, folder: str, expected: dict[str, str], site_dir: Path
    ) -> dict[str, int] | None:
        """Move `folder` of the spare site into `site_dir` if it holds the recorded files of
        `expected` (path: digest) and nothing else: one rename instead of a folder made and a
        link for each file. Its files are the live site's (the same inodes, same identities).
        Their sizes by path, else None."""
        if self.spare is None:
            return None
        source, target = self.spare / folder, site_dir / folder
        if not self._folders_all_real(self.spare, folder.rstrip("/")):
            return None
        try:
            sizes = self._holds_only(source, expected)
            if sizes is None:
                return None
            target.parent.mkdir(parents=True, exist_ok=True)
            source.rename(target)
        except OSError:  # no such folder: its files are linked or written one by one
            return None
        self._taken.append((target, source))
        for dest, digest in expected.items():
            self.expect(dest, digest)
        return sizes

    def _holds_only(self, source: Path, expected: dict[str, str]) -> dict[str, int] | None:
        """The size of each file under `source` if they are the recorded ones of `expected`,
        all of them and no other; else None (`source`: a folder, never a link to one)."""
        start, sizes, folders = len(str(self.spare)) + 1, {}, [str(source)]
        while folders:
            with os.scandir(folders.pop()) as entries:
                for entry in entries:
                    if entry.is_dir(follow_symlinks=False):
                        folders.append(entry.path)
                        continue
                    dest = entry.path[start:].replace(os.sep, "/")
                    stat = entry.stat(follow_symlinks=False)
                    if not S_ISREG(stat.st_mode):  # a link, even to the recorded identity
                        return None
                    # The identity only, never the bytes read: a folder whose files are not
                    # the live site's would be taken every time, never linked again, and its
                    # files read by every build (sites alternating without sharing inodes).
                    if self.memo.peek(dest, PlacedFile) != [
                        expected.get(dest),
                        *files.identity(stat),
                    ]:
                        return None
                    sizes[dest] = stat.st_size
        return sizes if len(sizes) == len(expected) else None

    def _folders_all_real(self, site: Path, folder: str) -> bool:
        """Whether `folder` of `site` and each folder above it is a folder, not a link."""
        parts = folder.split("/") if folder else []
        for depth in range(1, len(parts) + 1):
            path = site.joinpath(*parts[:depth])
            if (real := self._folders.get(path)) is None:
                real = self._folders[path] = files.is_folder(path)
            if not real:
                return False
        return True

    def put_back(self) -> None:
        """The folders `take_folder` moved, back in the spare site: the build failed."""
        for target, source in reversed(self._taken):
            with contextlib.suppress(OSError):
                target.rename(source)
        self._taken.clear()

    def link(self, dest: str, digest: str, target: Path) -> int | None:
        """Link the live site's `dest` to `target` (whose folder exists) if it is the recorded
        file of `digest`: its size, else None."""
        entry = self.memo.peek(dest, PlacedFile)
        source = self.moved / dest
        if not self._folders_all_real(self.moved, dest.rpartition("/")[0]):
            return None  # through a linked folder, a file outside would be linked in
        try:
            if not _holds(source, source.lstat(), entry, digest):
                return None
            os.link(source, target)
        except OSError:  # gone, another file system, links refused: the bytes are written
            return None
        self.expect(dest, digest)
        return entry[2]

    def expect(self, dest: str, digest: str) -> None:
        """`dest` will hold the bytes of `digest` once the new site is in place."""
        self.memo.put(dest, [digest])

    def seal(self) -> None:
        """Record each expected file as it stands in the live site (after the swap)."""
        self._taken.clear()  # in place for good
        for dest, entry in list(self.memo.used.items()):
            try:
                stat = (self.live / dest).lstat()
                self.memo.used[dest] = [entry[0], *files.identity(stat)]  # put by `expect`
            except OSError:
                del self.memo.used[dest]


def _holds(path: Path, stat: os.stat_result, recorded: list[Any] | None, digest: str) -> bool:
    """Whether the plain file at `path` (`stat`: its own) holds the bytes of `digest` as
    `recorded` by `Placed` ([digest, *identity]): the same identity, or the same size and
    SHA-256 (read only then: 0.03 ms a page)."""
    if not recorded or recorded[0] != digest or not S_ISREG(stat.st_mode):
        return False
    if recorded[1:] == files.identity(stat):
        return True
    return stat.st_size == recorded[2] and files.has_bytes(path, digest)
