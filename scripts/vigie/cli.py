"""`vigie`: what staff run besides MkDocs (check, build)."""

from __future__ import annotations

import argparse
import logging
import shutil
import sys
import tempfile
from pathlib import Path

from vigie import guard as guard_module
from vigie import manifest
from vigie import messages as msg
from vigie.load import load_sources
from vigie.messages import Problem, SourceError
from vigie.validate import validate


def _config_file(value: str) -> Path:
    return Path(value).resolve()


def check(config_file: Path, since: str | None = None, *, guard: bool = False) -> int:
    """Validate the sources without building; print every problem; 0 or 1.

    With `guard`, also compare the published updates with the git revision `since`
    (default: the upstream merge base, else HEAD~1).
    """
    from vigie.plugin import load_site

    root, settings, incidents_dir = load_site(config_file)
    sources = load_sources(root, incidents_dir, settings.pages_dir)
    problems = []
    warnings: list[Problem] = []
    try:
        site = validate(sources, settings, warnings)
    except SourceError as error:
        problems.extend(error.problems)
    for warning in warnings:
        print(warning, file=sys.stderr)
    if guard:
        try:
            problems.extend(guard_module.check_published(root, sources, incidents_dir, since))
        except guard_module.HistoryError as error:
            print(error, file=sys.stderr)
            return 1
    if problems:
        problems = SourceError(problems).problems
        for problem in problems:
            print(problem, file=sys.stderr)
        print(msg.CHECK_FAILED.format(count=len(problems)), file=sys.stderr)
        return 1
    updates = sum(1 for i in site.incidents for u in i.updates if not u.draft)
    print(msg.CHECK_OK.format(incidents=len(site.incidents), updates=updates))
    return 0


def build(config_file: Path, site_dir: Path) -> int:
    """Check, build into a temporary folder, then swap it for `site_dir` only if all went well."""
    from vigie.plugin import build_site

    if check(config_file) != 0:
        print(msg.BUILD_FAILED.format(site_dir=site_dir), file=sys.stderr)
        return 1
    site_dir = site_dir.resolve()
    site_dir.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=".site-", dir=site_dir.parent))
    try:
        if not build_site(config_file, staging):
            print(msg.BUILD_FAILED.format(site_dir=site_dir), file=sys.stderr)
            return 1
        swap_in(staging, site_dir)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    files = sum(1 for p in site_dir.rglob("*") if p.is_file())
    print(msg.BUILD_OK.format(site_dir=site_dir, files=files))
    return 0


def verify(location: str) -> int:
    """Compare a copy of the site with its `version.json`; print every difference."""
    target: str | Path = location if "://" in location else Path(location)
    differences = manifest.verify(target)
    for difference in differences:
        print(difference, file=sys.stderr)
    if differences:
        print(msg.VERIFY_FAILED.format(count=len(differences)), file=sys.stderr)
        return 1
    print(msg.VERIFY_OK.format(count=manifest.listed_count(target)))
    return 0


def swap_in(new: Path, target: Path) -> None:
    """Replace `target` by `new` with two renames, so it is never half-written."""
    old = target.with_name(f".site-old-{target.name}")
    shutil.rmtree(old, ignore_errors=True)
    if target.exists():
        target.rename(old)
    new.rename(target)
    shutil.rmtree(old, ignore_errors=True)


def _show_mkdocs_warnings() -> None:
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(logging.Formatter("%(levelname)s - %(message)s"))
    mkdocs_log = logging.getLogger("mkdocs")
    mkdocs_log.addHandler(handler)
    mkdocs_log.setLevel(logging.WARNING)


def main(argv: list[str] | None = None) -> int:
    """Entry point of the `vigie` command."""
    parser = argparse.ArgumentParser(
        prog="vigie", description="Site d'information sur les incidents."
    )
    parser.add_argument("-f", "--config-file", type=_config_file, default=Path("mkdocs.yml"))
    commands = parser.add_subparsers(dest="command", required=True)
    check_parser = commands.add_parser("check", help="vérifier les sources sans construire le site")
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
    verify_parser.add_argument("location", help="dossier du site ou adresse https://…/")
    build_parser = commands.add_parser("build", help="vérifier puis construire le site")
    build_parser.add_argument("-d", "--site-dir", type=Path, default=None)
    args = parser.parse_args(argv)
    _show_mkdocs_warnings()
    config_file = args.config_file.resolve()
    if args.command == "check":
        return check(config_file, args.since or None, guard=args.since is not None)
    if args.command == "verify":
        return verify(args.location)
    site_dir = args.site_dir or config_file.parent / "site"
    return build(config_file, site_dir)


if __name__ == "__main__":
    sys.exit(main())
