"""`vigie verify s3://…`: every object of the bucket read back and compared with the manifest."""

from __future__ import annotations

import hashlib
from concurrent.futures import ThreadPoolExecutor
from typing import TYPE_CHECKING

from vigie.publish import manifest
from vigie.publish import s3_messages as msg
from vigie.publish.bucket import WORKERS
from vigie.publish.s3 import ASSETS, Wanted, wanted_files

if TYPE_CHECKING:
    from vigie.publish.bucket import Bucket


def verify(bucket: Bucket) -> tuple[list[str], int]:
    """Every way the bucket differs from its `version.json` (bytes and headers); and how many
    objects the manifest lists."""
    found = bucket.get(manifest.MANIFEST)
    if found is None:
        return [msg.S3_VERIFY_NO_MANIFEST], 0
    files = wanted_files(found[0])
    listing = {p for p in bucket.listing() if not p.startswith(".vigie/")}

    def check(wanted: Wanted) -> list[str]:
        got = bucket.get(wanted.path) if wanted.path != manifest.MANIFEST else found
        if got is None:
            return [msg.S3_VERIFY_MISSING.format(path=wanted.path)]
        body, head = got
        problems = []
        if len(body) != wanted.size or hashlib.sha256(body).hexdigest() != wanted.sha256:
            problems.append(msg.S3_VERIFY_CHANGED.format(path=wanted.path))
        for header, seen, right in (
            ("Content-Type", head.content_type, wanted.content_type),
            ("Cache-Control", head.cache_control, wanted.cache_control),
        ):
            if seen != right:
                problems.append(
                    msg.S3_VERIFY_HEADER.format(
                        header=header,
                        path=wanted.path,
                        found=seen or msg.S3_VERIFY_ABSENT,
                        wanted=right,
                    )
                )
        return problems

    with ThreadPoolExecutor(max_workers=WORKERS) as pool:
        problems = [p for found_problems in pool.map(check, files) for p in found_problems]
    listed = {w.path for w in files}
    problems += [
        msg.S3_VERIFY_EXTRA.format(path=path)
        for path in sorted(listing - listed)
        if not path.startswith(ASSETS) and path not in manifest.HOST_CONFIGURATION
    ]
    return problems, len(files)
