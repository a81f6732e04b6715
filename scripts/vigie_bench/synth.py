"""Synthetic incident sources in Vigie's own format, every byte fixed by a seed.

`make_repo` copies a repository's site settings and writes generated incidents beside them;
`add_update` adds the update staff publish on the day of an incident. The benchmark, the
page-weight tool and the tests build these repositories.
"""

from __future__ import annotations

import random
import re
import shutil
import textwrap
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

import yaml

from vigie.model import DEFAULT_DATA_CATEGORIES
from vigie_bench.repository import copy_parts, find_repo, read_config, vigie_options

if TYPE_CHECKING:
    from collections.abc import Sequence

UPDATES_PER_INCIDENT = 10
FAQ_PER_INCIDENT = 8
SEED = 2024
PARIS = ZoneInfo("Europe/Paris")
FIRST_START = datetime(2016, 1, 4, 7, 30, tzinfo=UTC)
SOURCE_PARTS = ("mkdocs.yml", "pages", "overrides")
LINK = "https://www.cnil.fr/"

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


def make_repo(
    target: Path,
    incidents: int,
    *,
    seed: int = SEED,
    updates: int = UPDATES_PER_INCIDENT,
    source_repo: Path | None = None,
) -> Path:
    """A repository like staff's: the site settings copied, and generated incident sources.

    The settings come from `source_repo`, by default the nearest folder holding `mkdocs.yml`
    from the current folder.
    """
    copy_parts(source_repo or find_repo(), target, SOURCE_PARTS)
    options = vigie_options(read_config(target / "mkdocs.yml"))
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


def copy_with_update(repo: Path, target: Path) -> Path:
    """`repo` copied with its build cache, but not its built sites (as CI restores the cache in
    a fresh clone), then `add_update` on the copy."""
    if target.exists():
        shutil.rmtree(target)

    def sites(folder: str, names: list[str]) -> list[str]:
        if Path(folder) != repo:
            return []
        return [name for name in names if name == "site" or name.startswith(".site-")]

    shutil.copytree(repo, target, symlinks=True, ignore=sites)
    return add_update(target)


if __name__ == "__main__":  # python -m vigie_bench.synth copy-with-update REPO TARGET
    import sys

    if sys.argv[1:2] == ["add-update"] and len(sys.argv) == 3:
        print(add_update(Path(sys.argv[2])))
        sys.exit(0)
    if len(sys.argv) != 4 or sys.argv[1] != "copy-with-update":
        sys.exit(
            "usage : python -m vigie_bench.synth copy-with-update DÉPÔT COPIE\n"
            "        python -m vigie_bench.synth add-update DÉPÔT"
        )
    print(copy_with_update(Path(sys.argv[2]), Path(sys.argv[3])))
