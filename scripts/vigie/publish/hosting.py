"""What a static host must send with the site: security headers, caching, content types.

One set of rules, written two ways: `_headers` (Netlify, Cloudflare Pages), a file of the
built site, and an nginx `server` block (`vigie nginx-config`). Both are computed from the
built folder, because the Content-Security-Policy lists the hashes of the inline scripts the
pages carry, which exist only once the pages are rendered.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from vigie import urls
from vigie.outputs import csp
from vigie.publish import manifest

if TYPE_CHECKING:
    from collections.abc import Iterable, Mapping
    from pathlib import Path

HEADERS_FILE = "_headers"

# HTML, feeds, API, version.json: a reader sees a new update within 5 minutes at most, and a
# cache (browser or CDN) asks the server again once that time is up.
SHORT_CACHE = "public, max-age=300, must-revalidate"
# Files whose name holds a hash of their content never change at that address.
LONG_CACHE = "public, max-age=31536000, immutable"
# Material's bundles: assets/stylesheets/main.57a0d79d.min.css, bundle.a5f9d56c.min.js…
FINGERPRINTED = re.compile(
    r"^assets/(?:stylesheets|javascripts)/(?:[^/]+/)*[^/]+\.[0-9a-f]{8,}\.min\.(?:css|js)(?:\.map)?$"
)
_FINGERPRINTED_NGINX = (
    r"/assets/(?:stylesheets|javascripts)/.+\.[0-9a-f]{8,}\.min\.(?:css|js)(?:\.map)?$"
)

# Types the hosts do not guess from the extension: nginx serves .xml as text/xml and knows
# no .ics. (.json and .svg are right everywhere: application/json, image/svg+xml; JSON is
# UTF-8 by definition and has no charset parameter.)
NAMED_TYPES = {
    "rss.xml": "application/rss+xml",
    "atom.xml": "application/atom+xml",
    "feed.json": "application/feed+json",
}
EXTENSION_TYPES = {".ics": "text/calendar"}
# Text formats whose charset is said in the header (the feeds also say it in their XML).
UTF8_TYPES = ("application/rss+xml", "application/atom+xml", "text/calendar")
CHARSET_TYPES = " ".join(
    ("text/css", "text/plain", "text/xml", "application/javascript", *UTF8_TYPES)
)
GZIP_TYPES = (
    "text/css text/plain text/xml text/calendar application/xml application/javascript "
    "application/json application/feed+json application/rss+xml application/atom+xml "
    "image/svg+xml"
)

PERMISSIONS_POLICY = ", ".join(
    f"{feature}=()"
    for feature in (
        "accelerometer",
        "autoplay",
        "browsing-topics",
        "camera",
        "display-capture",
        "geolocation",
        "gyroscope",
        "magnetometer",
        "microphone",
        "midi",
        "payment",
        "usb",
    )
)


def security_headers(policy: str) -> tuple[tuple[str, str], ...]:
    """The headers every response carries, whatever the file."""
    return (
        ("Content-Security-Policy", policy),
        # One year, this host only: the organisation's other subdomains may not all be HTTPS.
        ("Strict-Transport-Security", "max-age=31536000"),
        ("X-Content-Type-Options", "nosniff"),
        # Sites the notice links to (cnil.fr…) need not learn who read it.
        ("Referrer-Policy", "no-referrer"),
        ("Permissions-Policy", PERMISSIONS_POLICY),
        ("X-Frame-Options", "DENY"),
    )


def content_security_policy(site_dir: Path) -> str:
    """The Content-Security-Policy header for the site built in `site_dir`.

    The policy the build wrote (`csp.txt`: the security module's, with the hashes of every
    inline script of every page); for a site built before that file existed, the same
    policy computed from its pages.
    """
    written = site_dir / csp.POLICY_FILE
    if written.is_file():
        return written.read_text(encoding="utf-8").strip()
    code = csp.InlineCode()
    for page in sorted(site_dir.rglob("*.html")):
        code.update(csp.inline_code(page.read_text(encoding="utf-8")))
    return csp.policy(code)


def content_type(path: str) -> str | None:
    """The Content-Type a host must be told for `path`, or None when its default is right."""
    name = path.rsplit("/", 1)[-1]
    mime = NAMED_TYPES.get(name) or next(
        (mime for extension, mime in EXTENSION_TYPES.items() if name.endswith(extension)), None
    )
    return f"{mime}; charset=utf-8" if mime in UTF8_TYPES else mime


# A bucket sends the Content-Type stored with each object and guesses none from the name
# (S3 stores binary/octet-stream): every kind of file a site holds, as nginx types it.
STORED_TYPES = {
    ".html": "text/html",
    ".css": "text/css",
    ".js": "application/javascript",
    ".json": "application/json",
    ".map": "application/json",
    ".svg": "image/svg+xml",
    ".xml": "text/xml",
    ".txt": "text/plain",
    ".png": "image/png",
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".webp": "image/webp",
    ".ico": "image/x-icon",
    ".gz": "application/gzip",
    ".pdf": "application/pdf",
    ".woff": "font/woff",
    ".woff2": "font/woff2",
    ".webmanifest": "application/manifest+json",
}
STORED_DEFAULT = "application/octet-stream"


def stored_type(path: str) -> str:
    """The Content-Type an object store must keep with `path`: the host rules above, then
    the type of its extension, with `charset=utf-8` for text (HTML, CSS, JS, XML, text)."""
    named = content_type(path)
    if named:
        return named
    name = path.rsplit("/", 1)[-1]
    extension = "." + name.rsplit(".", 1)[-1].lower() if "." in name else ""
    mime = STORED_TYPES.get(extension, STORED_DEFAULT)
    return (
        f"{mime}; charset=utf-8" if mime == "text/html" or mime in CHARSET_TYPES.split() else mime
    )


def cache_control(path: str) -> str:
    """The Cache-Control of `path`: a year for fingerprinted files, 5 minutes for the rest."""
    return LONG_CACHE if FINGERPRINTED.match(path) else SHORT_CACHE


def _pattern(path: str) -> str:
    # One rule for every incident's (or service's) feed, whatever the number of incidents:
    # Cloudflare Pages accepts at most 100 rules.
    return "/" + re.sub(r"^(incidents|components)/[^/]+/", r"\1/:id/", path)


def headers_file(policy: str, files: Iterable[str]) -> str:
    """The `_headers` file (Netlify and Cloudflare Pages syntax) for a site of these `files`.

    Both hosts apply every rule that matches a path and Cloudflare joins repeated headers
    with commas, so no header appears in two rules matching the same file. Cache-Control is
    set on fingerprinted files only: for all others both hosts send `max-age=0,
    must-revalidate`, stricter than the 5 minutes nginx allows.
    """
    files = sorted(files)
    lines = [
        "# En-têtes HTTP pour Netlify et Cloudflare Pages, générés par Vigie (vigie build).",
        "/*",
    ]
    lines += [f"  {name}: {value}" for name, value in security_headers(policy)]
    for path in (p for p in files if FINGERPRINTED.match(p)):
        lines += [f"/{path}", f"  Cache-Control: {LONG_CACHE}"]
    typed: dict[str, str] = {}
    for path in files:
        mime = content_type(path)
        if mime:
            typed.setdefault(_pattern(path), mime)
    for pattern, mime in sorted(typed.items()):
        lines += [pattern, f"  Content-Type: {mime}"]
    return "\n".join(lines) + "\n"


def finish_site(
    site_dir: Path,
    inline_code: csp.InlineCode,
    version: manifest.SiteVersion | None,
    written: Mapping[str, tuple[int, str]],
) -> int:
    """Write the files that need all the others, once every page is written; how many files
    the site then holds.

    `csp.txt`: the policy needs the hashes of the inline code of every page. `_headers`
    (Netlify, Cloudflare Pages) carries that policy. `version.json`, unless `version` is None
    (a preview, which `vigie deploy` must refuse): the bytes of every file (`written`: those
    the build wrote from bytes it had checked, not read again). The site's files are listed
    once for both (14,000 at 1,000 incidents).
    """
    csp.write_policy(site_dir, inline_code)
    files = [name for name in manifest.site_files(site_dir) if name != HEADERS_FILE]
    text = headers_file(csp.policy(inline_code), files)
    (site_dir / HEADERS_FILE).write_text(text, encoding="utf-8")
    files.append(HEADERS_FILE)
    if version is None:
        return len(files)
    return manifest.write_manifest(site_dir, version, written, files)


def policy_in(site_dir: Path) -> str | None:
    """The Content-Security-Policy written in a built site's `_headers`, if any."""
    path = site_dir / HEADERS_FILE
    if not path.is_file():
        return None
    for line in path.read_text(encoding="utf-8").splitlines():
        name, _, value = line.strip().partition(": ")
        if name == "Content-Security-Policy":
            return value
    return None


def _quote(value: str) -> str:
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _add_headers(policy: str, cache: str, indent: str) -> list[str]:
    headers = (*security_headers(policy), ("Cache-Control", cache))
    # `always`: on 404 and redirects too.
    return [f"{indent}add_header {name} {_quote(value)} always;" for name, value in headers]


def _typed_location(pattern: str, mime: str, policy: str) -> list[str]:
    # A location with its own add_header inherits none from above: repeat them all.
    return [
        f'        location ~ "{pattern}" {{',  # quoted, backslashes as they are
        "            types { }",
        f"            default_type {_quote(mime)};",
        *_add_headers(policy, SHORT_CACHE, " " * 12),
        "        }",
    ]


def nginx_server(
    site_url: str,
    root: str,
    policy: str,
    *,
    listen: str = "443 ssl",
    server_name: str | None = None,
) -> str:
    """An nginx `server` block serving `root` (the `current` link) at `site_url`'s path."""
    prefix = urls.served_path(site_url)
    host = server_name or urls.host(site_url) or "_"
    tls = "ssl" in listen.split()
    lines = [
        f"# Vigie : configuration nginx pour {site_url}, générée par « vigie nginx-config ».",
        "# À placer dans le bloc http { } (Debian : /etc/nginx/sites-available/vigie, lié dans",
        "# sites-enabled/), puis : nginx -t && systemctl reload nginx. À régénérer quand",
        "# « vigie deploy dir » annonce que la politique de sécurité a changé.",
    ]
    if tls:
        lines += [
            "server {",
            "    listen 80;",
            *(["    listen [::]:80;"] if listen.split()[0].isdigit() else []),
            f"    server_name {host};",
            "    return 301 https://$host$request_uri;",
            "}",
            "",
        ]
    lines += ["server {", f"    listen {listen};"]
    if tls:
        lines += [
            *([f"    listen [::]:{listen};"] if listen.split()[0].isdigit() else []),
            f"    ssl_certificate /etc/letsencrypt/live/{host}/fullchain.pem;",
            f"    ssl_certificate_key /etc/letsencrypt/live/{host}/privkey.pem;",
        ]
    lines += [
        f"    server_name {host};",
        "    server_tokens off;",
        "    absolute_redirect off;",
        "    # Every request follows the `current` link anew: a cache of open files would keep",
        "    # serving the previous release for a while after a deploy.",
        "    open_file_cache off;",
        "    charset utf-8;",
        f"    charset_types {CHARSET_TYPES};",
        "    gzip on;",
        "    gzip_vary on;",
        "    gzip_min_length 256;",
        f"    gzip_types {GZIP_TYPES};",
        f"    error_page 404 {prefix}404.html;",
        *_add_headers(policy, SHORT_CACHE, "    "),
        "",
    ]
    if prefix != "/":
        lines += [
            f"    location = {prefix.rstrip('/')} {{",
            f"        return 301 {prefix};",
            "    }",
        ]
    where = f"alias {root.rstrip('/')}/;" if prefix != "/" else f"root {root.rstrip('/')};"
    fingerprinted = f"^{re.escape(prefix.rstrip('/'))}{_FINGERPRINTED_NGINX}"
    lines += [
        f"    location {prefix} {{",
        f"        {where}",
        "        index index.html;",
        # Quoted: nginx would read the braces of {8,} as a block.
        f'        location ~ "{fingerprinted}" {{',
        *_add_headers(policy, LONG_CACHE, " " * 12),
        "        }",
    ]
    for name, mime in NAMED_TYPES.items():
        lines += _typed_location(f"/{re.escape(name)}$", mime, policy)
    for extension, mime in EXTENSION_TYPES.items():
        lines += _typed_location(f"{re.escape(extension)}$", mime, policy)
    lines += ["    }", "}"]
    return "\n".join(lines) + "\n"
