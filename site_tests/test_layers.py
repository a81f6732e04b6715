"""The house keeps its floors: which part of `scripts/vigie` may import which, read with `ast`.

Every import counts: at the top of a module, inside a function, or under TYPE_CHECKING (a
stage that is climbed for a type alone is climbed all the same).
"""

from __future__ import annotations

import ast
from dataclasses import dataclass
from typing import TYPE_CHECKING

from conftest import REPO

if TYPE_CHECKING:
    from pathlib import Path

PACKAGE = REPO / "scripts" / "vigie"
MAX_LINES = 500
# Single owners at the top of the package: every wing may use them, they use no wing.
OWNERS = ("model", "derive", "messages", "french", "urls", "markup", "states", "config")
# The stages, in the order the data flows: each may import those before it, never after.
STAGES = ("sources", "pages", "outputs", "publish")
ENTRY_POINTS = ("plugin", "cli")  # imported by nobody, but the command drives MkDocs' seam
# `vigie build` and `vigie serve` run MkDocs in-process through the plugin, the one module
# that imports MkDocs: the command may import the plugin, nothing else may import either.
ALLOWED_ENTRY_IMPORTS = frozenset({("cli", "plugin"), ("cli", "cli")})  # the command's parts
ROAD = "pipeline"  # used by the entry points only


@dataclass(frozen=True)
class Import:
    """One module naming another in an import statement."""

    module: str  # the importing module, `vigie.sources.validate`
    line: int
    target: str  # the module imported, `vigie.outputs.securitytxt` or `mkdocs.config`

    def __str__(self) -> str:
        return f"{_path(self.module)}:{self.line}: imports {self.target}"


def _module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


MODULES = {_module_name(path): path for path in sorted(PACKAGE.rglob("*.py"))}


def _path(module: str) -> str:
    return MODULES[module].relative_to(REPO).as_posix() if module in MODULES else module


def imports_in(text: str, module: str, *, package: bool = False, known: set[str]) -> list[Import]:
    """Every import in `text`, with `from X import Y` read as module X.Y when Y is known."""
    here = module if package else module.rpartition(".")[0]
    found = []
    for node in ast.walk(ast.parse(text)):
        if isinstance(node, ast.Import):
            found += [Import(module, node.lineno, alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = here.split(".")[: len(here.split(".")) - node.level + 1]
                base = ".".join([*anchor, base] if base else anchor)
            for alias in node.names:
                submodule = f"{base}.{alias.name}"
                found.append(Import(module, node.lineno, submodule if submodule in known else base))
    return sorted(set(found), key=lambda i: (i.module, i.line, i.target))


IMPORTS = [
    found
    for module, path in MODULES.items()
    for found in imports_in(
        path.read_text("utf-8"), module, package=path.name == "__init__.py", known=set(MODULES)
    )
]


def _listed(wrong: list[str]) -> str:
    return "\n".join(["", *wrong])


def _part(module: str) -> str | None:
    """`sources` for `vigie.sources.load`, `model` for `vigie.model`; None outside `vigie`."""
    parts = module.split(".")
    if parts[0] != "vigie":
        return None
    return parts[1] if len(parts) > 1 else ""


def test_the_import_reader_sees_every_kind_of_import() -> None:
    text = (
        "from typing import TYPE_CHECKING\n"
        "import mkdocs.config\n"
        "from vigie import model, messages as msg\n"
        "from vigie.sources import load\n"
        "from . import breach\n"
        "from .load import Document\n"
        "if TYPE_CHECKING:\n"
        "    from vigie.pages.rows import When\n"
        "def late():\n"
        "    from vigie.outputs import feeds\n"
    )
    known = {"vigie.model", "vigie.messages", "vigie.sources.load", "vigie.sources.breach"}
    found = imports_in(text, "vigie.sources.guard", known=known)
    assert [(i.line, i.target) for i in found] == [
        (1, "typing"),
        (2, "mkdocs.config"),
        (3, "vigie.messages"),
        (3, "vigie.model"),
        (4, "vigie.sources.load"),
        (5, "vigie.sources.breach"),
        (6, "vigie.sources.load"),
        (8, "vigie.pages.rows"),
        (10, "vigie.outputs"),
    ]


def test_the_whole_package_is_read() -> None:
    assert {"vigie", "vigie.model", "vigie.plugin", "vigie.sources.load"} <= set(MODULES)
    assert ("vigie.plugin", "mkdocs.plugins") in {(i.module, i.target) for i in IMPORTS}


def test_only_the_plugin_imports_mkdocs() -> None:
    wrong = [
        str(i) for i in IMPORTS if i.target.split(".")[0] == "mkdocs" and i.module != "vigie.plugin"
    ]
    assert not wrong, _listed(wrong)


def test_the_product_never_imports_its_benchmark() -> None:
    wrong = [str(i) for i in IMPORTS if i.target.split(".")[0] == "vigie_bench"]
    assert not wrong, _listed(wrong)


def test_the_top_level_owners_import_no_stage_and_no_entry_point() -> None:
    wrong = [
        str(i)
        for i in IMPORTS
        if _part(i.module) in OWNERS and _part(i.target) in (*STAGES, *ENTRY_POINTS, ROAD)
    ]
    assert not wrong, _listed(wrong)


def test_no_stage_imports_a_later_one() -> None:
    wrong = [
        str(i)
        for i in IMPORTS
        if _part(i.module) in STAGES
        and _part(i.target) in STAGES
        and STAGES.index(_part(i.target)) > STAGES.index(_part(i.module))
    ]
    assert not wrong, _listed(wrong)


def test_no_stage_imports_the_road() -> None:
    wrong = [str(i) for i in IMPORTS if _part(i.module) in STAGES and _part(i.target) == ROAD]
    assert not wrong, _listed(wrong)


def test_nothing_imports_the_entry_points() -> None:
    wrong = [
        str(i)
        for i in IMPORTS
        if _part(i.target) in ENTRY_POINTS
        and i.module != i.target
        and (_part(i.module), _part(i.target)) not in ALLOWED_ENTRY_IMPORTS
    ]
    assert not wrong, _listed(wrong)


def _circles(edges: dict[str, set[str]]) -> list[list[str]]:
    """The groups of modules that import each other in a loop (Tarjan's components)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    circles = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        for other in sorted(edges.get(node, ())):
            if other not in index:
                visit(other)
                low[node] = min(low[node], low[other])
            elif other in stack:
                low[node] = min(low[node], index[other])
        if low[node] == index[node]:
            group = []
            while (member := stack.pop()) != node:
                group.append(member)
            group.append(node)
            if len(group) > 1:
                circles.append(sorted(group))

    for node in sorted(edges):
        if node not in index:
            visit(node)
    return sorted(circles)


def test_circles_are_found() -> None:
    edges = {"a": {"b"}, "b": {"c"}, "c": {"a", "d"}, "d": set(), "e": {"d"}}
    assert _circles(edges) == [["a", "b", "c"]]


def test_no_import_circle() -> None:
    edges: dict[str, set[str]] = {}
    for i in IMPORTS:
        if i.target in MODULES and i.target != i.module:
            edges.setdefault(i.module, set()).add(i.target)
    wrong = [
        " ; ".join(str(i) for i in IMPORTS if i.module in circle and i.target in circle)
        for circle in _circles(edges)
    ]
    assert not wrong, _listed(wrong)


def test_no_module_over_the_line_limit() -> None:
    wrong = [
        f"{_path(module)}: {lines} lines"
        for module, path in MODULES.items()
        if (lines := len(path.read_text("utf-8").splitlines())) > MAX_LINES
    ]
    assert not wrong, _listed(wrong)
