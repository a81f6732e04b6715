"""Every public address of the site, feed link and feed id: the promise that never changes."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

if TYPE_CHECKING:
    from vigie.model import FaqEntry, Settings, Update

SITE_RSS = "feeds/rss.xml"


SITE_ATOM = "feeds/atom.xml"


SITE_JSON = "feeds/feed.json"


RSS_TYPE = "application/rss+xml"


ATOM_TYPE = "application/atom+xml"


JSON_FEED_TYPE = "application/feed+json"


def incident_feed(incident_id: str, kind: str) -> str:
    """Path of an incident's feed: `incidents/<id>/rss.xml` or `atom.xml`."""
    return f"incidents/{incident_id}/{kind}.xml"


def component_feed(component_id: str, kind: str) -> str:
    """Path of a component's feed: `components/<id>/rss.xml` or `atom.xml`."""
    return f"components/{component_id}/{kind}.xml"


def site_root(settings: Settings) -> str:
    """The site's address, ending with a slash; every public URL starts with it."""
    return settings.site_url if settings.site_url.endswith("/") else f"{settings.site_url}/"


def absolute(settings: Settings, path: str) -> str:
    """`path` (relative to the site root) as an absolute URL."""
    return f"{site_root(settings)}{path}"


def incident_page(settings: Settings, incident_id: str) -> str:
    return absolute(settings, f"incidents/{incident_id}/")


def permalink(settings: Settings, update: Update) -> str:
    """The update's permanent address: its anchor on the incident page."""
    return f"{incident_page(settings, update.incident_id)}#{update.slug}"


def domain(settings: Settings) -> str:
    """The site's domain name, from `site_url`."""
    return urlsplit(site_root(settings)).hostname or ""


def tag_uri(settings: Settings, specific: str) -> str:
    """`tag:<domain>,<year>:<specific>` (RFC 4151); the year is fixed in the settings."""
    return f"tag:{domain(settings)},{settings.tag_year}:{specific}"


def entry_id(settings: Settings, update: Update) -> str:
    """The id of an update in every feed: depends on the domain, incident id and file stem only."""
    return tag_uri(settings, f"{update.incident_id}/{update.slug}")


@dataclass(frozen=True)
class FeedLink:
    """One feed address, as shown in a page head and in the "Suivre" block."""

    label: str  # the format, as readers see it: "Flux RSS"
    title: str  # the `<link title>` feed readers show
    mime: str
    url: str  # absolute
    path: str = ""  # from the site root, for a link within the site
    short: str = ""  # the format alone: "RSS"


API_SUMMARY = "api/v2/summary.json"


FORMATS = (
    ("Flux RSS", "RSS", RSS_TYPE, "rss.xml"),
    ("Flux Atom", "Atom", ATOM_TYPE, "atom.xml"),
    ("JSON Feed", "JSON Feed", JSON_FEED_TYPE, "feed.json"),
)


def _links(
    settings: Settings, folder: str, title: str, with_json: bool = False
) -> tuple[FeedLink, ...]:
    return tuple(
        FeedLink(
            label,
            f"{title} ({short})",
            mime,
            absolute(settings, f"{folder}{name}"),
            f"{folder}{name}",
            short,
        )
        for label, short, mime, name in FORMATS
        if with_json or mime != JSON_FEED_TYPE
    )


def site_links(settings: Settings) -> tuple[FeedLink, ...]:
    """The site-wide feeds (RSS, Atom, JSON Feed), announced in every page head."""
    return _links(
        settings, "feeds/", f"{settings.site_name}, toutes les mises à jour", with_json=True
    )


def incident_links(settings: Settings, incident_id: str, title: str) -> tuple[FeedLink, ...]:
    """One incident's own feeds (RSS, Atom), announced on its page."""
    return _links(settings, f"incidents/{incident_id}/", title)


@dataclass(frozen=True)
class ComponentFeeds:
    name: str
    links: tuple[FeedLink, ...]


@dataclass(frozen=True)
class Follow:
    """Every address a subscriber may copy, for the page head and the "Suivre" block."""

    site: tuple[FeedLink, ...]
    components: tuple[ComponentFeeds, ...]
    api: str  # the Statuspage-compatible summary, for status tools
    api_path: str = API_SUMMARY  # the same, from the site root


def follow(settings: Settings) -> Follow:
    """The site-wide and per-service feeds and the API address."""
    components = tuple(
        ComponentFeeds(c.name, _links(settings, f"components/{c.id}/", c.name))
        for c in settings.components
    )
    return Follow(site_links(settings), components, absolute(settings, API_SUMMARY))


def incident_url(incident_id: str) -> str:
    return f"incidents/{incident_id}/"


def version_url(incident_id: str, number: int) -> str:
    return f"incidents/{incident_id}/versions/{number}/"


def faq_anchor(entry: FaqEntry) -> str:
    """The anchor of a question on /faq/: the incident id, then the question's id."""
    return f"{entry.incident_id}-{entry.id}" if entry.incident_id else entry.id
