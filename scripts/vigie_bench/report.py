"""docs/benchmarks.md, written whole: method, machine, figures, targets and page weights."""

from __future__ import annotations

import os
import platform
import re
import subprocess
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path
from typing import TYPE_CHECKING

from vigie_bench import pageweight
from vigie_bench.synth import FAQ_PER_INCIDENT, UPDATES_PER_INCIDENT

if TYPE_CHECKING:
    from collections.abc import Sequence
    from datetime import datetime

    from vigie_bench.measure import Rebuild, Result, Run
    from vigie_bench.pageweight import PageWeight

# Targets of issue 10.
MAX_RATIO = 1.2
MAX_GROWTH = 11.0
MAX_PEAK_MIB = 300.0
MAX_CHECK_SHARE = 0.15
# Targets of issue 17: one update published with the cache, against Vigie's own full build.
MAX_FULL_RATIO_1000 = 0.69  # the full build no slower than before the cache
MAX_PUBLISH_SHARE = {100: 0.1, 1000: 0.04}
MAX_CHECK_AFTER_UPDATE_SHARE = 0.1  # at 1,000
MAX_INCREMENTAL_PEAK_MIB = 150.0  # at 1,000


@dataclass(frozen=True)
class Target:
    """One target of issue 10: what is promised, what was measured, and whether it holds."""

    name: str
    value: str
    ok: bool | None  # None: not measured in this run


def size_text(number: int) -> str:
    """A count with a narrow no-break space between thousands, as French writes it."""
    return f"{number:,}".replace(",", "\u202f")


def incremental_targets(results: Sequence[Result], rebuilds: Sequence[Rebuild]) -> list[Target]:
    """Issue 17's targets: one update published and checked with the last build's cache."""
    by_size = {r.incidents: r for r in results}
    again = {r.incidents: r for r in rebuilds}
    found = []
    for size, share in MAX_PUBLISH_SHARE.items():
        full, quick = by_size.get(size), again.get(size)
        for where in ("site en place", "CI"):
            run = (quick.in_place if where == "site en place" else quick.run) if quick else None
            value = run.seconds / full.vigie.seconds if full and run else None
            found.append(
                Target(
                    f"publier une mise à jour ≤ {share:g} × construction complète à "
                    f"{size_text(size)} incidents ({where})",
                    f"{value:.2f} ({run.seconds:.1f} s)" if value and run else "non mesuré",
                    value <= share if value else None,
                )
            )
    full, quick = by_size.get(1000), again.get(1000)
    value = quick.check.seconds / full.check.seconds if full and quick else None
    found.append(
        Target(
            f"`vigie check` après une mise à jour ≤ {MAX_CHECK_AFTER_UPDATE_SHARE:g} × check "
            "complet à 1\u202f000 incidents",
            f"{value:.2f} ({quick.check.seconds:.1f} s)" if value and quick else "non mesuré",
            value <= MAX_CHECK_AFTER_UPDATE_SHARE if value else None,
        )
    )
    peak = max(quick.run.peak_mib, quick.in_place.peak_mib) if quick else None
    found.append(
        Target(
            f"mémoire maximale de la publication d'une mise à jour à 1\u202f000 incidents ≤ "
            f"{MAX_INCREMENTAL_PEAK_MIB:g} Mio",
            f"{peak:.0f} Mio" if peak else "non mesuré",
            peak <= MAX_INCREMENTAL_PEAK_MIB if peak else None,
        )
    )
    return found


def incremental_table(results: Sequence[Result], rebuilds: Sequence[Rebuild]) -> list[str]:
    """One row per size: full build and check against the same after one new update."""
    by_size = {r.incidents: r for r in results}
    lines = [
        "| incidents | construction complète (s) | une mise à jour, site en place (s) | rapport "
        "| mémoire max (Mio) | une mise à jour, comme en CI (s) | rapport | mémoire max (Mio) "
        "| check complet (s) | check après la mise à jour (s) | rapport |",
        "| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for again in rebuilds:
        full = by_size[again.incidents]
        lines.append(
            f"| {size_text(again.incidents)} | {full.vigie.seconds:.1f} | "
            f"{_published(again.in_place, full)} | {_published(again.run, full)} | "
            f"{full.check.seconds:.1f} | {again.check.seconds:.1f} | "
            f"**{again.check.seconds / full.check.seconds:.2f}** |"
        )
    return lines


def _published(run: Run, full: Result) -> str:
    """One update's build: its seconds, their share of the full build, its peak memory."""
    return f"{run.seconds:.1f} | **{run.seconds / full.vigie.seconds:.2f}** | {run.peak_mib:.0f}"


def targets(
    results: Sequence[Result],
    total_seconds: float | None = None,
    rebuilds: Sequence[Rebuild] = (),
) -> list[Target]:
    """Issues 10's and 17's targets, judged on this run's figures; the run's length last."""
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
                    f"{label} à {size_text(size)} incidents",
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
    found.append(
        Target(
            f"Vigie / Material ≤ {MAX_FULL_RATIO_1000} à 1\u202f000 incidents (avec le cache)",
            f"{large.ratio:.2f}" if large else "non mesuré",
            large.ratio <= MAX_FULL_RATIO_1000 if large else None,
        )
    )
    found += incremental_targets(results, rebuilds)
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
            f"| {size_text(r.incidents)} | {size_text(r.vigie_pages)} / {size_text(r.plain_pages)} "
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


def commit(code: Path) -> str:
    """`git describe` of the checkout holding `code`, or « inconnu »."""
    try:
        result = subprocess.run(
            ["git", "-C", str(code), "describe", "--always", "--dirty"],
            capture_output=True,
            text=True,
            check=True,
        )
    except (OSError, subprocess.CalledProcessError):
        return "inconnu"
    return result.stdout.strip()


def report(
    results: Sequence[Result],
    rebuilds: Sequence[Rebuild] | None,
    *,
    command: str,
    started: datetime,
    total_seconds: float,
    jobs: int,
    machine_lines: Sequence[str],
    commit: str,
    weights: Sequence[PageWeight] | pageweight.NotMeasured | None = None,
    bucket: str = "",
) -> str:
    """The benchmark document, in Markdown; `weights` adds the « Poids des pages » section,
    `bucket` (`vigie_bench.s3_deploy`'s table, or why it was not measured) the S3 deploys."""
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
        "graine (`vigie_bench.synth`, fonction `make_repo`). Les mêmes pages (accueil, "
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
    if rebuilds:
        lines += [
            "## Publier une mise à jour",
            "",
            "Le jour d'un incident : après la première passe, les sources et le cache "
            "`.vigie-cache/` de chaque taille sont copiés, une mise à jour est ajoutée "
            "au dernier incident (`vigie_bench.synth.add_update`), puis `vigie build` et "
            "`vigie check` tournent sur la copie, dans la voie de Vigie, tandis que Material "
            "construit encore sur l'autre cœur. La construction complète et le check complet "
            "du tableau précédent ignorent le cache (`--clean`) ; la construction l'écrit. "
            "Le site n'est pas copié : chaque page gardée est écrite depuis le cache, comme "
            "en CI (un clone neuf, le cache restauré, pas de `site/`). Deux autres mises à "
            "jour sont alors construites l'une après "
            "l'autre, le site laissé en place ; la seconde est mesurée : c'est le cas du "
            "poste de l'équipe, où le site d'avant (`.site-old-site/`) est là aussi et où "
            "le dossier de chaque incident inchangé en est repris d'un seul renommage.",
            "",
            *incremental_table(results, rebuilds),
            "",
        ]
    lines += ["## Objectifs", "", "| objectif | mesure | verdict |", "| --- | ---: | --- |"]
    judged = targets(results, total_seconds, rebuilds or ())
    lines += [f"| {t.name} | {t.value} | {_verdict(t.ok)} |" for t in judged]
    text = "\n".join(lines) + "\n"
    if isinstance(weights, pageweight.NotMeasured):
        text += "\n" + pageweight.unmeasured_section(weights)
    elif weights is not None:
        text += "\n" + pageweight.markdown_section(weights)
    if bucket:
        text += (
            "\n## Déployer dans un seau S3\n\n"
            "`vigie deploy s3` vers un vrai serveur S3 sur 127.0.0.1 (`rclone serve s3`, "
            "`vigie_bench.s3_deploy`) : le site dans un seau vide, puis le même site après sa "
            "mise à jour de plus. Secondes : la commande entière. À 1 000 incidents "
            "(`--s3-size 1000`, deux minutes de plus), voir `docs/deploiement.md`.\n\n" + bucket
        )
    return text
