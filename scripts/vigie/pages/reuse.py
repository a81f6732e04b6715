"""Which generated pages the bytes of an earlier build can stand for, and what to keep of them.

A page is reused when its fingerprint is the same: the scope (Vigie's code and packages, the
settings and theme, the pages folder, the build's mode) with every field of the page and its
`inputs`. Only pages with `inputs` (the notices and their versions) are kept: the others
depend on the whole site and are made at every build. The other files of an incident's folder
(its feeds, `notice.json`) are kept the same way, by the inputs of its notice. Nothing here
imports MkDocs.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass, field, fields
from types import SimpleNamespace
from typing import TYPE_CHECKING, Any
from urllib.parse import urljoin, urlsplit

from vigie import wholefiles as files
from vigie.cache import PLACED, code_fingerprint, fingerprint, folder_fingerprint
from vigie.shapes import Digest

if TYPE_CHECKING:
    from collections.abc import Callable, Iterable
    from pathlib import Path

    from vigie.cache import Blobs, BuildCache
    from vigie.memo import Memo
    from vigie.model import Settings
    from vigie.pages.site import GeneratedPage
    from vigie.placed import Placed


def table(*, preview: bool, serving: bool, kind: str = "pages") -> str:
    """The table `kind` of one kind of build: a preview never evicts the published pages."""
    return kind + ("-preview" if preview else "") + ("-serve" if serving else "")


# An entry of the pages table: the page's fingerprint, the digest of its bytes and the hashes
# of its inline scripts and styles (written by `keep` and `keep_output`).
KeptPage = tuple[str, Digest, list[str], list[str]]

# The template of a reused page: it prints nothing, the page's kept bytes are put back.
TEMPLATE = "vigie/reused.html"


@dataclass(frozen=True)
class Reused:
    """A page's kept bytes (by digest) and the hashes of its inline code (for the CSP)."""

    digest: str
    scripts: frozenset[str]
    styles: frozenset[str]


def pages_scope(
    config_file: Path,
    theme: dict[str, Any],
    folders: Iterable[Path],
    settings: Settings,
    *,
    preview: bool,
    serving: bool,
    options: Mapping[str, Any],
) -> str:
    """What every page depends on besides its own fields: a change here renders them all.
    `options`: MkDocs' settings as read, with what `INHERIT` and `!ENV` brought in."""
    return fingerprint(
        code_fingerprint(),
        config_file.read_bytes(),  # the theme's options, the navigation, the extensions
        repr(sorted(theme.items())),  # as read, `!ENV` values included
        plain_options(options),
        [folder_fingerprint(folder) for folder in folders],  # templates, assets, pages
        settings,
        preview,
        serving,
    )


# Paths of this checkout (a CI checkout elsewhere must keep its cache), objects, and what
# changes no page (`vigie build` is strict, plain `mkdocs build` may not be).
_NOT_OPTIONS = frozenset(
    {"config_file_path", "docs_dir", "site_dir", "watch", "theme", "plugins", "strict", "dev_addr"}
)


def plain_options(options: Mapping[str, Any]) -> dict[str, Any]:
    """The settings that are plain data (text, numbers, lists, mappings), sorted by name."""
    return _plain({name: value for name, value in options.items() if name not in _NOT_OPTIONS})


_NOT_PLAIN = object()  # an object: left out, with the option or the item that holds it


def _plain(value: Any) -> Any:
    if value is None or isinstance(value, str | int | float | bool):
        return value
    if isinstance(value, Mapping):
        items = sorted(((str(k), _plain(v)) for k, v in value.items()), key=lambda kv: kv[0])
        return {k: v for k, v in items if v is not _NOT_PLAIN}
    if isinstance(value, list | tuple):
        return [v for v in map(_plain, value) if v is not _NOT_PLAIN]
    return _NOT_PLAIN


def page_fingerprint(page: GeneratedPage) -> str:
    """Every field of the page but the function making its context (`inputs` stands for it)."""
    return fingerprint(
        [(f.name, getattr(page, f.name)) for f in fields(page) if f.name != "make_context"]
    )


def reusable(pages: Iterable[GeneratedPage], kept: Memo) -> dict[str, Reused]:
    """The pages an earlier build made from the same inputs, by address; their entries stay
    kept. Their bytes are read (and checked) when used: `take`."""
    found = {}
    for page in pages:
        if not page.inputs:
            continue
        # Kept if stale too: `keep` replaces it once made again.
        entry = kept.get(page.uri, KeptPage)
        if not entry or entry[0] != page_fingerprint(page):
            continue
        found[page.uri] = Reused(entry[1], frozenset(entry[2]), frozenset(entry[3]))
    return found


def keep(
    kept: Memo,
    blobs: Blobs,
    page: GeneratedPage,
    final_html: str,
    scripts: Iterable[str],
    styles: Iterable[str],
) -> str:
    """Keep a page just made, for the next build; the digest of its bytes."""
    digest = blobs.put(final_html.encode("utf-8"))
    kept.put(page.uri, [page_fingerprint(page), digest, sorted(scripts), sorted(styles)])
    return digest


def preview_placed(cache: BuildCache, site_dir: Path, *, preview: bool) -> Placed:
    """The record of the kept pages a preview put in `site_dir`. MkDocs empties the folder
    before each rebuild: the last preview is set aside first, its kept pages linked from there
    instead of written again, each folder of an unchanged incident moved back whole."""
    name = table(preview=preview, serving=True, kind=PLACED)
    aside = set_aside(site_dir)
    return cache.placed(site_dir, table=name, moved=aside, spare=aside)


def set_aside(site_dir: Path) -> Path:
    """Move the site built last in `site_dir` beside it, `site_dir` left empty; where it went.

    For the preview, which MkDocs empties before each rebuild: the pages kept since are
    linked from there (`Placed.moved`), and it is removed once the new one is built.
    """
    aside = _aside(site_dir)
    files.remove(aside)  # a rebuild stopped halfway left it; a link or a pipe goes too
    if files.is_folder(site_dir) and any(site_dir.iterdir()):
        site_dir.rename(aside)
        site_dir.mkdir()
    return aside


def remove_set_aside(site_dir: Path) -> None:
    """Remove the site `set_aside` moved away, if any."""
    files.remove(_aside(site_dir))


def put_back_set_aside(site_dir: Path) -> None:
    """The site `set_aside` moved away back in `site_dir`, in place of a failed rebuild's."""
    aside = _aside(site_dir)
    if files.is_folder(aside):  # never a link put in the preview's place
        files.remove(site_dir)
        aside.rename(site_dir)


def _aside(site_dir: Path) -> Path:
    return site_dir.with_name(f"{site_dir.name}-previous")


def incident_inputs(pages: Iterable[GeneratedPage]) -> dict[str, str]:
    """The inputs of each incident's notice, by the folder of its page (`incidents/<id>/`)."""
    return {
        page.uri.removesuffix(_NOTICE_FILE): page.inputs
        for page in pages
        if page.inputs and page.uri.endswith(f"/{_NOTICE_FILE}")
    }


_NOTICE_FILE = "index.md"  # urls.incident_source: the notice is its folder's index


def output_inputs(uri: str, by_folder: dict[str, str]) -> str:
    """The inputs of a file written in an incident's folder (its feeds, `notice.json`): those
    of its notice, which reads all they read; empty for a file of the whole site."""
    return by_folder.get(uri[: uri.rfind("/") + 1], "")


def _incident_folder(dest: str) -> str:
    """`incidents/<id>/` for a file of an incident's folder (urls.incident_url)."""
    second = dest.find("/", dest.find("/") + 1)
    return dest[: second + 1] if second > 0 else ""


def kept_output(kept: Memo, uri: str, inputs: str) -> str | None:
    """The digest of the bytes an earlier build wrote at `uri` from the same inputs."""
    entry = kept.get(uri, KeptPage)
    return entry[1] if entry and entry[0] == fingerprint(inputs, uri) else None


def kept_files(
    kept: Memo, pages: dict[str, str], outputs: Iterable[str], by_folder: dict[str, str]
) -> dict[str, str]:
    """Every file a build puts from kept bytes, with their digest: the reused `pages` (by the
    path of their file) and the `outputs` of an incident's folder kept from the same inputs."""
    found = dict(pages)
    for uri in outputs:
        if (inputs := output_inputs(uri, by_folder)) and (digest := kept_output(kept, uri, inputs)):
            found[uri] = digest
    return found


def keep_output(kept: Memo, blobs: Blobs, uri: str, inputs: str, data: bytes) -> str:
    """Keep a file of an incident's folder just made, for the next build; its digest."""
    digest = blobs.put(data)
    kept.put(uri, [fingerprint(inputs, uri), digest, [], []])
    return digest


@dataclass
class SiteWriter:
    """The files a build writes into its site itself, MkDocs never seeing them: the kept bytes
    of an earlier build put in place, and the files of an incident's folder.

    `kept`, `blobs`: the pages table and its bytes (a build with a cache); `placed`: the files
    the last build put in the live site, linked instead of written again.
    """

    site_dir: Path
    kept: Memo | None = None
    blobs: Blobs | None = None
    placed: Placed | None = None
    written: dict[str, tuple[int, str]] = field(default_factory=dict)  # size and SHA-256
    _folders: set[Path] = field(default_factory=set)
    _in_place: dict[str, str] = field(default_factory=dict)  # moved with their folder

    def take_folders(
        self, pages: dict[str, str], outputs: Iterable[str], by_folder: dict[str, str]
    ) -> None:
        """Move into the site each incident's folder (`incidents/<id>/`, the keys of
        `by_folder`) that the spare site holds as the last build put it, when every file the
        build puts there is kept: the reused `pages` (path: digest) and the `outputs` kept
        from the same inputs (`kept_files`). `put` then finds them in place."""
        if self.placed is None or self.placed.spare is None or self.kept is None:
            return
        assert self.blobs is not None, "bytes are kept only in a cache"
        kept = kept_files(self.kept, pages, outputs, by_folder)
        folders: dict[str, dict[str, str]] = {folder: {} for folder in by_folder}
        for dest, digest in kept.items():
            if (files := folders.get(_incident_folder(dest))) is not None:
                files[dest] = digest
        for folder, files in folders.items():
            if files and (sizes := self.placed.take_folder(folder, files, self.site_dir)):
                self._in_place.update(files)
                for dest, digest in files.items():
                    self.blobs.hold(digest)
                    self.written[dest] = (sizes[dest], digest)

    def put(self, dest: str, digest: str) -> bool:
        """Write the kept bytes of `digest` at `dest` (linked from the live site when the file
        there is still the one recorded); False when they are missing or damaged."""
        if self._in_place.get(dest) == digest:
            return True
        assert self.blobs is not None, "bytes are kept only in a cache"
        target = self._target(dest)
        if self.placed and (linked := self.placed.link(dest, digest, target)) is not None:
            self.blobs.hold(digest)
            size = linked
        else:
            data = self.blobs.get(digest)
            if data is None:
                return False
            target.write_bytes(data)
            size = len(data)
            if self.placed:
                self.placed.expect(dest, digest)
        self.written[dest] = (size, digest)  # the digest was checked
        return True

    def incident_file(self, uri: str, inputs: str, make: Callable[[], bytes]) -> None:
        """A file of an incident's folder: the bytes an earlier build made from the same
        inputs, else made now and kept."""
        if self.kept is not None and (digest := kept_output(self.kept, uri, inputs)):
            if self.put(uri, digest):
                return
        data = make()
        self._target(uri).write_bytes(data)
        if self.kept is not None and self.blobs is not None:
            digest = keep_output(self.kept, self.blobs, uri, inputs, data)
            if self.placed:
                self.placed.expect(uri, digest)
        else:
            digest = hashlib.sha256(data).hexdigest()
        self.written[uri] = (len(data), digest)

    def _target(self, dest: str) -> Path:
        """Where `dest` goes, its folder made: once per folder of 11,000 pages, not thrice."""
        target = self.site_dir / dest
        if target.parent not in self._folders:
            target.parent.mkdir(parents=True, exist_ok=True)
            self._folders.add(target.parent)
        return target


def sitemap_pages(
    pages: list[Any], generated: Iterable[str], left_out: dict[str, tuple[str, str]], site_url: str
) -> list[Any]:
    """The sitemap's `pages` (MkDocs' files) with the reused pages written without MkDocs
    (`left_out`: address and date by source), each where a full build lists it among the
    `generated` pages (their sources, in the order MkDocs is given them)."""
    generated = list(generated)
    given = set(generated)
    by_source = {file.src_uri: file for file in pages if file.src_uri in given}
    listed: list[Any] = [file for file in pages if file.src_uri not in by_source]
    base = site_url if site_url.endswith("/") else f"{site_url}/"
    for uri in generated:
        if uri in by_source:
            listed.append(by_source[uri])
        elif uri in left_out:
            url, updated = left_out[uri]
            canonical = urljoin(base, url) if site_url else None
            page = SimpleNamespace(
                is_link=False,
                canonical_url=canonical,
                abs_url=urlsplit(canonical).path if canonical else None,
                update_date=updated,
            )
            listed.append(SimpleNamespace(page=page))
    return listed


def search_index_with(
    index: str, order: Iterable[str], entries: dict[str, list[dict[str, Any]]]
) -> str:
    """Material's search index (`search_index.json`) with the `entries` of the reused pages
    MkDocs did not render, by page address, each page where a full build puts it: `order` is
    the address of every generated page search lists, in the order MkDocs builds them, the
    pages of the pages folder before them. Written as Material writes it, for the same bytes."""
    order = list(order)
    position = {url: at for at, url in enumerate(order)}
    data = json.loads(index)
    docs: list[dict[str, Any]] = []
    done = 0  # the pages of `order` before this one are in `docs`

    def reach(end: int) -> None:
        nonlocal done
        for url in order[done:end]:
            docs.extend(entries.get(url, ()))
        done = max(done, end)

    for entry in data["docs"]:
        at = position.get(entry["location"].partition("#")[0])
        if at is not None and at >= done:  # the first entry of a page rendered now
            reach(at)
            done = at + 1
        docs.append(entry)
    reach(len(order))
    data["docs"] = docs
    return json.dumps(data, separators=(",", ":"), default=str)  # material/plugins/search
