"""Golden tests written to kill the mutants `make mutate` found alive (docs/mutation.md).

Fast and pure: small hand-written inputs, hand-written expected values (hashes computed
here with hashlib from the exact bytes), no site build and no `vigie` process, so that
mutmut can run them against every mutant of the core modules. The guard and the manifest
need git and files: each test makes its own small repository or folder under `tmp_path`.
"""

from __future__ import annotations

import base64
import hashlib
import json
import os
import subprocess
import threading
import urllib.error
from datetime import UTC, datetime, timedelta, timezone
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path, PurePosixPath
from typing import TYPE_CHECKING, Any

import pytest

from vigie import __version__, derive, french, urls
from vigie.model import (
    Authority,
    AuthorityType,
    Breach,
    Component,
    ComponentStatus,
    Contact,
    FaqEntry,
    Impact,
    Incident,
    Kind,
    NoticeState,
    Party,
    Settings,
    Site,
    Status,
    Update,
)
from vigie.outputs import csp
from vigie.publish import manifest
from vigie.sources import breach, guard
from vigie.sources.load import load_sources

if TYPE_CHECKING:
    from collections.abc import Iterator

WINTER = timezone(timedelta(hours=1))  # Europe/Paris in winter
SUMMER = timezone(timedelta(hours=2))
NOON = datetime(2024, 3, 4, 12, 0, tzinfo=WINTER)

WEB, API = Component("web", "Site web"), Component("api", "API")
SETTINGS = Settings(
    organisation="Mutuelle Horizon",
    site_url="https://statut.example.fr/",
    site_name="Information incidents",
    timezone="Europe/Paris",
    contact_email="contact@example.fr",
    components=(WEB, API),
    data_categories=(),
    tag_year=2021,
)


def _update(incident_id: str, slug: str, when: datetime, **fields: Any) -> Update:
    source = PurePosixPath(f"incidents/{incident_id}/updates/{slug}.md")
    status = fields.pop("status", Status.INVESTIGATING)
    return Update(incident_id, slug, source, when, status, f"Titre {slug}", "Texte.", **fields)


def _state(**fields: Any) -> NoticeState:
    values: dict[str, Any] = {
        "status": None,
        "impact": Impact.MINOR,
        "components": (),
        "data_exposed": (),
        "data_not_exposed": (),
        "what_happened": "",
        "measures": (),
        "authorities": (),
        "recommendations": (),
    }
    return NoticeState(**(values | fields))


def _incident(incident_id: str, updates: tuple[Update, ...], **fields: Any) -> Incident:
    components = fields.pop("components", ())
    return Incident(
        id=incident_id,
        source=PurePosixPath(f"incidents/{incident_id}/incident.yml"),
        title=f"Incident {incident_id}",
        summary="Résumé.",
        kind=fields.pop("kind", Kind.OUTAGE),
        started=fields.pop("started", updates[0].date),
        resolved=None,
        initial=_state(components=components),
        contact=Contact("Service client", "service@example.fr"),
        updates=updates,
        **fields,
    )


# --- derive --------------------------------------------------------------------------------


def test_an_update_dated_exactly_now_is_published_not_scheduled() -> None:
    update = _update("panne", "maintenant", NOON)
    view = derive.IncidentView(_incident("panne", (update,)), (update,), (), now=NOON)
    assert view.is_scheduled(update) is False
    later = _update("panne", "plus-tard", NOON + timedelta(seconds=1))
    assert view.is_scheduled(later) is True
    assert derive.IncidentView(view.incident, (update,), (), now=None).is_scheduled(later) is False


def test_scheduled_updates_start_one_second_after_now() -> None:
    at_now = _update("panne", "a-l-heure", NOON)
    after = _update("panne", "apres", NOON + timedelta(seconds=1))
    site = Site(SETTINGS, (_incident("panne", (at_now, after)),), ())
    assert derive.scheduled_updates(site, NOON) == (after,)


def test_a_draft_incident_listed_first_does_not_hide_the_next_ones() -> None:
    draft = _incident("brouillon", (_update("brouillon", "a", NOON),), draft=True)
    unpublished = _incident("futur", (_update("futur", "a", NOON + timedelta(days=1)),))
    shown = _incident("panne", (_update("panne", "a", NOON - timedelta(days=1)),))
    view = derive.site_view(Site(SETTINGS, (draft, unpublished, shown), ()), now=NOON)
    assert [v.incident.id for v in view.incidents] == ["panne"]


def test_a_newer_resolved_incident_does_not_hide_an_older_open_one() -> None:
    resolved = _incident(
        "recente",
        (_update("recente", "fin", NOON, status=Status.RESOLVED),),
        components=(("web", ComponentStatus.MAJOR_OUTAGE),),
    )
    scheduled = _incident(
        "travaux",
        (_update("travaux", "annonce", NOON - timedelta(hours=1), status=Status.SCHEDULED),),
        components=(("web", ComponentStatus.UNDER_MAINTENANCE),),
        kind=Kind.MAINTENANCE,
    )
    open_one = _incident(
        "ancienne",
        (_update("ancienne", "debut", NOON - timedelta(days=3)),),
        components=(("web", ComponentStatus.PARTIAL_OUTAGE),),
    )
    view = derive.site_view(Site(SETTINGS, (resolved, scheduled, open_one), ()), now=NOON)
    assert [v.incident.id for v in view.incidents] == ["recente", "travaux", "ancienne"]
    assert view.component_states == (
        (WEB, ComponentStatus.PARTIAL_OUTAGE),
        (API, ComponentStatus.OPERATIONAL),
    )
    assert view.indicator == Impact.MINOR


def test_a_site_without_services_nor_incidents_says_all_is_well() -> None:
    settings = Settings(
        "Mutuelle", "https://statut.example.fr/", "Site", "Europe/Paris", "", (), ()
    )
    view = derive.site_view(Site(settings, (), ()), now=NOON)
    assert view.indicator == Impact.NONE
    assert view.component_states == ()


# --- french --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("duration", "text"),
    [
        (timedelta(days=1), "1 jour"),
        (timedelta(days=2), "2 jours"),
        (timedelta(days=3, hours=4), "3 jours et 4 h"),
        (timedelta(days=1, minutes=59), "1 jour"),
        (timedelta(hours=3), "3 h"),
        (timedelta(hours=2, minutes=5), "2 h 05 min"),
        (timedelta(minutes=45), "45 min"),
        (timedelta(seconds=59), "0 min"),
    ],
)
def test_durations_in_words(duration: timedelta, text: str) -> None:
    assert french.duration_text(duration) == text


def test_an_unknown_value_has_no_label_and_says_which() -> None:
    with pytest.raises(KeyError) as error:
        french.label("inconnu")  # type: ignore[arg-type]
    assert error.value.args == ("inconnu",)


@pytest.mark.parametrize(
    ("channel", "label", "noun"),
    [
        ("courrier", "Courrier", "un courrier"),
        ("email", "E-mail", "un e-mail"),
        ("sms", "SMS", "un SMS"),
        ("fax", "fax", "fax"),  # a channel Vigie does not know is shown as written
    ],
)
def test_channels_in_the_register_and_in_a_sentence(channel: str, label: str, noun: str) -> None:
    assert french.channel_label(channel) == label
    assert french.channel_noun(channel) == noun


def test_the_statement_search_text() -> None:
    assert french.statement_search_text("partiellement conforme", "RGAA 4.1") == (
        "Déclaration d'accessibilité : ce site est partiellement conforme avec le RGAA 4.1. "
        "Signaler un défaut d'accessibilité, obtenir un contenu sous une autre forme, recours."
    )


# --- urls ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("site_url", "root", "path"),
    [
        ("https://example.org/BOX//", "https://example.org/BOX/", "/BOX/"),
        ("https://example.org", "https://example.org/", "/"),
        ("https://example.org#haut", "https://example.org#haut/", "/"),
    ],
)
def test_the_site_root_and_the_path_it_is_served_at(site_url: str, root: str, path: str) -> None:
    assert urls.normalised(site_url) == root
    assert urls.served_path(site_url) == path


def test_follow_lists_the_site_feeds_then_each_service_under_its_name() -> None:
    follow = urls.follow(SETTINGS)
    root = "https://statut.example.fr/"
    title = "Information incidents, toutes les mises à jour"
    assert follow.site == (
        urls.FeedLink(
            "Flux RSS",
            f"{title} (RSS)",
            "application/rss+xml",
            f"{root}feeds/rss.xml",
            "feeds/rss.xml",
            "RSS",
        ),
        urls.FeedLink(
            "Flux Atom",
            f"{title} (Atom)",
            "application/atom+xml",
            f"{root}feeds/atom.xml",
            "feeds/atom.xml",
            "Atom",
        ),
        urls.FeedLink(
            "JSON Feed",
            f"{title} (JSON Feed)",
            "application/feed+json",
            f"{root}feeds/feed.json",
            "feeds/feed.json",
            "JSON Feed",
        ),
    )
    assert [(c.name, [(link.title, link.path) for link in c.links]) for c in follow.components] == [
        (
            "Site web",
            [
                ("Site web (RSS)", "components/web/rss.xml"),
                ("Site web (Atom)", "components/web/atom.xml"),
            ],
        ),
        (
            "API",
            [("API (RSS)", "components/api/rss.xml"), ("API (Atom)", "components/api/atom.xml")],
        ),
    ]
    assert follow.api == f"{root}api/v2/summary.json"
    assert (follow.api_path, follow.calendar_path) == (
        "api/v2/summary.json",
        "feeds/maintenances.ics",
    )


def test_faq_anchors_with_and_without_an_incident() -> None:
    general = FaqEntry("delais", "Quels délais ?", "Trois jours.")
    own = FaqEntry("carte", "Ma carte ?", "Elle marche.", incident_id="2024-02-tiers-payant")
    assert urls.faq_url(general) == "faq/#delais"
    assert urls.faq_url(own) == "faq/#2024-02-tiers-payant-carte"
    assert urls.incident_faq_anchor(own) == "faq-carte"


# --- breach (GDPR art. 34) -----------------------------------------------------------------

DISCOVERED = datetime(2024, 2, 5, 18, 0, tzinfo=WINTER)
CNIL_FIRST = Authority(
    "CNIL", DISCOVERED + timedelta(hours=80, minutes=59), type=AuthorityType.CNIL
)
CNIL_LATER = Authority("CNIL", DISCOVERED + timedelta(days=10), type=AuthorityType.CNIL)
ANSSI = Authority("ANSSI", DISCOVERED + timedelta(hours=1), type=AuthorityType.ANSSI)
COMPLETE_BREACH = Breach(
    discovered=DISCOVERED,
    exposure_start=DISCOVERED - timedelta(days=6),
    concerned="Les adhérents de 2023.",
    individual_notice="Un courrier à chacun.",
    consequences=("Hameçonnage",),
    planned_measures=("Audit",),
    controller=Party("Mutuelle Horizon"),
    rights="Vous pouvez saisir la Cnil.",
)
COMPLETE = _state(
    what_happened="Une cyberattaque.",
    data_exposed=("nom",),
    data_not_exposed=("iban",),
    measures=("Portail fermé.",),
    authorities=(ANSSI, CNIL_LATER, CNIL_FIRST),
    recommendations=("Méfiez-vous des appels.",),
    breach=COMPLETE_BREACH,
)


def _without(**fields: Any) -> NoticeState:
    breach_fields = {k: v for k, v in fields.items() if hasattr(COMPLETE_BREACH, k)}
    state_fields = {k: v for k, v in fields.items() if k not in breach_fields}
    return NoticeState(
        **(
            COMPLETE.__dict__
            | state_fields
            | {"breach": Breach(**(COMPLETE_BREACH.__dict__ | breach_fields))}
        )
    )


def test_a_complete_notice_misses_nothing_and_its_cnil_notice_is_the_first() -> None:
    assert breach.missing_elements(COMPLETE) == []
    assert breach.cnil_notification(COMPLETE) is CNIL_FIRST
    assert breach.cnil_notification(_without(authorities=(ANSSI,))) is None


@pytest.mark.parametrize(
    ("fields", "missing"),
    [
        ({"what_happened": " \n"}, ("what_happened", "what_happened")),
        ({"discovered": None}, ("discovered", "breach.discovered")),
        ({"exposure_start": None}, ("exposure", "breach.exposure")),
        ({"data_exposed": ()}, ("exposed", "data.exposed")),
        ({"data_not_exposed": ()}, ("not_exposed", "data.not_exposed")),
        ({"concerned": "  "}, ("concerned", "breach.concerned")),
        ({"individual_notice": "\n"}, ("individual_notice", "breach.individual_notice")),
        ({"consequences": ()}, ("consequences", "breach.consequences")),
        ({"measures": ()}, ("measures", "measures")),
        ({"planned_measures": ()}, ("planned_measures", "breach.planned_measures")),
        ({"authorities": (ANSSI,)}, ("cnil", "authorities")),
        ({"recommendations": ()}, ("recommendations", "recommendations")),
        ({"controller": None}, ("controller", "breach.controller")),
        ({"rights": "Vous pouvez vous plaindre."}, ("rights", "breach.rights")),
    ],
)
def test_each_missing_art_34_element_is_named_with_its_field(
    fields: dict[str, Any], missing: tuple[str, str]
) -> None:
    assert breach.missing_elements(_without(**fields)) == [missing]


def test_every_element_missing_comes_in_the_order_of_the_notice() -> None:
    empty = _state(breach=Breach())
    assert breach.missing_elements(empty) == [
        ("what_happened", "what_happened"),
        ("discovered", "breach.discovered"),
        ("exposure", "breach.exposure"),
        ("exposed", "data.exposed"),
        ("not_exposed", "data.not_exposed"),
        ("concerned", "breach.concerned"),
        ("individual_notice", "breach.individual_notice"),
        ("consequences", "breach.consequences"),
        ("measures", "measures"),
        ("planned_measures", "breach.planned_measures"),
        ("cnil", "authorities"),
        ("recommendations", "recommendations"),
        ("controller", "breach.controller"),
        ("rights", "breach.rights"),
    ]


def test_a_cnil_notice_over_72_hours_is_late_with_its_delay_in_whole_hours() -> None:
    assert breach.late_cnil_notification(COMPLETE) == (CNIL_FIRST, 80)


@pytest.mark.parametrize(
    "state",
    [
        _without(
            authorities=(
                Authority("CNIL", DISCOVERED + timedelta(hours=72), type=AuthorityType.CNIL),
            )
        ),
        _without(
            authorities=(
                Authority("CNIL", DISCOVERED + timedelta(hours=1), type=AuthorityType.CNIL),
            )
        ),
        _without(
            authorities=(
                CNIL_FIRST.__class__(**(CNIL_FIRST.__dict__ | {"delay_reason": "Week-end."})),
            )
        ),
        _without(discovered=None),
        _without(authorities=(ANSSI,)),
    ],
    ids=["72-h-exactly", "1-h", "late-but-explained", "not-discovered", "no-cnil"],
)
def test_a_cnil_notice_is_not_late(state: NoticeState) -> None:
    assert breach.late_cnil_notification(state) is None


def test_a_delay_of_exactly_75_hours_is_75_hours() -> None:
    notice = Authority("CNIL", DISCOVERED + timedelta(hours=75), type=AuthorityType.CNIL)
    assert breach.late_cnil_notification(_without(authorities=(notice,))) == (notice, 75)


def test_a_blank_delay_reason_explains_nothing() -> None:
    blank = Authority("CNIL", CNIL_FIRST.date, type=AuthorityType.CNIL, delay_reason="  ")
    state = _without(authorities=(blank,))
    assert breach.late_cnil_notification(state) == (blank, 80)


# --- csp -----------------------------------------------------------------------------------


def sha(code: str) -> str:
    """The CSP source for `code`, computed here from its exact UTF-8 bytes."""
    return (
        "'sha256-" + base64.b64encode(hashlib.sha256(code.encode("utf-8")).digest()).decode() + "'"
    )


def test_a_source_hash_is_sha256_in_base64_between_quotes() -> None:
    assert csp.source_hash("") == "'sha256-47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU='"
    assert csp.source_hash("é") == sha("é")


@pytest.mark.parametrize(
    "opening",
    [
        "<script>",
        '<script type="">',
        '<script type="module">',
        "<script type='text/javascript'>",
        "<script type=application/javascript>",
        '<script type="APPLICATION/ECMASCRIPT">',
        '<script type="text&#47;javascript">',
        '<script data-src="x.js">',
        '<SCRIPT defer data-note="a > b">',
    ],
)
def test_inline_javascript_is_hashed_whatever_its_spelling(opening: str) -> None:
    code = csp.inline_code(f"<p>x</p>{opening}\n  run();\n</script >")
    assert code.scripts == {sha("\n  run();\n")}
    assert code.styles == set()


@pytest.mark.parametrize(
    "element",
    [
        '<script type="application/json">{"a": 1}</script>',
        '<script type="text/template"><b>x</b></script>',
        "<script type='text/template'><b>x</b></script>",
        '<script src="x.js">ignored()</script>',
        "<script SRC='x.js'></script>",
        "<!-- <script>old()</script> -->",
    ],
)
def test_what_a_browser_does_not_run_inline_is_not_hashed(element: str) -> None:
    assert csp.inline_code(f"<p>x</p>{element}") == csp.InlineCode(set(), set())


def test_styles_and_scripts_of_a_page_are_all_hashed() -> None:
    page = (
        "<style>p{color:red}</style><!-- ici --><style media='print'>\nh1{}\n</style>"
        "<script>one()</script><script>two()</script><script>one()</script>"
    )
    code = csp.inline_code(page)
    assert code.styles == {sha("p{color:red}"), sha("\nh1{}\n")}
    assert code.scripts == {sha("one()"), sha("two()")}


def test_inline_code_of_several_pages_adds_up() -> None:
    total = csp.InlineCode({"'a'"}, {"'s'"})
    total.update(csp.InlineCode({"'b'"}, {"'t'"}))
    assert total == csp.InlineCode({"'a'", "'b'"}, {"'s'", "'t'"})


def test_the_whole_policy_and_the_meta_policy() -> None:
    code = csp.InlineCode({"'sha256-b'", "'sha256-a'"}, {"'sha256-z'", "'sha256-y'"})
    assert csp.policy(code) == (
        "default-src 'self'; script-src 'self' 'sha256-a' 'sha256-b'; "
        "style-src 'self' 'sha256-y' 'sha256-z'; img-src 'self' data:; font-src 'self'; "
        "connect-src 'self'; object-src 'none'; base-uri 'self'; form-action 'self'; "
        "frame-ancestors 'none'"
    )
    assert csp.policy(csp.InlineCode(), for_meta=True) == (
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
        "font-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'self'; "
        "form-action 'self'"
    )


EMPTY_META = (
    '<meta http-equiv="Content-Security-Policy" content="default-src \'self\'; '
    "script-src 'self'; style-src 'self'; img-src 'self' data:; font-src 'self'; "
    "connect-src 'self'; object-src 'none'; base-uri 'self'; form-action 'self'\">"
)


@pytest.mark.parametrize(
    ("page", "expected"),
    [
        (
            '<html><head lang="fr"><META CHARSET=utf-8><title>t</title></head></html>',
            f'<html><head lang="fr"><META CHARSET=utf-8>{EMPTY_META}<title>t</title></head></html>',
        ),
        (
            "<html><HEAD><title>t</title></HEAD></html>",
            f"<html><HEAD>{EMPTY_META}<title>t</title></HEAD></html>",
        ),
        (
            '<html><head data-x="1"><title>t</title></head></html>',
            f'<html><head data-x="1">{EMPTY_META}<title>t</title></head></html>',
        ),
        ("<html><header>t</header></html>", "<html><header>t</header></html>"),
        (
            '<head><meta charset="utf-8"></head><body><meta charset="utf-8"></body>',
            f'<head><meta charset="utf-8">{EMPTY_META}</head><body><meta charset="utf-8"></body>',
        ),
    ],
    ids=["after-charset", "after-head", "head-with-attributes", "no-head", "first-charset-only"],
)
def test_the_meta_policy_goes_after_the_charset_else_after_head(page: str, expected: str) -> None:
    assert csp.with_meta(page, csp.InlineCode()) == expected


def test_the_meta_policy_is_escaped_as_an_attribute() -> None:
    page = "<head><title>t</title></head>"
    result = csp.with_meta(page, csp.InlineCode({"'a&b\"<c>'"}, set()))
    assert "script-src 'self' 'a&amp;b&quot;&lt;c&gt;'; style-src" in result


def test_the_policy_file_is_the_whole_policy_and_a_newline(tmp_path: Path) -> None:
    path = csp.write_policy(tmp_path, csp.InlineCode({"'sha256-a'"}, set()))
    assert path == tmp_path / "csp.txt"
    assert path.read_bytes() == (
        b"default-src 'self'; script-src 'self' 'sha256-a'; style-src 'self'; "
        b"img-src 'self' data:; font-src 'self'; connect-src 'self'; object-src 'none'; "
        b"base-uri 'self'; form-action 'self'; frame-ancestors 'none'\n"
    )


# --- manifest ------------------------------------------------------------------------------

GIT_ENV = {
    "GIT_AUTHOR_NAME": "Équipe",
    "GIT_AUTHOR_EMAIL": "equipe@example.fr",
    "GIT_COMMITTER_NAME": "Équipe",
    "GIT_COMMITTER_EMAIL": "equipe@example.fr",
    "GIT_AUTHOR_DATE": "2024-02-09T12:00:00+01:00",
    "GIT_COMMITTER_DATE": "2024-02-09T12:00:00+01:00",
}


def git(root: Path, *args: str) -> str:
    """Run git in `root` as staff would, with a fixed author and date."""
    return subprocess.run(
        ["git", "-C", str(root), *args],
        capture_output=True,
        text=True,
        check=True,
        env={**os.environ, **GIT_ENV},
    ).stdout.strip()


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def test_the_version_of_sources_outside_git_and_inside(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("GIT_CEILING_DIRECTORIES", str(tmp_path.parent))  # wherever tmp is
    assert manifest.site_version(tmp_path) == manifest.SiteVersion("", "", __version__)
    assert manifest.SiteVersion("", "").label == "hors git"
    git(tmp_path, "init", "-q")
    (tmp_path / "a.txt").write_text("a", encoding="utf-8")
    git(tmp_path, "add", "a.txt")
    git(tmp_path, "commit", "-q", "-m", "Premier")
    git(tmp_path, "commit", "-q", "--allow-empty", "-m", "Second", "--date=2024-03-01T08:00:00Z")
    short = git(tmp_path, "rev-parse", "--short", "HEAD")
    version = manifest.site_version(tmp_path)
    assert version == manifest.SiteVersion(short, "2024-02-09T12:00:00+01:00", __version__)
    assert version.label == short


def test_without_git_installed_the_sources_are_outside_git(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PATH", str(tmp_path / "vide"))
    assert manifest.site_version(tmp_path) == manifest.SiteVersion("", "")


def _site(folder: Path) -> Path:
    (folder / "incidents" / "panne").mkdir(parents=True)
    (folder / "index.html").write_bytes(b"<p>Accueil</p>\n")
    (folder / "incidents" / "panne" / "index.html").write_bytes("<p>Panne é</p>".encode())
    (folder / "_headers").write_bytes(b"/*\n  X-Frame-Options: DENY\n")
    (folder / "a b.txt").write_bytes(b"")
    return folder


def test_the_manifest_lists_every_file_sorted_with_size_and_sha256(tmp_path: Path) -> None:
    site = _site(tmp_path)
    (site / "version.json").write_text("ancien", encoding="utf-8")
    page = "<p>Panne é</p>".encode()
    assert manifest.file_entries(site) == [
        manifest.FileEntry("_headers", 27, sha256(b"/*\n  X-Frame-Options: DENY\n")),
        manifest.FileEntry("a b.txt", 0, sha256(b"")),
        manifest.FileEntry("incidents/panne/index.html", 15, sha256(page)),
        manifest.FileEntry("index.html", 15, sha256(b"<p>Accueil</p>\n")),
    ]


def test_the_text_of_version_json(tmp_path: Path) -> None:
    (tmp_path / "index.html").write_bytes(b"x")
    manifest.write_manifest(tmp_path, manifest.SiteVersion("abc1234", "2024-02-09T12:00:00+01:00"))
    assert (tmp_path / "version.json").read_text(encoding="utf-8") == (
        "{\n"
        '  "commit": "abc1234",\n'
        '  "commit_date": "2024-02-09T12:00:00+01:00",\n'
        '  "files": [\n'
        "    {\n"
        '      "path": "index.html",\n'
        f'      "sha256": "{sha256(b"x")}",\n'
        '      "size": 1\n'
        "    }\n"
        "  ],\n"
        f'  "vigie_version": "{__version__}"\n'
        "}\n"
    )
    assert manifest.listed_count(tmp_path) == 1
    assert manifest.listed_count(tmp_path / "ailleurs") == 0


def test_verify_a_folder_names_each_difference_in_order(tmp_path: Path) -> None:
    site = _site(tmp_path / "site")
    manifest.write_manifest(site, manifest.SiteVersion("abc1234", ""))
    assert manifest.verify(site) == []
    (site / "index.html").write_bytes(b"<p>Accueil</p>!")  # same size, another byte
    (site / "incidents" / "panne" / "index.html").write_bytes(b"court")
    (site / "_headers").unlink()
    (site / "z.html").write_bytes(b"")
    (site / "b.html").write_bytes(b"")
    assert manifest.verify(site) == [
        "manquant : _headers",
        "modifié : incidents/panne/index.html",
        "modifié : index.html",
        "en trop : b.html",
        "en trop : z.html",
    ]
    (site / "version.json").unlink()
    assert manifest.verify(site) == [
        "manquant : version.json (aucun manifeste : impossible de vérifier)"
    ]


class _Handler(SimpleHTTPRequestHandler):
    asked: list[str]  # every path requested, in order

    def log_message(self, format: str, *args: Any) -> None:
        pass

    def do_GET(self) -> None:
        self.asked.append(self.path)
        if self.path.endswith("/panne.html"):
            self.send_error(500)
            return
        super().do_GET()


@pytest.fixture
def served(tmp_path: Path) -> Iterator[tuple[Path, str]]:
    """A folder, served on 127.0.0.1 (a port bound by the server itself) under /copie-X/."""
    root = tmp_path / "www"
    site = _site(root / "copie-X")
    _Handler.asked = []
    server = ThreadingHTTPServer(("127.0.0.1", 0), partial(_Handler, directory=str(root)))
    thread = threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    try:
        yield site, f"http://127.0.0.1:{server.server_address[1]}/copie-X"
    finally:
        server.shutdown()
        server.server_close()


def test_verify_over_http_skips_the_host_configuration(served: tuple[Path, str]) -> None:
    site, url = served
    manifest.write_manifest(site, manifest.SiteVersion("abc1234", ""))
    assert manifest.verify(url) == []
    assert manifest.verify(url + "/") == []
    assert manifest.listed_count(url) == 4
    listed = ["version.json", "a%20b.txt", "incidents/panne/index.html", "index.html"]
    assert _Handler.asked == [f"/copie-X/{path}" for path in [*listed, *listed, "version.json"]]
    (site / "_headers").unlink()  # read by the host, never served: nothing to compare
    (site / "a b.txt").write_bytes(b"!")
    (site / "index.html").unlink()
    (site / "en-trop.html").write_bytes(b"")  # a server lists nothing: not seen
    assert manifest.verify(url) == ["modifié : a b.txt", "manquant : index.html"]


def test_verify_over_http_without_a_manifest_or_with_a_server_error(
    served: tuple[Path, str],
) -> None:
    site, url = served
    assert manifest.verify(url) == [
        "manquant : version.json (aucun manifeste : impossible de vérifier)"
    ]
    assert manifest.listed_count(url) == 0
    (site / "panne.html").write_bytes(b"")
    manifest.write_manifest(site, manifest.SiteVersion("abc1234", ""))
    with pytest.raises(urllib.error.HTTPError) as error:
        manifest.verify(url)
    assert error.value.code == 500


# --- guard (vigie check --since) -----------------------------------------------------------

FIRST = "incidents/panne/updates/2024-02-09T1200-debut.md"
SECOND = "incidents/panne/updates/2024-02-09T1400-suite.md"
BODY = "Ligne un.\nLigne deux.\nLigne trois."


def _update_text(
    date: str = "2024-02-09T12:00:00+01:00",
    status: str = "investigating",
    body: str = BODY,
    extra: str = "",
) -> str:
    return f"---\ndate: {date}\nstatus: {status}\ntitle: Panne\n{extra}---\n{body}\n"


def _write(root: Path, path: str, text: str) -> None:
    target = root / path
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_bytes(text.encode("utf-8"))


def _commit(root: Path, message: str = "Publication") -> str:
    git(root, "add", "-A")
    git(root, "commit", "-q", "--allow-empty", "-m", message)
    return git(root, "rev-parse", "HEAD")


def _published(tmp_path: Path, files: dict[str, str] | None = None) -> Path:
    """A repository whose one commit published the incident `panne` (two updates)."""
    root = tmp_path / "depot"
    root.mkdir()
    git(root, "init", "-q", "-b", "main")
    _write(root, "incidents/panne/incident.yml", "id: panne\n")
    for path, text in (
        files or {FIRST: _update_text(), SECOND: _update_text(body="Suite.")}
    ).items():
        _write(root, path, text)
    _commit(root)
    return root


def _check(
    root: Path, reference: str | None = "HEAD", incidents_dir: str = "incidents"
) -> list[str]:
    sources = load_sources(root, incidents_dir)
    return [str(p) for p in guard.check_published(root, sources, incidents_dir, reference)]


def _changed(what: str) -> str:
    return (
        f"{what} d'une mise à jour déjà publiée modifié sans correction : ajoutez une entrée à "
        "corrections (date, reason) pour dire publiquement ce qui a changé"
    )


DELETED = (
    "mise à jour déjà publiée supprimée : une mise à jour publiée reste en ligne ; "
    "publiez plutôt une correction ou une nouvelle mise à jour"
)
GONE = (
    "incident déjà publié supprimé ou renommé : son dossier et son identifiant ne doivent "
    "pas changer"
)


def test_unchanged_sources_and_new_updates_pass(tmp_path: Path) -> None:
    root = _published(tmp_path)
    assert _check(root) == []
    _write(root, "incidents/panne/updates/2024-02-10T0900-fin.md", _update_text(status="resolved"))
    _write(root, "incidents/autre/incident.yml", "id: autre\n")
    assert _check(root) == []


@pytest.mark.parametrize(
    ("body", "line"),
    [
        ("Ligne un.\nLigne 2.\nLigne trois.", 7),
        ("Ligne 1.\nLigne deux.\nLigne trois.", 6),
        (f"{BODY}\nLigne quatre.", 9),
        ("Ligne un.\nLigne deux.", 8),
    ],
    ids=["second-line", "first-line", "line-added", "line-removed"],
)
def test_a_changed_text_is_reported_at_its_first_changed_line(
    tmp_path: Path, body: str, line: int
) -> None:
    root = _published(tmp_path)
    _write(root, FIRST, _update_text(body=body))
    assert _check(root) == [f"{FIRST}:{line}: {_changed('texte')}"]


def test_changed_date_and_status_are_reported_at_their_lines_in_that_order(tmp_path: Path) -> None:
    root = _published(tmp_path)
    _write(
        root,
        FIRST,
        _update_text(date="2024-02-09T12:30:00+01:00", status="identified", body="Autre."),
    )
    assert _check(root) == [
        f"{FIRST}:2: {_changed('date')}",
        f"{FIRST}:3: {_changed('statut')}",
        f"{FIRST}:6: {_changed('texte')}",
    ]


def test_the_same_moment_in_another_offset_and_blank_lines_around_the_text_are_unchanged(
    tmp_path: Path,
) -> None:
    root = _published(tmp_path)
    _write(root, FIRST, _update_text(date="2024-02-09T11:00:00Z", body=f"\n{BODY}\n\n"))
    assert _check(root) == []


def test_an_unreadable_date_is_compared_as_written(tmp_path: Path) -> None:
    root = _published(tmp_path, {FIRST: _update_text(date="demain")})
    _write(root, FIRST, _update_text(date="après-demain"))
    assert _check(root) == [f"{FIRST}:2: {_changed('date')}"]


CORRECTION = "corrections:\n  - date: 2024-02-10T09:00:00+01:00\n    reason: Coquille.\n"
TWO_CORRECTIONS = CORRECTION + "  - date: 2024-02-11T09:00:00+01:00\n    reason: Autre.\n"


def test_a_new_correction_allows_the_change_and_an_old_one_does_not(tmp_path: Path) -> None:
    root = _published(tmp_path, {FIRST: _update_text(extra=CORRECTION)})
    _write(root, FIRST, _update_text(body="Corrigé.", extra=CORRECTION))
    assert _check(root) == [f"{FIRST}:9: {_changed('texte')}"]
    _write(root, FIRST, _update_text(body="Corrigé.", extra=TWO_CORRECTIONS))
    assert _check(root) == []


def test_corrections_that_are_not_a_list_count_as_none(tmp_path: Path) -> None:
    root = _published(tmp_path, {FIRST: _update_text(extra="corrections: oui\n")})
    _write(root, FIRST, _update_text(body="Corrigé.", extra=CORRECTION))
    assert _check(root) == []


def test_deleted_renamed_and_gone_updates_are_refused(tmp_path: Path) -> None:
    root = _published(tmp_path)
    (root / FIRST).unlink()
    renamed = "incidents/panne/updates/2024-02-09T1400-suite-bis.md"
    (root / SECOND).rename(root / renamed)
    assert _check(root) == [
        f"{FIRST}:1: {DELETED}",
        f"{SECOND}:1: mise à jour déjà publiée renommée en {renamed} : son adresse ne doit pas "
        "changer ; rendez-lui son nom",
    ]


def test_a_gone_incident_is_reported_once_each(tmp_path: Path) -> None:
    second_incident = "incidents/fuite/updates/2024-01-02T0800-debut.md"
    root = _published(
        tmp_path,
        {
            FIRST: _update_text(),
            SECOND: _update_text(body="Suite."),
            second_incident: _update_text(),
        },
    )
    _write(root, "incidents/fuite/incident.yml", "id: fuite\n")
    _commit(root)
    for folder in ("panne", "fuite"):
        for path in sorted((root / "incidents" / folder).rglob("*"), reverse=True):
            path.unlink() if path.is_file() else path.rmdir()
        (root / "incidents" / folder).rmdir()
    assert _check(root) == [
        f"incidents/fuite/incident.yml:1: {GONE}",
        f"incidents/panne/incident.yml:1: {GONE}",
    ]


def test_what_was_a_draft_or_not_an_update_at_the_reference_was_never_published(
    tmp_path: Path,
) -> None:
    files = {
        FIRST: _update_text(extra="draft: true\n"),
        SECOND: _update_text(extra="draft: false\n"),
        "incidents/panne/updates/notes.md": _update_text(),
        "incidents/panne/faq.yml": "[]\n",
        "incidents/panne/updates/vieux/2024-02-09T1200-debut.md": _update_text(),
        "incidents/panne/updates/2024-02-09T1000-vide.md": "pas de front matter\n",
        "incidents/panne/updates/2024-02-09T1100-liste.md": "---\n- date\n---\nTexte.\n",
    }
    root = _published(tmp_path, files)
    _write(root, FIRST, _update_text(body="Changé."))
    for path in list(files)[1:]:
        (root / path).unlink()
    assert _check(root) == [f"{SECOND}:1: {DELETED}"]


def test_a_crlf_update_committed_and_unchanged_passes(tmp_path: Path) -> None:
    crlf = _update_text().replace("\n", "\r\n")
    root = _published(tmp_path, {FIRST: crlf, SECOND: _update_text(body="Suite.")})
    assert _check(root) == []
    _write(root, FIRST, crlf.replace("deux", "2"))
    assert _check(root) == [f"{FIRST}:7: {_changed('texte')}"]


def test_incidents_in_another_folder(tmp_path: Path) -> None:
    root = tmp_path / "depot"
    root.mkdir()
    git(root, "init", "-q", "-b", "main")
    _write(root, "evenements/panne/incident.yml", "id: panne\n")
    _write(root, "evenements/panne/updates/2024-02-09T1200-debut.md", _update_text())
    _write(root, "incidents/panne/updates/2024-02-09T1200-debut.md", _update_text())
    _commit(root)
    _write(root, "evenements/panne/updates/2024-02-09T1200-debut.md", _update_text(body="Autre."))
    assert _check(root, incidents_dir="evenements") == [
        f"evenements/panne/updates/2024-02-09T1200-debut.md:6: {_changed('texte')}"
    ]


def test_the_default_reference_is_the_commit_before(tmp_path: Path) -> None:
    root = _published(tmp_path)
    assert _check(root, None) == []  # the first commit: nothing was published before it
    _write(root, FIRST, _update_text(body="Changé."))
    _commit(root, "Changement")
    assert _check(root, None) == [f"{FIRST}:6: {_changed('texte')}"]
    assert _check(root, "HEAD") == []


def test_the_default_reference_is_the_upstream_merge_base(tmp_path: Path) -> None:
    root = _published(tmp_path)
    first = git(root, "rev-parse", "HEAD")
    assert guard.default_reference(root) == "HEAD~1"
    second = _commit(root, "Deux")
    third = _commit(root, "Trois")
    git(root, "update-ref", "refs/remotes/origin/main", third)
    assert guard.default_reference(root) == "HEAD~1"  # upstream is HEAD: the commit before
    git(root, "update-ref", "refs/remotes/origin/main", second)
    assert guard.default_reference(root) == second
    git(root, "branch", "-q", "amont", first)
    git(root, "branch", "-q", "--set-upstream-to=amont")
    assert guard.default_reference(root) == first  # the branch's own upstream comes first


def test_a_reference_git_cannot_find_is_an_error_that_says_why(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("GIT_CEILING_DIRECTORIES", str(tmp_path))  # wherever tmp is
    root = _published(tmp_path)
    with pytest.raises(guard.HistoryError) as error:
        _check(root, "v9")
    assert str(error.value) == "révision git inconnue « v9 » : impossible de comparer"
    _commit(root, "Deux")
    with pytest.raises(guard.HistoryError) as error:
        _check(root, "HEAD~5")
    assert str(error.value) == "révision git inconnue « HEAD~5 » : impossible de comparer"
    plain = tmp_path / "pas-git"
    plain.mkdir()
    with pytest.raises(guard.HistoryError) as error:
        _check(plain)
    assert str(error.value) == (
        f"{plain} n'est pas un dépôt git : impossible de comparer avec une révision"
    )


def test_a_shallow_clone_says_which_history_it_needs(tmp_path: Path) -> None:
    root = _published(tmp_path)
    _commit(root, "Deux")
    clone = tmp_path / "clone"
    git(tmp_path, "clone", "-q", "--depth", "1", f"file://{root}", str(clone))
    with pytest.raises(guard.HistoryError) as error:
        _check(clone, None)
    assert str(error.value) == (
        "historique git insuffisant : la révision « HEAD~1 » est absente de ce clone "
        "superficiel ; récupérez l'historique (git fetch --unshallow, ou fetch-depth: 0 dans "
        "GitHub Actions, GIT_DEPTH: 0 dans GitLab CI) pour vérifier les mises à jour publiées"
    )


def test_a_front_matter_that_is_not_a_mapping_does_not_stop_the_guard(tmp_path: Path) -> None:
    root = _published(tmp_path)
    _write(root, "incidents/panne/updates/2024-02-10T0900-liste.md", "---\n- date\n---\nTexte.\n")
    assert _check(root) == []


def test_a_changed_date_is_reported_at_its_own_line(tmp_path: Path) -> None:
    text = "---\nstatus: investigating\ntitle: Panne\ndate: {date}\n---\nTexte.\n"
    root = _published(tmp_path, {FIRST: text.format(date="2024-02-09T12:00:00+01:00")})
    _write(root, FIRST, text.format(date="2024-02-09T13:00:00+01:00"))
    assert _check(root) == [f"{FIRST}:4: {_changed('date')}"]


def test_an_update_committed_in_latin_1_then_fixed_is_a_changed_text(tmp_path: Path) -> None:
    root = _published(tmp_path)
    (root / FIRST).write_bytes(_update_text(body="Caf\xe9.").encode("latin-1"))
    _commit(root, "Latin-1")
    _write(root, FIRST, _update_text(body="Café."))
    assert _check(root) == [f"{FIRST}:6: {_changed('texte')}"]


def test_the_guard_compares_with_origin_head_when_there_is_no_main(tmp_path: Path) -> None:
    root = _published(tmp_path)
    second = _commit(root, "Deux")
    _commit(root, "Trois")
    git(root, "update-ref", "refs/remotes/origin/HEAD", second)
    assert guard.default_reference(root) == second


def test_check_without_a_reference_compares_with_the_upstream(tmp_path: Path) -> None:
    root = _published(tmp_path)
    git(root, "update-ref", "refs/remotes/origin/main", git(root, "rev-parse", "HEAD"))
    _write(root, FIRST, _update_text(body="Changé."))
    _commit(root, "Changement")
    _commit(root, "Autre chose")  # HEAD~1 holds the change already
    assert _check(root, None) == [f"{FIRST}:6: {_changed('texte')}"]
    assert _check(root, "HEAD~1") == []


# --- guard: what is public (plain vigie check and vigie build) ------------------------------

LATER = datetime(2024, 3, 1, 12, 0, tzinfo=UTC)  # "now" for check_public


def _public_changed(what: str, where: str) -> str:
    return (
        f"{what} d'une mise à jour publiée modifié sans correction (version publique : {where}) : "
        "ajoutez une entrée à corrections (date, reason) qui dit publiquement ce qui a changé"
    )


def _public_deleted(where: str) -> str:
    return (
        f"mise à jour publiée supprimée (version publique : {where}) : une mise à jour publiée "
        "reste en ligne ; remettez le fichier, puis corrigez-le avec une entrée à corrections "
        "(date, reason) ou publiez une nouvelle mise à jour"
    )


def _public_gone(where: str) -> str:
    return (
        f"incident publié supprimé, renommé ou vidé (version publique : {where}) : son dossier, "
        "son identifiant et son incident.yml restent ; pour le retirer, publiez une dernière "
        "mise à jour qui dit pourquoi (README « Versions, corrections et vérification »)"
    )


def _record_entry(slug: str, body: str = BODY, **fields: Any) -> dict[str, Any]:
    entry = {
        "id": slug,
        "date": "2024-02-09T12:00:00+01:00",
        "status": "investigating",
        "corrections": 0,
        "text_sha256": hashlib.sha256(body.encode("utf-8")).hexdigest(),
    }
    return entry | fields


def _record(site: Path, document: Any) -> Path:
    site.mkdir(parents=True, exist_ok=True)
    (site / "published.json").write_text(
        document if isinstance(document, str) else json.dumps(document), encoding="utf-8"
    )
    return site


RECORD = {
    "schema_version": 1,
    "incidents": [
        {
            "id": "panne",
            "updates": [
                _record_entry("2024-02-09T1200-debut"),
                _record_entry("2024-02-09T1400-suite", "Suite."),
            ],
        }
    ],
}


def _public(root: Path, site: Path, now: datetime = LATER) -> list[str]:
    return [str(p) for p in guard.check_public(root, load_sources(root), "incidents", site, now)]


def test_with_no_public_version_anything_may_change(tmp_path: Path) -> None:
    root = _published(tmp_path)
    _write(root, FIRST, _update_text(body="Changé."))
    (root / SECOND).unlink()
    assert _public(root, root / "site") == []


def test_the_last_build_record_holds_each_published_update(tmp_path: Path) -> None:
    root = _published(tmp_path)
    site = _record(root / "site", RECORD)
    assert _public(root, site) == []
    _write(
        root,
        FIRST,
        _update_text(date="2024-02-09T12:05:00+01:00", status="identified", body="Autre."),
    )
    where = "site/published.json"
    assert _public(root, site) == [
        f"{FIRST}:2: {_public_changed('date', where)}",
        f"{FIRST}:3: {_public_changed('statut', where)}",
        f"{FIRST}:6: {_public_changed('texte', where)}",  # the record knows no line: the first
    ]
    renamed = "incidents/panne/updates/2024-02-09T1400-suite-bis.md"
    (root / SECOND).rename(root / renamed)
    _write(root, FIRST, _update_text())
    assert _public(root, site) == [
        f"{SECOND}:1: mise à jour publiée renommée en {renamed} (version publique : {where}) : "
        "son adresse ne doit pas changer ; rendez-lui son nom"
    ]
    (root / renamed).unlink()
    assert _public(root, site) == [f"{SECOND}:1: {_public_deleted(where)}"]


def test_a_record_outside_the_sources_is_named_by_its_full_path(tmp_path: Path) -> None:
    root = _published(tmp_path)
    site = _record(tmp_path / "ailleurs", RECORD)
    (root / SECOND).unlink()
    assert _public(root, site) == [f"{SECOND}:1: {_public_deleted(f'{site}/published.json')}"]


@pytest.mark.parametrize(
    "document",
    [
        "{ pas du JSON",
        [],
        RECORD | {"schema_version": 2},
        {"incidents": RECORD["incidents"]},
        RECORD | {"incidents": {"panne": []}},
        RECORD | {"incidents": ["panne"]},
        RECORD | {"incidents": [{"id": 7, "updates": []}]},
        RECORD | {"incidents": [{"updates": []}]},
        RECORD | {"incidents": [{"id": "panne", "updates": {}}]},
        RECORD | {"incidents": [{"id": "panne"}]},
        RECORD | {"incidents": [{"id": "panne", "updates": ["2024-02-09T1200-debut"]}]},
    ],
    ids=[
        "not-json",
        "not-a-mapping",
        "another-schema",
        "no-schema",
        "incidents-not-a-list",
        "incident-not-a-mapping",
        "id-not-text",
        "no-id",
        "updates-not-a-list",
        "no-updates",
        "update-not-a-mapping",
    ],
)
def test_a_record_vigie_did_not_write_is_no_public_version(tmp_path: Path, document: Any) -> None:
    root = _published(tmp_path)
    site = _record(root / "site", document)
    (root / SECOND).unlink()
    assert guard.read_record(site, "incidents") is None
    assert _public(root, site) == []


def test_a_record_entry_vigie_did_not_write_is_left_out(tmp_path: Path) -> None:
    good = _record_entry("2024-02-09T1200-debut", corrections="2")
    bad = [
        {k: v for k, v in _record_entry("a").items() if k != "status"},
        _record_entry("b", date="demain"),
        _record_entry("c", corrections="deux"),
        _record_entry("d", date=None),
        {k: v for k, v in _record_entry("e").items() if k != "text_sha256"},
    ]
    document = {"schema_version": 1, "incidents": [{"id": "panne", "updates": [*bad, good]}]}
    published, incidents = guard.read_record(_record(tmp_path, document), "evenements")
    path = "evenements/panne/updates/2024-02-09T1200-debut.md"
    assert published == {
        path: guard.PublishedUpdate(
            path,
            datetime(2024, 2, 9, 12, 0, tzinfo=WINTER),
            "investigating",
            None,
            2,
            hashlib.sha256(BODY.encode("utf-8")).hexdigest(),
        )
    }
    assert incidents == frozenset({"panne"})


def test_an_incident_removed_or_emptied_is_refused_once(tmp_path: Path) -> None:
    root = _published(tmp_path)
    site = _record(root / "site", RECORD)
    _write(root, "incidents/panne/incident.yml", "")
    assert _public(root, site) == [
        f"incidents/panne/incident.yml:1: {_public_gone('site/published.json')}"
    ]


def test_a_published_update_turned_back_into_a_draft_is_refused_at_its_draft_line(
    tmp_path: Path,
) -> None:
    root = _published(tmp_path)
    site = _record(root / "site", RECORD)
    _write(root, FIRST, _update_text(body="Changé.", extra="draft: true\n"))
    assert _public(root, site) == [
        f"{FIRST}:5: mise à jour publiée redevenue brouillon (version publique : "
        "site/published.json) : elle quitterait le site en silence ; retirez « draft: true » "
        "(pour changer son texte : une entrée à corrections)"
    ]
    assert _check(root) == [
        f"{FIRST}:5: mise à jour déjà publiée redevenue brouillon : elle quitterait le site en "
        "silence ; retirez « draft: true » (pour changer son texte : une entrée à corrections)"
    ]


def _with_upstream(tmp_path: Path, files: dict[str, str] | None = None) -> tuple[Path, str]:
    """A repository whose branch tracks `amont`, where the incident was first published."""
    root = _published(tmp_path, files)
    first = git(root, "rev-parse", "HEAD")
    git(root, "branch", "-q", "amont", first)
    git(root, "branch", "-q", "--set-upstream-to=amont")
    return root, first


def test_the_upstream_branch_knows_the_changed_line(tmp_path: Path) -> None:
    root, first = _with_upstream(tmp_path)
    _write(root, FIRST, _update_text(body="Ligne un.\nLigne 2.\nLigne trois."))
    _commit(root, "Jamais poussé")  # committed, never pushed: still public upstream
    where = f"branche amont amont, commit {first[:12]}"
    assert _public(root, root / "site") == [f"{FIRST}:7: {_public_changed('texte', where)}"]


def test_what_only_the_record_saw_is_told_by_the_record_and_each_change_once(
    tmp_path: Path,
) -> None:
    root, first = _with_upstream(tmp_path)
    third = "incidents/panne/updates/2024-02-10T0900-fin.md"
    site = _record(
        root / "site",
        {
            "schema_version": 1,
            "incidents": [
                {
                    "id": "panne",
                    "updates": [
                        *RECORD["incidents"][0]["updates"],
                        _record_entry("2024-02-10T0900-fin", "Fin."),
                    ],
                }
            ],
        },
    )
    _write(root, FIRST, _update_text(body="Changé."))
    assert _public(root, site) == [
        f"{FIRST}:6: {_public_changed('texte', f'branche amont amont, commit {first[:12]}')}",
        f"{third}:1: {_public_deleted('site/published.json')}",
    ]


def test_an_upstream_without_a_common_commit_is_compared_by_its_tip(tmp_path: Path) -> None:
    root = _published(tmp_path)
    tip = git(root, "commit-tree", "HEAD^{tree}", "-m", "Autre histoire")
    git(root, "branch", "-q", "autre", tip)
    git(root, "branch", "-q", "--set-upstream-to=autre")
    (root / SECOND).unlink()
    assert _public(root, root / "site") == [
        f"{SECOND}:1: {_public_deleted(f'branche amont autre, commit {tip[:12]}')}"
    ]


def test_an_upstream_branch_gone_is_no_public_version(tmp_path: Path) -> None:
    root, _ = _with_upstream(tmp_path)
    git(root, "branch", "-q", "-D", "amont")
    (root / SECOND).unlink()
    assert _public(root, root / "site") == []


def test_an_update_scheduled_after_now_upstream_is_not_public_yet(tmp_path: Path) -> None:
    later = _update_text(date="2024-02-09T14:00:00+01:00", body="Suite.")
    root, first = _with_upstream(tmp_path, {FIRST: _update_text(), SECOND: later})
    (root / SECOND).unlink()
    moment = datetime(2024, 2, 9, 13, 0, tzinfo=UTC)  # SECOND's date
    assert _public(root, root / "site", moment - timedelta(seconds=1)) == []
    where = f"branche amont amont, commit {first[:12]}"
    assert _public(root, root / "site", moment) == [f"{SECOND}:1: {_public_deleted(where)}"]


def test_the_merge_base_is_public_not_the_upstream_tip(tmp_path: Path) -> None:
    root, first = _with_upstream(tmp_path)
    elsewhere = git(root, "commit-tree", f"{first}^{{tree}}", "-p", first, "-m", "Ailleurs")
    git(root, "branch", "-q", "-f", "amont", elsewhere)  # upstream moved on, HEAD too
    _write(root, FIRST, _update_text(body="Changé."))
    _commit(root, "Jamais poussé")
    where = f"branche amont amont, commit {first[:12]}"
    assert _public(root, root / "site") == [f"{FIRST}:6: {_public_changed('texte', where)}"]


def test_a_gone_incident_does_not_hide_the_next_ones_nor_a_draft_the_next_updates(
    tmp_path: Path,
) -> None:
    root = _published(tmp_path)
    gone = {"id": "fuite", "updates": [_record_entry("2024-01-02T0800-debut")]}
    site = _record(root / "site", RECORD | {"incidents": [gone, *RECORD["incidents"]]})
    _write(root, FIRST, _update_text(extra="draft: true\n"))
    (root / SECOND).unlink()
    where = "site/published.json"
    assert _public(root, site) == [
        f"incidents/fuite/incident.yml:1: {_public_gone(where)}",
        f"{FIRST}:5: mise à jour publiée redevenue brouillon (version publique : {where}) : elle "
        "quitterait le site en silence ; retirez « draft: true » (pour changer son texte : une "
        "entrée à corrections)",
        f"{SECOND}:1: {_public_deleted(where)}",
    ]


def test_without_git_the_sources_are_outside_a_repository(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = _published(tmp_path)
    site = _record(root / "site", RECORD)
    (root / SECOND).unlink()
    monkeypatch.setenv("PATH", str(tmp_path / "vide"))
    assert _public(root, site) == [f"{SECOND}:1: {_public_deleted('site/published.json')}"]
    with pytest.raises(guard.HistoryError) as error:
        _check(root)
    assert str(error.value) == (
        f"{root} n'est pas un dépôt git : impossible de comparer avec une révision"
    )


def test_a_scheduled_update_upstream_hides_none_of_the_published_ones(tmp_path: Path) -> None:
    planned = "incidents/annonce/updates/2024-03-05T0900-travaux.md"
    files = {planned: _update_text(date="2024-03-05T09:00:00+01:00"), FIRST: _update_text()}
    root, first = _with_upstream(tmp_path, files)
    (root / FIRST).unlink()
    (root / planned).unlink()  # never public: it may go
    where = f"branche amont amont, commit {first[:12]}"
    assert _public(root, root / "site") == [f"{FIRST}:1: {_public_deleted(where)}"]


@pytest.mark.parametrize(
    ("impact", "status", "text"),
    [
        (Impact.MAJOR, Status.IDENTIFIED, "Un incident majeur est identifié"),
        (Impact.CRITICAL, Status.MONITORING, "Un incident critique est sous surveillance"),
        (Impact.MINOR, Status.INVESTIGATING, "Un incident mineur est en cours"),
        (Impact.MINOR, None, "Un incident mineur est en cours"),
        (Impact.MAJOR, Status.RESOLVED, "Un incident majeur est en cours"),
        (Impact.NONE, Status.INVESTIGATING, "Tous les services fonctionnent normalement"),
    ],
)
def test_the_home_headline(impact: Impact, status: Status | None, text: str) -> None:
    assert french.headline(impact, status) == text


# --- known bugs, found by make mutate ------------------------------------------------------


def test_a_comment_inside_a_script_is_part_of_the_text_browsers_hash() -> None:
    # A browser hashes the text as written, comment included (checked in Chromium).
    code = csp.inline_code("<script>a();<!-- x -->b();</script><style>p{}<!-- y --></style>")
    assert code.scripts == {sha("a();<!-- x -->b();")}
    assert code.styles == {sha("p{}<!-- y -->")}


def test_a_script_inside_a_comment_is_no_script() -> None:
    code = csp.inline_code("<!-- <script>old();</script> --><p>x</p><script>new();</script>")
    assert code.scripts == {sha("new();")}
    assert code.styles == set()
