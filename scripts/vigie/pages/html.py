"""What every HTML page gets: whitespace collapsed, assets addressed by their content."""

from __future__ import annotations

import hashlib
import re
from pathlib import Path


def fingerprint(folder: Path, path: str) -> str:
    """`path` with a query naming its content (`?v=` + 12 hex digits), so browsers may keep it.

    Material's own assets carry a hash in their names; Vigie's stylesheet and script get one
    in their address instead, and a change of content is a change of address.
    """
    digest = hashlib.sha256((folder / path).read_bytes()).hexdigest()[:12]
    return f"{path}?v={digest}"


def stamped_favicon(theme_dirs: list[str], favicon: str) -> str:
    """The theme's favicon addressed by its content, like Vigie's own assets (else as is)."""
    if "?" in favicon or "://" in favicon:
        return favicon
    for folder in theme_dirs:
        if (Path(folder) / favicon).is_file():
            return fingerprint(Path(folder), favicon)
    return favicon


# Left alone: preformatted text, and scripts (a line break may sit inside a JS string).
_KEPT_OR_INDENT = re.compile(
    r"(<(pre|textarea|script)\b.*?</\2\s*>)|\n[ \t\r\n]+", re.DOTALL | re.IGNORECASE
)


def collapse_whitespace(page_html: str) -> str:
    """`page_html` without indentation and blank lines: the same page, half a KiB lighter.

    Templates indent for their readers; browsers show a run of spaces and line breaks as one
    space, so each run that starts a line becomes a single line break.
    """
    return _KEPT_OR_INDENT.sub(lambda match: match.group(1) or "\n", page_html)


# Material 9 writes `autocomplete="off"` on its two toggles, outside any block a theme may
# override (base.html): Firefox would otherwise restore a checked toggle on reload or back
# navigation, with the menu or the search open. HTML allows the attribute on no checkbox (the
# Nu HTML Checker refuses it on every page); overriding base.html for two attributes would fork
# Material's whole page, so the attribute goes here, from exactly these two tags. Material's
# bundle closes both toggles on each instant navigation and hash change, not at load:
# vigie-search.js closes them at load instead.
_TOGGLE_AUTOCOMPLETE = re.compile(
    r'(<input class="md-toggle" data-md-toggle="(drawer|search)" type="checkbox" id="__\2")'
    r' autocomplete="off">'
)


def valid_toggles(page_html: str) -> str:
    """`page_html` without `autocomplete` on Material's drawer and search checkboxes."""
    return _TOGGLE_AUTOCOMPLETE.sub(r"\1>", page_html)
