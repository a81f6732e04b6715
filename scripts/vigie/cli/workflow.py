"""`vigie new`, `status`, `serve` and `install-hooks`: what staff do besides checking."""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING

from vigie import messages as msg
from vigie import pipeline
from vigie.cli import notify as notify_commands
from vigie.cli import preview
from vigie.cli.common import print_problems, read_settings
from vigie.derive import publication_time, scheduled_updates, site_view
from vigie.model import Kind, Status
from vigie.sources import workflow
from vigie.sources.dates import parse_datetime

if TYPE_CHECKING:
    import argparse

COMMANDS = ("new", "status", "serve", "install-hooks")


def add_commands(commands: argparse._SubParsersAction) -> None:
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
    new_update.add_argument(
        "--draft",
        action="store_true",
        help="écrire un brouillon (draft: true) : publié nulle part tant que la ligne reste",
    )
    status_parser = commands.add_parser(
        "status", help="afficher ce que dit le site publié maintenant"
    )
    status_parser.add_argument(
        "--deploy-dir",
        type=Path,
        default=None,
        help="dossier de déploiement : lister aussi ce qui reste à envoyer aux abonnés",
    )
    serve_parser = commands.add_parser("serve", help="aperçu en direct du site")
    serve_parser.add_argument(
        "--drafts",
        action="store_true",
        help="montrer les brouillons et les publications programmées",
    )
    serve_parser.add_argument(
        "-a", "--dev-addr", default="127.0.0.1:8000", help="adresse (défaut : 127.0.0.1:8000)"
    )
    serve_parser.add_argument(
        "-v",
        "--verbose",
        action="store_true",
        help="montrer aussi les lignes de MkDocs (en anglais)",
    )
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


def new(config_file: Path, args: argparse.Namespace) -> int:
    """Scaffold an incident or an update from the French templates."""
    settings = read_settings(config_file)
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
        files = [
            workflow.update_file(args.id, incidents_dir, when, status, args.title, draft=args.draft)
        ]
    _write_new(root, files)
    # Without --date the update is dated now: published by the next build.
    now = publication_time(os.environ) if args.date else when
    for note in workflow.new_update_notes(when, now, settings, getattr(args, "draft", False)):
        print(note)
    print(workflow.NEW_NEXT)
    return 0


def status(config_file: Path, deploy_dir: Path | None = None) -> int:
    """Print what the public site says now: open incidents, services, what is scheduled."""
    outcome = pipeline.check(config_file)
    if outcome.checked is None:
        print_problems(outcome.problems)
        return 1
    site = outcome.checked.site
    now = publication_time(os.environ)
    print(workflow.status_report(site_view(site, now), scheduled_updates(site, now)))
    if deploy_dir is not None:
        notify_commands.pending(config_file, deploy_dir)
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


def run(args: argparse.Namespace, config_file: Path) -> int:
    try:
        if args.command == "new":
            return new(config_file, args)
        if args.command == "status":
            return status(config_file, args.deploy_dir)
        if args.command == "install-hooks":
            return install_hooks(config_file, args.force)
    except workflow.WorkflowError as error:
        print(error, file=sys.stderr)
        return 1
    return preview.serve(config_file, args.dev_addr, drafts=args.drafts, verbose=args.verbose)
