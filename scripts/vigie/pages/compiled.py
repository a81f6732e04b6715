"""The templates' compiled code, kept for the life of the process.

MkDocs makes a new Jinja environment for every build, which compiles each of the theme's
templates again: half the time of a build of a small site, and of each `vigie serve` refresh.
Jinja checks a kept template against its source (name and checksum) before using it, so an
edited template is compiled anew. Kept in memory only, never on disk: a cache restored by CI
must be data, not code that runs.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from jinja2 import BytecodeCache

if TYPE_CHECKING:
    from jinja2.bccache import Bucket


class CompiledTemplates(BytecodeCache):
    """Jinja's bytecode of each template, by template and source, in this process."""

    def __init__(self) -> None:
        self._code: dict[str, bytes] = {}

    def load_bytecode(self, bucket: Bucket) -> None:
        code = self._code.get(bucket.key)
        if code is not None:
            bucket.bytecode_from_string(code)  # dropped by Jinja if the source changed

    def dump_bytecode(self, bucket: Bucket) -> None:
        self._code[bucket.key] = bucket.bytecode_to_string()


COMPILED = CompiledTemplates()
