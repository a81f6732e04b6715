"""What every reader's page carries, read from the built HTML: statement, skip link, names."""

from __future__ import annotations

import hashlib
import random
import re
from typing import TYPE_CHECKING

import pytest

from conftest import REPO, copy_repo, parse_html, run_vigie
from vigie.model import Accessibility, Settings
from vigie.pages import html, statement
from vigie_bench import pageweight

if TYPE_CHECKING:
    from pathlib import Path

SETTINGS = Settings(
    organisation="Mutuelle Horizon",
    site_url="https://statut.example/",
    site_name="Information incidents",
    timezone="Europe/Paris",
    contact_email="contact@example.org",
    components=(),
    data_categories=(),
)


def test_statement_says_level_date_contact_and_recourse(html_page) -> None:
    statement = html_page("/accessibilite/")
    text = re.sub(r"\s+", " ", statement.select_one("article").get_text())
    assert statement.h1.get_text(strip=True) == "Déclaration d'accessibilité"
    assert "Ce site est partiellement conforme avec le référentiel général" in text
    assert "(RGAA 4.1)" in text
    assert "une évaluation interne du 1er juillet 2024" in text
    assert statement.select_one("time[datetime='2024-07-01']")
    assert "Cette déclaration a été établie le 1er juillet 2024." in text
    contact = statement.find("h2", id="contact").find_next("ul")
    assert contact.a["href"] == "mailto:accessibilite@mutuelle-horizon.example"
    assert "01 99 00 12 34" in contact.get_text()
    assert "sous une autre forme" in text
    recourse = statement.find("h2", id="voies-de-recours").find_next("ul")
    assert recourse.a["href"] == "https://www.defenseurdesdroits.fr/"
    assert "Libre réponse 71120" in recourse.get_text()


def test_every_page_links_the_statement_has_a_skip_link_and_a_named_search(site: Path) -> None:
    for path in sorted(site.rglob("*.html")):
        soup = parse_html(path)
        footer = soup.select_one("footer .md-copyright")
        assert footer is not None, path
        assert [a for a in footer.find_all("a") if a.get_text() == "Accessibilité"], path
        skip = soup.select("a.md-skip")
        assert len(skip) == 1, path
        target = skip[0]["href"].lstrip("#")
        assert soup.find(id=target), (path, target)
        assert soup.select_one("[role=dialog].md-search")["aria-label"] == "Recherche", path


def test_feed_links_do_not_make_material_fetch_sitemaps(site: Path) -> None:
    """Material fetches `sitemap.xml` beside every `link[rel=alternate]` (exact value)."""
    raw = (site / "index.html").read_text(encoding="utf-8")
    assert 'rel="alternate"' not in raw
    assert len(parse_html(site / "index.html").select('link[rel~="alternate"]')) == 3


def test_own_assets_are_addressed_by_their_content(site: Path) -> None:
    head = parse_html(site / "incidents" / "2024-02-tiers-payant" / "index.html")
    stylesheet = head.select_one("link[href*='vigie.css']")["href"]
    script = head.select_one("script[src*='vigie-search.js']")["src"]
    favicon = head.select_one("link[rel=icon]")["href"]
    # The rule: the file's address, then `?v=` and the first 12 hex digits of the SHA-256
    # of the bytes served at that address.
    for address, file in (
        (stylesheet, "assets/stylesheets/vigie.css"),
        (script, "assets/javascripts/vigie-search.js"),
        (favicon, "assets/images/favicon.png"),
    ):
        digest = hashlib.sha256((site / file).read_bytes()).hexdigest()
        assert address == f"../../{file}?v={digest[:12]}"
    # Vigie's own files are served as written in overrides/.
    for file in ("assets/stylesheets/vigie.css", "assets/javascripts/vigie-search.js"):
        assert (site / file).read_bytes() == (REPO / "overrides" / file).read_bytes()


def test_no_heading_level_is_skipped_and_every_table_has_header_cells(site: Path) -> None:
    kinds = set()
    for path in sorted(site.rglob("*.html")):
        soup = parse_html(path)
        levels = [int(h.name[1]) for h in soup.find_all(re.compile(r"^h[1-6]$"))]
        assert levels[:1] == [1], path
        assert all(b <= a + 1 for a, b in zip(levels, levels[1:], strict=False)), (path, levels)
        for table in soup.select("article table"):
            kinds.add(table["class"][0])
            # A caption; one column header per column; one row header in each row.
            assert table.caption.get_text(strip=True), path
            headers = table.select("thead tr > *")
            assert headers, path
            assert {(cell.name, cell.get("scope")) for cell in headers} == {("th", "col")}, path
            for row in table.select("tbody tr"):
                cells = row.find_all(["th", "td"], recursive=False)
                assert len(cells) == len(headers), path
                row_headers = [c for c in cells if c.name == "th"]
                assert [c.get("scope") for c in row_headers] == ["row"], path
    # Every kind of table Vigie writes is in the example, so none of the loops above is empty.
    assert kinds == {
        "vigie-authorities",
        "vigie-communications",
        "vigie-components",
        "vigie-data",
    }


def test_not_found_page_is_french_with_ways_back(site: Path) -> None:
    soup = parse_html(site / "404.html")
    assert soup.h1.get_text(strip=True) == "Page introuvable"
    # "/." is how MkDocs writes the root on this page, as in Material's own header logo.
    assert {a["href"] for a in soup.select("article a")} == {
        "/.",
        "/history/",
        "/timeline/",
        "/faq/",
    }


def test_statement_defaults_to_not_conform_and_the_site_contact() -> None:
    # The RGAA rules on these options are judged in sources/settings.py (test_settings.py).
    shown = statement.statement(Accessibility(), SETTINGS)
    assert shown.status == "non conforme"
    assert shown.contact_email == "contact@example.org"
    assert shown.audit_date is None


def test_statement_follows_the_settings_in_mkdocs_yml(tmp_path: Path) -> None:
    repo = copy_repo(tmp_path / "repo")
    config = repo / "mkdocs.yml"
    text = config.read_text(encoding="utf-8")
    text = text.replace("status: partiellement conforme", "status: totalement conforme")
    text = text.replace(
        "audit_date: 2024-07-01", "audit_date: 2025-03-14\n        compliance_rate: 100"
    )
    config.write_text(text, encoding="utf-8")
    assert run_vigie(repo, "build").returncode == 0
    statement = parse_html(repo / "site" / "accessibilite" / "index.html")
    status = statement.select_one(".vigie-a11y-status strong").get_text()
    assert status == "totalement conforme"
    assert "14 mars 2025" in statement.get_text()
    assert "100\u202f%" in statement.get_text()

    text = text.replace("        compliance_rate: 100\n", "        compliance_rate: 40\n")
    config.write_text(text)
    refused = run_vigie(repo, "build")
    assert refused.returncode == 1
    line = text.split("\n").index("        compliance_rate: 40") + 1
    assert (
        f"mkdocs.yml:{line}: accessibility.compliance_rate 40 % correspond à « non conforme », "
        "pas à « totalement conforme »"
    ) in refused.stderr.splitlines()


def test_page_weight_counts_gzip_unless_it_does_not_help() -> None:
    text = b"Vigie " * 1000
    assert pageweight.sent_size(text) < 100
    noise = random.Random(0).randbytes(512)  # already compressed, like a PNG
    assert pageweight.sent_size(noise) == len(noise)


@pytest.mark.parametrize(
    ("path", "stamped"),
    [
        ("/assets/javascripts/bundle.a5f9d56c.min.js", True),
        ("/assets/stylesheets/vigie.css?v=02fa0d88a0f4", True),
        ("/assets/stylesheets/vigie.css", False),
        ("/search/search_index.json", False),
        ("/incidents/x/", False),
    ],
)
def test_page_weight_knows_which_addresses_name_their_content(path: str, stamped: bool) -> None:
    assert bool(pageweight.FINGERPRINTED.search(path)) is stamped


def test_page_weight_replaces_only_its_own_section() -> None:
    document = (
        "# Mesures\n\n## Résultats\n\nA\n\n## Poids des pages\n\nancien\n\n## Objectifs\n\nB\n"
    )
    section = "## Poids des pages\n\nnouveau\n"
    replaced = pageweight.replace_section(document, section)
    assert (
        replaced
        == "# Mesures\n\n## Résultats\n\nA\n\n## Poids des pages\n\nnouveau\n\n## Objectifs\n\nB\n"
    )
    assert pageweight.replace_section("# Mesures\n", section) == "# Mesures\n\n" + section
    assert pageweight.replace_section("", section).startswith("# Poids des pages de Vigie\n\n##")


def test_headings_written_by_staff_stay_in_order_wherever_they_sit(tmp_path: Path) -> None:
    """A heading in « Ce qui s'est passé » (under an h2) is an h3; in an update (h3), an h4."""
    repo = copy_repo(tmp_path / "repo")
    updates = repo / "incidents" / "2024-06-espace-adherent" / "updates"
    notice = updates / "2024-06-11T1030-cause-identifiee.md"  # the last to set what_happened
    text = notice.read_text(encoding="utf-8")
    text = text.replace(
        "what_happened: |\n",
        "what_happened: |\n  ## Le détail\n\n  Ce que nous savons.\n\n  ### Plus précisément\n\n",
    )
    notice.write_text(text, encoding="utf-8")
    faq = repo / "incidents" / "faq.yml"
    faq_text = faq.read_text(encoding="utf-8")
    faq.write_text(faq_text.replace("  answer: |\n", "  answer: |\n    ## En bref\n\n", 1))
    result = run_vigie(repo, "build")
    assert result.returncode == 0, result.stderr
    page = parse_html(repo / "site" / "incidents" / "2024-06-espace-adherent" / "index.html")
    happened = page.find("h2", id="ce-qui-s-est-passe")
    assert happened.find_next(["h3", "h4"]).get_text(strip=True) == "Le détail"
    assert happened.find_next(["h3", "h4"]).name == "h3"
    assert page.find(string="Plus précisément").parent.name == "h4"
    for path in ("incidents/2024-06-espace-adherent/index.html", "faq/index.html"):
        soup = parse_html(repo / "site" / path)
        levels = [int(h.name[1]) for h in soup.find_all(re.compile(r"^h[1-6]$"))]
        assert all(b <= a + 1 for a, b in zip(levels, levels[1:], strict=False)), (path, levels)


def test_every_state_is_said_in_words_with_an_icon(site: Path) -> None:
    """Colour only reinforces a state: each badge has its word and its icon."""
    badges = 0
    for path in sorted(site.rglob("*.html")):
        for badge in parse_html(path).select(".vigie-badge"):
            badges += 1
            assert badge.select_one(".vigie-badge__text").get_text(strip=True), path
            assert badge.select_one(".vigie-badge__icon[aria-hidden=true] svg"), path
    assert badges > 50


def test_pages_carry_no_indentation_but_keep_preformatted_text() -> None:
    page = "<ul>\n    <li>a</li>\n\n    <li>b</li>\n</ul>\n<pre>\n  x\n</pre>\n  <script>s = `\n  y`</script>"
    assert html.collapse_whitespace(page) == (
        "<ul>\n<li>a</li>\n<li>b</li>\n</ul>\n<pre>\n  x\n</pre>\n<script>s = `\n  y`</script>"
    )
