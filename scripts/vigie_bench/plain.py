"""The pages Vigie makes for a repository, written as a plain Material site with the same text.

The benchmark builds this site with stock Material beside Vigie's build, so that their ratio
measures Vigie's own cost. `python -m vigie_bench.plain REPO TARGET` writes it in a process
of its own (the benchmark runs it beside the first build).
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

import yaml

from vigie import pipeline
from vigie.derive import publication_time, site_view
from vigie.pages.site import pages
from vigie_bench.repository import read_config, vigie_options

if TYPE_CHECKING:
    from collections.abc import Iterable, Sequence

    from vigie.pages.site import GeneratedPage


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
    if notice.show_archive_banner:
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
    """Every page Vigie generates for `repo`, as a build makes them (the same function)."""
    outcome = pipeline.check(repo / "mkdocs.yml")
    if outcome.checked is None:
        raise SystemExit("\n".join(str(p) for p in outcome.problems))
    return pages(site_view(outcome.checked.site, publication_time(os.environ)))


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


def _drop_vigie_templates(docs: Path) -> None:
    """Hand-written pages lose the Vigie template their front matter names (Material has none)."""
    for path in docs.rglob("*.md"):
        text = path.read_text(encoding="utf-8")
        head, sep, body = text.partition("\n---\n")
        if not text.startswith("---\n") or not sep:
            continue
        meta = yaml.safe_load(head[4:]) or {}
        if isinstance(meta, dict) and meta.pop("template", None) is not None:
            kept = f"---\n{yaml.safe_dump(meta, allow_unicode=True)}---\n" if meta else ""
            path.write_text(kept + body, encoding="utf-8")


def write_plain_site(repo: Path, target: Path) -> int:
    """Write the pages Vigie makes for `repo` as a plain Material site; returns the page count."""
    config = read_config(repo / "mkdocs.yml")
    organisation = vigie_options(config).get("organisation", "")
    if target.exists():
        shutil.rmtree(target)
    docs = target / "docs"
    shutil.copytree(repo / config.get("docs_dir", "docs"), docs)
    _drop_vigie_templates(docs)
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


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of `python -m vigie_bench.plain REPO TARGET`."""
    parser = argparse.ArgumentParser(
        prog="python -m vigie_bench.plain",
        description="Écrit les pages de Vigie pour REPO comme un site Material ordinaire.",
    )
    parser.add_argument("repo", type=Path, help="dépôt du site (dossier de mkdocs.yml)")
    parser.add_argument("target", type=Path, help="dossier du site Material à écrire")
    args = parser.parse_args(argv)
    write_plain_site(args.repo, args.target)
    return 0


if __name__ == "__main__":
    sys.exit(main())
