"""A real WebSub hub tells a real subscriber of the new feed, after `vigie deploy dir`.

Everything on 127.0.0.1, started and stopped here: the deployed `current` folder served
over HTTP (the site's `site_url`), flask-websub's hub (its Celery tasks run eagerly: no
broker, no worker) and flask-websub's subscriber, which discovers the hub in the feed,
subscribes, answers the hub's challenge and records what the hub sends it.

Vigie's ping names the feed both as `hub.url` (PubSubHubbub 0.4, most public hubs) and as
`hub.topic` (what this hub reads): it is taken as sent. One thing is bridged here, not in
Vigie (see docs/abonnes.md, « WebSub »): this hub forwards a feed only if the HTTP
response has `Link` headers `rel="hub"` and `rel="self"` (WebSub 4 says a publisher's
response MUST have them; Vigie's feeds name both inside, which WebSub lets a subscriber
fall back to, but neither `_headers` nor the nginx rules send them). This host sends the
links each feed itself names, and the Content-Type of Vigie's hosting rules.
"""

from __future__ import annotations

import io
import json
import threading
import urllib.parse
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import TYPE_CHECKING, Any

import feedparser
import pytest
from celery import Celery
from flask import Flask
from flask_websub.hub import Hub, SQLite3HubStorage
from flask_websub.subscriber import (
    SQLite3SubscriberStorage,
    SQLite3TempSubscriberStorage,
    Subscriber,
    discover,
)
from werkzeug.serving import make_server

from conftest import copy_repo, run_vigie
from notify_servers import NEW_SLUG, NEW_UPDATE, wait_until
from vigie.publish import hosting
from vigie.publish.notify import channels, outbox

if TYPE_CHECKING:
    import os
    from collections.abc import Iterable, Iterator

    from werkzeug.serving import BaseWSGIServer

EXAMPLE_URL = "site_url: https://statut.mutuelle-horizon.example/\n"
SITE_FEED = "feeds/atom.xml"


def serve(server: Any) -> Any:
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


def stop(server: Any) -> None:
    server.shutdown()
    server.server_close()


def base_url(server: BaseWSGIServer | ThreadingHTTPServer) -> str:
    return f"http://127.0.0.1:{server.server_address[1]}"


# --- The host: the deployed `current` folder, with WebSub's Link headers on each feed -------


def feed_links(path: Path) -> tuple[str, str] | None:
    """The hub and self links a feed file names (Atom, RSS, JSON Feed), or None."""
    if not path.is_file():
        return None
    if path.suffix == ".json":
        document = json.loads(path.read_bytes())
        hubs = document.get("hubs") if isinstance(document, dict) else None
        return (hubs[0]["url"], document["feed_url"]) if hubs else None
    if path.suffix != ".xml":
        return None
    links = {link["rel"]: link["href"] for link in feedparser.parse(path.read_bytes()).feed.links}
    return (links["hub"], links["self"]) if "hub" in links and "self" in links else None


class Host(SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        pass

    def guess_type(self, path: str | os.PathLike[str]) -> str:
        """The Content-Type Vigie's hosting rules give a feed, else the usual guess."""
        relative = Path(path).relative_to(self.directory).as_posix()
        return hosting.content_type(relative) or super().guess_type(path)

    def end_headers(self) -> None:
        path = self.translate_path(self.path)
        links = feed_links(Path(path))
        if links:
            self.send_header("Link", f'<{links[0]}>; rel="hub", <{links[1]}>; rel="self"')
        super().end_headers()


def start_host(current: Path) -> ThreadingHTTPServer:
    """`current` served on 127.0.0.1; the symbolic link is followed at each request."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), partial(Host, directory=str(current)))
    server.daemon_threads = True
    return serve(server)


# --- The hub: flask-websub's, its tasks run at once by Celery ------------------------------


@dataclass
class PublishAsTopic:
    """WSGI: the hub, recording each publish ping's feed (`hub.topic`) as Vigie sent it."""

    app: Any
    pings: list[str] = field(default_factory=list)

    def __call__(self, environ: dict[str, Any], start_response: Any) -> Iterable[bytes]:
        if environ["REQUEST_METHOD"] == "POST":
            body = environ["wsgi.input"].read(int(environ.get("CONTENT_LENGTH") or 0))
            form = urllib.parse.parse_qs(body.decode())
            if form.get("hub.mode") == ["publish"]:
                self.pings += form.get("hub.topic", [])
            environ["wsgi.input"] = io.BytesIO(body)
            environ["CONTENT_LENGTH"] = str(len(body))
        return self.app(environ, start_response)


def start_hub(folder: Path) -> tuple[BaseWSGIServer, PublishAsTopic]:
    celery = Celery("vigie-test-websub-hub", broker="memory://")
    # Each task runs in the request that asks for it, and its failure fails that request
    # (a 500 Vigie records), instead of vanishing in a result nobody reads.
    celery.conf.task_always_eager = True
    celery.conf.task_eager_propagates = True
    app = Flask("vigie-test-websub-hub")
    app.config["PUBLISH_SUPPORTED"] = True
    storage = SQLite3HubStorage(str(folder / "hub.sqlite3"))
    hub = Hub(storage, celery, REQUEST_TIMEOUT=5, MAX_ATTEMPTS=1, BACKOFF_BASE=0.01)
    app.register_blueprint(hub.build_blueprint(url_prefix="/hub"))
    shim = PublishAsTopic(app.wsgi_app)
    app.wsgi_app = shim  # type: ignore[method-assign]
    return serve(make_server("127.0.0.1", 0, app, threaded=True)), shim


# --- The subscriber: flask-websub's ---------------------------------------------------------


@dataclass
class Inbox:
    server: BaseWSGIServer
    app: Flask
    subscriber: Subscriber
    subscribed: list[tuple[str, str]] = field(default_factory=list)
    errors: list[tuple[str, str]] = field(default_factory=list)
    received: list[tuple[str, bytes]] = field(default_factory=list)

    def subscribe(self, topic: str) -> dict[str, str]:
        found = discover(topic, timeout=5)
        with self.app.app_context():  # for the callback's external URL
            self.subscriber.subscribe(**found)
        return found


def start_subscriber(folder: Path) -> Inbox:
    app = Flask("vigie-test-websub-subscriber")
    subscriber = Subscriber(
        SQLite3SubscriberStorage(str(folder / "subscriber.sqlite3")),
        SQLite3TempSubscriberStorage(str(folder / "subscriber-temp.sqlite3")),
        REQUEST_TIMEOUT=5,
    )
    app.register_blueprint(subscriber.build_blueprint(url_prefix="/callbacks"))
    server = serve(make_server("127.0.0.1", 0, app, threaded=True))
    app.config["SERVER_NAME"] = f"127.0.0.1:{server.server_port}"
    inbox = Inbox(server, app, subscriber)
    subscriber.add_success_handler(lambda topic, _, mode: inbox.subscribed.append((topic, mode)))
    subscriber.add_error_handler(lambda topic, _, reason: inbox.errors.append((topic, reason)))
    subscriber.add_listener(lambda topic, _, body: inbox.received.append((topic, body)))
    return inbox


# --- The site, its two builds, and the deploys ------------------------------------------------


@dataclass(frozen=True)
class World:
    repo: Path  # mkdocs.yml with the hub; plain.yml without notify
    a: Path  # the example site
    b: Path  # plus one new update
    target: Path  # the deploy folder; `current` is what the host serves
    site_url: str
    hub: PublishAsTopic
    hub_url: str
    inbox: Inbox


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> Iterator[World]:
    base = tmp_path_factory.mktemp("websub")
    target = base / "statut"
    host = start_host(target / "current")
    hub_server, shim = start_hub(base)
    inbox = start_subscriber(base)
    site_url, hub_url = base_url(host) + "/", base_url(hub_server) + "/hub"

    repo = copy_repo(base / "repo")
    config = (repo / "mkdocs.yml").read_text(encoding="utf-8")
    assert EXAMPLE_URL in config
    config = config.replace(EXAMPLE_URL, f"site_url: {site_url}\n", 1)
    (repo / "plain.yml").write_text(config, encoding="utf-8")
    hubs = f"      notify:\n        hubs: [{hub_url}]\n"
    config = config.replace("      components:\n", hubs + "      components:\n", 1)
    (repo / "mkdocs.yml").write_text(config, encoding="utf-8")
    newer = copy_repo(base / "newer")  # the same sources, plus one new update
    (newer / "mkdocs.yml").write_text(config, encoding="utf-8")
    updates = newer / "incidents" / "2024-06-espace-adherent" / "updates"
    (updates / f"{NEW_SLUG}.md").write_text(NEW_UPDATE, encoding="utf-8")
    with ThreadPoolExecutor(2) as pool:  # the two builds side by side, one per core
        builds = [
            pool.submit(run_vigie, sources, "build", "-d", str(base / name))
            for sources, name in ((repo, "site-a"), (newer, "site-b"))
        ]
    for built in builds:
        assert built.result().returncode == 0, built.result().stderr

    yield World(repo, base / "site-a", base / "site-b", target, site_url, shim, hub_url, inbox)
    for server in (inbox.server, hub_server, host):
        stop(server)


def deploy(world: World, site: Path, *, config: str = "mkdocs.yml") -> None:
    done = run_vigie(
        world.repo,
        "-f",
        str(world.repo / config),
        "deploy",
        "dir",
        str(world.target),
        "-d",
        str(site),
    )
    assert done.returncode == 0, done.stdout + done.stderr


def entry_ids(feed: bytes) -> list[str]:
    parsed = feedparser.parse(feed)
    assert not parsed.bozo, parsed.bozo_exception
    return [entry.id for entry in parsed.entries]


def test_after_deploy_the_hub_sends_the_subscriber_the_new_feed(world: World) -> None:
    topic = world.site_url + SITE_FEED
    new_id = f"tag:127.0.0.1,2024:2024-06-espace-adherent/{NEW_SLUG}"
    assert new_id not in entry_ids((world.a / SITE_FEED).read_bytes())
    assert new_id in entry_ids((world.b / SITE_FEED).read_bytes())

    # The site as it was before anyone configured a hub; a reader subscribes to its feed,
    # finding the hub the way readers do, from what the host serves.
    deploy(world, world.a, config="plain.yml")
    assert world.inbox.subscribe(topic) == {"hub_url": world.hub_url, "topic_url": topic}
    assert world.inbox.subscribed == [(topic, "subscribe")]
    assert world.inbox.errors == []

    # The first deploy that tells the hub, of the site already online: no feed changed, so
    # nothing is announced. The hub runs each task within the ping's own request, so what
    # it would send has been sent when `vigie deploy` returns.
    deploy(world, world.a)
    assert world.hub.pings == []
    assert world.inbox.received == []

    # One new update: the hub is pinged with the feed's own address, fetches the feed
    # from the host and sends it, whole, to the subscriber.
    deploy(world, world.b)
    assert topic in world.hub.pings
    assert all(ping.startswith(world.site_url) for ping in world.hub.pings)
    assert len(set(world.hub.pings)) == len(world.hub.pings)  # each changed feed once
    channel = outbox.load(world.target).channels[f"websub:{world.hub_url}"]
    assert channel.failed == {}  # the hub fetched every feed it was told of
    assert wait_until(lambda: len(world.inbox.received) >= 1, timeout=5)
    assert len(world.inbox.received) == 1  # one subscription, one changed feed: one delivery
    received_topic, body = world.inbox.received[0]
    assert received_topic == topic
    assert body == (world.target / "current" / SITE_FEED).read_bytes()
    ids = entry_ids(body)
    assert ids[0] == new_id
    assert set(ids) >= set(entry_ids((world.a / SITE_FEED).read_bytes()))


def test_the_ping_as_vigie_sends_it_is_taken_by_a_hub_reading_hub_topic(tmp_path: Path) -> None:
    """flask-websub reads `hub.topic` and refuses a ping with `hub.url` alone (the form of
    PubSubHubbub 0.4 hubs): Vigie's form names the feed both ways, and this hub takes it."""
    celery = Celery("vigie-test-websub-bare", broker="memory://")
    celery.conf.task_always_eager = True
    app = Flask("vigie-test-websub-bare")
    app.config["PUBLISH_SUPPORTED"] = True
    hub = Hub(SQLite3HubStorage(str(tmp_path / "hub.sqlite3")), celery)
    app.register_blueprint(hub.build_blueprint(url_prefix="/hub"))
    feed = "http://127.0.0.1:9/feeds/atom.xml"
    refused = app.test_client().post("/hub", data={"hub.mode": "publish", "hub.url": feed})
    assert refused.status_code == 400
    assert b"hub.topic" in refused.data
    taken = app.test_client().post("/hub", data=channels.websub_form(feed))
    assert taken.status_code < 300, taken.data
    assert channels.websub_form(feed)["hub.url"] == feed
