"""What a deployed release made public, read back from its files: the updates, the feeds.

Notifications are made from the release that went live, never from the sources: what a
subscriber is told is what the site says (drafts and updates scheduled later are in no
release's `published.json`, a preview is never deployed). Every field comes from a file the
public reads too: `published.json` (which updates), each incident's Atom feed (title, link,
summary, status), `notice.json` (kind), the API (Statuspage shape, services) and
`version.json` (the SHA-256 of each feed).
"""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any

from vigie import urls

if TYPE_CHECKING:
    from pathlib import Path

ATOM = "{http://www.w3.org/2005/Atom}"
FEED_NAMES = (urls.RSS_FILE, urls.ATOM_FILE, urls.JSON_FEED_FILE)


@dataclass(frozen=True)
class ComponentChange:
    """A service whose status an update changed, as the API's `affected_components` says."""

    component_id: str
    old_status: str
    new_status: str
    created_at: str  # the update's `created_at` in the API


@dataclass(frozen=True)
class ReleasedUpdate:
    """One published update as the release shows it, with what every channel needs."""

    feed_id: str  # the stable id of its feed entry: the outbox's key
    incident_id: str
    slug: str
    date: str  # ISO 8601 with offset
    incident_title: str
    title: str  # the update's own title
    status: str
    status_label: str
    summary: str
    url: str  # its permanent address
    kind: str
    components: tuple[str, ...]  # the services the notice cites
    register: bool = False  # the notice shows « Messages officiels envoyés » (a breach, or sent)
    incident: dict[str, Any] = field(default_factory=dict, compare=False)  # Statuspage shape
    changes: tuple[ComponentChange, ...] = ()  # services whose status it changed


@dataclass(frozen=True)
class Release:
    """The public content of one release."""

    updates: tuple[ReleasedUpdate, ...]  # oldest first
    feeds: dict[str, str]  # feed path -> SHA-256
    page: dict[str, Any]  # Statuspage `page` + `status`, for webhook bodies
    components: dict[str, dict[str, Any]] = field(default_factory=dict)  # API, by id


def _json(path: Path) -> Any:
    try:
        return json.loads(path.read_bytes())
    except (OSError, ValueError):
        return None


def _entries(feed: Path) -> dict[str, dict[str, str]]:
    """The entries of an Atom feed by id: title, link, summary, category."""
    try:
        root = ET.parse(feed).getroot()
    except (OSError, ET.ParseError):
        return {}
    found = {}
    for entry in root.iter(f"{ATOM}entry"):
        category = entry.find(f"{ATOM}category")
        link = entry.find(f"{ATOM}link")
        found[entry.findtext(f"{ATOM}id", "")] = {
            "title": entry.findtext(f"{ATOM}title", ""),
            "summary": entry.findtext(f"{ATOM}summary", ""),
            "url": link.get("href", "") if link is not None else "",
            "status_label": category.get("label", "") if category is not None else "",
        }
    return found


def read(release_dir: Path) -> Release:
    """The updates and feeds published by the release in `release_dir`."""
    record = _json(release_dir / urls.PUBLISHED_RECORD) or {}
    api = _json(release_dir / urls.API_INCIDENTS) or {}
    by_id = {i.get("id"): i for i in api.get("incidents", [])}
    summary = _json(release_dir / urls.API_SUMMARY) or {}
    updates = []
    for incident in record.get("incidents", []):
        incident_id = incident["id"]
        notice = _json(release_dir / urls.notice_json(incident_id)) or {}
        entries = _entries(release_dir / urls.incident_feed(incident_id, "atom"))
        shaped = by_id.get(incident_id, {})
        api_updates = {u.get("id"): u for u in shaped.get("incident_updates", [])}
        for update in incident.get("updates", []):
            slug = update["id"]
            feed_id = next((i for i in entries if i.endswith(f":{incident_id}/{slug}")), "")
            if not feed_id:
                continue  # not in the feed: nothing a subscriber could be pointed at
            entry = entries[feed_id]
            from_api = api_updates.get(slug, {})
            title = from_api.get("x_title") or entry["title"].rpartition(" : ")[2]
            updates.append(
                ReleasedUpdate(
                    feed_id=feed_id,
                    incident_id=incident_id,
                    slug=slug,
                    date=update["date"],
                    incident_title=str(notice.get("title") or shaped.get("name") or ""),
                    title=title,
                    status=update["status"],
                    status_label=entry["status_label"],
                    summary=entry["summary"],
                    url=entry["url"],
                    kind=str(notice.get("kind") or shaped.get("x_kind") or ""),
                    components=tuple(
                        str(c.get("id")) for c in shaped.get("components", []) if c.get("id")
                    ),
                    register=notice.get("kind") == "data-breach"
                    or bool(notice.get("communications")),
                    incident=shaped,
                    changes=_changes(from_api, update["date"]),
                )
            )
    updates.sort(key=lambda u: (datetime.fromisoformat(u.date), u.incident_id, u.slug))
    manifest = _json(release_dir / "version.json") or {}
    feeds = {
        f["path"]: f["sha256"]
        for f in manifest.get("files", [])
        if f["path"].rsplit("/", 1)[-1] in FEED_NAMES
    }
    page = {"page": summary.get("page", {}), "status": summary.get("status", {})}
    listed = (_json(release_dir / urls.API_COMPONENTS) or {}).get("components", [])
    components = {str(c["id"]): c for c in listed if c.get("id")}
    return Release(tuple(updates), dict(sorted(feeds.items())), page, components)


def _changes(api_update: dict[str, Any], date: str) -> tuple[ComponentChange, ...]:
    """The services whose status `api_update` changed (old and new status differ)."""
    created = str(api_update.get("created_at") or date)
    return tuple(
        ComponentChange(str(a["code"]), str(a.get("old_status")), str(a["new_status"]), created)
        for a in api_update.get("affected_components") or ()
        if a.get("code") and a.get("new_status") and a.get("old_status") != a.get("new_status")
    )
