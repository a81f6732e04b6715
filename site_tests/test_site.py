"""The built example site, parsed as HTML: what members read."""

from __future__ import annotations

import re
from datetime import datetime
from typing import TYPE_CHECKING
from urllib.parse import urljoin

import yaml

from conftest import REPO, parse_html, run_vigie

if TYPE_CHECKING:
    from pathlib import Path

    from bs4 import BeautifulSoup, Tag

BREACH = "/incidents/2024-02-tiers-payant/"
OUTAGE = "/incidents/2024-06-espace-adherent/"
FRENCH_DATETIME = re.compile(
    r"^(1er|[1-9]|[12]\d|3[01]) (janvier|février|mars|avril|mai|juin|juillet|août|septembre"
    r"|octobre|novembre|décembre) \d{4} à \d{1,2} h \d{2}$"
)
LINK_HOSTS = {
    "www.cnil.fr",
    "www.cybermalveillance.gouv.fr",
    "www.service-public.fr",
    "www.defenseurdesdroits.fr",
    "www.mutuelle-horizon.example",
}


def _cells(table: Tag) -> list[list[str]]:
    return [
        [cell.get_text(" ", strip=True) for cell in row.find_all(["th", "td"])]
        for row in table.find("tbody").find_all("tr")
    ]


def _table(soup: BeautifulSoup, caption: str) -> Tag:
    return next(
        t for t in soup.find_all("table") if t.caption and t.caption.get_text(strip=True) == caption
    )


def test_every_page_is_french_with_one_h1(site: Path) -> None:
    pages = sorted(site.rglob("*.html"))
    assert len(pages) > 10
    for path in pages:
        soup = parse_html(path)
        assert soup.html["lang"] == "fr", path
        if path.name != "404.html":
            assert len(soup.find_all("h1")) == 1, path


def test_home_says_the_overall_state_and_each_component(html_page) -> None:
    home = html_page("/")
    overall = home.select_one(".vigie-overall")
    # The breach notice is « Sous surveillance »: the headline says so, not « en cours ».
    assert overall.get_text(" ", strip=True) == "Un incident majeur est sous surveillance"
    assert overall.select_one("svg"), "state shown with an icon, not colour alone"
    states = dict(_cells(_table(home, "État actuel de chaque service")))
    assert {name.split(" ")[0] for name in states} >= {
        "Tiers",
        "Remboursements",
        "Espace",
        "Service",
    }
    assert set(states.values()) == {"Fonctionne normalement"}


def test_home_shows_a_banner_for_the_unresolved_incident_only(html_page) -> None:
    home = html_page("/")
    banners = home.select(".vigie-banner")
    assert len(banners) == 1
    assert banners[0].a["href"] == "incidents/2024-02-tiers-payant/"
    assert "Sous surveillance" in banners[0].get_text()
    assert banners[0].time["datetime"] == "2024-02-20T10:00:00+01:00"
    unresolved = home.find("h2", id="en-cours").find_next("ul")
    recent = home.find("h2", id="recents").find_next("ul")
    assert [a.get_text(strip=True) for a in unresolved.select("h3 a")] == [
        "Cyberattaque chez notre opérateur de tiers payant"
    ]
    assert [a["href"] for a in recent.select("h3 a")] == ["incidents/2024-06-espace-adherent/"]
    assert home.find("a", href="history/")


def test_incident_page_shows_both_data_tables(html_page) -> None:
    notice = html_page(BREACH)
    exposed = _cells(_table(notice, "Données exposées"))
    not_exposed = _cells(_table(notice, "Données non exposées"))
    assert [row[0] for row in exposed] == [
        "Nom",
        "Prénom",
        "Date de naissance",
        "Rang de naissance",
        "Numéro de sécurité sociale",
        "Nom de l'organisme complémentaire",
        "Numéro de contrat",
        "Référence interne de l'opérateur",
    ]
    assert dict(exposed)["Numéro de sécurité sociale"] == "Donnée sensible"
    assert [row[0] for row in not_exposed] == [
        "Adresse postale",
        "Numéro de téléphone",
        "Adresse e-mail",
        "Coordonnées bancaires",
        "Données médicales",
    ]
    for table in notice.select("table"):
        assert table.find("thead").find_all("th", scope="col")


def test_incident_page_shows_component_states_and_authorities(html_page) -> None:
    outage = html_page(OUTAGE)
    assert _cells(_table(outage, "État des services touchés par cet incident")) == [
        ["Espace adhérent Votre compte en ligne et l'application mobile", "Fonctionne normalement"]
    ]
    first_version = html_page(OUTAGE + "versions/1/")
    assert _cells(_table(first_version, "État des services touchés par cet incident"))[0][1] == (
        "Panne majeure"
    )
    breach = html_page(BREACH)
    authorities = _cells(_table(breach, "Autorités informées"))
    assert [row[0] for row in authorities] == ["ANSSI", "CNIL", "Procureur de la République"]


def test_dates_are_french_with_machine_readable_datetime(site: Path, html_page) -> None:
    notice = html_page(BREACH)
    for update in (
        notice.find("article", id="2024-02-20T1000-surveillance"),  # in full
        notice.find("li", id="2024-02-09T1200-autorites-notifiees"),  # an earlier one, one line
    ):
        assert update.time["datetime"].endswith("+01:00")
    time = notice.find(id="2024-02-09T1200-autorites-notifiees").time
    assert time["datetime"] == "2024-02-09T12:00:00+01:00"
    assert time.get_text() == "9 février 2024 à 12 h 00"
    summer = html_page(OUTAGE).find("article", id="2024-06-11T1200-service-retabli").time
    assert (summer["datetime"], summer.get_text()) == (
        "2024-06-11T12:00:00+02:00",
        "11 juin 2024 à 12 h 00",
    )
    for path in site.rglob("*.html"):
        for element in parse_html(path).select(
            ".vigie-update time, .vigie-earlier time, .vigie-facts time, .vigie-incident time"
        ):
            assert datetime.fromisoformat(element["datetime"]).tzinfo is not None, path
            assert FRENCH_DATETIME.match(element.get_text()), (path, element.get_text())


def test_every_update_keeps_its_anchor_newest_first_the_latest_in_full(
    example_repo: Path, html_page
) -> None:
    """GOV.UK's "updates to this page": the newest update in full, the others one line each."""
    notice = html_page(BREACH)
    latest = notice.select("article.vigie-update")
    assert [a["id"] for a in latest] == ["2024-02-20T1000-surveillance"]
    assert latest[0].h3.find("a", class_="headerlink")["href"] == "#2024-02-20T1000-surveillance"
    assert [li["id"] for li in notice.select("ol.vigie-earlier > li")] == [
        "2024-02-09T1200-autorites-notifiees",
        "2024-02-07T1200-donnees-confirmees",
        "2024-02-05T1800-premiere-information",
    ]
    # Feeds and the timeline link to /incidents/<id>/#<update>: every update keeps its anchor.
    for folder in sorted((example_repo / "incidents").glob("*/updates")):
        page = html_page(f"/incidents/{folder.parent.name}/")
        anchors = [e["id"] for e in page.select("article.vigie-update, ol.vigie-earlier > li")]
        assert anchors == sorted((p.stem for p in folder.glob("*.md")), reverse=True)
        assert len(page.select("article.vigie-update")) == 1
        assert not page.select(".vigie-versions"), "the one-line list replaces the version list"


def _resolve(page_address: str, href: str) -> tuple[str, str]:
    """A relative link of a page, as the address of the page it leads to and its anchor."""
    target = urljoin(f"https://x.example{page_address}", href)
    path, _, anchor = target.removeprefix("https://x.example").partition("#")
    return path, anchor


def test_each_earlier_update_links_to_its_full_text_on_its_version_page(html_page) -> None:
    for incident, count in ((BREACH, 4), (OUTAGE, 3)):
        notice = html_page(incident)
        earlier = notice.select("ol.vigie-earlier > li")
        assert len(earlier) == count - 1
        for number, item in zip(range(count - 1, 0, -1), earlier, strict=True):
            link = item.find("a")
            address, anchor = _resolve(incident, link["href"])
            assert (address, anchor) == (f"{incident}versions/{number}/", item["id"])
            version = html_page(address)
            assert f"Version {number} —" in version.select_one(".vigie-facts").get_text()
            article = version.find("article", id=anchor)
            assert article.h3.get_text(" ", strip=True).startswith(link.get_text(strip=True))
            assert article.time["datetime"] == item.time["datetime"]
            assert article.find("p", class_=None), "the update's text, in full"
        history = notice.find("a", string="Historique des versions")
        assert _resolve(incident, history["href"]) == (f"{incident}versions/{count}/", "versions")
        assert html_page(f"{incident}versions/{count}/").find(id="versions")
    text = html_page(f"{BREACH}versions/3/").find(
        "article", id="2024-02-09T1200-autorites-notifiees"
    )
    assert "déposé plainte auprès du procureur de la République" in text.get_text()


def test_incident_faq_links_each_question_to_its_answer_on_the_faq_page(html_page) -> None:
    notice = html_page(BREACH)
    questions = notice.select("ul.vigie-faq-links > li")
    assert len(questions) >= 8
    assert not notice.select(".vigie-faq__answer"), "answers are not repeated on the notice"
    ids = [q["id"] for q in questions]  # the anchors the page had when it showed the answers
    assert len(set(ids)) == len(ids)
    assert all(i.startswith("faq-") for i in ids)
    faq = html_page("/faq/")
    for question in questions:
        address, anchor = _resolve(BREACH, question.a["href"])
        assert address == "/faq/"
        assert anchor == f"2024-02-tiers-payant-{question['id'].removeprefix('faq-')}"
        entry = faq.find("details", id=anchor)
        assert entry.summary.get_text(strip=True) == question.a.get_text(strip=True)
        assert entry.select_one(".vigie-faq__answer p").get_text(strip=True)


def test_timeline_lists_every_update_newest_first_by_day(html_page) -> None:
    timeline = html_page("/timeline/")
    days = timeline.select("section.vigie-day")
    day_dates = [d.h2.time["datetime"] for d in days]
    assert day_dates == sorted(day_dates, reverse=True)
    moments = [t["datetime"] for t in timeline.select(".vigie-timeline__when time")]
    assert len(moments) == 7
    assert [datetime.fromisoformat(m) for m in moments] == sorted(
        (datetime.fromisoformat(m) for m in moments), reverse=True
    )
    assert days[0].h2.get_text(strip=True) == "Mardi 11 juin 2024"
    assert len(days[0].select("li")) == 3
    first = days[0].select_one("li h3 a")
    assert first["href"] == "../incidents/2024-06-espace-adherent/#2024-06-11T1200-service-retabli"


def test_a_long_timeline_shows_the_newest_updates_and_points_to_the_history(
    tmp_path: Path,
) -> None:
    from vigie.pages.lists import TIMELINE_ENTRIES
    from vigie_bench import synth

    repo = synth.make_repo(tmp_path / "repo", 11, source_repo=REPO)  # 110 updates
    result = run_vigie(repo, "build")
    assert result.returncode == 0, result.stderr
    timeline = parse_html(repo / "site/timeline/index.html")
    moments = [t["datetime"] for t in timeline.select(".vigie-timeline__when time")]
    assert len(moments) == TIMELINE_ENTRIES == 100
    assert len(list(repo.glob("incidents/*/updates/*.md"))) == 110
    note = timeline.select_one(".vigie-timeline__older")
    assert note.get_text(" ", strip=True).startswith("10 mises à jour plus anciennes")
    assert note.a["href"] == "../history/"
    assert timeline.find("p").get_text(strip=True).startswith("Les 100 dernières mises à jour")


def test_history_groups_by_month_with_durations(html_page) -> None:
    history = html_page("/history/")
    months = [s.h2.get_text(strip=True) for s in history.select("section")]
    assert months == ["Juin 2024", "Janvier 2024"]
    outage = (
        history.select("section")[0].select_one(".vigie-incident__dates").get_text(" ", strip=True)
    )
    assert "(durée : 3 h 20 min)" in outage


def test_faq_page_has_site_questions_then_each_incident(example_repo: Path, html_page) -> None:
    faq = html_page("/faq/")
    sections = faq.select("section.vigie-faq-section")
    assert sections[0].h2.get_text(strip=True) == "Questions générales"
    assert [s.h2.get_text(strip=True) for s in sections[1:]] == [
        "Espace adhérent inaccessible le 11 juin 2024",
        "Cyberattaque chez notre opérateur de tiers payant",
    ]
    ids = [d["id"] for d in faq.select("details")]
    assert len(ids) == len(set(ids)) >= 5 + 2 + 8
    # Every question of every incident, at an anchor made of the incident's and its own id.
    for source in sorted((example_repo / "incidents").glob("*/faq.yml")):
        for entry in yaml.safe_load(source.read_text(encoding="utf-8")):
            details = faq.find("details", id=f"{source.parent.name}-{entry['id']}")
            assert details.summary.get_text(strip=True) == entry["question"].strip()


def test_no_page_refers_to_another_host(site: Path) -> None:
    for path in site.rglob("*.html"):
        soup = parse_html(path)
        for tag in soup.find_all(
            ["script", "link", "img", "iframe", "source", "video", "audio", "object", "embed"]
        ):
            for attr in ("src", "href", "data", "srcset"):
                value = tag.get(attr, "")
                if tag.name == "link" and tag.get("rel") in (["canonical"], ["alternate"]):
                    continue
                assert not re.match(r"^(https?:)?//", value), (path, tag)
        for anchor in soup.find_all("a", href=re.compile(r"^(https?:)?//")):
            host = re.sub(r"^(https?:)?//", "", anchor["href"]).split("/")[0]
            assert host in LINK_HOSTS, (path, anchor["href"])
    for css_or_js in [*site.rglob("*.css"), *site.rglob("*.js")]:
        text = css_or_js.read_text(encoding="utf-8", errors="replace")
        assert "fonts.googleapis" not in text, css_or_js
        assert "fonts.gstatic" not in text, css_or_js


def test_version_pages_exist_for_each_update(site: Path, html_page) -> None:
    versions = sorted(
        p.parent.name for p in (site / BREACH.strip("/") / "versions").glob("*/index.html")
    )
    assert versions == ["1", "2", "3", "4"]
    first = html_page(BREACH + "versions/1/")
    assert first.select_one(".vigie-version-banner a")["href"] == "../../"
    assert [a["id"] for a in first.select("article.vigie-update")] == [
        "2024-02-05T1800-premiere-information"
    ]
    assert first.select_one(".vigie-data--exposed").name == "p"
