"""Notifications for a site published to a bucket (`vigie deploy s3`).

The outbox is `<prefix>/.vigie/notifications.json`, beside the bucket's history: every
machine and CI run that deploys to that bucket reads it, and the CDN serves nothing under
`/.vigie/` (docs/deploiement.md). It is read and written with the deploy's own `Bucket`
client, whole, after each outcome (S3 replaces an object in one step).

What was published is read from the local site folder just deployed, byte-identical to what
is live. What was public before (for a channel that begins) is the release the deploy
replaced, read back from `.vigie/objects/`: only the few files `released.read` uses.

A bucket has no lock: two deploys to one bucket at the same moment could both send (they
would also race on the site's objects); run one deploy at a time per bucket.
"""

from __future__ import annotations

import hashlib
import json
import tempfile
from concurrent.futures import ThreadPoolExecutor
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING

from vigie import urls
from vigie.publish import manifest, s3
from vigie.publish.bucket import WORKERS
from vigie.publish.notify import outbox, released
from vigie.publish.notify import run as notify_run

if TYPE_CHECKING:
    from collections.abc import Mapping

    from vigie.model import Settings
    from vigie.publish.bucket import Bucket
    from vigie.publish.notify.released import Release

OUTBOX = ".vigie/" + outbox.OUTBOX


def load(bucket: Bucket) -> outbox.Outbox:
    """The bucket's outbox; empty when no notification was ever recorded there."""
    found = bucket.get(OUTBOX)
    return outbox.from_json(found[0]) if found else outbox.Outbox()


def save(bucket: Bucket, box: outbox.Outbox) -> None:
    """Write the outbox object whole."""
    body = outbox.to_json(box)
    bucket.put(OUTBOX, body, "application/json", "no-store", hashlib.sha256(body).hexdigest())


def notify(
    bucket: Bucket,
    site_dir: Path,
    live: str,
    previous: str | None,
    settings: Settings,
    environ: Mapping[str, str],
    *,
    dry_run: bool = False,
    send: bool = True,
    senders: notify_run.Senders | None = None,
) -> notify_run.Report:
    """Send what is due from the release `live` (the folder `site_dir`, just deployed) and
    record it in the bucket's outbox. `previous`: the release the deploy replaced.

    Raises DeployError when the bucket cannot be read or written: what was sent before the
    failure may then be sent again, with the same delivery id."""
    senders = senders or notify_run.Senders()
    configured = notify_run.routes(settings)
    if not configured:  # no bucket request at all for a site that tells nobody
        return notify_run.Report(live, configured=False)
    return notify_run.recorded(
        load(bucket),
        partial(save, bucket),
        configured,
        live,
        released.read(site_dir),
        lambda: _baseline(bucket, site_dir, live, previous),
        settings,
        environ,
        dry_run=dry_run,
        send=send,
        senders=senders,
    )


def _baseline(bucket: Bucket, site_dir: Path, live: str, previous: str | None) -> Release | None:
    """What was public before: `previous` (the live release itself when the deploy changed
    nothing), else the newest release recorded before `live`; None for the first."""
    if previous == live:
        return released.read(site_dir)
    before = previous
    if before is None:
        names = sorted(
            (
                p[len(s3.RELEASES) : -len(".json")]
                for p in bucket.listing()
                if p.startswith(s3.RELEASES) and p.endswith(".json")
            ),
            reverse=True,
        )
        before = next((n for n in names if n < live), None)
    if before is None:
        return None  # the bucket's first release: everything in it is new
    with tempfile.TemporaryDirectory(prefix="vigie-notify-") as temporary:
        return _read_stored(bucket, before, Path(temporary))


def _read_stored(bucket: Bucket, name: str, folder: Path) -> Release | None:
    """The release `name` read from `.vigie/objects/`: its manifest, then the files
    `released.read` uses, written into `folder`."""
    record = bucket.get_json(f"{s3.RELEASES}{name}.json") or {}
    digest = str(record.get("manifest_sha256") or "")
    found = bucket.get(s3.OBJECTS + digest) if digest else None
    if found is None:
        return None  # its bytes were pruned: nothing known, as for a first release
    (folder / manifest.MANIFEST).write_bytes(found[0])
    by_path = {e["path"]: e["sha256"] for e in json.loads(found[0])["files"]}

    def fetch(paths: list[str]) -> None:
        wanted = [p for p in paths if p in by_path]
        with ThreadPoolExecutor(max_workers=WORKERS) as pool:
            bodies = list(pool.map(lambda p: bucket.get(s3.OBJECTS + by_path[p]), wanted))
        for path, body in zip(wanted, bodies, strict=True):
            if body is not None:
                (folder / path).parent.mkdir(parents=True, exist_ok=True)
                (folder / path).write_bytes(body[0])

    fetch([urls.PUBLISHED_RECORD, urls.API_INCIDENTS, urls.API_SUMMARY, urls.API_COMPONENTS])
    try:
        record = json.loads((folder / urls.PUBLISHED_RECORD).read_bytes())
    except (OSError, ValueError):
        record = {}
    ids = [str(i["id"]) for i in record.get("incidents", [])]
    fetch([urls.notice_json(i) for i in ids] + [urls.incident_feed(i, "atom") for i in ids])
    return released.read(folder)
