"""The MkDocs glue: the only module that imports MkDocs. Each hook hands off to the stages."""

from __future__ import annotations

import functools
import logging
import os
from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple

from mkdocs.config import base, load_config
from mkdocs.config import config_options as c
from mkdocs.exceptions import Abort, MkDocsException, PluginError
from mkdocs.plugins import BasePlugin, event_priority
from mkdocs.structure.files import File, InclusionLevel

from vigie import french, messages, urls
from vigie.derive import publication_time, site_view
from vigie.markup import MarkdownRenderer
from vigie.messages import Problem, SourceError
from vigie.model import (
    DEFAULT_DATA_CATEGORIES,
    DEFAULT_LINK_HOSTS,
    DEFAULT_NEVER_ASK,
    Component,
    DataCategory,
    Settings,
    Site,
)
from vigie.outputs import api, badges, csp, feeds, ical, securitytxt
from vigie.outputs import notice_json as notice
from vigie.pages import html, statement
from vigie.pages.site import pages, site_updated
from vigie.publish import hosting, manifest
from vigie.sources import safety
from vigie.sources.load import load_sources
from vigie.sources.validate import validate

if TYPE_CHECKING:
    from collections.abc import Callable

    from jinja2 import Environment
    from mkdocs.config.defaults import MkDocsConfig
    from mkdocs.livereload import LiveReloadServer
    from mkdocs.structure.files import Files
    from mkdocs.structure.nav import Navigation
    from mkdocs.structure.pages import Page

    from vigie.derive import SiteView

log = logging.getLogger("mkdocs.plugins.vigie")

# Set by `vigie serve --drafts`: drafts and scheduled updates shown, marked; never published.
PREVIEW_VARIABLE = "VIGIE_PREVIEW"


class _ComponentOptions(base.Config):
    id = c.Type(str)
    name = c.Type(str)
    description = c.Type(str, default="")


class _DataCategoryOptions(base.Config):
    id = c.Type(str)
    label = c.Type(str)
    sensitive = c.Type(bool, default=False)


class _AccessibilityOptions(base.Config):
    status = c.Type(str, default="non conforme")
    standard = c.Type(str, default="RGAA 4.1")
    compliance_rate = c.Optional(c.Type((int, float)))
    audit_date = c.Optional(c.Type(date))
    audited_by = c.Type(str, default="")
    statement_date = c.Optional(c.Type(date))
    non_compliant = c.ListOfItems(c.Type(str), default=[])
    exemptions = c.ListOfItems(c.Type(str), default=[])
    contact_email = c.Type(str, default="")
    contact_phone = c.Type(str, default="")
    contact_url = c.Type(str, default="")
    postal_address = c.Type(str, default="")


class VigieOptions(base.Config):
    organisation = c.Type(str)
    contact_email = c.Type(str)
    timezone = c.Type(str, default="Europe/Paris")
    incidents_dir = c.Type(str, default="incidents")
    feed_entries = c.Type(int, default=50)
    tag_year = c.Type(int, default=2024)
    components = c.ListOfItems(c.SubConfig(_ComponentOptions))
    data_categories = c.ListOfItems(c.SubConfig(_DataCategoryOptions), default=[])
    never_ask = c.ListOfItems(c.Type(str), default=list(DEFAULT_NEVER_ASK))
    own_domains = c.ListOfItems(c.Type(str), default=[])
    link_hosts = c.ListOfItems(c.Type(str), default=list(DEFAULT_LINK_HOSTS))
    security_contact = c.Type(str, default="")
    # YAML reads an unquoted date as a date or datetime: securitytxt judges its form.
    security_expires = c.Type((str, date), default="")
    # The accessibility statement, /accessibilite/ (pages/statement.py; README, « Lecteurs »).
    accessibility = c.SubConfig(_AccessibilityOptions)


def statement_settings(options: _AccessibilityOptions) -> statement.StatementSettings:
    """The accessibility statement's settings from the plugin's `accessibility` options."""
    return statement.StatementSettings(
        status=options.status,
        standard=options.standard,
        compliance_rate=options.compliance_rate,
        audit_date=options.audit_date,
        audited_by=options.audited_by,
        statement_date=options.statement_date,
        non_compliant=tuple(options.non_compliant),
        exemptions=tuple(options.exemptions),
        contact_email=options.contact_email,
        contact_phone=options.contact_phone,
        contact_url=options.contact_url,
        postal_address=options.postal_address,
    )


def settings_from(options: VigieOptions, config: MkDocsConfig) -> Settings:
    """The model's settings from the plugin's options and the site's own."""
    config_file = Path(config.config_file_path)
    categories = (
        tuple(DataCategory(d.id, d.label, d.sensitive) for d in options.data_categories)
        or DEFAULT_DATA_CATEGORIES
    )
    return Settings(
        organisation=options.organisation,
        site_url=config.site_url or "",
        site_name=config.site_name,
        timezone=options.timezone,
        contact_email=options.contact_email,
        components=tuple(Component(x.id, x.name, x.description) for x in options.components),
        data_categories=categories,
        feed_entries=options.feed_entries,
        never_ask=tuple(options.never_ask),
        tag_year=options.tag_year,
        own_domains=tuple(options.own_domains),
        link_hosts=tuple(options.link_hosts),
        security_contact=options.security_contact,
        security_expires=str(options.security_expires).replace(" ", "T", 1),
        pages_dir=Path(os.path.relpath(config.docs_dir, config_file.parent)).as_posix(),
        config_path=config_file.name,
        option_lines=safety.option_lines(
            config_file.read_text(encoding="utf-8"),
            ["vigie", *(name for name, _ in VigieOptions._schema)],
        ),
    )


def load_site(config_file: Path) -> tuple[Path, Settings, str]:
    """Repository root, settings and incidents folder named by `mkdocs.yml`."""
    config = load_config(str(config_file))
    plugin = config.plugins["vigie"]
    assert isinstance(plugin, VigiePlugin)
    return config_file.parent, settings_from(plugin.config, config), plugin.config.incidents_dir


class MadeWhenWritten(File):
    """A generated file whose bytes are made when MkDocs writes it, then let go.

    `File.generated` keeps its content for the whole build: three feeds per incident
    held at once are 100 MB at 1,000 incidents.
    """

    def __init__(self, config: MkDocsConfig, uri: str, make: Callable[[], bytes]) -> None:
        super().__init__(
            uri,
            src_dir=None,
            dest_dir=config.site_dir,
            use_directory_urls=config.use_directory_urls,
        )
        self.generated_by = "vigie"
        self._make = make

    @property  # type: ignore[override]
    def _content(self) -> bytes:  # what File.copy_file and File.content_bytes read
        return self._make()

    def copy_file(self, dirty: bool = False) -> None:
        super().copy_file(dirty)
        # Written: from now on the bytes are those on disk, and what made them can go.
        self._make = Path(self.abs_dest_path).read_bytes

    def is_modified(self) -> bool:
        return True


class Checked(NamedTuple):
    """What `vigie check` made of the sources: the build takes it instead of starting over."""

    site: Site
    markdown: MarkdownRenderer  # the HTML rendered to vet the sources, kept


def build_site(config_file: Path, site_dir: Path, checked: Checked | None = None) -> bool:
    """Build with MkDocs in strict mode into `site_dir`; False when MkDocs refused."""
    from mkdocs.commands.build import build

    try:
        config = load_config(str(config_file), site_dir=str(site_dir), strict=True)
        config.plugins["vigie"].checked = checked
        build(config)
    except (Abort, MkDocsException) as error:
        log.error(str(error))
        return False
    return True


def serve_site(config_file: Path, dev_addr: str) -> None:
    """`mkdocs serve` with live reload, the incidents folder watched too."""
    from mkdocs.commands.serve import serve

    serve(str(config_file), dev_addr=dev_addr, livereload=True)


class VigiePlugin(BasePlugin[VigieOptions]):
    checked: Checked | None = None  # set by build_site when `vigie build` has just checked

    def on_config(self, config: MkDocsConfig) -> MkDocsConfig:
        settings = settings_from(self.config, config)
        root = Path(config.config_file_path).parent
        checked, self.checked = self.checked, None
        if checked is not None and checked.site.settings == settings:
            site, self.markdown = checked
        else:
            self.markdown = MarkdownRenderer()
            site = self._checked_site(root, settings)
        # Everything is rebuilt on each build: `mkdocs serve` keeps this object alive.
        self.preview = os.environ.get(PREVIEW_VARIABLE) == "1"
        self.view: SiteView = site_view(site, publication_time(os.environ), self.preview)
        self.inline_code = csp.InlineCode()  # of every page so far: the site's policy
        self.version = manifest.site_version(root)
        accessibility = statement_settings(self.config.accessibility)
        if problems := statement.statement_problems(accessibility):
            for problem in problems:
                log.error(f"{settings.config_path}: {problem}")
            raise PluginError(messages.CHECK_FAILED.format(count=len(problems)))
        self.pages = {
            page.uri: page
            for page in (*pages(self.view), statement.statement_page(accessibility, settings))
        }
        # Material's favicon, addressed by its content: kept in cache like the theme's files.
        theme = config.theme
        theme["favicon"] = html.stamped_favicon(theme.dirs, theme["favicon"])
        if problem := feeds.site_url_problem(settings):
            raise PluginError(problem)
        # Feeds, API and badges: files that are not pages, by their path in the site.
        self.outputs = {
            **api.files(self.view, self.markdown.html),
            **badges.files(self.view),
            **notice.files(self.view),
            **ical.files(self.view),
        }
        return config

    def _checked_site(self, root: Path, settings: Settings) -> Site:
        warnings: list[Problem] = []
        try:
            sources = load_sources(root, self.config.incidents_dir, settings.pages_dir)
            site = validate(sources, settings, warnings, self.markdown)
        except SourceError as error:
            for problem in error.problems:
                log.error(str(problem))
            raise PluginError(messages.CHECK_FAILED.format(count=len(error.problems))) from None
        for warning in warnings:  # shown, not counted: strict mode must not refuse them
            log.info(str(warning))
        return site

    def on_files(self, files: Files, *, config: MkDocsConfig) -> Files:
        for page in self.pages.values():
            generated = File.generated(
                config,
                page.uri,
                content=page.markdown,
                inclusion=InclusionLevel.INCLUDED if page.in_nav else InclusionLevel.NOT_IN_NAV,
            )
            files.append(generated)
        for uri, content in self.outputs.items():
            files.append(File.generated(config, uri, content=content))
        # Not kept by the plugin: once written, what made the feeds (every entry) can go.
        for uri, make in feeds.files(self.view, self.markdown.html).items():
            files.append(MadeWhenWritten(config, uri, make))
        # A dot folder is excluded by default: include it explicitly.
        security_txt = securitytxt.text(self.view.site.settings)
        files.append(
            File.generated(
                config, urls.SECURITY_TXT, content=security_txt, inclusion=InclusionLevel.INCLUDED
            )
        )
        return files

    def on_env(self, env: Environment, *, config: MkDocsConfig, files: Files) -> Environment:
        settings = self.view.site.settings
        env.filters["markdown"] = self.markdown.html
        env.globals["vigie_site"] = settings
        # Vigie's own stylesheet and script, addressed by their content: cached like Material's.
        custom_dir = Path(config.theme.custom_dir or config.docs_dir)
        env.globals["vigie_asset"] = functools.cache(
            functools.partial(html.fingerprint, custom_dir)
        )
        env.globals["vigie_preview"] = self.preview
        env.globals["vigie_version"] = self.version
        env.globals["vigie_version_date"] = (
            french.date_text(french.local(_parse_iso(self.version.commit_date), settings.timezone))
            if self.version.commit_date
            else ""
        )
        env.globals["vigie_follow"] = urls.follow(settings)
        # A template rendered without a page (404.html): no feeds of its own, a skip link.
        env.globals["vigie_page_feeds"] = ()
        env.globals["vigie_skip_link"] = True
        env.globals["vigie_anchors"] = urls.ANCHORS
        env.globals["vigie_updated"] = (
            french.datetime_text(self.view.updated_at, settings.timezone)
            if self.view.updated_at
            else ""
        )
        return env

    def on_pre_page(self, page: Page, *, config: MkDocsConfig, files: Files) -> Page:
        # The sitemap's <lastmod> (and the gzip stamp of sitemap.xml.gz) would otherwise be
        # the build date: use the date of what the page says instead, for identical bytes.
        generated = self.pages.get(page.file.src_uri)
        page.update_date = generated.updated if generated else site_updated(self.view)
        return page

    def on_page_content(
        self, html: str, *, page: Page, config: MkDocsConfig, files: Files
    ) -> str | None:
        generated = self.pages.get(page.file.src_uri)
        return generated.search_html if generated else html

    def on_page_context(
        self, context: dict[str, Any], *, page: Page, config: MkDocsConfig, nav: Navigation
    ) -> dict[str, Any]:
        generated = self.pages.get(page.file.src_uri)
        context["vigie"] = generated.context if generated else None
        context["vigie_page_feeds"] = generated.feeds if generated else ()
        # Material links "Aller au contenu" only on a page with a table of contents.
        context["vigie_skip_link"] = not page.toc
        return context

    def on_startup(self, *, command: str, dirty: bool) -> None:
        # `mkdocs serve` injects an inline live-reload script that a page's CSP would block.
        self.serving = command == "serve"

    @event_priority(-90)  # after other plugins: the hashes are those of the final bytes
    def on_post_page(self, output: str, *, page: Page, config: MkDocsConfig) -> str:
        return self._with_csp(html.collapse_whitespace(output))

    @event_priority(-90)
    def on_post_template(
        self, output_content: str, *, template_name: str, config: MkDocsConfig
    ) -> str:
        if not template_name.endswith(".html"):
            return output_content
        return self._with_csp(html.collapse_whitespace(output_content))

    def _with_csp(self, page_html: str) -> str:
        code = csp.inline_code(page_html)
        self.inline_code.update(code)
        return page_html if getattr(self, "serving", False) else csp.with_meta(page_html, code)

    @event_priority(-100)  # last: the manifest lists every file the other plugins wrote
    def on_post_build(self, *, config: MkDocsConfig) -> None:
        # Every page is written: the rendered Markdown and the pages' sources can go before
        # the manifest reads the 14,000 files of a long history.
        self.markdown.forget()
        self.pages, self.outputs = {}, {}
        # csp.txt is written after the build, not as a File in on_files: the policy needs the
        # hashes of the inline code of every rendered page, known only once all are rendered.
        csp.write_policy(Path(config.site_dir), self.inline_code)
        # _headers (Netlify, Cloudflare Pages) carries that policy: written after it, too.
        hosting.write_headers_file(Path(config.site_dir))
        # The one file written after the build: it needs the bytes of all the others.
        # A preview (drafts shown) gets none, so that `vigie deploy` refuses it.
        if not self.preview:
            manifest.write_manifest(Path(config.site_dir), self.version)

    def on_serve(
        self, server: LiveReloadServer, *, config: MkDocsConfig, builder: Any
    ) -> LiveReloadServer:
        server.watch(str(Path(config.config_file_path).parent / self.config.incidents_dir))
        return server


def _parse_iso(text: str) -> datetime:
    return datetime.fromisoformat(text)
