"""Subscribers told at deploy: each new update once per webhook, never twice, never missed.

Real builds, real `vigie deploy dir` processes, and real HTTP receivers on 127.0.0.1 that
check the signature; what they receive is read back as JSON.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import shutil
import subprocess
import time
import urllib.parse
from typing import TYPE_CHECKING

import feedparser
import pytest

from conftest import run_vigie
from notify_servers import (
    NEW_SLUG,
    SECRET,
    build_sites,
    closed_port_url,
    start_receiver,
)
from vigie import pipeline
from vigie.publish import deploy as pages
from vigie.publish.notify import branch, channels, outbox, released
from vigie.publish.notify import run as notify_run

if TYPE_CHECKING:
    from collections.abc import Iterator
    from pathlib import Path

    from notify_servers import Receiver, Sites

NEW_ID = f"tag:statut.mutuelle-horizon.example,2024:2024-06-espace-adherent/{NEW_SLUG}"
PERMALINK = f"https://statut.mutuelle-horizon.example/incidents/2024-06-espace-adherent/#{NEW_SLUG}"


@pytest.fixture(scope="module")
def hub() -> Iterator[Receiver]:
    """A WebSub hub's publish endpoint on 127.0.0.1: it records each ping (`hub.mode`)."""
    receiver = start_receiver()
    yield receiver
    receiver.stop()


@pytest.fixture(scope="module")
def sites(tmp_path_factory: pytest.TempPathFactory, hub: Receiver) -> Sites:
    return build_sites(tmp_path_factory.mktemp("notify"), hubs=f"        hubs: [{hub.url}]\n")


@pytest.fixture
def receivers() -> Iterator[dict[str, Receiver]]:
    started = {name: start_receiver() for name in ("statuspage", "slack", "teams")}
    yield started
    for receiver in started.values():
        receiver.stop()


def env_for(receivers: dict[str, Receiver], **urls: str) -> dict[str, str]:
    env = {f"VIGIE_TEST_{n.upper()}_URL": r.url for n, r in receivers.items()}
    env |= {f"VIGIE_TEST_{n.upper()}_URL": url for n, url in urls.items()}
    return env | {"VIGIE_TEST_STATUSPAGE_SECRET": SECRET}


def deploy(sites: Sites, site: Path, target: Path, env: dict[str, str], *more: str):
    return run_vigie(sites.repo, "deploy", "dir", str(target), "-d", str(site), *more, env=env)


def existing_site(sites: Sites, target: Path) -> None:
    """The example site deployed before anyone configured notifications."""
    plain = str(sites.repo / "plain.yml")  # the last -f is the one read
    done = run_vigie(sites.repo, "-f", plain, "deploy", "dir", str(target), "-d", str(sites.a))
    assert done.returncode == 0, done.stderr
    assert not (target / outbox.OUTBOX).exists()


def test_each_new_update_goes_once_to_each_endpoint_that_wants_it(
    sites: Sites, receivers: dict[str, Receiver], tmp_path: Path
) -> None:
    target = tmp_path / "statut"
    existing_site(sites, target)
    env = env_for(receivers)

    done = deploy(sites, sites.b, target, env)
    assert done.returncode == 0, done.stderr
    assert "envoyé — webhook supervision : Espace adhérent inaccessible" in done.stdout

    # Only the new update: nothing older than the release replaced, no draft, nothing
    # scheduled later; Teams is limited to data breaches, this is an outage.
    statuspage, slack = receivers["statuspage"].accepted, receivers["slack"].accepted
    assert len(statuspage) == 1
    assert len(slack) == 1
    assert receivers["teams"].accepted == []
    body = statuspage[0]["json"]
    assert statuspage[0]["signed"]
    assert statuspage[0]["headers"]["X-Vigie-Delivery"] == outbox.delivery_id(
        "webhook:supervision", NEW_ID
    )
    assert body["incident"]["id"] == "2024-06-espace-adherent"
    assert body["incident"]["incident_updates"][0]["id"] == NEW_SLUG
    assert body["incident"]["incident_updates"][0]["status"] == "postmortem"
    assert body["page"]["id"]
    assert body["page"]["status_indicator"]
    assert body["x_feed_id"] == NEW_ID
    text = slack[0]["json"]["text"]
    assert "Mutuelle Horizon — Espace adhérent inaccessible le 11 juin 2024" in text
    assert "Retour d'expérience publié : Bilan de la panne" in text
    assert f"<{PERMALINK}|Lire la mise à jour>" in text
    assert "Brouillon" not in json.dumps([r["json"] for r in statuspage + slack])
    assert not slack[0]["signed"]  # no secret configured for this one: no signature

    # Again, from another clone, after a rollback and forward again: nothing twice.
    assert deploy(sites, sites.b, target, env).returncode == 0
    clone = tmp_path / "clone"
    shutil.copytree(sites.repo, clone)
    again = run_vigie(clone, "deploy", "dir", str(target), "-d", str(sites.b), env=env)
    assert again.returncode == 0, again.stderr
    assert run_vigie(sites.repo, "rollback", str(target)).returncode == 0
    assert run_vigie(sites.repo, "notify", str(target), env=env).returncode == 0
    assert deploy(sites, sites.b, target, env).returncode == 0
    assert len(statuspage) == 1
    assert len(slack) == 1
    assert receivers["teams"].accepted == []

    status = run_vigie(sites.repo, "status", "--deploy-dir", str(target), env=env)
    assert "Abonnés : rien de nouveau à annoncer" in status.stdout
    record = json.loads((target / outbox.OUTBOX).read_text(encoding="utf-8"))
    sent = record["channels"]["webhook:supervision"]["sent"]
    assert list(sent) == [NEW_ID]
    assert not list(target.glob(f".{outbox.OUTBOX}.tmp-*"))


def test_a_channel_down_slow_or_failing_never_fails_the_deploy_and_is_sent_once_later(
    sites: Sites, receivers: dict[str, Receiver], tmp_path: Path
) -> None:
    target = tmp_path / "statut"
    existing_site(sites, target)
    receivers["statuspage"].mode = "error"
    receivers["slack"].mode = "slow"
    env = env_for(receivers, teams=closed_port_url())

    started = time.monotonic()
    done = deploy(sites, sites.b, target, env)
    seconds = time.monotonic() - started
    assert done.returncode == 0, done.stderr
    assert (target / "current").is_symlink()
    assert "pas envoyé — webhook supervision" in done.stderr
    assert "HTTP 500" in done.stderr
    assert "pas de réponse en 0.5 s" in done.stderr
    assert "Le site, lui, est bien en ligne." in done.stderr
    assert seconds < 8  # 3 tries of 0.5 s and back-off, not an unbounded wait

    status = run_vigie(sites.repo, "status", "--deploy-dir", str(target), env=env)
    assert "En attente d'envoi aux abonnés" in status.stdout
    assert "webhook supervision : Espace adhérent inaccessible le 11 juin 2024" in status.stdout
    assert "(dernier essai : HTTP 500)" in status.stdout
    dry = run_vigie(sites.repo, "notify", str(target), "--dry-run", env=env)
    assert "À envoyer (essai" in dry.stdout
    assert receivers["statuspage"].accepted == []

    late = list(receivers["slack"].refused)
    receivers["statuspage"].mode = receivers["slack"].mode = "ok"
    receivers["slack"].released.set()
    fixed = run_vigie(sites.repo, "notify", str(target), env=env_for(receivers))
    assert fixed.returncode == 0, fixed.stderr
    assert len(receivers["statuspage"].accepted) == 1
    assert len(receivers["slack"].accepted) == 1
    # The late copy the slow endpoint got carried the same delivery id: deduplicated there.
    ids = {r["headers"]["X-Vigie-Delivery"] for r in late}
    assert ids <= {receivers["slack"].accepted[0]["headers"]["X-Vigie-Delivery"]}
    assert receivers["teams"].accepted == []  # limited to data breaches

    again = deploy(sites, sites.b, target, env_for(receivers))
    assert again.returncode == 0
    assert len(receivers["statuspage"].accepted) == 1
    assert len(receivers["slack"].accepted) == 1


def test_a_new_target_sends_everything_public_and_no_notify_keeps_it_pending(
    sites: Sites, receivers: dict[str, Receiver], tmp_path: Path
) -> None:
    target = tmp_path / "neuf"
    env = env_for(receivers)
    done = deploy(sites, sites.a, target, env, "--no-notify")
    assert done.returncode == 0, done.stderr
    due = 33 + len(status_changes(sites.a))  # and a component update per status change
    assert f"Abonnés non prévenus (--no-notify) : {due} envoi(s) en attente" in done.stdout
    assert receivers["statuspage"].accepted == []
    sent = run_vigie(sites.repo, "notify", str(target), env=env)
    assert sent.returncode == 0, sent.stderr
    by_event: dict[str, list[dict]] = {channels.EVENT: [], channels.COMPONENT_EVENT: []}
    for record in receivers["statuspage"].accepted:
        assert record["signed"]
        by_event[record["headers"]["X-Vigie-Event"]].append(record)
    ids = [r["json"]["x_update_id"] for r in by_event[channels.EVENT]]
    assert len(ids) == 7
    assert_component_updates(sites, by_event[channels.COMPONENT_EVENT])
    again = run_vigie(sites.repo, "notify", str(target), env=env)
    assert "Abonnés : rien de nouveau à annoncer" in again.stdout
    assert len(receivers["statuspage"].accepted) == len(ids) + len(by_event["component.update"])
    assert len(set(ids)) == 7
    assert ids[0] == "2024-02-05T1800-premiere-information"
    assert len(receivers["teams"].accepted) == 4  # the data breach's four updates
    card = receivers["teams"].accepted[0]["json"]["attachments"][0]["content"]
    assert card["type"] == "AdaptiveCard"
    assert card["actions"][0]["title"] == "Lire la mise à jour"


def status_changes(site: Path) -> list[tuple[str, str, str, str]]:
    """(update, service, old, new) of each status change the built API lists."""
    api = json.loads((site / "api/v2/incidents.json").read_bytes())
    return [
        (u["id"], a["code"], a["old_status"], a["new_status"])
        for i in api["incidents"]
        for u in i["incident_updates"]
        for a in u["affected_components"]
        if a["old_status"] != a["new_status"]
    ]


def assert_component_updates(sites: Sites, received: list[dict]) -> None:
    """Each status change of a service in the built API went once, as Statuspage's body."""
    components = {
        c["id"]: c
        for c in json.loads((sites.a / "api/v2/components.json").read_bytes())["components"]
    }
    expected = status_changes(sites.a)
    got = []
    for record in received:
        body = record["json"]
        change = body["component_update"]
        assert set(body) >= {"meta", "page", "component_update", "component"}
        assert "incident" not in body
        assert set(change) == {"created_at", "new_status", "old_status", "id", "component_id"}
        assert change["component_id"] in components
        assert body["component"]["id"] == change["component_id"]
        assert body["component"]["name"] == components[change["component_id"]]["name"]
        assert body["component"]["status"] == change["new_status"]
        assert body["page"]["id"]
        key = f"{body['x_feed_id']}#component:{change['component_id']}"
        delivery = outbox.delivery_id("webhook:supervision", key)
        assert record["headers"]["X-Vigie-Delivery"] == delivery
        got.append(
            (
                body["x_update_id"],
                change["component_id"],
                change["old_status"],
                change["new_status"],
            )
        )
    assert sorted(got) == sorted(expected)
    assert len(got) == len(set(got)) >= 2


def test_the_outbox_is_written_whole(tmp_path: Path) -> None:
    box = outbox.begin(outbox.Outbox(), "webhook:x", "r1", known=["a"])
    box = outbox.mark_failed(box, "webhook:x", "b", "HTTP 500")
    box = outbox.mark_sent(box, "webhook:x", "b", outbox.Sent("t", "r2", "d"))
    outbox.save(tmp_path, box)
    assert outbox.load(tmp_path) == box
    assert outbox.due_updates(box, "webhook:x", ["a", "b", "c"]) == ["c"]
    assert [p.name for p in tmp_path.iterdir()] == [outbox.OUTBOX]


def test_a_signature_is_the_hmac_of_the_body() -> None:
    expected = hmac.new(b"k", b"{}", hashlib.sha256).hexdigest()
    assert channels.signature("k", b"{}") == f"sha256={expected}"
    assert channels.short_summary("mot " * 100).endswith("…")


def pings(hub: Receiver) -> list[str]:
    """The feeds a hub was told about, each ping checked as WebSub's publish request."""
    found = []
    for record in hub.accepted:
        form = urllib.parse.parse_qs(record["body"].decode())
        assert form["hub.mode"] == ["publish"]
        found += form["hub.url"]
    return sorted(found)


def test_feeds_name_their_hub_and_the_hub_is_told_of_each_changed_feed_once(
    sites: Sites, hub: Receiver, receivers: dict[str, Receiver], tmp_path: Path
) -> None:
    base = "https://statut.mutuelle-horizon.example/"
    atom = feedparser.parse((sites.b / "feeds/atom.xml").read_bytes())
    rss = feedparser.parse((sites.b / "incidents/2024-06-espace-adherent/rss.xml").read_bytes())
    for parsed, own in (
        (atom, "feeds/atom.xml"),
        (rss, "incidents/2024-06-espace-adherent/rss.xml"),
    ):
        links = {(link["rel"], link["href"]) for link in parsed.feed.links}
        assert ("hub", hub.url) in links
        assert ("self", base + own) in links
        assert parsed.feed.link == base + (
            "" if own.startswith("feeds") else "incidents/2024-06-espace-adherent/"
        )
    document = json.loads((sites.b / "feeds/feed.json").read_bytes())
    assert document["hubs"] == [{"type": "WebSub", "url": hub.url}]
    assert document["feed_url"] == base + "feeds/feed.json"

    target = tmp_path / "statut"
    existing_site(sites, target)
    hub.accepted.clear()
    assert deploy(sites, sites.b, target, env_for(receivers)).returncode == 0
    changed = pings(hub)
    incident = base + "incidents/2024-06-espace-adherent/"
    service = base + "components/espace-adherent/"
    assert changed == sorted(
        [base + "feeds/atom.xml", base + "feeds/feed.json", base + "feeds/rss.xml"]
        + [incident + "atom.xml", incident + "rss.xml", service + "atom.xml", service + "rss.xml"]
    )
    hub.accepted.clear()
    assert deploy(sites, sites.b, target, env_for(receivers)).returncode == 0
    assert hub.accepted == []  # same feeds: nothing to announce


# --- A Pages branch (vigie deploy git) --------------------------------------------------------

OUTBOX_BRANCH = "gh-pages-notifications"


@pytest.fixture(scope="module")
def pages_a(sites: Sites, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A bare repository with the example site on gh-pages, deployed before notify."""
    bare = tmp_path_factory.mktemp("pages") / "pages.git"
    subprocess.run(["git", "init", "-q", "--bare", str(bare)], check=True)
    plain = str(sites.repo / "plain.yml")
    done = run_vigie(sites.repo, "-f", plain, "deploy", "git", str(bare), "-d", str(sites.a))
    assert done.returncode == 0, done.stderr
    assert not in_bare(bare, "rev-parse", "--verify", OUTBOX_BRANCH)
    return bare


def pages_remote(pages_a: Path, tmp_path: Path) -> Path:
    """A copy of `pages_a` for one test: the remote both clones push to."""
    return shutil.copytree(pages_a, tmp_path / "pages.git")


def deploy_git(repo: Path, site: Path, bare: Path, env: dict[str, str]):
    return run_vigie(repo, "deploy", "git", str(bare), "-d", str(site), env=env)


def in_bare(bare: Path, *args: str) -> str:
    done = subprocess.run(["git", "--git-dir", str(bare), *args], capture_output=True, text=True)
    return done.stdout.strip() if done.returncode == 0 else ""


def sent_keys(bare: Path, channel: str) -> list[str]:
    record = json.loads(in_bare(bare, "show", f"{OUTBOX_BRANCH}:{outbox.OUTBOX}"))
    return list(record["channels"][channel]["sent"])


def test_two_clones_deploying_to_one_pages_branch_send_each_update_once(
    sites: Sites, receivers: dict[str, Receiver], pages_a: Path, tmp_path: Path
) -> None:
    bare = pages_remote(pages_a, tmp_path)
    env = env_for(receivers)
    done = deploy_git(sites.repo, sites.b, bare, env)
    assert done.returncode == 0, done.stderr
    assert "envoyé — webhook supervision : Espace adhérent inaccessible" in done.stdout
    statuspage, slack = receivers["statuspage"].accepted, receivers["slack"].accepted
    assert [r["json"]["x_feed_id"] for r in statuspage] == [NEW_ID]  # nothing older
    assert statuspage[0]["signed"]
    assert len(slack) == 1
    assert receivers["teams"].accepted == []

    clone = shutil.copytree(sites.repo, tmp_path / "clone")
    again = deploy_git(clone, sites.b, bare, env)  # the same commit, from another clone
    assert again.returncode == 0, again.stderr
    assert "Abonnés : rien de nouveau à annoncer" in again.stdout
    assert len(statuspage) == 1
    assert len(slack) == 1
    assert sent_keys(bare, "webhook:supervision") == [NEW_ID]
    # The outbox is on its own branch, claim released; nothing of it is on the served one.
    assert in_bare(bare, "ls-tree", "--name-only", OUTBOX_BRANCH).split() == [outbox.OUTBOX]
    served = in_bare(bare, "ls-tree", "-r", "--name-only", "gh-pages").split()
    assert outbox.OUTBOX not in served
    assert branch.CLAIM not in served
    assert len(in_bare(bare, "log", "--format=%H", "gh-pages").split()) == 2


def test_a_pages_branch_channel_down_is_retried_at_the_next_deploy_and_delivered_once(
    sites: Sites, receivers: dict[str, Receiver], pages_a: Path, tmp_path: Path
) -> None:
    bare = pages_remote(pages_a, tmp_path)
    receivers["statuspage"].mode = "error"
    done = deploy_git(sites.repo, sites.b, bare, env_for(receivers))
    assert done.returncode == 0, done.stderr
    assert "HTTP 500" in done.stderr
    assert receivers["statuspage"].accepted == []
    where = [str(bare), "--branch", "gh-pages"]
    dry = run_vigie(sites.repo, "notify", *where, "--dry-run", env=env_for(receivers))
    assert "webhook supervision : Espace adhérent inaccessible" in dry.stdout
    assert "(dernier essai : HTTP 500)" in dry.stdout

    receivers["statuspage"].mode = "ok"
    assert deploy_git(sites.repo, sites.b, bare, env_for(receivers)).returncode == 0
    assert deploy_git(sites.repo, sites.b, bare, env_for(receivers)).returncode == 0
    assert [r["json"]["x_feed_id"] for r in receivers["statuspage"].accepted] == [NEW_ID]
    assert len(receivers["slack"].accepted) == 1


def test_two_runs_at_once_on_a_pages_branch_never_both_send(
    sites: Sites, receivers: dict[str, Receiver], pages_a: Path, tmp_path: Path
) -> None:
    bare = pages_remote(pages_a, tmp_path)
    pages.deploy_git(sites.b, str(bare))  # not notified yet: the first run below does
    settings = pipeline.settings(sites.repo / "mkdocs.yml").settings
    assert settings is not None
    env = env_for(receivers)
    inner: list[notify_run.Report] = []

    def post_then_race(*args, **kwargs) -> channels.Answer:
        if not inner:  # a second run starts while the first is sending
            inner.append(branch.notify(str(bare), "gh-pages", settings, env))
            # ... and a third one, much later, takes the claim over as stale and saves.
            late = notify_run.Senders(post=lambda *a, **k: channels.Answer(False, "HTTP 503"))
            inner.append(
                branch.notify(str(bare), "gh-pages", settings, env, senders=late, now=lambda: 1e12)
            )
        return channels.post(*args, **kwargs)

    first = branch.notify(
        str(bare), "gh-pages", settings, env, senders=notify_run.Senders(post=post_then_race)
    )
    assert inner[0].busy
    assert not inner[0].deliveries
    hooks = [d.channel for d in first.deliveries if d.channel.startswith("webhook:")]
    assert hooks == ["webhook:supervision", "webhook:equipe"]
    assert first.count(notify_run.SENT) == len(first.deliveries)
    assert not first.unrecorded  # its save was refused, merged with the newer one, saved
    assert [r["json"]["x_feed_id"] for r in receivers["statuspage"].accepted] == [NEW_ID]
    assert sent_keys(bare, "webhook:supervision") == [NEW_ID]
    assert sent_keys(bare, "webhook:equipe") == [NEW_ID]
    again = branch.notify(str(bare), "gh-pages", settings, env)
    assert not again.busy  # the late run released its claim: nothing left, nothing sent
    assert again.deliveries == ()
    assert len(receivers["statuspage"].accepted) == 1


def test_a_component_update_goes_with_its_update_or_after_it_failed_never_for_old_ones(
    sites: Sites,
) -> None:
    release = released.read(sites.a)
    settings = pipeline.settings(sites.repo / "mkdocs.yml").settings
    assert settings is not None
    (route,) = [r for r in notify_run.routes(settings) if r.id == "webhook:supervision"]
    update = next(u for u in release.updates if u.changes)
    key = channels.component_key(update, update.changes[0])
    box = outbox.begin(outbox.Outbox(), route.id, "r1")
    due = [k for k, _ in notify_run._due(box, route, release)]
    assert due.index(key) == due.index(update.feed_id) + 1  # right after its incident event
    # The update sent before component updates existed: its old status change never goes.
    box = outbox.mark_sent(box, route.id, update.feed_id, outbox.Sent("t", "r1", "d"))
    assert key not in [k for k, _ in notify_run._due(box, route, release)]
    # ... but one that was tried and failed goes at the next run, and only once.
    box = outbox.mark_failed(box, route.id, key, "HTTP 500")
    assert key in [k for k, _ in notify_run._due(box, route, release)]
    box = outbox.mark_sent(box, route.id, key, outbox.Sent("t", "r1", "d"))
    assert key not in [k for k, _ in notify_run._due(box, route, release)]
    (slack,) = [r for r in notify_run.routes(settings) if r.id == "webhook:equipe"]
    box = outbox.begin(box, slack.id, "r1")
    assert not any("#component:" in k for k, _ in notify_run._due(box, slack, release))
