"""Publish the built site to an S3-compatible bucket, in an order no reader can notice.

Under `s3://<bucket>/<prefix>/` (docs/deploiement.md):

    <the site's files>            what the CDN serves: each object with its Content-Type,
                                  Cache-Control and x-amz-meta-sha256 (the manifest's hash)
    .vigie/releases/<name>.json   one small record per release (commit, date, manifest hash);
                                  `<name>` as `vigie deploy dir` names its releases
    .vigie/objects/<sha256>       every file's bytes once, by content, version.json too: what
                                  `vigie rollback` copies back, inside the bucket
    .vigie/state.json             what each site object holds (hash, ETag, headers), written
                                  when a deploy or a rollback completes

A deploy sends only what differs from what the bucket holds, in three waves, each finished
before the next starts: fingerprinted assets (the new pages name them), every other file,
then `version.json`, the moment the release is complete. Each object is replaced whole, so a
reader gets one version's file or the other's, and every asset a page names is there. Only
then go the files the release no longer has, but for the `assets/` of the last
KEEP_ASSETS_OF releases, which pages still in a cache or an open tab may load.
"""

from __future__ import annotations

import hashlib
import json
import os
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING

from vigie.publish import deploy, hosting, manifest
from vigie.publish import messages as publish_msg
from vigie.publish import s3_messages as msg
from vigie.publish.bucket import WORKERS, Bucket
from vigie.publish.deploy import DeployError, Release

if TYPE_CHECKING:
    from collections.abc import Callable, Sequence

RELEASES = ".vigie/releases/"
OBJECTS = ".vigie/objects/"
STATE = ".vigie/state.json"
# Pages are cached 5 minutes at most, but a tab left open loads the search worker and its
# language files later, and a CDN may serve a stale page while the bucket is slow: the assets
# of the three releases before the new one stay. Material changes them only on an upgrade,
# so this keeps a few hundred kilobytes, not copies of the site.
KEEP_ASSETS_OF = 3
ASSETS = "assets/"
# For tests only: after this many objects are sent, wait, so that a test can kill the deploy.
PAUSE_ENV = "VIGIE_S3_PAUSE_AFTER"
PAUSE_SECONDS = 60


@dataclass(frozen=True)
class Wanted:
    """One object as a release wants it."""

    path: str
    sha256: str
    size: int
    content_type: str
    cache_control: str


@dataclass(frozen=True)
class BucketDeployed:
    """What `deploy` did."""

    name: str  # the release live now
    previous: str | None
    files: int
    sent: int
    removed: int
    kept_assets: int
    pruned: tuple[str, ...]
    seconds: float
    unchanged: bool  # the bucket held this release already: nothing written


def wanted_files(version_json: bytes) -> list[Wanted]:
    """Every object of the release whose `version.json` is given, the manifest last."""
    document = json.loads(version_json)
    files = [
        Wanted(
            entry["path"],
            entry["sha256"],
            int(entry["size"]),
            hosting.stored_type(entry["path"]),
            hosting.cache_control(entry["path"]),
        )
        for entry in document["files"]
        if entry["path"] not in manifest.HOST_CONFIGURATION  # read by a host, never served
    ]
    digest = hashlib.sha256(version_json).hexdigest()
    path = manifest.MANIFEST
    files.append(
        Wanted(
            path, digest, len(version_json), hosting.stored_type(path), hosting.cache_control(path)
        )
    )
    return files


def waves(files: Sequence[Wanted]) -> tuple[list[Wanted], list[Wanted], list[Wanted]]:
    """Fingerprinted assets, then every other file, then `version.json`."""
    first = [w for w in files if hosting.FINGERPRINTED.match(w.path)]
    last = [w for w in files if w.path == manifest.MANIFEST]
    return first, [w for w in files if w not in first and w not in last], last


class _Sender:
    """Sends objects in parallel; counts them; pauses where a test asks."""

    def __init__(self, bucket: Bucket, stored: set[str]) -> None:
        self.bucket = bucket
        self.stored = stored  # hashes present in .vigie/objects/
        self.etags: dict[str, str] = {}
        self.sent = 0
        self.lock = threading.Lock()
        self.pause_after = int(os.environ.get(PAUSE_ENV) or 0)

    def _count(self) -> None:
        with self.lock:  # held while pausing: every other sender waits too
            self.sent += 1
            if self.pause_after and self.sent == self.pause_after:
                print(
                    msg.S3_PAUSE.format(env=PAUSE_ENV, seconds=PAUSE_SECONDS, count=self.sent),
                    file=sys.stderr,
                    flush=True,
                )
                time.sleep(PAUSE_SECONDS)

    def upload(self, site_dir: Path, wanted: Wanted) -> None:
        body = (site_dir / wanted.path).read_bytes()
        if hashlib.sha256(body).hexdigest() != wanted.sha256:
            # Changed since it was verified: this file is not sent.
            raise DeployError(manifest_message(site_dir), [f"modifié : {wanted.path}"])
        self._count()
        etag = self.bucket.put(
            wanted.path, body, wanted.content_type, wanted.cache_control, wanted.sha256
        )
        self.keep(wanted, etag)

    def restore(self, wanted: Wanted) -> None:
        self._count()
        etag = self.bucket.copy(
            OBJECTS + wanted.sha256,
            wanted.path,
            wanted.content_type,
            wanted.cache_control,
            wanted.sha256,
        )
        self.keep(wanted, etag)

    def keep(self, wanted: Wanted, etag: str) -> None:
        with self.lock:
            self.etags[wanted.path] = etag
            new = wanted.sha256 not in self.stored
            self.stored.add(wanted.sha256)
        if new:  # the bytes kept by content for a later rollback, copied inside the bucket
            self.bucket.copy(
                wanted.path,
                OBJECTS + wanted.sha256,
                "application/octet-stream",
                "no-store",
                wanted.sha256,
            )

    def run(self, action: Callable[[Wanted], None], files: Sequence[Wanted]) -> None:
        if not files:
            return
        with ThreadPoolExecutor(max_workers=WORKERS) as pool:
            for future in [pool.submit(action, wanted) for wanted in files]:
                future.result()  # the first failure is raised once the wave has stopped


def manifest_message(site_dir: Path) -> str:
    """The refusal of a site that does not match its manifest."""
    return publish_msg.DEPLOY_UNVERIFIED.format(site_dir=site_dir)


def _differing(
    bucket: Bucket,
    files: Sequence[Wanted],
    listing: dict[str, tuple[int, str]],
    state: dict[str, dict[str, str]],
) -> tuple[list[Wanted], dict[str, str]]:
    """The objects to write, and the ETags of those already right.

    An object whose ETag is the one `state.json` recorded holds what it recorded: no request.
    Any other (written by an interrupted deploy, by hand, or before state.json) is asked for
    its headers and x-amz-meta-sha256, in parallel.
    """
    to_send: list[Wanted] = []
    right: dict[str, str] = {}
    uncertain: list[Wanted] = []
    for wanted in files:
        listed = listing.get(wanted.path)
        if listed is None:
            to_send.append(wanted)
            continue
        known = state.get(wanted.path)
        if known and known.get("etag") == listed[1]:
            same = (known.get("sha256"), known.get("content_type"), known.get("cache_control"))
            if same == (wanted.sha256, wanted.content_type, wanted.cache_control):
                right[wanted.path] = listed[1]
            else:
                to_send.append(wanted)
            continue
        uncertain.append(wanted)
    with ThreadPoolExecutor(max_workers=WORKERS) as pool:
        heads = list(pool.map(lambda w: bucket.head(w.path), uncertain))
    for wanted, head in zip(uncertain, heads, strict=True):
        fits = head is not None and (head.sha256, head.content_type, head.cache_control) == (
            wanted.sha256,
            wanted.content_type,
            wanted.cache_control,
        )
        if fits and head is not None:
            right[wanted.path] = head.etag
        else:
            to_send.append(wanted)
    return to_send, right


@dataclass(frozen=True)
class _Bucketful:
    """What a bucket holds, read once at the start of a command."""

    site: dict[str, tuple[int, str]]  # the site's objects: size and ETag
    stored: set[str]  # the hashes in .vigie/objects/
    records: list[str]  # release names, newest first
    state: dict[str, dict[str, str]]


def _read(bucket: Bucket) -> _Bucketful:
    listing = bucket.listing()
    site = {path: v for path, v in listing.items() if not path.startswith(".vigie/")}
    stored = {path[len(OBJECTS) :] for path in listing if path.startswith(OBJECTS)}
    records = sorted(
        (
            path[len(RELEASES) : -len(".json")]
            for path in listing
            if path.startswith(RELEASES) and path.endswith(".json")
        ),
        reverse=True,
    )
    state = (bucket.get_json(STATE) or {}).get("objects", {}) if STATE in listing else {}
    return _Bucketful(site, stored, records, state)


def _record(bucket: Bucket, name: str) -> dict[str, str]:
    return bucket.get_json(f"{RELEASES}{name}.json") or {}


def releases(bucket: Bucket) -> list[Release]:
    """The releases recorded in the bucket, newest first; `live` is the one whose manifest
    is the bucket's `version.json` (the newest such)."""
    held = _read(bucket)
    found = bucket.get(manifest.MANIFEST)
    live_hash = hashlib.sha256(found[0]).hexdigest() if found else None
    result = []
    live_seen = False
    for name in held.records:
        record = _record(bucket, name)
        live = not live_seen and record.get("manifest_sha256") == live_hash
        live_seen = live_seen or live
        result.append(
            Release(
                name,
                Path(f"{RELEASES}{name}.json"),
                str(record.get("commit") or ""),
                str(record.get("commit_date") or ""),
                live,
            )
        )
    return result


def _send_waves(sender: _Sender, action: Callable[[Wanted], None], files: list[Wanted]) -> None:
    for wave in waves(files):
        sender.run(action, wave)


def _finish(
    bucket: Bucket,
    held: _Bucketful,
    files: list[Wanted],
    etags: dict[str, str],
    keep_assets: set[str],
) -> tuple[int, int]:
    """Write state.json, then remove what the live release no longer has; (removed, kept)."""
    state = {
        w.path: {
            "sha256": w.sha256,
            "etag": etags[w.path],
            "content_type": w.content_type,
            "cache_control": w.cache_control,
        }
        for w in files
    }
    _put_json(bucket, STATE, {"objects": state})
    wanted = {w.path for w in files}
    gone = sorted(path for path in held.site if path not in wanted)
    kept = [path for path in gone if path.startswith(ASSETS) and path in keep_assets]
    removed = [path for path in gone if path not in kept]
    bucket.delete(removed)
    return len(removed), len(kept)


def _put_json(bucket: Bucket, path: str, document: object) -> None:
    body = json.dumps(document, sort_keys=True, ensure_ascii=False).encode()
    bucket.put(path, body, "application/json", "no-store", hashlib.sha256(body).hexdigest())


def _manifest_paths(bucket: Bucket, names: Sequence[str]) -> tuple[set[str], set[str]]:
    """The paths and the hashes of the files of the named releases (from .vigie/objects/)."""
    paths: set[str] = set()
    hashes: set[str] = set()
    for name in names:
        record = _record(bucket, name)
        digest = str(record.get("manifest_sha256") or "")
        found = bucket.get(OBJECTS + digest) if digest else None
        if found is None:
            continue
        hashes.add(digest)
        for entry in json.loads(found[0])["files"]:
            paths.add(entry["path"])
            hashes.add(entry["sha256"])
    return paths, hashes


def _new_name(site_dir: Path, records: Sequence[str], now: datetime | None) -> str:
    moment = now or datetime.now(UTC)
    name = deploy.release_name(site_dir, moment)
    newest = max((r[:20] for r in records), default="")
    while name[:20] <= newest:  # a clock set back must not break the order
        moment += timedelta(milliseconds=1)
        name = deploy.release_name(site_dir, moment)
    return name


def deploy_site(
    site_dir: Path,
    bucket: Bucket,
    keep: int = 10,
    now: datetime | None = None,
) -> BucketDeployed:
    """Send what the bucket lacks of the built site, in order; record the release."""
    if keep < 1:
        raise DeployError(publish_msg.DEPLOY_BAD_KEEP)
    if not site_dir.is_dir():
        raise DeployError(publish_msg.DEPLOY_NO_SITE.format(site_dir=site_dir))
    problems = manifest.verify(site_dir)
    if problems:
        raise DeployError(manifest_message(site_dir), problems)
    started = time.monotonic()
    version_json = (site_dir / manifest.MANIFEST).read_bytes()
    digest = hashlib.sha256(version_json).hexdigest()
    files = wanted_files(version_json)
    try:
        history = releases(bucket)
        held = _read(bucket)
        to_send, right = _differing(bucket, files, held.site, held.state)
        newest = _record(bucket, held.records[0]) if held.records else {}
    except DeployError as error:
        nothing = msg.S3_NOTHING_CHANGED.format(location=bucket.location)
        raise DeployError(str(error), [*error.details, nothing]) from None
    previous = next((r.name for r in history if r.live), None)
    missing_store = [w for w in files if w.sha256 not in held.stored]
    if not to_send and not missing_store and newest.get("manifest_sha256") == digest:
        seconds = time.monotonic() - started
        return BucketDeployed(held.records[0], previous, len(files), 0, 0, 0, (), seconds, True)
    sender = _Sender(bucket, set(held.stored))
    sender.etags.update(right)
    try:
        first, others, last = waves(to_send)
        sender.run(lambda w: sender.upload(site_dir, w), first)
        sender.run(lambda w: sender.upload(site_dir, w), others)
        # Files already right but not yet kept by content (a deploy stopped before it).
        sending = {w.path for w in to_send}
        unkept = [w for w in files if w.sha256 not in sender.stored and w.path not in sending]
        sender.run(lambda w: sender.keep(w, sender.etags[w.path]), unkept)
        sender.run(lambda w: sender.upload(site_dir, w), last)
    except DeployError as error:
        raise DeployError(str(error), [*error.details, msg.S3_INTERRUPTED]) from None
    name = _new_name(site_dir, held.records, now)
    document = json.loads(version_json)
    record = {
        "name": name,
        "commit": str(document.get("commit") or ""),
        "commit_date": str(document.get("commit_date") or ""),
        "manifest_sha256": digest,
        "files": len(files),
    }
    _put_json(bucket, f"{RELEASES}{name}.json", record)
    records = [name, *held.records]
    recent_paths, _ = _manifest_paths(bucket, records[1 : 1 + KEEP_ASSETS_OF])
    removed, kept = _finish(bucket, held, files, sender.etags, recent_paths)
    pruned = _prune(bucket, records, keep, name)
    seconds = time.monotonic() - started
    return BucketDeployed(
        name, previous, len(files), sender.sent, removed, kept, pruned, seconds, False
    )


def _prune(bucket: Bucket, records: list[str], keep: int, live: str) -> tuple[str, ...]:
    """Forget all but the newest `keep` releases (never the live one), and the stored bytes
    no kept release names."""
    kept = records[:keep]
    if live not in kept:
        kept.append(live)
    doomed = [name for name in records if name not in kept]
    if not doomed:
        return ()
    bucket.delete(f"{RELEASES}{name}.json" for name in doomed)
    _, hashes = _manifest_paths(bucket, kept)
    listing = bucket.listing()
    unused = [p for p in listing if p.startswith(OBJECTS) and p[len(OBJECTS) :] not in hashes]
    bucket.delete(unused)
    return tuple(doomed)


def rollback(bucket: Bucket, to: str | None = None) -> tuple[Release, str | None]:
    """Put an older release back, copying its files from .vigie/objects/ in the same order."""
    candidates = releases(bucket)
    if not candidates:
        raise DeployError(msg.S3_NO_RELEASES.format(location=bucket.location))
    live = next((r for r in candidates if r.live), None)
    if to is not None:
        chosen = deploy.find_release(candidates, to)
    elif live is None:
        raise DeployError(msg.S3_NO_LIVE.format(location=bucket.location))
    else:
        older = [r for r in candidates if r.name < live.name]
        if not older:
            raise DeployError(msg.S3_NO_OLDER.format(name=live.name))
        chosen = older[0]
    previous = live.name if live else None
    if chosen.name == previous:
        return chosen, previous
    held = _read(bucket)
    digest = str(_record(bucket, chosen.name).get("manifest_sha256") or "")
    found = bucket.get(OBJECTS + digest) if digest else None
    if found is None:
        raise DeployError(
            msg.S3_MISSING_OBJECTS.format(count=1, name=chosen.name), [manifest.MANIFEST]
        )
    files = wanted_files(found[0])
    to_send, right = _differing(bucket, files, held.site, held.state)
    absent = sorted(w.path for w in to_send if w.sha256 not in held.stored)
    if absent:
        raise DeployError(
            msg.S3_MISSING_OBJECTS.format(count=len(absent), name=chosen.name), absent
        )
    sender = _Sender(bucket, set(held.stored))
    sender.etags.update(right)
    try:
        _send_waves(sender, sender.restore, to_send)
    except DeployError as error:
        raise DeployError(str(error), [*error.details, msg.S3_INTERRUPTED]) from None
    names = [r.name for r in candidates]
    recent = [n for n in names if n != chosen.name][:KEEP_ASSETS_OF]
    recent_paths, _ = _manifest_paths(bucket, recent)
    _finish(bucket, held, files, sender.etags, recent_paths)
    return Release(chosen.name, chosen.path, chosen.commit, chosen.commit_date, True), previous
