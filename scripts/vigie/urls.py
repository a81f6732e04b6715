"""Every public address of the site, feed link and feed id: the promise that never changes.

In this order: the pages (paths from the site root, as MkDocs' `url` filter takes them),
the files written beside them, the one normalised site root and the absolute URLs made from
it, the anchors that links and feeds point to, the feed ids, then the feed links pages show.
No other module spells these patterns: `site_tests/test_urls.py` keeps it so.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from vigie import french

if TYPE_CHECKING:
    from vigie.model import FaqEntry, FraudulentMessage, Settings, Update

# Pages, from the site root.

FAQ_PAGE = "faq/"
PROTECT_PAGE = "se-proteger/"  # the hand-written « Se protéger » page (pages/se-proteger.md)


def _at(path: str, anchor: str) -> str:
    return f"{path}#{anchor}" if anchor else path


def incident_url(incident_id: str, anchor: str = "") -> str:
    """An incident's page, `incidents/<id>/`, at `anchor` when given."""
    return _at(f"incidents/{incident_id}/", anchor)


def version_url(incident_id: str, number: int, anchor: str = "") -> str:
    """A permanent version of a notice, `incidents/<id>/versions/<n>/`, at `anchor` when given."""
    return _at(f"{incident_url(incident_id)}versions/{number}/", anchor)


def faq_url(entry: FaqEntry) -> str:
    """Where a question is answered: its anchor on `faq/`."""
    return _at(FAQ_PAGE, faq_anchor(entry))


def incident_source(incident_id: str) -> str:
    """The Markdown file MkDocs turns into an incident's page."""
    return f"{incident_url(incident_id)}index.md"


def version_source(incident_id: str, number: int) -> str:
    """The Markdown file MkDocs turns into a permanent version of a notice."""
    return f"{incident_url(incident_id)}versions/{number}.md"


# Files written beside the pages, from the site root.

SITE_FEEDS = "feeds/"
RSS_FILE = "rss.xml"
ATOM_FILE = "atom.xml"
JSON_FEED_FILE = "feed.json"
SITE_JSON = f"{SITE_FEEDS}{JSON_FEED_FILE}"
CALENDAR = f"{SITE_FEEDS}maintenances.ics"
SECURITY_TXT = ".well-known/security.txt"
PUBLISHED_RECORD = "published.json"  # what the build made public (outputs/published.py)
SITE_BADGE = "badge.svg"

API = "api/v2/"
API_SUMMARY = f"{API}summary.json"
API_STATUS = f"{API}status.json"
API_COMPONENTS = f"{API}components.json"
API_INCIDENTS = f"{API}incidents.json"
API_UNRESOLVED = f"{API}incidents/unresolved.json"
API_MAINTENANCES = f"{API}scheduled-maintenances.json"
API_UPCOMING = f"{API}scheduled-maintenances/upcoming.json"
API_ACTIVE = f"{API}scheduled-maintenances/active.json"


def incident_feeds(incident_id: str) -> str:
    """The folder of an incident's feeds: its page's folder."""
    return incident_url(incident_id)


def component_feeds(component_id: str) -> str:
    """The folder of a service's feeds and badge: `components/<id>/`."""
    return f"components/{component_id}/"


def incident_feed(incident_id: str, kind: str) -> str:
    """Path of an incident's feed: `incidents/<id>/rss.xml` or `atom.xml`."""
    return f"{incident_feeds(incident_id)}{kind}.xml"


def component_badge(component_id: str) -> str:
    """Path of a service's badge: `components/<id>/badge.svg`."""
    return f"{component_feeds(component_id)}badge.svg"


def notice_json(incident_id: str) -> str:
    """Path of an incident's machine-readable notice: `incidents/<id>/notice.json`."""
    return f"{incident_url(incident_id)}notice.json"


# Absolute URLs, from the one normalised site root.


def normalised(site_url: str) -> str:
    """`site_url` ending with exactly one slash: the only normalisation of the site's address."""
    return f"{site_url.rstrip('/')}/"


def host(site_url: str) -> str:
    """The host name of `site_url`, lower case; empty when it has none."""
    return urlsplit(normalised(site_url)).hostname or ""


def served_path(site_url: str) -> str:
    """The path the site is served at: `/`, or `/statut/` for `https://example.org/statut`."""
    return urlsplit(normalised(site_url)).path or "/"


def site_root(settings: Settings) -> str:
    """The site's address, ending with a slash; every public URL starts with it."""
    return normalised(settings.site_url)


def site_address(settings: Settings) -> str:
    """The site's address without the final slash, as Statuspage gives a page's `url`."""
    return site_root(settings).removesuffix("/")


def domain(settings: Settings) -> str:
    """The site's domain name, from `site_url`."""
    return host(settings.site_url)


def absolute(settings: Settings, path: str) -> str:
    """`path` (relative to the site root) as an absolute URL."""
    return f"{site_root(settings)}{path}"


def incident_page(settings: Settings, incident_id: str, anchor: str = "") -> str:
    """The absolute URL of an incident's page, at `anchor` when given."""
    return absolute(settings, incident_url(incident_id, anchor))


def permalink(settings: Settings, update: Update) -> str:
    """The update's permanent address: its anchor on the incident page."""
    return incident_page(settings, update.incident_id, update_anchor(update))


# Anchors.

VERSIONS_ANCHOR = "versions"  # the version history, on the newest version's page
MESSAGES_ANCHOR = "messages-officiels"  # the register of messages sent, on an incident page
FRAUD_ANCHOR = "messages-frauduleux"  # the fraudulent messages reported, on an incident page
FOLLOW_ANCHOR = "suivre"  # how to follow the site, on the home page
ADVICE_ANCHOR = "ce-que-vous-devez-faire"  # « Ce que vous devez faire », on an incident page


def update_anchor(update: Update) -> str:
    """An update's anchor, on its incident page and its version pages: its file stem."""
    return update.slug


def fraud_anchor(message: FraudulentMessage) -> str:
    """A reported fraudulent message's anchor, on its incident page and « Se protéger »."""
    return f"frauduleux-{message.id}"


def faq_anchor(entry: FaqEntry) -> str:
    """The anchor of a question on /faq/: the incident id, then the question's id."""
    return f"{entry.incident_id}-{entry.id}" if entry.incident_id else entry.id


def incident_faq_anchor(entry: FaqEntry) -> str:
    """The anchor an incident page keeps for each of its questions: `faq-<id>`."""
    return f"faq-{entry.id}"


@dataclass(frozen=True)
class Anchors:
    """The fixed anchors, for the templates that set them."""

    versions: str = VERSIONS_ANCHOR
    messages: str = MESSAGES_ANCHOR
    fraud: str = FRAUD_ANCHOR
    follow: str = FOLLOW_ANCHOR
    advice: str = ADVICE_ANCHOR


ANCHORS = Anchors()


# Feed ids: they depend on the domain and the fixed `tag_year` only, never on a date.


def tag_uri(settings: Settings, specific: str) -> str:
    """`tag:<domain>,<year>:<specific>` (RFC 4151); the year is fixed in the settings."""
    return f"tag:{domain(settings)},{settings.tag_year}:{specific}"


def entry_id(settings: Settings, update: Update) -> str:
    """The id of an update in every feed: depends on the domain, incident id and file stem only."""
    return tag_uri(settings, f"{update.incident_id}/{update.slug}")


def communication_id(settings: Settings, incident_id: str, message_id: str) -> str:
    """The feed id of a message sent to members."""
    return tag_uri(settings, f"{incident_id}/communications/{message_id}")


def fraud_id(settings: Settings, incident_id: str, message_id: str) -> str:
    """The feed id of a reported fraudulent message (never a message of ours)."""
    return tag_uri(settings, f"{incident_id}/messages-frauduleux/{message_id}")


def site_feed_id(settings: Settings) -> str:
    """The id of the site-wide feed."""
    return tag_uri(settings, "feed/site")


def incident_feed_id(settings: Settings, incident_id: str) -> str:
    """The id of an incident's feed."""
    return tag_uri(settings, f"feed/incident/{incident_id}")


def component_feed_id(settings: Settings, component_id: str) -> str:
    """The id of a service's feed."""
    return tag_uri(settings, f"feed/component/{component_id}")


def calendar_uid(settings: Settings, incident_id: str) -> str:
    """The iCalendar UID of a planned maintenance: `<incident id>@<domain>`."""
    return f"{incident_id}@{domain(settings)}"


# Feed links, as pages show them.

RSS_TYPE = "application/rss+xml"
ATOM_TYPE = "application/atom+xml"
JSON_FEED_TYPE = "application/feed+json"

FORMATS = (
    ("RSS", RSS_TYPE, RSS_FILE),
    ("Atom", ATOM_TYPE, ATOM_FILE),
    ("JSON Feed", JSON_FEED_TYPE, JSON_FEED_FILE),
)


@dataclass(frozen=True)
class FeedLink:
    """One feed address, as shown in a page head and in the "Suivre" block."""

    label: str  # the format, as readers see it: "Flux RSS"
    title: str  # the `<link title>` feed readers show
    mime: str
    url: str  # absolute
    path: str = ""  # from the site root, for a link within the site
    short: str = ""  # the format alone: "RSS"


def _links(
    settings: Settings, folder: str, title: str, with_json: bool = False
) -> tuple[FeedLink, ...]:
    return tuple(
        FeedLink(
            french.FEED_LABELS[short],
            f"{title} ({short})",
            mime,
            absolute(settings, f"{folder}{name}"),
            f"{folder}{name}",
            short,
        )
        for short, mime, name in FORMATS
        if with_json or mime != JSON_FEED_TYPE
    )


def site_links(settings: Settings) -> tuple[FeedLink, ...]:
    """The site-wide feeds (RSS, Atom, JSON Feed), announced in every page head."""
    return _links(settings, SITE_FEEDS, french.site_feeds_title(settings.site_name), with_json=True)


def incident_links(settings: Settings, incident_id: str, title: str) -> tuple[FeedLink, ...]:
    """One incident's own feeds (RSS, Atom), announced on its page."""
    return _links(settings, incident_feeds(incident_id), title)


@dataclass(frozen=True)
class ComponentFeeds:
    """One service's feeds, under its name."""

    name: str
    links: tuple[FeedLink, ...]


@dataclass(frozen=True)
class Follow:
    """Every address a subscriber may copy, for the page head and the "Suivre" block."""

    site: tuple[FeedLink, ...]
    components: tuple[ComponentFeeds, ...]
    api: str  # the Statuspage-compatible summary, for status tools
    api_path: str = API_SUMMARY  # the same, from the site root
    calendar_path: str = CALENDAR  # planned maintenance, for calendar apps


def follow(settings: Settings) -> Follow:
    """The site-wide and per-service feeds and the API address."""
    components = tuple(
        ComponentFeeds(c.name, _links(settings, component_feeds(c.id), c.name))
        for c in settings.components
    )
    return Follow(site_links(settings), components, absolute(settings, API_SUMMARY))
