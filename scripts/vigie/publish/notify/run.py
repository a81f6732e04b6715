"""One notification run: what the live release made public, less what the outbox says was
sent, to each configured channel; every outcome recorded as it happens.

Never raises for a channel: a channel down, slow or refusing keeps what it was due for the
next run, and the run as a whole stops trying after `DEADLINE` seconds.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from functools import partial
from typing import TYPE_CHECKING

from vigie.publish import deploy
from vigie.publish.notify import channels, outbox, released
from vigie.publish.notify import mail as mailer
from vigie.publish.notify import texts as say

if TYPE_CHECKING:
    from collections.abc import Callable, Mapping
    from pathlib import Path

    from vigie.model import Mail, Settings, Webhook
    from vigie.publish.notify.released import ComponentChange, Release, ReleasedUpdate

DEADLINE = 120.0  # seconds for a whole run, whatever the number of channels
SENT, FAILED, DUE = "sent", "failed", "due"


@dataclass(frozen=True)
class Route:
    """One configured channel: its outbox key and what it takes."""

    id: str  # webhook:<id>, mail, websub:<hub>
    label: str
    hub: str = ""
    webhook: Webhook | None = None
    mail: Mail | None = None


@dataclass(frozen=True)
class Delivery:
    """One thing due on one channel, and what became of it."""

    channel: str
    key: str  # feed id, or feed path for a hub
    what: str  # in words, for staff
    outcome: str  # sent, failed, due
    reason: str = ""  # why it failed, or the last error of what is due


@dataclass(frozen=True)
class Report:
    live: str | None
    deliveries: tuple[Delivery, ...] = ()
    configured: bool = True
    busy: bool = False
    unrecorded: str = ""  # why the outbox could not be saved after sending (git target)

    def count(self, outcome: str) -> int:
        return sum(1 for d in self.deliveries if d.outcome == outcome)


@dataclass(frozen=True)
class Senders:
    """How things are sent: replaced in tests only to count, never to fake a server."""

    post: Callable[..., channels.Answer] = channels.post
    ping: Callable[[str, str, float], channels.Answer] = channels.websub_ping
    mail: Callable[..., channels.Answer] = mailer.send
    clock: Callable[[], float] = time.monotonic


def routes(settings: Settings) -> tuple[Route, ...]:
    """Every channel `mkdocs.yml` configures, hubs first."""
    found = [
        Route(f"websub:{hub}", say.CHANNEL_HUB.format(hub=hub), hub=hub)
        for hub in settings.notify.hubs
    ]
    found += [
        Route(f"webhook:{hook.id}", say.CHANNEL_WEBHOOK.format(id=hook.id), webhook=hook)
        for hook in settings.notify.webhooks
    ]
    if settings.notify.mail:
        found.append(Route("mail", say.CHANNEL_MAIL, mail=settings.notify.mail))
    return tuple(found)


def _baseline(target: Path, live: str, previous: str | None) -> Release | None:
    """What was public before: the release `previous` (the one a deploy replaced), else the
    newest release older than the live one; None for a target's very first release."""
    names = [r.name for r in deploy.releases(target)]
    before = previous if previous in names else next((n for n in names if n < live), None)
    return released.read(target / deploy.RELEASES / before) if before else None


def _update_label(update: ReleasedUpdate) -> str:
    return f"{update.incident_title} — {update.status_label} : {update.title}"


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def notify(
    target: Path,
    settings: Settings,
    environ: Mapping[str, str],
    *,
    dry_run: bool = False,
    send: bool = True,
    previous: str | None = None,
    senders: Senders | None = None,
) -> Report:
    """Send what is due from the release live in `target`, and record it in its outbox.

    `dry_run`: compute only, write nothing. `send=False` (`vigie deploy --no-notify`): start
    new channels at this release (so nothing older is ever sent) and send nothing.
    `previous`: the release the deploy just replaced.
    """
    senders = senders or Senders()
    configured = routes(settings)
    live = deploy.live_name(target)
    if live is None:
        return Report(None)
    if not configured:
        return Report(live, configured=False)
    release = released.read(target / deploy.RELEASES / live)
    try:
        with outbox.locked(target):
            return _run(
                target,
                settings,
                environ,
                configured,
                live,
                release,
                previous,
                dry_run=dry_run,
                send=send,
                senders=senders,
            )
    except outbox.OutboxBusy:
        return Report(live, busy=True)


def _run(
    target: Path,
    settings: Settings,
    environ: Mapping[str, str],
    configured: tuple[Route, ...],
    live: str,
    release: Release,
    previous: str | None,
    *,
    dry_run: bool,
    send: bool,
    senders: Senders,
) -> Report:
    return recorded(
        outbox.load(target) or outbox.Outbox(),
        partial(outbox.save, target),
        configured,
        live,
        release,
        lambda: _baseline(target, live, previous),
        settings,
        environ,
        dry_run=dry_run,
        send=send,
        senders=senders,
    )


def recorded(
    box: outbox.Outbox,
    store: Callable[[outbox.Outbox], None],
    configured: tuple[Route, ...],
    live: str,
    release: Release,
    baseline: Callable[[], Release | None],
    settings: Settings,
    environ: Mapping[str, str],
    *,
    dry_run: bool,
    send: bool,
    senders: Senders,
) -> Report:
    """A run whose outbox is written whole wherever the target keeps it (`store`: a deploy
    folder's file, a bucket's object): the channels begun and stored, then each outcome
    stored as it comes. A dry run stores nothing."""
    box = start(box, configured, live, baseline)
    if not dry_run:
        store(box)
    _, deliveries = deliver(
        box,
        configured,
        live,
        release,
        settings,
        environ,
        dry_run=dry_run,
        send=send,
        senders=senders,
        save=store,  # never called on a dry run: nothing is sent
    )
    return Report(live, deliveries)


def start(
    box: outbox.Outbox,
    configured: tuple[Route, ...],
    live: str,
    baseline: Callable[[], Release | None],
) -> outbox.Outbox:
    """`box` with every new channel begun at `live`: what `baseline` showed is never sent."""
    before = None
    if any(route.id not in box.channels for route in configured):
        before = baseline()
    known = [u.feed_id for u in before.updates] if before else []
    known_feeds = before.feeds if before else {}
    for route in configured:
        box = outbox.begin(box, route.id, live, known, known_feeds if route.hub else None)
    return box


def deliver(
    box: outbox.Outbox,
    configured: tuple[Route, ...],
    live: str,
    release: Release,
    settings: Settings,
    environ: Mapping[str, str],
    *,
    dry_run: bool,
    send: bool,
    senders: Senders,
    save: Callable[[outbox.Outbox], None],
) -> tuple[outbox.Outbox, tuple[Delivery, ...]]:
    """Send what each channel is due from `release`; `save` the outbox after each outcome."""
    deliveries: list[Delivery] = []
    started = senders.clock()
    by_id = {u.feed_id: u for u in release.updates}
    by_id |= {channels.component_key(u, c): u for u in release.updates for c in u.changes}
    for route in configured:
        due = _due(box, route, release)
        record = box.channels[route.id]
        down = ""
        for key, what in due:
            if dry_run or not send:
                deliveries.append(Delivery(route.id, key, what, DUE, record.failed.get(key, "")))
                continue
            if senders.clock() - started > DEADLINE:
                down = say.DEADLINE.format(seconds=f"{DEADLINE:g}")
            if down:
                box = outbox.mark_failed(box, route.id, key, down)
                deliveries.append(Delivery(route.id, key, what, FAILED, down))
                continue
            answer, sent = _send(route, key, by_id.get(key), release, settings, environ, senders)
            if answer.ok:
                box = outbox.mark_sent(box, route.id, key, replace(sent, release=live))
                deliveries.append(Delivery(route.id, key, what, SENT))
            else:
                box = outbox.mark_failed(box, route.id, key, answer.reason)
                deliveries.append(Delivery(route.id, key, what, FAILED, answer.reason))
                if answer.down:
                    down = answer.reason
            save(box)  # after each: a run killed now sends nothing twice
    return box, tuple(deliveries)


def _due(box: outbox.Outbox, route: Route, release: Release) -> list[tuple[str, str]]:
    """(key, words) of what `route` is due, oldest update first."""
    if route.hub:
        paths = outbox.due_feeds(box, route.id, release.feeds)
        return [(p, say.FEED_CHANGED.format(path=p)) for p in paths]
    limits = route.webhook or route.mail
    assert limits is not None
    chosen = [u for u in release.updates if channels.wanted(u, limits.components, limits.kinds)]
    keys = set(outbox.due_updates(box, route.id, [u.feed_id for u in chosen]))
    record = box.channels[route.id]
    due = []
    for update in chosen:
        if update.feed_id in keys:
            due.append((update.feed_id, _update_label(update)))
        elif update.feed_id not in record.sent:
            continue  # skipped: public before the channel began
        if not route.webhook or route.webhook.format != "statuspage":
            continue
        for change in update.changes:  # with its update, or after it when it failed
            key = channels.component_key(update, change)
            if key not in record.sent and (update.feed_id in keys or key in record.failed):
                due.append((key, _change_label(update, change)))
    return due


def _change_label(update: ReleasedUpdate, change: ComponentChange) -> str:
    return say.COMPONENT_CHANGED.format(
        component=change.component_id,
        old=change.old_status,
        new=change.new_status,
        update=_update_label(update),
    )


def _send(
    route: Route,
    key: str,
    update: ReleasedUpdate | None,
    release: Release,
    settings: Settings,
    environ: Mapping[str, str],
    senders: Senders,
) -> tuple[channels.Answer, outbox.Sent]:
    timeout = settings.notify.timeout
    if route.hub:
        digest = release.feeds[key]
        feed_url = f"{settings.site_url.rstrip('/')}/{key}"
        answer = senders.ping(route.hub, feed_url, timeout)
        return answer, outbox.Sent(_now(), "", outbox.delivery_id(route.id, key, digest), digest)
    assert update is not None
    delivery = outbox.delivery_id(route.id, key)
    if route.webhook:
        hook = route.webhook
        missing = [n for n in (hook.url_env, hook.secret_env) if n and not environ.get(n)]
        if missing or not hook.url_env:
            reason = say.ENV_MISSING.format(name=missing[0] if missing else "url_env")
            return channels.Answer(False, reason, down=True), outbox.Sent("", "", "")
        change = next((c for c in update.changes if channels.component_key(update, c) == key), None)
        event, body = channels.EVENT, b""
        if change is None:
            body = channels.webhook_body(hook, update, release.page, settings.organisation)
        else:  # a Statuspage component update
            component = release.components.get(change.component_id, {})
            document = channels.component_update_body(update, change, component, release.page)
            event, body = channels.COMPONENT_EVENT, channels.json_bytes(document)
        secret = environ.get(hook.secret_env, "")
        headers = channels.webhook_headers(body, delivery, secret, event)
        answer = senders.post(environ[hook.url_env], body, headers, timeout)
    else:
        answer = senders.mail(route.mail, update, settings, environ, delivery)
    return answer, outbox.Sent(_now(), "", delivery)
