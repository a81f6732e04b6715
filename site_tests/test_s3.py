"""`vigie deploy s3` against a real S3 server (`rclone serve s3` on 127.0.0.1): headers read
back, only what changed sent, readers polling during deploys, history, rollback and verify.
"""

from __future__ import annotations

import hashlib
import json
import re
import shutil
import threading
from typing import TYPE_CHECKING
from urllib.parse import urljoin

import pytest
from bs4 import BeautifulSoup

from conftest import run_vigie
from s3_servers import (
    BUCKET,
    LOCATION,
    PREFIX,
    Builds,
    S3Server,
    bucket_of,
    deploy_args,
    git,
    objects,
    vigie_here,
)
from vigie.publish import hosting, manifest, s3
from vigie.publish import messages as publish_msg
from vigie.publish import s3_messages as msg
from vigie_bench import s3_deploy

if TYPE_CHECKING:
    import subprocess
    from pathlib import Path

SHORT = "public, max-age=300, must-revalidate"
LONG = "public, max-age=31536000, immutable"


def with_extras(site: Path, target: Path) -> Path:
    """A copy of `site` with an iCalendar file, a page and an old-style asset of its own,
    all listed in its manifest like any other file."""
    shutil.copytree(site, target)
    (target / "feeds" / "maintenances.ics").write_text(
        "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//Vigie//FR\r\nEND:VCALENDAR\r\n",
        encoding="utf-8",
    )
    (target / "retiree").mkdir()
    (target / "retiree" / "index.html").write_text("<p>page retirée ensuite</p>", "utf-8")
    (target / "assets" / "ancien.0123abcd.css").write_text("p{}", encoding="utf-8")
    document = json.loads((site / "version.json").read_text(encoding="utf-8"))
    version = manifest.SiteVersion(document["commit"], document["commit_date"])
    manifest.write_manifest(target, version)
    return target


EXPECTED_TYPES = {
    "index.html": "text/html; charset=utf-8",
    "feeds/rss.xml": "application/rss+xml; charset=utf-8",
    "feeds/atom.xml": "application/atom+xml; charset=utf-8",
    "incidents/2024-02-tiers-payant/rss.xml": "application/rss+xml; charset=utf-8",
    "feeds/feed.json": "application/feed+json",
    "feeds/maintenances.ics": "text/calendar; charset=utf-8",
    "api/v2/summary.json": "application/json",
    "version.json": "application/json",
    "badge.svg": "image/svg+xml",
    "sitemap.xml": "text/xml; charset=utf-8",
    ".well-known/security.txt": "text/plain; charset=utf-8",
    "assets/stylesheets/vigie.css": "text/css; charset=utf-8",
}


def test_every_object_has_its_type_cache_rule_and_hash_and_a_second_deploy_sends_nothing(
    builds: Builds, tmp_path: Path, s3_server: S3Server, capsys: pytest.CaptureFixture[str]
) -> None:
    def run_vigie(repo: Path, *args: str) -> subprocess.CompletedProcess[str]:
        return vigie_here(capsys, repo, *args)

    site = with_extras(builds.a, tmp_path / "site")
    result = run_vigie(builds.repo, *deploy_args(site, s3_server))
    assert result.returncode == 0, result.stderr
    client = s3_server.client()
    listed = json.loads((site / "version.json").read_bytes())["files"]
    paths = {entry["path"] for entry in listed} - {"_headers"}
    bundle = next(p for p in paths if re.fullmatch(r"assets/javascripts/bundle\.\w+\.min\.js", p))
    expected = {**EXPECTED_TYPES, bundle: "application/javascript; charset=utf-8"}
    assert set(expected) - {"version.json"} <= paths
    for entry in [*listed, {"path": "version.json", "sha256": None}]:
        path = entry["path"]
        key = f"{PREFIX}/{path}"
        if path == "_headers":  # read by Netlify and Cloudflare Pages, never served
            with pytest.raises(client.exceptions.ClientError):
                client.head_object(Bucket=BUCKET, Key=key)
            continue
        head = client.head_object(Bucket=BUCKET, Key=key)
        assert head["CacheControl"] == (LONG if hosting.FINGERPRINTED.match(path) else SHORT), path
        if path in expected:
            assert head["ContentType"] == expected[path], path
        assert head["ContentType"] == hosting.stored_type(path)
        if entry["sha256"]:
            assert head["Metadata"]["Sha256"] == entry["sha256"], path  # rclone capitalises
    assert (
        client.get_object(Bucket=BUCKET, Key=f"{PREFIX}/index.html")["Body"].read()
        == (site / "index.html").read_bytes()
    )
    sent = result.stdout.splitlines()[0]
    assert f"{len(paths) + 1} fichier(s) envoyé(s) sur {len(paths) + 1}" in sent
    again = run_vigie(builds.repo, *deploy_args(site, s3_server))
    assert again.returncode == 0, again.stderr
    assert again.stdout.startswith("Le seau s3://statut/site contient déjà exactement")
    verified = run_vigie(builds.repo, "verify", LOCATION, "--endpoint-url", s3_server.url)
    assert verified.returncode == 0, verified.stderr
    assert verified.stdout.strip() == publish_msg.VERIFY_OK.format(count=len(paths) + 1)
    # Altered behind Vigie's back: verify names each difference, in bytes and headers.
    client.put_object(
        Bucket=BUCKET, Key=f"{PREFIX}/faq/index.html", Body=b"x", ContentType="text/html"
    )
    client.put_object(Bucket=BUCKET, Key=f"{PREFIX}/en-trop.html", Body=b"x")
    verified = run_vigie(builds.repo, "verify", LOCATION, "--endpoint-url", s3_server.url)
    assert verified.returncode == 1
    assert verified.stderr.splitlines() == [
        "modifié : faq/index.html",
        "en-tête Content-Type de faq/index.html : « text/html » au lieu de "
        "« text/html; charset=utf-8 »",
        f"en-tête Cache-Control de faq/index.html : « (absent) » au lieu de « {SHORT} »",
        "en trop : en-trop.html",
        publish_msg.VERIFY_FAILED.format(count=4),
    ]
    # The next deploy puts back exactly what differs (the object altered), and removes the
    # stray one: no other object is sent.
    done = s3.deploy_site(site, bucket_of(s3_server))
    assert (done.sent, done.removed, done.unchanged) == (1, 1, False)
    assert (
        run_vigie(builds.repo, "verify", LOCATION, "--endpoint-url", s3_server.url).returncode == 0
    )


def asset_links(page_key: str, html: str) -> set[str]:
    """The keys of the site's own files a page loads (styles, scripts, images)."""
    soup = BeautifulSoup(html, "lxml")
    found = set()
    for tag, attribute in (("link", "href"), ("script", "src"), ("img", "src")):
        for element in soup.find_all(tag):
            value = element.get(attribute)
            if not value or "://" in value or value.startswith(("#", "data:", "mailto:")):
                continue
            if tag == "link" and "stylesheet" not in (element.get("rel") or []):
                continue
            found.add(urljoin(page_key, value.split("#")[0].split("?")[0]))
    return found


PAGES = ("index.html", "faq/index.html", "history/index.html", "timeline/index.html")


def test_readers_see_whole_pages_whose_assets_exist_during_deploys(
    builds: Builds, tmp_path: Path, s3_server: S3Server
) -> None:
    bucket = bucket_of(s3_server)
    extra = with_extras(builds.a, tmp_path / "site-c")
    s3.deploy_site(builds.a, bucket)
    hashes: dict[str, set[str]] = {}
    for site in (builds.a, builds.b, extra):
        for entry in json.loads((site / "version.json").read_bytes())["files"]:
            hashes.setdefault(entry["path"], set()).add(entry["sha256"])
    failures: list[str] = []
    reads = [0]
    done = threading.Event()

    def reader(number: int) -> None:
        # As a CDN does, a read the server failed (rclone's 500 while it replaces the file
        # under a loaded machine; S3 itself replaces objects whole) is made again.
        client = s3_server.client(attempts=10)
        turn = number
        try:
            while not done.is_set():
                path = PAGES[turn % len(PAGES)]
                turn += 1
                body = client.get_object(Bucket=BUCKET, Key=f"{PREFIX}/{path}")["Body"].read()
                if hashlib.sha256(body).hexdigest() not in hashes[path]:
                    failures.append(f"{path} : contenu d'aucune version construite")
                    continue
                for asset in sorted(asset_links(path, body.decode("utf-8"))):
                    client.head_object(Bucket=BUCKET, Key=f"{PREFIX}/{asset}")
                reads[0] += 1
        except Exception as error:  # a missing asset or a failed read is what we look for
            failures.append(f"lecteur {number} : {error!r}")

    readers = [threading.Thread(target=reader, args=(n,)) for n in range(3)]
    for thread in readers:
        thread.start()
    try:
        commits = []
        for site in (builds.b, extra, builds.a, builds.b):
            done_deploy = s3.deploy_site(site, bucket)
            assert done_deploy.sent > 0
            commits.append(json.loads(bucket.get("version.json")[0])["commit"])
    finally:
        done.set()
        for thread in readers:
            thread.join(timeout=20)
    assert failures == []
    assert reads[0] > 10
    assert commits == [builds.commit_b, builds.commit_a, builds.commit_a, builds.commit_b]
    # The page the last release no longer has is gone; the old asset is kept for the pages
    # still cached that name it.
    held = objects(s3_server)
    assert f"{PREFIX}/retiree/index.html" not in held
    assert f"{PREFIX}/assets/ancien.0123abcd.css" in held


def test_two_clones_of_one_commit_the_second_deploy_sends_nothing(
    builds: Builds, tmp_path: Path, s3_server: S3Server, capsys: pytest.CaptureFixture[str]
) -> None:
    clone = tmp_path / "clone"
    git(tmp_path, "clone", "-q", str(builds.repo), str(clone))
    built = run_vigie(clone, "build")
    assert built.returncode == 0, built.stderr
    first = vigie_here(capsys, builds.repo, *deploy_args(builds.b, s3_server))
    assert first.returncode == 0, first.stderr
    before = objects(s3_server)
    second = vigie_here(capsys, clone, *deploy_args(clone / "site", s3_server))
    assert second.returncode == 0, second.stderr
    name = first.stdout.split()[1]
    assert second.stdout.strip() == msg.S3_DEPLOY_UNCHANGED.format(location=LOCATION, name=name)
    assert objects(s3_server) == before


def test_releases_rollback_and_verify(
    builds: Builds, tmp_path: Path, s3_server: S3Server, capsys: pytest.CaptureFixture[str]
) -> None:
    def run_vigie(repo: Path, *args: str) -> subprocess.CompletedProcess[str]:
        return vigie_here(capsys, repo, *args)

    bucket = bucket_of(s3_server)
    extra = with_extras(builds.a, tmp_path / "site-c")
    names = [s3.deploy_site(site, bucket).name for site in (builds.a, extra, builds.b)]
    endpoint = ("--endpoint-url", s3_server.url)
    listing = run_vigie(builds.repo, "releases", LOCATION, *endpoint).stdout.splitlines()
    assert listing[0] == msg.S3_RELEASES_HEADER.format(location=LOCATION)
    assert listing[1].startswith(f"* {names[2]}   commit {builds.commit_b} du 2024-02-21T09:00")
    assert listing[1].endswith(publish_msg.RELEASE_LIVE)
    assert [line.split()[0] for line in listing[2:]] == [names[1], names[0]]
    # Back to the previous release: its files come back from .vigie/objects/, server-side.
    result = run_vigie(builds.repo, "rollback", LOCATION, *endpoint)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == publish_msg.ROLLBACK_OK.format(name=names[1], previous=names[2])
    assert bucket.get("retiree/index.html") is not None
    assert bucket.get("version.json")[0] == (extra / "version.json").read_bytes()
    assert run_vigie(builds.repo, "verify", LOCATION, *endpoint).returncode == 0
    assert run_vigie(builds.repo, "rollback", LOCATION, *endpoint).returncode == 0
    assert bucket.get("retiree/index.html") is None  # the oldest release has no such page
    result = run_vigie(builds.repo, "rollback", LOCATION, *endpoint)
    assert (result.returncode, result.stderr.strip()) == (
        1,
        msg.S3_NO_OLDER.format(name=names[0]),
    )
    result = run_vigie(builds.repo, "rollback", LOCATION, "--to", builds.commit_b, *endpoint)
    assert result.returncode == 0, result.stderr
    for path in ("index.html", "faq/index.html", "version.json"):
        assert bucket.get(path)[0] == (builds.b / path).read_bytes()
    verified = run_vigie(builds.repo, "verify", LOCATION, *endpoint)
    assert verified.returncode == 0, verified.stderr
    # Rollback, like a deploy, sends nothing when the bucket already holds the release.
    result = run_vigie(builds.repo, "rollback", LOCATION, "--to", names[2], *endpoint)
    assert result.stdout.strip() == publish_msg.ROLLBACK_ALREADY.format(name=names[2])


def test_cdn_headers_carry_every_header_of_the_headers_file(
    builds: Builds, capsys: pytest.CaptureFixture[str]
) -> None:
    """What a bucket cannot send, printed for CloudFront and Cloudflare from `_headers`."""
    policy = (builds.a / "csp.txt").read_text(encoding="utf-8").strip()
    expected = {
        "Content-Security-Policy": policy,
        "Strict-Transport-Security": "max-age=31536000",
        "X-Content-Type-Options": "nosniff",
        "Referrer-Policy": "no-referrer",
        "Permissions-Policy": hosting.PERMISSIONS_POLICY,
        "X-Frame-Options": "DENY",
    }
    site = ("-d", str(builds.a))
    result = vigie_here(capsys, builds.repo, "cdn-headers", "cloudflare", *site)
    assert result.returncode == 0, result.stderr
    rule = json.loads(result.stdout)["rules"][0]
    assert (rule["expression"], rule["action"]) == ("true", "rewrite")
    headers = rule["action_parameters"]["headers"]
    assert {name: h["value"] for name, h in headers.items()} == expected
    assert {h["operation"] for h in headers.values()} == {"set"}
    result = vigie_here(capsys, builds.repo, "cdn-headers", "cloudfront", *site)
    assert result.returncode == 0, result.stderr
    config = json.loads(result.stdout)
    security = config["SecurityHeadersConfig"]
    assert security["ContentSecurityPolicy"]["ContentSecurityPolicy"] == policy
    assert security["StrictTransportSecurity"]["AccessControlMaxAgeSec"] == 31536000
    assert security["StrictTransportSecurity"]["IncludeSubdomains"] is False
    assert security["ReferrerPolicy"]["ReferrerPolicy"] == "no-referrer"
    assert security["FrameOptions"]["FrameOption"] == "DENY"
    assert security["ContentTypeOptions"] == {"Override": True}
    assert config["CustomHeadersConfig"] == {
        "Quantity": 1,
        "Items": [
            {"Header": "Permissions-Policy", "Value": hosting.PERMISSIONS_POLICY, "Override": True}
        ],
    }
    assert all(part.get("Override") for part in security.values())


def test_the_benchmark_measures_a_full_deploy_then_only_what_changed(builds: Builds) -> None:
    """`make bench`'s S3 section (`vigie_bench.s3_deploy`), on the two example builds: every
    object into an empty bucket, then only the pages the second commit changed."""
    full, update = s3_deploy.measure(builds.a, builds.b)
    assert full.sent == full.files > 50
    assert full.removed == update.removed == 0
    assert 0 < update.sent < full.sent
    assert update.files == full.files
    table = s3_deploy.report(full, update)
    assert f"| complet, seau vide | {full.sent} | {full.files} | 0 |" in table
