"""`mkdocs.yml` read as Vigie needs it: plain data with the line of every value.

Only what Vigie judges is turned into data: `site_url`, `site_name`, `docs_dir` and the
options of the `vigie` plugin. The tags MkDocs knows do not stop the reading: `!ENV` is
resolved as MkDocs resolves it, and the others (`!relative`, `!!python/name:…`) are never
built, since they stand elsewhere in the file. Aliases are followed, as MkDocs follows them.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import yaml

from vigie import messages as msg
from vigie.messages import Problem
from vigie.sources import yaml_messages
from vigie.sources.load import MAX_DEPTH, Document, read_text

if TYPE_CHECKING:
    from pathlib import Path

PLUGIN = "vigie"
SITE_OPTIONS = ("site_url", "site_name", "docs_dir")  # MkDocs' own, that Vigie uses
_TIMESTAMP_TAG = "tag:yaml.org,2002:timestamp"
_PLAIN_TAGS = ("tag:yaml.org,2002:seq", "tag:yaml.org,2002:map")
UNREADABLE: Any = object()  # a value whose problem is already told (an unknown tag…)


@dataclass(frozen=True)
class ConfigFile:
    """What Vigie reads of `mkdocs.yml`, each value with its line."""

    site: Document  # SITE_OPTIONS, as written
    plugins_line: int  # the line of `plugins:`, else 1
    # The vigie plugin's options, `lines[()]` being the line of `- vigie:` (data None when it
    # has none); None when the plugin is not listed.
    options: Document | None


def read_config_file(config_file: Path, problems: list[Problem]) -> ConfigFile | None:
    """`mkdocs.yml` read with its lines; None when it cannot be read (`problems` say why)."""
    rel = config_file.name
    text = read_text(config_file.parent, rel, problems)
    if text is None:
        return None
    reader = _Reader(text, rel, problems)
    root = reader.root()
    if root is None:
        if not problems:
            problems.append(Problem(rel, 1, msg.EMPTY_FILE))
        return None
    site_lines: dict = {}
    site: dict[str, Any] = {}
    for key in SITE_OPTIONS:
        if found := _entry(root, key):
            site_lines[("#key", key)] = found[0].start_mark.line + 1
            site[key] = reader.plain(found[1], (key,), site_lines)
    site_doc = Document(rel, site, site_lines, 1, text)
    plugins = _entry(root, "plugins")
    plugins_line = plugins[0].start_mark.line + 1 if plugins else 1
    entry = _plugin_entry(plugins[1]) if plugins else None
    if entry is None:
        return ConfigFile(site_doc, plugins_line, None)
    key_node, options_node = entry
    lines: dict = {}
    data = reader.plain(options_node, (), lines) if options_node is not None else None
    lines[()] = vigie_line = key_node.start_mark.line + 1  # where a missing option is told
    return ConfigFile(site_doc, plugins_line, Document(rel, data, lines, vigie_line, text))


class _Reader:
    """YAML nodes to plain data with the line of each value (`load.Document`'s `lines`)."""

    def __init__(self, text: str, rel: str, problems: list[Problem]) -> None:
        self.rel = rel
        self.problems = problems
        self.text = text
        self.loader = yaml.SafeLoader(text)

    def root(self) -> yaml.Node | None:
        """The document's node; aliases and every tag kept: only composing, nothing built."""
        try:
            return self.loader.get_single_node()
        except yaml.MarkedYAMLError as error:  # in French, at its line and column
            self.problems.append(yaml_messages.syntax_problem(error, self.text, self.rel, 0))
        except yaml.YAMLError:
            self.problems.append(Problem(self.rel, 1, yaml_messages.UNREADABLE))
        return None

    def plain(self, node: yaml.Node, path: tuple[str | int, ...], lines: dict) -> Any:
        """The value of `node`, each line noted in `lines` under its path."""
        line = node.start_mark.line + 1
        lines[path] = line
        if len(path) > MAX_DEPTH:  # also stops an alias that contains itself
            self.problems.append(Problem(self.rel, line, msg.YAML_TOO_DEEP.format(limit=MAX_DEPTH)))
            return UNREADABLE
        if node.tag == "!ENV":
            return self._environment(node, path, lines)
        if isinstance(node, yaml.ScalarNode):
            if node.tag == _TIMESTAMP_TAG:  # dates stay text: judged below, with a message
                return node.value
            try:
                return self.loader.construct_object(node)
            except yaml.constructor.ConstructorError:
                self.problems.append(Problem(self.rel, line, msg.YAML_TAG.format(tag=node.tag)))
                return UNREADABLE
        if node.tag not in _PLAIN_TAGS:
            self.problems.append(Problem(self.rel, line, msg.YAML_TAG.format(tag=node.tag)))
            return UNREADABLE
        if isinstance(node, yaml.SequenceNode):
            return [self.plain(item, (*path, i), lines) for i, item in enumerate(node.value)]
        self.loader.flatten_mapping(node)  # `<<: *defaults`, as YAML merges it
        mapping: dict[str, Any] = {}
        for key_node, value_node in node.value:
            key_line = key_node.start_mark.line + 1
            if not isinstance(key_node, yaml.ScalarNode):
                self.problems.append(Problem(self.rel, key_line, msg.YAML_KEY_NOT_TEXT))
                continue
            key = key_node.value
            if key in mapping:
                first = lines[("#key", *path, key)]
                message = msg.DUPLICATE_KEY.format(key=key, first=first)
                self.problems.append(Problem(self.rel, key_line, message))
                continue
            lines[("#key", *path, key)] = key_line
            mapping[key] = self.plain(value_node, (*path, key), lines)
        return mapping

    def _environment(self, node: yaml.Node, path: tuple[str | int, ...], lines: dict) -> Any:
        """`!ENV NAME` or `!ENV [NAME, OTHER, default]`, as MkDocs (pyyaml-env-tag) reads it."""
        names, default = [node], None
        if isinstance(node, yaml.SequenceNode):
            names = node.value[:-1] if len(node.value) > 1 else node.value
            if len(node.value) > 1:
                default = self.plain(node.value[-1], path, lines)
        for name in names:
            if isinstance(name, yaml.ScalarNode) and name.value in os.environ:
                value = os.environ[name.value]
                tag = self.loader.resolve(yaml.ScalarNode, value, (True, False))
                return self.plain(yaml.ScalarNode(tag, value, node.start_mark), path, lines)
        return default


def _entry(mapping: yaml.Node, key: str) -> tuple[yaml.Node, yaml.Node] | None:
    """The key node and value node of `key` in a mapping node."""
    if not isinstance(mapping, yaml.MappingNode):
        return None
    return next(
        ((k, v) for k, v in mapping.value if isinstance(k, yaml.ScalarNode) and k.value == key),
        None,
    )


def _plugin_entry(plugins: yaml.Node) -> tuple[yaml.Node, yaml.Node | None] | None:
    """The `vigie` key (or list item) under `plugins:` and its options' node, if any."""
    if isinstance(plugins, yaml.MappingNode):  # plugins: {vigie: {...}}
        return _entry(plugins, PLUGIN)
    if not isinstance(plugins, yaml.SequenceNode):
        return None
    for item in plugins.value:
        if isinstance(item, yaml.ScalarNode) and item.value == PLUGIN:  # - vigie
            return item, None
        if found := _entry(item, PLUGIN):  # - vigie: {...}
            return found
    return None
