"""Security of the built site: CSP (hashes, meta, policy file, a real browser), security.txt,
the link allowlist and its settings, and the rules of the content checker.
"""

from __future__ import annotations

import base64
import hashlib
import threading
from functools import partial
from http.server import ThreadingHTTPServer
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from conftest import REPO, SiteHandler, copy_repo, parse_html, run_vigie
from vigie.model import Settings
from vigie.outputs import csp
from vigie.pipeline import load_site
from vigie.sources import links, safety
from vigie.sources.load import load_sources

if TYPE_CHECKING:
    from collections.abc import Iterator

    from playwright.sync_api import Browser, ConsoleMessage

SITE_URL = "https://statut.mutuelle-horizon.example/"
SETTINGS = Settings(
    "Mutuelle Horizon",
    SITE_URL,
    "Site",
    "Europe/Paris",
    "contact@mutuelle-horizon.example",
    (),
    (),
    own_domains=("mutuelle-horizon.example",),
)
POLICY = links.link_policy(SETTINGS)
# The script types a browser runs (HTML's JavaScript MIME types; "" when the type is absent).
JAVASCRIPT_TYPES = {"", "module", "text/javascript", "application/javascript"}


def sha256_source(code: str) -> str:
    """The CSP hash source of `code`, from its exact UTF-8 bytes (CSP Level 3, « hash-source »)."""
    return (
        "'sha256-" + base64.b64encode(hashlib.sha256(code.encode("utf-8")).digest()).decode() + "'"
    )


EXPIRES_LINE = next(
    number
    for number, line in enumerate((REPO / "mkdocs.yml").read_text().split("\n"), start=1)
    if line.strip().startswith("security_expires:")
)
VIGIE_LINE = next(
    number
    for number, line in enumerate((REPO / "mkdocs.yml").read_text().split("\n"), start=1)
    if line.strip() == "- vigie:"
)
EXPIRES = 1_825_023_599  # security_expires in mkdocs.yml: 2027-10-31T23:59:59+01:00
BEFORE_EXPIRY = "1795000000"  # 2026-11-18


# --- Content-Security-Policy: unit ------------------------------------------------------


def test_inline_script_hash_is_the_sha256_of_its_exact_text() -> None:
    page = '<html><head><meta charset="utf-8"><script>var a=1;</script></head></html>'
    code = csp.inline_code(page)
    assert code.scripts == {"'sha256-gaaMFNHZyRta8zB2VHkWLMP4tMxJ+d8v3dTW7nw2r6M='"}
    assert code.styles == set()


def test_json_and_external_scripts_are_not_hashed_but_styles_are() -> None:
    page = (
        '<script type="application/json">{"a": 1}</script><script src="x.js"></script>'
        "<style>p{color:red}</style>"
    )
    code = csp.inline_code(page)
    assert code.scripts == set()
    assert code.styles == {"'sha256-p0bF+un5yUb9MBO6xRb8kPHlY2BdpHVtLiFkDrZPF64='"}  # p{color:red}


def test_commented_out_code_is_skipped_and_quoted_brackets_do_not_end_a_tag() -> None:
    page = (
        "<!-- <script>old()</script> -->"
        '<script data-note="a > b" type="text/javascript">run()</script>'
        '<SCRIPT TYPE="module">mod()</SCRIPT >'
    )
    code = csp.inline_code(page)
    assert code.scripts == {sha256_source("run()"), sha256_source("mod()")}


def test_code_is_hashed_as_written_with_its_spaces_and_line_breaks() -> None:
    """The browser hashes the exact text between the tags: nothing stripped, nothing decoded."""
    script = '\n  window.vigie = "é &amp; ";\n'
    style = " p { color: red; }\n"
    code = csp.inline_code(f"<script>{script}</script><style>{style}</style><style></style>")
    assert code.scripts == {sha256_source(script)}
    assert sha256_source(script) != sha256_source(script.strip())
    assert code.styles == {
        sha256_source(style),
        "'sha256-47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU='",
    }


def test_policy_is_strict_and_the_meta_variant_drops_frame_ancestors() -> None:
    code = csp.InlineCode({"'sha256-b'", "'sha256-a'"}, set())
    header = csp.policy(code)
    assert header == (
        "default-src 'self'; script-src 'self' 'sha256-a' 'sha256-b'; style-src 'self'; "
        "img-src 'self' data:; font-src 'self'; connect-src 'self'; object-src 'none'; "
        "base-uri 'self'; form-action 'self'; frame-ancestors 'none'"
    )
    assert "unsafe" not in header
    assert csp.policy(code, for_meta=True) == header.removesuffix("; frame-ancestors 'none'")


def test_meta_goes_right_after_the_charset() -> None:
    page = '<html><head><meta charset="utf-8"><title>x</title><script>1</script></head></html>'
    result = csp.with_meta(page, csp.inline_code(page))
    assert result.startswith(
        '<html><head><meta charset="utf-8"><meta http-equiv="Content-Security-Policy" '
        "content=\"default-src 'self'; script-src 'self' 'sha256-"
    )


# --- Content-Security-Policy: the built site --------------------------------------------


def html_pages(site: Path) -> list[Path]:
    return sorted(site.rglob("*.html"))


def inline_hashes(page: Path) -> tuple[set[str], set[str]]:
    """(scripts, styles): what a browser runs inline, found by a real HTML parser, hashed here."""
    soup = parse_html(page)
    scripts = {
        sha256_source(s.string or "")
        for s in soup.find_all("script")
        if not s.has_attr("src") and s.get("type", "").lower() in JAVASCRIPT_TYPES
    }
    return scripts, {sha256_source(s.string or "") for s in soup.find_all("style")}


def written_policy(scripts: set[str], styles: set[str], *, header: bool = False) -> str:
    """The policy as docs/securite.md promises it: the site's own files and exactly these hashes."""
    script_src = " ".join(["'self'", *sorted(scripts)])
    style_src = " ".join(["'self'", *sorted(styles)])
    return (
        f"default-src 'self'; script-src {script_src}; "
        f"style-src {style_src}; img-src 'self' data:; "
        "font-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'self'; "
        "form-action 'self'" + ("; frame-ancestors 'none'" if header else "")
    )


def meta_policy(page: Path) -> str:
    metas = parse_html(page).select('meta[http-equiv="Content-Security-Policy"]')
    assert len(metas) == 1, page
    return metas[0]["content"]


def check_policies(site: Path) -> tuple[set[str], set[str]]:
    """Each page's meta and csp.txt list exactly the inline code found; returns all of it."""
    every_script, every_style = set(), set()
    for page in html_pages(site):
        text = page.read_text(encoding="utf-8")
        assert text.index('http-equiv="Content-Security-Policy"') < text.index("<script"), page
        scripts, styles = inline_hashes(page)
        assert meta_policy(page) == written_policy(scripts, styles), page
        every_script |= scripts
        every_style |= styles
    header = (site / csp.POLICY_FILE).read_text(encoding="utf-8")
    assert header == written_policy(every_script, every_style, header=True) + "\n"
    return every_script, every_style


def test_every_page_carries_its_policy_before_any_script(site: Path) -> None:
    # The example itself carries no inline code: its policy allows none (see inline_site).
    assert check_policies(site) == (set(), set())
    assert (site / csp.POLICY_FILE).read_text(encoding="utf-8") == (
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
        "font-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'self'; "
        "form-action 'self'; frame-ancestors 'none'\n"
    )


# A template of the site's own (overrides/) may carry inline code: two pages get some. The
# style is indented in the template; pages are served with indentation collapsed, and the
# hash is that of what is served.
INLINE_TEMPLATE = (
    '{% if page and page.url == "a-propos/" %}'
    "<style>\n    :root { --vigie-inline: a-propos; }\n  </style>"
    '<script>\n  document.documentElement.dataset.vigieInline = "a-propos";\n</script>'
    "{% endif %}\n"
    '{% if page and page.url == "se-proteger/" %}'
    '<script>document.documentElement.dataset.vigieInline = "se-proteger";</script>'
    "{% endif %}\n"
)
SERVED_STYLE = "\n:root { --vigie-inline: a-propos; }\n"
SERVED_SCRIPT = '\n  document.documentElement.dataset.vigieInline = "a-propos";\n'
OTHER_SCRIPT = 'document.documentElement.dataset.vigieInline = "se-proteger";'


@pytest.fixture(scope="module")
def inline_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The example, built with a template that puts inline code in two pages."""
    repo = copy_repo(tmp_path_factory.mktemp("inline") / "repo")
    template = repo / "overrides" / "main.html"
    text = template.read_text(encoding="utf-8")
    anchor = "{% block extrahead %}\n  {{ super() }}\n"
    assert anchor in text
    template.write_text(text.replace(anchor, anchor + INLINE_TEMPLATE), encoding="utf-8")
    result = run_vigie(repo, "build")
    assert result.returncode == 0, result.stderr
    return repo / "site"


def test_inline_code_is_allowed_by_the_hash_of_its_served_bytes(inline_site: Path) -> None:
    about = (inline_site / "a-propos" / "index.html").read_text(encoding="utf-8")
    assert f"<style>{SERVED_STYLE}</style>" in about
    assert f"<script>{SERVED_SCRIPT}</script>" in about
    style, script, other = (sha256_source(c) for c in (SERVED_STYLE, SERVED_SCRIPT, OTHER_SCRIPT))
    assert meta_policy(inline_site / "a-propos" / "index.html") == (
        f"default-src 'self'; script-src 'self' {script}; style-src 'self' {style}; "
        "img-src 'self' data:; font-src 'self'; connect-src 'self'; object-src 'none'; "
        "base-uri 'self'; form-action 'self'"
    )
    assert meta_policy(inline_site / "se-proteger" / "index.html") == (
        f"default-src 'self'; script-src 'self' {other}; style-src 'self'; "
        "img-src 'self' data:; font-src 'self'; connect-src 'self'; object-src 'none'; "
        "base-uri 'self'; form-action 'self'"
    )
    assert meta_policy(inline_site / "faq" / "index.html") == written_policy(set(), set())
    first, second = sorted([script, other])
    assert (inline_site / csp.POLICY_FILE).read_text(encoding="utf-8") == (
        f"default-src 'self'; script-src 'self' {first} {second}; style-src 'self' {style}; "
        "img-src 'self' data:; font-src 'self'; connect-src 'self'; object-src 'none'; "
        "base-uri 'self'; form-action 'self'; frame-ancestors 'none'\n"
    )
    assert check_policies(inline_site) == ({script, other}, {style})


def test_no_page_has_inline_style_or_event_attributes(site: Path) -> None:
    """The policy has no 'unsafe-hashes': such attributes would be blocked, so none may exist."""
    for page in html_pages(site):
        soup = parse_html(page)
        for element in soup.find_all(True):
            bad = [name for name in element.attrs if name == "style" or name.startswith("on")]
            assert bad == [], f"{page}: <{element.name}> {bad}"


# --- Content-Security-Policy: a real browser --------------------------------------------

BROWSER_PAGES = {
    "home": "/",
    "incident": "/incidents/2024-02-tiers-payant/",
    "version": "/incidents/2024-02-tiers-payant/versions/1/",
    "timeline": "/timeline/",
    "history": "/history/",
    "faq": "/faq/",
    "hand-written": "/se-proteger/",
    "not-found": "/cette-adresse-n-existe-pas/",
}
WATCH_VIOLATIONS = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", (event) => {
  window.__cspViolations.push(`${event.violatedDirective} ${event.blockedURI}`);
});
"""


class CspSiteHandler(SiteHandler):
    """The site as a host configured from `csp.txt` serves it: with the policy header."""

    def end_headers(self) -> None:
        policy = (Path(self.directory) / csp.POLICY_FILE).read_text(encoding="utf-8").strip()
        self.send_header("Content-Security-Policy", policy)
        super().end_headers()


def serve_with_policy(folder: Path) -> Iterator[str]:
    """`folder` served with its Content-Security-Policy header, until the generator ends."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), partial(CspSiteHandler, directory=str(folder)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    server.server_close()


@pytest.fixture(scope="module")
def csp_site_url(site: Path) -> Iterator[str]:
    """The built example site served with its Content-Security-Policy header."""
    yield from serve_with_policy(site)


@pytest.fixture(scope="module")
def inline_site_url(inline_site: Path) -> Iterator[str]:
    """The site with inline code (inline_site) served with its Content-Security-Policy header."""
    yield from serve_with_policy(inline_site)


def visit_and_collect_violations(browser: Browser, url: str, *, tamper: bool = False) -> list[str]:
    """Open `url`, use search and the theme switch, and return every CSP violation seen."""
    context = browser.new_context()
    try:
        page = context.new_page()
        reports: list[str] = []

        def on_console(message: ConsoleMessage) -> None:
            if "Content Security Policy" in message.text or "Refused to" in message.text:
                reports.append(message.text)

        page.on("console", on_console)
        page.add_init_script(WATCH_VIOLATIONS)
        if tamper:  # a script slipped into the page: the policy must stop it

            def add_script(route):  # noqa: ANN001, ANN202 (Playwright's callback)
                response = route.fetch()
                body = response.text().replace("</body>", "<script>window.x=1</script></body>")
                route.fulfill(response=response, body=body)

            page.route(url, add_script)
        page.goto(url, wait_until="networkidle")
        search = page.locator("label.md-search__icon, [data-md-toggle='search']").first
        if search.count():
            page.keyboard.press("/")
            page.keyboard.type("cnil")
            page.wait_for_timeout(300)
            page.keyboard.press("Escape")
        toggle = page.locator("form[data-md-component='palette'] label").first
        if toggle.count() and toggle.is_visible():
            toggle.click()
        page.wait_for_load_state("networkidle")
        return reports + page.evaluate("window.__cspViolations")
    finally:
        context.close()


@pytest.mark.browser
@pytest.mark.parametrize("name", BROWSER_PAGES)
def test_every_page_type_runs_under_its_policy_without_violation(
    browser: Browser, csp_site_url: str, name: str
) -> None:
    assert visit_and_collect_violations(browser, csp_site_url + BROWSER_PAGES[name]) == []


@pytest.mark.browser
def test_the_policy_does_block_a_script_slipped_into_a_page(
    browser: Browser, csp_site_url: str
) -> None:
    found = visit_and_collect_violations(browser, csp_site_url + "/a-propos/", tamper=True)
    assert any("script-src" in violation for violation in found), found


@pytest.mark.browser
@pytest.mark.parametrize(
    ("path", "script_ran", "style_applied"),
    [("/a-propos/", "a-propos", "a-propos"), ("/se-proteger/", "se-proteger", "")],
)
def test_the_browser_runs_the_inline_code_the_policy_lists(
    browser: Browser, inline_site_url: str, path: str, script_ran: str, style_applied: str
) -> None:
    """Chromium, not Vigie, judges the hashes: the code runs and nothing is reported."""
    context = browser.new_context()
    try:
        page = context.new_page()
        page.add_init_script(WATCH_VIOLATIONS)
        page.goto(inline_site_url + path, wait_until="load")
        assert page.evaluate("window.__cspViolations") == []
        assert page.evaluate("document.documentElement.dataset.vigieInline") == script_ran
        custom = "getComputedStyle(document.documentElement).getPropertyValue('--vigie-inline')"
        assert page.evaluate(custom).strip() == style_applied
    finally:
        context.close()


# --- security.txt -----------------------------------------------------------------------


def test_security_txt_is_published_with_the_rfc_9116_fields(site: Path) -> None:
    text = (site / ".well-known/security.txt").read_text(encoding="utf-8")
    assert text == (
        "Contact: mailto:securite@mutuelle-horizon.example\n"
        "Expires: 2027-10-31T22:59:59Z\n"
        "Preferred-Languages: fr, en\n"
        f"Canonical: {SITE_URL}.well-known/security.txt\n"
    )


def test_check_warns_30_days_before_expiry_and_still_passes(tmp_path: Path) -> None:
    repo = copy_repo(tmp_path / "repo")
    ten_days_before = str(EXPIRES - 10 * 86_400)
    result = run_vigie(repo, "check", env={"SOURCE_DATE_EPOCH": ten_days_before})
    assert result.returncode == 0, result.stderr
    assert (
        f"mkdocs.yml:{EXPIRES_LINE}: avertissement : security.txt expire le "
        "2027-10-31T23:59:59+01:00, dans 10 jour(s) (security_expires) : repoussez la date "
        "(au plus un an) après avoir vérifié le contact"
    ) in result.stderr.splitlines()


def test_check_fails_once_expired_and_nothing_is_published(tmp_path: Path) -> None:
    repo = copy_repo(tmp_path / "repo")
    result = run_vigie(repo, "build", env={"SOURCE_DATE_EPOCH": str(EXPIRES + 1)})
    assert result.returncode == 1
    assert result.stderr.splitlines()[0] == (
        f"mkdocs.yml:{EXPIRES_LINE}: security.txt a expiré le 2027-10-31T23:59:59+01:00 "
        "(security_expires) : repoussez la date (au plus un an) après avoir vérifié le contact"
    )
    assert not (repo / "site").exists()


def settings_problems(tmp_path: Path, old: str, new: str) -> list[str]:
    repo = copy_repo(tmp_path / "repo")
    config = (repo / "mkdocs.yml").read_text(encoding="utf-8")
    assert old in config
    (repo / "mkdocs.yml").write_text(config.replace(old, new, 1), encoding="utf-8")
    result = run_vigie(repo, "check", env={"SOURCE_DATE_EPOCH": BEFORE_EXPIRY})
    return [line for line in result.stderr.splitlines() if line.startswith("mkdocs.yml:")]


def test_bad_security_settings_are_reported_with_their_line(tmp_path: Path) -> None:
    found = settings_problems(
        tmp_path,
        "security_contact: mailto:securite@mutuelle-horizon.example\n"
        "      security_expires: 2027-10-31T23:59:59+01:00",
        "security_contact: securite@mutuelle-horizon.example\n      security_expires: 2027-10-31",
    )
    assert found == [
        f"mkdocs.yml:{EXPIRES_LINE - 1}: security_contact « securite@mutuelle-horizon.example » "
        ": écrivez une adresse mailto: ou https:// (exemple : mailto:securite@exemple.fr)",
        f"mkdocs.yml:{EXPIRES_LINE}: « 2027-10-31 » est une date sans heure : écrivez la date et "
        "l'heure avec le décalage horaire (exemple : 2024-02-09T12:00:00+01:00)",
    ]


def test_a_missing_expiry_is_reported(tmp_path: Path) -> None:
    found = settings_problems(tmp_path, "      security_expires: 2027-10-31T23:59:59+01:00\n", "")
    assert found == [
        f"mkdocs.yml:{VIGIE_LINE}: réglage « security_expires » manquant dans les options du greffon vigie "
        "(exemple : security_expires: 2027-10-31T23:59:59+01:00)"
    ]


# --- The link allowlist -----------------------------------------------------------------


def test_link_hosts_can_be_extended_in_mkdocs_yml(tmp_path: Path) -> None:
    repo = copy_repo(tmp_path / "repo")
    page = repo / "pages/se-proteger.md"
    page.write_text(
        page.read_text(encoding="utf-8") + "- [Signal Spam](https://www.signal-spam.fr/)\n",
        encoding="utf-8",
    )
    result = run_vigie(repo, "check", env={"SOURCE_DATE_EPOCH": BEFORE_EXPIRY})
    assert result.returncode == 1
    assert "« www.signal-spam.fr »" in result.stderr
    config = (repo / "mkdocs.yml").read_text(encoding="utf-8")
    extended = config.replace(
        "      own_domains:\n",
        "      link_hosts: [cnil.fr, cybermalveillance.gouv.fr, service-public.fr,"
        " defenseurdesdroits.fr, signal-spam.fr]\n      own_domains:\n",
    )
    (repo / "mkdocs.yml").write_text(extended, encoding="utf-8")
    result = run_vigie(repo, "check", env={"SOURCE_DATE_EPOCH": BEFORE_EXPIRY})
    assert result.returncode == 0, result.stderr


def test_a_link_host_setting_must_be_a_plain_host_name(tmp_path: Path) -> None:
    found = settings_problems(
        tmp_path,
        "        - mutuelle-horizon.example\n",
        "        - https://mutuelle-horizon.example/\n",
    )
    line = EXPIRES_LINE - 2  # the entry's own line, under own_domains:
    assert found == [
        f"mkdocs.yml:{line}: « https://mutuelle-horizon.example/ » dans own_domains n'est pas un "
        "nom de site : écrivez seulement le nom, sans https:// ni chemin (exemple : cnil.fr)"
    ]


@pytest.mark.parametrize(
    ("url", "scheme"),
    [
        ("javascript:alert(1)", "javascript"),
        ("  JAVASCRIPT:alert(1)", "javascript"),
        ("java\tscript:x", "javascript"),
        ("java\nscript:x", "javascript"),
        ("\x01javascript:x", "javascript"),
        ("j a v a s c r i p t:x", "javascript"),
        ("VbScript:x", "vbscript"),
        ("data:text/html,x", "data"),
        ("https://www.cnil.fr/", "https"),
        ("../faq/", None),
        ("page:2", "page"),
    ],
)
def test_url_scheme_as_a_browser_reads_it(url: str, scheme: str | None) -> None:
    assert links.url_scheme(url) == scheme


@pytest.mark.parametrize(
    ("url", "allowed"),
    [
        ("https://www.cnil.fr/", True),
        ("https://cnil.fr./", True),
        ("https://WWW.CNIL.FR/", True),
        ("https://statut.mutuelle-horizon.example/faq/", True),
        ("https://www.mutuelle-horizon.example:443/contact", True),
        ("https://evilcnil.fr/", False),
        ("https://cnil.fr.evil.example/", False),
        ("https://cnil.fr%2eevil.example/", False),
        ("https://127.1/", False),
        ("https://0177.0.0.1/", False),
    ],
)
def test_link_allowlist(url: str, allowed: bool) -> None:
    assert (links.link_problems(url, POLICY) == []) is allowed


@pytest.mark.parametrize(
    ("text", "url", "misleading"),
    [
        ("cnil.fr", "https://www.cnil.fr/", False),
        ("www.CNIL.fr", "https://cnil.fr/plaintes", False),
        ("https://www.cnil.fr/plaintes", "https://www.cnil.fr/autre", False),
        ("cnil.fr", "https://www.ameli.fr/", True),
        ("statut.mutuelle-horizon.example", "../faq/", False),
        ("ameli.fr", "../faq/", True),
        ("le site de la CNIL", "https://www.ameli.fr/", False),
        ("dpo@mutuelle-horizon.example", "mailto:dpo@mutuelle-horizon.example", False),
        ("dpo@mutuelle-horizon.example", "mailto:dpo@evil.example", True),
        ("cnil.fr", "mailto:dpo@cnil.fr", True),
        ("01 99 00 12 34", "tel:+33199001234", False),
    ],
)
def test_link_text_that_shows_another_address(text: str, url: str, misleading: bool) -> None:
    assert (links.link_text_problem(text, url, POLICY) is not None) is misleading


def test_what_nh3_removes_and_no_rule_explains_is_refused_all_the_same() -> None:
    duplicated = '<a href="https://www.cnil.fr/" hreflang="fr" hreflang="en">CNIL</a>'
    findings = safety.html_findings(duplicated, POLICY)
    assert [f.message for f in findings] == [
        "HTML non permis ou mal formé autour de <a> : le filtre de sécurité le retirerait ; "
        "simplifiez ce passage"
    ]


def test_the_example_content_is_clean() -> None:
    _, settings, incidents_dir = load_site(REPO / "mkdocs.yml")
    sources = load_sources(REPO, incidents_dir, settings.pages_dir)
    assert safety.source_problems(sources, settings) == []
    assert sources.pages
