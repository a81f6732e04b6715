"""Staff-written Markdown to HTML: one engine, shared by the checks and the pages."""

from __future__ import annotations

import functools
import re
from html.parser import HTMLParser
from typing import TYPE_CHECKING

import markdown
from markdown.extensions import Extension
from markdown.treeprocessors import Treeprocessor
from markupsafe import Markup

from vigie.cache import fingerprint

if TYPE_CHECKING:
    from xml.etree.ElementTree import Element

    from vigie.memo import Memo


class _ShiftHeadings(Treeprocessor):
    """Staff text sits under a heading of the page: its own headings start one level below.

    Update bodies sit under an h3, so `# Titre` and `## Titre` become h4; the text of a
    section (« Ce qui s'est passé », FAQ answers…) sits under an h2, so they become h3.
    """

    below = 3  # the level of the page heading the text sits under

    def run(self, root: Element) -> None:
        for element in root.iter():
            if len(element.tag) == 2 and element.tag[0] == "h" and element.tag[1] in "123456":
                level = int(element.tag[1]) + self.below - 1
                element.tag = f"h{max(self.below + 1, min(6, level))}"


class _ShiftHeadingsExtension(Extension):
    def __init__(self) -> None:
        super().__init__()
        self.shift: _ShiftHeadings | None = None

    def extendMarkdown(self, md: markdown.Markdown) -> None:  # noqa: N802 (Markdown's API)
        self.shift = _ShiftHeadings(md)
        md.treeprocessors.register(self.shift, "vigie_shift_headings", 0)


# A link or image address written from the site's root, in a start tag as written.
_ROOT_RELATIVE = re.compile(r"""(\s(?:href|src)\s*=\s*["']?[\x00-\x20]*)/(?![/\\])""", re.I)


class _StartTags(HTMLParser):
    """Where each start tag holding an address from the site's root is, in the HTML."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.found: list[tuple[int, int, str]] = []  # (line, column, tag as written)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        written = self.get_starttag_text() or ""
        if _ROOT_RELATIVE.search(written):
            self.found.append((*self.getpos(), written))

    handle_startendtag = handle_starttag


def under_served_path(fragment: str, served_path: str) -> str:
    """`fragment` with its addresses from the site's root (`/faq/`) under `served_path`.

    Staff write a page of the site from its root, as on every page it reads the same; a
    site served at `https://example.org/statut/` has that page at `/statut/faq/`.
    """
    if served_path == "/" or "/" not in fragment:
        return fragment
    parser = _StartTags()
    parser.feed(fragment)
    parser.close()
    starts = [0]
    for line in fragment.split("\n"):
        starts.append(starts[-1] + len(line) + 1)
    parts, done = [], 0
    for line, column, written in parser.found:
        at = starts[line - 1] + column
        parts += [fragment[done:at], _ROOT_RELATIVE.sub(rf"\g<1>{served_path}", written)]
        done = at + len(written)
    return "".join([*parts, fragment[done:]])


class MarkdownRenderer:
    """Renders staff-written Markdown to HTML once per distinct text."""

    EXTENSIONS = ("tables", "sane_lists", "attr_list", "admonition", "smarty")

    def __init__(self, served_path: str = "/") -> None:
        self.served_path = served_path  # where the site is served: `/`, or `/statut/`
        self._headings = _ShiftHeadingsExtension()
        self._markdown = markdown.Markdown(
            extensions=[*self.EXTENSIONS, self._headings],
            extension_configs={"smarty": {"smart_quotes": False}},
        )
        self._cache: dict[tuple[str, int], Markup] = {}
        self._kept: Memo | None = None  # HTML of earlier builds, by fingerprint of its text

    def remember(self, kept: Memo) -> None:
        """Take the HTML rendered by earlier builds from `kept`, and put new HTML there."""
        self._kept = kept

    def forget(self) -> None:
        """Let go of every HTML rendered so far (each text is rendered again if asked)."""
        self._cache.clear()

    def html(self, text: str, below: int = 3) -> Markup:
        """The HTML of `text`, marked safe for templates that escape everything else.

        `below` is the level of the page heading the text sits under (`| markdown(2)` in a
        template, for text right under an h2): the text's own headings start one level lower.
        """
        key = (text, below)
        if key not in self._cache:
            render = functools.partial(self._render, text, below)
            if self._kept is None:
                self._cache[key] = Markup(render())
            else:
                kept_key = fingerprint(text, below, self.served_path)
                self._cache[key] = markup = Markup(self._kept.made(kept_key, render, str))
                self._kept.put(kept_key, markup)  # one copy of the HTML in memory, not two
        return self._cache[key]

    def _render(self, text: str, below: int) -> str:
        assert self._headings.shift is not None
        self._headings.shift.below = below
        return under_served_path(self._markdown.reset().convert(text), self.served_path)
