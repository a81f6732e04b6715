"""The example site in Debian's Chromium: what members see, hear, print, and send nowhere.

One server and one browser for the session (conftest.py); each test opens its own context.
Screenshots of every page type, phone and desktop, go to `test-artefacts/screenshots/`.
"""

from __future__ import annotations

import re
import time
import unicodedata
from contextlib import contextmanager
from io import BytesIO
from typing import TYPE_CHECKING, Any

import pytest
from axe_playwright_python.base import AxeResults
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import expect
from pypdf import PdfReader

from conftest import REPO
from vigie_bench import pageweight

if TYPE_CHECKING:
    from collections.abc import Iterator
    from pathlib import Path

    from playwright.sync_api import (
        Browser,
        BrowserContext,
        ConsoleMessage,
        Locator,
        Page,
        Response,
    )

pytestmark = pytest.mark.browser

BREACH = "/incidents/2024-02-tiers-payant/"
OUTAGE = "/incidents/2024-06-espace-adherent/"
PAGES = {
    "accueil": "/",
    "incident": BREACH,
    "version": f"{BREACH}versions/1/",
    "chronologie": "/timeline/",
    "historique": "/history/",
    "faq": "/faq/",
    "accessibilite": "/accessibilite/",
    "page-redigee": "/se-proteger/",
    "404": "/cette-adresse-n-existe-pas/",
}
PHONE = {"width": 360, "height": 740}
DESKTOP = {"width": 1280, "height": 800}
SCREENSHOTS = REPO / "test-artefacts" / "screenshots"
WCAG_A_AA = {"runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]}}
AXE = Axe()


@contextmanager
def opened(browser: Browser, base_url: str, **options: Any) -> Iterator[BrowserContext]:
    """A fresh browser context (no cache, no storage), closed afterwards."""
    context = browser.new_context(base_url=base_url, **{"viewport": PHONE, **options})
    try:
        yield context
    finally:
        context.close()


def console_errors(page: Page) -> list[str]:
    """Console errors and uncaught exceptions of `page`, gathered as they happen."""
    errors: list[str] = []

    def on_console(message: ConsoleMessage) -> None:
        if message.type == "error":
            errors.append(f"{message.text} ({message.location.get('url')})")

    page.on("console", on_console)
    page.on("pageerror", lambda error: errors.append(f"exception: {error}"))
    return errors


def scheme(page: Page) -> str:
    return page.evaluate("document.body.getAttribute('data-md-color-scheme')")


def violations(results: Any) -> list[str]:
    """axe's violations as one readable line each: rule, impact, elements, why."""
    return [
        f"{v['id']} ({v['impact']}): {[n['target'] for n in v['nodes']][:5]} "
        f"{v['nodes'][0].get('failureSummary', '')[:300]}"
        for v in results.response["violations"]
    ]


def axe_violations(page: Page) -> list[str]:
    """The WCAG 2.1 A and AA violations of the page as it is now, one readable line each.

    axe-core (half a megabyte) is injected once per document, and only the violations come
    back in full: the passes, thousands of elements on a notice, are not sent back.
    """
    # Colours are judged at rest: after a resize, the theme's header fades its colours in,
    # and a loaded machine would let axe see the search field halfway (4.1:1 for 4.5:1).
    # An endless animation would hold this until the deadline: the page is judged anyway.
    wait_until(page, "document.getAnimations().every(a => a.playState !== 'running')")
    if not page.evaluate("typeof window.axe === 'object'"):
        page.evaluate(AXE.axe_script)
    options = {**WCAG_A_AA, "resultTypes": ["violations"]}
    return violations(AxeResults(page.evaluate("options => axe.run(document, options)", options)))


def heading_levels(page: Page) -> list[int]:
    return page.evaluate(
        "[...document.querySelectorAll('h1,h2,h3,h4,h5,h6')].map(h => Number(h.tagName[1]))"
    )


def wait_until(page: Page, predicate: str, timeout: float = 15.0) -> bool:
    """Poll `predicate` (JS) until true; `page.wait_for_function` would `eval`, which CSP forbids.

    The deadline is generous (a loaded machine), reached only when the predicate stays false.
    """
    deadline = time.monotonic() + timeout
    while not page.evaluate(predicate):
        if time.monotonic() > deadline:
            return False
        page.wait_for_timeout(50)
    return True


def assert_no_sideways_scroll(page: Page) -> None:
    """Nothing wider than the window, once the layout has settled (after a resize)."""
    if not wait_until(page, "document.scrollingElement.scrollWidth <= innerWidth"):
        width = page.evaluate("[document.scrollingElement.scrollWidth, innerWidth]")
        wide = page.evaluate(
            """() => [...document.querySelectorAll('body *')]
              .filter(e => e.getBoundingClientRect().right > innerWidth + 1)
              .slice(0, 5).map(e => `${e.tagName}.${e.className}`)"""
        )
        pytest.fail(f"scrolls sideways: {width}, too wide: {wide}")


def open_search(page: Page) -> Locator:
    """Open Material's search as a reader does (the magnifier on a phone); returns the field."""
    button = page.locator('label.md-header__button[for="__search"]')
    field = page.locator("input.md-search__input")
    if button.is_visible():
        button.click()
    else:
        field.click()
    expect(field).to_be_focused()
    return field


def shot(page: Page, name: str) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=SCREENSHOTS / f"{name}.png")


# --- Every page type --------------------------------------------------------------------


@pytest.mark.parametrize("name", PAGES)
def test_page_type_reads_well_sends_nothing_elsewhere_and_passes_axe(
    browser: Browser, base_url: str, name: str
) -> None:
    """Light scheme, phone then desktop: errors, layout, headings, axe, then every request."""
    with opened(browser, base_url) as context:
        requests: list[str] = []
        context.on("request", lambda request: requests.append(request.url))
        page = context.new_page()
        errors = console_errors(page)
        responses: list[Response] = []
        page.on("response", lambda response: responses.append(response))
        response = page.goto(PAGES[name], wait_until="load")
        assert response is not None
        assert response.status == (404 if name == "404" else 200)
        assert_no_sideways_scroll(page)
        assert page.locator("h1").count() == 1
        levels = heading_levels(page)
        assert levels[0] == 1
        skipped = [(a, b) for a, b in zip(levels, levels[1:], strict=False) if b > a + 1]
        assert skipped == [], f"heading levels skipped: {levels}"
        shot(page, f"{name}-mobile")
        assert axe_violations(page) == [], "axe, light, phone"

        page.set_viewport_size(DESKTOP)
        assert_no_sideways_scroll(page)
        shot(page, f"{name}-desktop")
        assert axe_violations(page) == [], "axe, light, desktop"

        open_search(page).press_sequentially("carte")  # search loads its index and worker
        page.wait_for_load_state("networkidle")  # every request made: now, check them all
        if name == "404":  # the browser reports the page's own status as a console error
            errors = [e for e in errors if not e.endswith(f"({response.url})")]
        assert errors == [], "console errors"
        assert [url for url in requests if not url.startswith(f"{base_url}/")] == []
        assert [url for url in requests if url.endswith("sitemap.xml")] == []
        assert [r.url for r in responses if r.header_value("set-cookie")] == []
        assert context.cookies() == []
        assert page.evaluate("document.cookie") == ""
        assert page.locator("script[src*='analytics'], script[src*='gtag']").count() == 0


@pytest.mark.parametrize("name", PAGES)
def test_page_type_passes_axe_in_the_dark_scheme(
    browser: Browser, base_url: str, name: str
) -> None:
    with opened(browser, base_url, color_scheme="dark", viewport=DESKTOP) as context:
        page = context.new_page()
        page.goto(PAGES[name], wait_until="load")
        assert scheme(page) == "slate"
        assert axe_violations(page) == [], "axe, dark, desktop"
        if name in ("incident", "version"):  # on a phone, messages become cards
            page.set_viewport_size(PHONE)
            assert axe_violations(page) == [], "axe, dark, phone"
            shot(page, f"{name}-sombre-mobile")


@pytest.mark.parametrize("colours", ["light", "dark"])
def test_every_state_colour_is_readable_in_both_schemes(
    browser: Browser, base_url: str, colours: str
) -> None:
    """All five badge colours and the "sensitive" mark, on the page and on a warning note."""
    with opened(browser, base_url, color_scheme=colours) as context:
        page = context.new_page()
        page.goto("/", wait_until="load")
        page.evaluate(
            """() => {
              const line = ["ok", "maintenance", "minor", "major", "critical"].map(level =>
                `<p><span class="vigie-badge vigie-badge--${level}"><span class="vigie-badge__text">`
                + `État ${level}</span></span> <strong class="vigie-sensitive">Donnée sensible</strong></p>`
              ).join("");
              const box = document.createElement("div");
              box.id = "etats";
              box.innerHTML = line + `<div class="admonition warning">${line}</div>`;
              document.querySelector("article").prepend(box);
            }"""
        )
        checked = AXE.run(
            page,
            context="#etats",
            options={"runOnly": {"type": "rule", "values": ["color-contrast"]}},
        )
        assert violations(checked) == []
        assert len(checked.response["passes"][0]["nodes"]) == 20


# --- Keyboard, skip link, search, light and dark -----------------------------------------


def test_faq_answers_open_with_the_keyboard(browser: Browser, base_url: str) -> None:
    with opened(browser, base_url, viewport=DESKTOP) as context:
        page = context.new_page()
        page.goto("/faq/", wait_until="load")
        for key in ("Enter", " "):
            for _ in range(120):
                page.keyboard.press("Tab")
                if page.evaluate(
                    "document.activeElement.tagName === 'SUMMARY' && !document.activeElement.parentElement.open"
                ):
                    break
            else:
                pytest.fail("no closed question reached with Tab")
            outline = page.evaluate(
                "(s => [s.outlineStyle, s.outlineWidth])(getComputedStyle(document.activeElement))"
            )
            assert outline[0] != "none", "focus must be visible"
            assert outline[1] != "0px", "focus must be visible"
            answer = page.locator("details:has(summary:focus) .vigie-faq__answer")
            expect(answer).to_be_hidden()
            page.keyboard.press(key)
            expect(answer).to_be_visible()


@pytest.mark.parametrize("name", ["accueil", "incident", "page-redigee"])
def test_skip_link_comes_first_and_leads_to_the_content(
    browser: Browser, base_url: str, name: str
) -> None:
    with opened(browser, base_url, viewport=DESKTOP) as context:
        page = context.new_page()
        page.goto(PAGES[name], wait_until="load")
        page.keyboard.press("Tab")
        skip = page.locator(".md-skip:focus")
        expect(skip).to_have_text("Aller au contenu")
        assert wait_until(page, "getComputedStyle(document.activeElement).opacity === '1'")
        target = skip.get_attribute("href")
        page.keyboard.press("Enter")
        assert page.evaluate("location.hash") == target
        page.keyboard.press("Tab")
        assert page.evaluate("!!document.activeElement.closest('.md-content')")


@pytest.mark.parametrize(
    ("word", "incident"),
    [("Vitale", BREACH), ("cyberattaque", BREACH), ("inaccessible", OUTAGE)],
)
def test_search_finds_an_incident_by_a_word_of_its_title_or_summary(
    browser: Browser, base_url: str, word: str, incident: str
) -> None:
    with opened(browser, base_url, viewport=DESKTOP) as context:
        page = context.new_page()
        requests: list[str] = []
        page.on("request", lambda request: requests.append(request.url))
        page.goto("/", wait_until="networkidle")
        assert not [u for u in requests if "search_index" in u], "index loaded before search"
        open_search(page).press_sequentially(word, delay=20)
        found = page.locator(f".md-search-result__item a[href$='{incident.strip('/')}/']")
        expect(found.first).to_be_visible(timeout=10_000)
        assert [u for u in requests if u.endswith("/search/search_index.json")]


def test_light_dark_switch_flips_and_is_remembered(browser: Browser, base_url: str) -> None:
    with opened(browser, base_url, color_scheme="light") as context:
        page = context.new_page()
        page.goto("/", wait_until="load")
        assert scheme(page) == "default"
        # Its icon is drawn by vigie.css (no inline SVG); the radio button has the name.
        switch = page.locator("form[data-md-component=palette] label:not([hidden])")
        icon = switch.locator(".vigie-icon").bounding_box()
        assert icon is not None
        assert icon["width"] >= 16
        assert icon["height"] >= 16
        assert "data:image/svg+xml" in switch.locator(".vigie-icon").evaluate(
            "e => getComputedStyle(e).maskImage || getComputedStyle(e).webkitMaskImage"
        )
        expect(page.get_by_role("radio", name="Passer en mode sombre")).to_be_attached()
        page.locator("form[data-md-component=palette] label:not([hidden])").click()
        assert wait_until(page, "document.body.dataset.mdColorScheme === 'slate'")
        page.goto(BREACH, wait_until="load")
        assert scheme(page) == "slate"
        page.locator("form[data-md-component=palette] label:not([hidden])").click()
        assert wait_until(page, "document.body.dataset.mdColorScheme === 'default'")
        page.goto("/faq/", wait_until="load")
        assert scheme(page) == "default"
        assert context.cookies() == []  # remembered in localStorage, not in a cookie


def test_links_of_the_incident_page_lead_to_full_texts_and_answers(
    browser: Browser, base_url: str
) -> None:
    """A feed's link to an earlier update, then its full text; a question, then its answer."""
    with opened(browser, base_url) as context:
        page = context.new_page()
        page.goto(f"{BREACH}#2024-02-07T1200-donnees-confirmees", wait_until="load")
        line = page.locator("li:target")
        expect(line).to_have_id("2024-02-07T1200-donnees-confirmees")
        expect(line).to_be_in_viewport()
        line.get_by_role("link", name="Les données concernées sont confirmées").click()
        expect(page).to_have_url(re.compile(r"/versions/2/#2024-02-07T1200-donnees-confirmees$"))
        article = page.locator("article:target")
        expect(article).to_be_in_viewport()
        expect(article).to_contain_text("numéro de sécurité sociale")
        expect(page.locator(".vigie-version-banner")).to_contain_text("lire la version actuelle")

        page.goto(BREACH, wait_until="load")
        question = page.get_by_role("link", name="Ma carte Vitale est-elle toujours valable ?")
        question.click()
        expect(page).to_have_url(re.compile(r"/faq/#2024-02-tiers-payant-carte-vitale$"))
        answer = page.locator("details:target .vigie-faq__answer")
        expect(answer).to_be_visible()
        expect(answer).to_contain_text("Votre carte Vitale et votre carte de tiers payant")
        assert page.evaluate("document.querySelector('details:target').open")


# --- Without JavaScript -------------------------------------------------------------------


def test_without_javascript_everything_is_readable(browser: Browser, base_url: str) -> None:
    with opened(browser, base_url, java_script_enabled=False) as context:
        page = context.new_page()
        page.goto(BREACH)
        expect(page.get_by_role("heading", level=1)).to_be_visible()
        expect(page.get_by_role("heading", name="L'essentiel")).to_be_visible()
        for caption in ("Données exposées", "Données non exposées", "Autorités informées"):
            table = page.locator("table", has=page.locator("caption", has_text=caption)).first
            table.scroll_into_view_if_needed()
            expect(table).to_be_visible()
            assert table.locator("tbody tr").count() > 0
        expect(page.locator(".vigie-update").first).to_contain_text("publiée le")
        shot(page, "incident-sans-js-mobile")
        # An earlier update: its line, then its full text on its version page.
        earlier = page.locator("ol.vigie-earlier > li").last
        anchor = earlier.get_attribute("id")
        earlier.get_by_role("link").click()
        expect(page).to_have_url(re.compile(rf"/versions/1/#{anchor}$"))
        expect(page.locator(f"article[id='{anchor}']")).to_be_in_viewport()
        # A question: its answer on /faq/, shown by CSS alone.
        page.goto(BREACH)
        question = page.locator("ul.vigie-faq-links a").first
        name = question.inner_text()
        question.click()
        expect(page).to_have_url(re.compile(r"/faq/#2024-02-tiers-payant-"))
        target = page.locator("details:target")
        expect(target.locator("summary")).to_have_text(name)
        expect(target.locator(".vigie-faq__answer")).to_be_visible()

        page.goto("/timeline/")
        entries = page.locator(".vigie-timeline__entry")
        assert entries.count() >= 6
        expect(entries.first).to_be_visible()

        page.goto("/faq/")
        question = page.locator("details.vigie-faq__entry").first
        question.locator("summary").click()
        expect(question.locator(".vigie-faq__answer")).to_be_visible()

        # On a phone the menu is Material's checkbox drawer: plain HTML and CSS.
        page.goto(BREACH)
        page.locator('label.md-header__button[for="__drawer"]').click()
        link = page.locator(".md-nav--primary").get_by_role("link", name="Chronologie")
        expect(link).to_be_visible()
        link.click()
        expect(page).to_have_url(re.compile(r"/timeline/$"))
        footer = page.locator("footer")
        expect(footer.get_by_role("link", name="Accessibilité")).to_be_attached()


# --- Plain language: the first screen of a phone -----------------------------------------


def test_what_to_do_then_the_essentials_on_a_phone(browser: Browser, base_url: str) -> None:
    """« Ce que vous devez faire » on the first screen (every kind: test_fraud.py), then
    « L'essentiel » of a breach right after it: who is concerned, which data."""
    with opened(browser, base_url) as context:
        page = context.new_page()
        page.goto(BREACH, wait_until="load")
        advice = page.get_by_role("heading", name="Ce que vous devez faire").bounding_box()
        assert advice is not None
        assert advice["y"] + advice["height"] < PHONE["height"]
        essentials = page.locator(".vigie-essentials").bounding_box()
        assert essentials is not None
        assert essentials["y"] > advice["y"]
        assert [t.strip() for t in page.locator(".vigie-essentials dt").all_inner_texts()] == [
            "Êtes-vous concerné ?",
            "Quelles données ?",
        ]


# --- Print ---------------------------------------------------------------------------------


def _flat(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


def test_the_notice_prints_cleanly(browser: Browser, base_url: str) -> None:
    with opened(browser, base_url, viewport=DESKTOP) as context:
        page = context.new_page()
        page.goto(BREACH, wait_until="load")
        on_screen = page.evaluate("document.querySelector('article').innerText")
        targets = page.eval_on_selector_all(
            "article a[href^='http']", "links => links.map(a => a.getAttribute('href'))"
        )
        question = page.locator("ul.vigie-faq-links a").first.text_content() or ""
        earlier = page.locator("ol.vigie-earlier a").first.text_content() or ""
        pdf = PdfReader(BytesIO(page.pdf(format="A4")))
        text = _flat(unicodedata.normalize("NFKC", " ".join(p.extract_text() for p in pdf.pages)))
        packed = re.sub(r"\s+", "", text)
    assert "Cyberattaque chez notre opérateur de tiers payant" in text
    assert re.search(r"Version 4 — mise à jour le \d+ \w+ 2024", text)
    assert "Adressedecetavis:https://statut.mutuelle-horizon.example" + BREACH in packed
    assert targets, "the notice links to other sites"
    for target in targets:
        assert f"({target})" in packed, f"link target {target} not printed"
    assert "(mailto:dpo@" in packed
    assert re.sub(r"\s+", "", question) in packed, "the questions, linked to /faq/"
    assert re.sub(r"\s+", "", earlier) in packed, "earlier updates, one line each"
    for label in ("Chronologie", "Historique des incidents", "Questions fréquentes", "Rechercher"):
        if label not in on_screen:
            assert label not in text, f"navigation ({label}) printed"
    for hidden in ("Suivre les mises à jour", "Aller au contenu", "Version du site"):
        assert hidden not in text


def test_faq_answers_print_open(browser: Browser, base_url: str) -> None:
    with opened(browser, base_url, viewport=DESKTOP) as context:
        page = context.new_page()
        page.goto("/faq/", wait_until="load")
        answer = page.locator(".vigie-faq__answer").last.text_content() or ""
        pdf = PdfReader(BytesIO(page.pdf(format="A4")))
        text = unicodedata.normalize("NFKC", " ".join(p.extract_text() for p in pdf.pages))
    assert re.sub(r"\s+", "", answer)[:60] in re.sub(r"\s+", "", text), "closed answers print open"


# --- Page weight -----------------------------------------------------------------------------


def test_the_notice_is_light_and_search_loads_only_when_opened(
    browser: Browser, site: Path
) -> None:
    weight = pageweight.measure_page(site, BREACH, browser=browser)
    assert weight.first_visit <= pageweight.FIRST_VISIT_KIB * pageweight.KIB
    assert weight.html <= pageweight.HTML_KIB * pageweight.KIB
    assert "/search/search_index.json" in weight.on_search
    loaded_first = [r.path for r in weight.resources if r.path not in weight.on_search]
    assert not [p for p in loaded_first if "search_index" in p or "lunr" in p]
    own = [p for p in loaded_first if "vigie" in p]
    assert len(own) == 3  # vigie.css, vigie-theme.js (Material's inline scripts), vigie-search.js
    assert all(pageweight.FINGERPRINTED.search(p) for p in own)
    # A repeat visit pays only the HTML: every other file is addressed by its content.
    unstamped = {r.path for r in weight.resources if not r.fingerprinted} - set(weight.on_search)
    assert unstamped == {BREACH}
    assert weight.repeat_visit == weight.html
    assert weight.repeat_visit <= pageweight.REPEAT_VISIT_KIB * pageweight.KIB
