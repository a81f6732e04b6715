"""RSS, Atom and JSON Feed: one entry per published update, with an id that never changes.

Everything here is a pure function of the derived model (`vigie.derive.SiteView`): the
plugin only registers the bytes returned by `files()`. Dates come from the updates, never
from the clock, so the same sources give the same bytes.
"""

from __future__ import annotations

import html
import json
import re
from dataclasses import dataclass, field
from datetime import date, datetime
from functools import cached_property, partial
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from feedgen.feed import FeedGenerator

from vigie import french
from vigie.cache import fingerprint
from vigie.outputs.feedtext import absolute_urls, plain_text, with_rss_hubs
from vigie.sources.fraud import defang, pieces
from vigie.urls import (
    ATOM_FILE,
    ATOM_TYPE,
    MESSAGES_ANCHOR,
    RSS_FILE,
    RSS_TYPE,
    SITE_FEEDS,
    SITE_JSON,
    absolute,
    communication_id,
    component_feed_id,
    component_feeds,
    entry_id,
    fraud_anchor,
    fraud_id,
    incident_feed_id,
    incident_feeds,
    incident_page,
    permalink,
    site_feed_id,
    site_root,
)

if TYPE_CHECKING:
    from collections.abc import Callable, Iterable

    from vigie.derive import IncidentView, SiteView
    from vigie.memo import Memo
    from vigie.model import Communication, FraudulentMessage, Settings, Update

    MarkdownToHtml = Callable[[str], str]


JSON_FEED_VERSION = "https://jsonfeed.org/version/1.1"


def epoch(settings: Settings) -> datetime:
    """The date given when nothing has been published yet: 1 January of `tag_year`."""
    return datetime(settings.tag_year, 1, 1, tzinfo=ZoneInfo(settings.timezone))


@dataclass(frozen=True)
class Entry:
    """One published update, ready for any feed format."""

    id: str
    url: str
    title: str
    # Its HTML and summary, made when first read: of a long history's ten thousand entries,
    # the feeds show the newest few and those of the incidents whose feeds are made again.
    texts: Callable[[], tuple[str, str]] = field(repr=False, compare=False)
    published: datetime  # in the site's time zone
    updated: datetime  # the last correction, or `published`
    # The update's status, "communication" for a message sent to members, or "fraud" for a
    # fraudulent message reported (never ours: its title says so).
    category: str
    category_label: str
    incident_id: str
    slug: str

    @property
    def order(self) -> tuple[datetime, str, str]:
        return (self.published, self.incident_id, self.slug)

    @cached_property
    def _texts(self) -> tuple[str, str]:
        return self.texts()

    @property
    def content_html(self) -> str:
        return self._texts[0]

    @property
    def summary(self) -> str:
        return self._texts[1]


@dataclass(frozen=True)
class Feed:
    """One feed, whatever its formats: who it is for and its entries, newest first."""

    id: str
    title: str
    description: str
    page_url: str  # the HTML page the feed follows
    entries: tuple[Entry, ...]
    updated: datetime


def kept_text(kept: Memo | None, kind: str, make: Callable[..., str], *args: str) -> str:
    """`make(*args)`, taken from `kept` when an earlier build made it from the same text."""
    if kept is None:
        return make(*args)
    return kept.made(fingerprint(kind, *args), partial(make, *args), str)


def entry_title(incident_title: str, update: Update) -> str:
    """<incident title> — <status in French> : <update title>."""
    return f"{incident_title} — {french.STATUS[update.status]} : {update.title}"


def entry(
    view: IncidentView,
    update: Update,
    settings: Settings,
    markdown: MarkdownToHtml,
    kept: Memo | None = None,
) -> Entry:
    """The feed entry of one published update (`kept`: texts made by earlier builds)."""
    page = incident_page(settings, view.incident.id)
    published = french.local(update.date, settings.timezone)
    updated = max((update.date, *(c.date for c in update.corrections)))
    return Entry(
        id=entry_id(settings, update),
        url=permalink(settings, update),
        title=entry_title(view.incident.title, update),
        texts=partial(_update_texts, update.body, page, markdown, kept),
        published=published,
        updated=french.local(updated, settings.timezone),
        category=update.status.value,
        category_label=french.STATUS[update.status],
        incident_id=view.incident.id,
        slug=update.slug,
    )


def _update_texts(
    body: str, page: str, markdown: MarkdownToHtml, kept: Memo | None
) -> tuple[str, str]:
    """An update's HTML with absolute links, and its summary."""
    content = kept_text(kept, "absolute", absolute_urls, str(markdown(body)), page)
    return content, kept_text(kept, "summary", plain_text, content)


def _written_texts(content: str) -> tuple[str, str]:
    return content, plain_text(content)


COMMUNICATION = "communication"


def communication_entry(view: IncidentView, message: Communication, settings: Settings) -> Entry:
    """The feed entry of a message sent to members, so subscribers can check a message."""
    sent = french.local(message.date, settings.timezone)
    words = html.escape
    sentences = (
        french.communication_sent(
            french.datetime_text(message.date, settings.timezone),
            words(settings.organisation),
            words(french.channel_noun(message.channel)),
            words(message.audience),
        ),
        french.communication_from(words(message.sender), words(message.subject)),
        french.COMMUNICATION_NOT_LISTED,
    )
    content = "".join(f"<p>{sentence}</p>" for sentence in sentences)
    return Entry(
        id=communication_id(settings, view.incident.id, message.id),
        url=incident_page(settings, view.incident.id, MESSAGES_ANCHOR),
        title=f"{view.incident.title} — {french.COMMUNICATION_LABEL} : {message.subject}",
        texts=partial(_written_texts, content),
        published=sent,
        updated=sent,
        category=COMMUNICATION,
        category_label=french.COMMUNICATION_LABEL,
        incident_id=view.incident.id,
        slug=f"communications/{message.id}",
    )


FRAUD = "fraud"


def _seen_moment(day: date, settings: Settings) -> datetime:
    """A sighting as a feed date: its moment, or the start of its day in the site's zone."""
    if isinstance(day, datetime):
        return french.local(day, settings.timezone)
    return datetime(day.year, day.month, day.day, tzinfo=ZoneInfo(settings.timezone))


def _quoted_html(text: str) -> str:
    """The fraudster's words, escaped and defanged, each address in code style."""
    return "".join(
        f"<code>{html.escape(p.text)}</code>" if p.code else html.escape(p.text)
        for p in pieces(text)
    )


def fraud_entry(view: IncidentView, message: FraudulentMessage, settings: Settings) -> Entry:
    """The feed entry of a fraudulent message reported: its title says it is not ours.

    Everything the fraudster wrote is defanged and in code style, so that no feed reader
    makes a link of it.
    """
    words = html.escape
    sender, quoted = _quoted_html(message.sender), _quoted_html(message.subject)
    not_ours = french.not_from_us(settings.organisation)
    fakes = "".join(f"<li><code>{words(defang(f))}</code></li>" for f in message.fakes)
    channel = french.channel_label(message.channel)
    content = (
        f"<p><strong>{words(not_ours)}.</strong></p>"
        f"<p>{french.fraud_entry_text(words(channel), sender, quoted)}</p>"
        f"<p>{words(french.FRAUD_FAKES)} :</p><ul>{fakes}</ul>"
        f"<p>{words(french.FRAUD_DEFANGED)}</p>"
    )
    first = _seen_moment(message.first_seen, settings)
    last = _seen_moment(message.last_seen, settings) if message.last_seen else first
    return Entry(
        id=fraud_id(settings, view.incident.id, message.id),
        url=incident_page(settings, view.incident.id, fraud_anchor(message)),
        title=f"{not_ours} ({channel}, « {defang(message.subject)} »)",
        texts=partial(_written_texts, content),
        published=first,
        updated=max(first, last),
        category=FRAUD,
        category_label=french.FRAUD_LABEL,
        incident_id=view.incident.id,
        slug=f"messages-frauduleux/{message.id}",
    )


def newest_first(entries: Iterable[Entry]) -> tuple[Entry, ...]:
    """Newest first; same date: by incident id then file stem, as on the timeline page."""
    return tuple(sorted(entries, key=lambda e: e.order, reverse=True))


def _feed(
    settings: Settings,
    feed_id: str,
    title: str,
    description: str,
    page: str,
    entries: Iterable[Entry],
    limit: int | None = None,
) -> Feed:
    """A feed of `entries`, newest first; the newest `limit` only, when given."""
    ordered = newest_first(entries)[:limit]
    updated = max((e.updated for e in ordered), default=epoch(settings))
    return Feed(feed_id, title, description, page, ordered, updated)


def all_feeds(
    view: SiteView, markdown: MarkdownToHtml, kept: Memo | None = None
) -> dict[str, Feed]:
    """Every feed by its folder: the site's, each incident's and each service's."""
    settings = view.site.settings
    by_incident = {
        i.incident.id: tuple(entry(i, u, settings, markdown, kept) for u in i.updates)
        for i in view.incidents
    }
    messages = {
        i.incident.id: tuple(communication_entry(i, m, settings) for m in i.incident.communications)
        + tuple(fraud_entry(i, m, settings) for m in i.incident.fraudulent_messages)
        for i in view.incidents
    }
    everything = [e for incident_id in by_incident for e in by_incident[incident_id]]
    everything += [e for incident_id in messages for e in messages[incident_id]]
    feeds = {
        SITE_FEEDS: _feed(
            settings,
            site_feed_id(settings),
            settings.site_name,
            french.site_feed_description(settings.organisation),
            site_root(settings),
            everything,
            limit=settings.feed_entries,
        )
    }
    for incident in view.incidents:
        feeds[incident_feeds(incident.incident.id)] = _feed(
            settings,
            incident_feed_id(settings, incident.incident.id),
            f"{incident.incident.title} — {settings.organisation}",
            incident.incident.summary,
            incident_page(settings, incident.incident.id),
            by_incident[incident.incident.id] + messages[incident.incident.id],
        )
    for component in settings.components:
        mentioned = [
            e
            for incident in view.incidents
            for version, e in zip(incident.versions, by_incident[incident.incident.id], strict=True)
            if component.id in dict(version.state.components)
        ]
        feeds[component_feeds(component.id)] = _feed(
            settings,
            component_feed_id(settings, component.id),
            f"{component.name} — {settings.organisation}",
            french.component_feed_description(component.name),
            site_root(settings),
            mentioned,
            # The newest only, like the site feed: a service's history only grows, and a
            # reader polling the feed would otherwise download all of it every time.
            limit=settings.feed_entries,
        )
    return feeds


# Characters XML 1.0 cannot carry at all (lxml refuses them): dropped from XML feeds only.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def _xml_safe(text: str) -> str:
    return _NOT_XML.sub("", text)


def _generator(feed: Feed, settings: Settings, self_url: str, mime: str) -> FeedGenerator:
    generator = FeedGenerator()
    generator.id(feed.id)
    generator.title(_xml_safe(feed.title))
    generator.subtitle(_xml_safe(feed.description) or feed.title)
    generator.language("fr")
    generator.author({"name": settings.organisation})
    generator.generator("Vigie")
    # RSS keeps the last link added as the channel <link>: self first, then the page.
    generator.link(href=self_url, rel="self", type=mime)
    for hub in settings.notify.hubs:  # WebSub: readers subscribe there (publish/notify/)
        generator.link(href=hub, rel="hub")
    generator.link(href=feed.page_url, rel="alternate", type="text/html")
    generator.updated(feed.updated)
    generator.lastBuildDate(feed.updated)
    for item in feed.entries:
        feed_entry = generator.add_entry(order="append")
        feed_entry.id(item.id)
        feed_entry.guid(item.id, permalink=False)
        feed_entry.title(_xml_safe(item.title))
        feed_entry.link(href=item.url, rel="alternate", type="text/html")
        feed_entry.published(item.published)
        feed_entry.updated(item.updated)
        feed_entry.summary(_xml_safe(item.summary))
        feed_entry.content(_xml_safe(item.content_html), type="html")
        feed_entry.category(term=item.category, label=item.category_label)
    return generator


def rss(feed: Feed, settings: Settings, self_url: str) -> bytes:
    """RSS 2.0 with `atom:link rel="self"` (and `rel="hub"`), `guid isPermaLink="false"`."""
    data = _generator(feed, settings, self_url, RSS_TYPE).rss_str(pretty=True)
    return with_rss_hubs(data, settings.notify.hubs)


def atom(feed: Feed, settings: Settings, self_url: str) -> bytes:
    """Atom 1.0."""
    return _generator(feed, settings, self_url, ATOM_TYPE).atom_str(pretty=True)


def _json_date(moment: datetime) -> str:
    return moment.isoformat(timespec="seconds")


def json_feed(feed: Feed, settings: Settings, self_url: str) -> bytes:
    """JSON Feed 1.1 with the same entries and ids as the RSS and Atom feeds."""
    document = {
        "version": JSON_FEED_VERSION,
        "title": feed.title,
        "description": feed.description,
        "home_page_url": feed.page_url,
        "feed_url": self_url,
        **(
            {"hubs": [{"type": "WebSub", "url": h} for h in settings.notify.hubs]}
            if settings.notify.hubs
            else {}
        ),
        "language": "fr",
        "authors": [{"name": settings.organisation, "url": site_root(settings)}],
        "items": [
            {
                "id": item.id,
                "url": item.url,
                "title": item.title,
                "summary": item.summary,
                "content_html": item.content_html,
                "date_published": _json_date(item.published),
                "date_modified": _json_date(item.updated),
                "tags": [item.category_label],
                "language": "fr",
            }
            for item in feed.entries
        ],
    }
    return dump_json(document)


def dump_json(document: object) -> bytes:
    """The one way Vigie writes JSON: sorted keys, UTF-8 as is, indented, newline at the end."""
    return (json.dumps(document, sort_keys=True, ensure_ascii=False, indent=2) + "\n").encode()


def files(
    view: SiteView, markdown: MarkdownToHtml, kept: Memo | None = None
) -> dict[str, Callable[[], bytes]]:
    """Every feed file by its path in the site, each made when called.

    Three files per incident: made all at once, they would stay in memory the whole build.
    `kept`: each entry's absolute HTML and summary, as earlier builds made them.
    """
    settings = view.site.settings
    result: dict[str, Callable[[], bytes]] = {}
    feeds = all_feeds(view, markdown, kept)
    for prefix, feed in feeds.items():
        rss_path, atom_path = f"{prefix}{RSS_FILE}", f"{prefix}{ATOM_FILE}"
        result[rss_path] = partial(rss, feed, settings, absolute(settings, rss_path))
        result[atom_path] = partial(atom, feed, settings, absolute(settings, atom_path))
    site = feeds[SITE_FEEDS]
    result[SITE_JSON] = partial(json_feed, site, settings, absolute(settings, SITE_JSON))
    return dict(sorted(result.items()))


def forget() -> None:
    """Let go of the entries' absolute links and summaries made for this build's feeds."""
    absolute_urls.cache_clear()
    plain_text.cache_clear()
