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
from typing import TYPE_CHECKING

if TYPE_CHECKING:
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


# The pages are the output of our own templates and of Markdown whose HTML was vetted
# (safety.py): a scan for the two elements is exact there, and a tenth of the cost of
# parsing every page with html.parser (a third of the build time at 1,000 incidents).
# One left-to-right scan, as a browser reads: a comment outside the two elements hides what
# it holds (a `<script>` in it is no script), but inside a script or style it is text that
# the browser hashes with the rest.
_COMMENT_OR_INLINE_ELEMENT = re.compile(
    r"<!--.*?-->|<(script|style)\b((?:[^>\"']|\"[^\"]*\"|'[^']*')*)>(.*?)</\1\s*>",
    re.IGNORECASE | re.DOTALL,
)
_ATTRIBUTE = re.compile(r"""([^\s=/>]+)(?:\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s>]+)))?""")


def _attributes(text: str) -> dict[str, str]:
    return {
        m.group(1).lower(): html.unescape(m.group(2) or m.group(3) or m.group(4) or "")
        for m in _ATTRIBUTE.finditer(text)
    }


def inline_code(page_html: str) -> InlineCode:
    """The hashes of every inline script (JavaScript only) and style of one page."""
    found = InlineCode()
    for match in _COMMENT_OR_INLINE_ELEMENT.finditer(page_html):  # no copy of a 10 MB page
        if match.group(1) is None:
            continue  # a comment
        tag, attributes = match.group(1).lower(), _attributes(match.group(2))
        if tag == "style":
            found.styles.add(source_hash(match.group(3)))
        elif "src" not in attributes and attributes.get("type", "").lower() in JAVASCRIPT_TYPES:
            found.scripts.add(source_hash(match.group(3)))
    return found


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
    # The first occurrence is the one found: replace makes one new string, slices three.
    return page_html.replace(anchor.group(), anchor.group() + meta, 1)


def write_policy(site_dir: Path, code: InlineCode) -> Path:
    """Write the whole site's policy (`code`: every page's) to `csp.txt` in `site_dir`."""
    target = site_dir / POLICY_FILE
    target.write_text(policy(code) + "\n", encoding="utf-8")
    return target
