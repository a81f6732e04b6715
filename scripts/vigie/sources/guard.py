"""The append-only guard: what was published stays published, unchanged unless corrected.

Plain `vigie check` and `vigie build` compare the sources with what is public
(`check_public`): the previous build's record (`site/published.json`, written by
`outputs/published.py`) and the upstream branch git tracks, when there is one.
`vigie check --since <git-ref>` compares with any git revision instead. Either way,
changing a published update's body, date or status needs a new `corrections:` entry;
deleting or renaming it (or its incident) is refused, since others link to it.
"""

from __future__ import annotations

import hashlib
import json
import subprocess
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any

from vigie import messages as msg
from vigie import urls
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
    body: str | None  # None when only its hash is known (a build's record)
    corrections: int
    text_sha256: str = ""


@dataclass(frozen=True)
class Reference:
    """A published version of the site: where it was seen, and its updates by source path."""

    where: str  # told in the messages
    updates: dict[str, PublishedUpdate]
    incidents: frozenset[str]  # the folders of the incidents it published


def _git(root: Path, *args: str) -> subprocess.CompletedProcess[str]:
    try:
        return subprocess.run(
            ["git", "-C", str(root), *args], capture_output=True, text=True, check=False
        )
    except OSError:  # no git at all: as if outside a repository
        return subprocess.CompletedProcess(args, 128, "", "")


def _text_sha256(body: str) -> str:
    return hashlib.sha256(body.strip().encode("utf-8")).hexdigest()


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


def _published_at(
    root: Path, commit: str, incidents_dir: str, now: datetime | None = None
) -> dict[str, PublishedUpdate]:
    """Every update public at `commit` (with `now`: dated by then), in one `git cat-file`."""
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
        snapshot = _snapshot(update)
        if now is not None and isinstance(snapshot.date, datetime) and snapshot.date > now:
            continue  # scheduled: not public yet
        published[path] = snapshot
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
        _text_sha256(update.body),
    )


def check_published(
    root: Path, sources: Sources, incidents_dir: str, reference: str | None = None
) -> list[Problem]:
    """Problems with published updates since `reference` (default: see `default_reference`)."""
    commit = _resolve(root, reference or default_reference(root))
    if not commit:
        return []
    before = _published_at(root, commit, incidents_dir)
    published = Reference("", before, frozenset(p.split("/")[1] for p in before))
    return [problem for _, problem in _compare(published, sources, incidents_dir, _SINCE)]


@dataclass(frozen=True)
class _Wording:
    changed: str
    deleted: str
    renamed: str
    gone: str
    to_draft: str


_SINCE = _Wording(
    msg.GUARD_CHANGED,
    msg.GUARD_DELETED,
    msg.GUARD_RENAMED,
    msg.GUARD_INCIDENT_GONE,
    msg.GUARD_TO_DRAFT,
)
_PUBLIC = _Wording(
    msg.PUBLIC_CHANGED,
    msg.PUBLIC_DELETED,
    msg.PUBLIC_RENAMED,
    msg.PUBLIC_INCIDENT_GONE,
    msg.PUBLIC_TO_DRAFT,
)


def check_public(
    root: Path, sources: Sources, incidents_dir: str, site_dir: Path, now: datetime
) -> list[Problem]:
    """Problems with what is public: the upstream branch, then the last build's record."""
    problems: dict[tuple[str, str], Problem] = {}
    for reference in public_references(root, incidents_dir, site_dir, now):
        for key, problem in _compare(reference, sources, incidents_dir, _PUBLIC):
            problems.setdefault(key, problem)  # each change told once, by the first who saw it
    return list(problems.values())


def public_references(
    root: Path, incidents_dir: str, site_dir: Path, now: datetime
) -> list[Reference]:
    """What is known to be public: the upstream branch (it knows the changed line), the
    previous build's record (`published.json` in `site_dir`); or nothing (first publication).
    """
    references = []
    upstream = _upstream(root)
    if upstream is not None:
        name, commit = upstream
        before = _published_at(root, commit, incidents_dir, now)
        where = msg.PUBLIC_UPSTREAM.format(branch=name, commit=commit[:12])
        references.append(Reference(where, before, frozenset(p.split("/")[1] for p in before)))
    record = read_record(site_dir, incidents_dir)
    if record is not None:
        try:
            shown = (site_dir / urls.PUBLISHED_RECORD).relative_to(root).as_posix()
        except ValueError:
            shown = str(site_dir / urls.PUBLISHED_RECORD)
        references.append(Reference(shown, *record))
    return references


def _upstream(root: Path) -> tuple[str, str] | None:
    """The upstream branch's name and the last commit both sides share (its tip if unknown)."""
    name = _git(root, "rev-parse", "--abbrev-ref", "--symbolic-full-name", "@{upstream}")
    if name.returncode != 0 or not name.stdout.strip():
        return None
    base = _git(root, "merge-base", "HEAD", "@{upstream}")
    if base.returncode == 0 and base.stdout.strip():
        return name.stdout.strip(), base.stdout.strip()
    tip = _git(root, "rev-parse", "--verify", "--quiet", "@{upstream}^{commit}")
    return (name.stdout.strip(), tip.stdout.strip()) if tip.returncode == 0 else None


def _record_data(site_dir: Path) -> dict[str, Any] | None:
    try:
        data = json.loads((site_dir / urls.PUBLISHED_RECORD).read_bytes())
    except (OSError, ValueError, RecursionError):  # RecursionError: JSON nested too deep
        return None
    good = (
        isinstance(data, dict)
        and data.get("schema_version") == 1
        and isinstance(data.get("incidents"), list)
        and all(
            isinstance(i, dict)
            and isinstance(i.get("id"), str)
            and isinstance(i.get("updates"), list)
            and all(isinstance(u, dict) for u in i["updates"])
            for i in data["incidents"]
        )
    )
    return data if good else None


def read_record(
    site_dir: Path, incidents_dir: str
) -> tuple[dict[str, PublishedUpdate], frozenset[str]] | None:
    """The updates and incidents a build published (`published.json`); None if it has none."""
    data = _record_data(site_dir)
    if data is None:
        return None
    published = {}
    for incident in data["incidents"]:
        for update in incident["updates"]:
            try:
                date = datetime.fromisoformat(update["date"])
                path = f"{incidents_dir}/{incident['id']}/updates/{update['id']}.md"
                published[path] = PublishedUpdate(
                    path,
                    date,
                    update["status"],
                    None,
                    int(update["corrections"]),
                    str(update["text_sha256"]),
                )
            except (KeyError, TypeError, ValueError):
                continue  # a record Vigie did not write: judged by what it holds
    return published, frozenset(i["id"] for i in data["incidents"])


def _present(incident: IncidentSources) -> bool:
    """The incident is still there: its folder, with an `incident.yml` that says something."""
    return incident.incident is not None and bool(incident.incident.data)


def _compare(
    published: Reference, sources: Sources, incidents_dir: str, wording: _Wording
) -> list[tuple[tuple[str, str], Problem]]:
    """Every published update of `published` gone, renamed or changed without a correction.

    Each problem comes with what it is about (a path and what changed), the same whichever
    reference saw it.
    """
    now: dict[str, tuple[UpdateSource, PublishedUpdate]] = {
        u.path: (u, _snapshot(u)) for i in sources.incidents for u in i.updates
    }
    folders = {i.folder: i for i in sources.incidents if _present(i)}
    hashes = {snapshot.text_sha256: path for path, (_, snapshot) in now.items()}
    where = published.where
    problems = []
    for folder in sorted(published.incidents - folders.keys()):
        message = wording.gone.format(where=where)
        path = f"{incidents_dir}/{folder}/incident.yml"
        problems.append(((path, "incident"), Problem(path, 1, message)))
    for path, old in sorted(published.updates.items()):
        folder = path.split("/")[1]
        if folder not in folders:
            continue
        if path not in now:
            moved_to = hashes.get(old.text_sha256)
            message = (
                wording.renamed.format(new=moved_to, where=where)
                if moved_to
                else wording.deleted.format(where=where)
            )
            problems.append(((path, "fichier"), Problem(path, 1, message)))
            continue
        source, current = now[path]
        doc = source.front_matter
        if isinstance(doc.data, dict) and doc.data.get("draft") is True:
            message = wording.to_draft.format(where=where)
            problems.append(((path, "brouillon"), Problem(path, doc.line("draft"), message)))
            continue  # it would leave the site: what else changed matters less
        problems.extend(_changes(source, old, current, wording, where))
    return problems


def _changes(
    source: UpdateSource,
    old: PublishedUpdate,
    new: PublishedUpdate,
    wording: _Wording,
    where: str,
) -> list[tuple[tuple[str, str], Problem]]:
    if new.corrections > old.corrections:
        return []
    doc = source.front_matter
    changed = []
    if new.date != old.date:
        changed.append((doc.line("date"), "date"))
    if new.status != old.status:
        changed.append((doc.line("status"), "statut"))
    if new.text_sha256 != old.text_sha256:
        first = 0
        if old.body is not None and new.body is not None:
            old_lines, new_lines = old.body.split("\n"), new.body.split("\n")
            first = next(
                (i for i, (a, b) in enumerate(zip(old_lines, new_lines, strict=False)) if a != b),
                min(len(old_lines), len(new_lines)),
            )
        changed.append((source.body_line + first, "texte"))
    return [
        (
            (source.path, what),
            Problem(source.path, line, wording.changed.format(what=what, where=where)),
        )
        for line, what in changed
    ]
