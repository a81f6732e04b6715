"""Every link of every built page resolves (docs/sources.md, « Liens vers les pages du site »).

Staff text is shown on pages at several depths: a notice, each of its versions one level
deeper, the FAQ page. Each built site is crawled as files, every HTML page parsed (version
pages included): every address of the site in an href or src must be a file of the site,
and every #anchor an id of its target page. A relative link that would lead elsewhere on
some page is refused by `vigie check` at its line, with the form to write instead.
"""

from __future__ import annotations

import io
import re
from contextlib import redirect_stderr
from typing import TYPE_CHECKING
from urllib.parse import unquote, urldefrag, urljoin, urlsplit

import pytest
from bs4 import BeautifulSoup

from conftest import copy_repo, run_vigie
from vigie import cli
from vigie.markup import under_served_path

if TYPE_CHECKING:
    from pathlib import Path

SUB_URL = "https://example.org/statut/"
CAUSE = "incidents/2024-06-espace-adherent/updates/2024-06-11T1030-cause-identifiee.md"
SIBLING = "/incidents/2024-02-tiers-payant/"
# Every accepted kind of link, in one paragraph of an update shown in full on versions 2
# and 3 of its notice (the notice page keeps one line of it), in its feeds and the API.
LINKS_PARAGRAPH = (
    "Voir aussi [l'avis sur le tiers payant](/incidents/2024-02-tiers-payant/), "
    "[sa dernière mise à jour](/incidents/2024-02-tiers-payant/#2024-02-20T1000-surveillance), "
    "[cette mise à jour](#2024-06-11T1030-cause-identifiee), "
    "[une question fréquente](/faq/#a-quoi-sert-ce-site), "
    "[l'adresse complète](https://example.org/statut/incidents/2024-02-tiers-payant/) "
    "et [une ancre posée ici](#ici){#ici}.\n\n"
)
# A FAQ answer is shown on /faq/ only: a relative link leads to one place and is kept.
FAQ_LINK = "    Voir [l'historique](../history/) et [l'avis](../incidents/2024-02-tiers-payant/).\n"


def _linked_site(repo: Path) -> Path:
    """The example sources, served under /statut/, with each kind of link in staff text."""
    config = repo / "mkdocs.yml"
    text = config.read_text(encoding="utf-8")
    config.write_text(re.sub(r"(?m)^site_url: .*$", f"site_url: {SUB_URL}", text), "utf-8")
    update = repo / CAUSE
    body = update.read_text(encoding="utf-8")
    update.write_text(body.replace("D’ici là,", f"{LINKS_PARAGRAPH}D’ici là,"), "utf-8")
    faq = repo / "incidents" / "faq.yml"
    answers = faq.read_text(encoding="utf-8")
    marker = "    jour dès que nous en savons plus.\n"
    assert marker in answers
    faq.write_text(answers.replace(marker, f"{marker}{FAQ_LINK}", 1), "utf-8")
    return repo


@pytest.fixture(scope="module")
def linked_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The built site of `_linked_site`."""
    repo = _linked_site(copy_repo(tmp_path_factory.mktemp("links") / "repo"))
    result = run_vigie(repo, "build")
    assert result.returncode == 0, result.stderr
    return repo / "site"


def _page_url(root: str, site: Path, page: Path) -> str:
    relative = page.relative_to(site).as_posix()
    return urljoin(root, relative.removesuffix("index.html"))


def _file_of(root: str, site: Path, url: str) -> Path | None:
    """The file `url` is served from, when it is an address of the site; else None."""
    if not url.startswith(root):
        return None
    path = unquote(urlsplit(url).path)[len(urlsplit(root).path) :]
    return site / path / "index.html" if path.endswith("/") or not path else site / path


def crawl(site: Path, root: str) -> tuple[list[str], dict[str, int]]:
    """Every internal link of every HTML page that leads nowhere, and what was followed."""
    ids: dict[Path, set[str]] = {}

    def ids_of(page: Path) -> set[str]:
        if page not in ids:
            soup = BeautifulSoup(page.read_text(encoding="utf-8"), "lxml")
            ids[page] = {tag["id"] for tag in soup.find_all(id=True)}
        return ids[page]

    problems: list[str] = []
    counts = {"pages": 0, "links": 0, "anchors": 0, "versions": 0}
    for page in sorted(site.rglob("*.html")):
        counts["pages"] += 1
        counts["versions"] += "/versions/" in page.as_posix()
        here = _page_url(root, site, page)
        soup = BeautifulSoup(page.read_text(encoding="utf-8"), "lxml")
        for tag in soup.find_all(True):
            for attribute in ("href", "src"):
                value = tag.get(attribute)
                if not value:
                    continue
                target, fragment = urldefrag(urljoin(here, value))
                file = _file_of(root, site, target)
                where = f"{page.relative_to(site)} : {value}"
                if file is None and urlsplit(target).netloc == urlsplit(root).netloc:
                    problems.append(f"hors du site pour {where}")  # the host's, not the site's
                if file is None:
                    continue  # another site, an e-mail address: judged by the link checks
                counts["links"] += 1
                if not file.is_file():
                    problems.append(f"aucun fichier pour {where}")
                elif fragment and file.suffix == ".html":
                    counts["anchors"] += 1
                    if unquote(fragment) not in ids_of(file):
                        problems.append(f"ancre absente pour {where}")
    return problems, counts


def test_every_link_of_the_example_site_resolves(site: Path) -> None:
    problems, counts = crawl(site, "https://statut.mutuelle-horizon.example/")
    assert problems == []
    assert counts["versions"] == 7  # every version page of the example was read
    assert counts["links"] > 500
    assert counts["anchors"] > 100


def test_the_crawl_sees_a_missing_page_and_a_missing_anchor(tmp_path: Path) -> None:
    (tmp_path / "faq").mkdir()
    (tmp_path / "faq" / "index.html").write_text('<p id="q">?</p>', "utf-8")
    page = (
        '<a href="faq/#q">ok</a> <a href="faq/#absente">a</a> <a href="/faq/">b</a> '
        '<img src="logo.png"> <a href="https://ailleurs.example/x">c</a> '
        '<a href="https://example.org/statut/historique/">d</a> <a href="mailto:a@b.fr">e</a> '
        '<a href="../faq/">f</a>'
    )
    (tmp_path / "index.html").write_text(page, "utf-8")
    problems, counts = crawl(tmp_path, SUB_URL)
    assert problems == [
        "ancre absente pour index.html : faq/#absente",
        "hors du site pour index.html : /faq/",
        "aucun fichier pour index.html : logo.png",
        "aucun fichier pour index.html : https://example.org/statut/historique/",
        "hors du site pour index.html : ../faq/",
    ]
    assert counts == {"pages": 2, "links": 4, "anchors": 2, "versions": 0}


def test_every_kind_of_staff_link_resolves_under_a_sub_path(linked_site: Path) -> None:
    problems, counts = crawl(linked_site, SUB_URL)
    assert problems == []
    assert counts["versions"] == 7


@pytest.mark.parametrize(
    "page",
    [
        "incidents/2024-06-espace-adherent/versions/2/index.html",
        "incidents/2024-06-espace-adherent/versions/3/index.html",
    ],
)
def test_the_links_of_an_update_lead_to_the_same_place_on_each_version(
    linked_site: Path, page: str
) -> None:
    soup = BeautifulSoup((linked_site / page).read_text(encoding="utf-8"), "lxml")
    paragraph = next(p for p in soup.find_all("p") if p.get_text().startswith("Voir aussi"))
    assert [a["href"] for a in paragraph.find_all("a")] == [
        "/statut/incidents/2024-02-tiers-payant/",
        "/statut/incidents/2024-02-tiers-payant/#2024-02-20T1000-surveillance",
        "#2024-06-11T1030-cause-identifiee",
        "/statut/faq/#a-quoi-sert-ce-site",
        "https://example.org/statut/incidents/2024-02-tiers-payant/",
        "#ici",
    ]


def test_a_faq_answer_keeps_its_relative_links(linked_site: Path) -> None:
    soup = BeautifulSoup((linked_site / "faq" / "index.html").read_text("utf-8"), "lxml")
    answer = soup.find(id="a-quoi-sert-ce-site")
    assert [a["href"] for a in answer.find_all("a")] == [
        "../history/",
        "../incidents/2024-02-tiers-payant/",
    ]


def test_the_feeds_give_the_links_of_an_update_in_full(linked_site: Path) -> None:
    feed = (linked_site / "incidents" / "2024-06-espace-adherent" / "atom.xml").read_text("utf-8")
    for address in (
        "https://example.org/statut/incidents/2024-02-tiers-payant/",
        "https://example.org/statut/incidents/2024-02-tiers-payant/#2024-02-20T1000-surveillance",
        "https://example.org/statut/incidents/2024-06-espace-adherent/#2024-06-11T1030-cause-identifiee",
        "https://example.org/statut/faq/#a-quoi-sert-ce-site",
    ):
        assert f'href="{address}"' in feed


def _check(repo: Path) -> tuple[int, str]:
    stderr = io.StringIO()
    with redirect_stderr(stderr):
        code = cli.main(["-f", str(repo / "mkdocs.yml"), "check"])
    return code, stderr.getvalue()


def _with_paragraph(repo: Path, relative: str, paragraph: str) -> int:
    """`paragraph` added before the last one of `relative`; the line it is written on."""
    path = repo / relative
    text = path.read_text(encoding="utf-8")
    before, last = text.rsplit("\n\n", 1)
    path.write_text(f"{before}\n\n{paragraph}\n\n{last}", "utf-8")
    return before.count("\n") + 3


RELATIVE = "lien relatif « {url} » : il ne mène pas au même endroit sur toutes les pages où ce texte paraît ; écrivez « {absolute} »"  # noqa: E501


@pytest.mark.parametrize(
    ("url", "absolute"),
    [
        ("../2024-02-tiers-payant/", SIBLING),
        (
            "../2024-02-tiers-payant/#2024-02-20T1000-surveillance",
            f"{SIBLING}#2024-02-20T1000-surveillance",
        ),
        ("../../faq/", "/faq/"),
        ("versions/1/", "/incidents/2024-06-espace-adherent/versions/1/"),
        ("./", "/incidents/2024-06-espace-adherent/"),
        ("rss.xml", "/incidents/2024-06-espace-adherent/rss.xml"),
    ],
)
def test_a_relative_link_in_an_update_is_refused_with_the_form_to_write(
    tmp_path: Path, url: str, absolute: str
) -> None:
    repo = copy_repo(tmp_path / "repo")
    line = _with_paragraph(repo, CAUSE, f"Voir [l'autre avis]({url}).")
    code, stderr = _check(repo)
    assert code == 1
    message = RELATIVE.format(url=url, absolute=absolute)
    assert stderr.splitlines()[0] == f"{CAUSE}:{line}: {message}"


def test_a_relative_link_in_a_notice_field_is_refused_at_its_line(tmp_path: Path) -> None:
    repo = copy_repo(tmp_path / "repo")
    path = repo / CAUSE
    text = path.read_text(encoding="utf-8")
    written = "  ont refusé d’ouvrir la page. Il ne s’agit pas d’une attaque."
    assert written in text
    path.write_text(text.replace(written, f"{written} [Détails](../2024-02-tiers-payant/)."))
    code, stderr = _check(repo)
    assert code == 1
    message = RELATIVE.format(url="../2024-02-tiers-payant/", absolute=SIBLING)
    assert stderr.splitlines()[0] == f"{CAUSE}:13: {message}"


def test_a_relative_link_written_in_html_is_refused_too(tmp_path: Path) -> None:
    repo = copy_repo(tmp_path / "repo")
    html = '<a href="../2024-02-tiers-payant/">l\'autre avis</a>'
    line = _with_paragraph(repo, CAUSE, f"Voir {html}.")
    code, stderr = _check(repo)
    assert code == 1
    message = RELATIVE.format(url="../2024-02-tiers-payant/", absolute=SIBLING)
    assert stderr.splitlines()[0] == f"{CAUSE}:{line}: {message}"


def test_a_relative_image_in_an_update_is_refused_with_the_form_to_write(tmp_path: Path) -> None:
    repo = copy_repo(tmp_path / "repo")
    line = _with_paragraph(repo, CAUSE, "![Le message d'erreur](erreur.png)")
    code, stderr = _check(repo)
    assert code == 1
    message = RELATIVE.format(
        url="erreur.png", absolute="/incidents/2024-06-espace-adherent/erreur.png"
    )
    assert stderr.splitlines()[0] == f"{CAUSE}:{line}: {message}"


@pytest.mark.parametrize(
    ("url", "message"),
    [
        (
            "/incidents/2024-02-tiers-payan/",
            "lien « /incidents/2024-02-tiers-payan/ » : aucun incident « 2024-02-tiers-payan » "
            "dans le site : vouliez-vous dire « 2024-02-tiers-payant » ?",
        ),
        (
            "/incidents/panne/#2024-02-20T1000-surveillance",
            "lien « /incidents/panne/#2024-02-20T1000-surveillance » : aucun incident « panne » "
            "dans le site ; incidents : 2024-02-tiers-payant, 2024-06-espace-adherent",
        ),
        (
            "/incidents/",
            "lien « /incidents/ » : le site n'a pas de page à cette adresse ; "
            "la liste des incidents est « /history/ »",
        ),
        (
            "/faq/#a-quoi-sert",
            "lien « /faq/#a-quoi-sert » : aucune question « a-quoi-sert » sur la page /faq/ : "
            "vouliez-vous dire « a-quoi-sert-ce-site » ?",
        ),
    ],
)
@pytest.mark.parametrize("site_url", ["https://statut.mutuelle-horizon.example/", SUB_URL])
def test_a_link_to_an_incident_or_a_question_not_there_is_refused(
    tmp_path: Path, url: str, message: str, site_url: str
) -> None:
    repo = copy_repo(tmp_path / "repo")
    config = repo / "mkdocs.yml"
    text = config.read_text(encoding="utf-8")
    config.write_text(re.sub(r"(?m)^site_url: .*$", f"site_url: {site_url}", text), "utf-8")
    line = _with_paragraph(repo, CAUSE, f"Voir [la page]({url}).")
    code, stderr = _check(repo)
    assert code == 1
    assert stderr.splitlines()[0] == f"{CAUSE}:{line}: {message}"


def test_links_from_the_root_are_put_under_the_served_path() -> None:
    html = (
        '<p><a href="/faq/">a</a> <code>&lt;a href="/x"&gt;</code> <a href=\'/y\'>y</a> '
        '<a href="//cnil.fr/">b</a> <img alt="i" src="/logo.png" /> <a href="#x">c</a> '
        '<a href="https://example.org/z">d</a> <a href="../v/">e</a></p>'
    )
    assert under_served_path(html, "/statut/") == (
        '<p><a href="/statut/faq/">a</a> <code>&lt;a href="/x"&gt;</code> '
        "<a href='/statut/y'>y</a> "
        '<a href="//cnil.fr/">b</a> <img alt="i" src="/statut/logo.png" /> <a href="#x">c</a> '
        '<a href="https://example.org/z">d</a> <a href="../v/">e</a></p>'
    )
    assert under_served_path(html, "/") == html
    two_lines = '<p>Voir\n<a title="t" href="/faq/">la FAQ</a>\net <a href="/history/">h</a></p>'
    assert under_served_path(two_lines, "/statut/") == (
        '<p>Voir\n<a title="t" href="/statut/faq/">la FAQ</a>\net <a href="/statut/history/">h</a></p>'
    )


DRAFT_INCIDENT = """id: 2024-09-brouillon
title: Panne en préparation
summary: Un résumé.
kind: outage
impact: minor
started: 2024-09-01T08:00:00+02:00
draft: true
contact:
  name: Service client
  email: service@mutuelle-horizon.example
what_happened: |
  Voir [l'avis publié](/incidents/2024-06-espace-adherent/) et [celui-ci](/incidents/2024-09-brouillon/).
"""
DRAFT_UPDATE = """---
date: 2024-09-01T09:00:00+02:00
status: investigating
title: Premier point
---
Voir [cet avis](/incidents/2024-09-brouillon/).
"""


def _with_draft_incident(repo: Path) -> None:
    folder = repo / "incidents" / "2024-09-brouillon"
    (folder / "updates").mkdir(parents=True)
    (folder / "incident.yml").write_text(DRAFT_INCIDENT, "utf-8")
    (folder / "updates" / "2024-09-01T0900-premier-point.md").write_text(DRAFT_UPDATE, "utf-8")


def test_a_draft_may_link_to_a_draft(tmp_path: Path) -> None:
    repo = copy_repo(tmp_path / "repo")
    _with_draft_incident(repo)
    assert _check(repo) == (0, "")


def test_a_published_text_may_not_link_to_a_draft_incident(tmp_path: Path) -> None:
    repo = copy_repo(tmp_path / "repo")
    _with_draft_incident(repo)
    line = _with_paragraph(
        repo, CAUSE, "Voir [l'avis en préparation](/incidents/2024-09-brouillon/)."
    )
    code, stderr = _check(repo)
    assert code == 1
    assert stderr.splitlines()[0] == (
        f"{CAUSE}:{line}: lien « /incidents/2024-09-brouillon/ » : l'incident « 2024-09-brouillon » "
        "est un brouillon, ce lien ne mènerait nulle part : publiez-le d'abord, ou écrivez ce "
        "texte en brouillon lui aussi"
    )
