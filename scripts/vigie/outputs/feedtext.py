"""Feed text: entries' HTML with absolute links, plain-text summaries (feeds and API), and
the WebSub hub links feedgen cannot write into RSS."""

from __future__ import annotations

import functools
import html
from html.parser import HTMLParser
from typing import TYPE_CHECKING
from urllib.parse import urljoin

from lxml import etree

if TYPE_CHECKING:
    from collections.abc import Sequence

SUMMARY_LENGTH = 280


class _AbsoluteUrls(HTMLParser):
    """Copies HTML as it is, except URL attributes made absolute against `base`."""

    URL_ATTRIBUTES = frozenset({"href", "src", "cite", "poster", "action", "longdesc"})

    def __init__(self, base: str) -> None:
        super().__init__(convert_charrefs=False)
        self.base = base
        self.out: list[str] = []

    def _tag(self, tag: str, attrs: list[tuple[str, str | None]], empty: bool) -> str:
        raw = self.get_starttag_text() or ""
        if not any(name in self.URL_ATTRIBUTES and value for name, value in attrs):
            return raw
        parts = [tag]
        for name, value in attrs:
            if value is None:
                parts.append(name)
                continue
            if name in self.URL_ATTRIBUTES:
                value = urljoin(self.base, value.strip())
            parts.append(f'{name}="{html.escape(value, quote=True)}"')
        return f"<{' '.join(parts)}{' /' if empty else ''}>"

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.out.append(self._tag(tag, attrs, empty=False))

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.out.append(self._tag(tag, attrs, empty=True))

    def handle_endtag(self, tag: str) -> None:
        self.out.append(f"</{tag}>")

    def handle_data(self, data: str) -> None:
        self.out.append(data)

    def handle_entityref(self, name: str) -> None:
        self.out.append(f"&{name};")

    def handle_charref(self, name: str) -> None:
        self.out.append(f"&#{name};")

    def handle_comment(self, data: str) -> None:
        self.out.append(f"<!--{data}-->")

    def handle_decl(self, decl: str) -> None:
        self.out.append(f"<!{decl}>")

    def handle_pi(self, data: str) -> None:
        self.out.append(f"<?{data}>")

    def unknown_decl(self, data: str) -> None:
        self.out.append(f"<![{data}]>")


# An update is in the site's feeds and its components': each is made once per build.
@functools.cache
def absolute_urls(fragment: str, base: str) -> str:
    """`fragment` with its relative links and images made absolute against `base`."""
    parser = _AbsoluteUrls(base)
    parser.feed(fragment)
    parser.close()
    return "".join(parser.out)


class _Text(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []

    def handle_data(self, data: str) -> None:
        self.parts.append(data)


@functools.cache
def plain_text(fragment: str, limit: int = SUMMARY_LENGTH) -> str:
    """The text of an HTML fragment on one line, cut at a word after `limit` characters."""
    parser = _Text()
    parser.feed(fragment)
    parser.close()
    text = " ".join("".join(parser.parts).split())
    if len(text) <= limit:
        return text
    cut = text[:limit].rsplit(" ", 1)[0] or text[:limit]
    return f"{cut.rstrip(' ,;:.')}…"


ATOM_NS = "http://www.w3.org/2005/Atom"


def with_rss_hubs(rss: bytes, hubs: Sequence[str]) -> bytes:
    """RSS with an `atom:link rel="hub"` per WebSub hub after its self link (feedgen writes
    only `rel="self"` in RSS)."""
    if not hubs:
        return rss
    root = etree.fromstring(rss)
    channel = root.find("channel")
    assert channel is not None
    anchor = channel.find(f"{{{ATOM_NS}}}link")
    index = list(channel).index(anchor) + 1 if anchor is not None else len(channel)
    for offset, hub in enumerate(hubs):
        link = etree.Element(f"{{{ATOM_NS}}}link", href=hub, rel="hub")
        link.tail = anchor.tail if anchor is not None else None
        channel.insert(index + offset, link)
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)
