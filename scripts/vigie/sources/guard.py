"""The append-only guard: what was published stays published, unchanged unless corrected.

`vigie check --since <git-ref>` compares each update that was public at that revision
with the working tree. Changing its body, date or status needs a new `corrections:`
entry; deleting or renaming it (or its incident) is refused, since others link to it.
"""

from __future__ import annotations

import subprocess
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from vigie import messages as msg
from vigie.messages import Problem
from vigie.sources.dates import parse_datetime
from vigie.sources.load import UPDATE_NAME, parse_update

if TYPE_CHECKING:
    from pathlib import Path

    from vigie.sources.load import IncidentSources, Sources, UpdateSource


class HistoryError(Exception):
    """The git history needed to compare is not there: say which, never pass silently."""


@dataclass(frozen=True)
class PublishedUpdate:
    path: str
    date: Any
    status: Any
    body: str
    corrections: int


def _git(root: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        ["git", "-C", str(root), *args], capture_output=True, text=True, check=False
    )


def default_reference(root: Path) -> str:
    """The upstream main branch's merge base, else `HEAD~1`."""
    for upstream in ("@{upstream}", "origin/main", "origin/HEAD"):
        base = _git(root, "merge-base", "HEAD", upstream)
        if base.returncode == 0 and base.stdout.strip():
            head = _git(root, "rev-parse", "HEAD").stdout.strip()
            if base.stdout.strip() != head:
                return base.stdout.strip()
    return "HEAD~1"


def _resolve(root: Path, reference: str) -> str:
    if _git(root, "rev-parse", "--git-dir").returncode != 0:
        raise HistoryError(msg.GUARD_NOT_GIT.format(root=root))
    resolved = _git(root, "rev-parse", "--verify", "--quiet", f"{reference}^{{commit}}")
    if resolved.returncode == 0:
        return resolved.stdout.strip()
    shallow = _git(root, "rev-parse", "--is-shallow-repository").stdout.strip() == "true"
    if shallow:
        raise HistoryError(msg.GUARD_SHALLOW.format(reference=reference))
    if reference == "HEAD~1" and _git(root, "rev-list", "--count", "HEAD").stdout.strip() == "1":
        return ""  # the very first commit: nothing was published before it
    raise HistoryError(msg.GUARD_UNKNOWN_REF.format(reference=reference))


def _published_at(root: Path, commit: str, incidents_dir: str) -> dict[str, PublishedUpdate]:
    """Every update that was public at `commit`, read in one `git cat-file --batch`."""
    listing = _git(root, "ls-tree", "-r", "--name-only", commit, "--", f"{incidents_dir}/")
    paths = [
        p
        for p in listing.stdout.splitlines()
        if p.count("/") == 3 and p.split("/")[2] == "updates" and UPDATE_NAME.match(p.split("/")[3])
    ]
    if not paths:
        return {}
    batch = subprocess.run(
        ["git", "-C", str(root), "cat-file", "--batch"],
        input="".join(f"{commit}:{p}\n" for p in paths).encode(),
        capture_output=True,
        check=False,
    ).stdout
    published = {}
    position = 0
    for path in paths:
        end_of_header = batch.index(b"\n", position)
        header = batch[position:end_of_header].split()
        position = end_of_header + 1
        if header[-1] == b"missing":
            continue
        size = int(header[2])
        text = batch[position : position + size].decode("utf-8", errors="replace")
        position += size + 1
        update = parse_update(text.replace("\r\n", "\n"), path, [])
        if update is None or not isinstance(update.front_matter.data, dict):
            continue
        if update.front_matter.data.get("draft") is True:
            continue
        published[path] = _snapshot(update)
    return published


def _snapshot(update: UpdateSource) -> PublishedUpdate:
    data = update.front_matter.data if isinstance(update.front_matter.data, dict) else {}
    date, _ = parse_datetime(data.get("date"))
    corrections = data.get("corrections")
    return PublishedUpdate(
        update.path,
        date or data.get("date"),
        data.get("status"),
        update.body.strip(),
        len(corrections) if isinstance(corrections, list) else 0,
    )


def check_published(
    root: Path, sources: Sources, incidents_dir: str, reference: str | None = None
) -> list[Problem]:
    """Problems with published updates since `reference` (default: see `default_reference`)."""
    commit = _resolve(root, reference or default_reference(root))
    if not commit:
        return []
    before = _published_at(root, commit, incidents_dir)
    now: dict[str, tuple[UpdateSource, PublishedUpdate]] = {
        u.path: (u, _snapshot(u)) for i in sources.incidents for u in i.updates
    }
    folders = {i.folder: i for i in sources.incidents}
    bodies = {snapshot.body: path for path, (_, snapshot) in now.items()}
    problems = []
    reported_incidents = set()
    for path, old in sorted(before.items()):
        folder = path.split("/")[1]
        if folder not in folders:
            if folder not in reported_incidents:
                reported_incidents.add(folder)
                problems.append(
                    Problem(f"{incidents_dir}/{folder}/incident.yml", 1, msg.GUARD_INCIDENT_GONE)
                )
            continue
        if path not in now:
            moved_to = bodies.get(old.body)
            message = msg.GUARD_RENAMED.format(new=moved_to) if moved_to else msg.GUARD_DELETED
            problems.append(Problem(path, 1, message))
            continue
        source, current = now[path]
        problems.extend(_changes(source, old, current, folders[folder]))
    return problems


def _changes(
    source: UpdateSource, old: PublishedUpdate, new: PublishedUpdate, incident: IncidentSources
) -> list[Problem]:
    if new.corrections > old.corrections:
        return []
    doc = source.front_matter
    changed = []
    if new.date != old.date:
        changed.append((doc.line("date"), "date"))
    if new.status != old.status:
        changed.append((doc.line("status"), "statut"))
    if new.body != old.body:
        old_lines, new_lines = old.body.split("\n"), new.body.split("\n")
        first = next(
            (i for i, (a, b) in enumerate(zip(old_lines, new_lines, strict=False)) if a != b),
            min(len(old_lines), len(new_lines)),
        )
        changed.append((source.body_line + first, "texte"))
    return [
        Problem(source.path, line, msg.GUARD_CHANGED.format(what=what)) for line, what in changed
    ]
