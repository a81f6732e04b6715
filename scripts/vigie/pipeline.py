"""The one road from `mkdocs.yml` to a checked site, for `vigie check`, `vigie build` and MkDocs.

The settings (`sources/settings.py`), then the sources (`load`), then the model (`validate`),
then, when asked, the append-only guard: every problem found on the way is handed back at
once, with its `path:line`. `vigie check` and the plugin's `on_config` both take this road,
so that the check refuses exactly what the build would. Nothing here imports MkDocs.
"""

from __future__ import annotations

import contextlib
import os
from dataclasses import dataclass
from typing import TYPE_CHECKING, NamedTuple

from vigie.cache import CACHE_DAMAGED, CACHE_DIR, BuildCache, code_fingerprint, uncollected
from vigie.derive import publication_time
from vigie.markup import MarkdownRenderer
from vigie.messages import Problem, SourceError
from vigie.sources import guard as guard_module
from vigie.sources.load import load_sources
from vigie.sources.settings import SettingsRead, read_settings
from vigie.sources.validate import validate
from vigie.urls import served_path

if TYPE_CHECKING:
    from collections.abc import Callable, Mapping
    from pathlib import Path

    from vigie.model import Settings, Site
    from vigie.sources.load import Sources


class Checked(NamedTuple):
    """A site that passed every check: the build takes it instead of starting over."""

    site: Site
    markdown: MarkdownRenderer  # the HTML rendered to vet the sources, kept


@dataclass(frozen=True)
class Outcome:
    """Where the road led: a checked site, or every problem that stopped it."""

    settings: Settings | None
    checked: Checked | None  # None when there is any problem
    problems: tuple[Problem, ...]  # sorted, each once
    warnings: tuple[Problem, ...]  # shown, never refused


def settings(config_file: Path, environ: Mapping[str, str] = os.environ) -> SettingsRead:
    """The site's settings from `mkdocs.yml`, with the problems of every option."""
    return read_settings(config_file, publication_time(environ))


def check(
    config_file: Path,
    *,
    guard: bool = False,
    since: str | None = None,
    public: bool = False,
    site_dir: Path | None = None,
    environ: Mapping[str, str] = os.environ,
    cache: BuildCache | None = None,
) -> Outcome:
    """Settings, sources, model, then the append-only guard when asked.

    With `guard`, the published updates are compared with the git revision `since`; else,
    with `public`, with what is public: the record of the last build in `site_dir`
    (default: `site/` beside `mkdocs.yml`) and the upstream branch (`guard.check_public`).
    With `cache`, each YAML text's reading, each text's HTML and safety judgement are taken
    from earlier checks when the text and what judges it are unchanged. Raises
    `guard.HistoryError` when the guard cannot read the git history it needs.
    """
    read = settings(config_file, environ)
    problems = list(read.problems)
    warnings = list(read.warnings)
    if read.settings is None:
        return Outcome(None, None, SourceError(problems).problems, tuple(warnings))
    root, current = config_file.parent, read.settings
    try:
        sources, site, markdown = _modeled(root, current, problems, warnings, cache)
    except Exception:
        if cache is None or not cache.read:
            raise
        # Readings and verdicts that do not fit their texts: only a forged cache holds
        # them. The check made again without them says what a check without a cache says.
        cache.warn(CACHE_DAMAGED.format(path=CACHE_DIR))
        for name in _VETTING:
            cache.forget(name)
        problems, warnings = list(read.problems), list(read.warnings)
        sources, site, markdown = _modeled(root, current, problems, warnings, cache)
    if guard:
        problems.extend(guard_module.check_published(root, sources, current.incidents_dir, since))
    elif public:
        built = site_dir if site_dir is not None else root / "site"
        now = publication_time(environ)
        problems.extend(guard_module.check_public(root, sources, current.incidents_dir, built, now))
    checked = Checked(site, markdown) if site is not None and not problems else None
    return Outcome(current, checked, SourceError(problems).problems, tuple(sorted(set(warnings))))


_VETTING = ("yaml", "markdown", "vetting")  # the check's tables: a text's reading, HTML, verdict


def _modeled(
    root: Path,
    current: Settings,
    problems: list[Problem],
    warnings: list[Problem],
    cache: BuildCache | None,
) -> tuple[Sources, Site | None, MarkdownRenderer]:
    """The sources read, then modeled if they hold no problem (added to `problems`)."""
    markdown = MarkdownRenderer(served_path(current.site_url))  # `/x` is the site's page x
    judged = parsed = None
    if cache is not None:  # a text is read and judged by the code alone: Vigie's and its packages'
        parsed, kept_html, judged = (cache.memo(name, code_fingerprint()) for name in _VETTING)
        markdown.remember(kept_html)
    site = None
    # The collector paused only while readings come from the cache: texts read and rendered
    # afresh (a full check) leave cycles, tens of MiB at 1,000 incidents, for it to collect.
    warm = parsed is not None and bool(parsed.known)
    with uncollected() if warm else contextlib.nullcontext():
        sources = load_sources(root, current.incidents_dir, current.pages_dir, parsed)
        try:
            site = validate(sources, current, warnings, markdown, judged)
        except SourceError as error:
            problems.extend(error.problems)
    return sources, site, markdown


def load_site(config_file: Path) -> tuple[Path, Settings, str]:
    """Repository root, settings and incidents folder, for tools reading the sources by hand.

    Raises `SourceError` when `mkdocs.yml` has a problem.
    """
    read = settings(config_file)
    if read.settings is None or read.problems:
        raise SourceError(list(read.problems))
    return config_file.parent, read.settings, read.settings.incidents_dir


def open_cache(
    config_file: Path, warn: Callable[[str], None], *, clean: bool = False
) -> BuildCache:
    """The build cache beside `mkdocs.yml`; with `clean`, nothing in it is reused."""
    return BuildCache(config_file.parent / CACHE_DIR, warn, read=not clean)
