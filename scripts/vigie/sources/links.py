"""Judge where staff's links lead: the scheme, the host, and the address a link's text shows.

A link may lead to a page of the site, an e-mail address, a phone number, or over https
to a host the settings allow (`own_domains`, the host of `site_url`, `link_hosts`); never
to a script, an IP address, a look-alike or punycode host, or a URL shortener. An image
comes from the site itself. Addresses are read as a browser reads them, however they are
split, spaced or cased.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING
from urllib.parse import unquote, urljoin

from vigie import messages as msg

if TYPE_CHECKING:
    from collections.abc import Iterator

    from vigie.model import Settings

SCRIPT_SCHEMES = ("javascript", "vbscript", "data")
URL_SHORTENERS = frozenset(
    {
        "bit.ly",
        "bitly.com",
        "tinyurl.com",
        "t.co",
        "goo.gl",
        "ow.ly",
        "is.gd",
        "v.gd",
        "buff.ly",
        "cutt.ly",
        "rebrand.ly",
        "tiny.cc",
        "shorturl.at",
        "rb.gy",
        "t.ly",
        "s.id",
        "bl.ink",
        "lnkd.in",
        "qrco.de",
        "short.io",
        "shorte.st",
        "adf.ly",
        "urlz.fr",
        "me.qr",
    }
)
HOSTNAME = re.compile(r"^[a-z0-9](?:[a-z0-9-]*[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]*[a-z0-9])?)+$")
_NUMERIC_LABEL = re.compile(r"^(?:\d+|0x[0-9a-f]*)$")  # WHATWG: such a host is an IPv4 address
_C0_AND_SPACE = "".join(chr(code) for code in range(0x21))  # what browsers trim from URLs
_TAB_AND_NEWLINES = dict.fromkeys((0x09, 0x0A, 0x0D))  # what browsers remove inside URLs
_SCHEME = re.compile(r"^([a-zA-Z][a-zA-Z0-9+.\-]*):")
_CONTROL_OR_SPACE = re.compile(r"[\x00-\x20\x7f]+")
_BARE_URL = re.compile(r"(?i)\bhttps?://[^\s<>\"'\]]+")  # an address a reader may copy
_ADDRESS_TEXT = re.compile(
    r"^(?:[a-z][a-z0-9+.-]*://|www\.)?(?:[^\s/@:]+@)?(?P<host>(?:[\w-]+\.)+[^\W\d_]{2,})"
    r"(?::\d+)?(?:[/?#]\S*)?$",
    re.IGNORECASE,
)
_EMAIL_TEXT = re.compile(r"^(?:mailto:)?(?P<address>[^\s@/]+@[\w.-]+\.\w{2,})$", re.IGNORECASE)
_TRIM = " \t\n«»\"'()[]<>.,;:!?"


@dataclass(frozen=True)
class LinkPolicy:
    """Where links may lead: the allowed hosts (with their subdomains) and the site's own."""

    allowed_hosts: tuple[str, ...]
    own_hosts: tuple[str, ...]
    # The site's own pages, for the links written from its root (none known: not judged).
    served_path: str = "/"  # where the site is served: its pages' links start with it
    incidents: tuple[str, ...] = ()  # every incident's id: `/incidents/<id>/` exists
    questions: tuple[str, ...] = ()  # every anchor of /faq/
    drafts: tuple[str, ...] = ()  # the incidents not published: no text but a draft links them

    def allows(self, host: str) -> bool:
        """True when `host` is an allowed host or one of its subdomains."""
        return any(
            host == allowed or host.endswith(f".{allowed}") for allowed in self.allowed_hosts
        )

    def is_own(self, host: str) -> bool:
        """True when `host` is the site's or the organisation's own."""
        return any(host == own or host.endswith(f".{own}") for own in self.own_hosts)


# A text holding none of these links no incident, draft or question: whether it is allowed
# does not depend on which exist (escapes and entities could spell a link to one).
_LISTED_PAGE_SIGNS = ("incident", "faq", "question", "#", "%", "&", "\\")


def may_link_listed_pages(text: str) -> bool:
    """False when `text` can link none of the pages the policy lists (incidents, questions)."""
    lowered = text.lower()
    return any(sign in lowered for sign in _LISTED_PAGE_SIGNS)


def link_policy(settings: Settings) -> LinkPolicy:
    """The link allowlist: own domains, the host of `site_url`, then `link_hosts`."""
    site_host = url_host(settings.site_url) or ""
    own = tuple(dict.fromkeys(h.lower() for h in (*settings.own_domains, site_host) if h))
    allowed = tuple(dict.fromkeys((*own, *(h.lower() for h in settings.link_hosts))))
    return LinkPolicy(allowed, own)


def url_scheme(url: str) -> str | None:
    """The scheme a browser would see in `url` (lower case), however it is split or cased."""
    cleaned = url.strip(_C0_AND_SPACE).translate(_TAB_AND_NEWLINES)
    compact = _CONTROL_OR_SPACE.sub("", url).lower()
    for scheme in SCRIPT_SCHEMES:  # stricter than browsers: any hidden spacing still counts
        if compact.startswith(f"{scheme}:"):
            return scheme
    match = _SCHEME.match(cleaned)
    return match.group(1).lower() if match else None


def _authority(url: str) -> tuple[str | None, str]:
    """The scheme (None for relative) and the authority of `url`, as a browser reads them."""
    cleaned = _CONTROL_OR_SPACE.sub("", url).replace("\\", "/")
    scheme = url_scheme(url)
    if scheme in ("http", "https"):
        rest = cleaned[len(scheme) + 1 :].lstrip("/")
    elif scheme is None and cleaned.startswith("//"):
        scheme, rest = "https", cleaned.lstrip("/")
    else:
        return scheme, ""
    return scheme, re.split(r"[/?#]", rest, maxsplit=1)[0]


def url_host(url: str) -> str | None:
    """The host of an absolute http(s) or protocol-relative `url`, lower case; else None."""
    scheme, authority = _authority(url)
    if scheme not in ("http", "https") or not authority:
        return None
    host = authority.rsplit("@", 1)[-1]
    host = host if host.startswith("[") else host.split(":", 1)[0]
    return host.lower().rstrip(".")


def host_problem(host: str, url: str, policy: LinkPolicy) -> str | None:
    """Why a link may not lead to `host`, or None when it may."""
    labels = host.split(".")
    if host.startswith("[") or _NUMERIC_LABEL.match(labels[-1]):
        return msg.LINK_IP.format(host=host)
    if not host.isascii():
        return msg.LINK_NON_ASCII.format(host=host)
    if any(label.startswith("xn--") for label in labels):
        return msg.LINK_PUNYCODE.format(host=host)
    if not HOSTNAME.match(host):
        return msg.LINK_BAD_HOST.format(url=url, host=host)
    if any(host == s or host.endswith(f".{s}") for s in URL_SHORTENERS):
        return msg.LINK_SHORTENER.format(url=url, host=host)
    if not policy.allows(host):
        return msg.LINK_NOT_ALLOWED.format(host=host, allowed=", ".join(policy.allowed_hosts))
    return None


def link_problems(url: str, policy: LinkPolicy, *, image: bool = False) -> list[str]:
    """Every reason why `url` may not be a link (or an image) on the site."""
    scheme, authority = _authority(url)
    if scheme in SCRIPT_SCHEMES:
        where = msg.WHERE_IMAGE if image else msg.WHERE_LINK
        return [msg.SCRIPT_URL.format(scheme=scheme, where=where)]
    if scheme is None and not authority:
        return []  # a page of the site
    if scheme in ("mailto", "tel") and not image:
        return []
    if scheme not in ("http", "https"):
        where = msg.WHERE_IMAGE if image else msg.WHERE_LINK
        return [msg.SCHEME_NOT_ALLOWED.format(scheme=scheme, where=where)]
    if image:
        return [msg.IMAGE_EXTERNAL.format(url=url)]
    problems = [msg.LINK_HTTP.format(url=url)] if scheme == "http" else []
    host = url_host(url) or ""
    if "@" in authority:
        problems.append(msg.LINK_USERINFO.format(url=url, host=host))
    elif not host:
        problems.append(msg.LINK_BAD_HOST.format(url=url, host=host))
    elif problem := host_problem(host, url, policy):
        problems.append(problem)
    return problems


def _without_www(host: str) -> str:
    return host.lower().removeprefix("www.")


def link_text_problem(text: str, url: str, policy: LinkPolicy) -> str | None:
    """A problem when the link's text shows an address other than where the link leads."""
    shown = " ".join(text.split()).strip(_TRIM)
    if not shown or len(shown) > 200:
        return None
    scheme = url_scheme(url)
    if email := _EMAIL_TEXT.match(shown):
        target = _CONTROL_OR_SPACE.sub("", url)
        address = target[len("mailto:") :].split("?", 1)[0] if scheme == "mailto" else ""
        same = address.lower() == email.group("address").lower()
        return None if same else msg.LINK_TEXT_MISMATCH.format(text=shown, target=url)
    address_match = _ADDRESS_TEXT.match(shown)
    if not address_match:
        return None
    shown_host = _without_www(address_match.group("host"))
    target_host = url_host(url)
    if target_host is not None:
        same = shown_host == _without_www(target_host)
    elif scheme is None and not _authority(url)[1]:
        same = policy.is_own(shown_host)  # a page of the site, shown as the site's own name
    else:
        same = False
    return None if same else msg.LINK_TEXT_MISMATCH.format(text=shown, target=url)


_ANYWHERE = "https://site.invalid/"  # a root to resolve site paths against, then drop


def relative_link_problem(url: str, pages: tuple[str, ...]) -> str | None:
    """A problem when the relative `url` leads elsewhere on some of the `pages` showing it.

    `pages` are the folders of the pages that show the text, from the site root (the first
    is where staff read it). A page of the site written from its root (`/incidents/x/`)
    or an anchor of the page itself (`#x`) leads to the same place everywhere.
    """
    cleaned = _CONTROL_OR_SPACE.sub("", url).replace("\\", "/")
    if len(pages) < 2 or url_scheme(url) or cleaned.startswith(("/", "#")):
        return None
    targets = [urljoin(f"{_ANYWHERE}{page}", cleaned) for page in pages]
    if len(set(targets)) == 1:
        return None
    absolute = "/" + targets[0].removeprefix(_ANYWHERE)
    return msg.LINK_RELATIVE.format(url=url, absolute=absolute)


def site_link_problem(url: str, policy: LinkPolicy) -> str | None:
    """A problem when `url`, from the site's root, names an incident or a question not there.

    `url` is as rendered, under `policy.served_path`; it is told as staff wrote it.
    """
    cleaned = _CONTROL_OR_SPACE.sub("", url).replace("\\", "/")
    if not policy.incidents or not cleaned.startswith("/") or cleaned.startswith("//"):
        return None
    written = "/" + cleaned.removeprefix(policy.served_path).lstrip("/")
    path, _, fragment = written.partition("#")
    parts = unquote(path.split("?", 1)[0]).split("/")  # "", "incidents", "<id>", ...
    if parts[1:] in (["incidents", ""], ["incidents"]):
        return msg.LINK_NO_INCIDENTS_PAGE.format(url=written)
    if len(parts) > 2 and parts[1] == "incidents" and parts[2] not in policy.incidents:
        known = list(policy.incidents)
        hint = msg.unknown_name_hint(parts[2], known, msg.KNOWN_INCIDENTS)
        return msg.LINK_NO_INCIDENT.format(url=written, id=parts[2], hint=hint)
    if len(parts) > 2 and parts[1] == "incidents" and parts[2] in policy.drafts:
        return msg.LINK_DRAFT_INCIDENT.format(url=written, id=parts[2])
    anchor = unquote(fragment)
    if parts[1:] in (["faq", ""], ["faq"]) and anchor and anchor not in policy.questions:
        hint = msg.unknown_name_hint(anchor, list(policy.questions), msg.KNOWN_QUESTIONS)
        return msg.LINK_NO_QUESTION.format(url=written, anchor=anchor, hint=hint)
    return None


def bare_urls(text: str) -> Iterator[str]:
    """The http(s) addresses written out in plain text, as a reader would copy them."""
    for match in _BARE_URL.finditer(text):
        url = match.group().rstrip(_TRIM)
        if url_host(url):  # "https://" alone, as in advice about addresses, is no address
            yield url
