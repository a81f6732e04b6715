"""`/published.json`: what this build made public, update by update, for the append-only guard.

For every published update (never a draft, never one scheduled later): its identifier, date,
status, number of corrections and the SHA-256 of its text as written. `vigie check` and
`vigie build` read the previous build's copy (`site/published.json`) and refuse a published
update changed without a correction, or removed (`sources/guard.py` reads this format).
"""

from __future__ import annotations

import hashlib
from typing import TYPE_CHECKING, Any

from vigie import urls
from vigie.outputs.feeds import dump_json

if TYPE_CHECKING:
    from vigie.derive import SiteView

SCHEMA_VERSION = 1


def text_sha256(body: str) -> str:
    """The SHA-256 of an update's Markdown text, blank lines around it left out."""
    return hashlib.sha256(body.strip().encode("utf-8")).hexdigest()


def record(view: SiteView) -> dict[str, Any]:
    """Every incident and update the site publishes, as plain data."""
    incidents = []
    for incident in view.incidents:
        updates = [
            {
                "id": update.slug,
                "date": update.date.isoformat(),
                "status": update.status.value,
                "corrections": len(update.corrections),
                "text_sha256": text_sha256(update.body),
            }
            for update in incident.updates
            if not update.draft and not incident.is_scheduled(update)
        ]
        if updates:  # a preview may hold an incident whose updates are all drafts
            incidents.append({"id": incident.incident.id, "updates": updates})
    return {"schema_version": SCHEMA_VERSION, "incidents": incidents}


def files(view: SiteView) -> dict[str, bytes]:
    """`published.json` at the root of the site."""
    return {urls.PUBLISHED_RECORD: dump_json(record(view))}
