"""Content-Security-Policy: only the site's own files, and the inline code it really carries.

Material for MkDocs writes a few inline scripts in every page (the `__md_scope` setup and the
colour palette); rather than allowing any inline code (`'unsafe-inline'`), the policy lists
the SHA-256 hash of each one found in the built pages. A script a source managed to slip
into a page would have another hash, and browsers would refuse to run it.

Each page gets the policy for its own inline code in a `<meta http-equiv>` element; the
whole site's policy (every page's hashes, plus `frame-ancestors`, which a `<meta>` cannot
carry) goes to `csp.txt` at the root of the site, for the web server's
`Content-Security-Policy` header.
"""

from __future__ import annotations

import base64
import hashlib
import html
import re
from dataclasses import dataclass, field
from html.parser import HTMLParser
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Iterable
    from pathlib import Path

POLICY_FILE = "csp.txt"
JAVASCRIPT_TYPES = frozenset(
    {"", "module", "text/javascript", "application/javascript", "application/ecmascript"}
)
_CHARSET_META = re.compile(r"<meta\s+charset=[^>]*>", re.IGNORECASE)
_HEAD = re.compile(r"<head(?:\s[^>]*)?>", re.IGNORECASE)


@dataclass
class InlineCode:
    """The hashes of the inline scripts and styles of one or more pages."""

    scripts: set[str] = field(default_factory=set)
    styles: set[str] = field(default_factory=set)

    def update(self, other: InlineCode) -> None:
        """Add the hashes of `other`."""
        self.scripts |= other.scripts
        self.styles |= other.styles


def source_hash(code: str) -> str:
    """A CSP hash source for `code`, e.g. `'sha256-…'`."""
    digest = hashlib.sha256(code.encode("utf-8")).digest()
    return f"'sha256-{base64.b64encode(digest).decode('ascii')}'"


class _InlineCodeReader(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.found = InlineCode()
        self._kind: str | None = None
        self._parts: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        names = dict(attrs)
        executable = tag == "script" and "src" not in names
        executable = executable and (names.get("type") or "").lower() in JAVASCRIPT_TYPES
        if executable or tag == "style":
            self._kind, self._parts = tag, []

    def handle_data(self, data: str) -> None:
        if self._kind:
            self._parts.append(data)

    def handle_endtag(self, tag: str) -> None:
        if self._kind == tag:
            target = self.found.scripts if tag == "script" else self.found.styles
            target.add(source_hash("".join(self._parts)))
            self._kind = None


def inline_code(page_html: str) -> InlineCode:
    """The hashes of every inline script (JavaScript only) and style of one page."""
    reader = _InlineCodeReader()
    reader.feed(page_html)
    reader.close()
    return reader.found


def policy(code: InlineCode, *, for_meta: bool = False) -> str:
    """The policy allowing the site's own files and exactly this inline code."""
    directives = [
        ("default-src", ["'self'"]),
        ("script-src", ["'self'", *sorted(code.scripts)]),
        ("style-src", ["'self'", *sorted(code.styles)]),
        # Material's stylesheet draws its icons from data: SVG images.
        ("img-src", ["'self'", "data:"]),
        ("font-src", ["'self'"]),
        ("connect-src", ["'self'"]),
        ("object-src", ["'none'"]),
        ("base-uri", ["'self'"]),
        ("form-action", ["'self'"]),
    ]
    if not for_meta:  # browsers ignore frame-ancestors in a <meta> element
        directives.append(("frame-ancestors", ["'none'"]))
    return "; ".join(f"{name} {' '.join(values)}" for name, values in directives)


def with_meta(page_html: str, code: InlineCode) -> str:
    """`page_html` with its policy in a `<meta http-equiv>`, placed before any script."""
    content = html.escape(policy(code, for_meta=True), quote=False).replace('"', "&quot;")
    meta = f'<meta http-equiv="Content-Security-Policy" content="{content}">'
    anchor = _CHARSET_META.search(page_html) or _HEAD.search(page_html)
    if anchor is None:
        return page_html
    return f"{page_html[: anchor.end()]}{meta}{page_html[anchor.end() :]}"


def write_policy(site_dir: Path, pages: Iterable[InlineCode]) -> Path:
    """Write the whole site's policy to `csp.txt` at the root of `site_dir`."""
    code = InlineCode()
    for page in pages:
        code.update(page)
    target = site_dir / POLICY_FILE
    target.write_text(policy(code) + "\n", encoding="utf-8")
    return target
