"""`vigie`: what staff run besides MkDocs (check, build)."""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING

from vigie import french, pipeline
from vigie import messages as msg
from vigie.derive import publication_time, scheduled_updates, site_view
from vigie.model import Kind, Status
from vigie.publish import deploy, hosting, manifest
from vigie.publish import messages as publish_msg
from vigie.sources import guard as guard_module
from vigie.sources import workflow
from vigie.sources.dates import parse_datetime

if TYPE_CHECKING:
    from vigie.cache import BuildCache
    from vigie.messages import Problem
    from vigie.model import Settings
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
    cache = pipeline.open_cache(config_file, _warn, clean=clean)
    with cache.locked():
        checked = _check(config_file, since, guard=guard, cache=cache)
        if checked is not None:
            cache.save()
    return 0 if checked else 1


def _warn(text: str) -> None:
    print(text, file=sys.stderr)  # sys.stderr as it is then


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
        _print_problems(outcome.problems)
        return None
    site = outcome.checked.site
    now = publication_time(os.environ)
    published = site_view(site, now)
    updates = sum(len(i.updates) for i in published.incidents)
    print(msg.CHECK_OK.format(incidents=len(published.incidents), updates=updates))
    scheduled = scheduled_updates(site, now)
    if scheduled:
        print(msg.SCHEDULED_HEADER)
    for update in scheduled:
        when = french.datetime_text(update.date, site.settings.timezone)
        print(msg.SCHEDULED_LINE.format(date=when, path=update.source, title=update.title))
    return outcome.checked


def _print_problems(problems: tuple[Problem, ...]) -> None:
    for problem in problems:
        print(problem, file=sys.stderr)
    print(msg.CHECK_FAILED.format(count=len(problems)), file=sys.stderr)


def _settings(config_file: Path) -> Settings | None:
    """The settings `mkdocs.yml` gives, even with problems (`vigie check` reports them)."""
    read = pipeline.settings(config_file)
    if read.settings is None:
        _print_problems(read.problems)
    return read.settings


def build(config_file: Path, site_dir: Path, *, clean: bool = False) -> int:
    """Check, build into a temporary folder, then swap it for `site_dir` only if all went well;
    reuse what the last build made from the same inputs (`.vigie-cache/`) unless `clean`."""
    cache = pipeline.open_cache(config_file, _warn, clean=clean)
    with cache.locked():
        built = _build(config_file, site_dir.resolve(), cache)
        if built:
            cache.save(complete=True)
    return 0 if built else 1


def _build(config_file: Path, site_dir: Path, cache: BuildCache) -> bool:
    from vigie.plugin import build_site, show_mkdocs_warnings

    show_mkdocs_warnings()
    checked = _check(config_file, site_dir=site_dir, cache=cache)  # compared with the last
    site_dir.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=".site-", dir=site_dir.parent))
    try:
        if checked is None or not build_site(config_file, staging, checked, cache, site_dir):
            print(msg.BUILD_FAILED.format(site_dir=site_dir), file=sys.stderr)
            return False
        swap_in(staging, site_dir)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    files = sum(1 for p in site_dir.rglob("*") if p.is_file())
    print(msg.BUILD_OK.format(site_dir=site_dir, files=files))
    return True


def verify(location: str) -> int:
    """Compare a copy of the site with its `version.json`; print every difference."""
    target: str | Path = location if "://" in location else Path(location)
    differences = manifest.verify(target)
    for difference in differences:
        print(difference, file=sys.stderr)
    if differences:
        print(publish_msg.VERIFY_FAILED.format(count=len(differences)), file=sys.stderr)
        return 1
    print(publish_msg.VERIFY_OK.format(count=manifest.listed_count(target)))
    return 0


def _refused(error: deploy.DeployError) -> int:
    print(error, file=sys.stderr)
    for detail in error.details:
        print(f"  {detail}", file=sys.stderr)
    return 1


def deploy_dir(site_dir: Path, target: Path, keep: int) -> int:
    """Copy the built site into a new release under `target` and make it live."""
    try:
        done = deploy.deploy_dir(site_dir.resolve(), target.resolve(), keep)
    except deploy.DeployError as error:
        return _refused(error)
    if done.cleaned:
        print(publish_msg.DEPLOY_CLEANED.format(names=", ".join(done.cleaned)))
    current = target / deploy.CURRENT
    print(
        publish_msg.DEPLOY_OK.format(
            name=done.release.name, current=current, files=done.files, seconds=done.seconds
        )
    )
    if done.previous:
        print(publish_msg.DEPLOY_PREVIOUS.format(name=done.previous, path=target))
    if done.pruned:
        print(publish_msg.DEPLOY_PRUNED.format(keep=keep, names=", ".join(done.pruned)))
    if done.policy_changed:
        print(publish_msg.DEPLOY_POLICY_CHANGED, file=sys.stderr)
    return 0


def rollback(target: Path, to: str | None) -> int:
    """Make an older release live again."""
    try:
        release, previous = deploy.rollback(target.resolve(), to)
    except deploy.DeployError as error:
        return _refused(error)
    if release.name == previous:
        print(publish_msg.ROLLBACK_ALREADY.format(name=release.name))
    else:
        print(publish_msg.ROLLBACK_OK.format(name=release.name, previous=previous or "aucune"))
    return 0


def list_releases(target: Path) -> int:
    """Print the releases in `target`, newest first, marking the live one."""
    try:
        found = deploy.releases(target.resolve())
    except deploy.DeployError as error:
        return _refused(error)
    if not found:
        print(publish_msg.RELEASES_EMPTY.format(path=target))
        return 0
    print(publish_msg.RELEASES_HEADER.format(path=target))
    for release in found:
        line = publish_msg.RELEASE_LINE.format(
            mark="*" if release.live else " ",
            name=release.name,
            commit=release.commit or "hors git",
            date=f" du {release.commit_date}" if release.commit_date else "",
            live=publish_msg.RELEASE_LIVE if release.live else "",
        )
        print(line)
    return 0


def deploy_git(site_dir: Path, remote: str, branch: str, cname: str | None, root: Path) -> int:
    """Publish the built site as one commit on a Pages branch."""
    try:
        done = deploy.deploy_git(site_dir.resolve(), remote, branch, cname, root)
    except deploy.DeployError as error:
        return _refused(error)
    if done.commit is None:
        print(publish_msg.DEPLOY_GIT_UNCHANGED.format(branch=branch, remote=remote))
    else:
        print(
            publish_msg.DEPLOY_GIT_OK.format(
                branch=branch, remote=remote, commit=done.commit[:12], message=done.message
            )
        )
    return 0


def nginx_config(
    config_file: Path, root: str, site_dir: Path | None, listen: str, server_name: str | None
) -> int:
    """Print the nginx `server` block for the site served from `root`."""
    if site_dir is None:
        live = Path(root)
        site_dir = live if (live / manifest.MANIFEST).is_file() else config_file.parent / "site"
    if not (site_dir / manifest.MANIFEST).is_file():
        print(publish_msg.NGINX_NO_SITE.format(site_dir=site_dir), file=sys.stderr)
        return 1
    read = pipeline.settings(config_file)
    if read.settings is None or read.problems:  # the server block is made from site_url
        _print_problems(read.problems)
        return 1
    settings = read.settings
    policy = hosting.content_security_policy(site_dir)
    print(
        hosting.nginx_server(
            settings.site_url, root, policy, listen=listen, server_name=server_name
        ),
        end="",
    )
    return 0


def swap_in(new: Path, target: Path) -> None:
    """Replace `target` by `new` with two renames, so it is never half-written."""
    old = target.with_name(f".site-old-{target.name}")
    shutil.rmtree(old, ignore_errors=True)
    if target.exists():
        target.rename(old)
    new.rename(target)
    shutil.rmtree(old, ignore_errors=True)


def main(argv: list[str] | None = None) -> int:
    """Entry point of the `vigie` command."""
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
    verify_parser.add_argument("location", help="dossier du site ou adresse https://…/")
    build_parser = commands.add_parser("build", help="vérifier puis construire le site")
    build_parser.add_argument("-d", "--site-dir", type=Path, default=None)
    build_parser.add_argument(
        "--clean", action="store_true", help="tout reconstruire, sans rien reprendre du cache"
    )
    _add_deploy_commands(commands)
    _add_workflow_commands(commands)
    args = parser.parse_args(argv)
    config_file = args.config_file.resolve()
    if args.command == "check":
        return check(
            config_file, args.since or None, guard=args.since is not None, clean=args.clean
        )
    if args.command == "verify":
        return verify(args.location)
    if args.command in ("deploy", "rollback", "releases", "nginx-config"):
        return _run_deploy_command(args, config_file)
    if args.command in ("new", "status", "serve", "install-hooks"):
        return _run_workflow_command(args, config_file)
    site_dir = args.site_dir or config_file.parent / "site"
    return build(config_file, site_dir, clean=args.clean)


def _add_deploy_commands(commands: argparse._SubParsersAction) -> None:
    site_help = "dossier du site construit (par défaut : site/ à côté de mkdocs.yml)"
    deploy_parser = commands.add_parser("deploy", help="publier le site construit")
    where = deploy_parser.add_subparsers(dest="where", required=True)
    into_dir = where.add_parser(
        "dir", help="copier le site dans <dossier>/releases/ et basculer <dossier>/current"
    )
    into_dir.add_argument("path", type=Path, help="dossier de déploiement (ex. /srv/statut)")
    into_dir.add_argument("--keep", type=int, default=10, help="versions gardées (défaut : 10)")
    into_dir.add_argument("-d", "--site-dir", type=Path, default=None, help=site_help)
    into_git = where.add_parser("git", help="publier le site sur une branche Pages (un commit)")
    into_git.add_argument("remote", help="dépôt git (adresse ou chemin)")
    into_git.add_argument("--branch", default="gh-pages", help="branche (défaut : gh-pages)")
    into_git.add_argument("--cname", default=None, help="nom de domaine du site (fichier CNAME)")
    into_git.add_argument("-d", "--site-dir", type=Path, default=None, help=site_help)
    rollback_parser = commands.add_parser("rollback", help="remettre en ligne une version déployée")
    rollback_parser.add_argument("path", type=Path, help="dossier de déploiement")
    rollback_parser.add_argument(
        "--to",
        default=None,
        help="version voulue : nom, début du nom ou commit (défaut : la précédente)",
    )
    releases_parser = commands.add_parser("releases", help="lister les versions déployées")
    releases_parser.add_argument("path", type=Path, help="dossier de déploiement")
    nginx_parser = commands.add_parser(
        "nginx-config", help="afficher la configuration nginx du site"
    )
    nginx_parser.add_argument(
        "--root", required=True, help="lien servi, ex. /srv/statut/current (vigie deploy dir)"
    )
    nginx_parser.add_argument(
        "--listen", default="443 ssl", help="directive listen (défaut : 443 ssl)"
    )
    nginx_parser.add_argument("--server-name", default=None, help="défaut : l'hôte de site_url")
    nginx_parser.add_argument(
        "-d", "--site-dir", type=Path, default=None, help="site dont prendre la politique CSP"
    )


def _run_deploy_command(args: argparse.Namespace, config_file: Path) -> int:
    site_dir = getattr(args, "site_dir", None)
    if args.command == "deploy":
        site_dir = site_dir or config_file.parent / "site"
        if args.where == "dir":
            return deploy_dir(site_dir, args.path, args.keep)
        return deploy_git(site_dir, args.remote, args.branch, args.cname, config_file.parent)
    if args.command == "rollback":
        return rollback(args.path, args.to)
    if args.command == "releases":
        return list_releases(args.path)
    return nginx_config(config_file, args.root, site_dir, args.listen, args.server_name)


def _add_workflow_commands(commands: argparse._SubParsersAction) -> None:
    date_help = "date et heure avec décalage (défaut : maintenant, heure de Paris)"
    new_parser = commands.add_parser("new", help="créer un incident ou une mise à jour")
    what = new_parser.add_subparsers(dest="what", required=True)
    new_incident = what.add_parser("incident", help="créer un incident à partir d'un modèle")
    new_incident.add_argument("id", help="identifiant, ex. 2024-07-panne-espace-adherent")
    new_incident.add_argument("--kind", required=True, choices=[k.value for k in Kind])
    new_incident.add_argument("--date", default=None, help=date_help)
    new_update = what.add_parser("update", help="ajouter une mise à jour à un incident")
    new_update.add_argument("id", help="identifiant de l'incident")
    new_update.add_argument("--status", default=None, choices=[s.value for s in Status])
    new_update.add_argument("--title", default=None, help="titre de la mise à jour")
    new_update.add_argument("--date", default=None, help=date_help)
    commands.add_parser("status", help="afficher ce que dit le site publié maintenant")
    serve_parser = commands.add_parser("serve", help="aperçu en direct du site")
    serve_parser.add_argument(
        "--drafts",
        action="store_true",
        help="montrer les brouillons et les publications programmées",
    )
    serve_parser.add_argument("-a", "--dev-addr", default="127.0.0.1:8000")
    hooks_parser = commands.add_parser(
        "install-hooks", help="vérifier les sources avant chaque commit (crochet git)"
    )
    hooks_parser.add_argument("--force", action="store_true", help="remplacer un crochet existant")


def _now_or(value: str | None) -> datetime:
    if value is None:
        return datetime.now(tz=UTC)
    parsed, error = parse_datetime(value)
    if error or parsed is None:
        raise workflow.WorkflowError(workflow.NEW_BAD_DATE.format(value=value, reason=error))
    return parsed


def _write_new(root: Path, files: list[workflow.NewFile]) -> None:
    for new in files:
        if (root / new.path).exists():
            raise workflow.WorkflowError(workflow.NEW_FILE_EXISTS.format(path=new.path))
    for new in files:
        (root / new.path).parent.mkdir(parents=True, exist_ok=True)
        with (root / new.path).open("x", encoding="utf-8") as out:  # never overwrite
            out.write(new.text)
        print(workflow.NEW_CREATED.format(path=new.path))
    print(workflow.NEW_NEXT)


def new(config_file: Path, args: argparse.Namespace) -> int:
    """Scaffold an incident or an update from the French templates."""
    settings = _settings(config_file)
    if settings is None:
        return 1
    root, incidents_dir = config_file.parent, settings.incidents_dir
    when = workflow.local_now(settings, _now_or(args.date))
    known = workflow.known_incidents(root, incidents_dir)
    if args.what == "incident":
        if args.id in known:
            folder = f"{incidents_dir}/{args.id}/"
            raise workflow.WorkflowError(workflow.NEW_EXISTS.format(id=args.id, path=folder))
        files = workflow.incident_files(args.id, Kind(args.kind), incidents_dir, settings, when)
    else:
        if args.id not in known:
            raise workflow.WorkflowError(
                workflow.NEW_UNKNOWN_INCIDENT.format(id=args.id, known=", ".join(known) or "aucun")
            )
        status = args.status or workflow.current_status(root, incidents_dir, args.id)
        status = Status(status) if status else Status.INVESTIGATING
        files = [workflow.update_file(args.id, incidents_dir, when, status, args.title)]
    _write_new(root, files)
    return 0


def status(config_file: Path) -> int:
    """Print what the public site says now: open incidents, services, what is scheduled."""
    outcome = pipeline.check(config_file)
    if outcome.checked is None:
        _print_problems(outcome.problems)
        return 1
    site = outcome.checked.site
    now = publication_time(os.environ)
    print(workflow.status_report(site_view(site, now), scheduled_updates(site, now)))
    return 0


def install_hooks(config_file: Path, force: bool) -> int:
    """Install the git pre-commit hook that runs `vigie check` before every commit."""
    root = config_file.parent
    hooks = subprocess.run(
        ["git", "-C", str(root), "rev-parse", "--git-path", "hooks"],
        capture_output=True,
        text=True,
        check=False,
    )
    if hooks.returncode != 0:
        raise workflow.WorkflowError(msg.GUARD_NOT_GIT.format(root=root))
    hook = (root / hooks.stdout.strip() / "pre-commit").resolve()
    if hook.exists() and hook.read_text(encoding="utf-8") != workflow.HOOK and not force:
        raise workflow.WorkflowError(workflow.HOOK_EXISTS.format(path=hook))
    hook.parent.mkdir(parents=True, exist_ok=True)
    hook.write_text(workflow.HOOK, encoding="utf-8")
    hook.chmod(0o755)
    print(workflow.HOOK_INSTALLED.format(path=hook))
    return 0


def _run_workflow_command(args: argparse.Namespace, config_file: Path) -> int:
    try:
        if args.command == "new":
            return new(config_file, args)
        if args.command == "status":
            return status(config_file)
        if args.command == "install-hooks":
            return install_hooks(config_file, args.force)
    except workflow.WorkflowError as error:
        print(error, file=sys.stderr)
        return 1
    from vigie.plugin import PREVIEW_VARIABLE, serve_site, show_mkdocs_warnings

    if args.drafts:
        os.environ[PREVIEW_VARIABLE] = "1"
    show_mkdocs_warnings()
    serve_site(config_file, args.dev_addr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
