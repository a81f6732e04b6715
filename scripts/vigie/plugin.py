"""The MkDocs glue: the only module that imports MkDocs. Each hook hands off to the stages."""

from __future__ import annotations

import functools
import logging
import os
import tempfile
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from mkdocs.config import base, load_config
from mkdocs.config import config_options as c
from mkdocs.exceptions import Abort, MkDocsException, PluginError
from mkdocs.plugins import BasePlugin, event_priority
from mkdocs.structure.files import File, InclusionLevel

from vigie import french, messages, pipeline, urls
from vigie.config import OPTIONS
from vigie.derive import publication_time, site_view
from vigie.outputs import api, badges, csp, feeds, ical, published, securitytxt
from vigie.outputs import notice_json as notice
from vigie.pages import html
from vigie.pages.site import pages, site_updated
from vigie.publish import hosting, manifest

if TYPE_CHECKING:
    from jinja2 import Environment
    from mkdocs.config.defaults import MkDocsConfig
    from mkdocs.livereload import LiveReloadServer
    from mkdocs.structure.files import Files
    from mkdocs.structure.nav import Navigation
    from mkdocs.structure.pages import Page

    from vigie.derive import SiteView
    from vigie.markup import MarkdownRenderer
    from vigie.pages.site import GeneratedPage
    from vigie.pipeline import Checked

log = logging.getLogger("mkdocs.plugins.vigie")

# Set by `vigie serve --drafts`: drafts and scheduled updates shown, marked; never published.
PREVIEW_VARIABLE = "VIGIE_PREVIEW"


class _Judged(c.BaseConfigOption):
    """Any value: Vigie's own checks (sources/settings.py) judge it, at its line in mkdocs.yml."""

    def run_validation(self, value: object) -> object:
        return value


# MkDocs' scheme of the plugin's options, from their one declaration (config.py). MkDocs would
# stop at the first wrong value, without its line: the types are left to Vigie's checks.
VigieOptions = type("VigieOptions", (base.Config,), {o.name: _Judged() for o in OPTIONS})

_OPTION_NAMES = frozenset(o.name for o in OPTIONS)


@dataclass
class _Build:
    """What one build works on, made by `on_config` (`mkdocs serve` keeps the plugin alive)."""

    view: SiteView
    markdown: MarkdownRenderer
    preview: bool  # drafts and scheduled updates shown: never published
    version: manifest.SiteVersion
    pages: dict[str, GeneratedPage]
    outputs: dict[str, str | bytes]  # files that are not pages, by their path in the site
    inline_code: csp.InlineCode = field(default_factory=csp.InlineCode)  # of every page so far
    feeds_dir: tempfile.TemporaryDirectory[str] | None = None  # each feed written as made


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
    def __init__(self) -> None:
        self.checked: Checked | None = None  # set by build_site when `vigie build` just checked
        self.serving = False  # `mkdocs serve`: its live-reload script has no CSP hash
        self.build: _Build | None = None  # made again by each build's on_config

    def load_config(
        self, options: dict[str, Any], config_file_path: str | None = None
    ) -> tuple[list, list]:
        """MkDocs' reading of the options; unknown names are left to Vigie's checks too."""
        # In strict mode MkDocs would refuse an unknown name before on_config, without its line.
        known = {name: value for name, value in options.items() if name in _OPTION_NAMES}
        return super().load_config(known, config_file_path)

    def on_config(self, config: MkDocsConfig) -> MkDocsConfig:
        checked, self.checked = self.checked, None
        root = Path(config.config_file_path).parent
        if checked is None:
            checked = _checked(Path(config.config_file_path))
        site, markdown = checked
        preview = os.environ.get(PREVIEW_VARIABLE) == "1"
        view = site_view(site, publication_time(os.environ), preview)
        generated = pages(view)
        self.build = _Build(
            view,
            markdown,
            preview,
            manifest.site_version(root),
            pages={page.uri: page for page in generated},
            outputs={
                **api.files(view, markdown.html),
                **badges.files(view),
                **notice.files(view),
                **ical.files(view),
                **published.files(view),
            },
        )
        # Material's favicon, addressed by its content: kept in cache like the theme's files.
        theme = config.theme
        theme["favicon"] = html.stamped_favicon(theme.dirs, theme["favicon"])
        return config

    def _current(self) -> _Build:
        assert self.build is not None, "made by on_config"
        return self.build

    def on_files(self, files: Files, *, config: MkDocsConfig) -> Files:
        build = self._current()
        for page in build.pages.values():
            generated = File.generated(
                config,
                page.uri,
                content=page.markdown,
                inclusion=InclusionLevel.INCLUDED if page.in_nav else InclusionLevel.NOT_IN_NAV,
            )
            files.append(generated)
        for uri, content in build.outputs.items():
            files.append(File.generated(config, uri, content=content))
        # A feed holds every entry it lists: each is written to disk as soon as it is made and
        # let go, and MkDocs copies it from there (content= would keep them all until the end).
        build.feeds_dir = tempfile.TemporaryDirectory(prefix="vigie-feeds-")
        for uri, make in feeds.files(build.view, build.markdown.html).items():
            path = Path(build.feeds_dir.name, uri)
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(make())
            files.append(File.generated(config, uri, abs_src_path=str(path)))
        # A dot folder is excluded by default: include it explicitly.
        security_txt = securitytxt.text(build.view.site.settings)
        files.append(
            File.generated(
                config, urls.SECURITY_TXT, content=security_txt, inclusion=InclusionLevel.INCLUDED
            )
        )
        return files

    def on_env(self, env: Environment, *, config: MkDocsConfig, files: Files) -> Environment:
        build = self._current()
        settings = build.view.site.settings
        env.filters["markdown"] = build.markdown.html
        env.globals["vigie_site"] = settings
        # Vigie's own stylesheet and script, addressed by their content: cached like Material's.
        custom_dir = Path(config.theme.custom_dir or config.docs_dir)
        env.globals["vigie_asset"] = functools.cache(
            functools.partial(html.fingerprint, custom_dir)
        )
        env.globals["vigie_preview"] = build.preview
        env.globals["vigie_version"] = version = build.version
        env.globals["vigie_version_date"] = (
            french.date_text(french.local(_parse_iso(version.commit_date), settings.timezone))
            if version.commit_date
            else ""
        )
        env.globals["vigie_follow"] = urls.follow(settings)
        # A template rendered without a page (404.html): no feeds of its own, a skip link.
        env.globals["vigie_page_feeds"] = ()
        env.globals["vigie_skip_link"] = True
        env.globals["vigie_anchors"] = urls.ANCHORS
        env.globals["vigie_updated"] = (
            french.datetime_text(build.view.updated_at, settings.timezone)
            if build.view.updated_at
            else ""
        )
        return env

    def on_pre_page(self, page: Page, *, config: MkDocsConfig, files: Files) -> Page:
        # The sitemap's <lastmod> (and the gzip stamp of sitemap.xml.gz) would otherwise be
        # the build date: use the date of what the page says instead, for identical bytes.
        build = self._current()
        generated = build.pages.get(page.file.src_uri)
        page.update_date = generated.updated if generated else site_updated(build.view)
        return page

    def on_page_content(
        self, html: str, *, page: Page, config: MkDocsConfig, files: Files
    ) -> str | None:
        generated = self._current().pages.get(page.file.src_uri)
        return generated.search_html if generated else html

    def on_page_context(
        self, context: dict[str, Any], *, page: Page, config: MkDocsConfig, nav: Navigation
    ) -> dict[str, Any]:
        generated = self._current().pages.get(page.file.src_uri)
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
        return self._with_csp(html.collapse_whitespace(html.valid_toggles(output)))

    @event_priority(-90)
    def on_post_template(
        self, output_content: str, *, template_name: str, config: MkDocsConfig
    ) -> str:
        if not template_name.endswith(".html"):
            return output_content
        return self._with_csp(html.collapse_whitespace(html.valid_toggles(output_content)))

    def _with_csp(self, page_html: str) -> str:
        code = csp.inline_code(page_html)
        self._current().inline_code.update(code)
        return page_html if self.serving else csp.with_meta(page_html, code)

    @event_priority(-100)  # last: the manifest lists every file the other plugins wrote
    def on_post_build(self, *, config: MkDocsConfig) -> None:
        # Every page is written: the rendered Markdown and the pages' sources can go before
        # the manifest reads the 14,000 files of a long history.
        build = self._current()
        build.markdown.forget()
        build.pages, build.outputs = {}, {}
        _forget_feeds(build)
        # csp.txt is written after the build, not as a File in on_files: the policy needs the
        # hashes of the inline code of every rendered page, known only once all are rendered.
        csp.write_policy(Path(config.site_dir), build.inline_code)
        # _headers (Netlify, Cloudflare Pages) carries that policy: written after it, too.
        hosting.write_headers_file(Path(config.site_dir))
        # The one file written after the build: it needs the bytes of all the others.
        # A preview (drafts shown) gets none, so that `vigie deploy` refuses it.
        if not build.preview:
            manifest.write_manifest(Path(config.site_dir), build.version)

    def on_build_error(self, *, error: Exception) -> None:
        if self.build is not None:
            _forget_feeds(self.build)

    def on_serve(
        self, server: LiveReloadServer, *, config: MkDocsConfig, builder: Any
    ) -> LiveReloadServer:
        incidents_dir = self._current().view.site.settings.incidents_dir
        server.watch(str(Path(config.config_file_path).parent / incidents_dir))
        return server


def _checked(config_file: Path) -> Checked:
    """The one road (pipeline.py); its problems as MkDocs errors, then a refusal."""
    outcome = pipeline.check(config_file)
    for warning in outcome.warnings:  # shown, not counted: strict mode must not refuse them
        log.info(str(warning))
    if outcome.checked is None:
        for problem in outcome.problems:
            log.error(str(problem))
        raise PluginError(messages.CHECK_FAILED.format(count=len(outcome.problems)))
    return outcome.checked


def _forget_feeds(build: _Build) -> None:
    """Remove the feeds' folder once MkDocs has copied them (or the build failed)."""
    if build.feeds_dir is not None:
        build.feeds_dir.cleanup()
        build.feeds_dir = None


def _parse_iso(text: str) -> datetime:
    return datetime.fromisoformat(text)
