"""`python -m vigie_bench.bench`: Vigie's build time and memory against plain Material.

For each size, synthetic sources are generated from a seed in Vigie's own format; the same
pages (home, incidents, every version, timeline, history, FAQ) are also written as plain
Markdown for stock Material. Both are built as whole processes, side by side, and the
medians are compared, so the ratio measures Vigie's own overhead on this machine.
"""

from __future__ import annotations

import argparse
import os
import platform
import random
import re
import shlex
import shutil
import statistics
import subprocess
import sys
import tempfile
import textwrap
import threading
import time
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from importlib import metadata
from pathlib import Path
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

import yaml

if TYPE_CHECKING:
    from collections.abc import Iterable, Sequence

    from vigie.pages.site import GeneratedPage

REPO = Path(__file__).resolve().parents[2]
SIZES = (10, 100, 1000)
UPDATES_PER_INCIDENT = 10
FAQ_PER_INCIDENT = 8
SEED = 2024
PARIS = ZoneInfo("Europe/Paris")
FIRST_START = datetime(2016, 1, 4, 7, 30, tzinfo=UTC)
SOURCE_PARTS = ("mkdocs.yml", "pages", "overrides")
LINK = "https://www.cnil.fr/"

# Targets of issue 10.
MAX_RATIO = 1.2
MAX_GROWTH = 11.0
MAX_PEAK_MIB = 300.0
MAX_CHECK_SHARE = 0.15

# ---------------------------------------------------------------------------------------
# Synthetic sources
# ---------------------------------------------------------------------------------------

WORDS = (
    "adhérent adhérents accès activité administration adresse alerte analyse appel "
    "application assurance attaque authentification autorité avance bénéficiaire "
    "caisse carte certificat client code compte confirmation connexion contrat contrôle "
    "courrier cybersécurité délai demande dépôt diagnostic document donnée données dossier "
    "échange enquête équipe espace établissement état étape expert fichier fonctionnement "
    "fournisseur fraude frais garantie gestion hameçonnage heure identifiant incident "
    "information infrastructure intervention journal lettre logiciel maintenance matin "
    "mesure message mise mot mutuelle navigateur notification numéro opérateur page panne "
    "paiement partenaire pharmacie plateforme portail prestation procédure professionnel "
    "protection prudence question rapport réclamation remboursement réseau responsable "
    "rétablissement sauvegarde sécurité serveur service signalement site situation soin "
    "surveillance système téléphone tiers traitement transfert vérification version "
    "a avons ont est sont reste restent fonctionne vérifions analysons informons "
    "publierons constaté identifié rétabli suspendu renforcé contacté prévenu corrigé "
    "demandé signalé installé déployé fermé ouvert touché concerné affiché envoyé "
    "normal normale habituel habituelle complet complète partiel partielle externe "
    "interne sensible personnel personnelle prochain prochaine récent récente sûr "
    "sécurisé officiel officielle disponible indisponible nouveau nouvelle premier "
    "le la les un une des du de au aux et ou mais donc car pour par avec sans sur sous "
    "dans chez vers depuis avant après pendant selon entre notre nos votre vos leur "
    "leurs ce cette ces tout toute tous toutes aucun aucune chaque plusieurs très "
    "déjà encore toujours bientôt aujourd’hui désormais ensuite également rapidement "
    "nous vous il elle ils elles qui que dont où ne pas plus"
).split()
HEADINGS = (
    "Ce que nous savons",
    "Ce qui change pour vous",
    "Ce que nous avons fait",
    "Les prochaines étapes",
    "Ce que vous pouvez faire",
    "Les services concernés",
    "Où en est l’enquête",
    "Comment rester prudent",
)
UPDATE_TITLES = (
    ("premiere-information", "Première information"),
    ("point-de-situation", "Point de situation"),
    ("cause-identifiee", "La cause est identifiée"),
    ("mesures-prises", "Les mesures prises"),
    ("retour-progressif", "Retour progressif du service"),
    ("surveillance", "Surveillance renforcée"),
    ("nouvelles-informations", "Nouvelles informations"),
    ("verifications", "Vérifications en cours"),
    ("bilan-provisoire", "Bilan provisoire"),
    ("service-retabli", "Le service est rétabli"),
)
# No planned maintenance: it has its own statuses and planned window, and the history a
# status site accumulates is made of incidents.
INCIDENT_SUBJECTS = (
    ("panne", "Panne", "outage"),
    ("lenteurs", "Lenteurs", "outage"),
    ("cyberattaque", "Cyberattaque", "data-breach"),
    ("fuite-donnees", "Fuite de données", "data-breach"),
    ("incident", "Incident technique", "other"),
)
AUTHORITIES = (("CNIL", "cnil"), ("ANSSI", "anssi"), ("Procureur de la République", "plainte"))
OUTAGE_STATES = ("degraded_performance", "partial_outage", "major_outage")


class _Timestamp(str):
    """Text that YAML writes unquoted, as staff write dates."""

    __slots__ = ()


class _Block(str):
    """Text that YAML writes as a literal block (`|`), as staff write long answers."""

    __slots__ = ()


class _SourceDumper(yaml.SafeDumper):
    pass


_SourceDumper.add_representer(
    _Timestamp,
    lambda dumper, value: dumper.represent_scalar("tag:yaml.org,2002:timestamp", str(value)),
)
_SourceDumper.add_representer(
    _Block, lambda dumper, value: dumper.represent_scalar("tag:yaml.org,2002:str", value, "|")
)


def _yaml(data: Any) -> str:
    return yaml.dump(data, Dumper=_SourceDumper, allow_unicode=True, sort_keys=False, width=10_000)


def _when(moment: datetime) -> _Timestamp:
    return _Timestamp(moment.astimezone(PARIS).isoformat(timespec="seconds"))


class _Writer:
    """French-looking text drawn from one `random.Random`, so that a seed fixes every byte."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng

    def words(self, count: int) -> list[str]:
        return [self.rng.choice(WORDS) for _ in range(count)]

    def sentence(self, count: int, end: str = ".") -> str:
        words = self.words(max(1, count))
        return " ".join([words[0].capitalize(), *words[1:]]) + end

    def paragraph(self, low: int, high: int) -> str:
        target = self.rng.randint(low, high)
        sentences = []
        while target > 0:
            count = min(target, self.rng.randint(7, 16))
            sentences.append(self.sentence(count))
            target -= count
        return " ".join(sentences)

    def block(self, low: int, high: int) -> _Block:
        return _Block(textwrap.fill(self.paragraph(low, high), 78) + "\n")

    def body(self) -> str:
        """An update body of 150 to 300 words: text, a `##` heading, a list and a link."""
        target = self.rng.randint(150, 300)
        heading = self.rng.choice(HEADINGS)
        items = [
            self.sentence(self.rng.randint(5, 12), " ;") for _ in range(self.rng.randint(3, 5))
        ]
        items[-1] = items[-1].removesuffix(" ;") + "."
        intro = self.sentence(self.rng.randint(5, 9), " :")
        link = f"{self.sentence(self.rng.randint(4, 8), '')} sur [le site de la CNIL]({LINK})."
        first = self.paragraph(30, 60)
        parts = [first, f"## {heading}", intro, "\n".join(f"- {item}" for item in items), link]
        used = sum(len(part.split()) for part in parts)
        rest = max(target - used, 3)
        parts.append(self.paragraph(rest, rest))
        return "\n\n".join(parts)


def _update(
    writer: _Writer,
    number: int,
    count: int,
    date: datetime,
    *,
    closed: bool,
    kind: str,
    affected: dict[str, str],
    categories: Sequence[str],
    discovered: datetime,
) -> tuple[dict[str, Any], str]:
    """The front matter and body of update `number` (from 1) out of `count`."""
    rng = writer.rng
    if number == count and closed:
        status = "resolved"
    elif number == 1:
        status = "investigating"
    elif number <= max(2, count // 3):
        status = "identified"
    else:
        status = "monitoring"
    slug, title = UPDATE_TITLES[(number - 1) % len(UPDATE_TITLES)]
    if number == count and closed:
        slug, title = UPDATE_TITLES[-1]
    front: dict[str, Any] = {"date": _when(date), "status": status, "title": title}
    if number == 2 and kind == "data-breach":
        exposed = rng.sample(list(categories), rng.randint(2, 6))
        front["data"] = {
            "exposed": exposed,
            "not_exposed": [c for c in categories if c not in exposed][: rng.randint(1, 4)],
        }
    if number == 2:
        front["recommendations"] = [writer.sentence(rng.randint(8, 16)) for _ in range(3)]
    if number == 3:
        front["what_happened"] = writer.block(50, 90)
        if kind == "data-breach":
            # The CNIL within 72 h of discovery (GDPR art. 33), and one other authority.
            front["authorities"] = [
                {
                    "name": name,
                    "type": authority_type,
                    "date": _when(discovered + timedelta(hours=rng.randint(2, 60))),
                    "note": writer.sentence(rng.randint(4, 8)),
                }
                for name, authority_type in (
                    AUTHORITIES[0],
                    rng.choice(AUTHORITIES[1:]),
                )
            ]
    if number == 4:
        front["impact"] = rng.choice(("minor", "major"))
    if number in (2, 4, 6):
        front["measures"] = [writer.sentence(rng.randint(8, 16))]
    if number == count - 1 and closed and affected:
        front["components"] = dict.fromkeys(affected, "operational")
    if number == 5 and rng.random() < 0.05:
        front["corrections"] = [
            {"date": _when(date + timedelta(hours=2)), "reason": writer.sentence(5)}
        ]
    slug = f"{number:02d}-{slug}"
    name = f"{date.astimezone(PARIS):%Y-%m-%dT%H%M}-{slug}.md"
    return front | {"_name": name}, writer.body()


def _breach(writer: _Writer, started: datetime) -> dict[str, Any]:
    """What GDPR art. 34 asks of a breach notice, so that the notice passes Vigie's gate."""
    rng = writer.rng
    return {
        "discovered": _when(started),
        "exposure": {
            "start": _when(started - timedelta(days=rng.randint(1, 20))),
            "end": _when(started + timedelta(minutes=rng.randint(5, 60))),
        },
        "concerned": writer.block(20, 40),
        "individual_notice": writer.block(15, 30),
        "consequences": [writer.sentence(rng.randint(6, 12)) for _ in range(2)],
        "planned_measures": [writer.sentence(rng.randint(6, 12)) for _ in range(2)],
        "controller": {"name": "Mutuelle Horizon", "role": writer.sentence(5)},
        "rights": _Block(
            f"{writer.paragraph(15, 30)} Vous pouvez adresser une réclamation à la CNIL "
            f"sur [son site]({LINK}).\n"
        ),
    }


def _faq(writer: _Writer, count: int) -> list[dict[str, Any]]:
    entries = []
    for number in range(1, count + 1):
        question = writer.sentence(writer.rng.randint(5, 11), " ?")
        slug = "-".join(_ascii(w) for w in question.split()[:4] if _ascii(w))
        entries.append(
            {"id": f"{number}-{slug}", "question": question, "answer": writer.block(30, 70)}
        )
    return entries


def _ascii(word: str) -> str:
    table = str.maketrans("àâäçéèêëîïôöùûüÿœ’", "aaaceeeeiioouuuyoe")
    return re.sub(r"[^a-z0-9]", "", word.lower().translate(table))


def generate_sources(
    root: Path,
    incidents: int,
    *,
    seed: int = SEED,
    updates: int = UPDATES_PER_INCIDENT,
    components: Sequence[str],
    categories: Sequence[str],
) -> None:
    """Write `incidents` synthetic incidents under `root/incidents`, every byte fixed by `seed`."""
    rng = random.Random(seed)
    writer = _Writer(rng)
    base = root / "incidents"
    base.mkdir(parents=True)
    (base / "faq.yml").write_text(_yaml(_faq(writer, 5)), encoding="utf-8")
    open_count = max(1, min(5, incidents // 50))
    started = FIRST_START
    for index in range(incidents):
        started += timedelta(days=rng.randint(1, 5), minutes=rng.randint(0, 600))
        closed = index < incidents - open_count
        subject, subject_title, kind = rng.choice(INCIDENT_SUBJECTS)
        local = started.astimezone(PARIS)
        incident_id = f"{local:%Y-%m}-{subject}-{index + 1:04d}"
        affected_ids = rng.sample(list(components), rng.randint(1, min(2, len(components))))
        state = rng.choice(OUTAGE_STATES)
        affected = dict.fromkeys(affected_ids, state)
        dates = []
        moment = started + timedelta(minutes=rng.randint(10, 120))
        for _ in range(updates):
            dates.append(moment)
            moment += timedelta(minutes=rng.randint(30, 36 * 60))
        incident: dict[str, Any] = {
            "id": incident_id,
            "title": f"{subject_title} : {writer.sentence(rng.randint(3, 7), '').lower()}",
            "summary": writer.paragraph(20, 40),
            "kind": kind,
            "impact": rng.choice(("minor", "major", "critical")),
            "started": _when(started),
        }
        if closed:
            incident["resolved"] = _when(dates[-1])
        incident |= {
            "components": {c: affected.get(c, "operational") for c in components},
            "data": {"exposed": [], "not_exposed": []},
            "what_happened": writer.block(40, 80),
            "measures": [writer.sentence(rng.randint(8, 16))],
            "authorities": [],
            "recommendations": [writer.sentence(rng.randint(8, 16)) for _ in range(2)],
        }
        if kind == "data-breach":
            incident["breach"] = _breach(writer, started)
        incident |= {
            "contact": {
                "name": "Délégué à la protection des données",
                "email": "dpo@mutuelle-horizon.example",
                "url": "https://www.mutuelle-horizon.example/contact",
                "phone": "01 99 00 12 34",
            },
        }
        folder = base / incident_id
        (folder / "updates").mkdir(parents=True)
        (folder / "incident.yml").write_text(_yaml(incident), encoding="utf-8")
        for number, date in enumerate(dates, start=1):
            front, body = _update(
                writer,
                number,
                updates,
                date,
                closed=closed,
                kind=kind,
                affected=affected,
                categories=categories,
                discovered=started,
            )
            name = front.pop("_name")
            text = f"---\n{_yaml(front)}---\n{body}\n"
            (folder / "updates" / name).write_text(text, encoding="utf-8")
        faq = _faq(writer, FAQ_PER_INCIDENT)
        (folder / "faq.yml").write_text(_yaml(faq), encoding="utf-8")


def _read_config(config_file: Path) -> dict[str, Any]:
    from mkdocs.utils.yaml import yaml_load

    with config_file.open(encoding="utf-8") as file:
        return yaml_load(file)


def _vigie_options(config: dict[str, Any]) -> dict[str, Any]:
    for plugin in config.get("plugins") or ():
        if isinstance(plugin, dict) and "vigie" in plugin:
            return plugin["vigie"] or {}
    raise BenchError("mkdocs.yml n'active pas le plugin vigie")


def make_repo(
    target: Path,
    incidents: int,
    *,
    seed: int = SEED,
    updates: int = UPDATES_PER_INCIDENT,
    source_repo: Path = REPO,
) -> Path:
    """A repository like staff's: the site settings copied, and generated incident sources."""
    from vigie.model import DEFAULT_DATA_CATEGORIES

    if target.exists():
        shutil.rmtree(target)
    target.mkdir(parents=True)
    for part in SOURCE_PARTS:
        source = source_repo / part
        if source.is_dir():
            shutil.copytree(source, target / part)
        elif source.is_file():
            shutil.copy2(source, target / part)
    options = _vigie_options(_read_config(target / "mkdocs.yml"))
    components = [c["id"] for c in options.get("components") or ()]
    categories = [c["id"] for c in options.get("data_categories") or ()] or [
        c.id for c in DEFAULT_DATA_CATEGORIES
    ]
    generate_sources(
        target,
        incidents,
        seed=seed,
        updates=updates,
        components=components,
        categories=categories,
    )
    return target


def add_update(repo: Path) -> Path:
    """Add one update to the newest incident, as staff do on the day of an incident."""
    newest = sorted(p for p in (repo / "incidents").iterdir() if p.is_dir())[-1]
    last = sorted((newest / "updates").iterdir())[-1]
    front = yaml.safe_load(last.read_text(encoding="utf-8").split("---\n")[1])
    date = datetime.fromisoformat(str(front["date"])) + timedelta(hours=3)
    status = "resolved" if front["status"] in ("resolved", "postmortem") else "monitoring"
    update = {"date": _when(date), "status": status, "title": "Nouvelle information"}
    body = _Writer(random.Random(0)).body()
    path = newest / "updates" / f"{date.astimezone(PARIS):%Y-%m-%dT%H%M}-nouvelle-information.md"
    path.write_text(f"---\n{_yaml(update)}---\n{body}\n", encoding="utf-8")
    return path


# ---------------------------------------------------------------------------------------
# The same pages as plain Markdown for stock Material
# ---------------------------------------------------------------------------------------


def _md_link(url: str) -> str:
    """A Vigie address relative to the site root as a link to its Markdown file."""
    path, _, anchor = url.partition("#")
    target = f"{path}index.md" if path.endswith("/") or not path else f"{path}.md"
    return f"{target}#{anchor}" if anchor else target


def _shift_headings(markdown_text: str) -> str:
    # Vigie shows update bodies under an h3: their own headings start at h4.
    return re.sub(
        r"^(#{1,6}) ",
        lambda m: "#" * max(4, min(6, len(m.group(1)) + 2)) + " ",
        markdown_text,
        flags=re.MULTILINE,
    )


def _incident_rows(rows: Iterable[Any], prefix: str = "") -> list[str]:
    lines = []
    for row in rows:
        dates = f"Début : {row.started.text}"
        if row.resolved:
            dates += f" · Fin : {row.resolved.text}"
            if row.duration:
                dates += f" (durée : {row.duration})"
        else:
            dates += f" · Dernière mise à jour : {row.last_update.text}"
        lines += [
            f"### [{row.title}]({prefix}{_md_link(row.url)})",
            "",
            row.badge.text,
            "",
            dates,
            "",
            row.summary,
            "",
        ]
    return lines


def _component_table(rows: Iterable[Any]) -> list[str]:
    lines = ["| Service | État |", "| --- | --- |"]
    lines += [f"| {row.name} — {row.description} | {row.badge.text} |" for row in rows]
    return [*lines, ""]


def _notice_markdown(notice: Any) -> list[str]:
    lines = []
    if not notice.is_current:
        lines += [
            '!!! warning "Version archivée"',
            "",
            f"    Vous lisez la version {notice.version} de cet avis, telle que publiée le "
            f"{notice.version_when.text}. Elle n'est plus à jour : [lire la version actuelle "
            f"(version {notice.version_count})](../index.md).",
            "",
        ]
    lines += [f"# {notice.title}", "", notice.summary, ""]
    lines += [
        f"- **Statut** : {notice.badge.text}",
        f"- **Nature** : {notice.kind}",
        f"- **Gravité** : {notice.impact}",
        f"- **Début** : {notice.started.text}",
    ]
    if notice.resolved:
        lines.append(f"- **Fin** : {notice.resolved.text}")
    lines += [f"- **Version** : {notice.version} — mise à jour le {notice.version_when.text}", ""]
    if notice.what_happened:
        lines += ["## Ce qui s'est passé", "", notice.what_happened, ""]
    lines += ["## Données personnelles concernées", ""]
    for rows, caption in (
        (notice.data_exposed, "exposée"),
        (notice.data_not_exposed, "non exposée"),
    ):
        if rows:
            lines += [f"| Donnée {caption} | Sensibilité |", "| --- | --- |"]
            lines += [f"| {r.label} | {'Donnée sensible' if r.sensitive else '—'} |" for r in rows]
        else:
            lines.append(f"Aucune donnée {caption} n'est connue à ce jour.")
        lines.append("")
    if notice.components:
        lines += ["## Conséquences sur nos services", "", *_component_table(notice.components)]
    if notice.measures or notice.authorities:
        lines += ["## Ce que nous avons fait", ""]
        lines += [f"- {item}" for item in notice.measures]
        lines.append("")
        if notice.authorities:
            lines += ["| Autorité | Date | Précision |", "| --- | --- | --- |"]
            lines += [f"| {a.name} | {a.when.text} | {a.note or '—'} |" for a in notice.authorities]
            lines.append("")
    if notice.recommendations:
        lines += ["## Ce que vous devez faire", ""]
        lines += [f"- {item}" for item in notice.recommendations]
        lines.append("")
    contact = f"{notice.contact_name} : [{notice.contact_email}](mailto:{notice.contact_email})"
    if notice.contact_phone:
        contact += f" · téléphone : {notice.contact_phone}"
    if notice.contact_url:
        contact += f" · [formulaire de contact]({notice.contact_url})"
    lines += ["## Contact", "", contact, "", "## Mises à jour", ""]
    for update in notice.updates:
        lines += [f"### {update.title} {{#{update.anchor}}}", ""]
        lines += [f"{update.badge.text} · publiée le {update.when.text}", ""]
        for correction in update.corrections:
            lines += [f"Corrigé le {correction.when.text} : {correction.reason}", ""]
        lines += [_shift_headings(update.body), ""]
    if notice.faq:
        lines += ["## Questions fréquentes", ""]
        for entry in notice.faq:
            lines += [f"### {entry.question} {{#{entry.anchor}}}", "", entry.answer, ""]
    return lines


def page_markdown(page: GeneratedPage, organisation: str) -> str:
    """The text a reader sees on one of Vigie's pages, as a plain Markdown page."""
    meta: dict[str, Any] = {"title": page.title}
    if not page.searchable:
        meta["search"] = {"exclude": True}
    context = page.context
    if page.template == "vigie/incident.html":
        lines = _notice_markdown(context)
    elif page.template == "vigie/home.html":
        lines = [f"# État des services de {organisation}", "", context.overall.text, ""]
        if context.updated:
            lines += [f"Dernière mise à jour : {context.updated.text}", ""]
        for banner in context.banners:
            lines += [
                f'!!! warning "{banner.title}"',
                "",
                f"    [{banner.badge.text}]({_md_link(banner.url)}) · dernière mise à jour le "
                f"{banner.last_update.text}",
                "",
            ]
        lines += ["## Nos services", "", *_component_table(context.components)]
        lines += ["## Incidents en cours", "", *_incident_rows(context.unresolved)]
        lines += ["## Incidents récents résolus", "", *_incident_rows(context.recent)]
        lines += [
            "[Voir l'historique complet des incidents](history.md) · "
            "[voir toutes les mises à jour](timeline.md)"
        ]
    elif page.template == "vigie/timeline.html":
        lines = ["# Chronologie des mises à jour", "", page.search_text, ""]
        for day in context.days:
            lines += [f"## {day.when.text} {{#jour-{day.when.iso}}}", ""]
            for entry in day.entries:
                lines += [
                    f"### [{entry.incident_title} : {entry.title}]({_md_link(entry.url)})",
                    "",
                    f"{entry.when.text} · {entry.badge.text}",
                    "",
                ]
    elif page.template == "vigie/history.html":
        lines = ["# Historique des incidents", "", page.search_text, ""]
        for month in context:
            lines += [f"## {month.label} {{#mois-{month.anchor}}}", ""]
            lines += _incident_rows(month.incidents)
    elif page.template == "vigie/faq.html":
        lines = ["# Questions fréquentes", ""]
        for section in context:
            title = f"[{section.title}]({_md_link(section.url)})" if section.url else section.title
            lines += [f"## {title}", ""]
            for entry in section.entries:
                lines += [f"### {entry.question} {{#{entry.anchor}}}", "", entry.answer, ""]
    else:  # a page kind this benchmark does not know yet: its title and indexed text
        lines = [f"# {page.title}", "", page.search_text, ""]
    return f"---\n{yaml.safe_dump(meta, allow_unicode=True)}---\n\n" + "\n".join(lines) + "\n"


def vigie_pages(repo: Path) -> tuple[GeneratedPage, ...]:
    """Every page Vigie generates for `repo`: its plugin's own list, as a build makes it."""
    from mkdocs.config import load_config

    config = load_config(str(repo / "mkdocs.yml"))
    plugin = config.plugins["vigie"]
    plugin.on_config(config)
    return tuple(plugin.pages.values())  # type: ignore[attr-defined]


def _existing_nav(nav: Any, docs: Path) -> Any:
    """The navigation without the entries whose page does not exist in `docs`."""
    if not isinstance(nav, list):
        return nav
    kept = []
    for item in nav:
        target = next(iter(item.values())) if isinstance(item, dict) and len(item) == 1 else item
        if isinstance(target, str) and target.endswith(".md") and not (docs / target).is_file():
            continue
        kept.append(
            {k: _existing_nav(v, docs) for k, v in item.items()} if isinstance(item, dict) else item
        )
    return kept


def write_plain_site(repo: Path, target: Path) -> int:
    """Write the pages Vigie makes for `repo` as a plain Material site; returns the page count."""
    config = _read_config(repo / "mkdocs.yml")
    organisation = _vigie_options(config).get("organisation", "")
    if target.exists():
        shutil.rmtree(target)
    docs = target / "docs"
    shutil.copytree(repo / config.get("docs_dir", "docs"), docs)
    generated = vigie_pages(repo)
    for page in generated:
        path = docs / page.uri
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(page_markdown(page, organisation), encoding="utf-8")
    theme = dict(config["theme"])
    theme.pop("custom_dir", None)  # stock Material: Vigie's overrides count as Vigie's cost
    plain = {
        "site_name": config["site_name"],
        "site_url": config.get("site_url"),
        "docs_dir": "docs",
        "strict": config.get("strict", False),
        "theme": theme,
        "nav": _existing_nav(config.get("nav"), docs),  # the same short navigation
        "not_in_nav": "/incidents/\n",
        "plugins": [
            p for p in config.get("plugins") or () if not (isinstance(p, dict) and "vigie" in p)
        ],
        "markdown_extensions": config.get("markdown_extensions") or [],
        "validation": config.get("validation") or {},
    }
    (target / "mkdocs.yml").write_text(
        yaml.dump(plain, Dumper=yaml.Dumper, allow_unicode=True, sort_keys=False),
        encoding="utf-8",
    )
    return sum(1 for _ in docs.rglob("*.md"))


# ---------------------------------------------------------------------------------------
# Measuring
# ---------------------------------------------------------------------------------------


class BenchError(Exception):
    """A build or check failed, or the work folder is unusable."""


@dataclass(frozen=True)
class Run:
    seconds: float  # wall time
    cpu_seconds: float  # user + system time of the process: less sensitive to other load
    peak_mib: float  # maximum resident memory


class _Child:
    """A command started as its own process, measured when it ends."""

    def __init__(self, command: Sequence[str]) -> None:
        self.command = list(command)
        self.output = tempfile.TemporaryFile()
        env = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
        self.start = time.perf_counter()
        self.process = subprocess.Popen(
            self.command, stdout=self.output, stderr=subprocess.STDOUT, env=env
        )

    def wait(self) -> Run:
        # wait4 gives this child's own rusage; RUSAGE_CHILDREN only gives the largest child's.
        _, status, usage = os.wait4(self.process.pid, 0)
        seconds = time.perf_counter() - self.start
        self.process.returncode = os.waitstatus_to_exitcode(status)
        with self.output:
            if self.process.returncode != 0:
                self.output.seek(0)
                text = self.output.read().decode("utf-8", "replace")[-4000:]
                command = shlex.join(self.command)
                raise BenchError(f"{command} a échoué ({self.process.returncode}) :\n{text}")
        cpu = usage.ru_utime + usage.ru_stime
        return Run(seconds, cpu, usage.ru_maxrss / 1024)  # ru_maxrss is in KiB on Linux


def freeze_code(target: Path) -> Path:
    """Copy the `vigie` package to `target` and make child processes import that copy.

    Others may edit the checkout while a long measurement runs: every build of one run
    then measures the same code, the one the report's commit line names.
    """
    package = Path(__file__).parent
    if target.exists():
        shutil.rmtree(target)
    shutil.copytree(package, target / package.name, ignore=shutil.ignore_patterns("__pycache__"))
    paths = [str(target), *filter(None, os.environ.get("PYTHONPATH", "").split(os.pathsep))]
    os.environ["PYTHONPATH"] = os.pathsep.join(paths)
    return target


def run_process(command: Sequence[str]) -> Run:
    """Wall time, CPU time and peak resident memory of `command`, run as a whole process."""
    return _Child(command).wait()


def median_run(runs: Sequence[Run]) -> Run:
    """The median of each figure over several runs."""
    return Run(
        statistics.median(r.seconds for r in runs),
        statistics.median(r.cpu_seconds for r in runs),
        statistics.median(r.peak_mib for r in runs),
    )


def vigie_command(repo: Path, action: str) -> list[str]:
    """`vigie check` or `vigie build` on `repo`, as staff run it."""
    return [sys.executable, "-m", "vigie.cli", "-f", str(repo / "mkdocs.yml"), action]


def plain_command(plain: Path) -> list[str]:
    """Plain `mkdocs build` of the plain Material site."""
    return [sys.executable, "-m", "mkdocs", "build", "-f", str(plain / "mkdocs.yml")]


def write_plain_command(repo: Path, plain: Path) -> list[str]:
    """This module, in a process of its own, writing the plain Material site for `repo`."""
    return [sys.executable, "-m", "vigie_bench.bench", "--write-plain", str(repo), str(plain)]


def run_lanes(
    first: Sequence[Sequence[str]], second: Sequence[Sequence[str]], jobs: int
) -> tuple[list[Run], list[Run]]:
    """Run two lists of commands, each in order; with 2 jobs, the lists run side by side."""
    if jobs < 2:
        return [run_process(c) for c in first], [run_process(c) for c in second]
    beside: list[Run] = []
    failures: list[BaseException] = []

    def lane() -> None:
        try:
            beside.extend(run_process(c) for c in second)
        except BaseException as error:  # handed to the main thread, raised there
            failures.append(error)

    thread = threading.Thread(target=lane)
    thread.start()
    try:
        runs = [run_process(c) for c in first]
    finally:
        thread.join()
    if failures:
        raise failures[0]
    return runs, beside


@dataclass(frozen=True)
class Result:
    incidents: int
    vigie_pages: int
    plain_pages: int
    vigie: Run
    plain: Run
    check: Run
    runs: int
    prepare_seconds: float

    @property
    def ratio(self) -> float:
        return self.vigie.seconds / self.plain.seconds

    @property
    def cpu_ratio(self) -> float:
        return self.vigie.cpu_seconds / self.plain.cpu_seconds

    @property
    def check_share(self) -> float:
        return self.check.seconds / self.vigie.seconds


def _html_pages(site: Path) -> int:
    return sum(1 for _ in site.rglob("*.html"))


def _say(text: str) -> None:
    print(text, file=sys.stderr, flush=True)


def measure_size(
    work: Path,
    incidents: int,
    *,
    seed: int,
    runs: int,
    jobs: int,
    deadline: float | None = None,
    rebuild: bool = False,
) -> tuple[Result, Rebuild | None]:
    """Generate one size, then build it with Vigie and plain Material, pass after pass.

    With a `deadline` (a `time.monotonic()` value), passes after the first are only run
    while one more pass still fits before it. With `rebuild`, the first pass also builds a
    copy of the sources with one update more, in Vigie's lane, while Material still builds.
    """
    start = time.monotonic()
    repo = make_repo(work / f"{incidents}" / "repo", incidents, seed=seed)
    plain = work / f"{incidents}" / "plain"
    updated = work / f"{incidents}" / "updated"
    if rebuild:
        if updated.exists():
            shutil.rmtree(updated)
        shutil.copytree(repo, updated, ignore=shutil.ignore_patterns("site"))
        add_update(updated)
    prepared = time.monotonic()
    _say(f"  sources générées en {prepared - start:.0f} s")
    vigie_runs: list[Run] = []
    plain_runs: list[Run] = []
    check_runs: list[Run] = []
    rebuilt: Rebuild | None = None
    for number in range(1, runs + 1):
        began = time.monotonic()
        # The plain pages come from Vigie's own page list: written beside the first build.
        writing = [write_plain_command(repo, plain)] if number == 1 else []
        rebuilding = [vigie_command(updated, "build")] if rebuild and number == 1 else []
        (vigie, check, *after_update), material = run_lanes(
            [vigie_command(repo, "build"), vigie_command(repo, "check"), *rebuilding],
            [*writing, plain_command(plain)],
            jobs,
        )
        if after_update:
            rebuilt = Rebuild(incidents, after_update[0])
            _say(f"  une mise à jour de plus, puis `vigie build` : {rebuilt.run.seconds:.1f} s")
        material = material[-1]
        vigie_runs.append(vigie)
        plain_runs.append(material)
        check_runs.append(check)
        took = time.monotonic() - began
        _say(
            f"  passe {number} en {took:.0f} s : Vigie {vigie.seconds:.1f} s "
            f"({vigie.peak_mib:.0f} Mio), Material {material.seconds:.1f} s "
            f"({material.peak_mib:.0f} Mio), check {check.seconds:.1f} s"
        )
        if deadline is not None and time.monotonic() + took + vigie.seconds > deadline:
            break
    result = Result(
        incidents=incidents,
        vigie_pages=_html_pages(repo / "site"),
        plain_pages=_html_pages(plain / "site"),
        vigie=median_run(vigie_runs),
        plain=median_run(plain_runs),
        check=median_run(check_runs),
        runs=len(vigie_runs),
        prepare_seconds=prepared - start,
    )
    return result, rebuilt


def profile_build(repo: Path, top: int = 25) -> list[str]:
    """Run `vigie build` on `repo` under cProfile; Vigie's own functions by cumulative time."""
    import pstats

    with tempfile.TemporaryDirectory() as scratch:
        output = Path(scratch) / "build.prof"
        command = [sys.executable, "-m", "cProfile", "-o", str(output), "-m", "vigie.cli"]
        run_process([*command, "-f", str(repo / "mkdocs.yml"), "build"])
        stats = pstats.Stats(str(output))
    rows = stats.stats  # type: ignore[attr-defined]
    total = max(cumulative for _, _, _, cumulative, _ in rows.values())
    ours = str(Path(__file__).parent)
    lines = [
        f"Profil de `vigie build` ({total:.1f} s sous cProfile, qui ralentit environ ×2)",
        "",
        "| fonction de Vigie | appels | temps cumulé (s) | part |",
        "| --- | ---: | ---: | ---: |",
    ]
    own = sorted(
        ((key, value) for key, value in rows.items() if key[0].startswith(ours)),
        key=lambda item: item[1][3],
        reverse=True,
    )
    for (filename, line, name), (_, calls, _, cumulative, _) in own[:top]:
        where = f"{Path(filename).name}:{line} {name}"
        lines.append(f"| `{where}` | {calls} | {cumulative:.1f} | {cumulative / total:.0%} |")
    lines += [
        "",
        "| fonction, toutes bibliothèques (temps propre) | appels | temps propre (s) | part |",
        "| --- | ---: | ---: | ---: |",
    ]
    by_own_time = sorted(rows.items(), key=lambda item: item[1][2], reverse=True)
    for (filename, line, name), (_, calls, own_time, _, _) in by_own_time[: top // 2]:
        where = "/".join(Path(filename).parts[-2:]) + f":{line} {name}"
        lines.append(f"| `{where}` | {calls} | {own_time:.1f} | {own_time / total:.0%} |")
    return lines


# ---------------------------------------------------------------------------------------
# Report
# ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Target:
    name: str
    value: str
    ok: bool | None  # None: not measured in this run


def _size(number: int) -> str:
    return f"{number:,}".replace(",", "\u202f")


def targets(results: Sequence[Result], total_seconds: float | None = None) -> list[Target]:
    """Issue 10's targets, judged on this run's figures."""
    by_size = {r.incidents: r for r in results}
    found: list[Target] = []
    ratios = (
        (f"Vigie / Material ≤ {MAX_RATIO}", lambda r: r.ratio),
        ("idem en temps CPU (moins sensible à la charge)", lambda r: r.cpu_ratio),
    )
    for label, ratio in ratios:
        for size in (100, 1000):
            r = by_size.get(size)
            found.append(
                Target(
                    f"{label} à {_size(size)} incidents",
                    f"{ratio(r):.2f}" if r else "non mesuré",
                    ratio(r) <= MAX_RATIO if r else None,
                )
            )
    small, large = by_size.get(100), by_size.get(1000)
    growth = large.vigie.seconds / small.vigie.seconds if small and large else None
    found.append(
        Target(
            f"temps de Vigie de 100 à 1 000 incidents ≤ ×{MAX_GROWTH:g}",
            f"×{growth:.1f}" if growth else "non mesuré",
            growth <= MAX_GROWTH if growth else None,
        )
    )
    found.append(
        Target(
            f"mémoire maximale de Vigie à 1 000 incidents ≤ {MAX_PEAK_MIB:g} Mio",
            f"{large.vigie.peak_mib:.0f} Mio" if large else "non mesuré",
            large.vigie.peak_mib <= MAX_PEAK_MIB if large else None,
        )
    )
    found.append(
        Target(
            f"`vigie check` ≤ {MAX_CHECK_SHARE:.0%} de la construction à 1 000 incidents",
            f"{large.check_share:.0%}" if large else "non mesuré",
            large.check_share <= MAX_CHECK_SHARE if large else None,
        )
    )
    if total_seconds is not None:
        found.append(
            Target(
                "durée de la mesure complète ≤ 10 min",
                f"{total_seconds / 60:.1f} min",
                total_seconds <= 600 if large else None,
            )
        )
    return found


def _verdict(ok: bool | None) -> str:
    return {True: "OK", False: "MISSED", None: "—"}[ok]


def table(results: Sequence[Result]) -> list[str]:
    """The figures of each size as a Markdown table."""
    lines = [
        "| incidents | pages (Vigie / Material) | passes | Vigie (s) | Material (s) "
        "| Vigie / Material | Vigie, CPU (s) | Material, CPU (s) | idem, rapport CPU "
        "| Vigie max (Mio) | Material max (Mio) | `vigie check` (s) | check / build |",
        "| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: "
        "| ---: |",
    ]
    for r in results:
        lines.append(
            f"| {_size(r.incidents)} | {_size(r.vigie_pages)} / {_size(r.plain_pages)} "
            f"| {r.runs} | {r.vigie.seconds:.1f} | {r.plain.seconds:.1f} | **{r.ratio:.2f}** "
            f"| {r.vigie.cpu_seconds:.1f} | {r.plain.cpu_seconds:.1f} | {r.cpu_ratio:.2f} "
            f"| {r.vigie.peak_mib:.0f} | {r.plain.peak_mib:.0f} "
            f"| {r.check.seconds:.1f} | {r.check_share:.0%} |"
        )
    return lines


def growth_lines(results: Sequence[Result]) -> list[str]:
    """Growth factors from 100 to 1,000 incidents, for time and memory."""
    by_size = {r.incidents: r for r in results}
    small, large = by_size.get(100), by_size.get(1000)
    if not (small and large):
        return ["Croissance de 100 à 1 000 incidents : non mesurée (tailles absentes)."]
    return [
        "Croissance de 100 à 1 000 incidents (10 fois plus de sources) :",
        "",
        f"- temps : Vigie ×{large.vigie.seconds / small.vigie.seconds:.1f}, "
        f"Material ×{large.plain.seconds / small.plain.seconds:.1f}",
        f"- temps CPU : Vigie ×{large.vigie.cpu_seconds / small.vigie.cpu_seconds:.1f}, "
        f"Material ×{large.plain.cpu_seconds / small.plain.cpu_seconds:.1f}",
        f"- mémoire maximale : Vigie ×{large.vigie.peak_mib / small.vigie.peak_mib:.1f}, "
        f"Material ×{large.plain.peak_mib / small.plain.peak_mib:.1f}",
    ]


def machine() -> list[str]:
    """Cores, memory, CPU, Python and the versions of the packages that build the site."""
    meminfo = Path("/proc/meminfo")
    memory = "inconnue"
    if meminfo.is_file():
        match = re.search(r"^MemTotal:\s+(\d+) kB", meminfo.read_text(), re.MULTILINE)
        if match:
            memory = f"{int(match.group(1)) / 1024 / 1024:.1f} Gio"
    cpu = platform.processor() or platform.machine()
    cpuinfo = Path("/proc/cpuinfo")
    if cpuinfo.is_file():
        match = re.search(r"^model name\s*:\s*(.+)$", cpuinfo.read_text(), re.MULTILINE)
        cpu = match.group(1).strip() if match else cpu
    usable = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    versions = []
    for name in ("mkdocs", "mkdocs-material", "Markdown", "Jinja2", "PyYAML", "pymdown-extensions"):
        try:
            versions.append(f"{name} {metadata.version(name)}")
        except metadata.PackageNotFoundError:
            continue
    load = ", ".join(f"{x:.2f}" for x in os.getloadavg())
    return [
        f"- cœurs : {usable} utilisables ({os.cpu_count()} au total), {cpu}",
        f"- mémoire : {memory}",
        f"- système : {platform.system()} {platform.release()}",
        f"- Python {platform.python_version()} ; {', '.join(versions)}",
        f"- charge moyenne au départ (1, 5, 15 min) : {load}",
    ]


def _commit(repo: Path) -> str:
    try:
        result = subprocess.run(
            ["git", "-C", str(repo), "describe", "--always", "--dirty"],
            capture_output=True,
            text=True,
            check=True,
        )
    except (OSError, subprocess.CalledProcessError):
        return "inconnu"
    return result.stdout.strip()


@dataclass(frozen=True)
class Rebuild:
    incidents: int
    run: Run


def report(
    results: Sequence[Result],
    rebuild: Rebuild | None,
    *,
    command: str,
    started: datetime,
    total_seconds: float,
    jobs: int,
    machine_lines: Sequence[str],
    commit: str,
) -> str:
    """The benchmark document, in Markdown."""
    side = (
        "la construction Material tourne en même temps que celles de Vigie, chacune sur son cœur"
        if jobs > 1
        else "les constructions tournent l'une après l'autre"
    )
    lines = [
        "# Mesures de performance",
        "",
        "Ce document est réécrit par chaque `make bench` : ne le modifiez pas à la main.",
        "",
        f"- commande : `{command}` ({total_seconds / 60:.1f} min en tout)",
        f"- date : {started:%Y-%m-%d %H:%M} UTC ; code : `{commit}`, copié au départ (toutes "
        "les constructions d'une mesure passent par le même code)",
        *machine_lines,
        "",
        "## Ce qui est mesuré",
        "",
        f"Pour chaque taille, des sources synthétiques ({UPDATES_PER_INCIDENT} mises à jour "
        "de 150 à 300 mots par incident, avec un intertitre, une liste et un lien ; "
        f"{FAQ_PER_INCIDENT} questions de FAQ par incident ; la plupart résolus, quelques-uns "
        "en cours) sont générées au format de Vigie, de façon déterministe à partir d'une "
        "graine (`python -m vigie_bench.bench`, fonction `make_repo`). Les mêmes pages (accueil, "
        "chaque incident, chaque version `incidents/<id>/versions/<n>/`, chronologie, "
        "historique, FAQ, pages rédigées) sont aussi écrites en Markdown ordinaire avec le "
        "même texte, pour Material sans Vigie : mêmes réglages de thème (sans les gabarits "
        "de Vigie), mêmes extensions Markdown, même recherche, même navigation courte, mêmes "
        "pages exclues de la recherche (les versions archivées).",
        "",
        "Chaque construction est un processus entier : `vigie build` (qui vérifie, puis "
        "construit en mode strict) contre `mkdocs build`. Par passe, " + side + " ; les "
        "chiffres sont des médianes des passes. Temps : temps écoulé (le temps CPU, moins "
        "sensible à la charge des autres processus, est donné pour le rapport). Mémoire : "
        "maximum résident du processus (`ru_maxrss`).",
        "",
        "## Résultats",
        "",
        *table(results),
        "",
        *growth_lines(results),
        "",
    ]
    if rebuild:
        lines += [
            f"Reconstruction après l'ajout d'une mise à jour à {_size(rebuild.incidents)} "
            f"incidents (`vigie build`, ce qu'attend l'équipe le jour d'un incident) : "
            f"**{rebuild.run.seconds:.1f} s**, {rebuild.run.peak_mib:.0f} Mio. Vigie refait "
            "tout le site à chaque construction : c'est une construction complète, mesurée "
            "sur une copie des sources (sans `site/` précédent) pendant la première passe, "
            "après `vigie check`, tandis que Material construit encore sur l'autre cœur.",
            "",
        ]
    lines += ["## Objectifs", "", "| objectif | mesure | verdict |", "| --- | ---: | --- |"]
    lines += [
        f"| {t.name} | {t.value} | {_verdict(t.ok)} |" for t in targets(results, total_seconds)
    ]
    return "\n".join(lines) + "\n"


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of `python -m vigie_bench.bench`."""
    parser = argparse.ArgumentParser(
        prog="python -m vigie_bench.bench", description="Mesure Vigie contre Material seul."
    )
    parser.add_argument("--sizes", default=",".join(map(str, SIZES)), help="ex. 10,100,1000")
    parser.add_argument("--runs", type=int, default=3, help="passes par taille (médiane)")
    parser.add_argument("--quick", action="store_true", help="10 et 100 incidents, 1 passe")
    parser.add_argument(
        "--budget",
        type=float,
        default=540,
        help="secondes : la plus grande taille ne refait une passe que si elle tient dedans",
    )
    parser.add_argument(
        "--jobs",
        type=int,
        choices=(1, 2),
        default=2,
        help="2 : Material construit à côté de Vigie, sur l'autre cœur ; 1 : l'un après l'autre",
    )
    parser.add_argument("--seed", type=int, default=SEED)
    parser.add_argument("--work", type=Path, default=REPO / "bench", help="dossier de travail")
    parser.add_argument("--output", type=Path, default=REPO / "docs" / "benchmarks.md")
    parser.add_argument("--no-write", action="store_true", help="ne pas réécrire --output")
    parser.add_argument(
        "--profile",
        type=int,
        metavar="N",
        help="profiler `vigie build` à N incidents, sans mesurer",
    )
    parser.add_argument(
        "--no-weight", action="store_true", help="sans la section « Poids des pages » (Chromium)"
    )
    parser.add_argument("--write-plain", nargs=2, type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.write_plain:  # the child process measure_size starts beside the first build
        write_plain_site(*args.write_plain)
        return 0
    work = args.work.resolve()
    if args.profile:
        repo = make_repo(work / f"{args.profile}" / "repo", args.profile, seed=args.seed)
        try:
            print("\n".join(profile_build(repo)))
        except BenchError as error:
            print(error, file=sys.stderr)
            return 1
        return 0
    sizes = (10, 100) if args.quick else tuple(int(s) for s in args.sizes.split(",") if s)
    runs = 1 if args.quick else args.runs
    started = datetime.now(UTC)
    began = time.monotonic()
    deadline = began + args.budget
    machine_lines = machine()
    commit = _commit(REPO)
    freeze_code(work / "code")
    results: list[Result] = []
    rebuild = None
    try:
        for size in sizes:
            _say(f"{_size(size)} incidents :")
            result, rebuilt = measure_size(
                work,
                size,
                seed=args.seed,
                runs=runs,
                jobs=args.jobs,
                deadline=deadline if size == max(sizes) else None,
                rebuild=size == max(sizes),
            )
            results.append(result)
            rebuild = rebuilt or rebuild
    except BenchError as error:
        print(error, file=sys.stderr)
        return 1
    weight = ""
    if not args.no_weight:
        # « Poids des pages » (issue 7): incident pages of the sites just built, in Chromium.
        from vigie_bench import pageweight

        _say("Poids des pages (Chromium)")
        weight = "\n" + pageweight.bench_section(work, sizes)
    words = sys.argv[1:] if argv is None else list(argv)
    command = "make bench" if os.environ.get("MAKELEVEL") and not words else ""
    command = command or shlex.join(["python", "-m", "vigie_bench.bench", *words])
    text = report(
        results,
        rebuild,
        command=command,
        started=started,
        total_seconds=time.monotonic() - began,
        jobs=args.jobs,
        machine_lines=machine_lines,
        commit=commit,
    )
    text += weight
    print(text)
    if not args.no_write:
        args.output.parent.mkdir(parents=True, exist_ok=True)
        args.output.write_text(text, encoding="utf-8")
        _say(f"Résultats écrits dans {args.output}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
