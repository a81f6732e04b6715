"""The README and `docs/` say what is true: links, commands, options, example sources.

The README is the staff guide (at most 300 lines) and links every page of `docs/`. Every
relative link of README and docs leads to a file that exists, and to a heading or an `id`
of it when it names an anchor. Every `vigie` command line they show (inline code, shell
blocks) names commands, options and choices the real parser has; every `make` target is
one the Makefile knows. Every example source (a fenced block marked
`<!-- exemple : <path> -->`) is dropped into one copy of the example site, and that copy
passes `vigie check`; a block marked `<!-- extrait -->` is a fragment, never checked.
"""

from __future__ import annotations

import argparse
import re
import shlex
import subprocess
import unicodedata
from dataclasses import dataclass
from functools import cache
from importlib.metadata import entry_points
from typing import TYPE_CHECKING

from conftest import REPO, copy_repo
from vigie import cli, pipeline

if TYPE_CHECKING:
    from collections.abc import Iterator
    from pathlib import Path

README = REPO / "README.md"
README_MAX_LINES = 300
# Pages that another piece of work is writing now: a link to them may wait for the file.
# Keep this list short; empty it once they exist (docs/fraude.md did).
AWAITED: tuple[str, ...] = ()
# Rewritten by `make bench` from its measures: linked, never checked for examples.
GENERATED = ("docs/benchmarks.md", "docs/page-weight.md")

EXAMPLE = re.compile(r"^<!--\s*exemple\s*:\s*(?P<path>\S+)\s*-->$")
FRAGMENT = re.compile(r"^<!--\s*extrait\s*-->$")
FENCE = re.compile(r"^(?P<indent> *)(?P<fence>```+|~~~+)(?P<info>[^`]*)$")
SOURCE_LANGUAGES = ("yaml", "yml", "markdown", "md")
SHELL_LANGUAGES = ("sh", "shell", "bash", "console", "cron")
LINK = re.compile(r"!?\[(?:[^\]\\]|\\.)*\]\((?P<target><[^>]*>|[^)\s]*)(?:\s+\"[^\"]*\")?\)")
CODE_SPAN = re.compile(r"(`+)(?P<code>.+?)\1")


@dataclass(frozen=True)
class Block:
    """One fenced block of a Markdown file."""

    file: Path
    line: int  # of the opening fence, from 1
    info: str  # the first word of the info string
    text: str
    marker: str | None  # the HTML comment on the line before, if any

    @property
    def where(self) -> str:
        return f"{self.file.relative_to(REPO)}:{self.line}"


def markdown_files() -> list[Path]:
    """README.md and every page of docs/."""
    return [README, *sorted((REPO / "docs").glob("*.md"))]


def split(file: Path) -> tuple[list[Block], list[tuple[int, str]]]:
    """The fenced blocks of `file`, and its other lines (number, text)."""
    blocks: list[Block] = []
    prose: list[tuple[int, str]] = []
    lines = file.read_text(encoding="utf-8").splitlines()
    opened: tuple[int, str, str, int] | None = None  # line, fence, info, indent
    body: list[str] = []
    for number, line in enumerate(lines, start=1):
        fence = FENCE.match(line)
        if opened is None:
            if fence:
                indent = len(fence["indent"])
                opened = (number, fence["fence"], fence["info"].strip(), indent)
                body = []
            else:
                prose.append((number, line))
            continue
        start, mark, info, indent = opened
        if fence and fence["fence"].startswith(mark) and not fence["info"].strip():
            before = next((t.strip() for n, t in reversed(prose) if n < start and t.strip()), "")
            marker = before if before.startswith("<!--") else None
            first = info.split()[0] if info else ""
            blocks.append(Block(file, start, first, "\n".join(body) + "\n", marker))
            opened = None
        else:
            body.append(line[indent:] if line[:indent].strip() == "" else line)
    assert opened is None, f"{file.relative_to(REPO)}:{opened[0]}: bloc de code jamais fermé"
    return blocks, prose


# --- The README's size and links ----------------------------------------------------------


def test_the_readme_is_at_most_300_lines() -> None:
    lines = README.read_text(encoding="utf-8").splitlines()
    assert len(lines) <= README_MAX_LINES, f"README.md : {len(lines)} lignes"


def links(file: Path) -> Iterator[tuple[int, str]]:
    """Every link target of `file` outside code, with its line."""
    for number, line in split(file)[1]:
        for found in LINK.finditer(CODE_SPAN.sub("", line)):
            yield number, found["target"].strip("<>")


def test_the_readme_links_every_docs_page() -> None:
    linked = {
        (README.parent / target.split("#")[0]).resolve()
        for _, target in links(README)
        if not re.match(r"[a-z]+:", target)
    }
    pages = {p.resolve() for p in (REPO / "docs").glob("*.md")}
    pages |= {(REPO / p).resolve() for p in AWAITED}
    missing = sorted(str(p.relative_to(REPO)) for p in pages - linked)
    assert not missing, f"pages de docs/ sans lien depuis le README : {missing}"


def slug(heading: str) -> str:
    """The anchor GitHub gives a Markdown heading."""
    text = CODE_SPAN.sub(lambda m: m["code"], heading).strip().lower()
    text = re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", text)
    text = "".join(c for c in text if c in " -_" or unicodedata.category(c)[0] in "LN")
    return text.replace(" ", "-")


@cache
def anchors(file: Path) -> frozenset[str]:
    """The anchors of a Markdown file: its headings (numbered when repeated), its `id`s."""
    seen: dict[str, int] = {}
    found: set[str] = set()
    for _, line in split(file)[1]:
        heading = re.match(r"^#{1,6}\s+(.*?)\s*#*\s*$", line)
        if heading:
            base = slug(heading[1])
            count = seen.get(base, 0)
            seen[base] = count + 1
            found.add(base if count == 0 else f"{base}-{count}")
        found.update(re.findall(r"<a\s+(?:id|name)=\"([^\"]+)\"", line))
    return frozenset(found)


def test_every_relative_link_leads_to_a_file_and_anchor_that_exist() -> None:
    broken = []
    for file in markdown_files():
        for number, target in links(file):
            if re.match(r"[a-z][a-z0-9+.-]*:", target):
                continue  # https:, mailto: : not a file of the repository
            where = f"{file.relative_to(REPO)}:{number}"
            path, _, anchor = target.partition("#")
            if path.startswith("/"):
                broken.append(f"{where}: {target} (écrivez un chemin relatif au fichier)")
                continue
            goal = (file.parent / path).resolve() if path else file
            name = goal.relative_to(REPO).as_posix() if goal.is_relative_to(REPO) else str(goal)
            if not goal.exists():
                if name not in AWAITED:
                    broken.append(f"{where}: {target} (fichier absent)")
                continue
            if anchor and goal.suffix == ".md" and anchor not in anchors(goal):
                broken.append(f"{where}: {target} (ancre absente de {name})")
    assert not broken, "\n".join(broken)


# --- Every vigie command and make target named ------------------------------------------


@cache
def vigie_parser() -> argparse.ArgumentParser:
    """The real `vigie` parser, the one the console script reads its arguments with."""
    (script,) = entry_points(group="console_scripts", name="vigie")
    assert script.value == "vigie.cli:run"  # main, whose arguments are read with cli.parser()
    return cli.parser()


def _subcommands(parser: argparse.ArgumentParser) -> dict[str, argparse.ArgumentParser]:
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            return dict(action.choices)
    return {}


def vigie_problem(words: list[str]) -> str | None:
    """What is wrong with `vigie <words>` for the real parser, or None.

    Each word is a subcommand, an option of the (sub)command reached so far (with its value
    among its choices), or a positional argument it has room for; a command line may stop
    early (« `vigie deploy` » names the command without its arguments).
    """
    parser, name = vigie_parser(), "vigie"
    options = {o: a for a in parser._actions for o in a.option_strings}
    room = 0
    index = 0
    while index < len(words):
        word = words[index]
        index += 1
        if word.startswith("-") and word != "-":
            flag, equal, value = word.partition("=")
            action = options.get(flag)
            if action is None:
                return f"option inconnue {flag} pour « {name} »"
            takes = action.nargs != 0
            if takes and not equal and action.nargs != "?" and index < len(words):
                value = words[index]
                index += 1
            elif takes and not equal and action.nargs == "?" and index < len(words):
                if not words[index].startswith("-"):
                    value = words[index]
                    index += 1
            if action.choices and value and value not in action.choices:
                return f"valeur {value} hors des choix de {flag} : {sorted(action.choices)}"
            continue
        subcommands = _subcommands(parser)
        if subcommands and room == 0:
            if word not in subcommands:
                return f"commande inconnue « {name} {word} » : {sorted(subcommands)}"
            parser, name = subcommands[word], f"{name} {word}"
            options = {o: a for a in parser._actions for o in a.option_strings}
            positionals = [a for a in parser._actions if not a.option_strings]
            room = sum(0 if isinstance(a, argparse._SubParsersAction) else 1 for a in positionals)
            continue
        if room == 0:
            return f"argument en trop « {word} » pour « {name} »"
        room -= 1
    return None


COMMAND_SEPARATORS = re.compile(r"&&|\|\||;|\|")
# Where a command's own words end: a redirection, or « … » (the rest left out).
COMMAND_ENDS = (">", ">>", "2>", "<", "…", "...")


def command_lines() -> Iterator[tuple[str, list[str]]]:
    """Every `vigie …` and `make …` command of README and docs: (where, words)."""
    for file in markdown_files():
        blocks, prose = split(file)
        found: list[tuple[int, str]] = []
        for number, line in prose:
            found.extend((number, m["code"]) for m in CODE_SPAN.finditer(line))
        for block in blocks:
            if block.info in SHELL_LANGUAGES:
                for offset, line in enumerate(block.text.splitlines(), start=1):
                    found.append((block.line + offset, line.removeprefix("$ ")))
        for number, text in found:
            for part in COMMAND_SEPARATORS.split(text):
                try:
                    words = shlex.split(part, comments=True)
                except ValueError:
                    continue
                for start, word in enumerate(words):
                    if word in ("vigie", "make") or word.endswith("/vigie"):
                        rest = words[start:]
                        end = next((i for i, w in enumerate(rest) if w in COMMAND_ENDS), None)
                        yield f"{file.relative_to(REPO)}:{number}", rest[:end]
                        break


def test_the_docs_name_vigie_commands() -> None:
    named = [words for _, words in command_lines() if words[0] != "make"]
    assert len(named) > 40  # the parsing found them
    assert vigie_problem(["new", "incident", "x", "--kind", "outage"]) is None
    assert vigie_problem(["new", "incident", "x", "--kind", "autre"]) is not None
    assert vigie_problem(["deploy", "dir", "/srv", "--keep", "3", "-d", "site"]) is None
    assert vigie_problem(["deploy", "dossier"]) is not None
    assert vigie_problem(["check", "--depuis"]) is not None
    assert vigie_problem(["verify", "site/", "encore"]) is not None


def test_every_vigie_command_and_option_named_exists() -> None:
    wrong = []
    for where, words in command_lines():
        if words[0] != "make":
            problem = vigie_problem(words[1:])
            if problem:
                wrong.append(f"{where}: {' '.join(words)} : {problem}")
    assert not wrong, "\n".join(wrong)


def test_every_make_target_named_exists() -> None:
    targets: dict[str, str] = {}
    for where, words in command_lines():
        if words[0] == "make":
            for word in words[1:]:
                if word.startswith("-") or "=" in word:
                    continue
                if not re.fullmatch(r"[a-z][a-z.-]*", word):
                    break
                targets.setdefault(word, where)
    assert {"build", "test"} <= set(targets)
    wrong = []
    for target, where in sorted(targets.items()):
        done = subprocess.run(
            ["make", "-n", "-C", str(REPO), target], capture_output=True, text=True, check=False
        )
        if done.returncode != 0:
            wrong.append(f"{where}: make {target} : {done.stderr.strip()}")
    assert not wrong, "\n".join(wrong)


# --- Every example source passes vigie check -------------------------------------------


def source_blocks() -> list[Block]:
    """Every YAML or Markdown block of README and docs (generated pages left out)."""
    return [
        block
        for file in markdown_files()
        if file.relative_to(REPO).as_posix() not in GENERATED
        for block in split(file)[0]
        if block.info in SOURCE_LANGUAGES
    ]


def examples() -> dict[str, Block]:
    """The example sources, by the path each one is, in the example site."""
    found: dict[str, Block] = {}
    for block in source_blocks():
        marked = EXAMPLE.match(block.marker or "")
        if marked:
            assert marked["path"] not in found, f"{block.where}: {marked['path']} déjà donné"
            found[marked["path"]] = block
    return found


def test_every_source_block_says_whether_it_is_an_example_or_a_fragment() -> None:
    unmarked = [
        block.where
        for block in source_blocks()
        if not EXAMPLE.match(block.marker or "") and not FRAGMENT.match(block.marker or "")
    ]
    assert not unmarked, (
        "blocs sans <!-- exemple : chemin --> ni <!-- extrait --> juste avant : "
        + ", ".join(unmarked)
    )
    assert len(examples()) >= 6


def check_with(repo: Path, chosen: dict[str, Block]) -> list[str]:
    """The problems `vigie check` finds once `chosen` are written into `repo`."""
    for path, block in chosen.items():
        target = repo / path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(block.text, encoding="utf-8")
    return [str(p) for p in pipeline.check(repo / "mkdocs.yml").problems]


def test_every_example_source_passes_vigie_check(tmp_path: Path) -> None:
    found = examples()
    problems = check_with(copy_repo(tmp_path / "all"), found)
    if not problems:
        return
    named = [  # a problem in an example's own file names it
        f"{block.where} ({path}): {problem}"
        for problem in problems
        for path, block in found.items()
        if problem.startswith(f"{path}:")
    ]
    if len(named) < len(problems):  # elsewhere: the example without which it is gone
        for number, (path, block) in enumerate(found.items()):
            others = {p: b for p, b in found.items() if p != path}
            if check_with(copy_repo(tmp_path / f"without-{number}"), others) != problems:
                named.append(f"{block.where} ({path}) : sans lui, la vérification change")
    assert not problems, "\n".join([*named, *problems])
