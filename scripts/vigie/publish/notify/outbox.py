"""The outbox: what each channel was sent, kept with the deploy target, so nothing goes twice.

For `vigie deploy dir <path>` it is `<path>/notifications.json`, beside `releases/`: the
place every deploy to that target reads, whichever clone or machine runs it, and which a
rollback leaves alone. Written whole to a temporary file then renamed over the old one
(`os.replace`, atomic): a deploy killed while writing leaves the previous outbox entire.

Per channel (`webhook:<id>`, `mail`, `websub:<hub>`), keyed by the update's stable feed id
(a WebSub hub: by feed path, with the SHA-256 of the feed last announced):

- `skipped`: what was public before the channel began (nothing older than the release the
  first notifying deploy replaced is ever sent);
- `sent`: when, from which release, with which delivery id;
- `failed`: the last error of what is still due: tried again at the next run.
"""

from __future__ import annotations

import fcntl
import json
import os
import tempfile
import uuid
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from collections.abc import Iterable, Iterator, Mapping
    from pathlib import Path

OUTBOX = "notifications.json"
LOCK = ".vigie-notify-lock"
SCHEMA_VERSION = 1
_NAMESPACE = uuid.UUID("6f0b7c1e-8f57-4f43-9a43-56a1c1f0e7a2")


class OutboxBusy(Exception):
    """Another `vigie notify` or deploy is sending from this target right now."""


@dataclass(frozen=True)
class Sent:
    at: str  # ISO 8601 UTC; "" for a feed known before the hub was configured
    release: str
    delivery: str
    digest: str = ""  # WebSub: the SHA-256 of the feed announced


@dataclass(frozen=True)
class Channel:
    started: str  # the release live when the channel began
    skipped: frozenset[str] = frozenset()
    sent: Mapping[str, Sent] = field(default_factory=dict)
    failed: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Outbox:
    channels: Mapping[str, Channel] = field(default_factory=dict)


def delivery_id(channel: str, key: str, digest: str = "") -> str:
    """The same id for the same thing sent on the same channel, on every try and machine:
    a receiver that keeps the ids it accepted never acts twice on one delivery."""
    return str(uuid.uuid5(_NAMESPACE, f"{channel}\n{key}\n{digest}"))


def begin(
    outbox: Outbox,
    channel: str,
    release: str,
    known: Iterable[str] = (),
    known_feeds: Mapping[str, str] | None = None,
) -> Outbox:
    """`outbox` with `channel` started, if new: what was `known` before is never sent."""
    if channel in outbox.channels:
        return outbox
    sent = {path: Sent("", release, "", digest) for path, digest in (known_feeds or {}).items()}
    record = Channel(started=release, skipped=frozenset(known), sent=sent)
    return Outbox({**outbox.channels, channel: record})


def due_updates(outbox: Outbox, channel: str, keys: Iterable[str]) -> list[str]:
    """The keys of `keys` (in their order) not yet sent on `channel` nor skipped."""
    record = outbox.channels[channel]
    return [k for k in keys if k not in record.sent and k not in record.skipped]


def due_feeds(outbox: Outbox, channel: str, feeds: Mapping[str, str]) -> list[str]:
    """The feed paths whose content differs from what `channel` (a hub) last announced."""
    record = outbox.channels[channel]
    return [p for p, d in feeds.items() if p not in record.sent or record.sent[p].digest != d]


def mark_sent(outbox: Outbox, channel: str, key: str, sent: Sent) -> Outbox:
    """`outbox` with `key` sent on `channel`."""
    record = outbox.channels[channel]
    failed = {k: v for k, v in record.failed.items() if k != key}
    updated = replace(record, sent={**record.sent, key: sent}, failed=failed)
    return Outbox({**outbox.channels, channel: updated})


def mark_failed(outbox: Outbox, channel: str, key: str, reason: str) -> Outbox:
    """`outbox` with the last error for `key` on `channel` (still due)."""
    record = outbox.channels[channel]
    updated = replace(record, failed={**record.failed, key: reason})
    return Outbox({**outbox.channels, channel: updated})


def merge(newer: Outbox, ours: Outbox) -> Outbox:
    """`newer` (saved by another run meanwhile) with what `ours` sent or tried: a `sent`
    record always wins, so nothing either run sent is ever due again."""
    merged = dict(newer.channels)
    for name, record in ours.channels.items():
        theirs = merged.get(name)
        if theirs is None:
            merged[name] = record
            continue
        sent = {**record.sent, **theirs.sent}
        failed = {**theirs.failed, **record.failed}
        failed = {k: v for k, v in failed.items() if k not in sent}
        merged[name] = replace(theirs, sent=sent, failed=failed)
    return Outbox(merged)


def to_json(outbox: Outbox) -> bytes:
    """The outbox file's bytes."""
    channels: dict[str, Any] = {}
    for name, record in sorted(outbox.channels.items()):
        channels[name] = {
            "started": record.started,
            "skipped": sorted(record.skipped),
            "sent": {
                key: {k: v for k, v in vars(s).items() if v or k != "digest"}
                for key, s in sorted(record.sent.items())
            },
            "failed": dict(sorted(record.failed.items())),
        }
    document = {"schema_version": SCHEMA_VERSION, "channels": channels}
    return (json.dumps(document, ensure_ascii=False, indent=2, sort_keys=True) + "\n").encode()


def from_json(data: bytes) -> Outbox:
    """The outbox read from its file's bytes."""
    document = json.loads(data)
    channels = {
        name: Channel(
            started=record.get("started", ""),
            skipped=frozenset(record.get("skipped", ())),
            sent={key: Sent(**value) for key, value in record.get("sent", {}).items()},
            failed=dict(record.get("failed", {})),
        )
        for name, record in document.get("channels", {}).items()
    }
    return Outbox(channels)


def load(target: Path) -> Outbox | None:
    """The outbox of the deploy target, or None when no notification was ever recorded."""
    path = target / OUTBOX
    return from_json(path.read_bytes()) if path.is_file() else None


def save(target: Path, outbox: Outbox) -> None:
    """Write the outbox atomically: a temporary file, flushed, renamed over the old one."""
    descriptor, temporary = tempfile.mkstemp(prefix=f".{OUTBOX}.tmp-", dir=target)
    try:
        with os.fdopen(descriptor, "wb") as handle:
            handle.write(to_json(outbox))
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temporary, target / OUTBOX)
    except BaseException:
        os.unlink(temporary)
        raise


@contextmanager
def locked(target: Path) -> Iterator[None]:
    """Only one run sends from `target` at a time; another is refused (OutboxBusy)."""
    with open(target / LOCK, "a", encoding="utf-8") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise OutboxBusy(str(target)) from None
        yield
