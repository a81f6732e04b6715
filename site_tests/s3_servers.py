"""A real S3 server on 127.0.0.1 for the bucket tests (`rclone serve s3` over a temporary
folder), and two builds of the example sources at two commits to deploy to it."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
from typing import TYPE_CHECKING, Any

import boto3
from botocore.config import Config

from conftest import vigie_here as vigie_here
from two_builds import GIT_IDENTITY as GIT_IDENTITY
from two_builds import Builds as Builds
from two_builds import git as git
from two_builds import make_builds as make_builds
from two_builds import shared_builds as shared_builds
from vigie.publish.bucket import Bucket, parse_location

if TYPE_CHECKING:
    from collections.abc import Iterator
    from pathlib import Path

    import pytest

RCLONE = shutil.which("rclone") or os.path.join(os.path.dirname(sys.executable), "rclone")
ACCESS, SECRET = "vigietestaccess", "vigietestsecret"  # rclone refuses very short keys
BUCKET = "statut"
PREFIX = "site"
LOCATION = f"s3://{BUCKET}/{PREFIX}"
CREDENTIALS = {
    "AWS_ACCESS_KEY_ID": ACCESS,
    "AWS_SECRET_ACCESS_KEY": SECRET,
    "AWS_REGION": "us-east-1",
    "AWS_EC2_METADATA_DISABLED": "true",  # no instance-role probe on a test machine
}


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _listening(port: int) -> bool:
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=0.2):
            return True
    except OSError:
        return False


class S3Server:
    """`rclone serve s3` on a free port of 127.0.0.1, serving each folder of `data` as a
    bucket. It keeps object metadata in memory: stop it only where a test means it."""

    def __init__(self, data: Path, log: Path) -> None:
        (data / BUCKET).mkdir(parents=True, exist_ok=True)
        self.data = data
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        command = [RCLONE, "serve", "s3", "--addr", f"127.0.0.1:{self.port}"]
        command += ["--auth-key", f"{ACCESS},{SECRET}", str(data)]
        env = {**os.environ, "RCLONE_CONFIG": str(log.with_suffix(".conf"))}
        with open(log, "w", encoding="utf-8") as output:
            self.process = subprocess.Popen(command, stdout=output, stderr=output, env=env)
        deadline = time.monotonic() + 20
        while not _listening(self.port):  # the port answers once rclone serves
            if self.process.poll() is not None or time.monotonic() > deadline:
                self.stop()
                raise AssertionError(log.read_text(encoding="utf-8"))
            time.sleep(0.01)

    def client(self, attempts: int | None = None) -> Any:  # a boto3 S3 client
        """`attempts`: how many times a failed request is made (botocore's default else)."""
        return boto3.client(
            "s3",
            endpoint_url=self.url,
            aws_access_key_id=ACCESS,
            aws_secret_access_key=SECRET,
            region_name="us-east-1",
            config=Config(retries={"max_attempts": attempts, "mode": "standard"})
            if attempts
            else None,
        )

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()


def running_server(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[S3Server]:
    """A fresh S3 server and bucket for one test (a fixture's body); the AWS variables set."""
    for name, value in CREDENTIALS.items():
        monkeypatch.setenv(name, value)
    server = S3Server(tmp_path / "s3", tmp_path / "rclone.log")
    try:
        yield server
    finally:
        server.stop()


def bucket_of(server: S3Server) -> Bucket:
    """The deploy's own client for the test bucket."""
    return Bucket(parse_location(LOCATION), server.url, None)


def deploy_args(site: Path, server: S3Server, *more: str) -> list[str]:
    return ["deploy", "s3", LOCATION, "--endpoint-url", server.url, "-d", str(site), *more]


def objects(server: S3Server) -> dict[str, bytes]:
    """Every file the server holds for the bucket, read from its folder."""
    folder = server.data / BUCKET
    return {
        p.relative_to(folder).as_posix(): p.read_bytes()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }
