"""`vigie verify`, `deploy`, `rollback`, `releases` and `nginx-config`: publishing the site."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING

from vigie import pipeline
from vigie.cli import notify as notify_commands
from vigie.cli import s3 as s3_commands
from vigie.cli.common import print_problems, print_releases, print_rollback
from vigie.publish import deploy, hosting, manifest
from vigie.publish import messages as publish_msg

if TYPE_CHECKING:
    import argparse

COMMANDS = ("deploy", "rollback", "releases", "nginx-config", "cdn-headers")


def verify(location: str, endpoint_url: str | None = None, region: str | None = None) -> int:
    """Compare a copy of the site with its `version.json`; print every difference."""
    if location.startswith("s3://"):
        return s3_commands.verify(location, endpoint_url, region)
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


def deploy_dir(
    site_dir: Path, target: Path, keep: int, config_file: Path | None = None, notify: bool = True
) -> int:
    """Copy the built site into a new release under `target`, make it live, then tell the
    subscribers (with `config_file`; `notify=False`: only note what is due)."""
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
    if config_file is not None:  # a channel down never fails the deploy: it is live already
        notify_commands.after_deploy(config_file, target, done.previous, send=notify)
    return 0


def rollback(target: Path, to: str | None) -> int:
    """Make an older release live again."""
    try:
        release, previous = deploy.rollback(target.resolve(), to)
    except deploy.DeployError as error:
        return _refused(error)
    print_rollback(release, previous)
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
    print_releases(found)
    return 0


def deploy_git(
    site_dir: Path,
    remote: str,
    branch: str,
    cname: str | None,
    root: Path,
    config_file: Path | None = None,
    notify: bool = True,
) -> int:
    """Publish the built site as one commit on a Pages branch, then tell the subscribers
    (with `config_file`; the outbox is on the branch `<branch>-notifications`)."""
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
    if config_file is not None:  # even unchanged: what failed last time is due again
        notify_commands.after_deploy(config_file, remote, done.previous, send=notify, branch=branch)
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
        print_problems(read.problems)
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


def add_commands(commands: argparse._SubParsersAction) -> None:
    site_help = "dossier du site construit (par défaut : site/ à côté de mkdocs.yml)"
    deploy_parser = commands.add_parser("deploy", help="publier le site construit")
    where = deploy_parser.add_subparsers(dest="where", required=True)
    into_dir = where.add_parser(
        "dir", help="copier le site dans <dossier>/releases/ et basculer <dossier>/current"
    )
    into_dir.add_argument("path", type=Path, help="dossier de déploiement (ex. /srv/statut)")
    into_dir.add_argument("--keep", type=int, default=10, help="versions gardées (défaut : 10)")
    into_dir.add_argument("-d", "--site-dir", type=Path, default=None, help=site_help)
    into_dir.add_argument(
        "--no-notify",
        action="store_true",
        help="ne prévenir aucun abonné cette fois (ce qui est dû reste en attente)",
    )
    s3_commands.add_deploy(where, site_help)
    into_git = where.add_parser("git", help="publier le site sur une branche Pages (un commit)")
    into_git.add_argument("remote", help="dépôt git (adresse ou chemin)")
    into_git.add_argument("--branch", default="gh-pages", help="branche (défaut : gh-pages)")
    into_git.add_argument("--cname", default=None, help="nom de domaine du site (fichier CNAME)")
    into_git.add_argument("-d", "--site-dir", type=Path, default=None, help=site_help)
    into_git.add_argument(
        "--no-notify",
        action="store_true",
        help="ne prévenir aucun abonné cette fois (ce qui est dû reste en attente)",
    )
    rollback_parser = commands.add_parser("rollback", help="remettre en ligne une version déployée")
    rollback_parser.add_argument("path", help="dossier de déploiement, ou s3://<seau>[/<préfixe>]")
    s3_commands.add_endpoint_options(rollback_parser)
    rollback_parser.add_argument(
        "--to",
        default=None,
        help="version voulue : nom, début du nom ou commit (défaut : la précédente)",
    )
    releases_parser = commands.add_parser("releases", help="lister les versions déployées")
    releases_parser.add_argument("path", help="dossier de déploiement, ou s3://<seau>[/<préfixe>]")
    s3_commands.add_endpoint_options(releases_parser)
    s3_commands.add_cdn_headers(commands)
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


def run(args: argparse.Namespace, config_file: Path) -> int:
    site_dir = getattr(args, "site_dir", None)
    if args.command == "deploy":
        site_dir = site_dir or config_file.parent / "site"
        if args.where == "dir":
            return deploy_dir(
                site_dir, args.path, args.keep, config_file, notify=not args.no_notify
            )
        if args.where == "s3":
            return s3_commands.deploy(
                site_dir,
                args.location,
                args.endpoint_url,
                args.region,
                args.keep,
                config_file,
                notify=not args.no_notify,
            )
        return deploy_git(
            site_dir,
            args.remote,
            args.branch,
            args.cname,
            config_file.parent,
            config_file,
            notify=not args.no_notify,
        )
    on_s3 = str(getattr(args, "path", "")).startswith("s3://")
    if args.command == "cdn-headers":
        return s3_commands.cdn_headers(site_dir or config_file.parent / "site", args.cdn, args.name)
    if args.command == "rollback":
        if on_s3:
            return s3_commands.rollback(args.path, args.to, args.endpoint_url, args.region)
        return rollback(Path(args.path), args.to)
    if args.command == "releases":
        if on_s3:
            return s3_commands.list_releases(args.path, args.endpoint_url, args.region)
        return list_releases(Path(args.path))
    return nginx_config(config_file, args.root, site_dir, args.listen, args.server_name)
