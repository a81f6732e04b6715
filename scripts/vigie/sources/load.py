"""Read the sources under `incidents/`: files, names, front matter (YAML in `yamldoc`).

Nothing here judges the content; it only turns files into plain data (text, numbers,
booleans, lists, mappings) and reports what cannot be read at all.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from vigie import messages as msg
from vigie.cache import fingerprint
from vigie.messages import Problem
from vigie.sources import fraud
from vigie.sources.yamldoc import (
    CONTROL_CHARACTER,
    KeptReading,
    document_record,
    record_document,
)
from vigie.sources.yamldoc import MAX_DEPTH as MAX_DEPTH  # read by config_file
from vigie.sources.yamldoc import Document as Document  # the type every reader shares
from vigie.sources.yamldoc import parse_yaml as parse_yaml

if TYPE_CHECKING:
    from vigie.memo import Memo

MAX_FILE_BYTES = 1024 * 1024
MAX_UPDATES = 500  # each update adds a version page holding the whole notice: output grows as n²
UPDATE_NAME = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{4}-[a-z0-9]+(?:-[a-z0-9]+)*\.md$")
SLUG_PATTERN = "^[a-z0-9]+(-[a-z0-9]+)*$"  # identifiers, spelt as in the schemas
SLUG = re.compile(SLUG_PATTERN)


@dataclass(frozen=True)
class UpdateSource:
    path: str
    stem: str
    front_matter: Document
    body: str
    body_line: int


@dataclass(frozen=True)
class IncidentSources:
    folder: str
    path: str
    incident: Document | None
    updates: tuple[UpdateSource, ...]  # the readable ones
    faq: Document | None
    update_files: int  # every file under updates/, readable or not
    communications: Document | None = None
    fraudulent_messages: Document | None = None  # fraudulent-messages.yml: reported, not ours

    def digest(self) -> str:
        """A fingerprint of every text the incident is read from: its model follows from
        them, the settings and the code (the build cache keys its pages by it)."""
        parts = [self.path]
        for doc in (self.incident, self.faq, self.communications, self.fraudulent_messages):
            parts += [doc.path, doc.text] if doc else ["", ""]
        for update in self.updates:
            parts += [update.path, update.front_matter.text, update.body]
        return fingerprint(*parts)


@dataclass(frozen=True)
class PageSource:
    """A hand-written page of `pages/` (Markdown), read only to check its HTML and links."""

    path: str
    text: str


@dataclass(frozen=True)
class Sources:
    incidents: tuple[IncidentSources, ...]
    faq: Document | None
    problems: tuple[Problem, ...]
    pages: tuple[PageSource, ...] = ()


def read_text(root: Path, rel: str, problems: list[Problem]) -> str | None:
    """The file's text, or None with a problem when it is not readable UTF-8 text."""
    try:
        # os.path: 12,000 pathlib joins and opens took 0.2 s of a profiled check (1,000 incidents)
        with open(os.path.join(root, rel), "rb") as handle:
            size = os.fstat(handle.fileno()).st_size
            if size > MAX_FILE_BYTES:  # judged before reading: a huge file is never loaded
                limit = MAX_FILE_BYTES // 1024
                too_large = msg.TOO_LARGE.format(size=size // 1024, limit=limit)
                problems.append(Problem(rel, 1, too_large))
                return None
            raw = handle.read()
    except OSError as error:
        problems.append(Problem(rel, 1, msg.UNREADABLE.format(reason=error.strerror or error)))
        return None
    if encoding := _wide_encoding(raw):
        problems.append(Problem(rel, 1, msg.NOT_UTF8_BUT.format(encoding=encoding)))
        return None
    if b"\x00" in raw:
        line = raw.count(b"\n", 0, raw.index(b"\x00")) + 1
        problems.append(Problem(rel, line, msg.NUL_BYTE))
        return None
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as error:
        line = raw.count(b"\n", 0, error.start) + 1
        byte = f"0x{raw[error.start]:02x}"
        problems.append(Problem(rel, line, msg.NOT_UTF8.format(byte=byte)))
        return None
    text = text.removeprefix("\ufeff").replace("\r\n", "\n").replace("\r", "\n")
    if control := CONTROL_CHARACTER.search(text):
        line = text.count("\n", 0, control.start()) + 1
        code = f"U+{ord(control.group()):04X}"
        problems.append(Problem(rel, line, msg.CONTROL_CHARACTER.format(code=code)))
        return None
    return text


def _wide_encoding(raw: bytes) -> str | None:
    """UTF-16 or UTF-32 (as some Windows editors save), told by its BOM or its zero bytes."""
    if raw.startswith((b"\xff\xfe\x00\x00", b"\x00\x00\xfe\xff")):
        return "UTF-32"
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        return "UTF-16"
    head = raw[:64]
    if len(head) >= 4 and (head[0::2].count(0) == len(head[0::2]) or not any(head[1::2])):
        return "UTF-16"
    return None


def name_reason(name: str) -> str | None:
    """Why `name` cannot be a folder or file name in `incidents/`, in staff's words."""
    if ".." in name:
        return msg.NAME_REASONS["dots"]
    if "/" in name or "\\" in name:
        return msg.NAME_REASONS["slash"]
    if any(char.isspace() for char in name):
        return msg.NAME_REASONS["space"]
    if name.startswith("."):
        return msg.NAME_REASONS["hidden"]
    if other := next((char for char in name if not char.isascii()), None):
        return msg.NAME_REASONS["non_ascii"].format(char=other)
    # The "T" between date and time in update names (2024-02-06T1800-…) is the one capital.
    if any(char.isupper() for char in re.sub(r"(?<=\d)T(?=\d)", "t", name)):
        return msg.NAME_REASONS["capitals"]
    if other := next((char for char in name if not (char.isalnum() or char in "-.")), None):
        return msg.NAME_REASONS["other"].format(char=other)
    return None


def _bad_name(message: str, name: str) -> str:
    reason = name_reason(name)
    return msg.NAME_REASON.format(message=message, reason=reason) if reason else message


def _entries(folder: Path | os.DirEntry[str]) -> list[os.DirEntry[str]]:
    """The folder's entries by name; each knows whether it is a file, a folder or a link
    without asking the file system again (12,000 files at 1,000 incidents)."""
    with os.scandir(folder) as entries:
        return sorted(entries, key=lambda entry: entry.name)


def _outside_link(path: Path | os.DirEntry[str], base: Path) -> str | None:
    """The problem with `path` when it is a symbolic link leaving `base` (or going nowhere)."""
    if not path.is_symlink():
        return None
    try:
        target = Path(path).resolve(strict=True)
    except (OSError, RuntimeError):
        return msg.SYMLINK_BROKEN
    if not target.is_relative_to(base.resolve()):
        return msg.SYMLINK_OUTSIDE.format(target=target, folder=base.name)
    return None


def parse_update(
    text: str, rel: str, problems: list[Problem], parsed: Memo | None = None
) -> UpdateSource | None:
    """Split an update file into its YAML front matter and its Markdown body."""
    lines = text.split("\n")
    if not lines or lines[0].strip() != "---":
        problems.append(Problem(rel, 1, msg.NO_FRONT_MATTER))
        return None
    closing = next((i for i in range(1, len(lines)) if lines[i].rstrip() in ("---", "...")), None)
    if closing is None:
        problems.append(Problem(rel, 1, msg.UNCLOSED_FRONT_MATTER))
        return None
    front_matter = _parse("\n".join(lines[1:closing]), rel, problems, 2, "update", parsed)
    raw_body = "\n".join(lines[closing + 1 :])
    body = raw_body.strip("\n")
    leading_blank_lines = len(raw_body) - len(raw_body.lstrip("\n"))
    if not body.strip():
        problems.append(Problem(rel, closing + 1, msg.EMPTY_BODY))
    stem = rel.rsplit("/", 1)[-1].removesuffix(".md")
    return UpdateSource(rel, stem, front_matter, body, closing + 2 + leading_blank_lines)


def _parse(
    text: str, rel: str, problems: list[Problem], first_line: int, kind: str, parsed: Memo | None
) -> Document:
    """`parse_yaml`, or what it gave for this very text in an earlier check (`parsed`)."""
    if parsed is None:
        return parse_yaml(text, rel, problems, first_line, kind)
    key = fingerprint(rel, first_line, kind, text)
    record = parsed.get(key, KeptReading)
    kept = record_document(record, rel, text, first_line) if record is not None else None
    if kept is not None:
        doc, found = kept
    else:
        found = []
        doc = parse_yaml(text, rel, found, first_line, kind)
        parsed.put(key, document_record(doc, found))
    problems.extend(found)
    return doc


def _load_yaml_file(
    root: Path, rel: str, problems: list[Problem], kind: str, parsed: Memo | None
) -> Document | None:
    text = read_text(root, rel, problems)
    if text is None:
        return None
    return _parse(text, rel, problems, 1, kind, parsed)


def _load_incident(
    root: Path, rel: str, problems: list[Problem], base: Path, parsed: Memo | None
) -> IncidentSources:
    folder = rel.rsplit("/", 1)[-1]
    directory = root / rel
    if not SLUG.match(folder):
        problems.append(Problem(rel, 1, _bad_name(msg.BAD_FOLDER_NAME.format(name=folder), folder)))
    incident = faq = communications = fraudulent = None
    updates: list[UpdateSource] = []
    update_files = 0
    for entry in _entries(directory):
        entry_rel = f"{rel}/{entry.name}"
        if link_problem := _outside_link(entry, base):
            problems.append(Problem(entry_rel, 1, link_problem))
        elif entry.name == "incident.yml" and entry.is_file():
            incident = _load_yaml_file(root, entry_rel, problems, "incident", parsed)
        elif entry.name == "faq.yml" and entry.is_file():
            faq = _load_yaml_file(root, entry_rel, problems, "faq", parsed)
        elif entry.name == "communications.yml" and entry.is_file():
            communications = _load_yaml_file(root, entry_rel, problems, "communications", parsed)
        elif entry.name == fraud.FILE and entry.is_file():
            fraudulent = _load_yaml_file(root, entry_rel, problems, "fraudulent-messages", parsed)
        elif entry.name == "updates" and entry.is_dir():
            update_paths = _entries(entry)
            if len(update_paths) > MAX_UPDATES:
                too_many = msg.TOO_MANY_UPDATES.format(count=len(update_paths), limit=MAX_UPDATES)
                problems.append(Problem(entry_rel, 1, too_many))
                update_files, update_paths = len(update_paths), []
            for update_file in update_paths:
                update_rel = f"{entry_rel}/{update_file.name}"
                update_files += 1
                if link_problem := _outside_link(update_file, base):
                    problems.append(Problem(update_rel, 1, link_problem))
                    continue
                if not (update_file.is_file() and UPDATE_NAME.match(update_file.name)):
                    problems.append(
                        Problem(update_rel, 1, _bad_name(msg.BAD_UPDATE_NAME, update_file.name))
                    )
                    continue
                text = read_text(root, update_rel, problems)
                update = (
                    parse_update(text, update_rel, problems, parsed) if text is not None else None
                )
                if update is not None:
                    updates.append(update)
        else:
            problems.append(Problem(entry_rel, 1, msg.UNEXPECTED_FILE))
    if not (directory / "incident.yml").is_file():
        problems.append(Problem(f"{rel}/incident.yml", 1, msg.MISSING_INCIDENT_FILE))
    if update_files > MAX_UPDATES:  # the updates are unread: judging the notice would mislead
        incident = None
    return IncidentSources(
        folder, rel, incident, tuple(updates), faq, update_files, communications, fraudulent
    )


def load_sources(
    root: Path,
    incidents_dir: str = "incidents",
    pages_dir: str = "pages",
    parsed: Memo | None = None,
) -> Sources:
    """Read every source file under `root/incidents_dir` (and the pages); never raises.

    With `parsed` (the build cache's), a YAML text read by an earlier check is not parsed
    again: its data, lines and problems are taken as that check kept them.
    """
    problems: list[Problem] = []
    incidents: list[IncidentSources] = []
    faq = None
    base = root / incidents_dir
    for entry in _entries(base) if base.is_dir() else ():
        rel = f"{incidents_dir}/{entry.name}"
        if link_problem := _outside_link(entry, base):
            problems.append(Problem(rel, 1, link_problem))
        elif entry.is_dir():
            incidents.append(_load_incident(root, rel, problems, base, parsed))
        elif entry.name == "faq.yml":
            faq = _load_yaml_file(root, rel, problems, "faq", parsed)
        elif entry.name not in ("README.md", ".gitkeep"):
            problems.append(Problem(rel, 1, msg.UNEXPECTED_TOP_FILE))
    pages = _load_pages(root, pages_dir, problems)
    return Sources(tuple(incidents), faq, tuple(problems), pages)


def _load_pages(root: Path, pages_dir: str, problems: list[Problem]) -> tuple[PageSource, ...]:
    base = root / pages_dir
    pages = []
    for path in sorted(base.rglob("*.md")) if base.is_dir() else ():
        rel = path.relative_to(root).as_posix()
        if link_problem := _outside_link(path, base):
            problems.append(Problem(rel, 1, link_problem))
        elif path.is_file() and (text := read_text(root, rel, problems)) is not None:
            pages.append(PageSource(rel, text))
    return tuple(pages)
