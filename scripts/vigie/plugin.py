"""The MkDocs glue: the only module that imports MkDocs. Each hook hands off to the stages."""

from __future__ import annotations

import functools
import logging
import os
import tempfile
from dataclasses import dataclass, field, replace
from datetime import datetime
from pathlib import Path
from types import SimpleNamespace
from typing import TYPE_CHECKING, Any

from jinja2 import ChoiceLoader, DictLoader, TemplateError
from mkdocs.config import base, load_config
from mkdocs.config import config_options as c
from mkdocs.exceptions import Abort, MkDocsException, PluginError
from mkdocs.plugins import BasePlugin, event_priority
from mkdocs.structure.files import File, InclusionLevel

from vigie import french, messages, pipeline, urls
from vigie.cache import code_fingerprint
from vigie.config import OPTIONS
from vigie.derive import publication_time, site_view
from vigie.outputs import api, badges, csp, feeds, ical, published, securitytxt
from vigie.outputs import notice_json as notice
from vigie.pages import compiled, html, reuse
from vigie.pages.site import handwritten, pages, site_updated
from vigie.publish import hosting, manifest

if TYPE_CHECKING:
    from collections.abc import Callable

    from jinja2 import Environment
    from mkdocs.config.defaults import MkDocsConfig
    from mkdocs.livereload import LiveReloadServer
    from mkdocs.structure.files import Files
    from mkdocs.structure.nav import Navigation
    from mkdocs.structure.pages import Page

    from vigie.cache import BuildCache
    from vigie.derive import SiteView
    from vigie.markup import MarkdownRenderer
    from vigie.memo import Memo
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
    writer: reuse.SiteWriter  # the files Vigie writes itself; the cache's pages and bytes
    inline_code: csp.InlineCode = field(default_factory=csp.InlineCode)  # of every page so far
    feeds_dir: tempfile.TemporaryDirectory[str] | None = None  # each feed written as made
    texts: Memo | None = None  # texts the feeds and the API made from each update's HTML
    reused: dict[str, reuse.Reused] = field(default_factory=dict)  # taken from `kept`
    incident_inputs: dict[str, str] = field(default_factory=dict)  # by the incident's folder
    # Reused pages written without MkDocs: (address, date) for the sitemap.
    left_out: dict[str, tuple[str, str]] = field(default_factory=dict)
    # Material's search entries of a page MkDocs does not render (None: it renders them all)
    search_entries: Callable[[GeneratedPage, str], list[dict[str, Any]]] | None = None
    search_order: list[str] = field(default_factory=list)  # the searchable pages' addresses


def build_site(
    config_file: Path,
    site_dir: Path,
    checked: Checked | None = None,
    cache: BuildCache | None = None,
    live: Path | None = None,
    spare: Path | None = None,
) -> int | None:
    """Build with MkDocs in strict mode into `site_dir`: how many files it holds, None when
    MkDocs refused.

    With `cache`, a page whose inputs are unchanged is taken from it instead of rendered:
    linked from the `live` site when the file there is the one the last build put, its whole
    incident's folder moved from the `spare` site when that holds it as the live one does.
    """
    from mkdocs.commands.build import build

    try:
        config = load_config(str(config_file), site_dir=str(site_dir), strict=True)
        plugin = config.plugins["vigie"]
        plugin.checked, plugin.cache, plugin.live, plugin.spare = checked, cache, live, spare
        build(config)
    except (Abort, MkDocsException, TemplateError) as error:
        log.error(str(error))  # a template broken in overrides/ is refused, not a traceback
        return None
    return plugin.built_files


class _RebuildRefused(Abort):
    """A rebuild of the preview refused: the server prints it instead of MkDocs' English."""


def serve_site(config_file: Path, dev_addr: str, refused: str | None = None) -> bool:
    """`mkdocs serve` with live reload, the incidents folder watched too; False when the first
    build was refused (its problems are logged). A later refused rebuild is told as `refused`
    (None: as MkDocs tells it), and the last pages stay served."""
    from mkdocs.commands.serve import serve

    VigiePlugin.rebuild_refused = refused
    try:
        serve(str(config_file), dev_addr=dev_addr, livereload=True)
    except Abort:
        return False
    return True


def _telling(builder: Any, refused: str) -> Any:
    @functools.wraps(builder)
    def rebuild(*args: Any, **kwargs: Any) -> None:
        try:
            builder(*args, **kwargs)
        except Abort as error:
            raise _RebuildRefused(refused) from error

    return rebuild


class VigiePlugin(BasePlugin[VigieOptions]):
    rebuild_refused: str | None = None  # set by serve_site: how a refused rebuild is told

    def __init__(self) -> None:
        self.checked: Checked | None = None  # set by build_site when `vigie build` just checked
        self.cache: BuildCache | None = None  # set by build_site: `mkdocs build` alone has none
        self.live: Path | None = None  # set by build_site: the site the new one will replace
        self.spare: Path | None = None  # set by build_site: the one before, not served
        self.serving = False  # `mkdocs serve`: its live-reload script has no CSP hash
        self.preview_dir: Path | None = None  # the folder `vigie serve` serves, once set aside
        self.build: _Build | None = None  # made again by each build's on_config
        self.built_files = 0  # how many files the last build's site holds

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
        if self.serving:  # each rebuild of the preview takes the cache, and saves it if built
            self.cache = pipeline.open_cache(Path(config.config_file_path), log.info)
            self.cache.acquire(wait=False)
        if checked is None:
            checked = _checked(Path(config.config_file_path), self.cache)
        site, markdown = checked
        preview = os.environ.get(PREVIEW_VARIABLE) == "1"
        view = site_view(site, publication_time(os.environ), preview)
        generated = pages(view)
        kept = blobs = texts = None
        if self.cache is not None:
            texts = self.cache.memo("texts", code_fingerprint())  # the feeds' and the API's
            theme = config.theme
            # Material's own templates are named by its version (in the scope): only the
            # site's own theme folder and pages are read.
            folders = [Path(theme.custom_dir or config.docs_dir), Path(config.docs_dir)]
            scope = reuse.pages_scope(
                Path(config.config_file_path),
                dict(theme.items()),
                folders,
                view.site.settings,
                preview=preview,
                serving=self.serving,
                options=config,
            )
            name = reuse.table(preview=preview, serving=self.serving)
            kept, blobs = self.cache.memo(name, scope), self.cache.blobs(name)
        reused = reuse.reusable(generated, kept) if kept is not None else {}
        (live, self.live), (spare, self.spare) = (self.live, None), (self.spare, None)
        placed = None
        if self.cache is not None and self.serving:
            self.preview_dir = Path(config.site_dir)
            placed = reuse.preview_placed(self.cache, self.preview_dir, preview=preview)
        elif self.cache is not None and live:
            placed = self.cache.placed(live, spare=spare)
        self.build = _Build(
            view,
            markdown,
            preview,
            manifest.site_version(root),
            pages={page.uri: page for page in generated},
            outputs={
                **api.files(view, markdown.html, texts),
                **badges.files(view),
                **ical.files(view),
                **published.files(view),
            },
            writer=reuse.SiteWriter(Path(config.site_dir), kept, blobs, placed),
            texts=texts,
            reused=reused,
            incident_inputs=reuse.incident_inputs(generated),
            search_entries=_material_search_entries(config),
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
        made = {
            **feeds.files(build.view, build.markdown.html, build.texts),
            **notice.files(build.view),
        }
        reused = {uri: File.generated(config, uri, content="") for uri in build.reused}
        pages = {reused[uri].dest_uri: taken.digest for uri, taken in build.reused.items()}
        build.writer.take_folders(pages, made, build.incident_inputs)
        for uri, file in reused.items():
            self._take(build, build.pages[uri], file)
        for page in build.pages.values():
            if page.uri in build.left_out:
                url = build.left_out[page.uri][0]
            else:
                generated = File.generated(
                    config,
                    page.uri,
                    content=page.markdown,
                    inclusion=InclusionLevel.INCLUDED if page.in_nav else InclusionLevel.NOT_IN_NAV,
                )
                files.append(generated)
                url = generated.url
            if page.searchable:
                build.search_order.append(url)
        for uri, content in build.outputs.items():
            files.append(File.generated(config, uri, content=content))
        # A feed holds every entry it lists: each is written to disk as soon as it is made and
        # let go, and MkDocs copies it from there (content= would keep them all until the end).
        build.feeds_dir = tempfile.TemporaryDirectory(prefix="vigie-feeds-")
        for uri, make in made.items():
            if inputs := reuse.output_inputs(uri, build.incident_inputs):
                build.writer.incident_file(uri, inputs, make)
                continue
            path = Path(build.feeds_dir.name, uri)
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(make())
            files.append(File.generated(config, uri, abs_src_path=str(path)))
        feeds.forget()
        # A dot folder is excluded by default: include it explicitly.
        security_txt = securitytxt.text(build.view.site.settings)
        files.append(
            File.generated(
                config, urls.SECURITY_TXT, content=security_txt, inclusion=InclusionLevel.INCLUDED
            )
        )
        return files

    def _take(self, build: _Build, page: GeneratedPage, file: File) -> None:
        """Put a reused page in place, MkDocs never writing it: a page of the navigation is
        still rendered, by an empty template (so is one search lists, when its entries cannot
        be made without MkDocs); the others MkDocs never sees."""
        taken = build.reused[page.uri]
        if not build.writer.put(file.dest_uri, taken.digest):  # missing or damaged: made again
            del build.reused[page.uri]
            return
        if page.in_nav or (page.searchable and build.search_entries is None):
            build.pages[page.uri] = replace(page, template=reuse.TEMPLATE)
        else:
            build.left_out[page.uri] = (file.url, page.updated)
        build.inline_code.update(csp.InlineCode(set(taken.scripts), set(taken.styles)))

    def on_template_context(
        self, context: dict[str, Any], *, template_name: str, config: MkDocsConfig
    ) -> dict[str, Any]:
        build = self._current()
        if template_name == "sitemap.xml" and build.left_out:
            context["pages"] = reuse.sitemap_pages(
                context["pages"], build.pages, build.left_out, config.site_url or ""
            )
        return context

    def on_env(self, env: Environment, *, config: MkDocsConfig, files: Files) -> Environment:
        build = self._current()
        settings = build.view.site.settings
        if build.reused:  # the empty template of a page taken from the cache
            env.loader = ChoiceLoader([DictLoader({reuse.TEMPLATE: ""}), env.loader])
        env.bytecode_cache = compiled.COMPILED  # compiled once per process, not per build
        env.filters["markdown"] = build.markdown.html
        env.globals["vigie_site"] = settings
        # Vigie's own stylesheet and script, addressed by their content: cached like Material's.
        custom_dir = Path(config.theme.custom_dir or config.docs_dir)
        env.globals["vigie_asset"] = functools.cache(
            functools.partial(html.fingerprint, custom_dir)
        )
        env.globals["vigie_preview"] = build.preview
        env.globals["vigie_version"] = version = build.version
        committed = datetime.fromisoformat(version.commit_date) if version.commit_date else None
        env.globals["vigie_version_date"] = (
            french.date_text(french.local(committed, settings.timezone)) if committed else ""
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
        build = self._current()
        generated = build.pages.get(page.file.src_uri)
        if page.file.src_uri in build.reused:
            return context  # its template prints nothing: its bytes are put back after
        uri = page.file.src_uri
        context["vigie"] = generated.context if generated else handwritten(build.view, uri)
        context["vigie_page_feeds"] = generated.feeds if generated else ()
        # Material links "Aller au contenu" only on a page with a table of contents.
        context["vigie_skip_link"] = not page.toc
        if generated and not generated.follows_site:  # its dates are in it, not the site's
            context["vigie_updated"], context["vigie_version"] = "", None
        return context

    def on_startup(self, *, command: str, dirty: bool) -> None:
        # `mkdocs serve` injects an inline live-reload script that a page's CSP would block.
        self.serving = command == "serve"

    @event_priority(-90)  # after other plugins: the hashes are those of the final bytes
    def on_post_page(self, output: str, *, page: Page, config: MkDocsConfig) -> str:
        build, uri = self._current(), page.file.src_uri
        if uri in build.reused:
            return ""  # its kept bytes are in place (_take): MkDocs writes nothing
        final, code = self._with_csp(html.collapse_whitespace(html.valid_toggles(output)))
        generated = build.pages.get(uri)
        kept, blobs, placed = build.writer.kept, build.writer.blobs, build.writer.placed
        if kept is not None and blobs is not None and generated and generated.inputs:
            digest = reuse.keep(kept, blobs, generated, final, code.scripts, code.styles)
            if placed and not generated.in_nav:  # a page of the navigation is made each time
                placed.expect(page.file.dest_uri, digest)
        return final

    @event_priority(-90)
    def on_post_template(
        self, output_content: str, *, template_name: str, config: MkDocsConfig
    ) -> str:
        if not template_name.endswith(".html"):
            return output_content
        return self._with_csp(html.collapse_whitespace(html.valid_toggles(output_content)))[0]

    def _with_csp(self, page_html: str) -> tuple[str, csp.InlineCode]:
        code = csp.inline_code(page_html)
        self._current().inline_code.update(code)
        return (page_html if self.serving else csp.with_meta(page_html, code)), code

    @event_priority(-100)  # last: the manifest lists every file the other plugins wrote
    def on_post_build(self, *, config: MkDocsConfig) -> None:
        # Every page is written: the rendered Markdown and the pages' sources can go before
        # the manifest reads the 14,000 files of a long history.
        build = self._current()
        _index_left_out(build, Path(config.site_dir))
        build.markdown.forget()
        build.pages, build.outputs = {}, {}
        _forget_feeds(build)
        # csp.txt, _headers and the manifest need every other file: written after the build.
        # A preview (drafts shown) gets no manifest, so that `vigie deploy` refuses it.
        version = None if build.preview else build.version
        self.built_files = hosting.finish_site(
            Path(config.site_dir), build.inline_code, version, build.writer.written
        )
        if self.serving and self.cache is not None and self.preview_dir is not None:
            # The last preview goes before the new one's files are recorded (see save).
            gone = functools.partial(reuse.remove_set_aside, self.preview_dir)
            self.cache.save(complete=True, settled=gone)
            self._let_go_of_cache()

    def on_build_error(self, *, error: Exception) -> None:
        if self.build is not None:
            _forget_feeds(self.build)
            if self.build.writer.placed:  # the folders moved from the spare site go back
                self.build.writer.placed.put_back()
        if self.preview_dir is not None:  # the last preview, set aside, is served again
            reuse.put_back_set_aside(self.preview_dir)
        if self.serving and self.cache is not None:
            self.cache.abandon()
        self._let_go_of_cache()

    def _let_go_of_cache(self) -> None:
        """The preview's cache, released after each rebuild (`vigie build` holds its own)."""
        if self.serving and self.cache is not None:
            self.cache.release()
            self.cache = None

    def on_serve(
        self, server: LiveReloadServer, *, config: MkDocsConfig, builder: Any
    ) -> LiveReloadServer:
        incidents_dir = self._current().view.site.settings.incidents_dir
        server.watch(str(Path(config.config_file_path).parent / incidents_dir))
        if self.rebuild_refused is not None:
            server.builder = _telling(server.builder, self.rebuild_refused)
        return server


def _checked(config_file: Path, cache: BuildCache | None = None) -> Checked:
    """The one road (pipeline.py); its problems as MkDocs errors, then a refusal."""
    outcome = pipeline.check(config_file, cache=cache)
    for warning in outcome.warnings:  # shown, not counted: strict mode must not refuse them
        log.info(str(warning))
    if outcome.checked is None:
        for problem in outcome.problems:
            log.error(str(problem))
        raise PluginError(messages.CHECK_FAILED.format(count=len(outcome.problems)))
    return outcome.checked


def _material_search_entries(
    config: MkDocsConfig,
) -> Callable[[GeneratedPage, str], list[dict[str, Any]]] | None:
    """How Material's search indexes a generated page MkDocs does not render; None without it."""
    try:
        from material.plugins.search.plugin import SearchIndex, SearchPlugin
    except ImportError:
        return None
    if not any(isinstance(p, SearchPlugin) and p.config.enabled for p in config.plugins.values()):
        return None

    def entries(page: GeneratedPage, url: str) -> list[dict[str, Any]]:
        index = SearchIndex()
        meta = {"title": page.title, "template": page.template}  # its Markdown: front matter
        index.add_entry_from_context(
            SimpleNamespace(meta=meta, title=page.title, content=page.search_html, toc=[], url=url)
        )
        return index.entries

    return entries


def _index_left_out(build: _Build, site_dir: Path) -> None:
    """The search entries of the reused pages MkDocs did not render, added to its index."""
    if build.search_entries is None:
        return
    entries = {
        url: build.search_entries(build.pages[uri], url)
        for uri, (url, _) in build.left_out.items()
        if build.pages[uri].searchable
    }
    path = site_dir / "search" / "search_index.json"
    if entries and path.is_file():
        index = reuse.search_index_with(path.read_text("utf-8"), build.search_order, entries)
        path.write_bytes(index.encode("utf-8"))


def _forget_feeds(build: _Build) -> None:
    """Remove the feeds' folder once MkDocs has copied them (or the build failed)."""
    if build.feeds_dir is not None:
        build.feeds_dir.cleanup()
        build.feeds_dir = None
