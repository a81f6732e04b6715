"""`vigie notify`, and the notifications `vigie deploy dir` and `vigie status` run or list."""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from vigie import pipeline
from vigie.cli.common import print_problems
from vigie.publish.notify import branch as notify_branch
from vigie.publish.notify import run as notify_run
from vigie.publish.notify import texts as say

if TYPE_CHECKING:
    import argparse

    from vigie.model import Settings
    from vigie.publish.bucket import Bucket

COMMANDS = ("notify",)


def _settings(config_file: Path) -> Settings | None:
    read = pipeline.settings(config_file)
    if read.settings is None or read.problems:
        print_problems(read.problems)
        return None
    return read.settings


def _channel_label(report: notify_run.Report, channel: str, settings: Settings) -> str:
    route = next((r for r in notify_run.routes(settings) if r.id == channel), None)
    return route.label if route else channel


def print_report(
    report: notify_run.Report,
    target: Path | str,
    settings: Settings,
    *,
    dry: bool,
    summary: str = say.SUMMARY_FAILED,
) -> int:
    """Print what a run did (or, `dry`, what is due); 1 when something could not be sent."""
    if report.live is None and report.unrecorded:  # git could not read the branches
        print(say.GIT_FAILED.format(reason=report.unrecorded), file=sys.stderr)
        return 1
    if report.live is None:
        print(say.NO_LIVE.format(path=target))
        return 0
    if not report.configured:
        print(say.NOTHING_CONFIGURED)
        return 0
    if report.busy:
        print(say.BUSY.format(path=target), file=sys.stderr)
        return 1
    if not report.deliveries:
        print(say.NOTHING_DUE.format(release=report.live))
        return 0
    print(say.HEADER_DRY if dry else say.HEADER_SENT)
    for item in report.deliveries:
        channel = _channel_label(report, item.channel, settings)
        if item.outcome == notify_run.SENT:
            print(say.LINE_SENT.format(channel=channel, what=item.what))
        elif item.outcome == notify_run.FAILED:
            line = say.LINE_FAILED.format(channel=channel, what=item.what, reason=item.reason)
            print(line, file=sys.stderr)
        elif item.reason:
            print(
                say.LINE_PENDING_REASON.format(channel=channel, what=item.what, reason=item.reason)
            )
        else:
            print(say.LINE_DUE.format(channel=channel, what=item.what))
    failed = report.count(notify_run.FAILED)
    if failed:
        print(summary.format(count=failed, path=target), file=sys.stderr)
    if report.unrecorded:
        print(say.UNRECORDED.format(reason=report.unrecorded), file=sys.stderr)
    return 1 if failed or report.unrecorded else 0


def _run(
    config_file: Path,
    target: Path | str,
    branch: str | None,
    *,
    dry_run: bool = False,
    send: bool = True,
    previous: str | None = None,
) -> tuple[notify_run.Report, Settings] | None:
    settings = _settings(config_file)
    if settings is None:
        return None
    if branch is None:  # a deploy folder
        options = {"dry_run": dry_run, "send": send, "previous": previous}
        return notify_run.notify(Path(target).resolve(), settings, os.environ, **options), settings
    report = notify_branch.notify(
        str(target),
        branch,
        settings,
        os.environ,
        dry_run=dry_run,
        send=send,
        previous=previous,
        identity_root=config_file.parent,
    )
    return report, settings


def _where(target: Path | str, branch: str | None) -> str:
    return f"{target} --branch {branch}" if branch else str(target)


def notify(
    config_file: Path, target: Path | str, *, dry_run: bool, branch: str | None = None
) -> int:
    """`vigie notify <dossier> [--dry-run]` (`<dépôt> --branch <b>`: a Pages branch): send,
    or show, what is due."""
    done = _run(config_file, target, branch, dry_run=dry_run)
    if done is None:
        return 1
    report, settings = done
    return print_report(report, Path(_where(target, branch)), settings, dry=dry_run)


def after_deploy(
    config_file: Path,
    target: Path | str,
    previous: str | None,
    *,
    send: bool,
    branch: str | None = None,
) -> None:
    """Run by `vigie deploy dir` (or `git`, with `branch`) once the new release is live:
    never fails the deploy."""
    done = _run(config_file, target, branch, send=send, previous=previous)
    if done is None:
        return
    report, settings = done
    _told(report, Path(_where(target, branch)), settings, send=send, skipped=say.SKIPPED)


def after_deploy_s3(
    config_file: Path,
    bucket: Bucket,
    site_dir: Path,
    live: str,
    previous: str | None,
    *,
    send: bool,
) -> None:
    """Run by `vigie deploy s3` once `version.json` is written: the outbox is in the bucket,
    what was published is read from `site_dir`; never fails the deploy."""
    from vigie.publish.deploy import DeployError
    from vigie.publish.notify import bucket_outbox

    settings = _settings(config_file)
    if settings is None:
        return
    where = str(bucket.location)
    try:
        report = bucket_outbox.notify(
            bucket, site_dir, live, previous, settings, os.environ, send=send
        )
    except DeployError as error:
        print(say.BUCKET_FAILED.format(reason=error), file=sys.stderr)
        return
    _told(
        report,
        where,
        settings,
        send=send,
        skipped=say.SKIPPED_BUCKET,
        summary=say.SUMMARY_FAILED_BUCKET,
    )


def _told(
    report: notify_run.Report,
    where: Path | str,
    settings: Settings,
    *,
    send: bool,
    skipped: str,
    summary: str = say.SUMMARY_FAILED,
) -> None:
    """After a deploy: what `--no-notify` left due (`skipped`), or what was sent."""
    if not send:
        due = report.count(notify_run.DUE)
        if due:
            print(skipped.format(count=due, path=where))
        return
    if report.configured:
        print_report(report, where, settings, dry=False, summary=summary)


def pending(config_file: Path, target: Path) -> None:
    """For `vigie status --deploy-dir`: what is still to be sent from `target`."""
    settings = _settings(config_file)
    if settings is None:
        return
    report = notify_run.notify(target.resolve(), settings, os.environ, dry_run=True)
    if report.live and report.configured and not report.deliveries:
        print(say.NOTHING_DUE.format(release=report.live))
        return
    if report.deliveries:
        print(say.HEADER_PENDING.format(path=target))
        for item in report.deliveries:
            channel = _channel_label(report, item.channel, settings)
            if item.reason:
                print(
                    say.LINE_PENDING_REASON.format(
                        channel=channel, what=item.what, reason=item.reason
                    )
                )
            else:
                print(say.LINE_DUE.format(channel=channel, what=item.what))


def add_commands(commands: argparse._SubParsersAction) -> None:
    parser = commands.add_parser(
        "notify", help="prévenir les abonnés (WebSub, webhooks, courriel) de ce qui est nouveau"
    )
    parser.add_argument(
        "path",
        help="dossier de déploiement (ex. /srv/statut), ou dépôt git avec --branch (ex. origin)",
    )
    parser.add_argument(
        "--branch",
        default=None,
        help="branche Pages du dépôt git (vigie deploy git) : son historique des envois est "
        "sur la branche <branche>-notifications",
    )
    parser.add_argument(
        "--dry-run", action="store_true", help="montrer ce qui serait envoyé, sans rien envoyer"
    )


def run(args: argparse.Namespace, config_file: Path) -> int:
    target = args.path if args.branch else Path(args.path)
    return notify(config_file, target, dry_run=args.dry_run, branch=args.branch)
