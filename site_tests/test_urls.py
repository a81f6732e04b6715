"""The public address scheme: written in `vigie/urls.py` only, and what it writes, by hand."""

from __future__ import annotations

import ast
import re
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import PurePosixPath

import pytest

from conftest import REPO
from vigie import urls
from vigie.model import Component, FaqEntry, Settings, Status, Update

PACKAGE = REPO / "scripts" / "vigie"
OVERRIDES = REPO / "overrides"
PATTERNS = re.compile(r"incidents/|feeds/|api/v2/|versions/")
# Strings that hold a pattern without being an address: (module, what the string contains).
NOT_ADDRESSES = {
    # The sources folder, named in a message to staff.
    ("messages.py", "fichier inattendu dans incidents/ :"),
}

SETTINGS = Settings(
    organisation="Mutuelle Horizon",
    site_url="https://statut.example.fr/",
    site_name="Information incidents",
    timezone="Europe/Paris",
    contact_email="contact@example.org",
    components=(Component("espace-adherent", "Espace adhérent"),),
    data_categories=(),
    tag_year=2023,
)
UPDATE = Update(
    incident_id="2024-02-tiers-payant",
    slug="2025-01-03-resolu",
    source=PurePosixPath("incidents/2024-02-tiers-payant/2025-01-03-resolu.md"),
    date=datetime(2025, 1, 3, 9, 30, tzinfo=UTC),
    status=Status.RESOLVED,
    title="Le service est rétabli",
    body="Tout fonctionne.",
)


def _docstrings(tree: ast.Module) -> set[int]:
    kinds = (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef)
    return {
        id(node.body[0].value)
        for node in ast.walk(tree)
        if isinstance(node, kinds)
        and node.body
        and isinstance(node.body[0], ast.Expr)
        and isinstance(node.body[0].value, ast.Constant)
    }


def address_literals(source: str) -> list[tuple[int, str]]:
    """Every string literal, f-string parts included, spelling an address pattern (no docstring)."""
    tree = ast.parse(source)
    docstrings = _docstrings(tree)
    return sorted(
        (node.lineno, node.value)
        for node in ast.walk(tree)
        if isinstance(node, ast.Constant)
        and isinstance(node.value, str)
        and id(node) not in docstrings
        and PATTERNS.search(node.value)
    )


def test_the_lint_sees_f_string_parts_and_not_docstrings_or_comments() -> None:
    source = (
        '"""Pages under incidents/<id>/."""\n'
        "def page(i):\n"
        '    """The page under incidents/<id>/."""\n'
        "    # feeds/ in a comment\n"
        '    return f"incidents/{i}/", f"{i}/versions/{2}/", "api/v2/x.json", "other/"\n'
    )
    assert address_literals(source) == [(5, "/versions/"), (5, "api/v2/x.json"), (5, "incidents/")]


def test_only_urls_py_spells_the_address_patterns() -> None:
    found = []
    for path in sorted(PACKAGE.rglob("*.py")):
        if path == PACKAGE / "urls.py":
            continue
        name = path.relative_to(PACKAGE).as_posix()
        for line, text in address_literals(path.read_text(encoding="utf-8")):
            if not any(name == module and part in text for module, part in NOT_ADDRESSES):
                found.append(f"scripts/vigie/{name}:{line}: {text!r}")
    assert found == []


def template_addresses(text: str) -> list[str]:
    """Addresses a template spells in an attribute or hands to the `url` filter."""
    text = re.sub(r"\{#.*?#\}|<!--.*?-->", "", text, flags=re.S)
    values = re.findall(r"""\s[\w:-]+\s*=\s*(?:"([^"]*)"|'([^']*)')""", text)
    values += [(v, "") for v in re.findall(r"""['"]([^'"]*)['"]\s*\|\s*url\b""", text)]
    return [v for pair in values for v in pair if PATTERNS.search(v)]


def test_the_template_lint_sees_attributes_and_url_filters() -> None:
    text = (
        "{# feeds/ in a comment #}<a href=\"{{ 'feeds/x.ics' | url }}\">"
        "<img src='incidents/a/b.png'>{{ 'api/v2/s.json' | url }}<p>versions/</p>"
    )
    assert sorted(template_addresses(text)) == [
        "api/v2/s.json",
        "feeds/x.ics",
        "incidents/a/b.png",
        "{{ 'feeds/x.ics' | url }}",
    ]


def test_templates_print_the_addresses_python_gives_them() -> None:
    found = [
        f"{path.relative_to(REPO)}: {value}"
        for path in sorted(OVERRIDES.rglob("*.html"))
        for value in template_addresses(path.read_text(encoding="utf-8"))
    ]
    assert found == []


def test_page_paths() -> None:
    assert urls.incident_url("2024-02-tiers-payant") == "incidents/2024-02-tiers-payant/"
    assert urls.incident_url("2024-02-tiers-payant", "maj") == "incidents/2024-02-tiers-payant/#maj"
    assert (
        urls.version_url("2024-02-tiers-payant", 3) == "incidents/2024-02-tiers-payant/versions/3/"
    )
    assert (
        urls.version_url("2024-02-tiers-payant", 3, "versions")
        == "incidents/2024-02-tiers-payant/versions/3/#versions"
    )
    assert urls.incident_source("2024-02-tiers-payant") == "incidents/2024-02-tiers-payant/index.md"
    assert (
        urls.version_source("2024-02-tiers-payant", 3)
        == "incidents/2024-02-tiers-payant/versions/3.md"
    )


def test_file_paths() -> None:
    assert urls.SITE_JSON == "feeds/feed.json"
    assert urls.CALENDAR == "feeds/maintenances.ics"
    assert urls.SECURITY_TXT == ".well-known/security.txt"
    assert urls.SITE_BADGE == "badge.svg"
    assert (
        urls.incident_feed("2024-02-tiers-payant", "rss")
        == "incidents/2024-02-tiers-payant/rss.xml"
    )
    assert (
        urls.incident_feed("2024-02-tiers-payant", "atom")
        == "incidents/2024-02-tiers-payant/atom.xml"
    )
    assert urls.component_badge("espace-adherent") == "components/espace-adherent/badge.svg"
    assert urls.notice_json("2024-02-tiers-payant") == "incidents/2024-02-tiers-payant/notice.json"
    assert [
        urls.API_SUMMARY,
        urls.API_STATUS,
        urls.API_COMPONENTS,
        urls.API_INCIDENTS,
        urls.API_UNRESOLVED,
        urls.API_MAINTENANCES,
        urls.API_UPCOMING,
        urls.API_ACTIVE,
    ] == [
        "api/v2/summary.json",
        "api/v2/status.json",
        "api/v2/components.json",
        "api/v2/incidents.json",
        "api/v2/incidents/unresolved.json",
        "api/v2/scheduled-maintenances.json",
        "api/v2/scheduled-maintenances/upcoming.json",
        "api/v2/scheduled-maintenances/active.json",
    ]


def test_feed_links() -> None:
    site = urls.site_links(SETTINGS)
    assert [(f.label, f.short, f.mime, f.path, f.url, f.title) for f in site] == [
        (
            "Flux RSS",
            "RSS",
            "application/rss+xml",
            "feeds/rss.xml",
            "https://statut.example.fr/feeds/rss.xml",
            "Information incidents, toutes les mises à jour (RSS)",
        ),
        (
            "Flux Atom",
            "Atom",
            "application/atom+xml",
            "feeds/atom.xml",
            "https://statut.example.fr/feeds/atom.xml",
            "Information incidents, toutes les mises à jour (Atom)",
        ),
        (
            "JSON Feed",
            "JSON Feed",
            "application/feed+json",
            "feeds/feed.json",
            "https://statut.example.fr/feeds/feed.json",
            "Information incidents, toutes les mises à jour (JSON Feed)",
        ),
    ]
    own = urls.incident_links(SETTINGS, "2024-02-tiers-payant", "Tiers payant")
    assert [(f.path, f.title) for f in own] == [
        ("incidents/2024-02-tiers-payant/rss.xml", "Tiers payant (RSS)"),
        ("incidents/2024-02-tiers-payant/atom.xml", "Tiers payant (Atom)"),
    ]
    follow = urls.follow(SETTINGS)
    assert follow.api == "https://statut.example.fr/api/v2/summary.json"
    assert follow.api_path == "api/v2/summary.json"
    assert follow.calendar_path == "feeds/maintenances.ics"
    assert [c.name for c in follow.components] == ["Espace adhérent"]
    assert [f.url for f in follow.components[0].links] == [
        "https://statut.example.fr/components/espace-adherent/rss.xml",
        "https://statut.example.fr/components/espace-adherent/atom.xml",
    ]


@pytest.mark.parametrize(
    ("site_url", "root", "address", "path"),
    [
        (
            "https://statut.example.fr/",
            "https://statut.example.fr/",
            "https://statut.example.fr",
            "/",
        ),
        (
            "https://statut.example.fr",
            "https://statut.example.fr/",
            "https://statut.example.fr",
            "/",
        ),
        (
            "https://example.org/statut",
            "https://example.org/statut/",
            "https://example.org/statut",
            "/statut/",
        ),
        (
            "https://example.org/statut/",
            "https://example.org/statut/",
            "https://example.org/statut",
            "/statut/",
        ),
        (
            "https://example.org/statut//",
            "https://example.org/statut/",
            "https://example.org/statut",
            "/statut/",
        ),
    ],
)
def test_site_url_is_normalised_once(site_url: str, root: str, address: str, path: str) -> None:
    settings = replace(SETTINGS, site_url=site_url)
    assert urls.normalised(site_url) == root
    assert urls.site_root(settings) == root
    assert urls.site_address(settings) == address
    assert urls.served_path(site_url) == path
    assert urls.absolute(settings, "feeds/rss.xml") == f"{root}feeds/rss.xml"
    assert urls.incident_page(settings, "x") == f"{root}incidents/x/"


def test_absolute_urls_under_a_sub_path() -> None:
    settings = replace(SETTINGS, site_url="https://example.org/statut")
    assert urls.absolute(settings, "feeds/rss.xml") == "https://example.org/statut/feeds/rss.xml"
    assert (
        urls.incident_page(settings, "2024-02-tiers-payant")
        == "https://example.org/statut/incidents/2024-02-tiers-payant/"
    )
    assert (
        urls.incident_page(settings, "2024-02-tiers-payant", "messages-officiels")
        == "https://example.org/statut/incidents/2024-02-tiers-payant/#messages-officiels"
    )
    assert (
        urls.permalink(settings, UPDATE)
        == "https://example.org/statut/incidents/2024-02-tiers-payant/#2025-01-03-resolu"
    )
    assert urls.domain(settings) == "example.org"


def test_domain_and_host() -> None:
    assert urls.domain(replace(SETTINGS, site_url="https://Statut.Example.FR:8443/x/")) == (
        "statut.example.fr"
    )
    assert urls.host("https://statut.example.fr") == "statut.example.fr"
    assert urls.host("statut.example.fr/") == ""
    assert urls.host("") == ""


def test_ids_keep_the_tag_year_whatever_the_update_date() -> None:
    assert urls.entry_id(SETTINGS, UPDATE) == (
        "tag:statut.example.fr,2023:2024-02-tiers-payant/2025-01-03-resolu"
    )
    assert urls.communication_id(SETTINGS, "2024-02-tiers-payant", "courrier-1") == (
        "tag:statut.example.fr,2023:2024-02-tiers-payant/communications/courrier-1"
    )
    assert urls.site_feed_id(SETTINGS) == "tag:statut.example.fr,2023:feed/site"
    assert urls.incident_feed_id(SETTINGS, "2024-02-tiers-payant") == (
        "tag:statut.example.fr,2023:feed/incident/2024-02-tiers-payant"
    )
    assert urls.component_feed_id(SETTINGS, "espace-adherent") == (
        "tag:statut.example.fr,2023:feed/component/espace-adherent"
    )
    assert urls.calendar_uid(SETTINGS, "2025-03-maintenance") == (
        "2025-03-maintenance@statut.example.fr"
    )


def test_ids_do_not_follow_the_site_path() -> None:
    moved = replace(SETTINGS, site_url="https://statut.example.fr/autre/")
    assert urls.entry_id(moved, UPDATE) == urls.entry_id(SETTINGS, UPDATE)


def test_anchors() -> None:
    general = FaqEntry("suis-je-concerne", "Suis-je concerné ?", "Non.")
    own = FaqEntry("suis-je-concerne", "Suis-je concerné ?", "Oui.", "2024-02-tiers-payant")
    assert urls.faq_anchor(general) == "suis-je-concerne"
    assert urls.faq_anchor(own) == "2024-02-tiers-payant-suis-je-concerne"
    assert urls.faq_url(own) == "faq/#2024-02-tiers-payant-suis-je-concerne"
    assert urls.incident_faq_anchor(own) == "faq-suis-je-concerne"
    assert urls.update_anchor(UPDATE) == "2025-01-03-resolu"
    assert (urls.ANCHORS.versions, urls.ANCHORS.messages, urls.ANCHORS.follow) == (
        "versions",
        "messages-officiels",
        "suivre",
    )
