"""YAML text to plain data, with the line of each value; every source kind's top-level shape.

Only plain values come out (text, numbers, booleans, lists, mappings): aliases, tags, merge
keys, over-long numbers and lists, escaped control characters and deep nesting are refused
at their line, and the value is marked refused so that no later check reports it again.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any, TypedDict

import yaml
from yaml.composer import Composer
from yaml.constructor import SafeConstructor
from yaml.resolver import Resolver

from vigie import messages as msg
from vigie.messages import Problem
from vigie.sources import yaml_messages
from vigie.sources.kept import ProblemRecords, from_records, problem_records

MAX_DEPTH = 20
TIMESTAMP_TAG = "tag:yaml.org,2002:timestamp"
SEQUENCE_TAG = "tag:yaml.org,2002:seq"
# What YAML refuses to read, refused in every source file (tab and line ends are fine).
# What YAML cannot print, and the bidirectional embeddings, overrides and isolates, which make
# a text show in another order than it is written (« Trojan Source », CVE-2021-42574).
# One class, not YAML's NON_PRINTABLE "|" the bidi class: an alternation is tried at every
# character, and this is searched through every source text (5 times faster at 12,000 texts).
CONTROL_CHARACTER = re.compile(
    "[^\t\n\r\x20-\x7e\x85\xa0-\u2029\u202f-\u2065\u206a-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]"
)
MAPPING_TAG = "tag:yaml.org,2002:map"
INT_TAG = "tag:yaml.org,2002:int"
MERGE_TAG = "tag:yaml.org,2002:merge"
# Plain values only: binary, sets, ordered maps and custom tags are refused.
SCALAR_TAGS = frozenset(
    f"tag:yaml.org,2002:{name}" for name in ("str", "int", "float", "bool", "null", "timestamp")
)
# No field is a number this long; Python refuses to read integers past 4300 digits.
MAX_NUMBER_CHARS = 30
MAX_LIST_ITEMS = 1000
MULTIPLE_DOCUMENTS = "expected a single document in the stream"
# The top-level shape each source kind must have.
SHAPES: dict[str, type] = {
    "incident": dict,
    "update": dict,
    "faq": list,
    "communications": list,
    "fraudulent-messages": list,
}

KeyPath = tuple[str | int, ...]
REFUSED = "\x00refused"  # marks a refused value in Document.lines (no key holds a NUL)


@dataclass(frozen=True)
class Document:
    """Plain data read from one YAML document, with the line where each value starts."""

    path: str
    data: Any
    lines: dict[KeyPath, int] = field(default_factory=dict)
    first_line: int = 1
    text: str = ""  # the YAML as written, to point at a line inside a multi-line value
    # Each one-key mapping of plain values (`- Important : ne cliquez pas`): its key and « : »
    # as written, and the line as a quoted text, for when a text was meant.
    colon_texts: dict[KeyPath, tuple[str, str]] = field(default_factory=dict)

    def refused(self, *keys: str | int) -> bool:
        """Whether the value at `keys`, or one of its parents, was refused while reading."""
        return any((REFUSED, *keys[:n]) in self.lines for n in range(len(keys) + 1))

    def line(self, *keys: str | int) -> int:
        """Line of the value at `keys`, or of its nearest parent that exists."""
        path = tuple(keys)
        while path:
            if path in self.lines:
                return self.lines[path]
            path = path[:-1]
        return self.lines.get((), self.first_line)

    def text_line(self, *keys: str | int) -> int:
        """Line where the text of the value at `keys` starts (after `|` or `>`)."""
        return self.lines.get(("#content", *keys), self.line(*keys))

    def key_line(self, *keys: str | int) -> int:
        """Line of the key itself (where a mapping's value starts on the next line)."""
        return self.lines.get(("#key", *keys), self.line(*keys))


class _AliasFound(Exception):
    def __init__(self, line: int) -> None:
        self.line = line


class _TooDeep(Exception):
    def __init__(self, line: int) -> None:
        self.line = line


class _Limits:
    """Refuse aliases and deep nesting while composing, each with its line."""

    depth = 0

    def compose_node(self, parent: Any, index: Any) -> Any:
        if self.check_event(yaml.AliasEvent):
            raise _AliasFound(self.peek_event().start_mark.line)
        # Stop deep nesting here, with its line, long before Python's recursion limit.
        self.depth += 1
        try:
            if self.depth > MAX_DEPTH + 1:
                raise _TooDeep(self.peek_event().start_mark.line)
            return super().compose_node(parent, index)
        finally:
            self.depth -= 1


class _Loader(_Limits, yaml.SafeLoader):
    """PyYAML in Python: slow, but its messages are the ones staff are shown."""


try:  # PyYAML's wheels carry libyaml
    from yaml.cyaml import CParser
except ImportError:  # pragma: no cover
    _FastLoader: type[_Loader] | None = None
else:

    class _FastLoader(_Limits, Composer, CParser, SafeConstructor, Resolver):  # type: ignore[no-redef]
        """libyaml's scanner and parser (16 times faster) under the same composer.

        Only sources that parse are read with it: on any error the file is read again with
        `_Loader`, whose messages the tests and the README quote.
        """

        def __init__(self, stream: str) -> None:
            CParser.__init__(self, stream)
            Composer.__init__(self)
            SafeConstructor.__init__(self)
            Resolver.__init__(self)


def parse_yaml(
    text: str, rel: str, problems: list[Problem], first_line: int = 1, kind: str | None = None
) -> Document:
    """Parse one YAML document; `first_line` is the file line where `text` starts.

    With a source `kind` (a key of SHAPES), anything but that top-level shape is refused
    with an example of the right form, and read as None.
    """
    if _FastLoader is not None:
        loader = _FastLoader(text)
        try:
            node = loader.get_single_node()
        except (yaml.YAMLError, _AliasFound, _TooDeep, RecursionError):
            pass  # read again below, for the exact message and line
        else:
            if node is None:
                return _shaped(Document(rel, None, first_line=first_line), kind, problems, node)
            reading = _Reading(loader, rel, first_line - 1, problems, text)
            return _shaped(reading.document(node, first_line), kind, problems)
        finally:
            loader.dispose()
    return _parse_yaml_slowly(text, rel, problems, first_line, kind)


def _parse_yaml_slowly(
    text: str, rel: str, problems: list[Problem], first_line: int, kind: str | None = None
) -> Document:
    offset = first_line - 1
    try:
        loader = _Loader(text)
    except yaml.reader.ReaderError as error:  # read_text already refuses these characters
        line = text.count("\n", 0, error.position) + 1 + offset
        code = f"U+{error.character:04X}"
        problems.append(Problem(rel, line, msg.CONTROL_CHARACTER.format(code=code)))
        return Document(rel, None, first_line=first_line)
    try:
        node = loader.get_single_node()
    except _AliasFound as alias:
        problems.append(Problem(rel, alias.line + 1 + offset, msg.YAML_ALIAS))
        return Document(rel, None, first_line=first_line)
    except _TooDeep as deep:
        problems.append(
            Problem(rel, deep.line + 1 + offset, msg.YAML_TOO_DEEP.format(limit=MAX_DEPTH))
        )
        return Document(rel, None, first_line=first_line)
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        line = (mark.line + 1 if mark else 1) + offset
        if kind is not None and error.context == MULTIPLE_DOCUMENTS:
            found = msg.SHAPE_FOUND["documents"]
            problems.append(Problem(rel, line, _shape_message(kind, found)))
            return Document(rel, None, first_line=first_line)
        tab_line = _tab_indented_line(text, mark.line if mark else 0)
        if tab_line is not None:
            line_text = text.split("\n")[tab_line - 1]
            problems.append(yaml_messages.tab_problem(rel, tab_line + offset, line_text))
        else:
            problems.append(yaml_messages.syntax_problem(error, text, rel, offset))
        return Document(rel, None, first_line=first_line)
    except yaml.YAMLError:  # pragma: no cover (only a reader error, caught above, is unmarked)
        problems.append(Problem(rel, first_line, yaml_messages.UNREADABLE))
        return Document(rel, None, first_line=first_line)
    except RecursionError:
        problems.append(Problem(rel, first_line, msg.YAML_TOO_DEEP.format(limit=MAX_DEPTH)))
        return Document(rel, None, first_line=first_line)
    finally:
        loader.dispose()
    if node is None:
        return _shaped(Document(rel, None, first_line=first_line), kind, problems, node)
    reading = _Reading(loader, rel, offset, problems, text)
    return _shaped(reading.document(node, first_line), kind, problems)


def _shape_message(kind: str, found: str) -> str:
    return msg.SHAPE.format(expected=msg.SHAPE_EXPECTED[kind], found=found)


def _shaped(
    doc: Document, kind: str | None, problems: list[Problem], node: Any = "read"
) -> Document:
    """`doc` when its top level has the shape of `kind`; else None, with the problem."""
    if kind is None or isinstance(doc.data, SHAPES[kind]) or doc.refused():
        return doc
    if node is None:  # no document at all: empty, or only comments
        found = msg.SHAPE_FOUND["nothing"]
    else:
        names = {type(None): "null", list: "list", dict: "mapping", str: "text", bool: "boolean"}
        found = msg.SHAPE_FOUND[names.get(type(doc.data), "number")]
    line = doc.first_line if doc.data is None else doc.line()  # « --- » alone: its own line
    problems.append(Problem(doc.path, line, _shape_message(kind, found)))
    return Document(doc.path, None, doc.lines, doc.first_line, doc.text)


def _tab_indented_line(text: str, error_index: int) -> int | None:
    """The 1-based line of the first tab used as indentation, up to the error's line."""
    for index, line in enumerate(text.split("\n")[: error_index + 1]):
        if "\t" in line[: len(line) - len(line.lstrip(" \t"))]:
            return index + 1
    return None


@dataclass
class _Reading:
    """Nodes of one document to plain data, noting the line of each value as it goes."""

    loader: Any
    rel: str
    offset: int  # file lines before the YAML text
    problems: list[Problem]
    text: str
    lines: dict[KeyPath, int] = field(default_factory=dict)
    colon_texts: dict[KeyPath, tuple[str, str]] = field(default_factory=dict)

    def document(self, node: yaml.Node, first_line: int) -> Document:
        data = self.data(node, ())
        return Document(self.rel, data, self.lines, first_line, self.text, self.colon_texts)

    def data(self, node: yaml.Node, path: KeyPath) -> Any:
        rel, problems, lines = self.rel, self.problems, self.lines
        line = node.start_mark.line + 1 + self.offset
        lines[path] = line
        if len(path) > MAX_DEPTH:
            problems.append(Problem(rel, line, msg.YAML_TOO_DEEP.format(limit=MAX_DEPTH)))
            return None
        if isinstance(node, yaml.ScalarNode):
            if node.style in ("|", ">"):  # a block's text starts on the line after its indicator
                lines[("#content", *path)] = line + 1
            return _scalar(node, path, lines, self.loader, Problem(rel, line, ""), problems)
        if node.tag not in (SEQUENCE_TAG, MAPPING_TAG):
            problems.append(Problem(rel, line, msg.YAML_TAG.format(tag=node.tag)))
            lines[(REFUSED, *path)] = line
            return None
        if isinstance(node, yaml.SequenceNode):
            if len(node.value) > MAX_LIST_ITEMS:
                count = len(node.value)
                problems.append(
                    Problem(rel, line, msg.LIST_TOO_LONG.format(count=count, limit=MAX_LIST_ITEMS))
                )
                lines[(REFUSED, *path)] = line
                return None
            return [self.data(item, (*path, index)) for index, item in enumerate(node.value)]
        if len(node.value) == 1:
            self._note_colon_text(node, path)
        mapping: dict[str, Any] = {}
        for key_node, value_node in node.value:
            key_line = key_node.start_mark.line + 1 + self.offset
            if key_node.tag == MERGE_TAG:
                problems.append(Problem(rel, key_line, msg.YAML_MERGE))
                continue
            if not isinstance(key_node, yaml.ScalarNode):
                problems.append(Problem(rel, key_line, msg.YAML_KEY_NOT_TEXT))
                continue
            key = key_node.value
            if bad := CONTROL_CHARACTER.search(key):
                code = f"U+{ord(bad.group()):04X}"
                problems.append(Problem(rel, key_line, msg.ESCAPED_CHARACTER.format(code=code)))
                continue
            if key in mapping:
                first = lines[("#key", *path, key)]
                problems.append(
                    Problem(rel, key_line, msg.DUPLICATE_KEY.format(key=key, first=first))
                )
                continue
            lines[("#key", *path, key)] = key_line
            mapping[key] = self.data(value_node, (*path, key))
        return mapping

    def _note_colon_text(self, node: yaml.MappingNode, path: KeyPath) -> None:
        """`- Important : ne cliquez pas` as the quoted text it may have been meant to be."""
        key, value = node.value[0]
        plain = (None, "")
        if not isinstance(key, yaml.ScalarNode) or key.style not in plain:
            return
        if not isinstance(value, yaml.ScalarNode) or value.style not in (*plain, '"', "'"):
            return
        text = self.text
        colon = key.end_mark.index
        while colon < len(text) and text[colon] in " \t":
            colon += 1
        if text[colon : colon + 1] != ":":
            return
        start, end = key.start_mark.index, max(value.end_mark.index, colon + 1)
        head = text[start : colon + 1]
        if "\n" in text[start:end]:  # the value on the lines below: joined as YAML read it
            written = f"{head} {value.value}" if value.value else head
        else:
            written = text[start:end]
        line_start = text.rfind("\n", 0, start) + 1
        line_end = text.find("\n", end)
        after = text[end : len(text) if line_end < 0 else line_end]
        line = text[line_start:start].lstrip() + yaml_messages.quoted(written) + after.rstrip()
        self.colon_texts[path] = (head, line)


def _scalar(
    node: yaml.ScalarNode,
    path: KeyPath,
    lines: dict[KeyPath, int],
    loader: Any,
    where: Problem,
    problems: list[Problem],
) -> Any:
    """The plain value of `node`, or None with a problem (and the path marked refused)."""
    message = None
    if node.tag not in SCALAR_TAGS:
        message = msg.YAML_TAG.format(tag=node.tag)
    elif node.tag == INT_TAG and len(node.value) > MAX_NUMBER_CHARS:
        message = msg.NUMBER_TOO_LONG.format(digits=len(node.value), limit=MAX_NUMBER_CHARS)
    elif bad := CONTROL_CHARACTER.search(node.value):  # "\0", "\ud800"… between quotes
        message = msg.ESCAPED_CHARACTER.format(code=f"U+{ord(bad.group()):04X}")
    elif node.tag == TIMESTAMP_TAG:
        # Dates stay text: validation parses them itself, with a message for each bad form.
        return node.value
    else:
        try:
            return loader.construct_object(node)
        except (yaml.constructor.ConstructorError, ValueError):
            message = msg.YAML_TAG.format(tag=node.tag)
    problems.append(Problem(where.path, where.line, message))
    lines[(REFUSED, *path)] = where.line
    return None


class KeptReading(TypedDict):
    """A document and the problems of its reading as the build cache keeps them."""

    data: Any
    lines: list[tuple[list[str | int], int]]
    colon_texts: list[tuple[list[str | int], str, str]]
    problems: ProblemRecords


def document_record(doc: Document, problems: list[Problem]) -> KeptReading:
    """`doc` and the problems of its reading as JSON data, to be kept in the build cache."""
    return {
        "data": doc.data,
        "lines": [[list(keys), line] for keys, line in doc.lines.items()],
        "colon_texts": [[list(keys), head, line] for keys, (head, line) in doc.colon_texts.items()],
        "problems": problem_records(problems),
    }


def record_document(
    record: KeptReading, rel: str, text: str, first_line: int
) -> tuple[Document, list[Problem]]:
    """The document and problems `document_record` kept for this text."""
    lines = {tuple(keys): line for keys, line in record["lines"]}
    colon_texts = {tuple(keys): (head, line) for keys, head, line in record["colon_texts"]}
    doc = Document(rel, record["data"], lines, first_line, text, colon_texts)
    return doc, from_records(record["problems"])
