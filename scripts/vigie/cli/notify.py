"""`vigie notify`, and the notifications `vigie deploy dir` and `vigie status` run or list."""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from vigie import pipeline
from vigie.cli.common import print_problems
from vigie.publish.notify import run as notify_run
from vigie.publish.notify import texts as say

if TYPE_CHECKING:
    import argparse

    from vigie.model import Settings

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


def print_report(report: notify_run.Report, target: Path, settings: Settings, *, dry: bool) -> int:
    """Print what a run did (or, `dry`, what is due); 1 when something could not be sent."""
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
        print(say.SUMMARY_FAILED.format(count=failed, path=target), file=sys.stderr)
        return 1
    return 0


def notify(config_file: Path, target: Path, *, dry_run: bool) -> int:
    """`vigie notify <dossier> [--dry-run]`: send (or show) what is due."""
    settings = _settings(config_file)
    if settings is None:
        return 1
    report = notify_run.notify(target.resolve(), settings, os.environ, dry_run=dry_run)
    return print_report(report, target, settings, dry=dry_run)


def after_deploy(config_file: Path, target: Path, previous: str | None, *, send: bool) -> None:
    """Run by `vigie deploy dir` once the new release is live: never fails the deploy."""
    settings = _settings(config_file)
    if settings is None:
        return
    report = notify_run.notify(target.resolve(), settings, os.environ, send=send, previous=previous)
    if not send:
        due = report.count(notify_run.DUE)
        if due:
            print(say.SKIPPED.format(count=due, path=target))
        return
    if report.configured:
        print_report(report, target, settings, dry=False)


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
    parser.add_argument("path", type=Path, help="dossier de déploiement (ex. /srv/statut)")
    parser.add_argument(
        "--dry-run", action="store_true", help="montrer ce qui serait envoyé, sans rien envoyer"
    )


def run(args: argparse.Namespace, config_file: Path) -> int:
    return notify(config_file, args.path, dry_run=args.dry_run)
