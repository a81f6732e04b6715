"""The pages Vigie adds to the MkDocs site, each with what its template shows."""

from __future__ import annotations

import html
import json
from dataclasses import dataclass
from functools import partial
from typing import TYPE_CHECKING, Any

from vigie import french, urls
from vigie.cache import fingerprint
from vigie.pages.fraud import protect_page
from vigie.pages.lists import faq, history, home, timeline
from vigie.pages.notice import notice
from vigie.pages.statement import STATEMENT_URI, statement

if TYPE_CHECKING:
    from collections.abc import Callable
    from datetime import datetime

    from vigie.derive import IncidentView, SiteView
    from vigie.model import Settings
    from vigie.urls import FeedLink


@dataclass(frozen=True)
class GeneratedPage:
    """One page Vigie adds to the MkDocs site."""

    uri: str
    title: str
    template: str
    # What the template shows, made when the page is rendered and then let go: the notices
    # of 11,000 version pages held at once would not fit in the build's memory budget.
    make_context: Callable[[], Any]
    search_text: str
    searchable: bool = True
    source: str = ""
    in_nav: bool = False
    updated: str = ""  # YYYY-MM-DD of the newest thing the page says: the sitemap's lastmod
    feeds: tuple[FeedLink, ...] = ()  # the page's own feeds, announced in its head
    # A fingerprint of all `make_context` reads; empty when that is the whole site (the page
    # is then made at every build). The build cache reuses a page whose inputs are unchanged.
    inputs: str = ""
    # The footer gives the site's last update and version; a notice gives its own dates.
    follows_site: bool = True

    @property
    def context(self) -> Any:
        return self.make_context()

    @property
    def markdown(self) -> str:
        meta: dict[str, Any] = {"title": self.title, "template": self.template}
        if not self.searchable:
            meta["search"] = {"exclude": True}
        # JSON is YAML, and a hundred times faster to write than yaml.safe_dump.
        return f"---\n{json.dumps(meta, ensure_ascii=False, sort_keys=True)}\n---\n"

    @property
    def search_html(self) -> str:
        """The only text MkDocs sees as page content: what search indexes."""
        return f"<p>{html.escape(self.search_text)}</p>"


def _day_iso(moment: datetime | None, settings: Settings) -> str:
    return french.local(moment, settings.timezone).date().isoformat() if moment else ""


def site_updated(view: SiteView) -> str:
    """Date of the newest published update (YYYY-MM-DD), for pages that follow the site."""
    return _day_iso(view.updated_at, view.site.settings)


def pages(view: SiteView) -> tuple[GeneratedPage, ...]:
    """Every page Vigie generates, the accessibility statement included, with what it shows."""
    settings = view.site.settings
    updated = site_updated(view)
    result = [
        GeneratedPage(
            "index.md",
            french.HOME_TITLE,
            "vigie/home.html",
            partial(home, view),
            french.home_search_text(settings.organisation),
            in_nav=True,
            updated=updated,
        ),
        GeneratedPage(
            "timeline.md",
            french.TIMELINE_TITLE,
            "vigie/timeline.html",
            partial(timeline, view),
            french.TIMELINE_SEARCH_TEXT,
            in_nav=True,
            updated=updated,
        ),
        GeneratedPage(
            "history.md",
            french.HISTORY_TITLE,
            "vigie/history.html",
            partial(history, view),
            french.HISTORY_SEARCH_TEXT,
            in_nav=True,
            updated=updated,
        ),
        GeneratedPage(
            "faq.md",
            french.FAQ_TITLE,
            "vigie/faq.html",
            partial(faq, view),
            " ".join(
                e.question
                for e in (*view.site.faq, *(f for i in view.incidents for f in i.incident.faq))
            ),
            in_nav=True,
            updated=updated,
        ),
    ]
    for incident in view.incidents:
        source = str(incident.incident.source / "incident.yml")
        feeds = urls.incident_links(settings, incident.incident.id, incident.incident.title)
        inputs = _notice_inputs(incident)
        result.append(
            GeneratedPage(
                urls.incident_source(incident.incident.id),
                incident.incident.title,
                "vigie/incident.html",
                partial(notice, incident, settings),
                incident.incident.summary,
                source=source,
                updated=_day_iso(incident.last_update.date, settings),
                feeds=feeds,
                inputs=inputs,
                follows_site=False,
            )
        )
        for version in incident.versions:
            result.append(
                GeneratedPage(
                    urls.version_source(incident.incident.id, version.number),
                    french.version_title(incident.incident.title, version.number),
                    "vigie/incident.html",
                    partial(notice, incident, settings, version.number),
                    incident.incident.summary,
                    searchable=False,
                    source=source,
                    updated=_day_iso(version.update.date, settings),
                    feeds=feeds,
                    inputs=inputs,
                    follows_site=False,
                )
            )
    result.append(statement_page(settings))
    return tuple(result)


PROTECT_SOURCE = "se-proteger.md"  # pages/se-proteger.md, hand-written (urls.PROTECT_PAGE)


def handwritten(view: SiteView, source: str) -> Any:
    """What Vigie adds to a hand-written page of `pages/`, by its file; None for most.

    « Se protéger » lists every current fraudulent message below its advice.
    """
    if source == PROTECT_SOURCE and view.now is not None:
        return protect_page(view, view.now)
    return None


def _notice_inputs(incident: IncidentView) -> str:
    """What `notice(incident, settings, n)` reads besides the settings (the build's scope)."""
    # The model follows from its sources (by the code and the settings), its versions from
    # the updates shown; of `now`, only which updates it leaves scheduled.
    shown = tuple((u.slug, incident.is_scheduled(u)) for u in incident.updates)
    if incident.incident.sources_digest:
        return fingerprint(incident.incident.sources_digest, shown)
    return fingerprint(incident.incident, incident.updates, shown)  # a model made by hand


def statement_page(settings: Settings) -> GeneratedPage:
    """The page `/accessibilite/`, in the navigation, dated by the statement."""
    options = settings.accessibility
    shown = statement(options, settings)
    return GeneratedPage(
        STATEMENT_URI,
        french.STATEMENT_TITLE,
        "vigie/accessibility.html",
        lambda: shown,
        french.statement_search_text(shown.status, shown.standard),
        source=settings.config_path,
        in_nav=True,
        updated=options.statement_date.isoformat() if options.statement_date else "",
    )
