"""The templates' compiled code, kept for the life of the process, and the theme's on disk.

MkDocs makes a new Jinja environment for every build, which compiles each of the theme's
templates again: half the time of a build of a small site, and of each `vigie serve` refresh.
Jinja checks a kept template against its source (name and checksum) before using it, so an
edited template is compiled anew.

The templates of installed packages (Material's) are also kept on disk, inside the
virtualenv, as Python keeps the compiled form of installed modules (`__pycache__`): code
beside the code it comes from, as trusted as it. The site's own templates (`overrides/`) are
compiled in memory only, never written anywhere: `.vigie-cache/`, which CI restores, holds
data, never code that runs.
"""

from __future__ import annotations

import contextlib
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from jinja2 import BytecodeCache, FileSystemBytecodeCache

if TYPE_CHECKING:
    from jinja2.bccache import Bucket


def installed_folder() -> Path | None:
    """Where the installed templates' code is kept: in the virtualenv running Vigie; None
    outside one (a system's Python is not Vigie's to write in)."""
    if sys.prefix == sys.base_prefix:
        return None
    return Path(sys.prefix) / "var" / "vigie" / "compiled-templates"


class CompiledTemplates(BytecodeCache):
    """Jinja's bytecode of each template, by template and source: in this process, and on
    disk in `folder` for a template of a package installed under `installed`."""

    def __init__(self, folder: Path | None = None, installed: Path | None = None) -> None:
        self._code: dict[str, bytes] = {}
        self._installed: set[str] = set()  # the keys of installed templates
        self._prefix = str((installed or Path(sys.prefix)).resolve()) + "/"
        self._disk: FileSystemBytecodeCache | None = None
        if folder is not None:
            with contextlib.suppress(OSError):  # read-only: compiled in memory only
                folder.mkdir(parents=True, exist_ok=True)
                self._disk = FileSystemBytecodeCache(str(folder))

    def get_cache_key(self, name: str, filename: str | None = None) -> str:
        key = super().get_cache_key(name, filename)
        if filename and str(Path(filename).resolve()).startswith(self._prefix):
            self._installed.add(key)
        return key

    def load_bytecode(self, bucket: Bucket) -> None:
        code = self._code.get(bucket.key)
        if code is not None:
            bucket.bytecode_from_string(code)  # dropped by Jinja if the source changed
        elif self._disk is not None and bucket.key in self._installed:
            self._disk.load_bytecode(bucket)  # checked by Jinja: its version, the source

    def dump_bytecode(self, bucket: Bucket) -> None:
        self._code[bucket.key] = bucket.bytecode_to_string()
        if self._disk is not None and bucket.key in self._installed:
            with contextlib.suppress(OSError):  # full or read-only: kept in memory
                self._disk.dump_bytecode(bucket)


COMPILED = CompiledTemplates(installed_folder())
