"""A table of the build cache in memory: the entries the last build left, and those this one
uses. `vigie.cache` reads and writes them; every stage asks them for what it made before.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from vigie import shapes

if TYPE_CHECKING:
    from collections.abc import Callable


def _value(entry: Any, shape: Any) -> Any:
    """An entry as a table holds it: its JSON as read (decoded when asked for, afresh; None
    unless of `shape`, possible only under a forged checksum), or a value put by this run."""
    return shapes.loads(entry, shape) if type(entry) is bytes else entry


class Memo:
    """A table's entries as the last build left them, and those this build used (kept).

    Entries read stay JSON bytes until asked for (decoded whole, the YAML table weighed 97 MiB
    at 1,000 incidents for 16.5 MB of text); one kept unchanged is written back as read.
    """

    def __init__(self, known: dict[str, Any] | None = None, scope: str = "") -> None:
        self.known = known if known is not None else {}
        self.scope = scope  # what every entry depends on: saved with them
        self.used: dict[str, Any] = {}
        self.changed = False  # an entry put that the table did not hold: worth writing again

    def get(self, key: str, shape: Any) -> Any:
        """The value kept under `key` if it has `shape` (`vigie.shapes`), else None; a value
        read is kept for the next build."""
        if key in self.used:
            return _value(self.used[key], shape)
        entry = self.known.pop(key, None)  # moved, not copied: a table can be large
        value = _value(entry, shape)
        if value is not None:
            self.used[key] = entry
        return value

    def peek(self, key: str, shape: Any) -> Any:
        """The value the last build left under `key` if it has `shape`, without keeping it."""
        return _value(self.known.get(key), shape)

    def put(self, key: str, value: Any) -> None:
        if not self.changed and _value(self.used.get(key, self.known.get(key)), Any) != value:
            self.changed = True
        self.used[key] = value

    def made(self, key: str, make: Callable[[], Any], shape: Any) -> Any:
        """The value kept under `key` if it has `shape`, else `make()`, kept for the next build."""
        value = self.get(key, shape)
        if value is None:
            value = make()
            self.put(key, value)
        return value
