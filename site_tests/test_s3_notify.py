"""`vigie deploy s3` tells subscribers once the release is complete: the outbox in the bucket
(`.vigie/notifications.json`), a real S3 server (`rclone serve s3`), real HTTP receivers."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING

import pytest

from notify_servers import NEW_SLUG, SECRET, build_sites, start_receiver
from s3_servers import BUCKET, LOCATION, PREFIX, S3Server, vigie_here
from vigie.publish.notify import bucket_outbox

if TYPE_CHECKING:
    from collections.abc import Iterator
    from pathlib import Path

    from notify_servers import Receiver, Sites


@pytest.fixture(scope="module")
def sites(tmp_path_factory: pytest.TempPathFactory) -> Sites:
    return build_sites(tmp_path_factory.mktemp("s3-notify"))


@pytest.fixture
def receivers(monkeypatch: pytest.MonkeyPatch) -> Iterator[dict[str, Receiver]]:
    started = {name: start_receiver() for name in ("statuspage", "slack", "teams")}
    for name, receiver in started.items():
        monkeypatch.setenv(f"VIGIE_TEST_{name.upper()}_URL", receiver.url)
    monkeypatch.setenv("VIGIE_TEST_STATUSPAGE_SECRET", SECRET)
    yield started
    for receiver in started.values():
        receiver.stop()


def _new(receiver: Receiver) -> list[str]:
    """The texts the Slack receiver accepted that name the new update."""
    texts = [r["body"].decode() for r in receiver.accepted]
    return [t for t in texts if "Bilan de la panne" in t]


def test_a_bucket_deploy_tells_each_new_update_once_and_retries_a_channel_down(
    sites: Sites,
    s3_server: S3Server,
    receivers: dict[str, Receiver],
    capsys: pytest.CaptureFixture[str],
) -> None:
    slack = receivers["slack"]

    def deploy(site: Path, location: str = LOCATION, *more: str, config: str = "mkdocs.yml"):
        args = ["deploy", "s3", location, "--endpoint-url", s3_server.url, "-d", str(site)]
        done = vigie_here(capsys, sites.repo, "-f", str(sites.repo / config), *args, *more)
        assert done.returncode == 0, done.stderr
        return done

    # An empty bucket: its first release is all new, as for a new folder.
    deploy(sites.a)
    first = len(slack.accepted)
    assert first > 0
    assert not _new(slack)
    client = s3_server.client()
    key = f"{PREFIX}/{bucket_outbox.OUTBOX}"
    stored = json.loads(client.get_object(Bucket=BUCKET, Key=key)["Body"].read())
    assert "webhook:equipe" in stored["channels"]
    # The second build: its new update once (never the draft nor the scheduled one).
    done = deploy(sites.b)
    assert len(slack.accepted) == first + 1
    assert len(_new(slack)) == 1
    assert "envoyé — webhook equipe" in done.stdout
    assert "Brouillon" not in str(slack.accepted)
    assert "annuel" not in str(slack.accepted)
    assert NEW_SLUG in _new(slack)[0]
    deploy(sites.b)  # a re-run: nothing twice
    assert len(slack.accepted) == first + 1

    # A bucket online before notifications were configured: nothing older than the release
    # its first notifying deploy replaced (read back from .vigie/objects/); channel down,
    # then up: the new update once, at the next deploy.
    other = f"s3://{BUCKET}/autre"
    deploy(sites.a, other, config="plain.yml")
    assert len(slack.accepted) == first + 1
    slack.mode = "error"
    failed = deploy(sites.b, other)
    tried = {r["body"] for r in slack.refused}  # one update, tried a few times in the run
    assert len(tried) == 1
    assert "Bilan de la panne" in next(iter(tried)).decode()
    assert "pas envoyé — webhook equipe" in failed.stderr
    slack.mode = "ok"
    deploy(sites.b, other)
    assert len(slack.accepted) == first + 2
    assert len(_new(slack)) == 2
