"""A phishing wave as a notice of its own (issue 18): built, then read as members and tools do.

The site is the example's with one notice of every kind added (site_tests/sites/every-kind/):
two fraud campaigns (one open, one over since May), an outage that sent an official e-mail,
a planned maintenance and an information notice. Nothing in any page, feed or JSON may say
or imply that the organisation sent a fraudulent message, no fake address may be a link,
and « Ce que vous devez faire » is on the first screen of a phone for every kind.
"""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path
from typing import TYPE_CHECKING

import feedparser
import pytest
import yaml
from bs4 import BeautifulSoup

from conftest import copy_repo, parse_html, run_vigie, serve_folder
from vigie.model import Kind
from vigie.sources.fraud import defang

if TYPE_CHECKING:
    from collections.abc import Iterator

    from playwright.sync_api import Browser

FIXTURE = Path(__file__).parent / "sites" / "every-kind" / "incidents"
ORGANISATION = "Mutuelle Horizon"
NOT_OURS = f"Message frauduleux signalé : ce message ne vient pas de {ORGANISATION}"
FRAUD = "incidents/2026-10-faux-sms"
OVER = "incidents/2026-05-faux-courriels"
# Every fake host of the fixture, as a browser or a linkifier would find it.
FAKE_HOSTS = (
    "mutuelle-horizon-remboursement.com",
    "mutuelle-horizon-securite.fr",
    "horizon-mutuelle-info.com",
    "www.mutuelle-h0rizon.fr",
    "xn--mutuelle-horzon-fqb.fr",
)
TEXT_SUFFIXES = {".html", ".xml", ".json", ".txt", ".ics", ".svg"}
PHONE = {"width": 360, "height": 740}


@pytest.fixture(scope="module")
def kinds_repo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The example repository with a notice of every kind added, built."""
    repo = copy_repo(tmp_path_factory.mktemp("every-kind") / "repo")
    for folder in FIXTURE.iterdir():
        shutil.copytree(folder, repo / "incidents" / folder.name)
    result = run_vigie(repo, "build")
    assert result.returncode == 0, result.stderr
    return repo


@pytest.fixture(scope="module")
def kinds_site(kinds_repo: Path) -> Path:
    return kinds_repo / "site"


def _text_files(site: Path) -> Iterator[Path]:
    return (p for p in sorted(site.rglob("*")) if p.is_file() and p.suffix in TEXT_SUFFIXES)


def _feeds(site: Path) -> Iterator[tuple[Path, feedparser.FeedParserDict]]:
    for path in sorted(site.rglob("*.xml")):
        if path.name in ("rss.xml", "atom.xml"):
            yield path, feedparser.parse(path.read_bytes())


def _fraud_subjects(repo: Path) -> list[str]:
    """The first words of every reported message, as staff wrote them (before defanging)."""
    subjects = []
    for path in sorted((repo / "incidents").glob("*/fraudulent-messages.yml")):
        subjects += [entry["subject"] for entry in yaml.safe_load(path.read_text("utf-8"))]
    return subjects


def _said(subject: str, text: str) -> bool:
    """Whether `text` quotes `subject`, as written or defanged."""
    return subject in text or defang(subject) in text


def test_nothing_says_or_implies_that_we_sent_a_fraudulent_message(
    kinds_repo: Path, kinds_site: Path
) -> None:
    subjects = _fraud_subjects(kinds_repo)
    assert len(subjects) == 3
    # Feeds: each reported message is an entry of its own category, titled as not ours.
    seen = set()
    for path, feed in _feeds(kinds_site):
        assert not feed.bozo, path
        for entry in feed.entries:
            content = BeautifulSoup(entry.content[0].value, "lxml").get_text()
            text = f"{entry.title} {entry.summary} {content}"
            quoted = [s for s in subjects if _said(s, text)]
            if not quoted:
                continue
            seen.update(quoted)
            # Atom: term and label; RSS has the label only.
            terms = {"rss.xml": "Message frauduleux signalé", "atom.xml": "fraud"}
            assert [t.term for t in entry.tags] == [terms[path.name]], (path, entry.title)
            assert entry.title.startswith(f"{NOT_OURS} ("), entry.title
            assert entry.summary.startswith(f"{NOT_OURS}."), entry.summary
            assert "Message officiel" not in text
            assert " a envoyé " not in text
            assert "/messages-frauduleux/" in entry.id
            assert "communications" not in entry.id
    assert seen == set(subjects)
    # The official register holds none of them, in notice.json and in the API.
    for folder in (FRAUD, OVER):
        notice = json.loads((kinds_site / folder / "notice.json").read_text("utf-8"))
        assert notice["communications"] == []
        assert notice["kind"] == "fraud"
        assert {m["warning"] for m in notice["fraudulent_messages"]} == {NOT_OURS}
        assert {m["sent_by_us"] for m in notice["fraudulent_messages"]} == {False}
    api = json.loads((kinds_site / "api/v2/incidents.json").read_text("utf-8"))
    by_id = {i["id"]: i for i in api["incidents"]}
    fraud = by_id["2026-10-faux-sms"]
    assert fraud["x_communications"] == []
    assert [m["channel"] for m in fraud["x_fraudulent_messages"]] == ["email", "sms"]  # newest
    assert fraud["x_kind_label"] == "Tentative de fraude"
    for incident in api["incidents"]:
        sent = json.dumps(incident["x_communications"], ensure_ascii=False)
        assert not any(_said(s, sent) for s in subjects), incident["id"]
    # The notice: its own section, each message labelled, no official register on this page.
    page = parse_html(kinds_site / FRAUD / "index.html")
    section = page.find("h2", id="messages-frauduleux")
    assert section.get_text(strip=True) == "Messages frauduleux signalés"
    items = page.select("ol.vigie-frauds > li.vigie-fraud")
    assert [li["id"] for li in items] == [
        "frauduleux-2026-10-24-email-remboursement-mutuelle-horizon-securite",
        "frauduleux-2026-10-20-sms-38-123",
    ]
    for li in items:
        assert li.select_one(".vigie-fraud__label").get_text(strip=True) == NOT_OURS
    assert page.find(id="messages-officiels") is None
    assert "Messages officiels" not in page.select_one("article").get_text()
    nature = page.select_one(".vigie-facts").get_text(" ", strip=True)
    assert "Nature Tentative de fraude" in nature


def _fake_host_pattern(host: str) -> re.Pattern[str]:
    """`host` as a browser would read it: any case, with real dots (never `[.]`)."""
    return re.compile(r"(?<![\w.-])" + re.escape(host).replace(r"\.", r"\.") + r"(?![\w-])", re.I)


def test_no_fake_address_is_a_link_or_written_live_anywhere(kinds_site: Path) -> None:
    patterns = [_fake_host_pattern(host) for host in FAKE_HOSTS]
    for path in _text_files(kinds_site):
        text = path.read_text("utf-8", errors="replace")
        live = [p.pattern for p in patterns if p.search(text)]
        assert not live, f"{path.relative_to(kinds_site)}: {live}"
        if path.suffix == ".html":
            soup = BeautifulSoup(text, "lxml")
            for link in soup.find_all(["a", "link", "area"], href=True):
                href = link["href"].lower().replace("[.]", ".")
                assert not any(host in href for host in FAKE_HOSTS), (path, link)
    # Defanged, in code style, on the notice, on « Se protéger » and in the feeds.
    page = parse_html(kinds_site / FRAUD / "index.html")
    codes = [c.get_text() for c in page.select("ol.vigie-frauds code")]
    assert "hxxps://mutuelle-horizon-remboursement[.]com/maj?id=4821" in codes
    assert "hxxp://WWW[.]MUTUELLE-H0RIZON[.]FR/Connexion" in codes
    assert "xn--mutuelle-horzon-fqb[.]fr" in codes
    assert "06 12 34 56 78" in codes
    subject = page.select_one("ol.vigie-frauds li:last-child dd code")
    assert subject is not None
    for _, feed in _feeds(kinds_site):
        for entry in feed.entries:
            content = BeautifulSoup(entry.content[0].value, "lxml")
            assert all(
                not any(h in a["href"] for h in FAKE_HOSTS) for a in content.find_all(href=True)
            )
    notice = json.loads((kinds_site / FRAUD / "notice.json").read_text("utf-8"))
    assert notice["fraudulent_messages"][1]["fakes"] == [
        "hxxps://mutuelle-horizon-remboursement[.]com/maj?id=4821",
        "mutuelle-horizon-remboursement[.]com",
        "hxxp://WWW[.]MUTUELLE-H0RIZON[.]FR/Connexion",
        "xn--mutuelle-horzon-fqb[.]fr",
        "06 12 34 56 78",
    ]
    assert notice["fraudulent_messages"][0]["sender"] == (
        "remboursement[@]mutuelle-horizon-securite[.]fr"
    )


def test_each_official_message_appears_on_its_page_for_every_kind(
    kinds_repo: Path, kinds_site: Path
) -> None:
    registers = sorted((kinds_repo / "incidents").glob("*/communications.yml"))
    # the example's breach; the fixture's outage, maintenance and information notice
    assert len(registers) == 4
    for register in registers:
        entries = yaml.safe_load(register.read_text("utf-8")) or []
        page = parse_html(kinds_site / "incidents" / register.parent.name / "index.html")
        assert page.find(id="messages-officiels") is not None, register
        table = page.select_one("table.vigie-communications")
        rows = [tr.get_text(" ", strip=True) for tr in table.tbody.find_all("tr")]
        for entry in entries:
            assert any(entry["subject"] in row for row in rows), (register, entry["subject"])


def test_no_feed_entry_points_at_a_missing_anchor(kinds_site: Path) -> None:
    checked = 0
    for path, feed in _feeds(kinds_site):
        for entry in feed.entries:
            page, _, fragment = entry.link.partition("#")
            if not fragment:
                continue
            local = page.removeprefix("https://statut.mutuelle-horizon.example/")
            target = parse_html(kinds_site / local / "index.html")
            assert target.find(id=fragment) is not None, (path, entry.link)
            checked += 1
    assert checked > 20


def test_protect_page_lists_every_current_fraudulent_message_newest_first(
    kinds_site: Path,
) -> None:
    page = parse_html(kinds_site / "se-proteger/index.html")
    heading = page.find("h2", id="messages-frauduleux")
    assert heading.get_text(strip=True) == "Messages frauduleux signalés en ce moment"
    items = page.select("ol.vigie-frauds > li.vigie-fraud")
    # The open campaign's two, the last reported first; May's wave is over and 90 days old.
    links = [li.select_one(".vigie-fraud__notice a")["href"] for li in items]
    assert links == [
        "../incidents/2026-10-faux-sms/#frauduleux-2026-10-20-sms-38-123",
        "../incidents/2026-10-faux-sms/#frauduleux-2026-10-24-email-remboursement-mutuelle-horizon-securite",
    ]
    for li in items:
        assert li.select_one(".vigie-fraud__label").get_text(strip=True) == NOT_OURS
    assert "horizon-mutuelle-info" not in page.get_text()
    seen = items[0].find("dt", string="Signalé").find_next("dd").get_text(" ", strip=True)
    assert seen == "du 20 octobre 2026 au 28 octobre 2026 à 18 h 30"


# --- The first screen of a phone, every kind ------------------------------------------------

NOTICES = (
    "incidents/2024-02-tiers-payant",  # data-breach (the example's)
    "incidents/2024-06-espace-adherent",  # outage (the example's)
    "incidents/2026-10-panne-remboursements",  # outage with an official message
    "incidents/2026-10-maintenance-espace",  # maintenance
    FRAUD,  # fraud
    OVER,  # fraud, over
    "incidents/2026-09-nouveau-numero",  # other
)


@pytest.fixture(scope="module")
def kinds_server(kinds_site: Path) -> Iterator[str]:
    server, url = serve_folder(kinds_site)
    yield url
    server.shutdown()
    server.server_close()


@pytest.mark.parametrize("notice", NOTICES)
def test_what_to_do_is_on_the_first_screen_of_a_phone(
    browser: Browser, kinds_server: str, notice: str
) -> None:
    context = browser.new_context(viewport=PHONE)
    try:
        page = context.new_page()
        page.goto(f"{kinds_server}/{notice}/", wait_until="load")
        assert page.evaluate("window.scrollY") == 0
        heading = page.get_by_role("heading", name="Ce que vous devez faire", exact=True)
        box = heading.bounding_box()
        assert box is not None
        assert box["y"] >= 0
        assert box["y"] + box["height"] <= PHONE["height"], f"{notice}: {box}"
    finally:
        context.close()


def test_every_kind_is_in_the_fixture(kinds_repo: Path) -> None:
    kinds = {
        yaml.safe_load((kinds_repo / notice / "incident.yml").read_text("utf-8"))["kind"]
        for notice in NOTICES
    }
    assert kinds == {k.value for k in Kind}
