"""The shapes of the JSON that the build cache reads back, each checked before it is used.

A table's checksum tells damage from a whole file, not a value forged under a checksum made
to match it. So every reader names the shape its writer gives an entry, and an entry of
another shape is taken as absent (made again), never a traceback nor a value printed as
it stands: a number where HTML belongs, a list where a digest belongs.

A shape is a type annotation: `str`, `int` (never a boolean), `bool`, `None`, `Any`;
`list[X]`, a list of any length; `tuple[X, Y]`, a list of exactly these items;
`dict[str, X]`; a TypedDict, an object with exactly its keys; `X | Y`; and
`Annotated[str, re.compile(...)]`, a text matching the whole pattern.
"""

from __future__ import annotations

import functools
import json
import re
import types
from typing import (
    TYPE_CHECKING,
    Annotated,
    Any,
    Union,
    get_args,
    get_origin,
    get_type_hints,
    is_typeddict,
)

if TYPE_CHECKING:
    from collections.abc import Callable

# The name of a blob: a SHA-256 in hexadecimal. A path made from anything else could lead
# out of the cache's folder.
Digest = Annotated[str, re.compile("[0-9a-f]{64}")]


def loads(data: bytes, shape: Any) -> Any:
    """The JSON `data` if it has `shape`, else None (as if absent): not JSON, or not of it."""
    try:
        value = json.loads(data)
    except (ValueError, RecursionError):  # RecursionError: nested deeper than Python goes
        return None
    return value if fits(value, shape) else None


def fits(value: Any, shape: Any) -> bool:
    """Whether the JSON `value` has `shape` (see the module's doc)."""
    return _check(shape)(value)


_PLAIN = (str, int, bool, float, type(None))


def _plain_types(shape: Any) -> frozenset[type] | None:
    """The types of a shape that is a plain type or a union of plain types; else None."""
    shape = type(None) if shape is None else shape
    if shape in _PLAIN:
        return frozenset({shape})
    if get_origin(shape) in (Union, types.UnionType):
        parts = [_plain_types(arg) for arg in get_args(shape)]
        if all(part is not None for part in parts):
            return frozenset().union(*parts)
    return None


@functools.cache
def _check(shape: Any) -> Callable[[Any], bool]:
    """The check of `shape`, written once as a Python function of nested loops: a long
    history's readings are millions of values, and a function called for each would take
    three times as long. Its text is made from the shape alone, never from data."""
    names: dict[str, Any] = {}
    lines = ["def check(value):", *_statements(shape, "value", 1, names), "    return True"]
    exec("\n".join(lines), names)  # noqa: S102 - the text above, made from the annotation
    return names["check"]


def _statements(shape: Any, value: str, indent: int, names: dict[str, Any]) -> list[str]:
    """Lines, `indent` deep, that return False unless the variable `value` has `shape`;
    `names` gets each constant they use."""
    pad = "    " * indent

    def name(constant: Any) -> str:
        names[key := f"c{len(names)}"] = constant
        return key

    if shape is Any:
        return []
    if (plain := _plain_types(shape)) is not None:
        return [f"{pad}if type({value}) not in {name(plain)}: return False"]
    origin, args = get_origin(shape), get_args(shape)
    if origin is Annotated:
        return [
            *_statements(args[0], value, indent, names),
            f"{pad}if {name(args[1])}.fullmatch({value}) is None: return False",
        ]
    if origin is Union or origin is types.UnionType:
        choices = name([_check(arg) for arg in args])
        return [f"{pad}if not any(c({value}) for c in {choices}): return False"]
    part = f"v{len(names)}"
    names[part] = None  # the name taken: each part its own variable
    if origin is tuple:
        lines = [f"{pad}if type({value}) is not list or len({value}) != {len(args)}: return False"]
        for index, arg in enumerate(args):
            lines += [f"{pad}{part} = {value}[{index}]", *_statements(arg, part, indent, names)]
            part = f"v{len(names)}"
            names[part] = None
        return lines
    if origin is list or origin is dict:
        kind, items = ("list", value) if origin is list else ("dict", f"{value}.values()")
        lines = [f"{pad}if type({value}) is not {kind}: return False"]
        if (plain := _plain_types(args[-1])) is not None:
            return [
                *lines,
                f"{pad}if not {name(plain)}.issuperset(map(type, {items})): return False",
            ]
        body = _statements(args[-1], part, indent + 1, names)  # none for Any
        return [*lines, f"{pad}for {part} in {items}:", *body] if body else lines
    if is_typeddict(shape):
        hints = get_type_hints(shape, include_extras=True)  # Annotated kept
        keys = name(hints.keys())
        lines = [f"{pad}if type({value}) is not dict or {value}.keys() != {keys}: return False"]
        for key, hint in hints.items():
            lines += [f"{pad}{part} = {value}[{key!r}]", *_statements(hint, part, indent, names)]
            part = f"v{len(names)}"
            names[part] = None
        return lines
    raise TypeError(f"not a shape: {shape!r}")
