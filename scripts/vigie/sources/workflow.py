"""What staff do besides writing: scaffold an incident or an update, see what the site says.

Pure functions returning file contents or text; `cli/workflow.py` writes and prints them.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from importlib import resources
from typing import TYPE_CHECKING

from vigie import french
from vigie.model import Kind, Status
from vigie.sources.load import SLUG, parse_yaml, read_text

if TYPE_CHECKING:
    from datetime import datetime
    from pathlib import Path

    from vigie.derive import SiteView
    from vigie.model import Settings, Site, Update

# What `vigie new` and `vigie install-hooks` tell staff.
NEW_BAD_ID = (
    "identifiant invalide « {id} » : lettres minuscules sans accent, chiffres et tirets "
    "(exemple : 2024-07-panne-espace-adherent)"
)
NEW_EXISTS = "l'incident « {id} » existe déjà ({path}) : choisissez un autre identifiant"
NEW_UNKNOWN_INCIDENT = "incident inconnu « {id} » ; incidents existants : {known}"
NEW_FILE_EXISTS = (
    "{path} existe déjà : rien n'a été écrit (attendez une minute ou changez le titre)"
)
NEW_CREATED = "Créé : {path}"
NEW_NEXT = "Remplacez chaque [[à compléter : …]], puis lancez « make check »."
NEW_BAD_DATE = "date invalide « {value} » : {reason}"
HOOK_INSTALLED = "Crochet installé : {path} (vigie check avant chaque commit)."
HOOK_EXISTS = (
    "{path} existe déjà et n'est pas celui de Vigie : rien n'a été écrit "
    "(relancez avec --force pour le remplacer)"
)

# Drafts and scheduled updates: what `vigie new`, `vigie check` and `vigie status` say.
DRAFT_LINE = "draft: true  # brouillon : publiée nulle part ; retirez cette ligne pour la publier\n"
NEW_DRAFT = (
    "Brouillon : cette mise à jour n'est publiée nulle part tant que son en-tête porte "
    "« draft: true » (make serve la montre) ; retirez cette ligne pour la publier."
)
NEW_SCHEDULED = (
    "Programmée : elle sera publiée par le premier build fait à partir du {date} ({zone}) ; "
    "d'ici là, elle n'est nulle part en ligne."
)
NEW_SCHEDULED_DRAFT = (
    "Datée du {date} ({zone}) : une fois « draft: true » retiré, elle sera publiée par le "
    "premier build fait à partir de cette heure."
)
DRAFTS_HEADER = "Brouillons (publiés seulement une fois « draft: true » retiré) :"
DRAFTS_NONE = "Brouillons : aucun"
DRAFT_UPDATE = "{path} ({title}), datée du {date}"
DRAFT_INCIDENT = "{path} : tout l'incident « {title} » ({updates})"

UPDATE_TITLE_PLACEHOLDER = "[[à compléter : titre court de la mise à jour]]"
FIRST_UPDATE_TITLE = "Première information"


@dataclass(frozen=True)
class NewFile:
    path: str  # relative to the repository root
    text: str


class WorkflowError(Exception):
    """A command staff ran cannot be carried out; the message says why, in French."""


def _template(name: str) -> str:
    return resources.files("vigie.sources").joinpath(f"scaffold/{name}").read_text("utf-8")


def slugify(text: str, fallback: str = "mise-a-jour") -> str:
    """Lowercase ASCII words joined by dashes: « Cause identifiée ! » → cause-identifiee."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    words = re.findall(r"[a-z0-9]+", ascii_text.lower())
    slug = "-".join(words)[:60].strip("-")
    return slug or fallback


def local_now(settings: Settings, now: datetime) -> datetime:
    """`now` in the site's time zone, to the minute: the form update dates take."""
    return french.local(now, settings.timezone).replace(second=0, microsecond=0)


def update_file(
    incident_id: str,
    incidents_dir: str,
    date: datetime,
    status: Status,
    title: str | None,
    *,
    draft: bool = False,
) -> NewFile:
    """A new update of `incident_id`, named after its date and title, front matter filled;
    with `draft`, marked « draft: true »."""
    template = "update-postmortem.md" if status == Status.POSTMORTEM else "update.md"
    if title is None and status == Status.POSTMORTEM:
        title = "Retour d'expérience"
    slug = slugify(title or "", "mise-a-jour")
    name = f"{date:%Y-%m-%dT%H%M}-{slug}.md"
    shown_title = (title or UPDATE_TITLE_PLACEHOLDER).replace('"', "'")
    text = _template(template).format(
        now=date.isoformat(timespec="seconds"),
        status=status.value,
        title=shown_title,
        draft=DRAFT_LINE if draft else "",
    )
    return NewFile(f"{incidents_dir}/{incident_id}/updates/{name}", text)


def incident_files(
    incident_id: str, kind: Kind, incidents_dir: str, settings: Settings, now: datetime
) -> list[NewFile]:
    """The files of a new incident of `kind`, from its French template."""
    if not SLUG.match(incident_id):
        raise WorkflowError(NEW_BAD_ID.format(id=incident_id))
    stamp = now.isoformat(timespec="seconds")
    folder = f"{incidents_dir}/{incident_id}"
    incident = _template(f"incident-{kind.value}.yml").format(
        id=incident_id,
        now=stamp,
        organisation=settings.organisation,
        contact_email=settings.contact_email,
    )
    first_status = Status.SCHEDULED if kind == Kind.MAINTENANCE else Status.INVESTIGATING
    title = "Annonce de l'opération" if kind == Kind.MAINTENANCE else FIRST_UPDATE_TITLE
    files = [
        NewFile(f"{folder}/incident.yml", incident),
        update_file(incident_id, incidents_dir, now, first_status, title),
        NewFile(f"{folder}/faq.yml", _template("faq.yml")),
    ]
    if kind == Kind.DATA_BREACH:
        files.append(NewFile(f"{folder}/communications.yml", _template("communications.yml")))
    if kind == Kind.FRAUD:
        fraud = _template("fraudulent-messages.yml").format(now=stamp)
        files.append(NewFile(f"{folder}/fraudulent-messages.yml", fraud))
    return files


def current_status(root: Path, incidents_dir: str, incident_id: str) -> Status | None:
    """The status of the incident's latest update file, read without judging the rest."""
    folder = root / incidents_dir / incident_id / "updates"
    for path in sorted(folder.glob("*.md"), reverse=True):
        text = read_text(root, path.relative_to(root).as_posix(), [])
        if not text or not text.startswith("---"):
            continue
        head = text.split("\n---", 2)[0].removeprefix("---")
        data = parse_yaml(head, path.name, []).data
        status = data.get("status") if isinstance(data, dict) else None
        if status in list(Status):
            return Status(status)
    return None


def known_incidents(root: Path, incidents_dir: str) -> list[str]:
    """The incident folders, sorted."""
    base = root / incidents_dir
    return sorted(p.name for p in base.iterdir() if p.is_dir()) if base.is_dir() else []


def status_report(view: SiteView, scheduled: tuple[Update, ...]) -> str:
    """What the public site says now, in French, for `vigie status`."""
    settings = view.site.settings
    zone = settings.timezone
    lines = [f"État général : {view.headline}", ""]
    lines.append("Incidents en cours :" if view.unresolved else "Incidents en cours : aucun")
    for incident in view.unresolved:
        last = incident.last_update
        lines.append(
            f"  - {incident.incident.title} ({incident.incident.id}) : "
            f"{french.label(last.status)}, dernière mise à jour le "
            f"{french.datetime_text(last.date, zone)} : {last.title}"
        )
    lines += ["", "Services :"]
    for component, status in view.component_states:
        lines.append(f"  - {component.name} : {french.label(status)}")
    lines += [
        "",
        "Opérations planifiées :" if view.maintenances else "Opérations planifiées : aucune",
    ]
    for maintenance in view.maintenances:
        start = maintenance.incident.planned_start or maintenance.incident.started
        end = maintenance.incident.planned_end or start
        lines.append(
            f"  - {maintenance.incident.title} ({maintenance.incident.id}) : "
            f"{french.label(maintenance.last_update.status)}, du "
            f"{french.datetime_text(start, zone)} au {french.datetime_text(end, zone)}"
        )
    lines += [
        "",
        "Publications programmées :" if scheduled else "Publications programmées : aucune",
    ]
    for update in scheduled:
        lines.append(
            f"  - {french.datetime_text(update.date, zone)} : {update.source} ({update.title})"
        )
    drafts = draft_lines(view.site)
    lines += ["", DRAFTS_HEADER if drafts else DRAFTS_NONE, *(f"  - {line}" for line in drafts)]
    return "\n".join(lines)


def zone_name(timezone: str) -> str:
    """« heure de Paris » for Europe/Paris: the clock a date is told in."""
    return f"heure de {timezone.rsplit('/', 1)[-1].replace('_', ' ')}"


def new_update_notes(when: datetime, now: datetime, settings: Settings, draft: bool) -> list[str]:
    """What `vigie new` says of an update dated `when`: a draft, or published later."""
    told = {"date": french.datetime_text(when, settings.timezone)}
    told["zone"] = zone_name(settings.timezone)
    notes = [NEW_DRAFT] if draft else []
    if when > now:
        notes.append((NEW_SCHEDULED_DRAFT if draft else NEW_SCHEDULED).format(**told))
    return notes


def draft_lines(site: Site) -> list[str]:
    """Each draft, by its file: whole incidents, and updates of the others."""
    zone = site.settings.timezone
    lines = []
    for incident in site.incidents:
        if incident.draft:
            updates = french.count(len(incident.updates), "mise à jour", "mises à jour")
            lines.append(
                DRAFT_INCIDENT.format(
                    path=incident.source / "incident.yml", title=incident.title, updates=updates
                )
            )
            continue
        lines += [
            DRAFT_UPDATE.format(
                path=u.source, title=u.title, date=french.datetime_text(u.date, zone)
            )
            for u in incident.updates
            if u.draft
        ]
    return sorted(lines)


HOOK = """#!/bin/sh
# Installé par « vigie install-hooks » : vérifie les sources avant chaque commit.
# Une erreur (chemin:ligne: message) bloque le commit ; corrigez puis recommencez.
# Les mises à jour sont comparées avec ce qui est public (branche amont, site/ construit) :
# un commit jamais poussé ni publié peut encore être corrigé.
top=$(git rev-parse --show-toplevel) || exit 1
vigie="$top/.venv/bin/vigie"
[ -x "$vigie" ] || vigie=vigie
exec "$vigie" -f "$top/mkdocs.yml" check
"""
