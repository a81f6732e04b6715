"""What every `vigie` command shares: printing problems, reading the settings."""

from __future__ import annotations

import logging
import sys
from typing import TYPE_CHECKING, Any

from vigie import messages as msg
from vigie import pipeline
from vigie.publish import messages as publish_msg

if TYPE_CHECKING:
    from collections.abc import Iterable
    from pathlib import Path

    from vigie.messages import Problem
    from vigie.model import Settings
    from vigie.publish.deploy import Release


def warn(text: str) -> None:
    """A line for staff on standard error."""
    print(text, file=sys.stderr)  # sys.stderr as it is then


def print_problems(problems: tuple[Problem, ...]) -> None:
    """Every problem as `path:line: message`, then how many there are."""
    for problem in problems:
        print(problem, file=sys.stderr)
    print(msg.CHECK_FAILED.format(count=len(problems)), file=sys.stderr)


def read_settings(config_file: Path) -> Settings | None:
    """The settings `mkdocs.yml` gives, even with problems (`vigie check` reports them)."""
    read = pipeline.settings(config_file)
    if read.settings is None:
        print_problems(read.problems)
    return read.settings


def print_releases(found: Iterable[Release]) -> None:
    """One line per release, as listed (newest first), the live one marked: a deploy folder's
    or a bucket's."""
    for release in found:
        line = publish_msg.RELEASE_LINE.format(
            mark="*" if release.live else " ",
            name=release.name,
            commit=release.commit or "hors git",
            date=f" du {release.commit_date}" if release.commit_date else "",
            live=publish_msg.RELEASE_LIVE if release.live else "",
        )
        print(line)


def print_rollback(release: Release, previous: str | None) -> None:
    """What a rollback did: the release now live, and the one it replaced (if it changed)."""
    if release.name == previous:
        print(publish_msg.ROLLBACK_ALREADY.format(name=release.name))
    else:
        print(publish_msg.ROLLBACK_OK.format(name=release.name, previous=previous or "aucune"))


class _StandardError(logging.StreamHandler):  # type: ignore[type-arg]
    """Writes to `sys.stderr` as it is when a message comes, not as it was when made (a
    caller in the same process may have redirected it since)."""

    @property  # type: ignore[override]
    def stream(self) -> Any:
        return sys.stderr

    @stream.setter
    def stream(self, value: Any) -> None:
        pass


def show_mkdocs_warnings() -> None:
    """MkDocs' warnings and errors on stderr, for the commands that run MkDocs (once)."""
    mkdocs_log = logging.getLogger("mkdocs")
    if any(getattr(h, "vigie", False) for h in mkdocs_log.handlers):
        return
    handler = _StandardError()
    handler.setFormatter(logging.Formatter("%(levelname)s - %(message)s"))
    handler.vigie = True  # type: ignore[attr-defined]
    mkdocs_log.addHandler(handler)
    mkdocs_log.setLevel(logging.WARNING)
