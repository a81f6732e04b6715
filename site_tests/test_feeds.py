"""Feeds: RSS, Atom and JSON Feed, read back with feedparser and compared with the sources.

The expected entries are read from the update files directly (PyYAML, not Vigie's loader),
so the feeds are checked against what staff wrote, not against Vigie's own model.
"""

from __future__ import annotations

import json
import re
import shutil
import xml.etree.ElementTree as ET
from dataclasses import dataclass, replace
from datetime import datetime
from email.utils import parsedate_to_datetime
from typing import TYPE_CHECKING
from urllib.parse import urljoin
from zoneinfo import ZoneInfo

import feedparser
import pytest
import yaml
from bs4 import BeautifulSoup

from conftest import TEST_NOW, copy_repo, parse_html, run_vigie
from vigie.outputs import feeds

if TYPE_CHECKING:
    from pathlib import Path

PARIS = ZoneInfo("Europe/Paris")
# The French status labels, written out here so that a change of wording is a visible choice.
STATUS_FR = {
    "investigating": "Enquête en cours",
    "identified": "Cause identifiée",
    "monitoring": "Sous surveillance",
    "resolved": "Résolu",
    "postmortem": "Retour d'expérience publié",
}


@dataclass(frozen=True)
class Expected:
    """One published update as staff wrote it, and what its feed entry must say."""

    incident: str
    stem: str
    date: datetime
    status: str
    title: str
    body: str
    site_url: str

    @property
    def domain(self) -> str:
        return self.site_url.split("//", 1)[1].split("/", 1)[0]

    @property
    def id(self) -> str:
        return f"tag:{self.domain},2024:{self.incident}/{self.stem}"

    @property
    def link(self) -> str:
        return f"{self.site_url}incidents/{self.incident}/#{self.stem}"

    @property
    def order(self) -> tuple[datetime, str, str]:
        return (self.date, self.incident, self.stem)


def site_url(repo: Path) -> str:
    match = re.search(r"^site_url:\s*(\S+)\s*$", (repo / "mkdocs.yml").read_text(), re.M)
    assert match, "mkdocs.yml has no site_url"
    return match.group(1)


def front_matter(path: Path) -> tuple[dict, str]:
    text = path.read_text(encoding="utf-8")
    assert text.startswith("---\n"), path
    head, body = text[4:].split("\n---\n", 1)
    return yaml.safe_load(head), body


def published_updates(repo: Path, now: datetime = TEST_NOW) -> list[Expected]:
    """Every update published at `now` (the tests' SOURCE_DATE_EPOCH, with which the example is
    built), newest first (same date: incident, then stem)."""
    url = site_url(repo)
    result = []
    for incident_file in sorted((repo / "incidents").glob("*/incident.yml")):
        incident = yaml.safe_load(incident_file.read_text(encoding="utf-8"))
        if incident.get("draft") is True:
            continue
        for path in sorted(incident_file.parent.glob("updates/*.md")):
            meta, body = front_matter(path)
            if meta.get("draft") is True or meta["date"] > now:
                continue
            title = f"{incident['title']} — {STATUS_FR[meta['status']]} : {meta['title']}"
            result.append(
                Expected(incident["id"], path.stem, meta["date"], meta["status"], title, body, url)
            )
    return sorted(result, key=lambda e: e.order, reverse=True)


def parse_feed(path: Path) -> feedparser.FeedParserDict:
    parsed = feedparser.parse(path.read_bytes())
    assert not parsed.bozo, f"{path}: {parsed.get('bozo_exception')}"
    return parsed


def update_entries(entries: list) -> list:
    """The entries of published updates, leaving out those of messages sent to members
    (their own entries, checked in test_breach.py)."""
    return [
        e for e in entries if "/communications/" not in (e["id"] if isinstance(e, dict) else e.id)
    ]


def feed_paths(site: Path) -> list[Path]:
    paths = [site / "feeds/rss.xml", site / "feeds/atom.xml"]
    paths += sorted(site.glob("incidents/*/rss.xml")) + sorted(site.glob("incidents/*/atom.xml"))
    paths += sorted(site.glob("components/*/rss.xml")) + sorted(site.glob("components/*/atom.xml"))
    return paths


def all_ids(site: Path) -> dict[str, list[str]]:
    """Every entry id of every feed of a built site, by feed path."""
    ids = {
        str(p.relative_to(site)): [e.id for e in parse_feed(p).entries] for p in feed_paths(site)
    }
    document = json.loads((site / "feeds/feed.json").read_text(encoding="utf-8"))
    ids["feeds/feed.json"] = [item["id"] for item in document["items"]]
    return ids


def generated_bytes(site: Path) -> dict[str, bytes]:
    """The bytes of every feed, API document and badge of a built site."""
    paths = [*feed_paths(site), site / "feeds/feed.json", site / "badge.svg"]
    paths += sorted(site.glob("api/v2/**/*.json")) + sorted(site.glob("components/*/badge.svg"))
    return {str(p.relative_to(site)): p.read_bytes() for p in paths}


def mentioned_components(repo: Path) -> dict[str, set[str]]:
    """For each update (incident/stem), the components its incident's notice lists so far."""
    result: dict[str, set[str]] = {}
    for incident_file in sorted((repo / "incidents").glob("*/incident.yml")):
        incident = yaml.safe_load(incident_file.read_text(encoding="utf-8"))
        known = set(incident.get("components") or {})
        updates = []
        for path in incident_file.parent.glob("updates/*.md"):
            meta, _ = front_matter(path)
            updates.append((meta["date"], path.stem, set(meta.get("components") or {})))
        for _, stem, added in sorted(updates):
            known |= added
            result[f"{incident['id']}/{stem}"] = set(known)
    return result


# --- The example site -------------------------------------------------------------------------


def test_every_feed_parses_in_french_with_its_own_self_link(site: Path, example_repo: Path):
    url = site_url(example_repo)
    paths = feed_paths(site)
    assert len(paths) == 2 + 2 * 2 + 2 * 4  # site, 2 incidents, 4 components
    for path in paths:
        parsed = parse_feed(path)
        assert parsed.feed.language == "fr", path
        self_links = [link.href for link in parsed.feed.links if link.rel == "self"]
        assert self_links == [f"{url}{path.relative_to(site).as_posix()}"], path
        assert parsed.version in {"rss20", "atom10"}, path


@pytest.mark.parametrize("name", ["rss.xml", "atom.xml"])
def test_site_feed_has_one_entry_per_published_update_newest_first(
    site: Path, example_repo: Path, name: str
):
    expected = published_updates(example_repo)
    assert len(expected) == 7
    parsed = parse_feed(site / "feeds" / name)
    entries = update_entries(parsed.entries)
    assert [e.id for e in entries] == [x.id for x in expected]
    assert [e.title for e in entries] == [x.title for x in expected]
    assert [e.link for e in entries] == [x.link for x in expected]
    for entry, source in zip(entries, expected, strict=True):
        local = source.date.astimezone(PARIS)
        if name == "atom.xml":
            assert entry.published == local.isoformat()  # with its offset: +01:00 or +02:00
            assert entry.updated == local.isoformat()  # no correction in the example
            assert [(t.term, t.label) for t in entry.tags] == [
                (source.status, STATUS_FR[source.status])
            ]
        else:
            assert parsedate_to_datetime(entry.published) == source.date
            assert entry.published.endswith(local.strftime("%z"))
            assert entry.guidislink is False
            assert [t.term for t in entry.tags] == [STATUS_FR[source.status]]
        assert entry.content[0].type == "text/html"
        first_line = source.body.strip().splitlines()[0]
        text = BeautifulSoup(entry.content[0].value, "lxml").get_text()
        assert first_line[:60] in text
        assert entry.summary
        assert entry.summary[:30] in text


def test_feed_dates_come_from_the_newest_entry_not_the_build(site: Path, example_repo: Path):
    newest = published_updates(example_repo)[0].date
    atom = parse_feed(site / "feeds/atom.xml")
    assert atom.feed.updated == newest.astimezone(PARIS).isoformat()
    rss = parse_feed(site / "feeds/rss.xml")
    assert parsedate_to_datetime(rss.feed.updated) == newest
    incident = parse_feed(site / "incidents/2024-02-tiers-payant/atom.xml")
    # The newest entry of this incident is the SMS of its register of messages sent.
    assert incident.feed.updated == "2024-02-21T10:30:00+01:00"


def test_rss_guid_is_not_a_permalink(site: Path):
    root = ET.parse(site / "feeds/rss.xml").getroot()
    guids = [g for g in root.findall("./channel/item/guid") if "/communications/" not in g.text]
    assert len(guids) == 7
    assert {g.get("isPermaLink") for g in guids} == {"false"}
    assert all(g.text.startswith("tag:statut.mutuelle-horizon.example,2024:") for g in guids)
    channel_link = root.find("./channel/link")
    assert channel_link is not None
    assert channel_link.text == "https://statut.mutuelle-horizon.example/"


def test_incident_feeds_keep_all_their_updates(site: Path, example_repo: Path):
    expected = published_updates(example_repo)
    for incident in ("2024-02-tiers-payant", "2024-06-espace-adherent"):
        own = [x for x in expected if x.incident == incident]
        for name in ("rss.xml", "atom.xml"):
            parsed = update_entries(parse_feed(site / "incidents" / incident / name).entries)
            assert [e.id for e in parsed] == [x.id for x in own]
            assert [e.title for e in parsed] == [x.title for x in own]
    breach = parse_feed(site / "incidents/2024-02-tiers-payant/rss.xml").entries
    assert len(update_entries(breach)) == 4
    assert len(parse_feed(site / "incidents/2024-06-espace-adherent/rss.xml").entries) == 3


def test_component_feeds_hold_the_updates_of_incidents_that_list_them(
    site: Path, example_repo: Path
):
    expected = published_updates(example_repo)
    mentioned = mentioned_components(example_repo)
    for component in ("tiers-payant", "remboursements", "espace-adherent", "service-client"):
        wanted = [x.id for x in expected if component in mentioned[f"{x.incident}/{x.stem}"]]
        for name in ("rss.xml", "atom.xml"):
            parsed = parse_feed(site / "components" / component / name)
            assert [e.id for e in parsed.entries] == wanted, component
    # Both example incidents list every service in their notice.
    assert len(parse_feed(site / "components/espace-adherent/atom.xml").entries) == 7


def test_entry_content_has_absolute_links(site: Path):
    parsed = parse_feed(site / "incidents/2024-02-tiers-payant/atom.xml")
    cnil = next(e for e in parsed.entries if e.id.endswith("/2024-02-09T1200-autorites-notifiees"))
    links = [a["href"] for a in BeautifulSoup(cnil.content[0].value, "lxml").find_all("a")]
    assert links == ["https://www.cnil.fr/"]


def test_json_feed_has_the_same_entries_and_ids(site: Path, example_repo: Path):
    document = json.loads((site / "feeds/feed.json").read_text(encoding="utf-8"))
    assert document["version"] == "https://jsonfeed.org/version/1.1"
    assert document["feed_url"] == f"{site_url(example_repo)}feeds/feed.json"
    assert document["home_page_url"] == site_url(example_repo)
    assert document["language"] == "fr"
    expected = published_updates(example_repo)
    all_items = document["items"]
    items = update_entries(all_items)
    assert [i["id"] for i in items] == [x.id for x in expected]
    assert [i["title"] for i in items] == [x.title for x in expected]
    assert [i["url"] for i in items] == [x.link for x in expected]
    assert [i["date_published"] for i in items] == [
        x.date.astimezone(PARIS).isoformat() for x in expected
    ]
    atom_ids = [e.id for e in parse_feed(site / "feeds/atom.xml").entries]
    assert [i["id"] for i in all_items] == atom_ids
    assert all(i["content_html"].startswith("<") for i in all_items)


# --- Discovery --------------------------------------------------------------------------------

SITE_FEEDS = {
    "application/rss+xml": "https://statut.mutuelle-horizon.example/feeds/rss.xml",
    "application/atom+xml": "https://statut.mutuelle-horizon.example/feeds/atom.xml",
    "application/feed+json": "https://statut.mutuelle-horizon.example/feeds/feed.json",
}


def alternates(soup: BeautifulSoup) -> list[tuple[str, str]]:
    return [(link["type"], link["href"]) for link in soup.select('head link[rel="alternate"]')]


def test_every_page_head_announces_the_site_feeds(site: Path):
    pages = sorted(site.rglob("*.html"))
    assert len(pages) > 10
    for path in pages:
        found = alternates(parse_html(path))
        assert list(SITE_FEEDS.items()) == found[:3], path
        titles = [link["title"] for link in parse_html(path).select('link[rel="alternate"]')]
        assert all(titles), path


def test_incident_pages_announce_their_own_feeds(site: Path):
    base = "https://statut.mutuelle-horizon.example/incidents/2024-06-espace-adherent/"
    own = [("application/rss+xml", f"{base}rss.xml"), ("application/atom+xml", f"{base}atom.xml")]
    for path in ("incidents/2024-06-espace-adherent/index.html",
                 "incidents/2024-06-espace-adherent/versions/1/index.html"):  # fmt: skip
        assert alternates(parse_html(site / path))[3:] == own
    assert alternates(parse_html(site / "index.html"))[3:] == []


def follow_block(soup: BeautifulSoup) -> BeautifulSoup:
    heading = soup.find("h2", string="Suivre les mises à jour")
    assert heading is not None
    return heading.find_parent("section")


def test_home_explains_feeds_and_gives_addresses_to_copy(site: Path):
    block = follow_block(parse_html(site / "index.html"))
    text = block.get_text(" ", strip=True)
    assert "lecture de flux" in text
    addresses = [code.get_text() for code in block.find_all("code")]
    for url in SITE_FEEDS.values():
        assert url in addresses
    assert "https://statut.mutuelle-horizon.example/components/tiers-payant/rss.xml" in addresses
    assert "https://statut.mutuelle-horizon.example/api/v2/summary.json" in addresses


def test_incident_page_gives_its_own_feed_addresses(site: Path):
    """Short on an incident page: its own addresses to copy, links to the rest and to the home
    page's block, which explains what a feed is."""
    page = "incidents/2024-02-tiers-payant/"
    block = follow_block(parse_html(site / page / "index.html"))
    addresses = [code.get_text() for code in block.find_all("code")]
    base = f"https://statut.mutuelle-horizon.example/{page}"
    assert addresses == [f"{base}rss.xml", f"{base}atom.xml"]
    links = {a.get_text(strip=True): a["href"] for a in block.find_all("a")}
    prefix = "https://statut.mutuelle-horizon.example/"
    for label, mime in (("RSS", "rss+xml"), ("Atom", "atom+xml"), ("JSON Feed", "feed+json")):
        assert urljoin(f"{prefix}{page}", links[label]) == SITE_FEEDS[f"application/{mime}"]
    assert urljoin(f"{prefix}{page}", links["API Statuspage"]) == f"{prefix}api/v2/summary.json"
    explained = urljoin(f"{prefix}{page}", links["Qu'est-ce qu'un flux, et comment s'abonner"])
    assert explained == f"{prefix}#suivre"
    for href in links.values():
        target = urljoin(f"{prefix}{page}", href).removeprefix(prefix).partition("#")[0]
        assert (site / target).is_file() or (site / target / "index.html").is_file(), href


def test_every_feed_address_shown_exists(site: Path):
    prefix = "https://statut.mutuelle-horizon.example/"
    for page in (site / "index.html", site / "incidents/2024-02-tiers-payant/index.html"):
        for code in follow_block(parse_html(page)).find_all("code"):
            assert (site / code.get_text().removeprefix(prefix)).is_file(), code


# --- Pure functions ---------------------------------------------------------------------------


def test_relative_urls_become_absolute():
    base = "https://statut.example.fr/incidents/x/"
    fragment = (
        '<p><a href="../../se-proteger/">a</a> <a href="#faq-1" title="t &amp; &quot;q&quot;">b</a>'
        ' <a href="mailto:dpo@example.fr">c</a> <a href="https://cnil.fr/">d</a>'
        ' <img alt="x &lt; y" src="schema.png" /> &amp; &lt;tag&gt; &#233;</p><!-- note -->'
    )
    assert feeds.absolute_urls(fragment, base) == (
        '<p><a href="https://statut.example.fr/se-proteger/">a</a>'
        ' <a href="https://statut.example.fr/incidents/x/#faq-1" title="t &amp; &quot;q&quot;">b</a>'
        ' <a href="mailto:dpo@example.fr">c</a> <a href="https://cnil.fr/">d</a>'
        ' <img alt="x &lt; y" src="https://statut.example.fr/incidents/x/schema.png" />'
        " &amp; &lt;tag&gt; &#233;</p><!-- note -->"
    )


def test_summary_is_plain_text_cut_at_a_word():
    assert feeds.plain_text("<p>Un &amp; <em>deux</em></p>\n<ul><li>trois</li></ul>") == (
        "Un & deux trois"
    )
    long = "<p>" + "mot " * 200 + "</p>"
    summary = feeds.plain_text(long, limit=50)
    assert summary.endswith("mot…")
    assert len(summary) <= 51


def test_site_feed_keeps_the_newest_n_entries(example_repo: Path):
    from vigie.derive import site_view
    from vigie.markup import MarkdownRenderer
    from vigie.pipeline import load_site
    from vigie.sources.load import load_sources
    from vigie.sources.validate import validate

    root, settings, incidents_dir = load_site(example_repo / "mkdocs.yml")
    site = validate(load_sources(root, incidents_dir), replace(settings, feed_entries=5))
    view = site_view(site)
    all_feeds = feeds.all_feeds(view, MarkdownRenderer().html)
    expected = published_updates(example_repo)
    unlimited = feeds.all_feeds(
        site_view(replace(site, settings=replace(settings, feed_entries=1000))),
        MarkdownRenderer().html,
    )
    everything = [e.id for e in unlimited["feeds/"].entries]
    assert len(update_entries([{"id": i} for i in everything])) == len(expected)
    assert [e.id for e in all_feeds["feeds/"].entries] == everything[:5]
    incident_entries = all_feeds["incidents/2024-02-tiers-payant/"].entries
    assert len([e for e in incident_entries if e.category != "communication"]) == 4
    assert all_feeds["feeds/"].updated == expected[0].date


def test_component_feeds_keep_the_newest_n_entries_too(example_repo: Path):
    from vigie.derive import site_view
    from vigie.markup import MarkdownRenderer
    from vigie.pipeline import load_site
    from vigie.sources.load import load_sources
    from vigie.sources.validate import validate

    root, settings, incidents_dir = load_site(example_repo / "mkdocs.yml")
    site = validate(load_sources(root, incidents_dir), settings)
    html = MarkdownRenderer().html
    limited = feeds.all_feeds(
        site_view(replace(site, settings=replace(settings, feed_entries=3))), html
    )
    unlimited = feeds.all_feeds(
        site_view(replace(site, settings=replace(settings, feed_entries=1000))), html
    )
    everything = [e.id for e in unlimited["components/espace-adherent/"].entries]
    assert len(everything) == 7
    assert [e.id for e in limited["components/espace-adherent/"].entries] == everything[:3]


def test_a_correction_dates_the_entry_update_not_its_publication(example_repo: Path):
    from vigie.derive import site_view
    from vigie.model import Correction
    from vigie.outputs import api
    from vigie.pipeline import load_site
    from vigie.sources.load import load_sources
    from vigie.sources.validate import validate

    root, settings, incidents_dir = load_site(example_repo / "mkdocs.yml")
    site = validate(load_sources(root, incidents_dir), settings)
    breach = next(i for i in site.incidents if i.id == "2024-02-tiers-payant")
    corrected = breach.updates[0]
    fixed_at = datetime(2024, 3, 2, 9, 30, tzinfo=PARIS)
    corrected = replace(corrected, corrections=(Correction(fixed_at, "Coquille"),))
    breach = replace(breach, updates=(corrected, *breach.updates[1:]))
    site = replace(
        site, incidents=tuple(breach if i.id == breach.id else i for i in site.incidents)
    )
    view = site_view(site)

    feed = feeds.all_feeds(view, str)["incidents/2024-02-tiers-payant/"]
    entry = next(e for e in feed.entries if e.slug == corrected.slug)
    assert entry.published == corrected.date
    assert entry.updated == fixed_at
    assert feed.updated == fixed_at  # the newest change of any entry
    assert feed.entries[0].slug != corrected.slug  # order stays by publication date
    atom = feedparser.parse(feeds.atom(feed, settings, "https://x.example/atom.xml"))
    parsed = next(e for e in atom.entries if e.id == entry.id)
    assert parsed.updated == "2024-03-02T09:30:00+01:00"
    assert parsed.published == corrected.date.astimezone(PARIS).isoformat()
    documents = api.documents(view, str)
    incident = next(
        i for i in documents["api/v2/incidents.json"]["incidents"] if i["id"] == breach.id
    )
    update = next(u for u in incident["incident_updates"] if u["id"] == corrected.slug)
    assert update["updated_at"] == "2024-03-02T09:30:00.000+01:00"
    assert update["x_corrections"] == [
        {"date": "2024-03-02T09:30:00.000+01:00", "reason": "Coquille"}
    ]
    assert incident["updated_at"] == "2024-03-02T09:30:00.000+01:00"


# --- Rebuilds: ids never change ---------------------------------------------------------------

NEW_UPDATE = """\
---
date: 2024-03-01T10:00:00+01:00
status: monitoring
title: Point d'étape
---
Les courriers personnels sont partis. Nous restons attentifs.
"""


def test_ids_are_stable_across_folders_and_when_an_update_is_added(tmp_path: Path):
    first = copy_repo(tmp_path / "premier dossier" / "repo")
    second = copy_repo(tmp_path / "autre-nom" / "clone")
    for repo in (first, second):
        result = run_vigie(repo, "build")
        assert result.returncode == 0, result.stderr
    before = all_ids(second / "site")
    assert all_ids(first / "site") == before
    # Same sources in two folders: the same feed, API and badge bytes.
    assert generated_bytes(first / "site") == generated_bytes(second / "site")

    update = second / "incidents/2024-02-tiers-payant/updates/2024-03-01T1000-point-etape.md"
    update.write_text(NEW_UPDATE, encoding="utf-8")
    result = run_vigie(second, "build")
    assert result.returncode == 0, result.stderr
    after = all_ids(second / "site")

    new_id = (
        "tag:statut.mutuelle-horizon.example,2024:2024-02-tiers-payant/2024-03-01T1000-point-etape"
    )
    everything_before = {i for ids in before.values() for i in ids}
    everything_after = {i for ids in after.values() for i in ids}
    assert everything_after - everything_before == {new_id}
    assert everything_before <= everything_after
    for path in ("feeds/atom.xml", "feeds/rss.xml", "feeds/feed.json",
                 "incidents/2024-02-tiers-payant/atom.xml"):  # fmt: skip
        assert [i for i in after[path] if i != new_id] == before[path], path
        assert len(after[path]) == len(before[path]) + 1
    assert (
        after["incidents/2024-06-espace-adherent/atom.xml"]
        == before["incidents/2024-06-espace-adherent/atom.xml"]
    )
    # The folder never shows in an id.
    assert not any("dossier" in i or "clone" in i for i in everything_after)
    shutil.rmtree(first)


# --- Bad input --------------------------------------------------------------------------------

AWKWARD_TITLE = "Citation \"double\" et 'simple' : a < b & c > d — 🚨 تحديث עדכון ✅"
AWKWARD_LINE = 'Si a < b & c > d : « guillemets » "doubles" — émoji 🔐🇫🇷 — العربية — עברית.'


def awkward_body() -> str:
    paragraph = f"{AWKWARD_LINE} [Se protéger](/se-proteger/)\n\n"
    body = paragraph * (100_000 // len(paragraph) + 1)
    assert len(body.encode()) > 100_000
    return body


def test_awkward_text_gives_valid_feeds_and_exact_json(tmp_path: Path):
    repo = copy_repo(tmp_path / "repo")
    body = awkward_body()
    # A JSON string is a valid YAML double-quoted scalar: the title goes in exactly.
    head = (
        "date: 2024-02-21T09:00:00+01:00\nstatus: monitoring\n"
        f"title: {json.dumps(AWKWARD_TITLE, ensure_ascii=False)}\n"
    )
    path = repo / "incidents/2024-02-tiers-payant/updates/2024-02-21T0900-texte-difficile.md"
    path.write_text(f"---\n{head}---\n{body}", encoding="utf-8")
    result = run_vigie(repo, "build")
    assert result.returncode == 0, result.stderr
    site = repo / "site"

    stem = "2024-02-21T0900-texte-difficile"
    title = (
        f"Cyberattaque chez notre opérateur de tiers payant — Sous surveillance : {AWKWARD_TITLE}"
    )
    for feed in feed_paths(site):
        parse_feed(feed)  # not bozo, whatever the feed
    for name in ("feeds/atom.xml", "feeds/rss.xml", "incidents/2024-02-tiers-payant/atom.xml"):
        entry = next(e for e in parse_feed(site / name).entries if e.id.endswith(stem))
        assert entry.title == title, name
        html = entry.content[0].value
        text = BeautifulSoup(html, "lxml").get_text()
        assert text.count(AWKWARD_LINE) == body.count(AWKWARD_LINE), name
        hrefs = {a["href"] for a in BeautifulSoup(html, "lxml").find_all("a")}
        assert hrefs == {"https://statut.mutuelle-horizon.example/se-proteger/"}, name
    # The XML itself is well formed for a strict parser too.
    for name in ("feeds/atom.xml", "feeds/rss.xml"):
        ET.parse(site / name)

    document = json.loads((site / "feeds/feed.json").read_text(encoding="utf-8"))
    item = next(i for i in document["items"] if i["id"].endswith(stem))
    assert item["title"] == title
    assert BeautifulSoup(item["content_html"], "lxml").get_text().count(AWKWARD_LINE) == (
        body.count(AWKWARD_LINE)
    )
    incidents = json.loads((site / "api/v2/incidents.json").read_text(encoding="utf-8"))
    incident = next(i for i in incidents["incidents"] if i["id"] == "2024-02-tiers-payant")
    update = next(u for u in incident["incident_updates"] if u["id"] == stem)
    assert update["x_title"] == AWKWARD_TITLE
    assert update["body"].strip() == body.strip()
    assert (site / "api/v2/incidents.json").read_text(encoding="utf-8").count("🔐🇫🇷") > 100
