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
    except ValueError:
        return None
    return value if fits(value, shape) else None


def fits(value: Any, shape: Any) -> bool:
    """Whether the JSON `value` has `shape` (see the module's doc)."""
    return _check(shape)(value)


@functools.cache
def _check(shape: Any) -> Callable[[Any], bool]:
    if shape is Any:
        return lambda value: True
    if shape is None or shape is type(None):
        return lambda value: value is None
    origin, args = get_origin(shape), get_args(shape)
    if origin is Annotated:
        text, pattern = _check(args[0]), args[1]
        return lambda value: text(value) and pattern.fullmatch(value) is not None
    if origin is Union or origin is types.UnionType:
        choices = [_check(arg) for arg in args]
        return lambda value: any(choice(value) for choice in choices)
    if origin is tuple:
        items = [_check(arg) for arg in args]
        return lambda value: (
            type(value) is list
            and len(value) == len(items)
            and all(item(part) for item, part in zip(items, value, strict=True))
        )
    if origin is list:
        item = _check(args[0])
        return lambda value: type(value) is list and all(map(item, value))
    if origin is dict:
        item = _check(args[1])
        return lambda value: type(value) is dict and all(map(item, value.values()))
    if is_typeddict(shape):
        keys = {key: _check(hint) for key, hint in get_type_hints(shape).items()}
        return lambda value: (
            type(value) is dict
            and value.keys() == keys.keys()
            and all(check(value[key]) for key, check in keys.items())
        )
    if shape in (str, int, bool, float):
        return lambda value: type(value) is shape
    raise TypeError(f"not a shape: {shape!r}")
