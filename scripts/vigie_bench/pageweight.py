"""`python -m vigie_bench.pageweight`: what a member's phone downloads to read an incident page.

An incident page of a built site is opened in Debian's Chromium (Playwright), on a phone-sized
window, and every response is recorded; each body is compressed with gzip (level 6, what most
servers use), or kept as is when that is smaller (images). Three figures come out:

- first visit: everything the page loads, nothing cached;
- repeat visit: what a member checking back pays when the theme's assets are cached: the HTML
  and every resource whose address does not name its content (Material's hashed file names,
  Vigie's `?v=` stamps);
- the notice's own HTML.

Opening the search is measured apart: the index loads only then (vigie-search.js).
`make bench` measures the sites it built (`measure_bench_sites`); run alone, this module builds
the example site and synthetic sites of 10 and 1,000 incidents (`vigie_bench.synth`) itself.
"""

from __future__ import annotations

import argparse
import gzip
import os
import re
import statistics
import subprocess
import sys
import threading
from contextlib import contextmanager
from dataclasses import asdict, dataclass
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import TYPE_CHECKING, Any

from vigie.urls import incident_url
from vigie_bench.browser import chromium
from vigie_bench.repository import BenchError, add_repo_option, chosen_repo, copy_parts
from vigie_bench.synth import make_repo

if TYPE_CHECKING:
    from collections.abc import Iterator, Sequence

SIZES = (10, 1000)
EXAMPLE_PARTS = ("mkdocs.yml", "incidents", "pages", "overrides")
PHONE = {"width": 360, "height": 740}
GZIP_LEVEL = 6
KIB = 1024
# Issue 7's budgets, in KiB of gzip.
FIRST_VISIT_KIB = 100
REPEAT_VISIT_KIB = 8
HTML_KIB = 14
MAX_SPREAD = 0.10  # first visit at 1,000 incidents within 10 % of the figure at 10
FINGERPRINTED = re.compile(r"\.[0-9a-f]{8}\.min\.(?:js|css)$|[?&]v=[0-9a-f]{12}$")
SECTION_TITLE = "## Poids des pages"


@dataclass(frozen=True)
class Resource:
    """One response of the page: its address (from the site root), kind and sizes."""

    path: str
    kind: str
    raw: int
    sent: int  # gzip, or raw when gzip does not make it smaller
    fingerprinted: bool


@dataclass(frozen=True)
class PageWeight:
    """The figures of one incident page, in bytes."""

    site: str
    incidents: int
    page: str
    first_visit: int
    repeat_visit: int
    html: int
    search_opened: int
    largest_html: int  # the largest incident page's HTML on this site
    median_html: int
    resources: tuple[Resource, ...]  # at load, then on opening the search
    on_search: tuple[str, ...] = ()  # paths loaded only when the search was opened


def sent_size(body: bytes) -> int:
    """Bytes on the wire with gzip at level 6, or the raw size when gzip does not help."""
    return min(len(body), len(gzip.compress(body, compresslevel=GZIP_LEVEL, mtime=0)))


def incident_pages(site_dir: Path) -> list[str]:
    """Addresses of the current incident pages (not their versions), oldest id first."""
    pages = sorted(site_dir.glob(f"{incident_url('*')}index.html"))
    return [f"/{incident_url(p.parent.name)}" for p in pages]


class _Quiet(SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        pass


@contextmanager
def served(site_dir: Path) -> Iterator[str]:
    """`site_dir` over HTTP on 127.0.0.1 (a free port), as a static host serves it."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), partial(_Quiet, directory=str(site_dir)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        server.server_close()


def _resource(response: Any, base: str) -> Resource | None:
    try:
        body = response.body()
    except Exception:  # noqa: BLE001 (a redirect or a worker's response has no body to read)
        return None
    path = response.url.removeprefix(base)
    return Resource(
        path=path,
        kind=response.request.resource_type,
        raw=len(body),
        sent=sent_size(body),
        fingerprinted=bool(FINGERPRINTED.search(path)),
    )


def _visit(browser: Any, base: str, address: str) -> tuple[list[Resource], list[Resource]]:
    """Resources of a first visit of `address`, then those added by opening the search."""
    context = browser.new_context(viewport=PHONE)
    try:
        page = context.new_page()
        responses: list[Any] = []
        page.on("response", lambda response: responses.append(response))
        page.goto(base + address, wait_until="networkidle")
        page.wait_for_timeout(300)  # the search worker starts after the load event
        first = len(responses)
        page.locator('label.md-header__button[for="__search"]').click()
        page.locator("input.md-search__input").press_sequentially("panne")
        page.wait_for_load_state("networkidle")
        page.wait_for_timeout(300)
        found = [_resource(r, base) for r in responses]
        resources = [r for r in found if r is not None]
        at_load = [r for r in found[:first] if r is not None]
        return at_load, resources[len(at_load) :]
    finally:
        context.close()


def _html_sizes(site_dir: Path) -> list[int]:
    return [
        sent_size((site_dir / address.strip("/") / "index.html").read_bytes())
        for address in incident_pages(site_dir)
    ]


def measure_page(
    site_dir: Path, address: str, *, name: str = "", browser: Any = None
) -> PageWeight:
    """The weights of the page at `address` of the built site `site_dir`."""
    if browser is None:
        with chromium() as own:
            return measure_page(site_dir, address, name=name, browser=own)
    with served(site_dir) as base:
        at_load, on_search = _visit(browser, base, address)
    sizes = _html_sizes(site_dir)
    document = next(r for r in at_load if r.kind == "document")
    return PageWeight(
        site=name or site_dir.name,
        incidents=len(sizes),
        page=address,
        first_visit=sum(r.sent for r in at_load),
        repeat_visit=sum(r.sent for r in at_load if not r.fingerprinted),
        html=document.sent,
        search_opened=sum(r.sent for r in on_search),
        largest_html=max(sizes),
        median_html=int(statistics.median(sizes)),
        resources=tuple(at_load + on_search),
        on_search=tuple(r.path for r in on_search),
    )


def measure(site_dir: Path, *, name: str = "", browser: Any = None) -> dict[str, Any]:
    """Weights of the newest incident page of a built site, as plain data (bytes)."""
    return asdict(measure_page(site_dir, incident_pages(site_dir)[-1], name=name, browser=browser))


# --- Building the sites -------------------------------------------------------------------


def build(repo: Path) -> Path:
    """`vigie build` of `repo` as a separate process; its `site/` folder."""
    command = [sys.executable, "-m", "vigie.cli", "-f", str(repo / "mkdocs.yml"), "build"]
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
    result = subprocess.run(command, capture_output=True, text=True, env=env, check=False)
    if result.returncode != 0:
        raise RuntimeError(f"vigie build a échoué pour {repo} :\n{result.stderr[-3000:]}")
    return repo / "site"


def example_site(repo: Path, work: Path) -> Path:
    """The sources of `repo` (its incidents included), copied to `work/example` and built there."""
    return build(copy_parts(repo, work / "example" / "repo", EXAMPLE_PARTS))


def synthetic_site(repo: Path, work: Path, incidents: int) -> Path:
    """Synthetic sources for `incidents` incidents with `repo`'s settings, built once."""
    return build(make_repo(work / f"{incidents}" / "repo", incidents, source_repo=repo))


# --- Report -------------------------------------------------------------------------------


def _kib(size: int) -> str:
    return f"{size / KIB:.1f}".replace(".", ",")


def _verdict(ok: bool) -> str:
    return "OK" if ok else "DÉPASSÉ"


def budget_lines(weights: Sequence[PageWeight]) -> list[str]:
    """Issue 7's budgets, judged on these figures."""
    synthetic = {w.incidents: w for w in weights if w.site != "exemple"}
    lines = ["| objectif | mesure | verdict |", "| --- | ---: | --- |"]
    for w in weights:
        label = f"{w.site} ({w.page})"
        lines.append(
            f"| première visite ≤ {FIRST_VISIT_KIB} Kio, {label} | {_kib(w.first_visit)} Kio "
            f"| {_verdict(w.first_visit <= FIRST_VISIT_KIB * KIB)} |"
        )
        lines.append(
            f"| visite suivante ≤ {REPEAT_VISIT_KIB} Kio, {label} | {_kib(w.repeat_visit)} Kio "
            f"| {_verdict(w.repeat_visit <= REPEAT_VISIT_KIB * KIB)} |"
        )
        lines.append(
            f"| HTML de l'avis ≤ {HTML_KIB} Kio, {label} | {_kib(w.html)} Kio "
            f"| {_verdict(w.html <= HTML_KIB * KIB)} |"
        )
    if len(synthetic) >= 2:
        small, large = synthetic[min(synthetic)], synthetic[max(synthetic)]
        spread = abs(large.first_visit - small.first_visit) / small.first_visit
        sizes = (
            f"à {large.incidents:,} incidents à moins de {MAX_SPREAD:.0%} "
            f"de celle à {small.incidents:,}"
        )
        measured = f"{spread:.1%}".replace(".", ",")
        lines.append(
            f"| première visite {sizes.replace(',', chr(0x202F))} | {measured} "
            f"| {_verdict(spread <= MAX_SPREAD)} |"
        )
    return lines


def table(weights: Sequence[PageWeight]) -> list[str]:
    """The figures as a Markdown table, in KiB of gzip."""
    lines = [
        "| site | incidents | page | première visite | visite suivante | HTML de l'avis "
        "| recherche ouverte | HTML d'avis (médiane / max) |",
        "| --- | ---: | --- | ---: | ---: | ---: | ---: | ---: |",
    ]
    for w in weights:
        count = f"{w.incidents:,}".replace(",", "\u202f")
        lines.append(
            f"| {w.site} | {count} | `{w.page}` | {_kib(w.first_visit)} "
            f"| {_kib(w.repeat_visit)} | {_kib(w.html)} | + {_kib(w.search_opened)} "
            f"| {_kib(w.median_html)} / {_kib(w.largest_html)} |"
        )
    return lines


def resource_lines(weight: PageWeight) -> list[str]:
    """What one page loads, resource by resource."""
    lines = [
        "| ressource | type | brut (o) | envoyé (o) | adresse liée au contenu |",
        "| --- | --- | ---: | ---: | --- |",
    ]
    for r in weight.resources:
        stamp = "oui (en cache)" if r.fingerprinted else "non"
        lines.append(f"| `{r.path}` | {r.kind} | {r.raw} | {r.sent} | {stamp} |")
    return lines


def markdown_section(weights: Sequence[PageWeight]) -> str:
    """The « Poids des pages » section of docs/benchmarks.md."""
    if not weights:
        return ""
    detail = weights[-1]
    lines = [
        SECTION_TITLE,
        "",
        "Mesuré par `vigie_bench.pageweight` dans Chromium (Debian), "
        "fenêtre de téléphone 360×740 : "
        "chaque réponse reçue par la page est comptée compressée par gzip (niveau 6), ou "
        "brute quand gzip ne la réduit pas (images). En Kio (1 024 octets).",
        "",
        "- **première visite** : tout ce que charge la page, rien en cache ;",
        "- **visite suivante** : le HTML et toute ressource dont l'adresse ne change pas avec "
        "son contenu (les fichiers du thème Material portent une empreinte dans leur nom, "
        "ceux de Vigie un `?v=` : ils restent en cache) ;",
        "- **recherche ouverte** : ce qui s'ajoute quand le lecteur ouvre la recherche (l'index "
        "et la langue française de lunr ne se chargent qu'à ce moment) ;",
        "- la page mesurée est l'incident le plus récent de chaque site ; la dernière colonne "
        "donne le HTML de tous les avis du site.",
        "",
        *table(weights),
        "",
        *budget_lines(weights),
        "",
        "Une visite suivante ne paie que le HTML quand tout le reste a une adresse liée à son "
        "contenu. C'est pourquoi l'avis ne montre en entier que sa dernière mise à jour (les "
        "précédentes tiennent en une ligne qui mène à leur texte, dans la version de l'avis "
        "qu'elles ont créée) et renvoie ses questions à `/faq/` : un avis de dix mises à jour de "
        "150 à 300 mots et huit questions reste sous 8 Kio. L'index de recherche grandit avec "
        "l'historique, mais ne se charge qu'à l'ouverture de la recherche : la première visite "
        "n'en dépend pas.",
        "",
        f"Détail de `{detail.page}` ({detail.site}) :",
        "",
        *resource_lines(detail),
        "",
    ]
    return "\n".join(lines)


def replace_section(document: str, section: str) -> str:
    """`document` with its « Poids des pages » section replaced by `section` (or appended)."""
    if not document.strip():
        return "# Poids des pages de Vigie\n\n" + section
    start = document.find(SECTION_TITLE)
    if start < 0:
        return document.rstrip("\n") + "\n\n" + section
    following = document.find("\n## ", start + len(SECTION_TITLE))
    rest = document[following + 1 :] if following >= 0 else ""
    return document[:start] + section + ("\n" + rest if rest else "")


def measure_sites(repo: Path, work: Path, sites: dict[int, Path]) -> list[PageWeight]:
    """`repo`'s example (built here) and the given synthetic sites, by number of incidents."""
    with chromium() as browser:
        example = example_site(repo, work)
        weights = [
            measure_page(example, address, name="exemple", browser=browser)
            for address in incident_pages(example)
        ]
        for incidents, site_dir in sorted(sites.items()):
            weights.append(
                measure_page(
                    site_dir,
                    incident_pages(site_dir)[-1],
                    name=f"synthétique {incidents}",
                    browser=browser,
                )
            )
    return weights


class NotMeasured(Exception):
    """The page weights could not be measured: no Playwright, no Chromium, or a build failed."""


def measure_bench_sites(repo: Path, work: Path, sizes: Sequence[int]) -> list[PageWeight]:
    """For `make bench`: `repo`'s example and the sites the benchmark built in `work/<size>`."""
    sites = {size: work / f"{size}" / "repo" / "site" for size in sizes}
    sites = {size: site for size, site in sites.items() if (site / "index.html").is_file()}
    try:
        from playwright.sync_api import Error as BrowserError
    except ImportError as error:
        raise NotMeasured("Playwright manque (`pip install -e '.[test]'`).") from error
    try:
        return measure_sites(repo, work / "pageweight", sites)
    except (BrowserError, RuntimeError) as error:
        raise NotMeasured(str(error)) from error


def unmeasured_section(reason: NotMeasured) -> str:
    """The « Poids des pages » section when nothing could be measured, and why."""
    return f"{SECTION_TITLE}\n\nNon mesuré : {reason}\n"


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of `python -m vigie_bench.pageweight`."""
    parser = argparse.ArgumentParser(
        prog="python -m vigie_bench.pageweight",
        description="Poids d'une page d'incident : première visite, visite suivante, HTML.",
    )
    add_repo_option(parser)
    parser.add_argument("--sizes", default=",".join(map(str, SIZES)), help="ex. 10,1000")
    parser.add_argument(
        "--work", type=Path, help="dossier de travail (par défaut : bench/pageweight du dépôt)"
    )
    parser.add_argument(
        "--reuse", action="store_true", help="mesurer les sites déjà construits dans --work"
    )
    parser.add_argument(
        "--output",
        type=Path,
        help="document Markdown dont remplacer la section « Poids des pages » "
        "(ex. docs/benchmarks.md)",
    )
    args = parser.parse_args(argv)
    try:
        repo = chosen_repo(args.repo)
    except BenchError as error:
        print(error, file=sys.stderr)
        return 2
    work = (args.work or repo / "bench" / "pageweight").resolve()
    sites = {}
    for size in (int(s) for s in args.sizes.split(",") if s):
        existing = work / f"{size}" / "repo" / "site"
        if args.reuse and (existing / "index.html").is_file():
            sites[size] = existing
        else:
            print(f"{size} incidents : génération et construction", file=sys.stderr, flush=True)
            sites[size] = synthetic_site(repo, work, size)
    weights = measure_sites(repo, work, sites)
    section = markdown_section(weights)
    print(section)
    if args.output:
        previous = args.output.read_text(encoding="utf-8") if args.output.is_file() else ""
        args.output.parent.mkdir(parents=True, exist_ok=True)
        args.output.write_text(replace_section(previous, section), encoding="utf-8")
        print(f"Section « Poids des pages » écrite dans {args.output}", file=sys.stderr)
    over = [line for line in budget_lines(weights) if line.endswith("| DÉPASSÉ |")]
    return 1 if over else 0


if __name__ == "__main__":
    sys.exit(main())
