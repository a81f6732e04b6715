"""`vigie deploy s3`, and `releases`, `rollback`, `verify` given an `s3://` address."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING

from vigie.cli.common import print_releases, print_rollback
from vigie.publish import messages as publish_msg
from vigie.publish import s3_messages as msg
from vigie.publish.deploy import DeployError

if TYPE_CHECKING:
    import argparse

    from vigie.publish.bucket import Bucket, Location
    from vigie.publish.s3 import BucketDeployed


def add_endpoint_options(parser: argparse.ArgumentParser) -> None:
    """--endpoint-url and --region, for a command that may be given an s3:// address."""
    parser.add_argument(
        "--endpoint-url",
        default=None,
        help="stockage objet autre qu'AWS, ex. https://s3.fr-par.scw.cloud "
        "(défaut : AWS_ENDPOINT_URL, sinon AWS)",
    )
    parser.add_argument(
        "--region", default=None, help="région du seau (défaut : AWS_REGION ou le profil)"
    )


def add_deploy(where: argparse._SubParsersAction, site_help: str) -> None:
    """The `vigie deploy s3` command."""
    into_s3 = where.add_parser(
        "s3", help="envoyer le site dans un seau S3 (ou compatible), dans un ordre sans coupure"
    )
    into_s3.add_argument("location", help="seau et préfixe : s3://<seau>[/<préfixe>]")
    add_endpoint_options(into_s3)
    into_s3.add_argument(
        "--keep", type=int, default=10, help="versions gardées dans l'historique (défaut : 10)"
    )
    into_s3.add_argument("-d", "--site-dir", type=Path, default=None, help=site_help)
    into_s3.add_argument(
        "--no-notify",
        action="store_true",
        help="ne prévenir aucun abonné cette fois (ce qui est dû reste en attente)",
    )


def _refused(error: DeployError) -> int:
    print(error, file=sys.stderr)
    for detail in error.details:
        print(f"  {detail}", file=sys.stderr)
    return 1


def _bucket(location: str, endpoint_url: str | None, region: str | None) -> Bucket:
    from vigie.publish.bucket import Bucket, parse_location

    return Bucket(parse_location(location), endpoint_url, region)


def deploy(
    site_dir: Path,
    location: str,
    endpoint_url: str | None,
    region: str | None,
    keep: int,
    config_file: Path | None = None,
    notify: bool = True,
) -> int:
    """Send the built site to the bucket; print what was sent; then tell the subscribers
    (with `config_file`; `notify=False`: only note what is due)."""
    from vigie.publish import s3

    try:
        bucket = _bucket(location, endpoint_url, region)
        done = s3.deploy_site(site_dir.resolve(), bucket, keep)
    except DeployError as error:
        return _refused(error)
    _print_deployed(done, bucket.location, keep)
    if config_file is not None:  # even unchanged: what failed last time is due again
        from vigie.cli import notify as notify_commands

        notify_commands.after_deploy_s3(
            config_file, bucket, site_dir.resolve(), done.name, done.previous, send=notify
        )
    return 0


def _print_deployed(done: BucketDeployed, where: Location, keep: int) -> None:
    if done.unchanged:
        print(msg.S3_DEPLOY_UNCHANGED.format(location=where, name=done.name))
        return
    print(
        msg.S3_DEPLOY_OK.format(
            name=done.name,
            location=where,
            sent=done.sent,
            files=done.files,
            removed=done.removed,
            seconds=done.seconds,
        )
    )
    if done.previous:
        print(msg.S3_PREVIOUS.format(name=done.previous, location=where))
    if done.kept_assets:
        print(msg.S3_KEPT_ASSETS.format(count=done.kept_assets))
    if done.pruned:
        print(msg.S3_PRUNED.format(keep=keep, names=", ".join(done.pruned)))


def list_releases(location: str, endpoint_url: str | None, region: str | None) -> int:
    """Print the releases the bucket records, newest first, marking the live one."""
    from vigie.publish import s3

    try:
        bucket = _bucket(location, endpoint_url, region)
        found = s3.releases(bucket)
    except DeployError as error:
        return _refused(error)
    if not found:
        print(msg.S3_RELEASES_EMPTY.format(location=bucket.location))
        return 0
    print(msg.S3_RELEASES_HEADER.format(location=bucket.location))
    print_releases(found)
    return 0


def rollback(location: str, to: str | None, endpoint_url: str | None, region: str | None) -> int:
    """Put an older release back online in the bucket."""
    from vigie.publish import s3

    try:
        bucket = _bucket(location, endpoint_url, region)
        release, previous = s3.rollback(bucket, to)
    except DeployError as error:
        return _refused(error)
    print_rollback(release, previous)
    return 0


def verify(location: str, endpoint_url: str | None, region: str | None) -> int:
    """Read every object back and compare it, bytes and headers, with the manifest."""
    from vigie.publish import s3_verify

    try:
        problems, count = s3_verify.verify(_bucket(location, endpoint_url, region))
    except DeployError as error:
        return _refused(error)
    for problem in problems:
        print(problem, file=sys.stderr)
    if problems:
        print(publish_msg.VERIFY_FAILED.format(count=len(problems)), file=sys.stderr)
        return 1
    print(publish_msg.VERIFY_OK.format(count=count))
    return 0


def add_cdn_headers(commands: argparse._SubParsersAction) -> None:
    """The `vigie cdn-headers` command."""
    from vigie.publish import cdn

    parser = commands.add_parser(
        "cdn-headers", help="afficher les en-têtes de sécurité à régler dans un CDN"
    )
    parser.add_argument("cdn", choices=cdn.CDNS, help="CDN devant le seau")
    parser.add_argument(
        "--name",
        default="vigie-statut",
        help="nom de la politique CloudFront (défaut : vigie-statut)",
    )
    parser.add_argument("-d", "--site-dir", type=Path, default=None, help="site dont lire _headers")


def cdn_headers(site_dir: Path, which: str, name: str) -> int:
    """Print the `/*` headers of the built site's `_headers` for the CDN named."""
    from vigie.publish import cdn, hosting

    if not (site_dir / hosting.HEADERS_FILE).is_file():
        print(msg.CDN_NO_SITE.format(site_dir=site_dir), file=sys.stderr)
        return 1
    headers = cdn.every_path_headers(site_dir)
    text = (
        cdn.cloudfront_policy(headers, name)
        if which == "cloudfront"
        else cdn.cloudflare_rule(headers)
    )
    print(text, end="")
    return 0
