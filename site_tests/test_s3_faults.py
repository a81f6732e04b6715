"""`vigie deploy s3` when things go wrong, against a real S3 server: the deploy killed with
SIGKILL mid-upload then run again, the server down, no credentials."""

from __future__ import annotations

import json
import os
import select
import signal
import subprocess
import sys

from conftest import run_vigie
from s3_servers import (
    LOCATION,
    Builds,
    S3Server,
    bucket_of,
    deploy_args,
    objects,
)
from vigie.publish import s3
from vigie.publish import s3_messages as msg


def live_commit(server: S3Server) -> str:
    body = server.client().get_object(Bucket="statut", Key="site/version.json")["Body"].read()
    return json.loads(body)["commit"]


def test_a_deploy_killed_mid_upload_then_run_again_ends_whole_and_verified(
    builds: Builds, s3_server: S3Server
) -> None:
    s3.deploy_site(builds.a, bucket_of(s3_server))
    command = [sys.executable, "-m", "vigie.cli", "-f", str(builds.repo / "mkdocs.yml")]
    command += deploy_args(builds.b, s3_server)
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1", s3.PAUSE_ENV: "3"}
    process = subprocess.Popen(command, stderr=subprocess.PIPE, text=True, env=env)
    try:
        assert process.stderr is not None
        ready, _, _ = select.select([process.stderr], [], [], 60)
        assert ready, "aucune pause annoncée"
        line = process.stderr.readline()  # printed once 3 objects are sent
        assert line.startswith(f"{s3.PAUSE_ENV} : pause"), line
        process.send_signal(signal.SIGKILL)
        process.wait(timeout=10)
    finally:
        if process.poll() is None:
            process.kill()
        process.communicate()
    assert process.returncode == -signal.SIGKILL
    assert live_commit(s3_server) == builds.commit_a  # version.json is sent last
    again = run_vigie(builds.repo, *deploy_args(builds.b, s3_server))
    assert again.returncode == 0, again.stderr
    assert live_commit(s3_server) == builds.commit_b
    verified = run_vigie(builds.repo, "verify", LOCATION, "--endpoint-url", s3_server.url)
    assert verified.returncode == 0, verified.stderr
    listing = run_vigie(builds.repo, "releases", LOCATION, "--endpoint-url", s3_server.url)
    assert len(listing.stdout.splitlines()) == 3  # the header, B live, A: no half release


def test_the_server_down_is_told_in_french_and_the_bucket_is_left_as_it_was(
    builds: Builds, s3_server: S3Server
) -> None:
    s3.deploy_site(builds.a, bucket_of(s3_server))
    s3_server.stop()
    before = objects(s3_server)
    result = run_vigie(
        builds.repo, *deploy_args(builds.b, s3_server), env={"AWS_MAX_ATTEMPTS": "2"}
    )
    assert result.returncode == 1
    lines = result.stderr.splitlines()
    assert lines[0] == msg.S3_UNREACHABLE.format(endpoint=s3_server.url, location=LOCATION)
    assert lines[-1] == "  " + msg.S3_NOTHING_CHANGED.format(location=LOCATION)
    assert "Traceback" not in result.stderr
    assert objects(s3_server) == before


def test_no_credentials_and_a_bad_address_are_refused_before_any_request(
    builds: Builds, s3_server: S3Server
) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
    env |= {"AWS_EC2_METADATA_DISABLED": "true", "AWS_CONFIG_FILE": os.devnull}
    env |= {"AWS_SHARED_CREDENTIALS_FILE": os.devnull, "NO_MKDOCS_2_WARNING": "1"}
    command = [sys.executable, "-m", "vigie.cli", "-f", str(builds.repo / "mkdocs.yml")]
    result = subprocess.run(
        [*command, *deploy_args(builds.a, s3_server)],
        capture_output=True,
        text=True,
        env=env,
        check=False,
        timeout=120,
    )
    assert result.returncode == 1
    assert result.stderr.splitlines()[0] == msg.S3_NO_CREDENTIALS.format(location=LOCATION)
    result = run_vigie(builds.repo, "deploy", "s3", "s3:/statut", "-d", str(builds.a))
    assert (result.returncode, result.stderr.strip()) == (
        1,
        msg.S3_BAD_LOCATION.format(location="s3:/statut"),
    )
    assert objects(s3_server) == {}
