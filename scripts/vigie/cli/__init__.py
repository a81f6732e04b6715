"""`vigie`: what staff run besides MkDocs (check, build)."""

from __future__ import annotations

import argparse
import atexit
import gc
import logging
import os
import shutil
import sys
import tempfile
import threading
from pathlib import Path
from typing import TYPE_CHECKING, NoReturn

from vigie import french, pipeline
from vigie import messages as msg
from vigie.cli import notify as notify_commands
from vigie.cli import publish as publish_commands
from vigie.cli import s3 as s3_commands
from vigie.cli import workflow as workflow_commands
from vigie.cli.common import print_problems, show_mkdocs_warnings, warn
from vigie.derive import publication_time, published_count, scheduled_updates
from vigie.sources import guard as guard_module
from vigie.sources import workflow
from vigie.wholefiles import remove

if TYPE_CHECKING:
    from vigie.cache import BuildCache
    from vigie.pipeline import Checked


def _config_file(value: str) -> Path:
    return Path(value).resolve()


def check(
    config_file: Path, since: str | None = None, *, guard: bool = False, clean: bool = False
) -> int:
    """Validate the sources without building; print every problem; 0 or 1.

    The published updates are compared with what is public (the last build's record in
    `site/`, the upstream branch); with `guard`, with the git revision `since` instead
    (default: the upstream merge base, else HEAD~1). `clean`: every text judged again.
    """
    cache = pipeline.open_cache(config_file, warn, clean=clean)
    with cache.locked():
        checked = _check(config_file, since, guard=guard, cache=cache)
        if checked is not None:
            cache.save()
    return 0 if checked else 1


def _check(
    config_file: Path,
    since: str | None = None,
    *,
    guard: bool = False,
    site_dir: Path | None = None,
    cache: BuildCache | None = None,
) -> Checked | None:
    """`check`, keeping what it made for the build; None when there were problems."""
    try:
        outcome = pipeline.check(
            config_file, guard=guard, since=since, public=True, site_dir=site_dir, cache=cache
        )
    except guard_module.HistoryError as error:
        print(error, file=sys.stderr)
        return None
    for warning in outcome.warnings:
        print(warning, file=sys.stderr)
    if outcome.checked is None:
        print_problems(outcome.problems)
        return None
    site = outcome.checked.site
    now = publication_time(os.environ)
    incidents, updates = published_count(site, now)
    print(msg.CHECK_OK.format(incidents=incidents, updates=updates))
    scheduled = scheduled_updates(site, now)
    if scheduled:
        print(msg.SCHEDULED_HEADER)
    for update in scheduled:
        when = french.datetime_text(update.date, site.settings.timezone)
        print(msg.SCHEDULED_LINE.format(date=when, path=update.source, title=update.title))
    drafts = workflow.draft_lines(site)
    if drafts:
        print(workflow.DRAFTS_HEADER)
    for line in drafts:
        print(f"  {line}")
    return outcome.checked


def build(config_file: Path, site_dir: Path, *, clean: bool = False) -> int:
    """Check, build into a temporary folder, then swap it for `site_dir` only if all went well;
    reuse what the last build made from the same inputs (`.vigie-cache/`) unless `clean`."""
    cache = pipeline.open_cache(config_file, warn, clean=clean)
    site_dir = site_dir.resolve()
    with cache.locked():
        built = _build(config_file, site_dir, cache)
        if built is None:
            cache.abandon()
            return 1
        old, files = built
        # What is left of the site before the replaced one goes while the cache is written:
        # removing its folders takes seconds, and the new site is already in place.
        removal = threading.Thread(target=remove, args=(old,))  # a pipe too, never opened
        removal.start()
        try:
            cache.save(complete=True, settled=removal.join)
        finally:
            removal.join()
    print(msg.BUILD_OK.format(site_dir=site_dir, files=files))
    return 0


def _build(config_file: Path, site_dir: Path, cache: BuildCache) -> tuple[Path, int] | None:
    """The build swapped in: the replaced site, set aside to be removed, and how many files
    the new one holds; None if it failed."""
    from vigie.plugin import build_site

    show_mkdocs_warnings()
    checked = _check(config_file, site_dir=site_dir, cache=cache)  # compared with the last
    # The checked site lives as long as the build: later collections need not walk it.
    gc.freeze()
    if checked is None:
        print(msg.BUILD_FAILED.format(site_dir=site_dir), file=sys.stderr)
        return None
    where = site_dir.parent  # where the new site is written, then swapped in
    try:
        site_dir.parent.mkdir(parents=True, exist_ok=True)
        if cache.usable:  # under the lock: a folder of a killed build, none runs now
            for leftover in site_dir.parent.glob(f"{_STAGING.format(name=site_dir.name)}*"):
                remove(leftover)
        staging = Path(
            tempfile.mkdtemp(prefix=_STAGING.format(name=site_dir.name), dir=site_dir.parent)
        )
        where = site_dir
        try:
            files = build_site(config_file, staging, checked, cache, site_dir, spare_site(site_dir))
            if files is not None:
                return swap_in(staging, site_dir), files
        finally:
            shutil.rmtree(staging, ignore_errors=True)
    except OSError as error:  # a full disk: the site written as far as it could, not swapped in
        reason = error.strerror or error
        print(msg.BUILD_NOT_WRITTEN.format(path=where, reason=reason), file=sys.stderr)
    print(msg.BUILD_FAILED.format(site_dir=site_dir), file=sys.stderr)
    return None


# The folder a build writes its site into, beside the site it will replace (`swap_in`).
_STAGING = ".site-new-{name}-"


def spare_site(site_dir: Path) -> Path:
    """Where the site a build replaced stays, never served: the next build moves the folders
    of the incidents unchanged since into its own site, instead of linking each file."""
    return site_dir.with_name(f".site-old-{site_dir.name}")


def swap_in(new: Path, target: Path) -> Path:
    """Replace `target` by `new` with two renames, so it is never half-written. The replaced
    site becomes the spare (`spare_site`); what is left of the spare before it is moved
    aside, under the name returned, for the caller to remove."""
    spare, remains = spare_site(target), target.with_name(f".site-remains-{target.name}")
    remove(remains)
    if os.path.lexists(remains):  # left by a build before and not removable: another name
        remains = Path(tempfile.mkdtemp(prefix=f"{remains.name}-", dir=target.parent))
        remains.rmdir()
    if os.path.lexists(spare):
        spare.rename(remains)
    replaced = target.exists()
    if replaced:
        target.rename(spare)
    try:
        new.rename(target)
    except OSError:
        if replaced:  # the site before, back in place
            spare.rename(target)
        raise
    return remains


def parser() -> argparse.ArgumentParser:
    """The `vigie` command line: every command and option (the docs are checked against it)."""
    parser = argparse.ArgumentParser(
        prog="vigie", description="Site d'information sur les incidents."
    )
    parser.add_argument("-f", "--config-file", type=_config_file, default=Path("mkdocs.yml"))
    commands = parser.add_subparsers(dest="command", required=True)
    check_parser = commands.add_parser("check", help="vérifier les sources sans construire le site")
    check_parser.add_argument(
        "--clean", action="store_true", help="tout juger de nouveau, sans rien reprendre du cache"
    )
    check_parser.add_argument(
        "--since",
        nargs="?",
        const="",
        default=None,
        metavar="RÉVISION",
        help="refuser toute modification sans correction d'une mise à jour publiée depuis "
        "cette révision git (par défaut : la base commune avec la branche amont, sinon HEAD~1)",
    )
    verify_parser = commands.add_parser(
        "verify", help="vérifier une copie du site (dossier ou adresse) avec son manifeste"
    )
    verify_parser.add_argument(
        "location", help="dossier du site, adresse https://…/ ou seau s3://<seau>[/<préfixe>]"
    )
    s3_commands.add_endpoint_options(verify_parser)
    build_parser = commands.add_parser("build", help="vérifier puis construire le site")
    build_parser.add_argument("-d", "--site-dir", type=Path, default=None)
    build_parser.add_argument(
        "--clean", action="store_true", help="tout reconstruire, sans rien reprendre du cache"
    )
    publish_commands.add_commands(commands)
    notify_commands.add_commands(commands)
    workflow_commands.add_commands(commands)
    return parser


def main(argv: list[str] | None = None) -> int:
    """Entry point of the `vigie` command."""
    args = parser().parse_args(argv)
    config_file = args.config_file.resolve()
    if args.command == "check":
        return check(
            config_file, args.since or None, guard=args.since is not None, clean=args.clean
        )
    if args.command == "verify":
        return publish_commands.verify(args.location, args.endpoint_url, args.region)
    if args.command in publish_commands.COMMANDS:
        return publish_commands.run(args, config_file)
    if args.command in notify_commands.COMMANDS:
        return notify_commands.run(args, config_file)
    if args.command in workflow_commands.COMMANDS:
        return workflow_commands.run(args, config_file)
    site_dir = args.site_dir or config_file.parent / "site"
    return build(config_file, site_dir, clean=args.clean)


def run() -> NoReturn:
    """The `vigie` command as a process (`pyproject.toml`, `python -m vigie.cli`): `main`,
    then its exit code, without Python's teardown."""
    code = main()
    if threading.active_count() > 1:  # a thread still running: the usual way out waits for it
        sys.exit(code)
    if sys.getprofile() is not None or sys.gettrace() is not None:
        sys.exit(code)  # a profiler or coverage writes its report on the usual way out
    # A build at 1,000 incidents leaves a third of a gigabyte of objects that Python would
    # free one by one on its way out: 1.1 s of a 4.9 s build, measured. What that way out
    # does that matters is done here (the functions registered to run at exit: logging's
    # last flush, temporary folders removed; the output flushed); the system takes the
    # memory back at once.
    atexit._run_exitfuncs()
    logging.shutdown()
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(code)
